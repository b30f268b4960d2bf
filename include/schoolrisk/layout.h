/*
 * schoolrisk/layout.h - report layouts: which columns a workbook's
 * tabular sheets show, in which order, under which Chinese headings,
 * how wide and with which number format.
 *
 * A layout file (templates/reports/NAME.csv, docs/report-layouts.md) is a
 * UTF-8 CSV whose first row is the header "sheet,field,heading,width,
 * format" and whose every other row is one column:
 *
 *     学校评估,code,学校代码,12,
 *     学校评估,total,总分,8,0.00
 *
 * Rows whose first field starts with '#' are comments.  The sheet and
 * the field must be known to the registry below (a field is one member
 * of the report structs of report.h), so that a typo in a layout is an
 * error naming its file and line rather than an empty column.  A
 * bureau reorders, renames, resizes or drops columns without a
 * rebuild; it cannot invent data.
 */
#ifndef SR_LAYOUT_H
#define SR_LAYOUT_H

#include <stddef.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The tabular sheets a layout describes.  Append only. */
enum sr_layout_sheet {
    SR_SHEET_SCHOOLS,  /**< 学校评估: struct sr_report_school */
    SR_SHEET_LOST,     /**< 失分明细: struct sr_report_lost */
    SR_SHEET_HAZARDS,  /**< 隐患台账: struct sr_report_hazard */
    SR_SHEET_BASELINE, /**< 四个100%: struct sr_report_school */
    SR_SHEET_CITY_DISTRICTS,    /**< 区县汇总: struct sr_report_city_district */
    SR_SHEET_CITY_NONCOMPLIANT, /**< 未达标学校: struct sr_report_school */
    SR_SHEET_CITY_MAJOR,        /**< 重大隐患: struct sr_report_hazard */
    SR_SHEET_CITY_BASELINE,     /**< 四个100%未达标: struct sr_report_school */
    SR_SHEET_CITY_PEERS,        /**< 同类排名: struct sr_report_peer */
    SR_SHEET_CITY_TREND,        /**< 趋势: struct sr_report_trend */
    SR_SHEET_COUNT
};

/** How a field's value is written to a cell. */
enum sr_field_kind {
    SR_FIELD_TEXT,  /**< a string cell (blank when absent) */
    SR_FIELD_DATE,  /**< "YYYY-MM-DD" as a string cell */
    SR_FIELD_BOOL,  /**< 是 / 否 as a string cell */
    SR_FIELD_INT,   /**< a whole number */
    SR_FIELD_SCORE, /**< a number: hundredths shown as points */
    SR_FIELD_POINTS, /**< a number: millionths shown as points */
    SR_FIELD_RATE    /**< a number num/den in a percent format; the text
                          "-" when den is 0 */
};

/** Fields of 学校评估 (and of 四个100%, which shows the same struct). */
enum sr_field_school {
    SR_FS_CODE, SR_FS_NAME, SR_FS_DISTRICT, SR_FS_DISTRICT_NAME,
    SR_FS_STAGE, SR_FS_OWNERSHIP, SR_FS_LOCALE, SR_FS_BOARDING,
    SR_FS_SCHOOL_BUS, SR_FS_CANTEEN, SR_FS_LABORATORY,
    SR_FS_SWIMMING_POOL, SR_FS_ENROLLMENT, SR_FS_BOARDERS,
    SR_FS_SPECIAL_NEEDS, SR_FS_STATUS, SR_FS_ASSESSMENT, SR_FS_SYSTEM,
    SR_FS_TOTAL, SR_FS_BAND, SR_FS_COMPLIANT, SR_FS_VETOED,
    SR_FS_VETO_ITEMS, SR_FS_DIMENSIONS, SR_FS_ASSESSED_ON,
    SR_FS_INSPECTOR, SR_FS_OPEN_HAZARDS, SR_FS_OVERDUE_HAZARDS,
    SR_FS_GUARDS, SR_FS_CLOSED_CAMPUS, SR_FS_ALARM_VIDEO,
    SR_FS_PROTECTION_POSTS, SR_FS_BASELINE_ALL, SR_FS_BASELINE_WHY,
    /* The attributes of schema 5 (school.h), appended. */
    SR_FS_STAFF, SR_FS_POPULATION, SR_FS_MEAL_DELIVERY,
    SR_FS_VILLAGE_SCHOOL,
    SR_FS_COUNT
};

/** Fields of 失分明细. */
enum sr_field_lost {
    SR_FL_CODE, SR_FL_SCHOOL_NAME, SR_FL_DIMENSION, SR_FL_ITEM,
    SR_FL_ITEM_TITLE, SR_FL_EARNED, SR_FL_MAX, SR_FL_LOST, SR_FL_VALUE,
    SR_FL_NOTE, SR_FL_HAZARD, SR_FL_VETO,
    SR_FL_COUNT
};

