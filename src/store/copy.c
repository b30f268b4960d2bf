/*
 * copy.c - `schoolrisk db copy FROM TO`: a whole database from one
 * engine to the other (issue 13), through the seam only (db.h).
 *
 * DESIGN
 * TO is opened with SR_STORE_CREATE, the only way to make a schema on
 * either engine; a fresh database then holds the seeded districts and
 * its own first checkpoint with its audit record, stamped with the
 * time of creation.  Those rows would collide with FROM's (same ids,
 * another time), so the copy transaction deletes them first.  The
 * checkpoint and the audit record are guarded against deletion by
 * triggers: only those two guards are lifted, inside the transaction
 * (PostgreSQL: ALTER TABLE ... DISABLE TRIGGER; SQLite: the trigger
 * dropped and created again from its own text), so that no commit ever
 * sees them missing.  A store-open flag that skips the first
 * checkpoint would have meant changing the migrations of store.c; this
 * keeps the copy in one file.
 *
 * The append-only triggers stay in force for the inserts.  Two refuse
 * historic rows: the answers of a submitted assessment and the rows of
 * a published plan cannot be inserted once their parent is submitted
 * or published.  So those parents go in as drafts and are set to
 * their stored status after their children (the triggers allow a
 * draft to become submitted or published): the committed rows are
 * FROM's exactly.
 *
 * Tables go in the order of schema_pg.sql, which is a dependency order
 * (PostgreSQL refuses a REFERENCES to a table not created yet), rows in
 * primary-key order, columns by name, values as FROM's engine gives
 * them: integers as integers, NULL as NULL, text as text.
 */
#include "store_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/audit.h"
#include "schoolrisk/dbcopy.h"
#include "schoolrisk/i18n.h"

#include "../util.h"

struct table {
    const char *name;
    const char *order;  /* its primary key */
    int identity;       /* PostgreSQL: an identity id to move on */
    const char *columns; /* what is copied, when not every column: a
                            generated one is the engine's to compute */
};

static const struct table tables[] = {
    {"districts", "code", 0, NULL},
    {"systems", "id, version", 0, NULL},
    {"schools", "code", 0, NULL},
    {"users", "id", 1, NULL},
    {"plans", "id", 1, NULL},
    {"assessments", "id", 1, NULL},
    {"answers", "assessment, item", 0, NULL},
    {"scores", "assessment, node", 0, NULL},
    {"baseline_items", "assessment, element, item", 0, NULL},
    {"hazards", "id", 1, NULL},
    {"hazard_events", "id", 1,
     "id, hazard, \"at\", \"by\", from_status, to_status, note, evidence, "
     "by_user, state, assessment"},
    {"grants", "id", 1, NULL},
    {"sessions", "token_sha256", 0, NULL},
    {"security_events", "id", 1, NULL},
    {"registry_changes", "id", 1, NULL},
    {"school_versions", "id", 1, NULL},
    {"evidence", "sha256, school", 0, NULL},
    {"checkpoints", "id", 1, NULL},
    {"experts", "\"user\"", 0, NULL},
    {"expert_events", "id", 1, NULL},
    {"audit", "seq", 0, NULL},
    {"plan_schools", "plan, school", 0, NULL},
    {"plan_experts", "plan, \"user\"", 0, NULL},
    {"plan_pairs", "plan, school", 0, NULL},
    {"signoff_events", "id", 1, NULL},
};
#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

/* A status that refuses children once set: inserted as the draft, set
 * after the children (see DESIGN). */
struct held {
    const char *table, *column, *value;
};

static const struct held held[] = {
    {"assessments", "status", "submitted"},
    {"plans", "state", "published"},
};
#define N_HELD (sizeof(held) / sizeof(held[0]))

/* The fresh rows of a new TO, and the guards on deleting them. */
static const char *const guarded[][2] = {
    {"checkpoints", "checkpoints_kept"},
    {"audit", "audit_kept"},
};

struct copy {
    const char *from_path, *to_path;
    struct sr_store *from, *to;
    char *err;
    size_t errsize;
    char *saved[2];   /* SQLite: the guards' CREATE TRIGGER text */
};

static sr_error
failf(struct copy *c, sr_error rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static sr_error
failf(struct copy *c, sr_error rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->err, c->errsize, fmt, ap);
    va_end(ap);
    return rc;
}

