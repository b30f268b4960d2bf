/*
 * test_experts.c - the expert corps (schoolrisk/experts.h): the
 * vocabularies, the refusals of a profile with their exact messages and
 * fields, updates, the list's filters, the summary's counts on dates
 * around a certificate's expiry, and the audit chain over profiles (an
 * experts row edited with SQL outside the library is named).
 *
 * One database per test in a mkdtemp directory with Jinan's districts;
 * the clock is pinned to 2026-09-15 10:00 China time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/audit.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/store.h"
#include "testutil.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)
#define PW "Correct-Horse7"

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    struct sr_auth_policy p;
};

#define CHECK(f, call, want)                                               \
    do {                                                                   \
        sr_error rc_ = (call);                                             \
        if (rc_ != (want))                                                 \
            print_error("unexpected %d: %s\n", (int)rc_,                   \
                        sr_store_errmsg((f)->st));                         \
        assert_int_equal(rc_, (want));                                     \
    } while (0)

#define MSG(f, text) assert_string_equal(sr_store_errmsg((f)->st), (text))
#define FIELD(f, text)                                                     \
    assert_string_equal(sr_store_errfield((f)->st), (text))

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-experts-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    if (sr_store_open(f->db, SR_STORE_CREATE, &f->st) != SR_OK)
        return -1;
    sr_store_set_clock(f->st, CLOCK);
    if (sr_store_set_actor(f->st, "root") != SR_OK)
        return -1;
    sr_auth_policy_init(&f->p);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* A user; an inspector of district when district is not NULL. */
static int64_t
user(struct fx *f, const char *login, const char *district)
{
    struct sr_user_new u = {login, "张三", NULL, NULL, PW, false, false};
    int64_t id = 0, g = 0;

    CHECK(f, sr_user_add(f->st, &f->p, &u, &id), SR_OK);
    if (district)
        CHECK(f, sr_grant_add(f->st, id, SR_ROLE_INSPECTOR, district, NULL,
                              &g),
              SR_OK);
    return id;
}

static struct sr_expert_in
profile(const char *district, unsigned specs, const char *certified,
        const char *expires)
{
    struct sr_expert_in in = {"历下区消防救援大队", district, specs,
                              "2026-03-01", certified, expires,
                              SR_EXPERT_ACTIVE};
    return in;
}

static long long
count(struct fx *f, const char *sql)
{
    return test_db_int(f->db, sql);
}

/* Run sql outside the library; refused: whether the database must
 * refuse it (a trigger, on either engine). */
static void
raw(struct fx *f, const char *sql, bool refused)
{
    struct sr_store *db = test_raw_open(f->db);

    if (refused)
        assert_int_not_equal(test_raw_try(db, sql), SR_DB_OK);
    else
        test_raw_exec(db, sql);
    sr_store_close(db);
}

/* The logins a filter lists, joined by ' '. */
struct names {
    char buf[256];
};

static int
collect(const struct sr_expert *e, void *ctx)
{
    struct names *n = ctx;
    size_t len = strlen(n->buf);

    snprintf(n->buf + len, sizeof(n->buf) - len, "%s%s", len ? " " : "",
             e->login);
    return 0;
}

static const char *
listed(struct fx *f, const struct sr_expert_filter *flt, struct names *n)
{
    n->buf[0] = '\0';
    CHECK(f, sr_expert_list(f->st, flt, collect, n), SR_OK);
    return n->buf;
}

/* ------------------------------------------------------------------ */
/* Vocabularies                                                         */
/* ------------------------------------------------------------------ */

