/*
 * test_signoff.c - period sign-off (signoff.h) and the report snapshot
 * (report_snapshot.h).
 *
 * The district is test_report.c's (the same story, built through the
 * public library calls): 历下区 370102 with A, B, C assessed in Q3 2026,
 * D assessed in 2025, E never; hazards found and moved through their loop.
 * The snapshot must hold every field of the report (to → from gives a
 * report equal field by field, and to again gives the same text); the
 * states refuse every illegal transition with an exact message; a
 * locked period's figures do not move when the live ones do; a
 * correction records the differences and needs the city again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/audit.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/bulletin.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_snapshot.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"

#include "testutil.h"

#define READER SR_FIXTURES "/../unit/report_xlsx_read.py"
#define TEMPLATES SR_FIXTURES "/../../templates/reports/"

#include "report_story.h"


/* ------------------------------------------------------------------ */
/* Field-by-field equality of two reports                               */
/* ------------------------------------------------------------------ */

#define EQ_STR(a, b)                                                      \
    do {                                                                  \
        if ((a) || (b)) {                                                 \
            assert_non_null(a);                                           \
            assert_non_null(b);                                           \
            assert_string_equal(a, b);                                    \
        }                                                                 \
    } while (0)
#define EQ_MEM(a, b) assert_memory_equal(&(a), &(b), sizeof(a))

static void
eq_kpis(const struct sr_report_kpis *a, const struct sr_report_kpis *b)
{
    /* No pointers and no padding holes worth worrying about: the struct
     * is all counts, rates and bools, compared member by member. */
    assert_int_equal(a->schools, b->schools);
    assert_int_equal(a->assessed, b->assessed);
    EQ_MEM(a->coverage, b->coverage);
    assert_int_equal(a->compliant, b->compliant);
    EQ_MEM(a->compliance, b->compliance);
    EQ_MEM(a->bands, b->bands);
    assert_int_equal(a->vetoed, b->vetoed);
    EQ_MEM(a->baseline_met, b->baseline_met);
    EQ_MEM(a->baseline_unassessed, b->baseline_unassessed);
    EQ_MEM(a->baseline_rate, b->baseline_rate);
    assert_int_equal(a->four_met, b->four_met);
    assert_int_equal(a->four_unassessed, b->four_unassessed);
    assert_int_equal(a->four_100, b->four_100);
    assert_int_equal(a->hazards_found, b->hazards_found);
    assert_int_equal(a->hazards_closed, b->hazards_closed);
    assert_int_equal(a->hazards_open, b->hazards_open);
    assert_int_equal(a->hazards_overdue, b->hazards_overdue);
    assert_int_equal(a->hazards_closed_late, b->hazards_closed_late);
    EQ_MEM(a->rectification, b->rectification);
    assert_int_equal(a->open_major, b->open_major);
    EQ_MEM(a->stages, b->stages);
}

static void
eq_school(const struct sr_report_school *a, const struct sr_report_school *b)
{
    assert_string_equal(a->code, b->code);
    EQ_STR(a->name, b->name);
    EQ_STR(a->district, b->district);
    EQ_STR(a->district_name, b->district_name);
    EQ_MEM(a->school.attr, b->school.attr);
    assert_int_equal(a->school.set, b->school.set);
    assert_int_equal(a->assessed, b->assessed);
    assert_int_equal(a->assessment, b->assessment);
    assert_string_equal(a->assessed_on, b->assessed_on);
    EQ_STR(a->inspector, b->inspector);
    EQ_STR(a->system, b->system);
    assert_int_equal(a->total, b->total);
    EQ_STR(a->band, b->band);
    EQ_STR(a->band_label, b->band_label);
    assert_int_equal(a->colour, b->colour);
    assert_int_equal(a->compliant, b->compliant);
    assert_int_equal(a->vetoed, b->vetoed);
    EQ_STR(a->veto_items, b->veto_items);
    EQ_STR(a->dimensions, b->dimensions);
    assert_int_equal(a->open_hazards, b->open_hazards);
    assert_int_equal(a->overdue_hazards, b->overdue_hazards);
    EQ_MEM(a->baseline, b->baseline);
    EQ_MEM(a->baseline_unassessed, b->baseline_unassessed);
    EQ_STR(a->baseline_why, b->baseline_why);
}

