/*
 * bench_plan.c - how long an inspection plan takes to make, and how much
 * memory, at city and province scale (issue 12: < 1 s for 3,000 schools
 * and 200 experts, < 10 s for 40,000 schools and 2,000 experts).
 *
 * For each scale, in a fresh database in a temporary directory: store
 * the shipped indicator systems and import a synthetic registry through
 * the library; then, as a fixture written with plain SQLite (creating
 * 2,000 users through the library would hash 2,000 passwords with
 * Argon2, minutes of setup and nothing to do with planning), give 3 in
 * 4 schools a submitted inspection of the last 20 months (a band of its
 * system, 1 in 20 vetoed), 1 in 25 an open major hazard (half of them
 * overdue), and add the experts (a user each, 1 to 3 specialities,
 * certified through 2028, 1 in 10 working at a school).  The plan for
 * the whole city, 2026Q4, 10% of the schools and 50% of the experts
 * drawn, is then made in a child process of its own (this program run
 * again with --plan), so that its peak resident memory is the
 * planning's alone: open the store, sr_plan_create() (read the
 * registry, the inspections, the hazards and the experts, draw, order,
 * assign, write), then sr_plan_get() (read it back).  The child prints
 * the times and getrusage()'s peak.
 *
 * usage: bench_plan [--dir INDICATORS]
 *        bench_plan --plan DB   (the child)
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/plans.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

#ifndef SR_DEFAULT_INDICATOR_DIR
#define SR_DEFAULT_INDICATOR_DIR "indicators"
#endif

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)

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
die(struct sr_store *st, const char *what)
{
    fprintf(stderr, "bench_plan: %s: %s\n", what,
            st ? sr_store_errmsg(st) : "");
    exit(1);
}

/* A registry CSV of n schools in memory (bench_workflow's mix). */
static char *
make_registry(long n, size_t *len)
{
    static const char *const stages[] = {
        "幼儿园", "小学", "初中", "普通高中", "九年一贯制", "完全中学",
        "十二年一贯制", "中等职业学校", "特殊教育学校"};
    static const char *const weights = "00000000111111112222333456778";
    static const char *const districts[] = {
        "历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区",
        "章丘区", "济阳区", "莱芜区", "钢城区", "平阴县", "商河县",
        "高新区", "南部山区", "起步区", "市属学校"};
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
                                 "37%08ld,第%ld学校,%s,%s,公办,城区,%s,%s,"
                                 "%s,%s,%s,%u,%u,%u\n",
                                 i + 1, i + 1, districts[pick(16)], stages[st],
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

static void
exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench_plan: %s\n", err ? err : "sqlite");
        exit(1);
    }
}

/* The fixture's inspections, hazards and experts (see the file
 * comment), by plain SQL. */