/* The store's own message for rc, prefixed with which database. */
static sr_error
store_fail(struct copy *c, struct sr_store *st, sr_error rc)
{
    if (!st)
        return failf(c, rc, _("out of memory"));
    return failf(c, rc, "%s: %s", st == c->from ? c->from_path : c->to_path,
                 sr_store_errmsg(st));
}

/* An integer from one-row SQL on st, -1 on failure. */
static int64_t
one_int(struct sr_store *st, const char *sql)
{
    struct sr_stmt *s = NULL;
    int64_t v = -1;

    if (sr_store_prepare(st, sql, &s) == SR_OK && sr_step(s) == SR_ROW)
        v = sr_col_int64(s, 0);
    sr_store_finish(st, s);
    return v;
}

/* TO holds nothing but the rows of a new database (see DESIGN). */
static sr_error
check_empty(struct copy *c)
{
    char sql[128];
    size_t i;

    for (i = 0; i < N_TABLES; i++) {
        const char *t = tables[i].name;
        int64_t n, most = 0;

        if (!strcmp(t, "districts"))
            continue;
        if (!strcmp(t, "checkpoints") || !strcmp(t, "audit"))
            most = 1;
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t);
        n = one_int(c->to, sql);
        if (n < 0)
            return store_fail(c, c->to, SR_ERR_DB);
        if (n > most)
            return failf(c, SR_ERR_CONFLICT,
                         _("database '%s' is not empty (table %s has %lld "
                           "rows): db copy writes only into a new "
                           "database"),
                         c->to_path, t, (long long)n);
    }
    return SR_OK;
}

/* Lift (on = 0) or restore (on = 1) the guards on the fresh rows. */
static sr_error
guards(struct copy *c, int on)
{
    char sql[160];
    size_t i;

    for (i = 0; i < 2; i++) {
        if (c->to->pg) {
            snprintf(sql, sizeof(sql), "ALTER TABLE \"%s\" %s TRIGGER %s",
                     guarded[i][0], on ? "ENABLE" : "DISABLE",
                     guarded[i][1]);
        } else if (!on) {
            struct sr_stmt *s = NULL;
            int nomem = 0;

            if (sr_store_prepare(c->to,
                                 "SELECT sql FROM sqlite_master WHERE "
                                 "type = 'trigger' AND name = ?1",
                                 &s) != SR_OK)
                return store_fail(c, c->to, SR_ERR_DB);
            sr_bind_text(s, 1, guarded[i][1]);
            if (sr_step(s) == SR_ROW)
                c->saved[i] = sr_column_dup(s, 0, &nomem);
            sr_store_finish(c->to, s);
            if (!c->saved[i])
                return failf(c, SR_ERR_INTERNAL,
                             _("cannot read trigger %s"), guarded[i][1]);
            snprintf(sql, sizeof(sql), "DROP TRIGGER %s", guarded[i][1]);
        } else {
            if (sr_db_exec(c->to, c->saved[i]) != SR_DB_OK)
                return store_fail(c, c->to,
                                  sr_store_dberr(c->to, "trigger"));
            continue;
        }
        if (sr_db_exec(c->to, sql) != SR_DB_OK)
            return store_fail(c, c->to, sr_store_dberr(c->to, "trigger"));
    }
    return SR_OK;
}

/* Delete the fresh rows of a new TO: its districts (the same seed as
 * FROM's, which come back with the copy), checkpoint and record. */
static sr_error
clear_fresh(struct copy *c)
{
    static const char *const del[] = {
        "DELETE FROM audit", "DELETE FROM checkpoints", "DELETE FROM districts",
    };
    sr_error rc = guards(c, 0);
    size_t i;

    for (i = 0; rc == SR_OK && i < 3; i++)
        if (sr_db_exec(c->to, del[i]) != SR_DB_OK)
            rc = store_fail(c, c->to, sr_store_dberr(c->to, del[i]));
    return rc == SR_OK ? guards(c, 1) : rc;
}

/* Parameters in one INSERT at most: a batch of rows per statement
 * saves a round trip per row on PostgreSQL (a third of the time of a
 * city's copy went to them), and stays far below both engines' limits
 * (SQLite 32766, PostgreSQL 65535). */
#define BATCH_PARAMS 2000

/* "INSERT INTO t("a", "b") VALUES (?1, ?2), (?3, ?4)" for the columns
 * of s and rows rows. */
