/*
 * test_report_xlsx.c - the district workbook, built from a report made
 * by hand (no database), written, then read back by an independent
 * reader (openpyxl under Debian's /usr/bin/python3, through
 * report_xlsx_read.py) and checked cell by cell: KPIs, rows, sheet
 * names, frozen panes, filters, print settings; and the failures: an
 * unwritable path, a bad UTF-8 string, a layout without a sheet.  Text
 * longer than a cell holds is cut with a marker, never a failure; the
 * file replaces the target whole, through a temporary file next to it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schoolrisk/hazards.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report_xlsx.h"
#include "testutil.h"

#define LAYOUT SR_FIXTURES "/../../templates/reports/district.csv"
#define READER SR_FIXTURES "/../unit/report_xlsx_read.py"
#define CHART_READER SR_FIXTURES "/../unit/report_city_read.py"
#define ROWS_CHECK SR_FIXTURES "/../unit/report_rows_check.py"

/* Copy a literal into a fixed char array (always fits here). */
#define SET(dst, lit) snprintf((dst), sizeof(dst), "%s", (lit))

static struct sr_report_school schools[3];
static struct sr_report_lost lost[2];
static struct sr_report_hazard hazards[2];
static char *systems[] = {"primary 2026.1 sha256 3f2a9c",
                          "junior 2026.1 sha256 77ab01"};

