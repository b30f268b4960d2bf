/*
 * schools.c - the SQL of the school registry: the districts, writing a
 * checked registry in one transaction, and reading schools back (see
 * registry.h; reading and checking the CSV is in src/registry.c).
 *
 * DESIGN
 * An import reads each school's stored row and compares it field by
 * field, so that an unchanged school keeps its updated_at/updated_by
 * and the counts say what really changed.  Schools are never deleted:
 * a full import marks the missing ones closed, and a later import that
 * lists a closed school reopens it.  Attributes are stored as their
 * canonical names (stage 'primary', ownership 'public', locale
 * 'urban') and flags as 0/1, the vocabulary of school.h, and read back
 * with sr_attr_parse(), so a row that someone edited into nonsense
 * with the sqlite3 shell is reported rather than scored.
 */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/auth.h"
#include "schoolrisk/registry.h"
#include "registry_int.h"
#include "../util.h"

/* ------------------------------------------------------------------ */
/* Districts                                                            */
/* ------------------------------------------------------------------ */

sr_error
sr_registry_districts(struct sr_store *st, struct sr_districts *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    sr_districts_init(out);
    rc = sr_store_prepare(st, "SELECT code, name FROM districts ORDER BY sort",
                          &s);
    if (rc != SR_OK)
        return rc;
    while ((step = sr_step(s)) == SR_ROW) {
        if (sr_districts_add(out, sr_col_text(s, 0),
                             sr_col_text(s, 1))) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            goto cleanup;
        }
    }
    if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the districts"));

cleanup:
    sr_store_finish(st, s);
    if (rc != SR_OK)
        sr_districts_release(out);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reading a school row                                                 */
/* ------------------------------------------------------------------ */

/* The columns row_read() expects, in order. */
#define SCHOOL_COLUMNS                                                      \
    "s.code, s.name, s.district, d.name, s.stage, s.ownership, s.locale, "  \
    "s.boarding, s.school_bus, s.canteen, s.laboratory, s.swimming_pool, "  \
    "s.enrollment, s.boarders, s.special_needs, s.contact, s.phone, "       \
    "s.closed, s.updated_at, s.updated_by, s.staff, s.meal_delivery, "     \
    "s.village_school "                                                     \
    "FROM schools s JOIN districts d ON d.code = s.district "

/* Where each stored attribute is in the statements: its column in
 * SCHOOL_COLUMNS (read), in the import's "old" SELECT (old), and its
 * parameter in the import's INSERT and UPDATE (param).  The attributes
 * of schema 5 come after the columns of schema 1, in both.  Population
 * is derived (sr_school_derive()), never stored: all 0. */
static const struct {
    int read, old, param;
} place[SR_ATTR_COUNT] = {
    [SR_ATTR_STAGE] = {4, 2, 4},          [SR_ATTR_OWNERSHIP] = {5, 3, 5},
    [SR_ATTR_LOCALE] = {6, 4, 6},         [SR_ATTR_BOARDING] = {7, 5, 7},
    [SR_ATTR_SCHOOL_BUS] = {8, 6, 8},     [SR_ATTR_CANTEEN] = {9, 7, 9},
    [SR_ATTR_LABORATORY] = {10, 8, 10},
    [SR_ATTR_SWIMMING_POOL] = {11, 9, 11},
    [SR_ATTR_ENROLLMENT] = {12, 10, 12},  [SR_ATTR_BOARDERS] = {13, 11, 13},
    [SR_ATTR_SPECIAL_NEEDS] = {14, 12, 14},
    [SR_ATTR_STAFF] = {20, 16, 19},
    [SR_ATTR_MEAL_DELIVERY] = {21, 17, 20},
    [SR_ATTR_VILLAGE_SCHOOL] = {22, 18, 21},
};

