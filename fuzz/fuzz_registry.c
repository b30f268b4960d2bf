/*
 * fuzz_registry.c - libFuzzer target for the school registry reader:
 * any bytes go through encoding detection (UTF-8, GB18030 by iconv),
 * the CSV reader, the header and every row check of
 * sr_registry_parse(), in memory and without a database (the districts
 * are Jinan's 16 reporting units, as the schema seeds them).  The input
 * must come back as schools or as diagnostics, never as a crash, a
 * leak or undefined behaviour, and a file that is accepted must hold
 * only what the importer would store: 10-digit unique codes, values in
 * range, boarders consistent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/registry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sr_districts dist;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const units[][2] = {
        {"370102", "历下区"},   {"370103", "市中区"},  {"370104", "槐荫区"},
        {"370105", "天桥区"},   {"370112", "历城区"},  {"370113", "长清区"},
        {"370114", "章丘区"},   {"370115", "济阳区"},  {"370116", "莱芜区"},
        {"370117", "钢城区"},   {"370124", "平阴县"},  {"370126", "商河县"},
        {"370171", "高新区"},   {"JN-NBSQ", "南部山区"},
        {"JN-QBQ", "起步区"},   {"JN-SS", "市属学校"},
    };
    size_t i;

    (void)argc;
    (void)argv;
    sr_districts_init(&dist);
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (sr_districts_add(&dist, units[i][0], units[i][1]) != SR_OK)
            abort();
    return 0;
}

static void
check_school(const struct sr_registry *reg, size_t k)
{
    const struct sr_school_record *r = &reg->v[k];
    const int64_t *a = r->school.attr;
    size_t i;

    if (strlen(r->code) != 10 || strspn(r->code, "0123456789") != 10 ||
        !r->name || !*r->name || !r->district || !r->district_name ||
        !sr_districts_find(&dist, r->district) || r->line < 2 ||
        r->school.set != (1u << SR_ATTR_COUNT) - 1 ||
        a[SR_ATTR_STAGE] < 0 || a[SR_ATTR_STAGE] >= SR_STAGE_COUNT ||
        a[SR_ATTR_OWNERSHIP] < 0 || a[SR_ATTR_OWNERSHIP] > 1 ||
        a[SR_ATTR_LOCALE] < 0 || a[SR_ATTR_LOCALE] > 2 ||
        a[SR_ATTR_BOARDERS] > a[SR_ATTR_ENROLLMENT] ||
        (!a[SR_ATTR_BOARDING] && a[SR_ATTR_BOARDERS]))
        __builtin_trap();
    for (i = SR_ATTR_BOARDING; i <= SR_ATTR_SWIMMING_POOL; i++)
        if (a[i] != 0 && a[i] != 1)
            __builtin_trap();
    for (i = SR_ATTR_ENROLLMENT; i <= SR_ATTR_STAFF; i++)
        if (a[i] < 0 || a[i] > SR_COUNT_MAX)
            __builtin_trap();
    if (a[SR_ATTR_MEAL_DELIVERY] < 0 || a[SR_ATTR_MEAL_DELIVERY] > 1 ||
        a[SR_ATTR_VILLAGE_SCHOOL] < 0 || a[SR_ATTR_VILLAGE_SCHOOL] > 1 ||
        a[SR_ATTR_POPULATION] !=
            a[SR_ATTR_ENROLLMENT] + a[SR_ATTR_STAFF])
        __builtin_trap();
    for (i = 0; i < k; i++)
        if (!strcmp(reg->v[i].code, r->code))
            __builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sr_registry reg;
    struct sr_diags d;
    sr_error rc;
    size_t k;

    sr_registry_init(&reg);
    sr_diags_init(&d);
    rc = sr_registry_parse(&reg, "fuzz.csv", (const char *)data, size, &dist,
                           &d);
    /* Accepted exactly when there is nothing to report. */
    if ((rc == SR_OK) != (d.n == 0) || (rc == SR_OK && reg.bad_rows))
        __builtin_trap();
    if (rc == SR_OK)
        for (k = 0; k < reg.n && k < 200; k++)
            check_school(&reg, k);
    sr_registry_release(&reg);
    sr_diags_release(&d);
    return 0;
}