static void
make_report(struct sr_report_district *r)
{
    struct sr_report_kpis *k = &r->kpis;
    struct sr_report_school *s;
    int i;

    memset(r, 0, sizeof(*r));
    memset(schools, 0, sizeof(schools));
    memset(lost, 0, sizeof(lost));
    memset(hazards, 0, sizeof(hazards));
    r->code = "370102";
    r->name = "历下区&测试";
    SET(r->period.label, "2026Q3");
    SET(r->period.name, "2026年第三季度");
    SET(r->period.start, "2026-07-01");
    SET(r->period.end, "2026-09-30");

    for (i = 0; i < 3; i++) {
        s = &schools[i];
        sr_school_init(&s->school);
        s->school.attr[SR_ATTR_STAGE] = i < 2 ? SR_STAGE_PRIMARY
                                              : SR_STAGE_JUNIOR;
        s->school.set = 1u << SR_ATTR_STAGE;
        s->district = "370102";
        s->district_name = "历下区&测试";
        s->colour = -1;
    }
    s = &schools[0];
    SET(s->code, "3701020001");
    s->name = "实验小学<&>\"'";
    s->school.attr[SR_ATTR_SCHOOL_BUS] = 1;
    s->school.attr[SR_ATTR_CANTEEN] = 1;
    s->school.attr[SR_ATTR_ENROLLMENT] = 1200;
    s->assessed = true;
    s->assessment = 11;
    SET(s->assessed_on, "2026-09-10");
    s->inspector = "李四";
    s->system = "primary 2026.1";
    s->total = 9250;
    s->band = "blue";
    s->band_label = "低风险";
    s->colour = SR_BLUE;
    s->compliant = true;
    s->dimensions = "D01 安全管理 9.5/10; D02 消防 8/10";
    s->baseline[0] = s->baseline[1] = s->baseline[2] = true;
    s = &schools[1];
    SET(s->code, "3701020002");
    s->name = "=1+1";
    s->school.attr[SR_ATTR_OWNERSHIP] = 1;
    s->school.attr[SR_ATTR_BOARDING] = 1;
    s->school.attr[SR_ATTR_ENROLLMENT] = 800;
    s->assessed = true;
    s->assessment = 12;
    SET(s->assessed_on, "2026-08-01");
    s->inspector = "王五";
    s->system = "primary 2026.1";
    s->total = 5525;
    s->band = "red";
    s->band_label = "重大风险";
    s->colour = SR_RED;
    s->vetoed = true;
    s->veto_items = "D03.02.05 消防通道堵塞";
    s->open_hazards = 1;
    s->overdue_hazards = 1;
    s->baseline[1] = true;
    s->baseline_why = "guards: 无专职保安";
    s = &schools[2];
    SET(s->code, "3701020003");
    s->name = "第三中学";
    s->school.attr[SR_ATTR_ENROLLMENT] = 950;
    s->baseline[1] = true;
    r->schools = schools;
    r->n_schools = 3;

    SET(lost[0].code, "3701020001");
    lost[0].school_name = "实验小学<&>\"'";
    lost[0].dimension = "D01 安全管理";
    lost[0].item = "D01.01.02";
    /* Long enough to wrap over several lines. */
    lost[0].item_title = "学校与教职工、学生家长逐级签订安全责任书，明确"
                         "校长为第一责任人，分管校领导、中层干部、班主任"
                         "和任课教师的安全职责分工清楚，签订率达到100%，"
                         "并有年度考核记录 (annual review)";
    lost[0].earned = 1500000;
    lost[0].max = 2000000;
    lost[0].value = "partial";
    lost[0].note = "缺少两份 <责任书>";
    SET(lost[1].code, "3701020002");
    lost[1].school_name = "=1+1";
    lost[1].dimension = "D03 消防安全";
    lost[1].item = "D03.02.05";
    lost[1].item_title = "消防通道畅通";
    lost[1].earned = 0;
    lost[1].max = 5000000;
    lost[1].value = "no";
    lost[1].hazard = SR_HAZARD_MAJOR;
    lost[1].veto = true;
    r->lost = lost;
    r->n_lost = 2;

    hazards[0].id = 7;
    SET(hazards[0].code, "3701020001");
    hazards[0].school_name = "实验小学<&>\"'";
    hazards[0].item_title = "东门护栏";
    hazards[0].description = "东门护栏松动，\n两处焊点开裂；\n"
                             "雨天放学时段学生在此聚集，存在倒塌伤人风险";
    hazards[0].level = SR_HAZARD_GENERAL;
    SET(hazards[0].found_on, "2026-07-05");
    hazards[0].found_by = "李四";
    hazards[0].responsible = "赵六";
    hazards[0].measures = "加固";
    SET(hazards[0].deadline, "2026-07-15");
    hazards[0].status = SR_HAZARD_CLOSED;
    SET(hazards[0].closed_on, "2026-07-18");
    hazards[0].days_late = 3;
    hazards[1].id = 9;
    SET(hazards[1].code, "3701020002");
    hazards[1].school_name = "=1+1";
    hazards[1].item_title = "消防通道";
    hazards[1].description = "通道堆放杂物 & 车辆";
    hazards[1].level = SR_HAZARD_MAJOR;
    SET(hazards[1].found_on, "2026-08-01");
    hazards[1].found_by = "王五";
    SET(hazards[1].deadline, "2026-09-18");
    hazards[1].status = SR_HAZARD_RECTIFYING;
    hazards[1].days_overdue = 12;
    hazards[1].supervised = true;
    r->hazards = hazards;
    r->n_hazards = 2;
    r->systems = systems;
    r->n_systems = 2;

    k->schools = 3;
    k->assessed = 2;
    k->coverage = (struct sr_rate){2, 3};
    k->compliant = 1;
    k->compliance = (struct sr_rate){1, 3};
    k->bands[SR_BLUE] = 1;
    k->bands[SR_RED] = 1;
    k->vetoed = 1;
    k->baseline_met[0] = 1;
    k->baseline_rate[0] = (struct sr_rate){1, 3};
    k->baseline_met[1] = 3;
    k->baseline_rate[1] = (struct sr_rate){3, 3};
    k->baseline_met[2] = 1;
    k->baseline_rate[2] = (struct sr_rate){1, 3};
    k->baseline_rate[3] = (struct sr_rate){0, 3};
    k->hazards_found = 2;
    k->hazards_closed = 1;
    k->hazards_closed_late = 1;
    k->hazards_open = 1;
    k->hazards_overdue = 1;
    k->rectification = (struct sr_rate){1, 2};
    k->open_major = 1;
    k->stages[SR_STAGE_PRIMARY] =
        (struct sr_report_stage){SR_STAGE_PRIMARY, 2, 2, 1};
    k->stages[SR_STAGE_JUNIOR] =
        (struct sr_report_stage){SR_STAGE_JUNIOR, 1, 0, 0};
}

