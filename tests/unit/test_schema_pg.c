/*
 * test_schema_pg.c - the PostgreSQL schema the library holds
 * (src/store/schema_pg.h): it is schema_pg.sql byte for byte, one
 * NUL-terminated text, and it records SR_PG_SCHEMA_VERSION (which the
 * header asserts is SR_SCHEMA_VERSION) in schema_version, once.  What
 * the script creates is checked against SQLite's schema on a real
 * cluster by tests/pg/test_schema.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/store/schema_pg.h"

#define SR_PG_SCHEMA_FILE SR_FIXTURES "/../../src/store/schema_pg.sql"

/* The whole of a file, NUL-terminated, in *len bytes (NULL on error). */
static char *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
        fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
            buf[n] = '\0';
            *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(fp);
    return buf;
}

static void
embedded_is_the_file(void **state)
{
    size_t len = 0;
    char *file = slurp(SR_PG_SCHEMA_FILE, &len);

    (void)state;
    assert_non_null(file);
    assert_int_equal(sr_pg_schema_size, len);
    assert_memory_equal(sr_pg_schema, file, len);
    /* One text: no NUL before its end, so that it can be sent as a
     * C string. */
    assert_int_equal(strlen(sr_pg_schema), sr_pg_schema_size);
    free(file);
}

static void
records_its_version_once(void **state)
{
    char want[80];
    const char *at;

    (void)state;
    snprintf(want, sizeof(want),
             "INSERT INTO schema_version(version) VALUES (%d);",
             SR_PG_SCHEMA_VERSION);
    at = strstr(sr_pg_schema, want);
    assert_non_null(at);
    assert_null(strstr(at + 1, "INSERT INTO schema_version"));
    assert_ptr_equal(strstr(sr_pg_schema, "INSERT INTO schema_version"),
                     at);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(embedded_is_the_file),
        cmocka_unit_test(records_its_version_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
