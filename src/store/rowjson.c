/*
 * rowjson.c - the chained state of a row as text, made in C.
 *
 * DESIGN
 * The audit chain keeps a snapshot of every row that changes (a hazard,
 * a school, a user, a role grant, an expert profile) with each event
 * that changes it, and `audit verify` compares the row with its latest
 * snapshot (audit.c).  Until schema 10 the snapshot was made in SQL by
 * SQLite's json_object(); chains written then hold its text, hashed, so
 * the text is part of the record: this file writes exactly what SQLite
 * 3.40's json_object() writes, whatever the engine (PostgreSQL has no
 * such function, and a chain copied to it must still verify).
 *
 * The text is {"key":value,...} with no spaces and the keys in the
 * state's order; an INTEGER is its decimal digits, NULL is null, and
 * TEXT is quoted as SQLite's jsonAppendString() quotes it: `"` and `\`
 * get a backslash, the control bytes 0x08 0x09 0x0a 0x0c 0x0d become
 * \b \t \n \f \r, the other bytes below 0x20 \u00xx (lowercase hex),
 * and every other byte (0x7f, invalid UTF-8) is copied as it is.  The
 * tables are STRICT and no state column is REAL or BLOB, so neither
 * can be there; one that is would be refused, not approximated
 * (SQLite's "%!.15g" has no exact C equivalent).
 *
 * The columns of each state are listed once, in store_int.h
 * (SR_*_COLS), and their keys here, in the same order.
 */
#include <stdio.h>
#include <string.h>

#include "schoolrisk/store.h"
#include "store_int.h"
#include "../util.h"

/* ------------------------------------------------------------------ */
/* The states                                                           */
/* ------------------------------------------------------------------ */

static const char *const hazard_keys[] = {
    "id", "school", "item", "item_title", "assessment", "level",
    "description", "status", "found_on", "found_by", "found_by_user",
    "responsible", "measures", "deadline", "submitted_by",
    "submitted_by_user", "reviewed_by", "reviewed_by_user", "reviewed_on",
    "closed_on", "recurrent_of", "baseline"};

#define SCHOOL_HEAD_KEYS                                                    \
    "code", "name", "district", "stage", "ownership", "locale",             \
        "boarding", "school_bus", "canteen", "laboratory",                  \
        "swimming_pool", "enrollment", "boarders", "special_needs"
#define SCHOOL_TAIL_KEYS                                                    \
    "contact", "phone", "closed", "updated_at", "updated_by"

static const char *const school2_keys[] = {SCHOOL_HEAD_KEYS,
                                           SCHOOL_TAIL_KEYS};

static const char *const school_keys[] = {
    SCHOOL_HEAD_KEYS, "staff", "meal_delivery", "village_school",
    SCHOOL_TAIL_KEYS};

/* password and totp are chained by the SHA-256 of the stored hash and
 * secret: a snapshot never holds a secret as text. */
static const char *const user_keys[] = {
    "id", "login", "name", "unit", "phone", "password", "password_set_at",
    "must_change", "totp", "disabled", "created_at", "created_by"};

static const char *const grant_keys[] = {
    "id", "user", "role", "district", "school", "granted_at",
    "granted_by", "revoked_at", "revoked_by"};

static const char *const expert_keys[] = {
    "user", "unit", "district", "specialities", "trained_on",
    "certified_on", "expires_on", "status", "updated_at", "updated_by"};

#define KEYS(a) a, sizeof(a) / sizeof(a[0])

const struct sr_state sr_hazard_state = {
    "SELECT " SR_HAZARD_COLS("h") " FROM hazards h WHERE h.id = ?1",
    KEYS(hazard_keys), 0};

const struct sr_state sr_school_state_2 = {
    "SELECT " SR_SCHOOL_COLS_2("s") " FROM schools s WHERE s.code = ?1",
    KEYS(school2_keys), 0};

const struct sr_state sr_school_state = {
    "SELECT " SR_SCHOOL_COLS("s") " FROM schools s WHERE s.code = ?1",
    KEYS(school_keys), 0};

const struct sr_state sr_user_state = {
    "SELECT " SR_USER_COLS("u") " FROM users u WHERE u.id = ?1",
    KEYS(user_keys), (1u << 5) | (1u << 8)};

const struct sr_state sr_grant_state = {
    "SELECT " SR_GRANT_COLS("g") " FROM grants g WHERE g.id = ?1",
    KEYS(grant_keys), 0};

const struct sr_state sr_expert_state = {
    "SELECT " SR_EXPERT_COLS("x") " FROM experts x WHERE x.user = ?1",
    KEYS(expert_keys), 0};

/* ------------------------------------------------------------------ */
/* The serializer                                                       */
/* ------------------------------------------------------------------ */

/* len bytes of text as a JSON string, as SQLite's json_quote() writes
 * it.  Runs of bytes that need no escape go in one append. */