static sr_error
row_read(struct sr_store *st, struct sr_stmt *s, struct sr_school_record *r)
{
    const char *code = sr_col_text(s, 0);
    int nomem = 0, a;

    sr_school_record_init(r);
    snprintf(r->code, sizeof(r->code), "%s", code ? code : "");
    for (a = 0; a < SR_ATTR_COUNT; a++) {
        int col = place[a].read;
        const char *t;

        if (sr_attr_derived(a))
            continue;
        t = sr_col_text(s, col);

        if (sr_attr_kind(a) == SR_KIND_ENUM) {
            if (!t || sr_attr_parse(a, t, &r->school.attr[a]) != SR_OK)
                return sr_store_fail_code(
                    st, SR_ERR_INTERNAL,
                    /* TRANSLATORS: the school's code, the attribute's
                       name (stage), the stored value. */
                    _("school '%s' has a bad %s '%s' in the database"),
                    r->code, sr_attr_name(a), t ? t : "NULL");
        } else {
            int64_t v = sr_col_int64(s, col);

            if (v < 0 || v > (sr_attr_kind(a) == SR_KIND_FLAG ?
                                  1 : SR_COUNT_MAX))
                return sr_store_fail_code(
                    st, SR_ERR_INTERNAL,
                    _("school '%s' has a bad %s %lld in the database"),
                    r->code, sr_attr_name(a), (long long)v);
            r->school.attr[a] = v;
        }
    }
    r->school.set = (1u << SR_ATTR_COUNT) - 1;
    sr_school_derive(&r->school);
    r->name = sr_column_dup(s, 1, &nomem);
    r->district = sr_column_dup(s, 2, &nomem);
    r->district_name = sr_column_dup(s, 3, &nomem);
    r->contact = sr_column_dup(s, 15, &nomem);
    r->phone = sr_column_dup(s, 16, &nomem);
    r->closed = sr_col_int(s, 17) != 0;
    r->updated_at = sr_column_dup(s, 18, &nomem);
    r->updated_by = sr_column_dup(s, 19, &nomem);
    if (nomem)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    return SR_OK;
}

sr_error
sr_registry_get(struct sr_store *st, const char *code,
                struct sr_school_record *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    sr_school_record_init(out);
    rc = sr_store_prepare(st, "SELECT " SCHOOL_COLUMNS "WHERE s.code = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, code);
    step = sr_step(s);
    if (step == SR_ROW)
        rc = row_read(st, s, out);
    else if (step == SR_DONE)
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                _("no school with code '%s'"), code);
    else
        rc = sr_store_dberr(st, _("cannot read the school"));
    sr_store_finish(st, s);
    if (rc != SR_OK)
        sr_school_record_release(out);
    return rc;
}

/* The district code a filter names (owned, or NULL for none). */
static sr_error
filter_district(struct sr_store *st, const char *name_or_code, char **out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step, nomem = 0;

    *out = NULL;
    if (!name_or_code)
        return SR_OK;
    rc = sr_store_prepare(st,
                          "SELECT code FROM districts WHERE code = ?1 "
                          "OR name = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, name_or_code);
    step = sr_step(s);
    if (step == SR_ROW)
        *out = sr_column_dup(s, 0, &nomem);
    else if (step == SR_DONE)
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND, _("no district '%s'"),
                                name_or_code);
    else
        rc = sr_store_dberr(st, _("cannot read the districts"));
    if (rc == SR_OK && nomem)
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    sr_store_finish(st, s);
    return rc;
}

/* The conditions of a filter: ?1 district code, ?2 stage, ?3 closed
 * too, ?4 search text, ?5/?6 the scope. */
#define FILTER_WHERE                                                        \
    "WHERE (CAST(?1 AS TEXT) IS NULL OR s.district = ?1) "                  \
    "AND (CAST(?2 AS TEXT) IS NULL OR s.stage = ?2) "                       \
    "AND (?3 OR s.closed = 0) "                                             \
    "AND (CAST(?4 AS TEXT) IS NULL OR instr(s.name, ?4) > 0 OR "            \
    "instr(s.code, ?4) > 0) "                                               \
    "AND " SR_SCOPE_SQL("s.district", "s.code", "5", "6") " "

static sr_error
bind_filter(struct sr_store *st, struct sr_stmt *s,
            const struct sr_registry_filter *f, const char *district)
{
    sr_bind_text(s, 1, district);
    sr_bind_text(s, 2, f->stage >= 0 ? sr_stage_name(f->stage) : NULL);
    sr_bind_int(s, 3, f->include_closed ? 1 : 0);
    sr_bind_text(s, 4, f->search && *f->search ? f->search : NULL);
    return sr_bind_scope(st, s, 5, f->scope);
}

