/*
 * fuzz_indicators.c - libFuzzer target for the indicator loader: any
 * bytes go through every gate (size, UTF-8, DOCTYPE, libxml2, schema,
 * semantic checks) and must come back as a system or as diagnostics,
 * never as a crash, a leak or undefined behaviour.  A system that loads
 * is also described (choices, conditions) and its conditions evaluated
 * for two schools, which walks format 2's joined conditions.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "schoolrisk/indicators.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const struct sr_system *sys)
{
    const struct sr_item *items;
    struct sr_school a, b;
    size_t n, i;

    sr_school_init(&a);
    sr_school_init(&b);
    b.attr[SR_ATTR_BOARDING] = 1;
    b.attr[SR_ATTR_LOCALE] = 2;
    b.attr[SR_ATTR_ENROLLMENT] = 1500;
    items = sr_system_items(sys, &n);
    for (i = 0; i < n; i++) {
        char *ch = sr_item_choices(sys, &items[i]);
        char *w = sr_conds_format(sys, items[i].cond_off, items[i].cond_n);
        long fa = sr_item_failing_cond(sys, &items[i], &a);

        if ((fa < 0) != sr_item_applies(sys, &items[i], &a))
            __builtin_trap();
        (void)sr_item_applies(sys, &items[i], &b);
        free(ch);
        free(w);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sr_diags d;
    struct sr_system *sys = NULL;
    sr_error rc;

    sr_diags_init(&d);
    rc = sr_system_load_memory("fuzz.xml", (const char *)data, size, &sys,
                               &d);
    /* A system is returned exactly when there is nothing to report. */
    if ((rc == SR_OK) != (sys != NULL) || (rc == SR_OK && d.n != 0))
        __builtin_trap();
    if (sys)
        walk(sys);
    sr_system_free(sys);
    sr_diags_release(&d);
    return 0;
}