static char *
insert_sql(const char *table, struct sr_stmt *s, int rows)
{
    int i, n = sr_col_count(s);
    size_t size = 64 + strlen(table);
    char *head, *p, *sql;

    for (i = 0; i < n; i++)
        size += strlen(sr_col_name(s, i)) + 4;
    head = malloc(size);
    if (!head)
        return NULL;
    p = head + snprintf(head, size, "INSERT INTO \"%s\" (", table);
    for (i = 0; i < n; i++)
        p += snprintf(p, size - (size_t)(p - head), "%s\"%s\"",
                      i ? ", " : "", sr_col_name(s, i));
    snprintf(p, size - (size_t)(p - head), ") VALUES ");
    sql = sr_sql_groups(head, rows, n, "");
    free(head);
    return sql;
}

/* The row's key, "code=3701020001" or "assessment=5, item=A1", for a
 * message: the ORDER BY columns of the table. */
static void
row_key(const struct table *t, struct sr_stmt *s, char *buf, size_t size)
{
    int i, n = sr_col_count(s);
    size_t len = 0;

    buf[0] = '\0';
    for (i = 0; i < n && len < size; i++) {
        const char *name = sr_col_name(s, i);
        char quoted[64];
        const char *v;

        snprintf(quoted, sizeof(quoted), "\"%s\"", name);
        if (!strstr(t->order, name) && !strstr(t->order, quoted))
            continue;
        v = sr_col_text(s, i);
        len += (size_t)snprintf(buf + len, size - len, "%s%s=%s",
                                len ? ", " : "", name, v ? v : "NULL");
    }
}

/* Bind column i of FROM's row to parameter p of the insert. */
static sr_error
bind_value(struct copy *c, const struct table *t, struct sr_stmt *from,
           struct sr_stmt *ins, int i, int p)
{
    const char *name = sr_col_name(from, i), *v;
    size_t k, len, bad;

    switch (sr_col_type(from, i)) {
    case SR_COL_NULL:
        sr_bind_null(ins, p);
        return SR_OK;
    case SR_COL_INTEGER:
        sr_bind_int64(ins, p, sr_col_int64(from, i));
        return SR_OK;
    default:
        break;
    }
    v = sr_col_text(from, i);
    len = sr_col_bytes(from, i);
    for (k = 0; k < N_HELD; k++)
        if (!strcmp(t->name, held[k].table) &&
            !strcmp(name, held[k].column) && !strcmp(v, held[k].value)) {
            sr_bind_text(ins, p, "draft");
            return SR_OK;
        }
    if (c->to->pg && (memchr(v, '\0', len) || !sr_utf8_valid(v, len, &bad))) {
        char key[256];

        row_key(t, from, key, sizeof(key));
        return failf(c, SR_ERR_INPUT,
                     _("table %s, row %s, column %s: %s cannot be stored "
                       "in PostgreSQL"),
                     t->name, key, name,
                     memchr(v, '\0', len) ? _("a NUL byte")
                                          : _("invalid UTF-8"));
    }
    sr_bind_textn(ins, p, v, len);
    return SR_OK;
}

/* Step a batch insert of rows rows, the first with key key. */
static sr_error
flush(struct copy *c, const struct table *t, struct sr_stmt *ins,
      const char *key)
{
    char what[400];

    if (sr_step(ins) == SR_DONE) {
        sr_reset(ins);
        return SR_OK;
    }
    snprintf(what, sizeof(what), _("cannot copy table %s, rows from %s"),
             t->name, key);
    return store_fail(c, c->to, sr_store_dberr(c->to, what));
}

/* One table, every row, in primary-key order, in batches of per rows
 * and the last batch of what is left. */