static sr_error
add_string(struct sr_buf *b, const char *p, size_t len)
{
    /* SQLite's aSpecial[]: the control bytes with a one-letter escape. */
    static const char special[32] = {
        0, 0, 0, 0, 0, 0, 0, 0, 'b', 't', 'n', 0, 'f', 'r', 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0,   0,   0,   0, 0,   0,   0, 0};
    static const char hex[] = "0123456789abcdef";
    sr_error rc = sr_buf_add(b, "\"", 1);
    size_t i, run = 0;

    for (i = 0; i < len && rc == SR_OK; i++) {
        unsigned char c = (unsigned char)p[i];
        char esc[6];
        size_t n;

        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        rc = sr_buf_add(b, p + run, i - run);
        run = i + 1;
        esc[0] = '\\';
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            n = 2;
        } else if (special[c]) {
            esc[1] = special[c];
            n = 2;
        } else {
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xf];
            n = 6;
        }
        if (rc == SR_OK)
            rc = sr_buf_add(b, esc, n);
    }
    if (rc == SR_OK)
        rc = sr_buf_add(b, p + run, len - run);
    return rc == SR_OK ? sr_buf_add(b, "\"", 1) : rc;
}

/* Column i's value as JSON; a hashed column is its SHA-256 in hex. */
static sr_error
add_value(struct sr_store *st, struct sr_buf *b, struct sr_stmt *s, int i,
          int hashed, const char *key)
{
    const char *p;
    char sha[65], num[24];
    int n;

    switch (sr_col_type(s, i)) {
    case SR_COL_NULL:
        return sr_buf_add(b, "null", 4);
    case SR_COL_INTEGER:
        if (hashed)
            break;
        /* As SQLite's "%lld"; no allocation (sr_buf_addf() makes one),
         * for verify serializes every row of the city. */
        n = snprintf(num, sizeof(num), "%lld", (long long)sr_col_int64(s, i));
        return sr_buf_add(b, num, (size_t)n);
    case SR_COL_TEXT:
        break;
    default:
        /* STRICT tables keep REAL and BLOB out of every state column. */
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("cannot record '%s' in a chained "
                                    "state: not an integer or a text"),
                                  key);
    }
    p = sr_col_text(s, i);
    if (!p)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    if (!hashed)
        return add_string(b, p, sr_col_bytes(s, i));
    sr_sha256_hex(p, sr_col_bytes(s, i), sha);
    return add_string(b, sha, 64);
}

sr_error
sr_rowjson_append(struct sr_store *st, struct sr_buf *b, struct sr_stmt *s,
                  int first, const char *const *keys, size_t n,
                  unsigned hashed)
{
    sr_error rc = sr_buf_add(b, "{", 1);
    size_t i;

    if (first < 0 || (size_t)sr_col_count(s) < (size_t)first + n)
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("a chained state has %d columns, not "
                                    "%zu"),
                                  sr_col_count(s) - first, n);
    for (i = 0; i < n && rc == SR_OK; i++) {
        if (i > 0)
            rc = sr_buf_add(b, ",", 1);
        if (rc == SR_OK)
            rc = add_string(b, keys[i], strlen(keys[i]));
        if (rc == SR_OK)
            rc = sr_buf_add(b, ":", 1);
        if (rc == SR_OK)
            rc = add_value(st, b, s, first + (int)i,
                           i < 32 && (hashed >> i) & 1u, keys[i]);
    }
    if (rc == SR_OK)
        rc = sr_buf_add(b, "}", 1);
    if (rc == SR_ERR_NOMEM)
        sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    return rc;
}

sr_error
sr_state_append(struct sr_store *st, const struct sr_state *state,
                struct sr_buf *b, struct sr_stmt *s, int first)
{
    return sr_rowjson_append(st, b, s, first, state->keys, state->n,
                             state->hashed);
}

/* ------------------------------------------------------------------ */
/* A row's state, read                                                  */
/* ------------------------------------------------------------------ */

/* The state of the row the bound statement selects, or NULL in *out
 * when there is none. */
static sr_error
read_state(struct sr_store *st, const struct sr_state *state,
           struct sr_stmt *s, char **out)
{
    struct sr_buf b;
    sr_error rc = SR_OK;
    int step = sr_step(s);

    sr_buf_init(&b);
    if (step == SR_ROW)
        rc = sr_state_append(st, state, &b, s, 0);
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the row to record"));
    if (rc == SR_OK && step == SR_ROW) {
        *out = sr_buf_detach(&b);
        if (!*out)
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    sr_buf_release(&b);
    return rc;
}

sr_error
sr_state_by_id(struct sr_store *st, const struct sr_state *state,
               int64_t id, char **out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    *out = NULL;
    rc = sr_store_prepare(st, state->sql, &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    rc = read_state(st, state, s, out);
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_state_by_code(struct sr_store *st, const struct sr_state *state,
                 const char *code, char **out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    *out = NULL;
    rc = sr_store_prepare(st, state->sql, &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, code);
    rc = read_state(st, state, s, out);
    sr_store_finish(st, s);
    return rc;
}
