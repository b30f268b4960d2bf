/*
 * fuzz_indicators.c - libFuzzer target for the indicator loader: any
 * bytes go through every gate (size, UTF-8, DOCTYPE, libxml2, schema,
 * semantic checks) and must come back as a system or as diagnostics,
 * never as a crash, a leak or undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>

#include "schoolrisk/indicators.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    sr_system_free(sys);
    sr_diags_release(&d);
    return 0;
}