static sr_error
copy_table(struct copy *c, const struct table *t, int64_t *rows)
{
    struct sr_stmt *from = NULL, *ins = NULL;
    char sql[256], key[256] = "";
    char *isql = NULL;
    int64_t total, left;
    sr_error rc = SR_OK;
    int step, i, n = 0, per = 0, in = 0, batch = 0;

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t->name);
    total = one_int(c->from, sql);
    if (total < 0)
        return store_fail(c, c->from, sr_store_dberr(c->from, t->name));
    left = total;
    snprintf(sql, sizeof(sql), "SELECT %s FROM \"%s\" ORDER BY %s",
             t->columns ? t->columns : "*", t->name, t->order);
    if (sr_store_prepare(c->from, sql, &from) != SR_OK)
        return store_fail(c, c->from, SR_ERR_DB);
    while (rc == SR_OK && left > 0 && (step = sr_step(from)) == SR_ROW) {
        if (in == 0) {
            /* A new statement for the first batch and the last. */
            n = sr_col_count(from);
            if (!per)
                per = BATCH_PARAMS / n > 0 ? BATCH_PARAMS / n : 1;
            if (!ins || left < batch) {
                sr_store_finish(c->to, ins);
                ins = NULL;
                free(isql);
                batch = left < per ? (int)left : per;
                isql = insert_sql(t->name, from, batch);
                if (!isql)
                    rc = failf(c, SR_ERR_NOMEM, _("out of memory"));
                else if (sr_store_prepare(c->to, isql, &ins) != SR_OK)
                    rc = store_fail(c, c->to, SR_ERR_DB);
                if (rc != SR_OK)
                    break;
            }
            row_key(t, from, key, sizeof(key));
        }
        for (i = 0; rc == SR_OK && i < n; i++)
            rc = bind_value(c, t, from, ins, i, in * n + i + 1);
        if (rc != SR_OK)
            break;
        left--;
        (*rows)++;
        if (++in == batch) {
            rc = flush(c, t, ins, key);
            in = 0;
        }
    }
    if (rc == SR_OK && left > 0)
        rc = store_fail(c, c->from, sr_store_dberr(c->from, t->name));
    sr_store_finish(c->to, ins);
    sr_store_finish(c->from, from);
    free(isql);
    return rc;
}

/* Set the held parents to their stored status (see DESIGN). */
static sr_error
release_held(struct copy *c)
{
    size_t k;

    for (k = 0; k < N_HELD; k++) {
        struct sr_stmt *sel = NULL, *upd = NULL;
        char sql[160];
        sr_error rc = SR_OK;
        int step;

        snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = '%s' "
                 "ORDER BY id", held[k].table, held[k].column,
                 held[k].value);
        if (sr_store_prepare(c->from, sql, &sel) != SR_OK)
            return store_fail(c, c->from, SR_ERR_DB);
        snprintf(sql, sizeof(sql), "UPDATE %s SET %s = '%s' WHERE id = ?1",
                 held[k].table, held[k].column, held[k].value);
        if (sr_store_prepare(c->to, sql, &upd) != SR_OK) {
            sr_store_finish(c->from, sel);
            return store_fail(c, c->to, SR_ERR_DB);
        }
        while ((step = sr_step(sel)) == SR_ROW) {
            sr_bind_int64(upd, 1, sr_col_int64(sel, 0));
            if (sr_step(upd) != SR_DONE) {
                rc = store_fail(c, c->to, sr_store_dberr(c->to, sql));
                break;
            }
            sr_reset(upd);
        }
        if (rc == SR_OK && step != SR_DONE)
            rc = store_fail(c, c->from, sr_store_dberr(c->from, sql));
        sr_store_finish(c->to, upd);
        sr_store_finish(c->from, sel);
        if (rc != SR_OK)
            return rc;
    }
    return SR_OK;
}

/* PostgreSQL: each identity past the copied ids (schema_pg.sql). */
static sr_error
move_identities(struct copy *c)
{
    char sql[256];
    size_t i;

    if (!c->to->pg)
        return SR_OK;
    for (i = 0; i < N_TABLES; i++) {
        if (!tables[i].identity)
            continue;
        snprintf(sql, sizeof(sql),
                 "SELECT setval(pg_get_serial_sequence('schoolrisk.%s', "
                 "'id'), (SELECT coalesce(max(id), 0) + 1 FROM %s), false)",
                 tables[i].name, tables[i].name);
        if (one_int(c->to, sql) < 1)
            return store_fail(c, c->to, sr_store_dberr(c->to, sql));
    }
    return SR_OK;
}

/* Everything inside TO's one transaction. */
static sr_error
copy_all(struct copy *c, struct sr_db_copy_report *rep)
{
    sr_error rc;
    size_t i;

    rc = check_empty(c);
    if (rc == SR_OK)
        rc = clear_fresh(c);
    for (i = 0; rc == SR_OK && i < N_TABLES; i++) {
        rc = copy_table(c, &tables[i], &rep->rows);
        rep->tables++;
    }
    if (rc == SR_OK)
        rc = release_held(c);
    if (rc == SR_OK)
        rc = move_identities(c);
    return rc;
}