static void
test_vocabulary(void **state)
{
    static const char *const labels[SR_SPEC_COUNT] = {
        "消防", "食品", "建筑", "交通", "实验室危化品",
        "心理", "特教", "校车", "游泳", "综合"};
    char bad[32];
    unsigned m = 0;
    int i;

    (void)state;
    for (i = 0; i < SR_SPEC_COUNT; i++) {
        assert_string_equal(sr_speciality_label(i), labels[i]);
        assert_int_equal(sr_speciality_lookup(sr_speciality_name(i)), i);
        assert_int_equal(sr_speciality_lookup(labels[i]), i);
    }
    assert_null(sr_speciality_name(SR_SPEC_COUNT));
    assert_null(sr_speciality_label(-1));
    assert_int_equal(sr_speciality_lookup("chemistry"), -1);
    assert_string_equal(sr_speciality_name(SR_SPEC_LAB_CHEMICALS),
                        "lab_chemicals");

    assert_int_equal(sr_speciality_parse("fire, 食品、swimming，综合", &m, bad,
                                         sizeof(bad)),
                     SR_OK);
    assert_int_equal(m, SR_SPECS(SR_SPEC_FIRE) | SR_SPECS(SR_SPEC_FOOD) |
                            SR_SPECS(SR_SPEC_SWIMMING) |
                            SR_SPECS(SR_SPEC_GENERAL));
    assert_int_equal(sr_speciality_parse("fire,chemistry", &m, bad,
                                         sizeof(bad)),
                     SR_ERR_INPUT);
    assert_string_equal(bad, "chemistry");
    assert_int_equal(sr_speciality_parse("", &m, bad, sizeof(bad)),
                     SR_ERR_INPUT);
    assert_string_equal(bad, "");

    assert_string_equal(sr_expert_status_label(SR_EXPERT_ACTIVE), "在库");
    assert_string_equal(sr_expert_status_label(SR_EXPERT_SUSPENDED), "暂停");
    assert_string_equal(sr_expert_status_label(SR_EXPERT_RETIRED), "退出");
    assert_int_equal(sr_expert_status_lookup("退出"), SR_EXPERT_RETIRED);
    assert_int_equal(sr_expert_status_lookup("suspended"),
                     SR_EXPERT_SUSPENDED);
    assert_int_equal(sr_expert_status_lookup("gone"), -1);
}

/* ------------------------------------------------------------------ */
/* Adding                                                               */
/* ------------------------------------------------------------------ */

static void
test_add_refusals(void **state)
{
    struct fx *f = *state;
    struct sr_expert_in in;
    struct sr_expert e;

    user(f, "zhang", "历下区");
    user(f, "li", NULL);
    in = profile("历下区", SR_SPECS(SR_SPEC_FIRE), "2026-04-01", "2029-03-31");

    CHECK(f, sr_expert_add(f->st, "nobody", &in), SR_ERR_NOT_FOUND);
    MSG(f, "no user with login 'nobody'");
    FIELD(f, "login");
    CHECK(f, sr_expert_add(f->st, "li", &in), SR_ERR_STATE);
    MSG(f, "user 'li' holds no inspector grant: an expert is an inspector "
           "(grant the role first)");
    FIELD(f, "login");

    in.unit = "";
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    MSG(f, "unit (工作单位) is required");
    FIELD(f, "unit");
    in.unit = "历下区消防救援大队";

    in.district = "东城区";
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_NOT_FOUND);
    MSG(f, "no district '东城区' (give its code, such as 370102, or its "
           "name, such as 历下区)");
    FIELD(f, "district");
    in.district = "370102";

    in.specialities = 0;
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    MSG(f, "specialities: at least one is required");
    FIELD(f, "specialities");
    in.specialities = SR_SPECS(SR_SPEC_COUNT);
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    FIELD(f, "specialities");
    in.specialities = SR_SPECS(SR_SPEC_FIRE);

    in.trained_on = "2026-02-30";
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    MSG(f, "trained_on '2026-02-30' is not a date (YYYY-MM-DD)");
    FIELD(f, "trained_on");
    in.trained_on = "2026-3-1";
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    MSG(f, "trained_on '2026-3-1' is not a date (YYYY-MM-DD)");
    in.trained_on = "2026-03-01";

    in.certified_on = "2026-09-16";
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    MSG(f, "certified_on 2026-09-16 is in the future (today is 2026-09-15)");
    FIELD(f, "certified_on");
    in.certified_on = NULL;
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    MSG(f, "certified_on is required");
    in.certified_on = "2026-04-01";

    in.expires_on = "2026-04-01";
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    MSG(f, "expires_on 2026-04-01 must be after certified_on 2026-04-01");
    FIELD(f, "expires_on");
    in.expires_on = "2029-03-31";

    in.status = SR_EXPERT_STATUS_COUNT;
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_INPUT);
    MSG(f, "unknown expert status 3");
    in.status = -1; /* active */

    /* Nothing of the refused ones was written. */
    assert_int_equal(count(f, "SELECT count(*) FROM experts"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM expert_events"), 0);

    CHECK(f, sr_expert_add(f->st, "ZHANG", &in), SR_OK);
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_ERR_CONFLICT);
    MSG(f, "user 'zhang' already has an expert profile");

    memset(&e, 0, sizeof(e));
    CHECK(f, sr_expert_get(f->st, "zhang", &e), SR_OK);
    assert_string_equal(e.login, "zhang");
    assert_string_equal(e.unit, "历下区消防救援大队");
    assert_string_equal(e.district, "370102");
    assert_string_equal(e.district_name, "历下区");
    assert_int_equal(e.specialities, SR_SPECS(SR_SPEC_FIRE));
    assert_string_equal(e.trained_on, "2026-03-01");
    assert_string_equal(e.certified_on, "2026-04-01");
    assert_string_equal(e.expires_on, "2029-03-31");
    assert_int_equal(e.status, SR_EXPERT_ACTIVE);
    assert_string_equal(e.updated_at, "2026-09-15T02:00:00Z");
    assert_string_equal(e.updated_by, "root");
    sr_expert_release(&e);

    CHECK(f, sr_expert_get(f->st, "li", &e), SR_ERR_NOT_FOUND);
    MSG(f, "user 'li' has no expert profile");
    assert_int_equal(count(f, "SELECT count(*) FROM expert_events WHERE "
                              "action = 'expert_added'"),
                     1);
}

