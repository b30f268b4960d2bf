/*
 * test_zip.c - sr_zip_write(): the archive's exact layout (sizes, the
 * CRC patched into the local header, the end record), the members as
 * Python's zipfile and unzip read them, an empty archive, and a member
 * that cannot be read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schoolrisk/zip.h"
#include "testutil.h"

struct fx {
    char dir[64];
    char a[128], b[128], zip[128];
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    FILE *fp;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-zip-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->a, sizeof(f->a), "%s/a", f->dir);
    snprintf(f->b, sizeof(f->b), "%s/b", f->dir);
    snprintf(f->zip, sizeof(f->zip), "%s/all.zip", f->dir);
    fp = fopen(f->a, "w");
    assert_non_null(fp);
    assert_true(fputs("hello\n", fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    fp = fopen(f->b, "w"); /* empty */
    assert_non_null(fp);
    assert_int_equal(fclose(fp), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    remove_dir(f->dir);
    free(f);
    return 0;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
    struct stat sb;
    unsigned char *p;
    FILE *fp;

    assert_int_equal(stat(path, &sb), 0);
    p = malloc((size_t)sb.st_size + 1);
    assert_non_null(p);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(p, 1, (size_t)sb.st_size, fp),
                     (size_t)sb.st_size);
    fclose(fp);
    *len = (size_t)sb.st_size;
    return p;
}

static uint32_t
at32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void
test_two_members(void **state)
{
    struct fx *f = *state;
    /* 19 bytes of UTF-8, and 5 */
    struct sr_zip_member m[] = {{"历下区-2026.xlsx", f->a},
                                {"empty", f->b}};
    struct sr_diags d;
    unsigned char *z;
    size_t len;
    char args[512];
    char *out;

    sr_diags_init(&d);
    assert_int_equal(sr_zip_write(f->zip, m, 2, &d), SR_OK);
    assert_int_equal(d.n, 0);
    z = slurp(f->zip, &len);
    /* Two local headers and bytes, two central headers, the end. */
    assert_int_equal(len, (30 + 19 + 6) + (30 + 5 + 0) + (46 + 19) +
                              (46 + 5) + 22);
    assert_int_equal(at32(z), 0x04034b50);
    assert_int_equal(z[6] | z[7] << 8, 0x800);           /* UTF-8 */
    assert_int_equal(z[8] | z[9] << 8, 0);               /* stored */
    assert_int_equal(at32(z + 14), 0x363a3020);          /* crc32 */
    assert_int_equal(at32(z + 18), 6);
    assert_int_equal(at32(z + 22), 6);
    assert_memory_equal(z + 30, "历下区-2026.xlsx", 19);
    assert_memory_equal(z + 49, "hello\n", 6);
    assert_int_equal(at32(z + 55), 0x04034b50);
    assert_int_equal(at32(z + 55 + 14), 0);              /* empty: 0 */
    /* The end record: 2 entries, the directory's size and offset. */
    assert_int_equal(at32(z + len - 22), 0x06054b50);
    assert_int_equal(z[len - 12] | z[len - 11] << 8, 2);
    assert_int_equal(at32(z + len - 10), 46 + 19 + 46 + 5);
    assert_int_equal(at32(z + len - 6), 55 + 35);
    /* Each central header points at its local header. */
    assert_int_equal(at32(z + 90), 0x02014b50);
    assert_int_equal(at32(z + 90 + 42), 0);
    assert_int_equal(at32(z + 155), 0x02014b50);
    assert_int_equal(at32(z + 155 + 42), 55);
    free(z);

    snprintf(args, sizeof(args),
             "-c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
             "print(z.testzip(), z.namelist(), z.read(z.namelist()[0]), "
             "[i.file_size for i in z.infolist()])' %s",
             f->zip);
    out = read_back("", args);
    assert_string_equal(out, "\nNone ['历下区-2026.xlsx', 'empty'] "
                             "b'hello\\n' [6, 0]\n");
    free(out);
    snprintf(args, sizeof(args), "unzip -tq %s >/dev/null", f->zip);
    assert_int_equal(system(args), 0);
    sr_diags_release(&d);
}

static void
test_empty_and_missing(void **state)
{
    struct fx *f = *state;
    struct sr_zip_member m[] = {{"a", f->a}, {"gone", "/nonexistent/x"}};
    struct sr_diags d;
    unsigned char *z;
    size_t len;
    char want[256];

    sr_diags_init(&d);
    assert_int_equal(sr_zip_write(f->zip, m, 0, &d), SR_OK);
    z = slurp(f->zip, &len);
    assert_int_equal(len, 22);
    assert_int_equal(at32(z), 0x06054b50);
    free(z);

    assert_int_equal(sr_zip_write(f->zip, m, 2, &d), SR_ERR_IO);
    assert_int_equal(d.n, 1);
    snprintf(want, sizeof(want),
             "cannot read '/nonexistent/x': No such file or directory");
    assert_string_equal(d.v[0].message, want);
    sr_diags_release(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_missing, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