static const char *const want_full[] = {
    "sheets=概况,学校评估,失分明细,隐患台账,四个100%,说明",
    /* 概况 */
    /* The title and 填报单位 from the shipped layout's sheet 文字. */
    "概况!A1=历下区&测试2026年第三季度中小学幼儿园校园安全风险评估报告",
    "概况!A6=填报单位", "概况!B6=济南市历下区&测试教育和体育局",
    "概况!B2=历下区&测试（370102）",
    "概况!B3=2026年第三季度（2026-07-01 至 2026-09-30）",
    /* China time; the systems without their hashes (说明 has them). */
    "概况!B4=2026年10月8日 09:30",
    "概况!B5=primary 2026.1、junior 2026.1",
    "概况!A8=学校数", "概况!B8=3 [0]",
    "概况!A9=已评估", "概况!B9=2 [0]",
    "概况!A10=评估覆盖率", "概况!B10=0.6666666667 [0.0%]",
    "概况!C10=2/3",
    "概况!A11=达标数", "概况!B11=1 [0]",
    "概况!A12=达标率", "概况!B12=0.3333333333 [0.0%]",
    "概况!A13=低风险（蓝色）学校数", "概况!B13=1 [0]",
    "概况!A14=一般风险（黄色）学校数", "概况!B14=0 [0]",
    "概况!A15=较大风险（橙色）学校数", "概况!B15=0 [0]",
    "概况!A16=重大风险（红色）学校数", "概况!B16=1 [0]",
    "概况!A17=一票否决", "概况!B17=1 [0]",
    "概况!A18=四个100%：专职保安员配备达标率",
    "概况!B18=0.3333333333 [0.0%]",
    "概况!A19=四个100%：封闭化管理达标率", "概况!B19=1 [0.0%]",
    "概况!B20=0.3333333333 [0.0%]",
    "概况!A21=四个100%：护学岗达标率", "概况!B21=0 [0.0%]",
    "概况!A22=是否实现四个100%", "概况!B22=否",
    "概况!A23=隐患发现数", "概况!B23=2 [0]",
    "概况!A24=隐患销号数", "概况!B24=1 [0]",
    "概况!A25=逾期销号数", "概况!B25=1 [0]", "概况!C25=销号晚于整改期限",
    "概况!A26=未整改隐患", "概况!B26=1 [0]",
    "概况!A27=逾期隐患", "概况!B27=1 [0]",
    "概况!A28=整改率", "概况!B28=0.5 [0.0%]", "概况!C28=1/2",
    "概况!A29=未整改重大隐患", "概况!B29=1 [0]",
    "概况!A31=分学段情况",
    "概况!A33=小学", "概况!B33=2 [0]", "概况!C33=2 [0]",
    "概况!D33=1 [0.0%]", "概况!E33=1 [0]", "概况!F33=0.5 [0.0%]",
    "概况!A34=初中", "概况!B34=1 [0]", "概况!D34=0 [0.0%]",
    "概况!A35=合计", "概况!B35=3 [0]", "概况!F35=0.3333333333 [0.0%]",
    "概况!A53=单位负责人：__________　　审核人：__________　　填报人："
    "__________　　联系电话：__________　　填报日期：__________",
    "概况:charts=2",
    /* The second page begins with 分学段情况: its heading never parted
     * from its rows, the charts and signatures under it. */
    "概况:breaks=30",
    "概况:print=landscape paper=9 fitw=1 fith=0 fit=True",
    /* '&' in the unit doubled: a footer's control character. */
    "概况:footer=济南市历下区&&测试教育和体育局　　第 &P 页，共 &N 页",
    /* 学校评估 */
    "学校评估:freeze=A2", "学校评估:filter=A1:S4",
    "学校评估:print=landscape paper=9 fitw=1 fith=0 fit=True",
    "学校评估:titles=$1:$1", "学校评估:footer=济南市历下区&&测试教育和体育局　　"
    "第 &P 页，共 &N 页",
    "学校评估!A1=学校代码", "学校评估!J1=总分", "学校评估!S1=逾期隐患",
    "学校评估!A2=3701020001", "学校评估!A2.fill=DDEBF7",
    "学校评估!B2=实验小学<&>\"'", "学校评估!C2=小学",
    "学校评估!D2=公办", "学校评估!E2=否", "学校评估!F2=是",
    "学校评估!H2=1200 [0]", "学校评估!I2=已评估",
    "学校评估!J2=92.5 [0.00]", "学校评估!K2=低风险",
    "学校评估!L2=是", "学校评估!M2=否",
    "学校评估!O2=D01 安全管理 9.5/10; D02 消防 8/10",
    "学校评估!P2=2026-09-10", "学校评估!Q2=李四",
    "学校评估!R2=0 [0]", "学校评估!S2=0 [0]",
    "学校评估!A3.fill=FFC7CE", "学校评估!B3==1+1",
    "学校评估!D3=民办", "学校评估!E3=是",
    "学校评估!J3=55.25 [0.00]", "学校评估!K3=重大风险",
    "学校评估!L3=否", "学校评估!M3=是",
    "学校评估!N3=D03.02.05 消防通道堵塞",
    "学校评估!R3=1 [0]", "学校评估!S3=1 [0]",
    "学校评估!A4=3701020003", "学校评估!A4.fill=EDEDED",
    "学校评估!C4=初中", "学校评估!I4=未评估", "学校评估!K4=未评估",
    /* 失分明细 */
    "失分明细:freeze=A2", "失分明细:filter=A1:L3",
    "失分明细!B2=实验小学<&>\"'", "失分明细!F2=2 [0.00]",
    "失分明细!G2=1.5 [0.00]", "失分明细!H2=0.5 [0.00]",
    "失分明细!J2=缺少两份 <责任书>", "失分明细!K2=一般隐患",
    "失分明细!L2=否",
    "失分明细!B3==1+1", "失分明细!H3=5 [0.00]",
    "失分明细!K3=重大隐患", "失分明细!L3=是",
    /* 隐患台账 */
    "隐患台账:freeze=A2", "隐患台账:filter=A1:O3",
    "隐患台账:titles=$1:$1",
    "隐患台账!A1=隐患编号", "隐患台账!C1=隐患部位/项目",
    "隐患台账!A2=7 [0]", "隐患台账!K2=已销号",
    "隐患台账!L2=2026-07-18", "隐患台账!M2=0 [0]", "隐患台账!N1=超期销号天数",
    "隐患台账!N2=3 [0]", "隐患台账!J2=2026-07-15",
    "隐患台账!A3=9 [0]", "隐患台账!A3.fill=FFC7CE",
    "隐患台账!D3=通道堆放杂物 & 车辆", "隐患台账!E3=重大隐患",
    "隐患台账!J3=2026-09-18", "隐患台账!K3=整改中",
    "隐患台账!M3=12 [0]", "隐患台账!N3=0 [0]",
    "隐患台账!O3=是",
    /* 四个100% */
    "四个100%:freeze=A5", "四个100%:filter=A4:I7",
    "四个100%:titles=$4:$4",
    "四个100%!B1=专职保安员配备", "四个100%!B2=0.3333333333 [0.0%]",
    "四个100%!C2=1 [0.0%]", "四个100%!E2=0 [0.0%]",
    "四个100%!F1=实现四个100%", "四个100%!F2=否",
    "四个100%!A4=学校代码", "四个100%!D5=是", "四个100%!G5=否",
    "四个100%!H5=否", "四个100%!D6=否", "四个100%!E6=是",
    "四个100%!I6=guards: 无专职保安",
    /* 说明 */
    "说明:titles=$2:$2",
    "说明!B4=2026年第三季度（2026-07-01 至 2026-09-30）",
    "说明!A9=指标体系", "说明!B9=primary 2026.1 sha256 3f2a9c",
    "说明!A10=指标体系", "说明!B10=junior 2026.1 sha256 77ab01",
    "说明!A11=生成时间",
    "说明!B11=2026年10月8日 09:30（北京时间；2026-10-08T01:30:00Z）",
    "说明!B12=张三", "说明!A13=审计链头", "说明!B13=ab12cd34",
    "说明:print=landscape paper=9 fitw=1 fith=0 fit=True",
    "props:title=历下区&测试中小学校园安全风险评估报告（2026年第三季度）",
    "props:creator=张三",
    NULL};

