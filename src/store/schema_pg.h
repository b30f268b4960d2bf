/*
 * schema_pg.h - the PostgreSQL schema (issue 13), compiled in.
 *
 * sr_pg_schema is src/store/schema_pg.sql as the build embeds it
 * (cmake/embed.cmake): one script that creates the schema "schoolrisk"
 * at SR_PG_SCHEMA_VERSION, with its tables, indexes, triggers and the
 * functions of SQLite that the store's SQL uses, and records the
 * version in the one-row table schema_version.  The database's owner
 * runs it once, in one transaction, on an empty database; the store's
 * connections then SET search_path = schoolrisk, pg_catalog.
 *
 * SQLite reaches the same version by migrations (store.c).  A new
 * migration there comes with its PostgreSQL twin, and this number
 * moves with SR_SCHEMA_VERSION: the assertion below stops a build
 * where one moved alone, and tests/unit/test_schema_pg.c checks that
 * the script records this number.
 */
#ifndef SR_STORE_SCHEMA_PG_H
#define SR_STORE_SCHEMA_PG_H

#include <stddef.h>

#include "schoolrisk/store.h"

/* The version the script creates (its INSERT INTO schema_version). */
#define SR_PG_SCHEMA_VERSION 13

_Static_assert(SR_PG_SCHEMA_VERSION == SR_SCHEMA_VERSION,
               "the PostgreSQL schema (schema_pg.sql) is not at "
               "SR_SCHEMA_VERSION: write its migration");

/* The script, NUL-terminated; its length without the NUL. */
extern const char sr_pg_schema[];
extern const size_t sr_pg_schema_size;

#endif
