/*
 * schoolrisk/registry.h - the school registry (学校名册): reading the
 * bureau's CSV, validating it, storing it, and reading schools back.
 *
 * The registry CSV has a header row naming its columns, in any order,
 * each in Chinese or English (docs/registry.md; the import template is
 * templates/schools-import.csv):
 *
 *   学校标识码 code      10 digits                      required
 *   学校名称   name      text                           required
 *   区县       district  a district's name or code      required
 *   学段       stage     幼儿园 … 特殊教育学校, or its
 *                        canonical name (primary …)     required
 *   办学性质   ownership 公办/民办, public/private      required
 *   城乡       locale    城区/镇区/乡村, urban/town/rural required
 *   寄宿 boarding, 校车 school_bus, 食堂 canteen, 实验室 laboratory,
 *   游泳池 swimming_pool                是/否, true/false  required
 *   在校生数 enrollment, 住宿生数 boarders, 特殊需要学生数 special_needs
 *                        a whole number 0..10000000     required
 *   教职工数 staff       a whole number 0..10000000     assumed
 *   校外供餐 meal_delivery, 村小教学点 village_school
 *                        是/否, true/false              assumed
 *   安全负责人 contact, 联系电话 phone  text            optional
 *
 * An "assumed" column (added with schema 5) may be left out, so that a
 * registry file of the earlier format still imports: a new school then
 * gets 0 / 否, a registered one keeps its stored value, and the import
 * report's absent bits say which columns were left out, for the caller
 * to tell the importer.  A column that is present must be filled in
 * every row.  师生员工数 (population) is derived, never a column.
 *
 * The file may be UTF-8 (with or without a byte order mark) or GB18030,
 * which is what Excel on a Chinese Windows saves as "CSV (逗号分隔)":
 * bytes that are not valid UTF-8 are converted from GB18030 with
 * iconv.  CRLF line ends and quoted fields are read as Excel writes
 * them.
 *
 * Reading is separate from storing, so that a file can be checked
 * without a database (the fuzz target does this): sr_registry_parse()
 * checks every row against a list of districts and reports every bad
 * cell to an sr_diags list as "column 'NAME': reason", with the file
 * and the line, NAME being the header as written in the file.  Only a
 * file without a single bad row is stored, by sr_registry_store(), in
 * one transaction: all or nothing.
 *
 * Errors.  Problems with the input (a bad row, an unreadable file) are
 * reported to the diagnostics list and return SR_ERR_INPUT, SR_ERR_IO
 * or SR_ERR_TOO_LARGE.  Problems with the database return SR_ERR_DB
 * (or SR_ERR_NOMEM, SR_ERR_INTERNAL) with the message in
 * sr_store_errmsg(); the database is then as it was before the call.
 */
#ifndef SR_REGISTRY_H
#define SR_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/school.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;
struct sr_scope;

/** Largest registry file accepted, in bytes (40,000 schools take about
 *  6 MiB). */
#define SR_REGISTRY_MAX_BYTES (64u << 20)

/* --------------------------------------------------------------------
 * Districts (区县): the reporting units schools belong to.
 * ------------------------------------------------------------------ */

/** One district: its code (370102, JN-SS…) and name (历下区). */
struct sr_district {
    char *code;
    char *name;
};

/** A list of districts, owned by the caller. */
struct sr_districts {
    struct sr_district *v;
    size_t n;
    size_t alloc;
};

/** @brief Initialise an empty list (no allocation). */
void sr_districts_init(struct sr_districts *d);

/** @brief Free the entries and the array; the list is empty again. */
void sr_districts_release(struct sr_districts *d);

/**
 * @brief Append a district (both strings are copied).
 * @return SR_OK or SR_ERR_NOMEM (the list is then unchanged).
 */
sr_error sr_districts_add(struct sr_districts *d, const char *code,
                          const char *name);

/**
 * @brief Find a district by its name or its code.
 * @return the entry, or NULL when none matches.
 */
const struct sr_district *sr_districts_find(const struct sr_districts *d,
                                            const char *name_or_code);