/* Verify st's chain; a broken one is refused with its problem. */
static sr_error
verify(struct copy *c, struct sr_store *st, struct sr_audit_report *ar)
{
    sr_error rc = sr_audit_verify(st, ar);

    if (rc != SR_OK)
        return store_fail(c, st, rc);
    if (!ar->ok)
        return failf(c, SR_ERR_STATE, _("%s: the audit chain is broken: %s"),
                     st == c->from ? c->from_path : c->to_path, ar->problem);
    return SR_OK;
}

static bool
file_exists(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 || errno != ENOENT;
}

/* Remove a SQLite file this copy created (and its -wal, -shm). */
static void
remove_created(const char *path)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char buf[4096];
    size_t i;

    if (!strncmp(path, "sqlite:", 7))
        path += 7;
    for (i = 0; i < 4; i++) {
        snprintf(buf, sizeof(buf), "%s%s", path, ext[i]);
        unlink(buf);
    }
}

static sr_error
run(struct copy *c, struct sr_db_copy_report *rep)
{
    struct sr_audit_report fa, ta;
    bool own = false;
    int vf, vt;
    sr_error rc;

    rc = sr_store_open(c->from_path, SR_STORE_READONLY, &c->from);
    if (rc != SR_OK)
        return store_fail(c, c->from, rc);
    rc = verify(c, c->from, &fa);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_open(c->to_path, SR_STORE_CREATE, &c->to);
    if (rc != SR_OK)
        return store_fail(c, c->to, rc);
    vf = sr_store_schema_version(c->from);
    vt = sr_store_schema_version(c->to);
    if (vf != vt)
        return failf(c, SR_ERR_VERSION,
                     _("'%s' has schema version %d and '%s' version %d: "
                       "both must be at %d"),
                     c->from_path, vf, c->to_path, vt, SR_SCHEMA_VERSION);
    rc = sr_store_read_begin(c->from, &own);
    if (rc != SR_OK)
        return store_fail(c, c->from, rc);
    rc = sr_store_begin(c->to);
    if (rc != SR_OK) {
        sr_store_read_end(c->from, own);
        return store_fail(c, c->to, rc);
    }
    rc = copy_all(c, rep);
    sr_store_read_end(c->from, own);
    if (rc == SR_OK && sr_store_commit(c->to) != SR_OK)
        rc = store_fail(c, c->to, SR_ERR_DB);
    if (rc != SR_OK) {
        sr_store_rollback(c->to);
        return rc;
    }
    /* The planner knows nothing of the rows just loaded until
     * autovacuum gets round to them: without statistics the chain's
     * verification below chose nested loops over the city's hazards
     * and took minutes.  VACUUM too, for the same wait: until a table's
     * pages are marked all-visible, an index-only scan visits the table
     * for every row (the latest scores of a district took twice as
     * long), and the first reader of each row sets its hint bits and
     * writes the page again.  (A server whose commits are not yet
     * flushed, synchronous_commit off, leaves them for autovacuum.) */
    if (c->to->pg && sr_db_exec(c->to, "VACUUM (ANALYZE)") != SR_DB_OK)
        return store_fail(c, c->to,
                          sr_store_dberr(c->to, "VACUUM (ANALYZE)"));
    rc = verify(c, c->to, &ta);
    if (rc != SR_OK)
        return rc;
    if (ta.records != fa.records || strcmp(ta.head, fa.head))
        return failf(c, SR_ERR_STATE,
                     _("the copy's audit chain differs: %lld records, head "
                       "%s; the source has %lld, head %s"),
                     (long long)ta.records, ta.head, (long long)fa.records,
                     fa.head);
    rep->records = fa.records;
    memcpy(rep->head, fa.head, sizeof(rep->head));
    return SR_OK;
}

sr_error
sr_db_copy(const char *from, const char *to, struct sr_db_copy_report *rep,
           char *err, size_t errsize)
{
    struct copy c = {from, to, NULL, NULL, err, errsize, {NULL, NULL}};
    bool created = !sr_pg_uri(to) &&
                   !file_exists(strncmp(to, "sqlite:", 7) ? to : to + 7);
    struct timespec t0, t1;
    sr_error rc;

    memset(rep, 0, sizeof(*rep));
    err[0] = '\0';
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = run(&c, rep);
    sr_store_close(c.to);
    sr_store_close(c.from);
    free(c.saved[0]);
    free(c.saved[1]);
    if (rc != SR_OK && created)
        remove_created(to);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rep->seconds = (double)(t1.tv_sec - t0.tv_sec) +
                   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