static void
fixture(const char *path, long schools, int experts)
{
    static const char *const specs[] = {
        "fire", "food", "building", "traffic", "lab_chemicals",
        "psychology", "special_education", "school_bus", "swimming",
        "general"};
    static const char *const districts[] = {
        "370102", "370103", "370104", "370105", "370112", "370113",
        "370114", "370115", "370116", "370117", "370124", "370126",
        "370171", "JN-NBSQ", "JN-QBQ", "JN-SS"};
    static const char *const bands[][2] = {{"low", "低风险"},
                                           {"general", "一般风险"},
                                           {"elevated", "较大风险"},
                                           {"major", "重大风险"}};
    sqlite3_stmt *a, *h, *u, *x;
    sqlite3 *db;
    long i;
    int k;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        die(NULL, "fixture");
    exec_sql(db, "BEGIN");
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO assessments(school, system_id, "
                           "system_version, assessed_on, inspector, status, "
                           "created_at, created_by, kind, total, band, "
                           "band_label, compliant, vetoed) SELECT s.code, "
                           "y.id, y.version, ?2, 'bench', 'submitted', "
                           "'2026-01-01T00:00:00Z', 'bench', 'inspection', "
                           "8000, ?3, ?4, 1, ?5 FROM schools s JOIN systems y "
                           "ON instr(',' || y.stages || ',', ',' || s.stage "
                           "|| ',') > 0 WHERE s.code = ?1 LIMIT 1",
                           -1, &a, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO hazards(school, level, description, "
                           "status, found_on, found_by, deadline) VALUES "
                           "(?1, 'major', '重大隐患', 'rectifying', "
                           "'2026-06-01', 'bench', ?2)",
                           -1, &h, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO users(login, name, password_hash, "
                           "password_set_at, created_at, created_by) VALUES "
                           "(?1, ?1, 'x', '2026-01-01T00:00:00Z', "
                           "'2026-01-01T00:00:00Z', 'bench')",
                           -1, &u, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO experts(user, unit, district, "
                           "specialities, trained_on, certified_on, "
                           "expires_on, status, updated_at, updated_by) "
                           "VALUES (?1, ?2, ?3, ?4, '2025-12-01', "
                           "'2026-01-01', '2028-12-31', 'active', "
                           "'2026-01-01T00:00:00Z', 'bench')",
                           -1, &x, NULL) != SQLITE_OK)
        die(NULL, sqlite3_errmsg(db));
    for (i = 0; i < schools; i++) {
        char code[32], on[16];
        unsigned b = pick(4);

        snprintf(code, sizeof(code), "37%08ld", i + 1);
        if (pick(4)) {
            /* 2025-01-01 .. 2026-08-28: some expire in the period. */
            snprintf(on, sizeof(on), "%04u-%02u-%02u", 2025 + pick(2),
                     1 + pick(12), 1 + pick(28));
            if (strcmp(on, "2026-09-01") > 0)
                memcpy(on, "2026-08", 7);
            sqlite3_bind_text(a, 1, code, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(a, 2, on, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(a, 3, bands[b][0], -1, SQLITE_STATIC);
            sqlite3_bind_text(a, 4, bands[b][1], -1, SQLITE_STATIC);
            sqlite3_bind_int(a, 5, pick(20) == 0);
            if (sqlite3_step(a) != SQLITE_DONE)
                die(NULL, sqlite3_errmsg(db));
            sqlite3_reset(a);
        }
        if (pick(25) == 0) {
            sqlite3_bind_text(h, 1, code, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(h, 2, pick(2) ? "2026-08-01" : "2026-12-01",
                              -1, SQLITE_STATIC);
            if (sqlite3_step(h) != SQLITE_DONE)
                die(NULL, sqlite3_errmsg(db));
            sqlite3_reset(h);
        }
    }
    for (k = 0; k < experts; k++) {
        char login[32], unit[32], sp[96];
        unsigned n = 1 + pick(3), j;

        snprintf(login, sizeof(login), "expert%04d", k);
        if (pick(10) == 0)
            snprintf(unit, sizeof(unit), "37%08u", 1 + pick((unsigned)schools));
        else
            snprintf(unit, sizeof(unit), "单位%d", k);
        sp[0] = '\0';
        for (j = 0; j < n; j++) {
            const char *s = specs[pick(10)];

            if (!strstr(sp, s))
                snprintf(sp + strlen(sp), sizeof(sp) - strlen(sp), "%s%s",
                         sp[0] ? "," : "", s);
        }
        sqlite3_bind_text(u, 1, login, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(u) != SQLITE_DONE)
            die(NULL, sqlite3_errmsg(db));
        sqlite3_reset(u);
        sqlite3_bind_int64(x, 1, sqlite3_last_insert_rowid(db));
        sqlite3_bind_text(x, 2, unit, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(x, 3, districts[pick(16)], -1, SQLITE_STATIC);
        sqlite3_bind_text(x, 4, sp, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(x) != SQLITE_DONE)
            die(NULL, sqlite3_errmsg(db));
        sqlite3_reset(x);
    }
    sqlite3_finalize(a);
    sqlite3_finalize(h);
    sqlite3_finalize(u);
    sqlite3_finalize(x);
    exec_sql(db, "COMMIT");
    sqlite3_close(db);
}

/* The child: make the plan for the city and read it back. */
static int
plan(const char *path)
{
    struct sr_plan_in in = {.period = "2026Q4", .school_share = 100,
                            .expert_share = 500, .has_seed = true,
                            .seed = 20261001};
    struct sr_store *st = NULL;
    struct sr_plan p;
    struct rusage ru;
    double t0, t1, t2;
    int64_t id = 0;

    if (sr_store_open(path, 0, &st) != SR_OK)
        die(st, "open");
    sr_store_set_clock(st, CLOCK);
    sr_store_set_actor(st, "bench");
    t0 = now();
    if (sr_plan_create(st, &in, NULL, &id) != SR_OK)
        die(st, "plan create");
    t1 = now();
    if (sr_plan_get(st, id, NULL, &p) != SR_OK)
        die(st, "plan get");
    t2 = now();
    getrusage(RUSAGE_SELF, &ru);
    printf("  plan create %7.3f s  (%zu mandatory + %zu drawn of %zu; %zu "
           "of %zu experts; %zu unassigned)\n",
           t1 - t0, p.n_mandatory, p.n_drawn, p.pool_schools, p.n_experts,
           p.pool_experts, p.n_unassigned);
    printf("  plan read   %7.3f s\n", t2 - t1);
    printf("  peak resident memory of the planning process: %.1f MB\n",
           (double)ru.ru_maxrss / 1024.0);
    sr_plan_release(&p);
    sr_store_close(st);
    return 0;
}

/* Build one scale and plan it in a child. */
static void
scale(const char *self, const char *ind, const char *dir, long schools,
      int experts)
{
    static const char *const sys[] = {"kindergarten", "primary", "junior",
                                      "senior", "vocational", "special"};
    char db[96], path[300];
    struct sr_import_report rep;
    struct sr_store *st = NULL;
    struct sr_diags d;
    double t0;
    size_t len;
    char *reg;
    pid_t pid;
    int i, status;

    snprintf(db, sizeof(db), "%s/plan-%ld.db", dir, schools);
    sr_diags_init(&d);
    if (sr_store_open(db, SR_STORE_CREATE, &st) != SR_OK)
        die(st, "open");
    sr_store_set_clock(st, CLOCK);
    sr_store_set_actor(st, "bench");
    t0 = now();
    for (i = 0; i < 6; i++) {
        enum sr_load_outcome out;

        snprintf(path, sizeof(path), "%s/%s.xml", ind, sys[i]);
        if (sr_store_load_system_file(st, path, &out, &d) != SR_OK)
            die(st, path);
    }
    reg = make_registry(schools, &len);
    if (!reg || sr_registry_import_memory(st, "bench.csv", reg, len, 0, &rep,
                                          &d) != SR_OK)
        die(st, "registry");
    free(reg);
    sr_store_close(st);
    sr_diags_release(&d);
    fixture(db, schools, experts);
    printf("%ld schools, %d experts (built in %.1f s):\n", schools, experts,
           now() - t0);
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die(NULL, "fork");
    if (pid == 0) {
        execl(self, self, "--plan", db, (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status))
        die(NULL, "the planning process failed");
    for (i = 0; i < 3; i++) {
        static const char *const ext[] = {"", "-wal", "-shm"};

        snprintf(path, sizeof(path), "%s%s", db, ext[i]);
        unlink(path);
    }
}

int
main(int argc, char **argv)
{
    const char *ind = SR_DEFAULT_INDICATOR_DIR;
    char dir[] = "/tmp/sr-bench-plan-XXXXXX", self[4096];
    ssize_t n;
    int a;

    if (argc == 3 && !strcmp(argv[1], "--plan"))
        return plan(argv[2]);
    for (a = 1; a + 1 < argc; a += 2)
        if (!strcmp(argv[a], "--dir"))
            ind = argv[a + 1];
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0 || !mkdtemp(dir))
        return 2;
    self[n] = '\0';
    printf("inspection plan benchmark: the whole city, 2026Q4, 10%% of the "
           "schools and 50%% of the experts drawn\n\n");
    scale(self, ind, dir, 3000, 200);
    scale(self, ind, dir, 40000, 2000);
    rmdir(dir);
    return 0;
}