/* ------------------------------------------------------------------ */
/* Updating                                                             */
/* ------------------------------------------------------------------ */

static void
test_update(void **state)
{
    struct fx *f = *state;
    struct sr_expert_in in, ch;
    struct sr_expert e;
    int64_t id = user(f, "zhang", "历下区");
    struct sr_user u;

    user(f, "li", "历城区");
    in = profile("历下区", SR_SPECS(SR_SPEC_FIRE), "2026-04-01", "2029-03-31");
    CHECK(f, sr_expert_add(f->st, "zhang", &in), SR_OK);

    memset(&ch, 0, sizeof(ch));
    ch.status = -1;
    CHECK(f, sr_expert_update(f->st, "li", &ch), SR_ERR_NOT_FOUND);
    MSG(f, "user 'li' has no expert profile");

    /* An expiry before the stored certification. */
    ch.expires_on = "2026-03-31";
    CHECK(f, sr_expert_update(f->st, "zhang", &ch), SR_ERR_INPUT);
    MSG(f, "expires_on 2026-03-31 must be after certified_on 2026-04-01");

    /* A renewed certificate and a second speciality; the rest kept. */
    ch.expires_on = "2030-03-31";
    ch.specialities = SR_SPECS(SR_SPEC_FIRE) | SR_SPECS(SR_SPEC_SWIMMING);
    sr_store_set_clock(f->st, CLOCK + 86400);
    CHECK(f, sr_expert_update(f->st, "zhang", &ch), SR_OK);
    memset(&e, 0, sizeof(e));
    CHECK(f, sr_expert_get(f->st, "zhang", &e), SR_OK);
    assert_string_equal(e.expires_on, "2030-03-31");
    assert_string_equal(e.certified_on, "2026-04-01");
    assert_string_equal(e.unit, "历下区消防救援大队");
    assert_int_equal(e.specialities,
                     SR_SPECS(SR_SPEC_FIRE) | SR_SPECS(SR_SPEC_SWIMMING));
    assert_string_equal(e.updated_at, "2026-09-16T02:00:00Z");
    sr_expert_release(&e);
    assert_int_equal(count(f, "SELECT count(*) FROM expert_events WHERE "
                              "action = 'expert_updated'"),
                     1);

    /* The inspector grant revoked: retiring is allowed, making active
     * again is not. */
    memset(&u, 0, sizeof(u));
    CHECK(f, sr_user_get(f->st, id, &u), SR_OK);
    assert_int_equal(u.n_grants, 1);
    CHECK(f, sr_grant_revoke(f->st, u.grants[0].id), SR_OK);
    sr_user_release(&u);
    memset(&ch, 0, sizeof(ch));
    ch.status = SR_EXPERT_RETIRED;
    CHECK(f, sr_expert_update(f->st, "zhang", &ch), SR_OK);
    ch.status = SR_EXPERT_ACTIVE;
    CHECK(f, sr_expert_update(f->st, "zhang", &ch), SR_ERR_STATE);
    MSG(f, "user 'zhang' holds no inspector grant: an expert is an "
           "inspector (grant the role first)");
    CHECK(f, sr_expert_get(f->st, "zhang", &e), SR_OK);
    assert_int_equal(e.status, SR_EXPERT_RETIRED);
    sr_expert_release(&e);
}

/* ------------------------------------------------------------------ */
/* List and summary                                                     */
/* ------------------------------------------------------------------ */

