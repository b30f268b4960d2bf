/*
 * schoolrisk/report_xlsx.h - the compliance workbooks (.xlsx): district
 * and city.
 *
 * The writer only lays out the figures of report.h: it computes
 * nothing but num/den of a rate.  Tabular sheets take their columns
 * from a layout (layout.h), and so do the words of the front matter
 * (title, 填报单位, signature labels, footer: the layout's sheet 文字);
 * the rest of the overview (概况) and the notes (说明) are fixed.
 * Every string is checked to be UTF-8 before anything is written,
 * because libxlsxwriter writes bad bytes into the XML and leaves a
 * corrupt file.
 *
 * Content never stops a workbook: a text longer than a cell holds
 * (Excel's 32,767 characters, counted in UTF-16 units) is cut between
 * two characters and ends with "…（已截断，全文见系统）", 32,767 in all.
 *
 * The file is replaced whole or not at all: the workbook is assembled
 * in memory, copied to a temporary file ".NAME.XXXXXX" next to @p path,
 * flushed (fsync) and renamed over @p path, and the directory flushed.
 * A full disk, a kill or a power cut leaves @p path as it was, never a
 * truncated workbook; a temporary file is removed on every error (only
 * a kill during the copy can leave one).  A symbolic link is followed
 * (the file it points to is replaced); a target that is not a regular
 * file (a pipe, /dev/stdout) is written in place.  Nothing is printed:
 * libxlsxwriter, which prints its own "[ERROR]" lines, never writes to
 * the disk that is full (only where /proc or memfd_create() are missing
 * does it write the temporary file itself).
 */
#ifndef SR_REPORT_XLSX_H
#define SR_REPORT_XLSX_H

#include <stddef.h>

#include "schoolrisk/error.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Who made a workbook and when, for the title block and 说明. */
struct sr_report_meta {
    const char *generated_at; /**< UTC, "2026-10-08T01:30:00Z": shown in
                                   China time ("2026年10月8日 09:30");
                                   any other text is shown as is */
    const char *generated_by; /**< user or office; NULL for "-" */
    const char *audit_head;   /**< head hash of the audit chain at the
                                   moment of writing; NULL for "-" */
    struct sr_diags *diags;   /**< where a failure's message goes (one
                                   entry, no file or line); may be NULL */
};

/**
 * @brief Write the district workbook to @p path.
 *
 * Sheets: 概况 (title block with the layout's title and 填报单位, KPIs,
 * by-stage table, a bar chart of the risk bands and a column chart by
 * stage, the layout's signature line), 学校评估, 失分明细, 隐患台账,
 * 四个100% (columns from @p layout), 说明.  An existing file at @p path
 * is replaced.
 * @param r      the district's figures (sr_report_district())
 * @param layout a layout with columns for all four tabular sheets
 * @param path   the .xlsx to write
 * @param meta   generated at / by, audit head, diagnostics
 * @return SR_OK; SR_ERR_INPUT (a string is not UTF-8, or the layout
 *         lacks a sheet: the message names the field); SR_ERR_IO (the
 *         file cannot be written: "cannot write 'PATH': REASON");
 *         SR_ERR_NOMEM; SR_ERR_INTERNAL (libxlsxwriter refused a call).
 *         On failure @p path is as it was.
 * @code
 * struct sr_report_meta m = {"2026-10-08 09:30:00", "张三", head, &d};
 * rc = sr_report_write_district(&rep, &layout, "市中区.xlsx", &m);
 * @endcode
 */
sr_error sr_report_write_district(const struct sr_report_district *r,
                                  const struct sr_layout *layout,
                                  const char *path,
                                  const struct sr_report_meta *meta);

/**
 * @brief sr_report_write_district() for figures a period sign-off
 *        locked (signoff.h): 说明 shows @p locked ("本期数据已于…签批锁定，
 *        依据签批快照生成", sr_signoff_report_district()) under 统计期.
 *        @p locked NULL or "" is sr_report_write_district().
 */
sr_error sr_report_write_district_locked(const struct sr_report_district *r,
                                         const struct sr_layout *layout,
                                         const char *path,
                                         const struct sr_report_meta *meta,
                                         const char *locked);

/**
 * @brief Write the city workbook to @p path.
 *
 * Sheets: 区县汇总 (the layout's title and 填报单位, one row per
 * district, the city total row 全市合计, the layout's signature line,
 * then three blocks of chart data each with a bar chart: compliance,
 * coverage and rectification by district, highest first), 未达标学校,
 * 重大隐患, 四个100%未达标, 同类排名 (each stage's bottom tenth, at least
 * 10 schools), 趋势 (columns from @p layout; 趋势 adds a line chart when
 * it has two periods or more, a note otherwise), 说明.  Print setup as
 * in the district workbook.  With more than 20,000 table rows in all
 * the workbook is written in libxlsxwriter's constant_memory mode
 * (memory bounded by a row, strings inline).
 * @param r      the city's figures (sr_report_city())
 * @param layout a layout with columns for all six city sheets
 *               (templates/reports/city.csv)
 * @param path   the .xlsx to write
 * @param meta   generated at / by, audit head, diagnostics
 * @return as sr_report_write_district(); also SR_ERR_INPUT when
 *         n_trend > 12.
 */
sr_error sr_report_write_city(const struct sr_report_city *r,
                              const struct sr_layout *layout,
                              const char *path,
                              const struct sr_report_meta *meta);

/* --------------------------------------------------------------------
 * What every writer of workbooks shares (report_out.c): the CLI's
 * `report` and the service's downloads name, lay out and sign a
 * workbook the same way.
 * ------------------------------------------------------------------ */

/**
 * @brief The layout file of a workbook: TEMPLATE_DIR/reports/NAME.csv
 *        (NAME "district" or "city"), for sr_layout_load().  Truncated
 *        to fit @p size, always NUL-terminated.
 */
void sr_report_layout_path(const char *template_dir, const char *name,
                           char *buf, size_t size);

/**
 * @brief A workbook's file name: "历下区-2026Q3.xlsx" for a district
 *        (@p district its name), "全市-2026Q3.xlsx" for the city
 *        (@p district NULL).  Truncated to fit, always NUL-terminated.
 */
void sr_report_file_name(const char *district, const struct sr_period *p,
                         char *buf, size_t size);

/**
 * @brief Fill @p meta for a workbook written now: generated at the
 *        store's clock ("YYYY-MM-DDTHH:MM:SSZ"), by the store's actor,
 *        with the head of the audit chain now (NULL when the chain is
 *        empty) and @p diags for the writer's message.
 * @param head, now buffers the strings of @p meta point into
 * @return SR_OK, or the error of sr_audit_head() (message in the
 *         store).
 * @code
 * char head[65], now[32];
 * rc = sr_report_meta_fill(st, &meta, head, now, &diags);
 * @endcode
 */
sr_error sr_report_meta_fill(struct sr_store *st, struct sr_report_meta *meta,
                             char head[65], char now[32],
                             struct sr_diags *diags);

#ifdef __cplusplus
}
#endif
#endif /* SR_REPORT_XLSX_H */
