/*
 * roles.c - the service's database role on PostgreSQL: what it may do
 * to each table (`schoolrisk db grant ROLE`, schoolrisk/dbrole.h).
 *
 * DESIGN
 * The privileges are the second wall behind the triggers of
 * schema_pg.sql: a trigger refuses an UPDATE of the audit chain with
 * its message, and a role without UPDATE on it is refused before any
 * trigger runs ("permission denied for table audit"), even by a
 * trigger dropped or changed by someone with DDL.  So the service's
 * role gets, on the tables, exactly what the store's statements need:
 * SELECT and INSERT everywhere (every table is read and appended to),
 * UPDATE on the tables named by an UPDATE (or an upsert's DO UPDATE)
 * of src/store/, and DELETE on those named by a DELETE.  The lists
 * below are those statements' tables; migrations' UPDATEs are the
 * owner's.  Everything else (TRUNCATE, REFERENCES, TRIGGER, DDL) is
 * the owner's alone, and the role owns nothing.
 *
 * A role's name cannot be a bound parameter of GRANT: it is quoted by
 * the server (quote_ident(), from a bound parameter) and the quoted
 * name alone goes into the statements' text.
 */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#include "schoolrisk/dbrole.h"
#include "schoolrisk/i18n.h"

#include "../util.h"

/* UPDATE: assessments.c (submit; the answers' upsert on a draft),
 * experts.c, hazards.c (a hazard's loop), plans.c (publish),
 * schools.c (import, close), users.c (users, grants, sessions). */
const char *const sr_grant_update_tables[] = {
    "answers", "assessments", "experts", "grants", "hazards",
    "plans",   "schools",     "sessions", "users", NULL,
};

/* DELETE: a draft's answer taken back (assessments.c), sessions ended
 * or expired (users.c). */
const char *const sr_grant_delete_tables[] = {"answers", "sessions", NULL};

/* The statements, each followed by the quoted role.  Revoking first
 * makes the grant exact: a role given more by hand before keeps nothing
 * more. */
static const char *const revoke_sql[] = {
    "REVOKE ALL ON ALL TABLES IN SCHEMA schoolrisk FROM",
    "REVOKE ALL ON ALL SEQUENCES IN SCHEMA schoolrisk FROM",
    "REVOKE ALL ON SCHEMA schoolrisk FROM",
};
static const char *const grant_sql[] = {
    "GRANT USAGE ON SCHEMA schoolrisk TO",
    "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA schoolrisk TO",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA schoolrisk TO",
    "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA schoolrisk TO",
};

/* The role quoted as an identifier into @p out, after checking that
 * privileges bind it. */
static sr_error
check_role(struct sr_store *st, const char *role, char *out, size_t size)
{
    struct sr_stmt *s = NULL;
    sr_error rc = SR_OK;
    int step;

    rc = sr_store_prepare(st,
                          "SELECT quote_ident(r.rolname), r.rolsuper, "
                          "r.rolname = current_user, "
                          "pg_has_role(r.oid, n.nspowner, 'USAGE'), "
                          "pg_has_role(current_user, n.nspowner, 'USAGE'), "
                          "pg_get_userbyid(n.nspowner), current_user "
                          "FROM pg_namespace n LEFT JOIN pg_roles r "
                          "ON r.rolname = CAST(?1 AS TEXT) "
                          "WHERE n.nspname = 'schoolrisk'",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    sr_bind_text(s, 1, role);
    step = sr_step(s);
    if (step != SR_ROW) {
        rc = sr_store_dberr(st, _("cannot read the roles"));
        goto cleanup;
    }
    /* A GRANT by a role without the grant option is a warning, not an
     * error, and grants nothing: refuse it here instead. */
    if (!sr_col_int(s, 4))
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("db grant must be run as the schema's "
                                  "owner '%s', not as '%s'"),
                                sr_col_text(s, 5), sr_col_text(s, 6));
    else if (!sr_col_text(s, 0))
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("role '%s' does not exist (create it "
                                  "first: CREATE ROLE ... LOGIN)"),
                                role);
    else if (sr_col_int(s, 1))
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("role '%s' is a superuser: no privilege "
                                  "binds it; the service needs a role of "
                                  "its own"),
                                role);
    else if (sr_col_int(s, 2) || sr_col_int(s, 3))
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("role '%s' owns the schema (or is a "
                                  "member of its owner): the service needs "
                                  "a role of its own"),
                                role);
    else
        snprintf(out, size, "%s", sr_col_text(s, 0));