sr_error
sr_registry_list(struct sr_store *st, const struct sr_registry_filter *filter,
                 sr_school_fn fn, void *ctx)
{
    struct sr_registry_filter all = {.stage = -1};
    struct sr_school_record r;
    struct sr_stmt *s = NULL;
    char *district = NULL;
    sr_error rc;
    int step;

    sr_school_record_init(&r);
    if (!filter)
        filter = &all;
    rc = filter_district(st, filter->district, &district);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_store_prepare(st,
                          "SELECT " SCHOOL_COLUMNS FILTER_WHERE
                          "ORDER BY d.sort, s.code LIMIT ?7 OFFSET ?8",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    rc = bind_filter(st, s, filter, district);
    if (rc != SR_OK)
        goto cleanup;
    sr_bind_int64(s, 7, filter->limit ? (int64_t)filter->limit
                                           : INT64_MAX);
    sr_bind_int64(s, 8, (int64_t)filter->offset);
    while ((step = sr_step(s)) == SR_ROW) {
        rc = row_read(st, s, &r);
        if (rc != SR_OK)
            goto cleanup;
        if (fn(&r, ctx))
            goto cleanup;
        sr_school_record_release(&r);
    }
    if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the schools"));

cleanup:
    sr_school_record_release(&r);
    sr_store_finish(st, s);
    free(district);
    return rc;
}

sr_error
sr_registry_count(struct sr_store *st, const struct sr_registry_filter *filter,
                  size_t *n)
{
    struct sr_registry_filter all = {.stage = -1};
    struct sr_stmt *s = NULL;
    char *district = NULL;
    sr_error rc;

    *n = 0;
    if (!filter)
        filter = &all;
    rc = filter_district(st, filter->district, &district);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_store_prepare(st,
                          "SELECT count(*) FROM schools s JOIN districts d "
                          "ON d.code = s.district " FILTER_WHERE,
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    rc = bind_filter(st, s, filter, district);
    if (rc != SR_OK)
        goto cleanup;
    if (sr_step(s) == SR_ROW)
        *n = (size_t)sr_col_int64(s, 0);
    else
        rc = sr_store_dberr(st, _("cannot count the schools"));

cleanup:
    sr_store_finish(st, s);
    free(district);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The import                                                           */
/* ------------------------------------------------------------------ */

/* The columns an import writes: code, name and district ?1..?3, the
 * attributes at place[].param, contact ?15, phone ?16, updated_at ?17
 * and updated_by ?18, each after base (the parameters of the rows
 * before in a statement of many). */
static void
bind_school(struct sr_stmt *s, int base, const struct sr_school_record *r,
            const char *now, const char *actor)
{
    char buf[32];
    int a;

    sr_bind_text(s, base + 1, r->code);
    sr_bind_text(s, base + 2, r->name);
    sr_bind_text(s, base + 3, r->district);
    for (a = 0; a < SR_ATTR_COUNT; a++) {
        if (sr_attr_derived(a))
            continue;
        if (sr_attr_kind(a) == SR_KIND_ENUM) {
            sr_attr_format(a, r->school.attr[a], buf, sizeof(buf));
            sr_bind_text(s, base + place[a].param, buf);
        } else {
            sr_bind_int64(s, base + place[a].param, r->school.attr[a]);
        }
    }
    sr_bind_text(s, base + 15, r->contact);
    sr_bind_text(s, base + 16, r->phone);
    sr_bind_text(s, base + 17, now);
    sr_bind_text(s, base + 18, actor);
}

static int
same_text(const char *stored, const char *mine)
{
    if (!stored || !mine)
        return !stored && !mine;
    return !strcmp(stored, mine);
}

/* Is the stored row (the columns of the "old" statement) exactly the
 * school of the file, and open? */
static int
unchanged(struct sr_stmt *s, const struct sr_school_record *r)
{
    char buf[32];
    int a;

    if (!same_text(sr_col_text(s, 0), r->name) ||
        !same_text(sr_col_text(s, 1), r->district) ||
        !same_text(sr_col_text(s, 13), r->contact) ||
        !same_text(sr_col_text(s, 14), r->phone) ||
        sr_col_int(s, 15) != 0)
        return 0;
    for (a = 0; a < SR_ATTR_COUNT; a++) {
        int col = place[a].old;

        if (sr_attr_derived(a))
            continue;
        if (sr_attr_kind(a) == SR_KIND_ENUM) {
            sr_attr_format(a, r->school.attr[a], buf, sizeof(buf));
            if (!same_text(sr_col_text(s, col), buf))
                return 0;
        } else if (sr_col_type(s, col) != SR_COL_INTEGER ||
                   sr_col_int64(s, col) != r->school.attr[a]) {
            return 0;
        }
    }
    return 1;
}

/* Take the attributes of absent (bits of enum sr_attr) from the stored
 * row (the columns of the "old" statement). */
static void
keep_stored(struct sr_stmt *s, uint32_t absent, struct sr_school_record *r)
{
    int a;

    for (a = 0; a < SR_ATTR_COUNT; a++)
        if ((absent & (1u << a)) && !sr_attr_derived(a))
            r->school.attr[a] = sr_col_int64(s, place[a].old);
    sr_school_derive(&r->school);
}

static int
code_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The codes of the schools an import wrote (owned copies). */
struct touched {
    char **v;
    size_t n, alloc;
};

static sr_error
touched_add(struct touched *t, const char *code)
{
    if (t->n == t->alloc) {
        size_t na = t->alloc ? t->alloc * 2 : 64;
        char **nv = realloc(t->v, na * sizeof(*nv));

        if (!nv)
            return SR_ERR_NOMEM;
        t->v = nv;
        t->alloc = na;
    }
    t->v[t->n] = sr_strdup(code);
    if (!t->v[t->n])
        return SR_ERR_NOMEM;
    t->n++;
    return SR_OK;
}

static void
touched_release(struct touched *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    memset(t, 0, sizeof(*t));
}

sr_error
sr_store_school_version(struct sr_store *st, int64_t change,
                        const struct sr_state *state, const char *code)
{
    struct sr_stmt *s = NULL;
    char *text = NULL;
    sr_error rc = sr_state_by_code(st, state, code, &text);

    if (rc != SR_OK || !text)
        return rc;
    rc = sr_store_prepare(st,
                          "INSERT INTO school_versions(change, code, state) "
                          "VALUES (?1, ?2, ?3)",
                          &s);
    if (rc == SR_OK) {
        sr_bind_int64(s, 1, change);
        sr_bind_text(s, 2, code);
        sr_bind_text(s, 3, text);
        if (sr_step(s) != SR_DONE)
            rc = sr_store_dberr(st, _("cannot record the registry change"));
    }
    sr_store_finish(st, s);
    free(text);
    return rc;
}

/* Schools a statement of an import reads: the stored rows of the
 * file's, the states of the changed (a statement a school cost
 * PostgreSQL a round trip each: 40,000 schools took 7.7 s against
 * SQLite's 1.0 s).  The writes go by sr_store_insert_rows(). */
#define PER_STMT SR_ROWS_PER_STMT

/* For bsearch() of a code among pointers to codes. */
static int
code_ref_cmp(const void *key, const void *elem)
{
    return strcmp(key, **(const char *const *const *)elem);
}

static int
code_ref_sort(const void *a, const void *b)
{
    return strcmp(**(const char *const *const *)a,
                  **(const char *const *const *)b);
}

/* The versions code[i], state[i] of change (sr_rows). */
struct versions {
    int64_t change;
    const char **code;
    char **state;
};

static void
bind_version(struct sr_stmt *s, int base, size_t row, const void *ctx)
{
    const struct versions *v = ctx;

    sr_bind_int64(s, base + 1, v->change);
    sr_bind_text(s, base + 2, v->code[row]);
    sr_bind_text(s, base + 3, v->state[row]);
}

static sr_error
insert_versions(struct sr_store *st, int64_t change, const char **code,
                char **state, size_t n)
{
    struct versions v = {change, code, state};
    struct sr_rows r = {
        "INSERT INTO school_versions(change, code, state) VALUES ",
        3, n, bind_version, &v, _("cannot record the registry change"),
        NULL};

    return sr_store_insert_rows(st, &r);
}

/* A version of each school codes[0..n) names (those in the registry) in
 * change, in that order: the schools' states read PER_STMT at a time. */
static sr_error
record_versions(struct sr_store *st, int64_t change,
                const char *const *codes, size_t n)
{
    const char *const *by_code[PER_STMT];
    const char *vcode[PER_STMT];
    char *state[PER_STMT], *sql;
    struct sr_stmt *s = NULL;
    sr_error rc = SR_OK;
    size_t first, i, m = 0;
    struct sr_buf b;
    int step;

    sql = sr_sql_groups("SELECT " SR_SCHOOL_COLS("s")
                        " FROM schools s WHERE s.code IN ",
                        1, PER_STMT, "");
    if (!sql)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    memset(state, 0, sizeof(state));
    sr_buf_init(&b);
    for (first = 0; first < n && rc == SR_OK; first += PER_STMT) {
        size_t c = n - first < PER_STMT ? n - first : PER_STMT;

        for (i = 0; i < c; i++)
            by_code[i] = &codes[first + i];
        qsort(by_code, c, sizeof(*by_code), code_ref_sort);
        rc = sr_store_prepare(st, sql, &s);
        if (rc != SR_OK)
            break;
        /* The last code again for the places left: one statement. */
        for (i = 0; i < PER_STMT; i++)
            sr_bind_text(s, (int)i + 1, codes[first + (i < c ? i : c - 1)]);
        while ((step = sr_step(s)) == SR_ROW && rc == SR_OK) {
            const char *code = sr_col_text(s, 0);
            const char *const *const *hit =
                code ? bsearch(code, by_code, c, sizeof(*by_code),
                               code_ref_cmp)
                     : NULL;

            if (!hit)
                continue;
            i = (size_t)(*hit - codes) - first;
            rc = sr_state_append(st, &sr_school_state, &b, s, 0);
            if (rc == SR_OK && !(state[i] = sr_buf_detach(&b)))
                rc = sr_store_fail_code(st, SR_ERR_NOMEM,
                                        _("out of memory"));
        }
        if (rc == SR_OK && step != SR_DONE)
            rc = sr_store_dberr(st, _("cannot read the row to record"));
        sr_store_finish(st, s);
        /* In the order given, those found. */
        for (i = 0, m = 0; i < c; i++)
            if (state[i]) {
                vcode[m] = codes[first + i];
                state[m++] = state[i];
                if (m - 1 != i)
                    state[i] = NULL;
            }
        if (rc == SR_OK)
            rc = insert_versions(st, change, vcode, state, m);
        for (i = 0; i < PER_STMT; i++) {
            free(state[i]);
            state[i] = NULL;
        }
    }
    sr_buf_release(&b);
    free(sql);
    return rc;
}

sr_error
sr_store_registry_change(struct sr_store *st, const char *source,
                         const char *const *codes, size_t n, size_t added,
                         size_t updated, size_t closed)
{
    struct sr_stmt *s = NULL;
    char now[32];
    int64_t change;
    sr_error rc;

    if (n == 0)
        return SR_OK;
    rc = sr_store_prepare(st,
                          "INSERT INTO registry_changes(at, by, by_user, "
                          "source, added, updated, closed) VALUES (?1, ?2, "
                          "?3, ?4, ?5, ?6, ?7)",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_store_now(st, now);
    sr_bind_text(s, 1, now);
    sr_bind_text(s, 2, sr_store_actor(st));
    sr_bind_user(st, s, 3);
    sr_bind_text(s, 4, source ? source : "registry import");
    sr_bind_int64(s, 5, (int64_t)added);
    sr_bind_int64(s, 6, (int64_t)updated);
    sr_bind_int64(s, 7, (int64_t)closed);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot record the registry change"));
    sr_store_finish(st, s);
    s = NULL;
    if (rc != SR_OK)
        return rc;
    change = sr_db_last_id(st);
    rc = record_versions(st, change, codes, n);
    if (rc == SR_OK)
        rc = sr_audit_append(st, "registry", change);
    return rc;
}

/* Mark closed every open school of the districts the file covers whose
 * code is not among the file's.  A district office's file therefore
 * closes nothing in the other districts. */
static sr_error
close_missing(struct sr_store *st, const struct sr_registry *reg,
              const char *now, struct sr_import_report *report,
              struct touched *t)
{
    const char **codes = NULL, **dists = NULL;
    char **gone = NULL;
    size_t ngone = 0, agone = 0, i;
    struct sr_stmt *s = NULL;
    sr_error rc = SR_OK;
    int step;

    codes = malloc((reg->n ? reg->n : 1) * sizeof(*codes));
    dists = malloc((reg->n ? reg->n : 1) * sizeof(*dists));
    if (!codes || !dists) {
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
        goto cleanup;
    }
    for (i = 0; i < reg->n; i++) {
        codes[i] = reg->v[i].code;
        dists[i] = reg->v[i].district;
    }
    if (reg->n > 1) {
        qsort(codes, reg->n, sizeof(*codes), code_cmp);
        qsort(dists, reg->n, sizeof(*dists), code_cmp);
    }

    /* Collect first, update after: no writes under a running SELECT. */
    rc = sr_store_prepare(st,
                          "SELECT code, district FROM schools WHERE "
                          "closed = 0",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    while ((step = sr_step(s)) == SR_ROW) {
        const char *code = sr_col_text(s, 0);
        const char *dist = sr_col_text(s, 1);

        if (bsearch(&code, codes, reg->n, sizeof(*codes), code_cmp) ||
            !bsearch(&dist, dists, reg->n, sizeof(*dists), code_cmp))
            continue;
        if (ngone == agone) {
            size_t na = agone ? agone * 2 : 64;
            char **ng = realloc(gone, na * sizeof(*ng));

            if (!ng) {
                rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
                goto cleanup;
            }
            gone = ng;
            agone = na;
        }
        gone[ngone] = sr_strdup(code);
        if (!gone[ngone]) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            goto cleanup;
        }
        ngone++;
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the schools"));
        goto cleanup;
    }
    sr_store_finish(st, s);
    s = NULL;
    rc = sr_store_prepare(st,
                          "UPDATE schools SET closed = 1, updated_at = ?2, "
                          "updated_by = ?3 WHERE code = ?1",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    sr_bind_text(s, 2, now);
    sr_bind_text(s, 3, sr_store_actor(st));
    for (i = 0; i < ngone; i++) {
        sr_bind_text(s, 1, gone[i]);
        if (sr_step(s) != SR_DONE) {
            char what[128];

            snprintf(what, sizeof(what), _("cannot close school '%s'"),
                     gone[i]);
            rc = sr_store_dberr(st, what);
            goto cleanup;
        }
        sr_reset(s);
        report->closed++;
        rc = touched_add(t, gone[i]);
        if (rc != SR_OK)
            goto cleanup;
    }

cleanup:
    sr_store_finish(st, s);
    for (i = 0; i < ngone; i++)
        free(gone[i]);
    free(gone);
    free(codes);
    free(dists);
    return rc;
}

/* The stored row of each school of a chunk of the file: the columns of
 * place[].old, then the code (column 19), for PER_STMT codes. */
#define OLD_SQL                                                             \
    "SELECT name, district, stage, ownership, locale, boarding, "          \
    "school_bus, canteen, laboratory, swimming_pool, enrollment, "         \
    "boarders, special_needs, contact, phone, closed, staff, "             \
    "meal_delivery, village_school, code FROM schools WHERE code IN "

/* The columns of INSERT_SQL: bind_school()'s, and closed. */
#define INSERT_COLS 22
#define INSERT_SQL                                                          \
    "INSERT INTO schools(code, name, district, stage, ownership, locale, "  \
    "boarding, school_bus, canteen, laboratory, swimming_pool, "           \
    "enrollment, boarders, special_needs, contact, phone, updated_at, "    \
    "updated_by, staff, meal_delivery, village_school, closed) VALUES "

enum fate { FATE_NEW, FATE_SAME, FATE_CHANGED };

/* Up to PER_STMT schools of the file, from its row first, as the
 * registry holds them. */
struct chunk {
    size_t first, n;
    const char *const *by_code[PER_STMT]; /* their codes, sorted */
    const char *code[PER_STMT];
    enum fate fate[PER_STMT];
    /* What to write: the file's row, or kept (the file's with the
     * stored values of the columns the file lacks). */
    const struct sr_school_record *write[PER_STMT];
    struct sr_school_record kept[PER_STMT];
};

/* Read the stored rows of chunk c's schools (one statement of PER_STMT
 * codes, the last repeated for the places left) and decide each one's
 * fate. */
static sr_error
read_chunk(struct sr_store *st, struct sr_stmt *old,
           const struct sr_registry *reg, struct chunk *c)
{
    size_t i;
    int step;

    for (i = 0; i < c->n; i++) {
        c->code[i] = reg->v[c->first + i].code;
        c->by_code[i] = &c->code[i];
        c->fate[i] = FATE_NEW;
        c->write[i] = &reg->v[c->first + i];
    }
    qsort(c->by_code, c->n, sizeof(*c->by_code), code_ref_sort);
    for (i = 0; i < PER_STMT; i++)
        sr_bind_text(old, (int)i + 1, c->code[i < c->n ? i : c->n - 1]);
    while ((step = sr_step(old)) == SR_ROW) {
        const char *code = sr_col_text(old, 19);
        const char *const *const *hit =
            code ? bsearch(code, c->by_code, c->n, sizeof(*c->by_code),
                           code_ref_cmp)
                 : NULL;

        if (!hit)
            continue;
        i = (size_t)(*hit - c->code);
        if (reg->absent) {
            /* A column the file lacks: a registered school keeps its
             * value.  A shallow copy: the file's strings, its own
             * attributes. */
            c->kept[i] = reg->v[c->first + i];
            keep_stored(old, reg->absent, &c->kept[i]);
            c->write[i] = &c->kept[i];
        }
        c->fate[i] = unchanged(old, c->write[i]) ? FATE_SAME : FATE_CHANGED;
    }
    sr_reset(old);
    if (step != SR_DONE)
        return sr_store_dberr(st, _("cannot read the schools"));
    return SR_OK;
}

/* The schools an import adds (sr_rows): v[row], now and actor. */
struct adds {
    const struct sr_school_record *const *v;
    const char *now, *actor;
};

static void
bind_add(struct sr_stmt *s, int base, size_t row, const void *ctx)
{
    const struct adds *a = ctx;

    bind_school(s, base, a->v[row], a->now, a->actor);
    sr_bind_int64(s, base + INSERT_COLS, 0);
}

static void
what_add(char *buf, size_t size, size_t first, size_t count, const void *ctx)
{
    const struct adds *a = ctx;

    if (count == 1)
        snprintf(buf, size, _("cannot add school '%s'"), a->v[first]->code);
    else
        snprintf(buf, size,
                 /* TRANSLATORS: the first and last school of the
                    statement (in the file's order), and how many it
                    adds. */
                 _("cannot add schools '%s' to '%s' (%zu of them)"),
                 a->v[first]->code, a->v[first + count - 1]->code, count);
}

/* Add the schools v[0..n), new to the registry. */
static sr_error
add_schools(struct sr_store *st, const struct sr_school_record *const *v,
            size_t n, const char *now, const char *actor)
{
    struct adds a = {v, now, actor};
    struct sr_rows r = {INSERT_SQL, INSERT_COLS, n, bind_add, &a, NULL,
                        what_add};

    return sr_store_insert_rows(st, &r);
}

sr_error
sr_registry_store(struct sr_store *st, const struct sr_registry *reg,
                  int flags, struct sr_import_report *report)
{
    struct sr_stmt *old = NULL, *upd = NULL;
    const struct sr_school_record **adds = NULL;
    struct chunk *c = NULL;
    char now[32], what[128], *old_sql = NULL;
    const char *actor = sr_store_actor(st);
    struct touched t = {NULL, 0, 0};
    size_t i, nadds = 0;
    sr_error rc;

    memset(report, 0, sizeof(*report));
    report->rows = reg->n;
    report->encoding = reg->encoding;
    report->absent = reg->absent;
    sr_store_now(st, now);
    c = malloc(sizeof(*c));
    adds = malloc((reg->n ? reg->n : 1) * sizeof(*adds));
    old_sql = sr_sql_groups(OLD_SQL, 1, PER_STMT, "");
    if (!c || !adds || !old_sql) {
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
        goto cleanup;
    }
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_store_prepare(st, old_sql, &old);
    if (rc == SR_OK)
        rc = sr_store_prepare(
            st,
            "UPDATE schools SET name = ?2, district = ?3, stage = ?4, "
            "ownership = ?5, locale = ?6, boarding = ?7, school_bus = ?8, "
            "canteen = ?9, laboratory = ?10, swimming_pool = ?11, "
            "enrollment = ?12, boarders = ?13, special_needs = ?14, "
            "contact = ?15, phone = ?16, closed = 0, updated_at = ?17, "
            "updated_by = ?18, staff = ?19, meal_delivery = ?20, "
            "village_school = ?21 WHERE code = ?1",
            &upd);
    if (rc != SR_OK)
        goto rollback;
    /* The file in chunks: read, then write.  The new schools wait for
     * one statement of many; a changed school is written at once. */
    for (c->first = 0; c->first < reg->n; c->first += c->n) {
        c->n = reg->n - c->first < PER_STMT ? reg->n - c->first : PER_STMT;
        rc = read_chunk(st, old, reg, c);
        if (rc != SR_OK)
            goto rollback;
        for (i = 0; i < c->n; i++) {
            const struct sr_school_record *r = c->write[i];

            if (c->fate[i] == FATE_SAME) {
                report->unchanged++;
                continue;
            }
            if (c->fate[i] == FATE_NEW) {
                adds[nadds++] = r;
                report->added++;
            } else {
                bind_school(upd, 0, r, now, actor);
                if (sr_step(upd) != SR_DONE) {
                    snprintf(what, sizeof(what),
                             _("cannot update school '%s'"), r->code);
                    rc = sr_store_dberr(st, what);
                    goto rollback;
                }
                sr_reset(upd);
                report->updated++;
            }
            rc = touched_add(&t, r->code);
            if (rc != SR_OK)
                goto rollback;
        }
        if (nadds >= PER_STMT) {
            /* Whole statements now; the rest with the next chunk's. */
            size_t whole = nadds / PER_STMT * PER_STMT;

            rc = add_schools(st, adds, whole, now, actor);
            if (rc != SR_OK)
                goto rollback;
            memmove(adds, adds + whole, (nadds - whole) * sizeof(*adds));
            nadds -= whole;
        }
    }
    rc = add_schools(st, adds, nadds, now, actor);
    if (rc != SR_OK)
        goto rollback;
    if (flags & SR_IMPORT_FULL) {
        rc = close_missing(st, reg, now, report, &t);
        if (rc != SR_OK)
            goto rollback;
    }
    sr_store_finish(st, old);
    sr_store_finish(st, upd);
    old = upd = NULL;
    rc = sr_store_registry_change(st, reg->source,
                                  (const char *const *)t.v, t.n,
                                  report->added, report->updated,
                                  report->closed);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_store_commit(st); /* rolls back itself when it fails */
    goto cleanup;

rollback:
    sr_store_finish(st, old);
    sr_store_finish(st, upd);
    old = upd = NULL;
    sr_store_rollback(st);
cleanup:
    touched_release(&t);
    free(c);
    free(adds);
    free(old_sql);
    if (rc != SR_OK) {
        /* Nothing was written: say so in the counts too. */
        report->added = report->updated = report->unchanged = 0;
        report->closed = 0;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* An import limited to a scope                                         */
/* ------------------------------------------------------------------ */

/* The schools stored outside scope, by code. */
static sr_error
stored_elsewhere(struct sr_store *st, const struct sr_scope *scope,
                 struct sr_registry_elsewhere *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step = SR_DONE;

    memset(out, 0, sizeof(*out));
    rc = sr_store_prepare(st,
                          "SELECT s.code, d.name FROM schools s JOIN "
                          "districts d ON d.code = s.district WHERE NOT "
                          SR_SCOPE_SQL("s.district", "s.code", "1", "2")
                          " ORDER BY s.code",
                          &s);
    if (rc != SR_OK)
        return rc;
    rc = sr_bind_scope(st, s, 1, scope);
    while (rc == SR_OK && (step = sr_step(s)) == SR_ROW) {
        struct sr_registry_stored *e;
        int nomem = 0;

        if (out->n == out->alloc) {
            size_t na = out->alloc ? out->alloc * 2 : 256;
            struct sr_registry_stored *nv = realloc(out->v,
                                                    na * sizeof(*nv));

            if (!nv) {
                rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
                break;
            }
            out->v = nv;
            out->alloc = na;
        }
        e = &out->v[out->n];
        snprintf(e->code, sizeof(e->code), "%s",
                 sr_col_text(s, 0));
        e->district_name = sr_column_dup(s, 1, &nomem);
        if (nomem) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            break;
        }
        out->n++;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the schools"));
    sr_store_finish(st, s);
    if (rc != SR_OK)
        sr_registry_elsewhere_release(out);
    return rc;
}

sr_error
sr_registry_import_scoped(struct sr_store *st, const char *file,
                          const char *buf, size_t len, int flags,
                          const struct sr_scope *scope,
                          struct sr_import_report *report,
                          struct sr_diags *diags)
{
    struct sr_registry_elsewhere elsewhere = {NULL, 0, 0};
    struct sr_districts dist;
    struct sr_registry reg;
    size_t before = diags->n;
    sr_error rc;

    memset(report, 0, sizeof(*report));
    sr_registry_init(&reg);
    sr_districts_init(&dist);
    if (scope && scope->all)
        scope = NULL;
    rc = sr_registry_districts(st, &dist);
    if (rc == SR_OK && scope)
        rc = stored_elsewhere(st, scope, &elsewhere);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_registry_parse_scoped(&reg, file, buf, len, &dist, scope,
                                  (flags & SR_IMPORT_FULL) != 0, &elsewhere,
                                  diags);
    report->encoding = reg.encoding;
    if (rc != SR_OK) {
        report->bad_rows = reg.bad_rows;
        goto cleanup;
    }
    if ((flags & SR_IMPORT_FULL) && reg.n == 0) {
        rc = sr_diags_add(diags, file, 0,
                          _("the file lists no school; a full import of it "
                            "would close every school")) ? SR_ERR_NOMEM
                                                      : SR_ERR_INPUT;
        goto cleanup;
    }
    rc = sr_registry_store(st, &reg, flags, report);

cleanup:
    /* The file's problems are in diags; one line says what it means. */
    if (rc == SR_ERR_NOMEM)
        sr_store_fail_code(st, rc, _("out of memory"));
    else if (rc != SR_OK && diags->n > before)
        sr_store_fail_code(st, rc,
                           diags->n - before == 1 ?
                               _("nothing was imported from '%s': %zu "
                                 "problem") :
                               _("nothing was imported from '%s': %zu "
                                 "problems"),
                           file, diags->n - before);
    sr_registry_elsewhere_release(&elsewhere);
    sr_registry_release(&reg);
    sr_districts_release(&dist);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The upgrade to schema 5                                              */
/* ------------------------------------------------------------------ */

sr_error
sr_store_migrate_5(struct sr_store *st)
{
    struct touched t = {NULL, 0, 0};
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    rc = sr_store_prepare(st, "SELECT code FROM schools ORDER BY code", &s);
    if (rc != SR_OK)
        return rc;
    while ((step = sr_step(s)) == SR_ROW) {
        if (touched_add(&t, sr_col_text(s, 0))) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            goto cleanup;
        }
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the schools"));
        goto cleanup;
    }
    sr_store_finish(st, s);
    s = NULL;
    /* No school is marked changed (updated_at stays): only its record
     * gained the new columns, each at its default. */
    rc = sr_store_registry_change(st, "schema 5 upgrade",
                                  (const char *const *)t.v, t.n, 0, t.n, 0);

cleanup:
    sr_store_finish(st, s);
    touched_release(&t);
    return rc;
}