static const char *const want_charts[] = {
    "概况:chart=barChart|风险等级分布",
    "概况:chartinfo=风险等级分布|dir=bar|min=0.0|max=None|unit=None|"
    "fmt=0|catrev=maxMin|labels=General|cats='概况'!$A$13:$A$16|"
    "vals='概况'!$B$13:$B$16",
    "概况:chart=barChart|分学段达标情况",
    NULL};

static const char *const overprint_none[] = {"overprinted=0", NULL};

static void
test_full_workbook(void **state)
{
    char dir[] = "/tmp/sr-xlsx-XXXXXX", path[256], args[300];
    struct sr_report_district r;
    struct sr_layout lay;
    struct sr_diags d;
    struct sr_report_meta meta = {"2026-10-08T01:30:00Z", "张三", "ab12cd34",
                                  NULL};
    char *out;

    (void)state;
    make_report(&r);
    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/district.xlsx", dir);
    assert_int_equal(sr_report_write_district(&r, &lay, path, &meta),
                     SR_OK);
    show_diags(&d);
    assert_int_equal(d.n, 0);
    out = read_back(READER, path);
    expect_lines(out, want_full);
    /* "=1+1" stays text, never a formula. */
    assert_null(strstr(out, "[formula]"));
    free(out);
    /* The risk bands as bars (a pie's thin slices overprint their
     * labels), 低风险 on top as in the table. */
    snprintf(args, sizeof(args), "dump %s", path);
    out = read_back(CHART_READER, args);
    expect_lines(out, want_charts);
    free(out);
    /* No wrapped text prints over the row below (the long 指标内容 and
     * 隐患描述 above take several lines). */
    out = read_back(ROWS_CHECK, path);
    expect_lines(out, overprint_none);
    assert_null(strstr(out, "\nmultiline=0\n"));
    free(out);
    remove_dir(dir);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

static void
test_empty_district(void **state)
{
    char dir[] = "/tmp/sr-xlsx-XXXXXX", path[256];
    struct sr_report_district r;
    struct sr_layout lay;
    struct sr_diags d;
    struct sr_report_meta meta = {"2026-10-08", NULL, NULL, NULL};
    static const char *const want[] = {
        "sheets=概况,学校评估,失分明细,隐患台账,四个100%,说明",
        "概况!B8=0 [0]", "概况!B10=-", "概况!C10=-", "概况!B12=-",
        "概况!B18=-", "概况!B22=否", "概况!B28=-",
        "概况!A33=合计", "概况!D33=-",
        "概况!B5=-", "概况:charts=2",
        "学校评估:filter=A1:S1", "学校评估:freeze=A2",
        "隐患台账:filter=A1:O1", "四个100%:filter=A4:I4",
        "说明!B9=-", "说明!B11=-", "说明!B12=-",
        NULL};
    char *out;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.code = "370199";
    r.name = "空区";
    SET(r.period.label, "2026");
    SET(r.period.name, "2026年");
    SET(r.period.start, "2026-01-01");
    SET(r.period.end, "2026-12-31");
    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/empty.xlsx", dir);
    assert_int_equal(sr_report_write_district(&r, &lay, path, &meta),
                     SR_OK);
    out = read_back(READER, path);
    expect_lines(out, want);
    free(out);
    remove_dir(dir);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

static void
expect_failure(const struct sr_report_district *r,
               const struct sr_layout *lay, const char *path,
               sr_error want_rc, const char *want_msg)
{
    struct sr_diags d;
    struct sr_report_meta meta = {"2026-10-08", "张三", NULL, NULL};
    const char *const want[] = {want_msg, NULL};
    struct stat st;

    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_report_write_district(r, lay, path, &meta),
                     want_rc);
    assert_diags(&d, want);
    sr_diags_release(&d);
    if (want_rc != SR_ERR_IO)
        assert_int_not_equal(stat(path, &st), 0);
}

static void
test_failures(void **state)
{
    char dir[] = "/tmp/sr-xlsx-XXXXXX", path[256], msg[300];
    struct sr_report_district r;
    struct sr_layout lay, part;
    struct sr_diags d;
    const char *one = "sheet,field,heading,width,format\n"
                      "学校评估,code,代码,12,\n";

    (void)state;
    make_report(&r);
    sr_diags_init(&d);
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/x.xlsx", dir);

    expect_failure(&r, &lay, "/nonexistent/dir/x.xlsx", SR_ERR_IO,
                   "cannot write '/nonexistent/dir/x.xlsx': No such file "
                   "or directory");
    snprintf(msg, sizeof(msg), "cannot write '%s': Is a directory", dir);
    expect_failure(&r, &lay, dir, SR_ERR_IO, msg);

    schools[1].name = "bad\xff\xfe";
    expect_failure(&r, &lay, path, SR_ERR_INPUT,
                   "schools[1].name: invalid UTF-8 at byte 3");
    make_report(&r);
    hazards[1].measures = "\xe5\xae";
    expect_failure(&r, &lay, path, SR_ERR_INPUT,
                   "hazards[1].measures: invalid UTF-8 at byte 0");
    make_report(&r);

    assert_int_equal(sr_layout_parse(one, strlen(one), "p.csv", &part, &d),
                     SR_OK);
    expect_failure(&r, &part, path, SR_ERR_INPUT,
                   "layout has no columns for sheet '失分明细'");
    sr_layout_release(&part);

    remove_dir(dir);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

/* What ends a text cut to fit a cell (report_xlsx.h). */
#define MARK "…（已截断，全文见系统）"

/* @p n copies of @p unit, then @p tail; free() it. */
static char *
repeat(const char *unit, size_t n, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail), i;
    char *s = malloc(u * n + t + 1);

    assert_non_null(s);
    for (i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + n * u, tail, t + 1);
    return s;
}

/* The whole line "CELL=VALUE" is in @p out. */
static void
expect_cell(const char *out, const char *cell, const char *value)
{
    size_t size = strlen(cell) + strlen(value) + 4;
    char *line = malloc(size);

    assert_non_null(line);
    snprintf(line, size, "\n%s=%s\n", cell, value);
    if (!strstr(out, line)) {
        print_error("cell %s is not the %zu bytes expected\n", cell,
                    strlen(value));
        fail();
    }
    free(line);
}

/* Issue 10: a text over Excel's 32,767 characters per cell failed the
 * workbook (and `report all` with it).  Now it is cut to 32,767
 * characters in all, the marker included, between two characters: a
 * character outside the Basic Multilingual Plane counts two (UTF-16, as
 * Excel counts) and is never split. */
static void
test_long_text(void **state)
{
    char dir[] = "/tmp/sr-xlsx-XXXXXX", path[256];
    struct sr_report_district r;
    struct sr_layout lay;
    struct sr_diags d;
    struct sr_report_meta meta = {"2026-10-08 09:30:00", "张三", NULL,
                                  NULL};
    char *cjk, *emoji, *exact, *want_cjk, *want_emoji, *title, *out;

    (void)state;
    make_report(&r);
    sr_diags_init(&d);
    meta.diags = &d;
    /* 40,000 CJK characters (120,000 bytes). */
    cjk = repeat("消", 40000, "");
    /* 32,754 + 2 + 20 units: the cut (32,755 before the marker's 12)
     * falls inside the emoji, which goes whole. */
    emoji = repeat("a", 32754, "😀bbbbbbbbbbbbbbbbbbbb");
    /* Exactly a cell: kept as it is. */
    exact = repeat("n", 32767, "");
    want_cjk = repeat("消", 32755, MARK);
    want_emoji = repeat("a", 32754, MARK);
    /* The title is the name and 中小学校园安全风险评估报告. */
    title = repeat("消", 32755, MARK);
    hazards[0].description = cjk;
    schools[0].name = emoji;
    lost[0].school_name = emoji;
    lost[0].note = exact;
    r.name = cjk;
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/long.xlsx", dir);
    assert_int_equal(sr_report_write_district(&r, &lay, path, &meta),
                     SR_OK);
    show_diags(&d);
    assert_int_equal(d.n, 0);
    out = read_back(READER, path);
    expect_cell(out, "隐患台账!D2", want_cjk);
    expect_cell(out, "学校评估!B2", want_emoji);
    expect_cell(out, "失分明细!B2", want_emoji);
    expect_cell(out, "失分明细!J2", exact);
    expect_cell(out, "概况!A1", title);
    expect_cell(out, "隐患台账!D3", "通道堆放杂物 & 车辆");
    free(out);
    remove_dir(dir);
    free(cjk);
    free(emoji);
    free(exact);
    free(want_cjk);
    free(want_emoji);
    free(title);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

/* The names in directory @p dir, sorted, joined by ' '. */
static void
list_dir(const char *dir, char *buf, size_t size)
{
    struct dirent **v;
    int n, i;

    n = scandir(dir, &v, NULL, alphasort);
    assert_true(n >= 0);
    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        if (strcmp(v[i]->d_name, ".") && strcmp(v[i]->d_name, ".."))
            snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
                     buf[0] ? " " : "", v[i]->d_name);
        free(v[i]);
    }
    free(v);
}