/* Four experts:
 *   aa 历下区 fire+food      certified 2026-04-01, expires 2026-12-31
 *   bb 历下区 swimming       certified 2026-09-01, expires 2027-06-30
 *   cc 历下区 fire           suspended (certified, not expired)
 *   dd 历城区 lab_chemicals  certified 2026-09-10, expires 2026-10-01
 * (the comments below call them a, b, c, d) */
static void
corps(struct fx *f)
{
    struct sr_expert_in in;

    user(f, "aa", "历下区");
    user(f, "bb", "历下区");
    user(f, "cc", "历下区");
    user(f, "dd", "历城区");
    in = profile("历下区", SR_SPECS(SR_SPEC_FIRE) | SR_SPECS(SR_SPEC_FOOD),
                 "2026-04-01", "2026-12-31");
    CHECK(f, sr_expert_add(f->st, "aa", &in), SR_OK);
    in = profile("历下区", SR_SPECS(SR_SPEC_SWIMMING), "2026-09-01",
                 "2027-06-30");
    CHECK(f, sr_expert_add(f->st, "bb", &in), SR_OK);
    in = profile("370102", SR_SPECS(SR_SPEC_FIRE), "2026-04-01",
                 "2028-12-31");
    in.status = SR_EXPERT_SUSPENDED;
    CHECK(f, sr_expert_add(f->st, "cc", &in), SR_OK);
    in = profile("历城区", SR_SPECS(SR_SPEC_LAB_CHEMICALS), "2026-09-10",
                 "2026-10-01");
    CHECK(f, sr_expert_add(f->st, "dd", &in), SR_OK);
}

static const struct sr_expert_district *
district(const struct sr_expert_summary *s, const char *code)
{
    size_t i;

    for (i = 0; i < s->n_districts; i++)
        if (!strcmp(s->districts[i].code, code))
            return &s->districts[i];
    fail_msg("no district %s in the summary", code);
    return NULL;
}

static void
test_list_filters(void **state)
{
    struct fx *f = *state;
    struct sr_expert_filter flt;
    struct names n;

    corps(f);
    sr_expert_filter_init(&flt);
    assert_string_equal(listed(f, &flt, &n), "aa bb cc dd");
    flt.district = "370112";
    assert_string_equal(listed(f, &flt, &n), "dd");
    flt.district = "历下区";
    flt.speciality = SR_SPEC_FIRE;
    assert_string_equal(listed(f, &flt, &n), "aa cc");
    flt.status = SR_EXPERT_ACTIVE;
    assert_string_equal(listed(f, &flt, &n), "aa");
    sr_expert_filter_init(&flt);
    flt.speciality = SR_SPEC_FOOD;
    assert_string_equal(listed(f, &flt, &n), "aa");

    /* Due for re-training: expiring by today + N days, or expired. */
    sr_expert_filter_init(&flt);
    flt.due_days = 15;  /* up to 2026-09-30 */
    assert_string_equal(listed(f, &flt, &n), "");
    flt.due_days = 16;  /* 2026-10-01: d's expiry */
    assert_string_equal(listed(f, &flt, &n), "dd");
    flt.due_days = 107; /* 2026-12-31: a's too */
    assert_string_equal(listed(f, &flt, &n), "aa dd");
    flt.due_days = 0;
    flt.as_of = "2027-01-01"; /* both expired by then */
    assert_string_equal(listed(f, &flt, &n), "aa dd");

    flt.as_of = "2027-13-01";
    CHECK(f, sr_expert_list(f->st, &flt, collect, &n), SR_ERR_INPUT);
    MSG(f, "as_of '2027-13-01' is not a date (YYYY-MM-DD)");
    sr_expert_filter_init(&flt);
    flt.district = "东城区";
    CHECK(f, sr_expert_list(f->st, &flt, collect, &n), SR_ERR_NOT_FOUND);
}

