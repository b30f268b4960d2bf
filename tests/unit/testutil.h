/*
 * testutil.h - helpers shared by the cmocka unit tests: temporary
 * directories and exact checks of diagnostics lists.  Include it after
 * <cmocka.h>.  Header-only (static inline) so that every test stays one
 * file.
 */
#ifndef SR_TESTUTIL_H
#define SR_TESTUTIL_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "schoolrisk/error.h"

/* Remove the files of a temporary directory, then the directory. */
static inline void
remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[512];

    if (!d)
        return;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
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

#endif /* SR_TESTUTIL_H */
