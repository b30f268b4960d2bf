/*
 * test_regress.c - one test per bug fixed, each failing before its fix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/indicators.h"

/* sr_system_load_memory() searched for "<!DOCTYPE" with strstr(), reading
 * past the end of a buffer that is not NUL-terminated (found by
 * fuzz_indicators on an empty input; ASan: heap-buffer-overflow). */
static void
test_load_memory_unterminated(void **state)
{
    static const char text[] = "<system xmlns=\"urn:schoolrisk:indicators:1\"";
    struct sr_diags d;
    struct sr_system *sys = NULL;
    char *buf;
    size_t n = sizeof(text) - 1;

    (void)state;
    /* Exactly n bytes, no terminator: ASan flags any read past them. */
    buf = malloc(n);
    assert_non_null(buf);
    memcpy(buf, text, n);
    sr_diags_init(&d);
    assert_int_equal(sr_system_load_memory("cut.xml", buf, n, &sys, &d),
                     SR_ERR_INPUT);
    assert_null(sys);
    assert_true(d.n >= 1);
    assert_int_equal(sr_system_load_memory("empty.xml", buf, 0, &sys, &d),
                     SR_ERR_INPUT);
    sr_diags_release(&d);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_memory_unterminated),
    };

    return cmocka_run_group_tests_name("regress", tests, NULL, NULL);
}
