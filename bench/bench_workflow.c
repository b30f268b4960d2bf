/*
 * bench_workflow.c - the database workflow at city scale.
 *
 * In a fresh database in a temporary directory: store the shipped
 * indicator systems, import a synthetic registry of N schools (all nine
 * stages, random attributes), create one draft per school, import a
 * complete random responses file into each, and submit them all.  Prints
 * the rate of each step and the peak resident memory.  Every write is a
 * real transaction with synchronous=FULL, as in production.
 *
 * usage: bench_workflow [--schools N] [--seed S] [--dir INDICATORS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/audit.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

#ifndef SR_DEFAULT_INDICATOR_DIR
#define SR_DEFAULT_INDICATOR_DIR "indicators"
#endif

static uint64_t rng = 1;

static unsigned
pick(unsigned n)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (unsigned)((z ^ (z >> 31)) % n);
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(struct sr_store *st, const char *what, sr_error rc)
{
    fprintf(stderr, "bench_workflow: %s: %s (%s)\n", what,
            st ? sr_store_errmsg(st) : "", sr_strerror(rc));
    exit(1);
}

/* A registry CSV of n schools in memory. */
static char *
make_registry(long n, size_t *len)
{
    static const char *const stages[] = {
        "幼儿园", "小学", "初中", "普通高中", "九年一贯制", "完全中学",
        "十二年一贯制", "中等职业学校", "特殊教育学校"};
    static const char *const weights = "00000000111111112222333456778";
    static const char *const districts[] = {
        "历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区",
        "章丘区", "济阳区", "莱芜区", "钢城区", "平阴县", "商河县"};
    static const char *const locale[] = {"城区", "镇区", "乡村"};
    size_t cap = (size_t)n * 200 + 512, used;
    char *buf = malloc(cap);
    long i;

    if (!buf)
        return NULL;
    used = (size_t)snprintf(buf, cap,
                            "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,"
                            "校车,食堂,实验室,游泳池,在校生数,住宿生数,"
                            "特殊需要学生数\n");
    for (i = 0; i < n; i++) {
        int st = weights[pick((unsigned)strlen(weights))] - '0';
        int boarding = pick(4) == 0;
        unsigned enr = 80 + pick(2800);

        used += (size_t)snprintf(buf + used, cap - used,
                                 "37%08ld,济南市第%ld学校,%s,%s,%s,%s,%s,%s,"
                                 "%s,%s,%s,%u,%u,%u\n",
                                 i + 1, i + 1, districts[pick(12)], stages[st],
                                 pick(5) ? "公办" : "民办", locale[pick(3)],
                                 boarding ? "是" : "否",
                                 pick(4) ? "否" : "是", pick(5) ? "是" : "否",
                                 st ? (pick(3) ? "是" : "否") : "否",
                                 pick(10) ? "否" : "是", enr,
                                 boarding ? pick(enr) : 0u,
                                 pick(4) ? 0u : pick(10));
    }
    *len = used;
    return buf;
}