cleanup:
    sr_store_finish(st, s);
    return rc;
}

/* Run each of @p n statements of @p sql for role @p quoted. */
static sr_error
run_all(struct sr_store *st, const char *const *sql, size_t n,
        const char *quoted)
{
    char text[512];
    size_t i;

    for (i = 0; i < n; i++) {
        snprintf(text, sizeof(text), "%s %s", sql[i], quoted);
        if (sr_db_exec(st, text) != SR_DB_OK)
            return sr_store_dberr(st, _("cannot grant the privileges"));
    }
    return SR_OK;
}

/* GRANT @p what ON the tables of @p tables TO @p quoted. */
static sr_error
grant_on(struct sr_store *st, const char *what,
         const char *const *tables, const char *quoted, int *n)
{
    char text[1024];
    size_t len;
    int i;

    len = (size_t)snprintf(text, sizeof(text), "GRANT %s ON ", what);
    for (i = 0; tables[i] && len < sizeof(text); i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
                                i ? ", " : "", tables[i]);
    if (len < sizeof(text))
        len += (size_t)snprintf(text + len, sizeof(text) - len, " TO %s",
                                quoted);
    if (len >= sizeof(text))
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("cannot grant the privileges: the "
                                    "statement is too long"));
    if (sr_db_exec(st, text) != SR_DB_OK)
        return sr_store_dberr(st, _("cannot grant the privileges"));
    *n = i;
    return SR_OK;
}

/* How many objects of the schema of kind @p relkind ('r' tables, 'S'
 * sequences) there are. */
static sr_error
count_of(struct sr_store *st, const char *relkind, int *n)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "SELECT count(*) FROM pg_class c JOIN "
                          "pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE n.nspname = 'schoolrisk' AND "
                          "c.relkind = CAST(?1 AS TEXT)",
                          &s);
    if (rc == SR_OK) {
        sr_bind_text(s, 1, relkind);
        if (sr_step(s) == SR_ROW)
            *n = sr_col_int(s, 0);
        else
            rc = sr_store_dberr(st, _("cannot read the schema"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_store_grant_service(struct sr_store *st, const char *role,
                       struct sr_grant_report *rep)
{
    struct sr_grant_report r = {0, 0, 0, 0};
    char quoted[256];
    sr_error rc;

    /* SQLite has no roles: who may write is who may write the file. */
    if (!st->pg)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("db grant is for PostgreSQL: a SQLite "
                                    "database has no roles (its file's "
                                    "permissions say who may write)"));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = check_role(st, role, quoted, sizeof(quoted));
    if (rc == SR_OK)
        rc = run_all(st, revoke_sql,
                     sizeof(revoke_sql) / sizeof(revoke_sql[0]), quoted);
    if (rc == SR_OK)
        rc = run_all(st, grant_sql, sizeof(grant_sql) / sizeof(grant_sql[0]),
                     quoted);
    if (rc == SR_OK)
        rc = grant_on(st, "UPDATE", sr_grant_update_tables, quoted,
                      &r.updatable);
    if (rc == SR_OK)
        rc = grant_on(st, "DELETE", sr_grant_delete_tables, quoted,
                      &r.deletable);
    if (rc == SR_OK)
        rc = count_of(st, "r", &r.tables);
    if (rc == SR_OK)
        rc = count_of(st, "S", &r.sequences);
    if (rc == SR_OK)
        rc = sr_store_commit(st);
    else
        sr_store_rollback(st);
    if (rc == SR_OK)
        *rep = r;
    return rc;
}
