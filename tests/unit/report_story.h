/*
 * report_story.h - the district of the report tests: a registry of seven
 * schools in three districts, their responses on the mini system, and
 * setup(), which tells the story of 2025-2026 through the library on
 * pinned days (assessments, hazards assigned, rectified, reviewed and
 * signed off on either side of a quarter's end), so that every figure of
 * a period is known.  Shared by test_report.c (the figures against SQL)
 * and test_signoff.c (the same figures locked and corrected).
 *
 * Defines struct fx and includes report_fixture.h; include after
 * <cmocka.h>, <sqlite3.h>, the schoolrisk headers and testutil.h.
 */
#ifndef SR_REPORT_STORY_H
#define SR_REPORT_STORY_H

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"
    "3701020001,历下区甲小学,历下区,小学,公办,城区,是,否,是,否,否,1500,"
    "300,0,王老师,0531-0000001\n"
    "3701020002,历下区乙小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020003,历下区丙小学,历下区,小学,民办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020004,历下区丁小学,历下区,小学,公办,乡村,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020005,历下区戊中学,历下区,初中,公办,城区,否,否,是,是,否,900,0,"
    "0,,\n"
    "3701030001,市中区己小学,市中区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701120001,历城区庚小学,历城区,小学,公办,乡村,否,否,是,否,否,200,0,"
    "0,,\n";

/* A (boarding, 1500 pupils): 3 guards of 4, alarm link 基本符合. */
static const char responses_a[] =
    "item,value,note\n"
    "D1.1.1,3,保安员缺1名\n"
    "D1.1.2,pass,\n"
    "D1.2.1,pass,\n"
    "D1.2.2,基本符合,监控室与派出所联网时断时续\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,0,\n"
    "D2.1.2,3,\n"
    "D2.2.1,pass,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

/* 800 pupils, day school: everything at full points. */
static const char responses_full[] =
    "item,value,note\n"
    "D1.1.1,2,\n"
    "D1.1.2,pass,\n"
    "D1.2.1,pass,\n"
    "D1.2.2,符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,0,\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

/* C: the veto item fails. */
static const char responses_c[] =
    "item,value,note\n"
    "D1.1.1,2,\n"
    "D1.1.2,pass,\n"
    "D1.2.1,fail,东门无人值守\n"
    "D1.2.2,符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,0,\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

/* D: two fire extinguishers out of order. */
static const char responses_d[] =
    "item,value,note\n"
    "D1.1.1,2,\n"
    "D1.1.2,pass,\n"
    "D1.2.1,pass,\n"
    "D1.2.2,符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,2,灭火器过期2具\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    sqlite3 *raw; /* a second connection for the independent queries */
    int64_t ha1, ha2, hc, hd, hb1, hb2;
    char sha[65];
};

#include "report_fixture.h"

static int64_t
add_hazard(struct fx *f, const char *code, const char *desc)
{
    struct sr_hazard_new h;
    int64_t id = 0;
    bool linked = true;

    memset(&h, 0, sizeof(h));
    h.school = code;
    h.level = SR_HAZARD_GENERAL;
    h.description = desc;
    if (sr_hazard_add(f->st, &h, &id, &linked) != SR_OK)
        fail_msg("add: %s", sr_store_errmsg(f->st));
    assert_false(linked);
    return id;
}

/* Submit a school's self-inspection (自查) of @p code dated @p on. */
static int64_t
self_inspect(struct fx *f, const char *code, const char *on,
             const char *responses, struct sr_submit_report *rep)
{
    struct sr_assess_new n = {.school = code, .kind = SR_ASSESS_SELF,
                              .assessed_on = on};
    struct sr_assessment a;
    struct sr_diags d;
    char csv[128];
    int64_t id = 0;

    sr_diags_init(&d);
    snprintf(csv, sizeof(csv), "%s/self.csv", f->dir);
    write_file(csv, responses);
    ok(f, sr_assess_create(f->st, &n, &id));
    assert_int_equal(sr_assess_import(f->st, id, csv, &d), SR_OK);
    if (sr_assess_submit(f->st, id, &d, rep) != SR_OK)
        fail_msg("submit %s: %s", code, sr_store_errmsg(f->st));
    ok(f, sr_assess_get(f->st, id, &a));
    assert_int_equal(a.kind, SR_ASSESS_SELF);
    assert_true(a.submitted);
    sr_assessment_release(&a);
    sr_diags_release(&d);
    unlink(csv);
    return id;
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;
    struct sr_diags d;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-report-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    sr_diags_init(&d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    day(f, "2025-05-01");
    as(f, "管理员");
    assert_int_equal(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml",
                                               &out, &d),
                     SR_OK);
    assert_int_equal(sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                               sizeof(registry_csv) - 1, 0,
                                               &rep, &d),
                     SR_OK);
    assert_int_equal(rep.added, 7);
    sr_diags_release(&d);
    ok(f, sr_store_system_hash(f->st, "mini", "1.0", f->sha));

    as(f, "张检查员");
    day(f, "2025-06-01");
    assess(f, "3701020004", responses_d);
    f->hd = hazard_on(f, "3701020004", "D2.1.1");

    day(f, "2026-07-10");
    assess(f, "3701020001", responses_a);
    f->ha1 = hazard_on(f, "3701020001", "D1.1.1");
    f->ha2 = hazard_on(f, "3701020001", "D1.2.2");
    day(f, "2026-07-12");
    assess(f, "3701020002", responses_full);

    day(f, "2026-07-15");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->ha1, "李主任", "2026-08-15",
                           "增配保安员1名"));
    ok(f, sr_hazard_assign(f->st, f->ha2, "李主任", "2026-09-01",
                           "联系公安检修联网线路"));

    as(f, "张检查员");
    day(f, "2026-08-01");
    assess(f, "3701020003", responses_c);
    f->hc = hazard_on(f, "3701020003", "D1.2.1");
    day(f, "2026-08-02");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->hc, "钱校长", "2026-09-30",
                           "门卫室24小时值守"));
    as(f, "张检查员");
    day(f, "2026-08-05");
    assess(f, "3701030001", responses_full);

    day(f, "2026-08-10");
    as(f, "王老师");
    ok(f, sr_hazard_submit(f->st, f->ha1, "已增配", NULL));
    day(f, "2026-08-12");
    as(f, "赵科长");
    ok(f, sr_hazard_verify(f->st, f->ha1, NULL));

    day(f, "2026-09-20");
    as(f, "张检查员");
    f->hb1 = add_hazard(f, "3701020002", "操场护栏松动");
    day(f, "2026-09-28");
    as(f, "王老师");
    ok(f, sr_hazard_submit(f->st, f->hc, "已安排专人值守", NULL));
    /* 01:00 on 1 October in China: after the end of Q3. */
    clock_at(f->st, "2026-09-30T17:00:00Z");
    as(f, "赵科长");
    ok(f, sr_hazard_verify(f->st, f->hc, NULL));
    /* HC is major, under city supervision: the review leaves it
     * submitted, the city's sign-off closes it (same moment, so that it
     * closes on 1 October as the figures below expect). */
    as(f, "市教育局安全处");
    ok(f, sr_hazard_signoff(f->st, f->hc, NULL));
    day(f, "2026-10-03");
    as(f, "张检查员");
    f->hb2 = add_hazard(f, "3701020002", "楼梯扶手缺失");
    day(f, "2026-10-05");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->ha2, "孙主任", "2026-11-30", NULL));
    day(f, "2027-01-10");

    open_raw(f);
    *state = f;
    return 0;
}

#endif /* SR_REPORT_STORY_H */