/**
 * @brief Read the districts table into @p out (initialised by the
 *        call), in the bureau's order.
 * @return SR_OK, SR_ERR_DB or SR_ERR_NOMEM (message in the store).
 */
sr_error sr_registry_districts(struct sr_store *st, struct sr_districts *out);

/* --------------------------------------------------------------------
 * Schools
 * ------------------------------------------------------------------ */

/** One school of the registry. */
struct sr_school_record {
    char code[11];           /**< 学校标识码, 10 digits */
    char *name;              /**< 学校名称 */
    char *district;          /**< the district's code (370102) */
    char *district_name;     /**< and its name (历下区) */
    struct sr_school school; /**< stage and attributes, every one set:
                                  what the scoring engine takes */
    char *contact;           /**< 安全负责人, or NULL */
    char *phone;             /**< 联系电话, or NULL */
    bool closed;             /**< marked closed by a full import */
    char *updated_at;        /**< last change, "YYYY-MM-DDTHH:MM:SSZ";
                                  NULL for a school read from a file */
    char *updated_by;        /**< who made it; NULL likewise */
    long line;               /**< line of the file it was read from;
                                  0 for a school read from the store */
};

/** @brief Initialise @p r empty (no allocation). */
void sr_school_record_init(struct sr_school_record *r);

/** @brief Free the strings of @p r; it is empty again.  Safe on an
 *         initialised or released record. */
void sr_school_record_release(struct sr_school_record *r);

/**
 * @brief The Chinese header of the registry column that gives attribute
 *        @p attr (教职工数 for SR_ATTR_STAFF), or NULL when no column
 *        gives it (stage and the other enumerations have their own
 *        columns; population has none).  Its English header is
 *        sr_attr_name().
 */
const char *sr_registry_column_zh(int attr);

/**
 * @brief Look a stage up by its Chinese label (小学) or its canonical
 *        name (primary, in any ASCII case).
 * @return enum sr_stage, or -1 when unknown.
 */
int sr_registry_stage_lookup(const char *text);

/* --------------------------------------------------------------------
 * Reading a registry file
 * ------------------------------------------------------------------ */

/** The encoding a registry file was found to be in. */
enum sr_registry_encoding {
    SR_ENC_UTF8,     /**< UTF-8 without a byte order mark */
    SR_ENC_UTF8_BOM, /**< UTF-8 with a byte order mark */
    SR_ENC_GB18030   /**< GB18030 (also covers GBK and GB2312) */
};

/** @brief "UTF-8", "UTF-8 with BOM" or "GB18030". */
const char *sr_registry_encoding_name(int encoding);

/** The schools read from a file, in file order. */
struct sr_registry {
    struct sr_school_record *v;
    size_t n;
    size_t alloc;
    int encoding;     /**< enum sr_registry_encoding */
    size_t bad_rows;  /**< rows with at least one problem (after a
                           failed parse) */
    char *source;     /**< the file name given to sr_registry_parse(),
                           recorded with the registry change; NULL for
                           a registry built in memory */
    uint32_t absent;  /**< bit (1 << enum sr_attr) of each "assumed"
                           column the file does not have: its schools
                           hold the default, and the store keeps a
                           registered school's value instead */
};

/** @brief Initialise an empty registry (no allocation). */
void sr_registry_init(struct sr_registry *reg);

/** @brief Free every record; the registry is empty again. */
void sr_registry_release(struct sr_registry *reg);

/**
 * @brief Parse and check a registry CSV held in memory.
 *
 * Every problem is appended to @p diags with @p file and its line, so
 * that one run shows them all: the header (an unknown or repeated
 * column, a required column missing), the encoding, the CSV syntax,
 * and every bad cell of every row ("column '区县': unknown district
 * '历山区'").  Rows whose fields are all empty are skipped.  No
 * database is needed: districts are looked up in @p districts.
 *
 * @code
 * struct sr_registry reg;
 * struct sr_diags d;
 * sr_registry_init(&reg);
 * sr_diags_init(&d);
 * if (sr_registry_parse(&reg, "schools.csv", buf, len, &dist, &d) ==
 *     SR_OK)
 *     printf("%zu schools\n", reg.n);
 * sr_registry_release(&reg);
 * sr_diags_release(&d);
 * @endcode
 *
 * @param reg       an initialised registry; the schools are appended.
 *                  On error it holds the rows that were good (and
 *                  reg->bad_rows counts the others).
 * @param file      the name used in diagnostics.
 * @return SR_OK, SR_ERR_INPUT (see @p diags), SR_ERR_NOMEM, or
 *         SR_ERR_INTERNAL when the system has no GB18030 converter.
 */
