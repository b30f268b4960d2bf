/*
 * fuzz_responses.c - libFuzzer target for the responses CSV parser and
 * the scoring that follows it, against tests/fixtures/mini.xml for a
 * school to which every item applies, and against the format-2 table
 * tests/fixtures/fmt2/table.xml (level points, prerequisites worth 0,
 * joined conditions, answers by deduction reason).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "schoolrisk/indicators.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sr_system *systems[2];
static struct sr_school school;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct sr_diags d;

    (void)argc;
    (void)argv;
    sr_diags_init(&d);
    if (sr_system_load_file(SR_FIXTURES "/mini.xml", &systems[0], &d) !=
            SR_OK ||
        sr_system_load_file(SR_FIXTURES "/fmt2/table.xml", &systems[1],
                            &d) != SR_OK)
        abort();
    sr_diags_release(&d);
    sr_school_init(&school);
    school.attr[SR_ATTR_STAGE] = SR_STAGE_PRIMARY;
    school.attr[SR_ATTR_BOARDING] = 1;
    school.attr[SR_ATTR_SCHOOL_BUS] = 1;
    school.attr[SR_ATTR_CANTEEN] = 1;
    school.attr[SR_ATTR_ENROLLMENT] = 1200;
    school.set = 0x1ff;
    return 0;
}

static void
one(const struct sr_system *sys, const uint8_t *data, size_t size)
{
    struct sr_diags d;
    struct sr_responses r;
    struct sr_result res;

    sr_diags_init(&d);
    if (sr_responses_init(&r, sys) != SR_OK)
        return;
    if (sr_responses_parse(&r, &school, "fuzz.csv", (const char *)data, size,
                           &d) == SR_OK &&
        sr_result_init(&res, sys) == SR_OK) {
        if (sr_score(sys, &school, &r, &res) == SR_OK &&
            (res.total < 0 || res.total > 10000 || res.earned > res.max))
            __builtin_trap();
        sr_result_release(&res);
    }
    sr_responses_release(&r);
    sr_diags_release(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(systems[0], data, size);
    one(systems[1], data, size);
    return 0;
}
