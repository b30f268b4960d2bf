/*
 * testutil.h - helpers shared by the cmocka unit tests: temporary
 * directories and exact checks of diagnostics lists.  Include it after
 * <cmocka.h>.  Header-only (static inline) so that every test stays one
 * file.
 */
#ifndef SR_TESTUTIL_H
#define SR_TESTUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schoolrisk/error.h"

static inline int
remove_entry(const char *path, const struct stat *sb, int flag,
             struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Remove a temporary directory and everything under it. */
static inline void
remove_dir(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Print every diagnostic (shown when a check fails). */
static inline void
show_diags(const struct sr_diags *d)
{
    char buf[1024];
    size_t i;

    for (i = 0; i < d->n; i++) {
        sr_diag_format(&d->v[i], buf, sizeof(buf));
        print_error("  diag %zu: %s\n", i, buf);
    }
}

/* The diagnostics are exactly want[] (NULL-terminated), in order. */
static inline void
assert_diags(const struct sr_diags *d, const char *const *want)
{
    char buf[1024];
    size_t n = 0, i;

    while (want[n])
        n++;
    if (d->n != n)
        show_diags(d);
    assert_int_equal(d->n, n);
    for (i = 0; i < n; i++) {
        sr_diag_format(&d->v[i], buf, sizeof(buf));
        assert_string_equal(buf, want[i]);
    }
}

/* Run Debian's python3 on the reader script @p reader with @p args;
 * returns its output (free() it) with a '\n' before the first line, so
 * that "\nLINE\n" finds any whole line.  The reader must exit 0. */
static inline char *
read_back(const char *reader, const char *args)
{
    char cmd[1024];
    char *out = NULL;
    size_t len = 1, alloc = 65536;
    FILE *p;
    size_t got;

    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s", reader, args);
    p = popen(cmd, "r");
    assert_non_null(p);
    out = malloc(alloc);
    assert_non_null(out);
    out[0] = '\n';
    while ((got = fread(out + len, 1, alloc - len - 1, p)) > 0) {
        len += got;
        if (alloc - len < 1024) {
            alloc *= 2;
            out = realloc(out, alloc);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    assert_int_equal(pclose(p), 0);
    return out;
}

/* Every line of the NULL-terminated @p want is a whole line of @p out
 * (as returned by read_back). */
static inline void
expect_lines(const char *out, const char *const *want)
{
    char buf[1024];

    for (; *want; want++) {
        snprintf(buf, sizeof(buf), "\n%s\n", *want);
        if (!strstr(out, buf)) {
            print_error("missing line: %s\n--- output:\n%s\n", *want, out);
            fail();
        }
    }
}

#endif /* SR_TESTUTIL_H */
