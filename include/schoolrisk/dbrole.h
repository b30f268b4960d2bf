/*
 * schoolrisk/dbrole.h - the privileges of the service's database role
 * on PostgreSQL (`schoolrisk db grant ROLE`, issue 13).
 *
 * Two roles run a bureau's PostgreSQL database: its owner creates and
 * upgrades the schema (`init`) and nothing else; the service's role
 * (`serve` and the everyday CLI) reads and appends, and may change or
 * delete only the rows whose state legitimately changes (a hazard
 * through its loop, a draft's answers, a user, a session...).  On the
 * append-only tables (the audit chain, hazard events, submitted work's
 * scores, snapshots, the histories) it has no UPDATE, DELETE or
 * TRUNCATE, so immutability holds even against a dropped or changed
 * trigger: PostgreSQL refuses with "permission denied for table X"
 * before any trigger runs.  The role owns nothing and has no DDL.
 */
#ifndef SR_DBROLE_H
#define SR_DBROLE_H

#include <stddef.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;

/** What sr_store_grant_service() granted. */
struct sr_grant_report {
    int tables;          /**< tables of the schema: SELECT and INSERT */
    int updatable;       /**< of which also UPDATE */
    int deletable;       /**< of which also DELETE */
    int sequences;       /**< sequences: USAGE and SELECT */
};

/** The tables whose rows the service may UPDATE, NULL-terminated, in
 *  alphabetical order (every UPDATE statement of src/store/ names one
 *  of them; the triggers still guard what in them must not change: a
 *  submitted assessment, a published plan). */
extern const char *const sr_grant_update_tables[];
/** The tables whose rows the service may DELETE, NULL-terminated. */
extern const char *const sr_grant_delete_tables[];

/**
 * @brief Give PostgreSQL role @p role exactly the service's privileges
 *        on the schoolrisk schema of @p st's database.
 *
 * In one transaction: every privilege @p role had on the schema's
 * tables and sequences is revoked, then it is granted USAGE on the
 * schema; SELECT and INSERT on every table; UPDATE on
 * sr_grant_update_tables and DELETE on sr_grant_delete_tables only;
 * USAGE and SELECT on every sequence; EXECUTE on the schema's
 * functions.  Run it as the database's owner, again after every
 * upgrade (a new table is granted nothing until then).
 *
 * @param st an open store on PostgreSQL, connected as the owner.
 * @param role an existing role's name (any text: it is quoted by the
 *        server, never pasted into SQL as given).
 * @param rep receives the counts (left unchanged on failure).
 * @return SR_OK; SR_ERR_INPUT when @p st is SQLite (no roles), when
 *         @p role does not exist, is a superuser (privileges do not
 *         bind one), is the connection's own role, or can act as the
 *         schema's owner (a member of it), or when @p st is not
 *         connected as the schema's owner (or a superuser: a GRANT
 *         without the grant option grants nothing, with a mere
 *         warning); SR_ERR_DB when the database fails.  The
 *         message is sr_store_errmsg(st); nothing is changed on
 *         failure.
 *
 * @code
 *   struct sr_grant_report rep;
 *   if (sr_store_grant_service(st, "schoolrisk_web", &rep) != SR_OK)
 *       fprintf(stderr, "%s\n", sr_store_errmsg(st));
 * @endcode
 */
sr_error sr_store_grant_service(struct sr_store *st, const char *role,
                                struct sr_grant_report *rep);

#ifdef __cplusplus
}
#endif

#endif /* SR_DBROLE_H */
