/*
 * bench_scoring.c - how fast the engine scores assessments.
 *
 * For every shipped indicator system, builds a pool of synthetic
 * schools (stage, flags and enrollment drawn at random) with complete
 * random answers, then scores the pool round-robin on one core with a
 * single reused result.  Prints assessments per second per system and
 * overall, and the peak resident memory.  Deterministic for a seed.
 *
 * usage: bench_scoring [--dir DIR] [--count N] [--pool K] [--seed S]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "schoolrisk/decimal.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"

#ifndef SR_DEFAULT_INDICATOR_DIR
#define SR_DEFAULT_INDICATOR_DIR "indicators"
#endif

static uint64_t rng_state;

/* splitmix64: small, fast, deterministic. */
static uint64_t
rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned
pick(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
random_school(const struct sr_system *sys, struct sr_school *s)
{
    uint32_t stages = sr_system_stages(sys);
    int st, k = 0, want;

    sr_school_init(s);
    for (st = 0; st < SR_STAGE_COUNT; st++)
        k += (stages >> st) & 1;
    want = (int)pick((unsigned)k);
    for (st = 0; st < SR_STAGE_COUNT; st++)
        if (((stages >> st) & 1) && want-- == 0)
            break;
    s->attr[SR_ATTR_STAGE] = st;
    s->attr[SR_ATTR_OWNERSHIP] = pick(5) == 0;
    s->attr[SR_ATTR_LOCALE] = pick(3);
    s->attr[SR_ATTR_BOARDING] = pick(3) == 0;
    s->attr[SR_ATTR_SCHOOL_BUS] = pick(4) == 0;
    s->attr[SR_ATTR_CANTEEN] = pick(4) != 0;
    s->attr[SR_ATTR_LABORATORY] = pick(2);
    s->attr[SR_ATTR_SWIMMING_POOL] = pick(10) == 0;
    s->attr[SR_ATTR_ENROLLMENT] = 50 + pick(3000);
    s->attr[SR_ATTR_BOARDERS] =
        s->attr[SR_ATTR_BOARDING] ? pick((unsigned)s->attr[SR_ATTR_ENROLLMENT])
                                  : 0;
    s->attr[SR_ATTR_SPECIAL_NEEDS] = pick(4) == 0 ? pick(20) : 0;
    s->set = (1u << SR_ATTR_COUNT) - 1;
}

/* A plausible answer: mostly full marks, sometimes not. */
static void
random_answer(const struct sr_system *sys, const struct sr_item *it,
              char *buf, size_t size)
{
    const struct sr_level *lv = sr_system_levels(sys);
    const struct sr_step *st = sr_system_steps(sys);
    int good = pick(10) < 8;

    if (it->allow_na && pick(20) == 0) {
        snprintf(buf, size, "na");
        return;
    }
    switch (it->method) {
    case SR_METHOD_CHECK:
        snprintf(buf, size, "%s", good ? "pass" : "fail");
        break;
    case SR_METHOD_LEVELS:
        snprintf(buf, size, "%s",
                 lv[it->opt_off + (good ? 0 : pick(it->opt_n))].value);
        break;
    case SR_METHOD_THRESHOLD: {
        int64_t at = st[it->opt_off + pick(it->opt_n)].at;
        char num[32];

        sr_decimal_format(at + (int64_t)pick(20000) - 10000, 4, 0, num,
                          sizeof(num));
        snprintf(buf, size, "%s", num);
        break;
    }
    case SR_METHOD_DEDUCT:
        snprintf(buf, size, "%u", good ? 0 : pick(4));
        break;
    case SR_METHOD_RATIO:
        if (it->req_attr >= 0)
            snprintf(buf, size, "%u", pick(8));
        else
            snprintf(buf, size, "%u/%u", pick(10), 1 + pick(10));
        break;
    default:
        buf[0] = '\0';
    }
}

struct case_ {
    struct sr_school school;
    struct sr_responses resp;
};

int
main(int argc, char **argv)
{
    const char *dir = SR_DEFAULT_INDICATOR_DIR;
    long count = 3000000, pool = 512;
    unsigned long long seed = 1;
    struct sr_catalog *cat = NULL;
    struct sr_diags d;
    struct rusage ru;
    double t_all = 0;
    long n_all = 0, i;
    size_t s, k;
    int a;

    for (a = 1; a + 1 < argc; a += 2) {
        if (!strcmp(argv[a], "--dir"))
            dir = argv[a + 1];
        else if (!strcmp(argv[a], "--count"))
            count = strtol(argv[a + 1], NULL, 10);
        else if (!strcmp(argv[a], "--pool"))
            pool = strtol(argv[a + 1], NULL, 10);
        else if (!strcmp(argv[a], "--seed"))
            seed = strtoull(argv[a + 1], NULL, 10);
    }
    if (count < 1 || pool < 1) {
        fprintf(stderr, "bench_scoring: --count and --pool must be > 0\n");
        return 2;
    }
    rng_state = seed;
    sr_diags_init(&d);
    if (sr_catalog_load_dir(dir, &cat, &d) != SR_OK) {
        fprintf(stderr, "bench_scoring: cannot load '%s'\n", dir);
        return 1;
    }
    printf("scoring benchmark: %ld assessments per system, pool of %ld "
           "synthetic schools each, one core\n\n",
           count, pool);
    printf("%-13s %6s %10s %12s %14s\n", "system", "items", "applicable",
           "seconds", "assessments/s");
    for (s = 0; s < sr_catalog_count(cat); s++) {
        const struct sr_system *sys = sr_catalog_get(cat, s);
        const struct sr_item *items;
        struct case_ *cases = calloc((size_t)pool, sizeof(*cases));
        struct sr_result res;
        size_t n_items;
        long applicable = 0;
        int64_t checksum = 0;
        double t0, t1;

        items = sr_system_items(sys, &n_items);
        if (!cases || sr_result_init(&res, sys) != SR_OK) {
            fprintf(stderr, "bench_scoring: out of memory\n");
            return 3;
        }
        for (i = 0; i < pool; i++) {
            random_school(sys, &cases[i].school);
            if (sr_responses_init(&cases[i].resp, sys) != SR_OK)
                return 3;
            for (k = 0; k < n_items; k++) {
                char v[64];

                if (!sr_item_applies(sys, &items[k], &cases[i].school))
                    continue;
                applicable++;
                random_answer(sys, &items[k], v, sizeof(v));
                if (sr_responses_set(&cases[i].resp, &cases[i].school,
                                     items[k].id, v, NULL, &d, "bench",
                                     0) != SR_OK) {
                    fprintf(stderr, "bench_scoring: bad synthetic answer "
                                    "'%s' for %s\n",
                            v, items[k].id);
                    return 1;
                }
            }
        }
        t0 = now();
        for (i = 0; i < count; i++) {
            struct case_ *c = &cases[i % pool];

            if (sr_score(sys, &c->school, &c->resp, &res) == SR_OK)
                checksum += res.total;
        }
        t1 = now();
        printf("%-13s %6zu %10.1f %12.3f %14.0f\n", sr_system_id(sys),
               n_items, (double)applicable / (double)pool, t1 - t0,
               (double)count / (t1 - t0));
        /* The checksum keeps the loop from being optimised away. */
        if (checksum == -1)
            printf("%lld\n", (long long)checksum);
        t_all += t1 - t0;
        n_all += count;
        sr_result_release(&res);
        for (i = 0; i < pool; i++)
            sr_responses_release(&cases[i].resp);
        free(cases);
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("\noverall: %ld assessments in %.3f s = %.0f assessments/s on "
           "one core\n",
           n_all, t_all, (double)n_all / t_all);
    printf("peak resident memory: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    sr_catalog_free(cat);
    sr_diags_release(&d);
    return 0;
}
