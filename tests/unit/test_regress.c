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

/* A non-integer requirement step 'from' was reported as "must be a
 * number with at most 0 decimals"; it now says what it means. */
static void
test_whole_number_message(void **state)
{
    static const char xml[] =
        "<system xmlns=\"urn:schoolrisk:indicators:1\" id=\"w\" "
        "version=\"1\" title=\"w\">\n"
        "<stages><stage>primary</stage></stages>\n"
        "<grading pass=\"80\" valid-months=\"12\">"
        "<band id=\"a\" label=\"a\" colour=\"blue\" min=\"90\"/>"
        "<band id=\"b\" label=\"b\" colour=\"red\" min=\"0\"/>"
        "</grading>\n"
        "<dimension id=\"D\" title=\"d\"><indicator id=\"I\" title=\"i\">\n"
        "<item id=\"g\" points=\"1\" method=\"ratio\" "
        "baseline=\"guards\"><title>t</title><ratio>"
        "<required attr=\"enrollment\">\n"
        "<step from=\"0\" value=\"1\"/>\n"
        "<step from=\"1.5\" value=\"2\"/></required></ratio></item>\n"
        "<item id=\"c\" points=\"1\" method=\"check\" "
        "baseline=\"closed-campus\"><title>t</title></item>\n"
        "<item id=\"v\" points=\"1\" method=\"check\" "
        "baseline=\"alarm-video\"><title>t</title></item>\n"
        "<item id=\"p\" points=\"1\" method=\"check\" "
        "baseline=\"protection-posts\"><title>t</title></item>\n"
        "</indicator></dimension></system>\n";
    struct sr_diags d;
    struct sr_system *sys = NULL;
    char buf[256];

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(sr_system_load_memory("w.xml", xml, sizeof(xml) - 1,
                                           &sys, &d),
                     SR_ERR_INPUT);
    assert_int_equal(d.n, 1);
    sr_diag_format(&d.v[0], buf, sizeof(buf));
    assert_string_equal(buf, "w.xml:7: item 'g': step 'from' must be a "
                             "whole number (got '1.5')");
    sr_diags_release(&d);
}

/* A system with no id at all (here a dimension without its id
 * attribute, which the schema reports) sorted an empty id list with
 * qsort(NULL, 0, ...): undefined behaviour, glibc declares the pointer
 * nonnull (found by fuzz_indicators; UBSan: null pointer passed as
 * argument 1). */
static void
test_no_ids_at_all(void **state)
{
    static const char xml[] =
        "<system xmlns=\"urn:schoolrisk:indicators:1\" id=\"n\" "
        "version=\"1\" title=\"n\">\n"
        "<stages><stage>primary</stage></stages>\n"
        "<grading pass=\"80\" valid-months=\"12\">"
        "<band id=\"a\" label=\"a\" colour=\"blue\" min=\"0\"/>"
        "</grading>\n"
        "<dimension title=\"d\"></dimension>\n"
        "</system>\n";
    struct sr_diags d;
    struct sr_system *sys = NULL;
    char buf[256];
    size_t i;
    int found = 0;

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(sr_system_load_memory("n.xml", xml, sizeof(xml) - 1,
                                           &sys, &d),
                     SR_ERR_INPUT);
    assert_null(sys);
    assert_int_equal(d.n, 7);
    for (i = 0; i < d.n; i++) {
        sr_diag_format(&d.v[i], buf, sizeof(buf));
        found += !strcmp(buf, "n.xml:4: does not match the schema: Element "
                              "'dimension': The attribute 'id' is required "
                              "but missing. (in system 'n')");
    }
    assert_int_equal(found, 1);
    sr_diags_release(&d);
}

/* A second <grading> (the schema refuses it, but the semantic pass
 * still reads the tree) allocated a new band array sized for its own
 * bands while the count went on from the first: a heap buffer overflow,
 * and the first array leaked (found by fuzz_indicators; LeakSanitizer,
 * then a segfault in the gcc build).  Only the first <grading> is read. */
static void
test_second_grading(void **state)
{
    static const char bands[] =
        "<grading pass=\"80\" valid-months=\"12\">"
        "<band id=\"a\" label=\"a\" colour=\"blue\" min=\"90\"/>"
        "<band id=\"b\" label=\"b\" colour=\"red\" min=\"0\"/>"
        "</grading>\n";
    char xml[1024];
    struct sr_diags d;
    struct sr_system *sys = NULL;
    char buf[256];

    (void)state;
    snprintf(xml, sizeof(xml),
             "<system xmlns=\"urn:schoolrisk:indicators:1\" id=\"n\" "
             "version=\"1\" title=\"n\">\n"
             "<stages><stage>primary</stage></stages>\n%s%s</system>\n",
             bands, bands);
    sr_diags_init(&d);
    assert_int_equal(sr_system_load_memory("g.xml", xml, strlen(xml), &sys,
                                           &d),
                     SR_ERR_INPUT);
    assert_null(sys);
    assert_int_equal(d.n, 5);
    sr_diag_format(&d.v[4], buf, sizeof(buf));
    assert_string_equal(buf, "g.xml:4: does not match the schema: Element "
                             "'grading': This element is not expected. "
                             "Expected is ( dimension ). (in system 'n')");
    sr_diags_release(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_memory_unterminated),
        cmocka_unit_test(test_whole_number_message),
        cmocka_unit_test(test_no_ids_at_all),
        cmocka_unit_test(test_second_grading),
    };

    return cmocka_run_group_tests_name("regress", tests, NULL, NULL);
}