static void
eq_report(const struct sr_report_district *a,
          const struct sr_report_district *b)
{
    size_t i;

    EQ_STR(a->code, b->code);
    EQ_STR(a->name, b->name);
    EQ_MEM(a->period, b->period);
    eq_kpis(&a->kpis, &b->kpis);
    assert_int_equal(a->n_schools, b->n_schools);
    for (i = 0; i < a->n_schools; i++)
        eq_school(&a->schools[i], &b->schools[i]);
    assert_int_equal(a->n_lost, b->n_lost);
    for (i = 0; i < a->n_lost; i++) {
        const struct sr_report_lost *x = &a->lost[i], *y = &b->lost[i];

        assert_string_equal(x->code, y->code);
        EQ_STR(x->school_name, y->school_name);
        EQ_STR(x->dimension, y->dimension);
        EQ_STR(x->item, y->item);
        EQ_STR(x->item_title, y->item_title);
        assert_int_equal(x->earned, y->earned);
        assert_int_equal(x->max, y->max);
        EQ_STR(x->value, y->value);
        EQ_STR(x->note, y->note);
        assert_int_equal(x->hazard, y->hazard);
        assert_int_equal(x->veto, y->veto);
    }
    assert_int_equal(a->n_hazards, b->n_hazards);
    for (i = 0; i < a->n_hazards; i++) {
        const struct sr_report_hazard *x = &a->hazards[i], *y = &b->hazards[i];

        assert_int_equal(x->id, y->id);
        assert_string_equal(x->code, y->code);
        EQ_STR(x->school_name, y->school_name);
        EQ_STR(x->district, y->district);
        EQ_STR(x->district_name, y->district_name);
        EQ_STR(x->item, y->item);
        EQ_STR(x->item_title, y->item_title);
        EQ_STR(x->description, y->description);
        assert_int_equal(x->level, y->level);
        assert_string_equal(x->found_on, y->found_on);
        EQ_STR(x->found_by, y->found_by);
        EQ_STR(x->responsible, y->responsible);
        EQ_STR(x->measures, y->measures);
        assert_string_equal(x->deadline, y->deadline);
        assert_int_equal(x->status, y->status);
        assert_string_equal(x->closed_on, y->closed_on);
        assert_int_equal(x->days_overdue, y->days_overdue);
        assert_int_equal(x->days_late, y->days_late);
        assert_int_equal(x->supervised, y->supervised);
        assert_int_equal(x->recurrent_of, y->recurrent_of);
    }
    assert_int_equal(a->n_systems, b->n_systems);
    for (i = 0; i < a->n_systems; i++)
        assert_string_equal(a->systems[i], b->systems[i]);
}

static void
q3(struct sr_period *p)
{
    assert_int_equal(sr_period_parse("2026Q3", p), SR_OK);
}

/* @p rc is SR_ERR_STATE (or code) with exactly @p msg. */
static void
refused(struct fx *f, sr_error rc, sr_error code, const char *msg)
{
    assert_int_equal(rc, code);
    assert_string_equal(sr_store_errmsg(f->st), msg);
}

/* What sr_signoff_corrections() handed over. */
struct seen {
    int n;
    char reason[64];
};