/* The summary on the days around the certificates' edges. */
static void
test_summary_dates(void **state)
{
    struct fx *f = *state;
    struct sr_expert_summary s;
    const struct sr_expert_district *lx, *lc;

    corps(f);

    /* Today 2026-09-15: a, b, d certified; c suspended; d expires
     * within 90 days. */
    CHECK(f, sr_expert_summary(f->st, NULL, &s), SR_OK);
    assert_string_equal(s.as_of, "2026-09-15");
    assert_int_equal(s.target, 200);
    assert_int_equal(s.experts, 4);
    assert_int_equal(s.active, 3);
    assert_int_equal(s.certified, 3);
    assert_int_equal(s.due, 1);
    assert_int_equal(s.n_districts,
                     count(f, "SELECT count(*) FROM districts"));
    lx = district(&s, "370102");
    lc = district(&s, "370112");
    assert_string_equal(lx->name, "历下区");
    assert_int_equal(lx->experts, 3);
    assert_int_equal(lx->certified, 2);
    assert_int_equal(lc->experts, 1);
    assert_int_equal(lc->certified, 1);
    assert_int_equal(district(&s, "370103")->experts, 0);
    assert_int_equal(s.by_speciality[SR_SPEC_FIRE], 1); /* c suspended */
    assert_int_equal(s.by_speciality[SR_SPEC_FOOD], 1);
    assert_int_equal(s.by_speciality[SR_SPEC_SWIMMING], 1);
    assert_int_equal(s.by_speciality[SR_SPEC_LAB_CHEMICALS], 1);
    assert_int_equal(s.by_speciality[SR_SPEC_GENERAL], 0);
    sr_expert_summary_release(&s);

    /* 2026-08-31: only a (b certified on 2026-09-01, d on 09-10). */
    CHECK(f, sr_expert_summary(f->st, "2026-08-31", &s), SR_OK);
    assert_int_equal(s.certified, 1);
    assert_int_equal(s.by_speciality[SR_SPEC_SWIMMING], 0);
    sr_expert_summary_release(&s);
    CHECK(f, sr_expert_summary(f->st, "2026-09-01", &s), SR_OK);
    assert_int_equal(s.certified, 2);
    sr_expert_summary_release(&s);

    /* d's expiry day still counts; the day after it does not. */
    CHECK(f, sr_expert_summary(f->st, "2026-10-01", &s), SR_OK);
    assert_int_equal(s.certified, 3);
    assert_int_equal(district(&s, "370112")->certified, 1);
    sr_expert_summary_release(&s);
    CHECK(f, sr_expert_summary(f->st, "2026-10-02", &s), SR_OK);
    assert_int_equal(s.certified, 2);
    assert_int_equal(district(&s, "370112")->certified, 0);
    assert_int_equal(district(&s, "370112")->experts, 1);
    assert_int_equal(s.by_speciality[SR_SPEC_LAB_CHEMICALS], 0);
    /* a (2026-12-31) is within 90 days of 2026-10-02. */
    assert_int_equal(s.due, 1);
    sr_expert_summary_release(&s);

    /* a on 2026-12-31 and the day after. */
    CHECK(f, sr_expert_summary(f->st, "2026-12-31", &s), SR_OK);
    assert_int_equal(s.certified, 2);
    sr_expert_summary_release(&s);
    CHECK(f, sr_expert_summary(f->st, "2027-01-01", &s), SR_OK);
    assert_int_equal(s.certified, 1);
    assert_int_equal(district(&s, "370102")->certified, 1);
    assert_int_equal(s.by_speciality[SR_SPEC_FIRE], 0);
    sr_expert_summary_release(&s);

    CHECK(f, sr_expert_summary(f->st, "2027-02-29", &s), SR_ERR_INPUT);
    MSG(f, "as_of '2027-02-29' is not a date (YYYY-MM-DD)");
    sr_expert_summary_release(&s);
}

/* ------------------------------------------------------------------ */
/* The audit chain                                                      */
/* ------------------------------------------------------------------ */

static void
test_audit(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report rep;
    struct sr_expert_in ch;
    int64_t id;
    char want[256];

    corps(f);
    memset(&ch, 0, sizeof(ch));
    ch.status = SR_EXPERT_SUSPENDED;
    CHECK(f, sr_expert_update(f->st, "bb", &ch), SR_OK);
    assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE kind = "
                              "'expert'"),
                     5);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    assert_string_equal(rep.problem, "");
    assert_int_equal(rep.ok, 1);

    /* History cannot be rewritten nor a profile deleted. */
    raw(f, "UPDATE expert_events SET action = 'expert_added'", true);
    raw(f, "DELETE FROM experts", true);

    /* A profile edited by hand is named. */
    id = count(f, "SELECT id FROM users WHERE login = 'bb'");
    raw(f, "UPDATE experts SET status = 'active' WHERE \"user\" = "
           "(SELECT id FROM users WHERE login = 'bb')",
        false);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    assert_int_equal(rep.ok, 0);
    snprintf(want, sizeof(want),
             "expert profile of user %lld was altered outside schoolrisk: "
             "the row no longer matches its latest expert event",
             (long long)id);
    assert_string_equal(rep.problem, want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabulary),
        cmocka_unit_test_setup_teardown(test_add_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