sr_error sr_registry_parse(struct sr_registry *reg, const char *file,
                           const char *buf, size_t len,
                           const struct sr_districts *districts,
                           struct sr_diags *diags);

/* --------------------------------------------------------------------
 * Storing: the import
 * ------------------------------------------------------------------ */

/** Flags of an import. */
enum sr_registry_import_flags {
    /** The file is the whole registry of the districts it covers: every
     *  open school of those districts that is not in it is marked closed
     *  (never deleted).  Schools of other districts are left alone, so a
     *  district office's own file closes nothing elsewhere. */
    SR_IMPORT_FULL = (1 << 0)
};

/** What an import did. */
struct sr_import_report {
    size_t rows;       /**< schools in the file */
    size_t added;      /**< new schools */
    size_t updated;    /**< changed schools, and closed ones reopened */
    size_t unchanged;  /**< schools stored exactly as in the file */
    size_t closed;     /**< open schools closed by a full import */
    size_t bad_rows;   /**< after SR_ERR_INPUT: rows with problems */
    int encoding;      /**< enum sr_registry_encoding of the file */
    uint32_t absent;   /**< bit (1 << enum sr_attr) of each "assumed"
                            column the file lacks (reg->absent): new
                            schools got 0 / 否, registered ones kept
                            their stored value */
};

/**
 * @brief Say what an import assumed for the columns its file lacked
 *        (report->absent), in the thread's language, into @p buf:
 *        "columns not in the file: 教职工数 (staff), 校外供餐
 *        (meal_delivery); new schools were given 0 or 否 (false),
 *        registered schools kept their stored values".
 *
 * An empty string when @p absent is 0.  The text is cut to @p size
 * (512 bytes hold every column).
 */
void sr_import_absent_describe(uint32_t absent, char *buf, size_t size);

/**
 * @brief Write a parsed registry in one transaction.
 *
 * @p reg must come from sr_registry_parse() (which guarantees valid,
 * unique codes, known districts and values in range).
 * New schools are added, changed ones updated, identical ones left as
 * they are (their updated_at/updated_by too).  A closed school that
 * appears again is reopened and counted as updated.  With
 * SR_IMPORT_FULL every open school not in @p reg is marked closed.
 * Every write records sr_store_actor() and the store's clock.  On any
 * failure (a full disk, a read-only database) the transaction is rolled
 * back and the database is as it was.
 *
 * @param report  receives the counts (rows, added, updated, unchanged,
 *                closed); zeroed first.
 * @return SR_OK, SR_ERR_DB, SR_ERR_NOMEM (message in the store).
 */
sr_error sr_registry_store(struct sr_store *st, const struct sr_registry *reg,
                           int flags, struct sr_import_report *report);

/**
 * @brief Import a registry CSV held in memory: read the districts from
 *        the store, sr_registry_parse(), then sr_registry_store().
 *
 * Nothing is written unless every row is good.  A full import of a
 * file without a single school is refused (it would close every
 * school).
 *
 * @return SR_OK; SR_ERR_INPUT with the problems in @p diags (and
 *         report->bad_rows); SR_ERR_DB or SR_ERR_NOMEM with the message
 *         in the store.
 */
sr_error sr_registry_import_memory(struct sr_store *st, const char *file,
                                   const char *buf, size_t len, int flags,
                                   struct sr_import_report *report,
                                   struct sr_diags *diags);