/* Issue 10: a workbook was written in place, so a full disk or a kill
 * left a truncated one at the target.  Now an existing file is replaced
 * whole by a rename, nothing else is left in the directory, a link is
 * followed (the file it points to replaced, the link kept), and a
 * target that is not a regular file (/dev/full) is written in place:
 * its failure is SR_ERR_IO with the reason, and no message of
 * libxlsxwriter's. */
static void
test_file(void **state)
{
    char dir[] = "/tmp/sr-xlsx-XXXXXX", path[256], link[256], names[256];
    struct sr_report_district r;
    struct sr_layout lay;
    struct sr_diags d;
    struct sr_report_meta meta = {"2026-10-08", "张三", NULL, NULL};
    struct stat st;
    FILE *f;
    char *out;

    (void)state;
    make_report(&r);
    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/x.xlsx", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("an old workbook", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(sr_report_write_district(&r, &lay, path, &meta),
                     SR_OK);
    list_dir(dir, names, sizeof(names));
    assert_string_equal(names, "x.xlsx");
    out = read_back(READER, path);
    expect_lines(out, (const char *const[]){
                          "sheets=概况,学校评估,失分明细,隐患台账,四个100%,说明",
                          NULL});
    free(out);

    snprintf(link, sizeof(link), "%s/link.xlsx", dir);
    assert_int_equal(symlink("x.xlsx", link), 0);
    assert_int_equal(sr_report_write_district(&r, &lay, link, &meta),
                     SR_OK);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    list_dir(dir, names, sizeof(names));
    assert_string_equal(names, "link.xlsx x.xlsx");

    if (stat("/dev/full", &st) == 0)
        expect_failure(&r, &lay, "/dev/full", SR_ERR_IO,
                       "cannot write '/dev/full': No space left on device");
    remove_dir(dir);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