/* A complete random responses file for assessment id. */
static int
write_responses(struct sr_store *st, int64_t id, const char *path)
{
    struct sr_assess_ctx ctx;
    struct sr_diags d;
    const struct sr_item *items;
    const struct sr_level *lv;
    const struct sr_step *steps;
    size_t n, i;
    FILE *f;

    sr_diags_init(&d);
    if (sr_assess_open(st, id, &ctx, &d) != SR_OK)
        return -1;
    f = fopen(path, "w");
    if (!f) {
        sr_assess_ctx_release(&ctx);
        return -1;
    }
    fputs("item,value,note\n", f);
    items = sr_system_items(ctx.sys, &n);
    lv = sr_system_levels(ctx.sys);
    steps = sr_system_steps(ctx.sys);
    for (i = 0; i < n; i++) {
        const struct sr_item *it = &items[i];
        int good = pick(10) < 9;
        char num[32];

        if (!sr_item_applies(ctx.sys, it, &ctx.school.school))
            continue;
        fprintf(f, "%s,", it->id);
        switch (it->method) {
        case SR_METHOD_CHECK:
            fputs(good ? "pass" : "fail", f);
            break;
        case SR_METHOD_LEVELS:
            fputs(lv[it->opt_off + (good ? 0 : pick(it->opt_n))].value, f);
            break;
        case SR_METHOD_THRESHOLD:
            sr_decimal_format(steps[it->opt_off + pick(it->opt_n)].at, 4, 0,
                              num, sizeof(num));
            fputs(num, f);
            break;
        case SR_METHOD_DEDUCT:
            fprintf(f, "%u", good ? 0 : 1 + pick(3));
            break;
        default:
            if (it->req_attr >= 0)
                fprintf(f, "%u", 1 + pick(6));
            else
                fprintf(f, "%u/%u", 5 + pick(6), 10u);
        }
        fputs(good ? ",\n" : ",现场检查发现问题\n", f);
    }
    fclose(f);
    sr_assess_ctx_release(&ctx);
    sr_diags_release(&d);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *ind = SR_DEFAULT_INDICATOR_DIR;
    long n = 3000, i;
    char dir[] = "/tmp/sr-bench-XXXXXX", db[64], csv[64], path[300];
    struct sr_import_report rep;
    struct sr_audit_report ar;
    struct sr_store *st = NULL;
    struct sr_diags d;
    struct rusage ru;
    int64_t *ids;
    double t0, t1;
    size_t len, hazards = 0;
    char *reg;
    sr_error rc;
    int a;

    for (a = 1; a + 1 < argc; a += 2) {
        if (!strcmp(argv[a], "--schools"))
            n = strtol(argv[a + 1], NULL, 10);
        else if (!strcmp(argv[a], "--seed"))
            rng = strtoull(argv[a + 1], NULL, 10);
        else if (!strcmp(argv[a], "--dir"))
            ind = argv[a + 1];
    }
    if (n < 1 || !mkdtemp(dir))
        return 2;
    snprintf(db, sizeof(db), "%s/b.db", dir);
    snprintf(csv, sizeof(csv), "%s/r.csv", dir);
    sr_diags_init(&d);
    rc = sr_store_open(db, SR_STORE_CREATE, &st);
    if (rc != SR_OK)
        die(st, "open", rc);
    sr_store_set_actor(st, "bench");
    printf("workflow benchmark: %ld schools, database %s "
           "(WAL, synchronous=FULL)\n\n",
           n, db);
    for (i = 0; i < 6; i++) {
        static const char *const sys[] = {"kindergarten", "primary",
                                          "junior",       "senior",
                                          "vocational",   "special"};
        enum sr_load_outcome out;

        snprintf(path, sizeof(path), "%s/%s.xml", ind, sys[i]);
        rc = sr_store_load_system_file(st, path, &out, &d);
        if (rc != SR_OK)
            die(st, path, rc);
    }
    reg = make_registry(n, &len);
    if (!reg)
        die(st, "registry", SR_ERR_NOMEM);
    t0 = now();
    rc = sr_registry_import_memory(st, "bench.csv", reg, len, 0, &rep, &d);
    t1 = now();
    free(reg);
    if (rc != SR_OK)
        die(st, d.n ? d.v[0].message : "registry import", rc);
    printf("registry import   %8ld schools  %8.3f s  %10.0f schools/s\n", n,
           t1 - t0, (double)n / (t1 - t0));

    ids = calloc((size_t)n, sizeof(*ids));
    if (!ids)
        die(st, "ids", SR_ERR_NOMEM);
    t0 = now();
    for (i = 0; i < n; i++) {
        char code[32];

        snprintf(code, sizeof(code), "37%08ld", i + 1);
        rc = sr_assess_new(st, code, NULL, NULL, &ids[i]);
        if (rc != SR_OK)
            die(st, "assess new", rc);
        if (write_responses(st, ids[i], csv) != 0)
            die(st, "responses", SR_ERR_IO);
        rc = sr_assess_import(st, ids[i], csv, &d);
        if (rc != SR_OK)
            die(st, d.n ? d.v[0].message : "assess import", rc);
    }
    t1 = now();
    printf("draft + answers   %8ld drafts   %8.3f s  %10.0f drafts/s\n", n,
           t1 - t0, (double)n / (t1 - t0));
    t0 = now();
    for (i = 0; i < n; i++) {
        struct sr_submit_report sub;

        rc = sr_assess_submit(st, ids[i], &d, &sub);
        if (rc != SR_OK)
            die(st, d.n ? d.v[0].message : "submit", rc);
        hazards += sub.hazards_new;
    }
    t1 = now();
    printf("submission        %8ld submits  %8.3f s  %10.0f submissions/s "
           "(%zu hazards raised)\n",
           n, t1 - t0, (double)n / (t1 - t0), hazards);
    t0 = now();
    rc = sr_audit_verify(st, &ar);
    t1 = now();
    if (rc != SR_OK || !ar.ok)
        die(st, "audit verify", rc);
    printf("audit verify      %8lld records  %8.3f s  %10.0f records/s\n",
           (long long)ar.records, t1 - t0, (double)ar.records / (t1 - t0));
    getrusage(RUSAGE_SELF, &ru);
    printf("\npeak resident memory: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    free(ids);
    sr_store_close(st);
    sr_diags_release(&d);
    snprintf(path, sizeof(path), "%s-wal", db);
    unlink(path);
    snprintf(path, sizeof(path), "%s-shm", db);
    unlink(path);
    unlink(db);
    unlink(csv);
    rmdir(dir);
    return 0;
}