/**
 * @brief sr_registry_import_memory() for an importer who may see only
 *        @p scope (auth.h): a district office imports its own schools.
 *
 * Every row outside the scope is reported at its line, and refuses the
 * whole file like any bad row: a row whose district is not in the scope
 * ("column '区县': district '市中区' is outside your scope", the district
 * as written), and a row whose code is a school registered in a
 * district outside it ("column '学校标识码': school '2137010301' is
 * registered in 市中区, outside your scope"), which would move it.  A
 * full import (SR_IMPORT_FULL) closes the missing schools of every
 * district the file names, so each row's whole district must be in the
 * scope then, not only the school.  With @p scope NULL or covering
 * everything this is sr_registry_import_memory().
 *
 * When the file is refused the store's message says so ("nothing was
 * imported from 'F': N problems"), for a caller that shows one line
 * above the list.
 *
 * @return as sr_registry_import_memory().
 */
sr_error sr_registry_import_scoped(struct sr_store *st, const char *file,
                                   const char *buf, size_t len, int flags,
                                   const struct sr_scope *scope,
                                   struct sr_import_report *report,
                                   struct sr_diags *diags);

/**
 * @brief As sr_registry_import_memory(), reading the file at @p path
 *        (at most SR_REGISTRY_MAX_BYTES).
 * @return also SR_ERR_IO or SR_ERR_TOO_LARGE, described in @p diags.
 */
sr_error sr_registry_import_file(struct sr_store *st, const char *path,
                                 int flags, struct sr_import_report *report,
                                 struct sr_diags *diags);

/* --------------------------------------------------------------------
 * Reading schools back
 * ------------------------------------------------------------------ */

/**
 * @brief Get one school by its code, open or closed.
 *
 * This is what an assessment starts from: out->school is ready for the
 * scoring engine.
 *
 * @code
 * struct sr_school_record r;
 * if (sr_registry_get(st, "2137010001", &r) == SR_OK)
 *     score(sys, &r.school, ...);
 * sr_school_record_release(&r);
 * @endcode
 *
 * @param out initialised by the call (whatever it held is not freed);
 *            release it with sr_school_record_release(), also after an
 *            error (harmless then).
 * @return SR_OK; SR_ERR_NOT_FOUND ("no school with code 'X'");
 *         SR_ERR_DB, SR_ERR_NOMEM, SR_ERR_INTERNAL (a stored row that
 *         does not read back); the message is in the store.
 */
sr_error sr_registry_get(struct sr_store *st, const char *code,
                         struct sr_school_record *out);

/** Which schools sr_registry_list() visits.  Initialise it with
 *  designated initializers ({.stage = -1}): members are appended. */
struct sr_registry_filter {
    const char *district;  /**< a district's name or code, or NULL */
    int stage;             /**< enum sr_stage, or -1 for every stage */
    bool include_closed;   /**< also closed schools */
    const char *search;    /**< text contained in the name or the code,
                                or NULL */
    const struct sr_scope *scope; /**< only schools in it (auth.h), or
                                       NULL for every school */
    size_t offset, limit;  /**< one page: limit 0 means every match */
};

/** @brief Called once per school; the record is valid during the call
 *         only.  Return 0 to go on, anything else to stop the listing
 *         (sr_registry_list() then returns SR_OK). */
typedef int (*sr_school_fn)(const struct sr_school_record *r, void *ctx);

/**
 * @brief Visit the schools that pass @p filter (NULL: every open
 *        school), ordered by district (the bureau's order) then code.
 * @return SR_OK; SR_ERR_NOT_FOUND for an unknown district ("no district
 *         'X'"); SR_ERR_DB, SR_ERR_NOMEM, SR_ERR_INTERNAL (message in
 *         the store).
 */
sr_error sr_registry_list(struct sr_store *st,
                          const struct sr_registry_filter *filter,
                          sr_school_fn fn, void *ctx);

/**
 * @brief How many schools pass @p filter (its offset and limit
 *        ignored), for paging.
 * @return as sr_registry_list().
 */
sr_error sr_registry_count(struct sr_store *st,
                           const struct sr_registry_filter *filter,
                           size_t *n);

#ifdef __cplusplus
}
#endif
#endif /* SR_REGISTRY_H */