/* The whole of a text file (the caller frees); *len its length. */
static char *
read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 20);

    assert_non_null(f);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    assert_true(feof(f));
    fclose(f);
    return buf;
}

/* The attributes of schema 5 as columns of 学校评估: a layout may add
 * staff, population (derived: enrollment + staff), meal_delivery and
 * village_school. */
static void
test_added_attribute_fields(void **state)
{
    static const char extra[] =
        "学校评估,staff,教职工数,8,\n"
        "学校评估,population,师生员工数,9,\n"
        "学校评估,meal_delivery,校外供餐,8,\n"
        "学校评估,village_school,村小/教学点,10,\n";
    char dir[] = "/tmp/sr-xlsx-XXXXXX", path[256];
    struct sr_report_district r;
    struct sr_layout lay;
    struct sr_diags d;
    struct sr_report_meta meta = {"2026-10-08T01:30:00Z", "张三", NULL,
                                  NULL};
    char *text, *all, *out;
    size_t len;

    (void)state;
    make_report(&r);
    schools[0].school.attr[SR_ATTR_STAFF] = 86;
    schools[0].school.attr[SR_ATTR_MEAL_DELIVERY] = 1;
    schools[2].school.attr[SR_ATTR_VILLAGE_SCHOOL] = 1;
    sr_school_derive(&schools[0].school);
    sr_school_derive(&schools[2].school);
    sr_diags_init(&d);
    meta.diags = &d;
    text = read_text(LAYOUT, &len);
    all = malloc(len + sizeof(extra));
    assert_non_null(all);
    memcpy(all, text, len);
    memcpy(all + len, extra, sizeof(extra));
    assert_int_equal(sr_layout_parse(all, len + sizeof(extra) - 1, "l.csv",
                                     &lay, &d),
                     SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/district.xlsx", dir);
    assert_int_equal(sr_report_write_district(&r, &lay, path, &meta),
                     SR_OK);
    show_diags(&d);
    assert_int_equal(d.n, 0);
    out = read_back(READER, path);
    expect_lines(out, (const char *const[]){
                          "学校评估!T1=教职工数", "学校评估!U1=师生员工数",
                          "学校评估!V1=校外供餐", "学校评估!W1=村小/教学点",
                          "学校评估!T2=86 [0]", "学校评估!U2=1286 [0]",
                          "学校评估!V2=是", "学校评估!W2=否",
                          "学校评估!T4=0 [0]", "学校评估!U4=950 [0]",
                          "学校评估!V4=否", "学校评估!W4=是", NULL});
    free(out);
    remove_dir(dir);
    free(text);
    free(all);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_workbook),
        cmocka_unit_test(test_empty_district),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_added_attribute_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
