/*
 * bench_registry.c - how fast the school registry imports.
 *
 * Generates a registry CSV of N schools (default 40,000: more than the
 * bureau's ~3,000, a province-sized file) spread over the 16 reporting
 * units, stages and attributes, and imports it into a database in a
 * temporary directory (removed at the end) four times:
 *
 *   1. into the empty database (every school added);
 *   2. the same file again (every school read back, compared, unchanged);
 *   3. the file converted to GB18030 (conversion, then unchanged);
 *   4. a full import with 1% of the schools changed and 1% left out
 *      (updated, unchanged and closed).
 *
 * Each run is the whole library path, sr_registry_import_memory():
 * encoding detection, CSV, checking every row, one transaction with
 * synchronous=FULL.  Prints rows per second per run and the peak
 * resident memory.  The file is the same on every run.
 *
 * --db DB imports into DB instead: a PostgreSQL URI (postgresql://...)
 * naming an empty database (tests/pg/newdb.sh makes one; the schema is
 * created in it), or the path of a SQLite file that does not exist yet.
 * DB is kept afterwards.  On PostgreSQL the peak RSS is the client's;
 * the server's work shows in the times.
 *
 * usage: bench_registry [--count N] [--db DB]
 */
#include <errno.h>
#include <stdarg.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growable text. */
struct text {
    char *p;
    size_t len, cap;
};

static void
put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            fprintf(stderr, "bench_registry: vsnprintf failed\n");
            exit(3);
        }
        if ((size_t)n < t->cap - t->len)
            break;
        t->cap = t->cap * 2 + (size_t)n + 1;
        t->p = realloc(t->p, t->cap);
        if (!t->p) {
            fprintf(stderr, "bench_registry: out of memory\n");
            exit(3);
        }
    }
    t->len += (size_t)n;
}

static const char *const districts[] = {
    "历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区",
    "章丘区", "济阳区", "莱芜区", "钢城区", "平阴县", "商河县",
    "高新区", "南部山区", "起步区", "市属学校"};
static const char *const stages[] = {
    "幼儿园", "小学", "初中", "普通高中", "九年一贯制",
    "完全中学", "十二年一贯制", "中等职业学校", "特殊教育学校"};
static const char *const kinds[] = {
    "幼儿园", "小学", "中学", "高级中学", "学校", "中学", "学校",
    "职业中等专业学校", "特殊教育学校"};
static const char *const locales[] = {"城区", "镇区", "乡村"};

/* The registry: school i of n; variant != 0 changes 1% of the schools
 * and leaves out another 1%. */
static void
generate(struct text *t, long n, int variant)
{
    long i;

    t->len = 0;
    put(t, "\xEF\xBB\xBF学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,"
           "食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,"
           "联系电话\r\n");
    for (i = 1; i <= n; i++) {
        unsigned d = (unsigned)(i % 16), st = (unsigned)(i % 9);
        unsigned boarding = i % 5 == 0;
        long enrol = 60 + (long)((i * 7919) % 2900);
        long boarders = boarding ? enrol / 3 : 0;

        if (variant && i % 100 == 50)
            continue;
        if (variant && i % 100 == 7)
            enrol += 10;
        put(t, "37%08ld,济南市%s第%ld%s,%s,%s,%s,%s,%s,%s,是,%s,%s,%ld,%ld,"
               "%ld,张老师,0531-8%07ld\r\n",
            i, districts[d], i, kinds[st], districts[d], stages[st],
            i % 7 == 0 ? "民办" : "公办", locales[i % 3],
            boarding ? "是" : "否", i % 4 == 0 ? "是" : "否",
            st >= 2 ? "是" : "否", i % 10 == 0 ? "是" : "否", enrol,
            boarders, (long)(i % 13), i % 10000000);
    }
}

static char *
to_gb18030(const struct text *t, size_t *out_len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char *out, *in = t->p + 3, *o; /* without the BOM */
    size_t inleft = t->len - 3, oleft = t->len, cap = t->len;

    if (cd == (iconv_t)-1)
        return NULL;
    out = malloc(cap);
    if (!out)
        return NULL;
    o = out;
    if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    *out_len = (size_t)(o - out);
    return out;
}