/** Fields of 隐患台账. */
enum sr_field_hazard {
    SR_FH_ID, SR_FH_CODE, SR_FH_SCHOOL_NAME, SR_FH_DISTRICT,
    SR_FH_DISTRICT_NAME, SR_FH_ITEM, SR_FH_ITEM_TITLE,
    SR_FH_DESCRIPTION, SR_FH_LEVEL, SR_FH_FOUND_ON, SR_FH_FOUND_BY,
    SR_FH_RESPONSIBLE, SR_FH_MEASURES, SR_FH_DEADLINE, SR_FH_STATUS,
    SR_FH_CLOSED_ON, SR_FH_DAYS_OVERDUE, SR_FH_OVERDUE,
    SR_FH_SUPERVISED, SR_FH_RECURRENT_OF, SR_FH_DAYS_LATE,
    SR_FH_COUNT
};

/** KPI fields (struct sr_report_kpis), shared by 区县汇总 and 趋势. */
enum sr_field_kpi {
    SR_FK_SCHOOLS, SR_FK_ASSESSED, SR_FK_COVERAGE, SR_FK_COMPLIANT,
    SR_FK_COMPLIANCE, SR_FK_BLUE, SR_FK_YELLOW, SR_FK_ORANGE, SR_FK_RED,
    SR_FK_VETOED, SR_FK_GUARDS_RATE, SR_FK_CLOSED_CAMPUS_RATE,
    SR_FK_ALARM_VIDEO_RATE, SR_FK_PROTECTION_POSTS_RATE, SR_FK_FOUR_100,
    SR_FK_HAZARDS_FOUND, SR_FK_HAZARDS_CLOSED, SR_FK_HAZARDS_OPEN,
    SR_FK_HAZARDS_OVERDUE, SR_FK_RECTIFICATION, SR_FK_OPEN_MAJOR,
    SR_FK_HAZARDS_CLOSED_LATE, SR_FK_FOUR_UNASSESSED,
    SR_FK_COUNT
};

/** Fields of 区县汇总: the KPI fields, then these. */
enum sr_field_district {
    SR_FD_RANK = SR_FK_COUNT, SR_FD_CODE, SR_FD_DISTRICT,
    SR_FD_COUNT
};

/** Fields of 趋势: the KPI fields, then these. */
enum sr_field_trend {
    SR_FT_PERIOD = SR_FK_COUNT, SR_FT_PERIOD_NAME, SR_FT_START, SR_FT_END,
    SR_FT_COUNT
};

/** Fields of 同类排名. */
enum sr_field_peer {
    SR_FP_STAGE, SR_FP_RANK, SR_FP_OF, SR_FP_DISTRICT_NAME, SR_FP_CODE,
    SR_FP_NAME, SR_FP_TOTAL, SR_FP_BAND, SR_FP_COMPLIANT, SR_FP_VETOED,
    SR_FP_OVERDUE_HAZARDS, SR_FP_OPEN_HAZARDS,
    SR_FP_COUNT
};

/** One column of a sheet. */
struct sr_layout_column {
    int field;      /**< enum sr_field_school/_lost/_hazard/_district/
                         _peer/_trend by sheet */
    char *heading;  /**< Chinese heading, UTF-8 */
    double width;   /**< Excel column width, 1..255 */
    char *format;   /**< Excel number format; "" for the default */
    long line;      /**< line of the layout file */
};

/** The columns of one sheet, in order. */
struct sr_layout_columns {
    struct sr_layout_column *v;
    size_t n;
    size_t alloc;
};

/** Most signature labels a layout may give. */
#define SR_LAYOUT_SIGNATURES_MAX 8

/** A 填报单位 for one district (a row "文字,unit:历下区,…"). */
struct sr_layout_unit {
    char *district; /**< district name or code, as written */
    char *text;     /**< the unit's template */
};

/**
 * The wording of a workbook's front matter: the rows of the pseudo-sheet
 * 文字 (docs/report-layouts.md).  The bureau owns these words; every
 * one is optional and NULL when the layout leaves it out (the writer
 * then uses its neutral default).  Templates may hold the placeholders
 * {区县} (the district's name; 全市 in the city workbook) and {统计期}
 * (the period's name), the footer also {单位} (the unit), {页码} and
 * {总页数} (the page and the page count).
 */
struct sr_layout_text {
    char *title;   /**< 标题 template, or NULL */
    long title_line;
    char *unit;    /**< 填报单位 template, or NULL */
    long unit_line;
    struct sr_layout_unit *units; /**< per-district units, file order */
    size_t n_units;
    char *signatures[SR_LAYOUT_SIGNATURES_MAX]; /**< 单位负责人, 审核人 … */
    size_t n_signatures;
    char *footer;  /**< page footer template, or NULL */
    long footer_line;
    char *docno;   /**< a bulletin's 文号 prefix (机关代字, "济教安"), or
                        NULL (bulletin.h) */
    long docno_line;
};

/** A loaded layout; the caller owns it (sr_layout_release). */
struct sr_layout {
    char *file;                                  /**< as given */
    struct sr_layout_columns sheets[SR_SHEET_COUNT];
    struct sr_layout_text text;                  /**< sheet 文字 */
};