static int
count_event(const struct sr_signoff_event *e, void *ctx)
{
    struct seen *s = ctx;

    /* The amendment first, then the correction that took it in. */
    assert_int_equal(e->action, s->n == 0 ? SR_SIGNOFF_AMEND
                                          : SR_SIGNOFF_CORRECT);
    s->n++;
    snprintf(s->reason, sizeof(s->reason), "%s", e->reason ? e->reason : "");
    return 0;
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */
/* ------------------------------------------------------------------ */

static void
test_snapshot_round_trip(void **state)
{
    struct fx *f = *state;
    struct sr_report_district live, back;
    struct sr_report_kpis k;
    struct sr_period p;
    char *a = NULL, *b = NULL;
    size_t kend, len;

    q3(&p);
    ok(f, sr_report_district(f->st, "370102", &p, &live));
    /* The fixture has every kind of row, or the test proves little. */
    assert_true(live.n_schools >= 5 && live.n_lost > 0 &&
                live.n_hazards > 0 && live.n_systems > 0);
    assert_int_equal(sr_report_to_snapshot(&live, &a), SR_OK);
    assert_int_equal(sr_report_from_snapshot(a, &back), SR_OK);
    eq_report(&live, &back);
    assert_int_equal(sr_report_to_snapshot(&back, &b), SR_OK);
    assert_string_equal(a, b);
    assert_int_equal(strncmp(a, "{\"format\":1,\"code\":\"370102\",", 28), 0);
    sr_report_district_release(&back);

    /* The KPIs from a head of the text: found exactly when the head holds
     * the whole KPIs object, which ends where the rows begin. */
    kend = (size_t)(strstr(a, ",\"schools\":[") - a);
    assert_true(kend > 500 && kend < SR_SNAPSHOT_HEAD);
    for (len = 0; len <= strlen(a); len += len < kend + 4 ? 1 : 4999) {
        char *h = strndup(a, len);

        assert_non_null(h);
        if (len < kend) {
            assert_int_equal(sr_report_kpis_from_snapshot_head(h, &k),
                             SR_ERR_NOT_FOUND);
            assert_int_equal(k.schools, 0);
        } else {
            assert_int_equal(sr_report_kpis_from_snapshot_head(h, &k),
                             SR_OK);
            eq_kpis(&live.kpis, &k);
        }
        free(h);
    }
    assert_int_equal(sr_report_kpis_from_snapshot_head(a, &k), SR_OK);
    eq_kpis(&live.kpis, &k);
    /* Not a member of a snapshot's top-level object: not found. */
    assert_int_equal(sr_report_kpis_from_snapshot_head(
                         "{\"format\":1,\"period\":{\"x\":1,\"kpis\":{}}}",
                         &k),
                     SR_ERR_NOT_FOUND);
    assert_int_equal(sr_report_kpis_from_snapshot_head(
                         "{\"format\":1,\"name\":\"a,\\\"kpis\\\":{}\"}",
                         &k),
                     SR_ERR_NOT_FOUND);
    assert_int_equal(sr_report_kpis_from_snapshot_head(
                         "{\"format\":2,\"kpis\":{}}", &k),
                     SR_ERR_NOT_FOUND);
    assert_int_equal(sr_report_kpis_from_snapshot_head(
                         "{\"code\":\"1\",\"format\":1,\"kpis\":{}}", &k),
                     SR_ERR_NOT_FOUND);
    /* There and whole, but not the KPIs: ill formed. */
    assert_int_equal(sr_report_kpis_from_snapshot_head(
                         "{\"format\":1,\"kpis\":[1]}", &k),
                     SR_ERR_INPUT);

    /* Not JSON, another format, a field of the wrong type: refused,
     * and out zeroed. */
    assert_int_equal(sr_report_from_snapshot("{", &back), SR_ERR_INPUT);
    assert_null(back.schools);
    assert_int_equal(sr_report_from_snapshot("{\"format\":2}", &back),
                     SR_ERR_INPUT);
    free(b);
    b = strdup(a);
    memcpy(strstr(b, "\"schools\":"), "\"schoolx\":", 10);
    assert_int_equal(sr_report_from_snapshot(b, &back), SR_ERR_INPUT);
    assert_null(back.code);
    assert_int_equal(sr_report_kpis_from_snapshot_head(b, &k), SR_ERR_INPUT);
    assert_int_equal(k.assessed, 0);
    free(a);
    free(b);
    sr_report_district_release(&live);
}

static void
test_states(void **state)
{
    struct fx *f = *state;
    struct sr_signoff_result res;
    struct sr_signoff_status s;
    struct sr_period p;

    q3(&p);
    day(f, "2026-09-29");
    as(f, "李科长");
    refused(f, sr_signoff_district(f->st, "历下区", &p, NULL), SR_ERR_STATE,
            "历下区 2026Q3 cannot be signed off before its last day "
            "2026-09-30");
    refused(f, sr_signoff_accept(f->st, "370102", &p), SR_ERR_STATE,
            "历下区 2026Q3 is open: the district has not signed it off");
    refused(f, sr_signoff_correct(f->st, "370102", &p, "x", NULL),
            SR_ERR_STATE,
            "历下区 2026Q3 is open: nothing is locked to correct");
    refused(f, sr_signoff_district(f->st, "西湖区", &p, NULL),
            SR_ERR_NOT_FOUND,
            "no district '西湖区' (give its code, such as 370102, or its "
            "name)");

    day(f, "2026-09-30");
    ok(f, sr_signoff_district(f->st, "历下区", &p, &res));
    assert_int_equal(res.version, 1);
    assert_int_equal(res.schools, 5);
    assert_int_equal(res.confirmed, 0);
    assert_int_equal(res.n_unconfirmed, 5);
    assert_string_equal(res.unconfirmed[0], "3701020001");
    sr_signoff_result_release(&res);
    refused(f, sr_signoff_district(f->st, "370102", &p, NULL), SR_ERR_STATE,
            "历下区 2026Q3 is signed off and locked: the city accepts or "
            "returns it");
    as(f, "市教育局");
    refused(f, sr_signoff_return(f->st, "370102", &p, "  "), SR_ERR_INPUT,
            "a reason is required");
    assert_string_equal(sr_store_errfield(f->st), "reason");
    ok(f, sr_signoff_return(f->st, "370102", &p, "缺少学校确认"));
    refused(f, sr_signoff_accept(f->st, "370102", &p), SR_ERR_STATE,
            "历下区 2026Q3 is returned: the district signs it off again "
            "first");
    refused(f, sr_signoff_correct(f->st, "370102", &p, "x", NULL),
            SR_ERR_STATE,
            "历下区 2026Q3 is returned: sign it off again instead (signoff "
            "district)");
    ok(f, sr_signoff_status(f->st, "370102", &p, &s));
    assert_int_equal(s.state, SR_SIGNOFF_RETURNED);
    assert_string_equal(s.reason, "缺少学校确认");
    assert_string_equal(s.decided_by, "市教育局");
    sr_signoff_status_release(&s);

    as(f, "李科长");
    ok(f, sr_signoff_district(f->st, "370102", &p, &res));
    assert_int_equal(res.version, 2);
    sr_signoff_result_release(&res);
    as(f, "市教育局");
    ok(f, sr_signoff_accept(f->st, "370102", &p));
    refused(f, sr_signoff_accept(f->st, "370102", &p), SR_ERR_STATE,
            "历下区 2026Q3 is accepted: it was accepted already");
    refused(f, sr_signoff_district(f->st, "370102", &p, NULL), SR_ERR_STATE,
            "历下区 2026Q3 is accepted: record a correction instead (signoff "
            "correct)");
    ok(f, sr_signoff_status(f->st, "370102", &p, &s));
    assert_int_equal(s.state, SR_SIGNOFF_ACCEPTED);
    assert_int_equal(s.version, 2);
    assert_string_equal(s.signed_by, "李科长");
    assert_null(s.reason);
    sr_signoff_status_release(&s);
}

static void
test_confirm(void **state)
{
    struct fx *f = *state;
    struct sr_period p;
    int64_t id = 0;

    q3(&p);
    refused(f, sr_signoff_confirm(f->st, "3701020001", &p, &id),
            SR_ERR_STATE,
            "school 3701020001 has no submitted self-inspection dated on or "
            "before 2026-09-30: submit one, then confirm");
    refused(f, sr_signoff_confirm(f->st, "3709999999", &p, &id),
            SR_ERR_NOT_FOUND, "no school '3709999999' in the registry");
    assert_int_equal(id, 0);
}

/* What sr_signoff_unconfirmed() lists, one line per school. */
struct pending {
    char text[1024];
    int calls, stop_after;
};

static int
collect_pending(const struct sr_signoff_unconfirmed *u, void *ctx)
{
    struct pending *c = ctx;
    size_t len = strlen(c->text);

    snprintf(c->text + len, sizeof(c->text) - len, "%s %s #%lld %s\n",
             u->code, u->name, (long long)u->self,
             u->self_on ? u->self_on : "-");
    return ++c->calls == c->stop_after;
}

/* The district sees whom to chase before it signs off: every open
 * school not confirmed, by name, with the self-inspection it could
 * confirm (one dated after the period's end does not count). */
static void
test_unconfirmed_names(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    struct sr_signoff_status s;
    struct pending c;
    struct sr_period p;
    int64_t self_b, self_c, id = 0;
    char want[1024];

    q3(&p);
    as(f, "王老师");
    self_b = self_inspect(f, "3701020002", "2026-09-15", responses_full,
                          &rep);
    self_c = self_inspect(f, "3701020003", "2026-10-02", responses_full,
                          &rep);
    memset(&c, 0, sizeof(c));
    ok(f, sr_signoff_unconfirmed(f->st, "历下区", &p, collect_pending, &c));
    snprintf(want, sizeof(want),
             "3701020001 历下区甲小学 #0 -\n"
             "3701020002 历下区乙小学 #%lld 2026-09-15\n"
             "3701020003 历下区丙小学 #0 -\n"
             "3701020004 历下区丁小学 #0 -\n"
             "3701020005 历下区戊中学 #0 -\n",
             (long long)self_b);
    assert_string_equal(c.text, want);
    assert_true(self_c > self_b);

    ok(f, sr_signoff_confirm(f->st, "3701020002", &p, &id));
    assert_int_equal(id, self_b);
    memset(&c, 0, sizeof(c));
    ok(f, sr_signoff_unconfirmed(f->st, "370102", &p, collect_pending, &c));
    assert_int_equal(c.calls, 4);
    assert_null(strstr(c.text, "3701020002"));
    ok(f, sr_signoff_status(f->st, "370102", &p, &s));
    assert_int_equal(s.schools - s.confirmed, 4);
    sr_signoff_status_release(&s);

    /* A non-zero return stops the walk. */
    memset(&c, 0, sizeof(c));
    c.stop_after = 1;
    ok(f, sr_signoff_unconfirmed(f->st, "370102", &p, collect_pending, &c));
    assert_int_equal(c.calls, 1);

    refused(f, sr_signoff_unconfirmed(f->st, "西湖区", &p, collect_pending,
                                      &c),
            SR_ERR_NOT_FOUND,
            "no district '西湖区' (give its code, such as 370102, or its "
            "name)");
}

/* Every figure stays as locked when the live ones move; the diff says
 * what moved; a correction stores it and is listed for the bulletin. */
static void
test_locked_and_corrected(void **state)
{
    struct fx *f = *state;
    struct sr_report_district at_signoff, locked, live;
    struct sr_signoff_result res;
    struct sr_signoff_diff d;
    struct sr_signoff_status st;
    struct sr_audit_report ar;
    struct sr_period p;
    char note[512], msg[256];
    bool is_locked = false;
    size_t i;
    int found = 0;

    q3(&p);
    ok(f, sr_report_district(f->st, "370102", &p, &at_signoff));
    as(f, "李科长");
    ok(f, sr_signoff_district(f->st, "370102", &p, NULL));

    /* Later: D (its 2025 assessment expired before Q3's end) gets an
     * inspection dated inside Q3. */
    day(f, "2027-01-12");
    as(f, "张检查员");
    {
        struct sr_submit_report rep;
        struct sr_diags dg;
        char csv[128];
        int64_t id = 0;

        sr_diags_init(&dg);
        snprintf(csv, sizeof(csv), "%s/d.csv", f->dir);
        write_file(csv, responses_full);
        ok(f, sr_assess_new(f->st, "3701020004", "2026-09-15", NULL, &id));
        assert_int_equal(sr_assess_import(f->st, id, csv, &dg), SR_OK);
        /* Inside the locked quarter: refused without a reason. */
        snprintf(msg, sizeof(msg), "assessment %lld is dated 2026-09-15, "
                 "inside 历下区 2026Q3, which is signed off and locked: "
                 "give a correction reason to submit it as an amendment",
                 (long long)id);
        refused(f, sr_assess_submit(f->st, id, &dg, &rep), SR_ERR_STATE,
                msg);
        refused(f, sr_store_set_correction_reason(f->st, " "), SR_ERR_INPUT,
                "a reason is required");
        ok(f, sr_store_set_correction_reason(f->st, "补录"));
        ok(f, sr_assess_submit(f->st, id, &dg, &rep));
        ok(f, sr_store_set_correction_reason(f->st, NULL));
        sr_diags_release(&dg);
    }
    ok(f, sr_signoff_report_district(f->st, "370102", &p, &locked,
                                     &is_locked, note, sizeof(note)));
    assert_true(is_locked);
    assert_non_null(strstr(note, "签批锁定（第1版，已签批，签批人：李科长）"));
    eq_report(&at_signoff, &locked);
    ok(f, sr_signoff_status(f->st, "370102", &p, &st));
    assert_int_equal(st.pending, 1);
    sr_signoff_status_release(&st);
    ok(f, sr_report_district(f->st, "370102", &p, &live));
    assert_int_not_equal(live.kpis.assessed, locked.kpis.assessed);

    ok(f, sr_signoff_diff(f->st, "370102", &p, &d));
    assert_int_equal(d.version, 1);
    for (i = 0; i < d.n; i++)
        if (!strcmp(d.v[i].school, "3701020004") &&
            !strcmp(d.v[i].what, "评估日期")) {
            assert_string_equal(d.v[i].before, "-");
            assert_string_equal(d.v[i].after, "2026-09-15");
            found = 1;
        }
    assert_true(found);
    sr_signoff_diff_release(&d);

    as(f, "李科长");
    refused(f, sr_signoff_correct(f->st, "370102", &p, "", NULL),
            SR_ERR_INPUT, "a reason is required");
    ok(f, sr_signoff_correct(f->st, "370102", &p, "补录9月督导评估", &res));
    assert_int_equal(res.version, 2);
    assert_non_null(strstr(res.diff, "已评估学校数"));
    sr_signoff_result_release(&res);
    sr_report_district_release(&locked);
    ok(f, sr_signoff_report_district(f->st, "370102", &p, &locked,
                                     &is_locked, note, sizeof(note)));
    eq_report(&live, &locked);
    ok(f, sr_signoff_status(f->st, "370102", &p, &st));
    assert_int_equal(st.pending, 0);
    assert_int_equal(st.version, 2);
    sr_signoff_status_release(&st);

    /* For the bulletin: the correction, on 2027-01-12 China time. */
    {
        struct seen seen = {0, ""};

        ok(f, sr_signoff_corrections(f->st, NULL, "2027-01-12", "2027-01-12",
                                     count_event, &seen));
        assert_int_equal(seen.n, 2);
        assert_string_equal(seen.reason, "补录9月督导评估");
        seen.n = 0;
        ok(f, sr_signoff_corrections(f->st, "市中区", "2027-01-01",
                                     "2027-12-31", count_event, &seen));
        assert_int_equal(seen.n, 0);
    }
    ok(f, sr_audit_verify(f->st, &ar));
    assert_true(ar.ok);
    sr_report_district_release(&at_signoff);
    sr_report_district_release(&locked);
    sr_report_district_release(&live);
}

/* An inspection of @p code dated @p date, submitted now; its id. */
static int64_t
assess_on(struct fx *f, const char *code, const char *date,
          const char *responses)
{
    struct sr_submit_report rep;
    struct sr_diags d;
    char csv[128];
    int64_t id = 0;

    sr_diags_init(&d);
    snprintf(csv, sizeof(csv), "%s/d.csv", f->dir);
    write_file(csv, responses);
    ok(f, sr_assess_new(f->st, code, date, NULL, &id));
    assert_int_equal(sr_assess_import(f->st, id, csv, &d), SR_OK);
    if (sr_assess_submit(f->st, id, &d, &rep) != SR_OK)
        fail_msg("submit %s: %s", code, sr_store_errmsg(f->st));
    sr_diags_release(&d);
    return id;
}

/* The issue's story: 2026Q3 signed off and accepted in October, an
 * inspection dated in it submitted later in October as an amendment,
 * the district's correction the next day; the 2026Q4 bulletin (and
 * October's dispatch of 历下区) lists both with who, when and why. */
static void
test_corrections_on_bulletins(void **state)
{
    static const struct sr_bulletin_options opt = {
        sr_signoff_bulletin_corrections, NULL};
    struct fx *f = *state;
    struct sr_bulletin_quarterly b;
    struct sr_bulletin_monthly m;
    struct sr_signoff_result res;
    struct sr_period p, q4, oct;
    struct sr_bulletin_issue issue = {"2027-01-08", NULL};
    struct sr_report_meta meta = {"2027-01-08T01:30:00Z", "张三", "ab12",
                                  NULL};
    struct sr_layout lay;
    struct sr_diags dg;
    char what[128], line[512], path[128], args[160], *out, *diff;
    int64_t id;

    q3(&p);
    assert_int_equal(sr_period_parse("2026Q4", &q4), SR_OK);
    assert_int_equal(sr_period_parse("2026-10", &oct), SR_OK);
    day(f, "2026-10-08");
    as(f, "李科长");
    ok(f, sr_signoff_district(f->st, "370102", &p, NULL));
    as(f, "市教育局安全处");
    ok(f, sr_signoff_accept(f->st, "370102", &p));

    day(f, "2026-10-20");
    as(f, "张检查员");
    ok(f, sr_store_set_correction_reason(f->st, "补录9月督导评估"));
    id = assess_on(f, "3701020004", "2026-09-15", responses_full);
    ok(f, sr_store_set_correction_reason(f->st, NULL));
    day(f, "2026-10-21");
    as(f, "李科长");
    ok(f, sr_signoff_correct(f->st, "370102", &p, "9月督导评估漏报", &res));
    diff = strdup(res.diff);
    assert_non_null(diff);
    sr_signoff_result_release(&res);
    day(f, "2027-01-10");

    ok(f, sr_bulletin_quarterly(f->st, &q4, &opt, &b));
    assert_int_equal(b.n_corrections, 2);
    snprintf(what, sizeof(what), "补录锁定期检查 #%lld（3701020004）",
             (long long)id);
    assert_string_equal(b.corrections[0].period, "2026Q3");
    assert_string_equal(b.corrections[0].district, "历下区");
    assert_string_equal(b.corrections[0].what, what);
    assert_string_equal(b.corrections[0].by, "张检查员");
    assert_string_equal(b.corrections[0].at, "2026-10-20");
    assert_string_equal(b.corrections[0].why, "补录9月督导评估");
    assert_string_equal(b.corrections[1].by, "李科长");
    assert_string_equal(b.corrections[1].at, "2026-10-21");
    assert_string_equal(b.corrections[1].why, "9月督导评估漏报");
    assert_int_equal(strncmp(b.corrections[1].what, "更正为第2版：",
                             strlen("更正为第2版：")),
                     0);
    assert_string_equal(b.corrections[1].what + strlen("更正为第2版："),
                        diff);
    assert_non_null(strstr(diff, "3701020004 评估日期 - → 2026-09-15"));

    /* The workbook: section 三 (no plans), one line each. */
    sr_diags_init(&dg);
    meta.diags = &dg;
    assert_int_equal(sr_layout_load(TEMPLATES "bulletin-quarterly.csv",
                                    &lay, &dg),
                     SR_OK);
    snprintf(path, sizeof(path), "%s/q.xlsx", f->dir);
    assert_int_equal(sr_bulletin_write_quarterly(&b, &lay, &issue, path,
                                                 &meta),
                     SR_OK);
    snprintf(args, sizeof(args), "%s", path);
    out = read_back(READER, args);
    assert_non_null(strstr(out, "=三、更正说明\n"));
    snprintf(line, sizeof(line), "=1. 2026Q3 历下区：%s（2026-10-20 由 "
             "张检查员 更正，原因：补录9月督导评估）\n", what);
    assert_non_null(strstr(out, line));
    assert_non_null(strstr(out, "=2. 2026Q3 历下区：更正为第2版："));
    free(out);
    sr_layout_release(&lay);
    sr_diags_release(&dg);
    sr_bulletin_quarterly_release(&b);

    /* Nothing was recorded in the third quarter itself. */
    ok(f, sr_bulletin_quarterly(f->st, &p, &opt, &b));
    assert_int_equal(b.n_corrections, 0);
    sr_bulletin_quarterly_release(&b);

    /* October's dispatch: 历下区's two, none for 市中区. */
    ok(f, sr_bulletin_monthly(f->st, "历下区", &oct, &opt, &m));
    assert_int_equal(m.n_corrections, 2);
    assert_string_equal(m.corrections[0].what, what);
    sr_bulletin_monthly_release(&m);
    ok(f, sr_bulletin_monthly(f->st, "市中区", &oct, &opt, &m));
    assert_int_equal(m.n_corrections, 0);
    sr_bulletin_monthly_release(&m);
    free(diff);
}

/* A bulletin and the city report of a locked period show the
 * signed-off figures: an
 * inspection of September submitted in October as an amendment changes
 * the live figures of 2026Q3, not the 2026Q3 bulletin's, until the
 * district corrects the period (version 2). */
static const struct sr_report_district *
report_of(const struct sr_bulletin_quarterly *b, const char *code)
{
    size_t i;

    for (i = 0; i < b->n_reports; i++)
        if (!strcmp(b->reports[i].code, code))
            return &b->reports[i];
    fail_msg("no report of %s", code);
    return NULL;
}

/* 历下区's assessed schools in the city report of @p p. */
static size_t
city_assessed(struct fx *f, const struct sr_period *p)
{
    struct sr_report_city c;
    size_t i, n = (size_t)-1;

    ok(f, sr_report_city(f->st, p, &c));
    for (i = 0; i < c.n_districts; i++)
        if (!strcmp(c.districts[i].code, "370102"))
            n = c.districts[i].kpis.assessed;
    sr_report_city_release(&c);
    return n;
}

static void
test_bulletin_reads_locked(void **state)
{
    struct fx *f = *state;
    struct sr_bulletin_quarterly b;
    struct sr_report_district live, snap;
    struct sr_signoff_result res;
    struct sr_period p;
    bool locked = false;
    size_t signed_assessed;
    char note[512];

    q3(&p);
    day(f, "2026-10-08");
    as(f, "李科长");
    ok(f, sr_signoff_district(f->st, "370102", &p, NULL));
    as(f, "市教育局安全处");
    ok(f, sr_signoff_accept(f->st, "370102", &p));
    ok(f, sr_signoff_locked_report(f->st, "历下区", &p, &snap, &locked,
                                   note, sizeof(note)));
    assert_true(locked);
    assert_non_null(strstr(note, "本期数据已于2026年10月8日"));
    assert_non_null(strstr(note, "签批锁定（第1版，"));
    signed_assessed = snap.kpis.assessed;
    sr_report_district_release(&snap);

    day(f, "2026-10-20");
    as(f, "张检查员");
    ok(f, sr_store_set_correction_reason(f->st, "补录9月督导评估"));
    assess_on(f, "3701020004", "2026-09-15", responses_full);
    ok(f, sr_store_set_correction_reason(f->st, NULL));
    ok(f, sr_report_district(f->st, "370102", &p, &live));
    assert_int_equal(live.kpis.assessed, signed_assessed + 1);
    sr_report_district_release(&live);

    ok(f, sr_bulletin_quarterly(f->st, &p, NULL, &b));
    assert_int_equal(report_of(&b, "370102")->kpis.assessed,
                     signed_assessed);
    sr_bulletin_quarterly_release(&b);
    assert_int_equal(city_assessed(f, &p), signed_assessed);

    /* Not locked: 市中区's figures are live. */
    ok(f, sr_signoff_locked_report(f->st, "市中区", &p, &snap, &locked,
                                   note, sizeof(note)));
    assert_false(locked);
    assert_null(snap.code);
    assert_string_equal(note, "");

    day(f, "2026-10-21");
    as(f, "李科长");
    ok(f, sr_signoff_correct(f->st, "370102", &p, "9月督导评估漏报", &res));
    sr_signoff_result_release(&res);
    ok(f, sr_bulletin_quarterly(f->st, &p, NULL, &b));
    assert_int_equal(report_of(&b, "370102")->kpis.assessed,
                     signed_assessed + 1);
    sr_bulletin_quarterly_release(&b);
    assert_int_equal(city_assessed(f, &p), signed_assessed + 1);
}

/* The KPIs alone of a locked period, from the snapshot's head: the same
 * as the whole snapshot's; the whole is read when the head does not hold
 * them, and a damaged snapshot is named either way. */
static void
test_locked_kpis(void **state)
{
    struct fx *f = *state;
    struct sr_report_district snap;
    struct sr_report_kpis k;
    struct sr_period p;
    bool locked = true;
    char sql[6144];
    size_t n;

    q3(&p);
    ok(f, sr_signoff_locked_kpis(f->st, "370102", &p, &k, &locked));
    assert_false(locked);
    day(f, "2026-10-08");
    as(f, "李科长");
    ok(f, sr_signoff_district(f->st, "370102", &p, NULL));
    ok(f, sr_signoff_locked_report(f->st, "370102", &p, &snap, &locked,
                                   NULL, 0));
    assert_true(locked);
    assert_true(snap.kpis.assessed > 0 && snap.kpis.hazards_found > 0);
    locked = false;
    ok(f, sr_signoff_locked_kpis(f->st, "历下区", &p, &k, &locked));
    assert_true(locked);
    eq_kpis(&snap.kpis, &k);

    /* Not locked: nothing, zeroed. */
    ok(f, sr_signoff_locked_kpis(f->st, "市中区", &p, &k, &locked));
    assert_false(locked);
    assert_int_equal(k.schools, 0);

    /* A head of padding (a member before the KPIs, longer than the head
     * the store reads): the whole text is read instead. */
    n = (size_t)snprintf(sql, sizeof(sql),
                         "DROP TRIGGER signoff_events_append_only;"
                         "UPDATE signoff_events SET snapshot = "
                         "replace(snapshot, '{\"format\":1,', "
                         "'{\"format\":1,\"pad\":\"");
    memset(sql + n, 'x', SR_SNAPSHOT_HEAD + 100);
    n += SR_SNAPSHOT_HEAD + 100;
    snprintf(sql + n, sizeof(sql) - n,
             "\",') WHERE district = '370102' AND snapshot IS NOT NULL");
    test_db_exec(f->db, sql);
    ok(f, sr_signoff_locked_kpis(f->st, "370102", &p, &k, &locked));
    assert_true(locked);
    eq_kpis(&snap.kpis, &k);

    /* The KPIs damaged, in the head and so in the whole. */
    test_db_exec(f->db, "UPDATE signoff_events SET snapshot = "
                        "replace(snapshot, '\"kpis\":{\"schools\":', "
                        "'\"kpis\":{\"schoolx\":') WHERE snapshot IS NOT "
                        "NULL");
    refused(f, sr_signoff_locked_kpis(f->st, "370102", &p, &k, &locked),
            SR_ERR_DB,
            "the sign-off snapshot of 370102 2026Q3 version 1 is damaged "
            "(run schoolrisk audit verify)");
    assert_false(locked);
    assert_int_equal(k.schools, 0);
    sr_report_district_release(&snap);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_snapshot_round_trip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confirm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unconfirmed_names, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_locked_and_corrected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bulletin_reads_locked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_corrections_on_bulletins, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_locked_kpis, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