static int
run(struct sr_store *st, const char *what, const char *buf, size_t len,
    int flags, long expect_rows)
{
    struct sr_import_report rep;
    struct sr_diags d;
    double t0, dt;
    sr_error rc;

    sr_diags_init(&d);
    t0 = now();
    rc = sr_registry_import_memory(st, "bench.csv", buf, len, flags, &rep,
                                   &d);
    dt = now() - t0;
    if (rc != SR_OK) {
        char line[512];

        fprintf(stderr, "bench_registry: %s failed: %s\n", what,
                d.n ? "" : sr_store_errmsg(st));
        if (d.n) {
            sr_diag_format(&d.v[0], line, sizeof(line));
            fprintf(stderr, "  %s\n", line);
        }
        sr_diags_release(&d);
        return 1;
    }
    sr_diags_release(&d);
    if ((long)rep.rows != expect_rows) {
        fprintf(stderr, "bench_registry: %s read %zu rows, not %ld\n", what,
                rep.rows, expect_rows);
        return 1;
    }
    printf("  %-34s %7.3f s %9.0f rows/s   (%zu added, %zu updated, "
           "%zu unchanged, %zu closed; %s)\n",
           what, dt, (double)rep.rows / dt, rep.added, rep.updated,
           rep.unchanged, rep.closed,
           sr_registry_encoding_name(rep.encoding));
    return 0;
}

int
main(int argc, char **argv)
{
    struct text t = {NULL, 0, 0};
    struct sr_store *st = NULL;
    struct rusage ru;
    char dir[] = "/tmp/sr-bench-registry.XXXXXX", path[1024], aux[1040];
    const char *db = NULL;
    char *gb = NULL;
    size_t gb_len = 0;
    long count = 40000, changed;
    char *end = NULL;
    int ex = 1, i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--count") && i + 1 < argc) {
            errno = 0;
            count = strtol(argv[++i], &end, 10);
            if (errno || *end)
                count = 0;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            db = argv[++i];
        } else {
            count = 0;
            break;
        }
    }
    if (count < 100 || count > 99999999) {
        fprintf(stderr, "usage: bench_registry [--count N (100..99999999)]"
                        " [--db DB (an empty PostgreSQL database, or a new"
                        " SQLite file)]\n");
        return 2;
    }
    if (db) {
        if (strncmp(db, "postgresql://", 13) &&
            strncmp(db, "postgres://", 11) && access(db, F_OK) == 0) {
            fprintf(stderr, "bench_registry: %s exists: give a new file\n",
                    db);
            return 2;
        }
        snprintf(path, sizeof(path), "%s", db);
    } else {
        if (!mkdtemp(dir)) {
            fprintf(stderr, "bench_registry: mkdtemp: %s\n",
                    strerror(errno));
            return 3;
        }
        snprintf(path, sizeof(path), "%s/bench.db", dir);
    }
    if (sr_store_open(path, SR_STORE_CREATE, &st) != SR_OK ||
        sr_store_set_actor(st, "bench") != SR_OK) {
        fprintf(stderr, "bench_registry: %s\n", sr_store_errmsg(st));
        goto cleanup;
    }
    generate(&t, count, 0);
    printf("registry import: %ld schools, %.1f MiB of CSV, database %s\n",
           count, (double)t.len / (1 << 20), path);
    if (run(st, "1. empty database, all added", t.p, t.len, 0, count) ||
        run(st, "2. same file, all unchanged", t.p, t.len, 0, count))
        goto cleanup;
    gb = to_gb18030(&t, &gb_len);
    if (!gb) {
        fprintf(stderr, "bench_registry: cannot convert to GB18030\n");
        goto cleanup;
    }
    if (run(st, "3. same file in GB18030, unchanged", gb, gb_len, 0, count))
        goto cleanup;
    generate(&t, count, 1);
    changed = count - count / 100 - (count % 100 >= 50);
    if (run(st, "4. full, 1% changed, 1% left out", t.p, t.len,
            SR_IMPORT_FULL, changed))
        goto cleanup;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    ex = 0;

cleanup:
    sr_store_close(st);
    free(gb);
    free(t.p);
    if (db)
        return ex;
    snprintf(aux, sizeof(aux), "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof(aux), "%s-shm", path);
    unlink(aux);
    unlink(path);
    rmdir(dir);
    return ex;
}