/** What a template's placeholders stand for (NULL reads as ""). */
struct sr_layout_vars {
    const char *district; /**< {区县} */
    const char *period;   /**< {统计期} */
    const char *unit;     /**< {单位} */
};

/**
 * @brief The 填报单位 template for a district: the row
 *        "文字,unit:DISTRICT" naming its name or code, else the row
 *        "文字,unit", else NULL.
 */
const char *sr_layout_unit_for(const struct sr_layout *l, const char *code,
                               const char *name);

/**
 * @brief Fill a template's placeholders from @p vars.
 *
 * With @p footer the result is a page header/footer string: '&' is
 * doubled (it starts a control code there) and {页码} / {总页数} become
 * &P / &N; elsewhere those two are left as they are.
 * @return a new string (free it), or NULL when out of memory
 * @code
 * struct sr_layout_vars v = {"历下区", "2026年第三季度", NULL};
 * char *t = sr_layout_expand("{区县}{统计期}汇总表", &v, 0);
 * // "历下区2026年第三季度汇总表"
 * @endcode
 */
char *sr_layout_expand(const char *tmpl, const struct sr_layout_vars *vars,
                       int footer);

/** @brief The sheet's name as it appears in a layout and a workbook
 *         ("学校评估"), or NULL. */
const char *sr_layout_sheet_name(int sheet);

/**
 * @brief Whether @p sheet belongs to the city workbook (区县汇总 ...
 *        趋势) rather than the district workbook.
 */
int sr_layout_sheet_is_city(int sheet);

/** @brief Look a sheet up by name; -1 when unknown. */
int sr_layout_sheet_lookup(const char *name);

/** @brief Number of fields a sheet knows (0 for a bad sheet). */
int sr_layout_field_count(int sheet);

/** @brief A field's name in a layout file ("total"), or NULL. */
const char *sr_layout_field_name(int sheet, int field);

/** @brief A field's kind (enum sr_field_kind), or -1. */
int sr_layout_field_kind(int sheet, int field);

/** @brief Look a field of @p sheet up by name; -1 when unknown. */
int sr_layout_field_lookup(int sheet, const char *name);

/**
 * @brief The number format a column gets: its own, or the default of
 *        its field's kind ("0", "0.00", "0.0%" or "@").  Never NULL.
 */
const char *sr_layout_column_format(int sheet,
                                    const struct sr_layout_column *c);

/**
 * @brief How many lines @p text takes when wrapped in a column @p width
 *        wide (Excel's unit: the width of a digit).
 *
 * What a workbook sets a row's height from, since a spreadsheet does
 * not always grow a row to its wrapped text (LibreOffice does not).  A
 * character of East Asian width W or F, and general punctuation such as
 * “ ” … that a Chinese font sets full width, counts two units, any
 * other character one; the cell's padding is outside @p width (a
 * column @p width wide, as libxlsxwriter sets it, is that many digits
 * plus 5 pixels).  A line
 * breaks before a word (a run of narrow characters) that no longer
 * fits, inside a word longer than a line, and at every newline; a space
 * where a line breaks takes no room.  Slightly generous rather than
 * short: a row too tall wastes paper, one too short prints over the
 * next.
 * @return 1 or more (1 for NULL or "")
 * @code
 * sr_layout_text_lines("一般隐患", 7);  // 2: 8 units in 7
 * @endcode
 */
int sr_layout_text_lines(const char *text, double width);

/**
 * @brief Parse a layout from @p len bytes at @p buf.
 *
 * Every problem is appended to @p diags as "FILE:LINE: message" with
 * @p file (unknown sheet, unknown field, bad width, duplicate field,
 * wrong number of fields, empty heading, bad format, invalid UTF-8).
 * @p out is initialised first; on error it is released again.
 * @return SR_OK, SR_ERR_INPUT or SR_ERR_NOMEM.
 * @code
 * struct sr_layout lay;
 * struct sr_diags d;
 * sr_diags_init(&d);
 * if (sr_layout_load("templates/reports/district.csv", &lay, &d) == SR_OK)
 *     sr_layout_release(&lay);
 * sr_diags_release(&d);
 * @endcode
 */
sr_error sr_layout_parse(const char *buf, size_t len, const char *file,
                         struct sr_layout *out, struct sr_diags *diags);

/**
 * @brief Load a layout file (at most 1 MiB): sr_layout_parse() of its
 *        content.
 * @return as sr_layout_parse(), or SR_ERR_IO / SR_ERR_TOO_LARGE (with
 *         a diagnostic naming the file).
 */
sr_error sr_layout_load(const char *path, struct sr_layout *out,
                        struct sr_diags *diags);

/** @brief Free a layout; a zeroed one is fine. */
void sr_layout_release(struct sr_layout *l);

#ifdef __cplusplus
}
#endif
#endif /* SR_LAYOUT_H */
