/*
 * test_report_city_xlsx.c - the city workbook, built from a report made
 * by hand (no database): three districts (one without schools, two
 * sharing rank 1), names that need escaping in XML and in page headers,
 * written, then read back by an independent reader (openpyxl under
 * Debian's /usr/bin/python3, through report_city_read.py) and checked
 * cell by cell: 区县汇总 with its total row and charts, the lists, 趋势
 * and its line chart, 说明, print settings and properties.  A large
 * report (25,000 schools off the baseline) is written in
 * constant_memory mode and read back row by row; and the failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "schoolrisk/hazards.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report_xlsx.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define SR_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SR_TEST_ASAN 1
#endif
#endif

#define LAYOUT SR_FIXTURES "/../../templates/reports/city.csv"
#define READER SR_FIXTURES "/../unit/report_city_read.py"
#define ROWS_CHECK SR_FIXTURES "/../unit/report_rows_check.py"

#define SET(dst, lit) snprintf((dst), sizeof(dst), "%s", (lit))

static struct sr_report_city_district districts[3];
static struct sr_report_school noncompliant[2];
static struct sr_report_school off[1];
static struct sr_report_hazard major[1];
static struct sr_report_peer peers[3];
static char *systems[] = {"primary 2026.1 sha256 3f2a9c",
                          "junior 2026.1 sha256 77ab01"};

static void
set_period(struct sr_period *p, const char *label, const char *name,
           const char *start, const char *end)
{
    memset(p, 0, sizeof(*p));
    p->kind = SR_PERIOD_QUARTER;
    SET(p->label, label);
    SET(p->name, name);
    SET(p->start, start);
    SET(p->end, end);
}

static struct sr_rate
rate(size_t num, size_t den)
{
    struct sr_rate r = {num, den};

    return r;
}

static void
school(struct sr_report_school *s, const char *code, const char *name,
       const char *district_name, int stage)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->code, sizeof(s->code), "%.10s", code);
    s->name = (char *)name;
    s->district_name = (char *)district_name;
    sr_school_init(&s->school);
    s->school.attr[SR_ATTR_STAGE] = stage;
    s->school.set = 1u << SR_ATTR_STAGE;
    s->colour = -1;
}

static void
make_report(struct sr_report_city *r)
{
    struct sr_report_kpis *k;
    int e;

    memset(r, 0, sizeof(*r));
    memset(districts, 0, sizeof(districts));
    set_period(&r->period, "2026Q3", "2026年第三季度", "2026-07-01",
               "2026-09-30");

    /* 历下区: 4 schools, all assessed, 2 compliant (50%). */
    districts[0].code = "370102";
    districts[0].name = "历下区";
    districts[0].rank = 1;
    k = &districts[0].kpis;
    k->schools = 4;
    k->assessed = 4;
    k->coverage = rate(4, 4);
    k->compliant = 2;
    k->compliance = rate(2, 4);
    k->bands[SR_BLUE] = 2;
    k->bands[SR_YELLOW] = 1;
    k->bands[SR_RED] = 1;
    k->vetoed = 0;
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        k->baseline_rate[e] = rate(4, 4);
    k->baseline_rate[SR_BASELINE_GUARDS] = rate(3, 4);
    k->hazards_found = 3;
    k->hazards_closed = 2;
    k->hazards_closed_late = 1;
    k->hazards_open = 1;
    k->hazards_overdue = 1;
    k->rectification = rate(2, 3);
    k->open_major = 1;

    /* 市中"区"<&>: 2 schools, 1 assessed, 1 compliant: also 50%. */
    districts[1].code = "370103";
    districts[1].name = "市中\"区\"<&>";
    districts[1].rank = 1;
    k = &districts[1].kpis;
    k->schools = 2;
    k->assessed = 1;
    k->coverage = rate(1, 2);
    k->compliant = 1;
    k->compliance = rate(1, 2);
    k->bands[SR_ORANGE] = 1;
    k->vetoed = 1;
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        k->baseline_rate[e] = rate(2, 2);
    k->four_100 = true;
    k->hazards_found = 1;
    /* Above 历下区's: the 整改率 chart's order is not the rank's. */
    k->rectification = rate(1, 1);
    k->hazards_open = 1;

    /* 新区: no schools; ranked last, every rate "-". */
    districts[2].code = "370199";
    districts[2].name = "新区";
    districts[2].rank = 3;

    r->districts = districts;
    r->n_districts = 3;
    k = &r->total;
    k->schools = 6;
    k->assessed = 5;
    k->coverage = rate(5, 6);
    k->compliant = 3;
    k->compliance = rate(3, 6);
    k->bands[SR_BLUE] = 2;
    k->bands[SR_YELLOW] = 1;
    k->bands[SR_ORANGE] = 1;
    k->bands[SR_RED] = 1;
    k->vetoed = 1;
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        k->baseline_rate[e] = rate(6, 6);
    k->baseline_rate[SR_BASELINE_GUARDS] = rate(5, 6);
    k->hazards_found = 4;
    k->hazards_closed = 2;
    k->hazards_closed_late = 1;
    k->hazards_open = 2;
    k->hazards_overdue = 1;
    k->rectification = rate(2, 4);
    k->open_major = 1;

    school(&noncompliant[0], "3701020002", "甲<小学>&分校", "历下区",
           SR_STAGE_PRIMARY);
    noncompliant[0].assessed = true;
    noncompliant[0].total = 7250;
    noncompliant[0].band_label = "一般风险";
    noncompliant[0].colour = SR_YELLOW;
    SET(noncompliant[0].assessed_on, "2026-09-12");
    school(&noncompliant[1], "3701030001", "乙中学", "市中\"区\"<&>",
           SR_STAGE_JUNIOR);
    noncompliant[1].assessed = true;
    noncompliant[1].total = 8800;
    noncompliant[1].band_label = "较大风险";
    noncompliant[1].colour = SR_ORANGE;
    noncompliant[1].vetoed = true;
    noncompliant[1].veto_items = "D03.02.05 消防通道堵塞";
    SET(noncompliant[1].assessed_on, "2026-08-30");
    r->noncompliant = noncompliant;
    r->n_noncompliant = 2;

    memset(major, 0, sizeof(major));
    major[0].id = 7;
    SET(major[0].code, "3701020004");
    major[0].school_name = "丁小学";
    major[0].district_name = "历下区";
    major[0].item_title = "教学楼东侧消防通道";
    major[0].description = "=1+1 消防通道被杂物堵塞";
    major[0].level = SR_HAZARD_MAJOR;
    SET(major[0].found_on, "2026-08-01");
    major[0].responsible = "王五";
    SET(major[0].deadline, "2026-08-31");
    major[0].status = SR_HAZARD_RECTIFYING;
    major[0].days_overdue = 30;
    r->major = major;
    r->n_major = 1;

    school(&off[0], "3701020003", "丙小学", "历下区", SR_STAGE_PRIMARY);
    off[0].baseline[SR_BASELINE_CLOSED_CAMPUS] = true;
    off[0].baseline[SR_BASELINE_ALARM_VIDEO] = true;
    off[0].baseline[SR_BASELINE_PROTECTION_POSTS] = true;
    off[0].baseline_why = "guards: 专职保安员 1 人，少于 2 人";
    r->off_baseline = off;
    r->n_off_baseline = 1;

    memset(peers, 0, sizeof(peers));
    peers[0] = (struct sr_report_peer){SR_STAGE_PRIMARY, 1, 2, "", "丁小学",
                                       "历下区", 9150, "低风险", true,
                                       false, 0, 0};
    SET(peers[0].code, "3701020004");
    peers[1] = (struct sr_report_peer){SR_STAGE_PRIMARY, 1, 2, "",
                                       "甲<小学>&分校", "历下区", 9150,
                                       "低风险", true, false, 0, 0};
    SET(peers[1].code, "3701020002");
    peers[2] = (struct sr_report_peer){SR_STAGE_JUNIOR, 1, 1, "", "乙中学",
                                       "市中\"区\"<&>", 8800, "较大风险",
                                       false, true, 0, 0};
    SET(peers[2].code, "3701030001");
    r->peers = peers;
    r->n_peers = 3;

    set_period(&r->trend[0].period, "2026Q2", "2026年第二季度",
               "2026-04-01", "2026-06-30");
    r->trend[0].kpis.schools = 6;
    r->trend[0].kpis.assessed = 3;
    r->trend[0].kpis.coverage = rate(3, 6);
    r->trend[0].kpis.compliance = rate(1, 6);
    r->trend[0].kpis.compliant = 1;
    r->trend[0].kpis.rectification = rate(0, 0);
    r->trend[1].period = r->period;
    r->trend[1].kpis = r->total;
    r->n_trend = 2;

    r->systems = systems;
    r->n_systems = 2;
}

static void
expect_absent(const char *out, const char *line)
{
    char buf[1024];

    snprintf(buf, sizeof(buf), "\n%s\n", line);
    if (strstr(out, buf)) {
        print_error("unexpected line: %s\n", line);
        fail();
    }
}

static const char *const want_full[] = {
    "sheets=区县汇总,未达标学校,重大隐患,四个100%未达标,同类排名,趋势,说明",
    /* 区县汇总: the layout's title and 填报单位 above the table */
    "区县汇总!A1=济南市2026年第三季度中小学幼儿园校园安全风险评估汇总表",
    "区县汇总!A2=填报单位：济南市教育局　　　　统计期：2026年第三季度"
    "（2026-07-01 至 2026-09-30）",
    "区县汇总:height1=30",
    /* 区县汇总: headings */
    "区县汇总!A3=达标率排名", "区县汇总!B3=区县", "区县汇总!E3=评估覆盖率",
    /* three lines of wrapped heading: "保安员配备达标率" in a column 8
     * wide holds three characters a line */
    "区县汇总:height3=45", "区县汇总!M3=保安员配备达标率",
    "区县汇总!G3=达标率", "区县汇总!Y3=未整改重大隐患",
    "区县汇总!R3=四个100%未评估学校数", "区县汇总!R4=0 [0]",
    "区县汇总!U3=逾期销号数",
    /* 历下区 */
    "区县汇总!A4=1 [0]", "区县汇总!B4=历下区", "区县汇总!C4=4 [0]",
    "区县汇总!D4=4 [0]", "区县汇总!E4=1 [0.0%]", "区县汇总!F4=2 [0]",
    "区县汇总!G4=0.5 [0.0%]", "区县汇总!H4=2 [0]", "区县汇总!I4=1 [0]",
    "区县汇总!J4=0 [0]", "区县汇总!K4=1 [0]", "区县汇总!L4=0 [0]",
    "区县汇总!M4=0.75 [0.0%]", "区县汇总!N4=1 [0.0%]",
    "区县汇总!O4=1 [0.0%]", "区县汇总!P4=1 [0.0%]", "区县汇总!Q4=否",
    "区县汇总!S4=3 [0]", "区县汇总!T4=2 [0]", "区县汇总!U4=1 [0]",
    "区县汇总!V4=1 [0]",
    "区县汇总!W4=1 [0]", "区县汇总!X4=0.6666666667 [0.0%]",
    "区县汇总!Y4=1 [0]",
    /* the tie: same rank */
    "区县汇总!A5=1 [0]", "区县汇总!B5=市中\"区\"<&>",
    "区县汇总!E5=0.5 [0.0%]", "区县汇总!G5=0.5 [0.0%]",
    "区县汇总!J5=1 [0]", "区县汇总!L5=1 [0]", "区县汇总!Q5=是",
    "区县汇总!X5=1 [0.0%]",
    /* the empty district */
    "区县汇总!A6=3 [0]", "区县汇总!B6=新区", "区县汇总!C6=0 [0]",
    "区县汇总!E6=-", "区县汇总!G6=-", "区县汇总!M6=-", "区县汇总!Q6=否",
    "区县汇总!X6=-", "区县汇总!Y6=0 [0]",
    /* the city total row */
    "区县汇总!B7=全市合计", "区县汇总!C7=6 [0]", "区县汇总!D7=5 [0]",
    "区县汇总!E7=0.8333333333 [0.0%]", "区县汇总!F7=3 [0]",
    "区县汇总!G7=0.5 [0.0%]", "区县汇总!H7=2 [0]", "区县汇总!K7=1 [0]",
    "区县汇总!L7=1 [0]", "区县汇总!M7=0.8333333333 [0.0%]",
    "区县汇总!Q7=否", "区县汇总!S7=4 [0]", "区县汇总!U7=1 [0]",
    "区县汇总!V7=2 [0]",
    "区县汇总!X7=0.5 [0.0%]", "区县汇总!Y7=1 [0]",
    /* the signature line from the layout, below the total */
    "区县汇总!A9=单位负责人：__________　　审核人：__________　　填报人："
    "__________　　联系电话：__________　　填报日期：__________",
    /* the charts' data: one block a rate, highest first, "-" last */
    "区县汇总!A11=区县对比（图表数据，各按比率由高到低）",
    "区县汇总!B12=区县", "区县汇总!C12=达标率",
    "区县汇总!B13=历下区", "区县汇总!C13=0.5 [0.0%]",
    "区县汇总!B14=市中\"区\"<&>", "区县汇总!C14=0.5 [0.0%]",
    "区县汇总!B15=新区", "区县汇总!C15=-",
    "区县汇总!B27=区县", "区县汇总!C27=评估覆盖率",
    "区县汇总!B28=历下区", "区县汇总!C28=1 [0.0%]",
    "区县汇总!B29=市中\"区\"<&>", "区县汇总!C29=0.5 [0.0%]",
    "区县汇总!B30=新区", "区县汇总!C30=-",
    /* 整改率: 市中 (100%) before 历下区 (66.7%), against the rank */
    "区县汇总!B42=区县", "区县汇总!C42=整改率",
    "区县汇总!B43=市中\"区\"<&>", "区县汇总!C43=1 [0.0%]",
    "区县汇总!B44=历下区", "区县汇总!C44=0.6666666667 [0.0%]",
    "区县汇总!B45=新区", "区县汇总!C45=-",
    "区县汇总:charts=3",
    /* Horizontal bars, top down in the data's order, labelled in %, the
     * value axis from the lowest rate rounded down to 10% (one step
     * lower when round: 50% -> 40%) to 100%. */
    "区县汇总:chart=barChart|各区县达标率（由高到低）",
    "区县汇总:chartinfo=各区县达标率（由高到低）|dir=bar|min=0.4|max=1.0|"
    "unit=0.1|fmt=0%|catrev=maxMin|labels=0.0%|"
    "cats='区县汇总'!$B$13:$B$15|vals='区县汇总'!$C$13:$C$15",
    "区县汇总:chartinfo=各区县评估覆盖率（由高到低）|dir=bar|min=0.4|"
    "max=1.0|unit=0.1|fmt=0%|catrev=maxMin|labels=0.0%|"
    "cats='区县汇总'!$B$28:$B$30|vals='区县汇总'!$C$28:$C$30",
    "区县汇总:chartinfo=各区县隐患整改率（由高到低）|dir=bar|min=0.6|"
    "max=1.0|unit=0.1|fmt=0%|catrev=maxMin|labels=0.0%|"
    "cats='区县汇总'!$B$43:$B$45|vals='区县汇总'!$C$43:$C$45",
    /* the filter leaves the total row out */
    "区县汇总:freeze=A4", "区县汇总:filter=A3:Y6",
    "区县汇总:print=landscape paper=9 fitw=1 fith=0 fit=True",
    "区县汇总:titles=$3:$3",
    "区县汇总:footer=济南市教育局　　第 &P 页，共 &N 页",
    "区县汇总:header=全市|区县汇总|2026年第三季度",
    /* 未达标学校 */
    "未达标学校!A1=区县", "未达标学校!I1=评估日期",
    "未达标学校!A2=历下区", "未达标学校!B2=3701020002",
    "未达标学校!C2=甲<小学>&分校", "未达标学校!D2=小学",
    "未达标学校!E2=72.5 [0.00]", "未达标学校!F2=一般风险",
    "未达标学校!G2=否", "未达标学校!I2=2026-09-12",
    "未达标学校!A2.fill=FFF2CC",
    "未达标学校!A3=市中\"区\"<&>", "未达标学校!D3=初中",
    "未达标学校!E3=88 [0.00]", "未达标学校!F3=较大风险",
    "未达标学校!G3=是", "未达标学校!H3=D03.02.05 消防通道堵塞",
    "未达标学校!A3.fill=FCE4D6",
    "未达标学校:filter=A1:I3", "未达标学校:titles=$1:$1",
    "未达标学校:print=landscape paper=9 fitw=1 fith=0 fit=True",
    /* 重大隐患 */
    "重大隐患!A2=历下区", "重大隐患!B2=丁小学",
    "重大隐患!C2=教学楼东侧消防通道", "重大隐患!D2==1+1 消防通道被杂物堵塞",
    "重大隐患!E2=2026-08-01", "重大隐患!F2=王五", "重大隐患!G2=2026-08-31",
    "重大隐患!H2=30 [0]", "重大隐患!I2=整改中", "重大隐患!A2.fill=FFC7CE",
    "重大隐患:filter=A1:I2",
    /* 四个100%未达标 */
    "四个100%未达标!A2=历下区", "四个100%未达标!B2=3701020003",
    "四个100%未达标!C2=丙小学", "四个100%未达标!E2=否",
    "四个100%未达标!F2=是", "四个100%未达标!G2=是", "四个100%未达标!H2=是",
    "四个100%未达标!I2=guards: 专职保安员 1 人，少于 2 人",
    /* 同类排名: what the list is, then the ties (all keys equal) */
    "同类排名!A1=各学段总分排名后10%的学校（每个学段至少10所，不足10所的"
    "全部列出；与最后入选学校名次相同的一并列出），按名次排列；完整排名见"
    "系统。名次依次按有无一票否决（无者在前）、总分（高者在前）、期末逾期"
    "隐患数（少者在前）、期末未整改隐患数（少者在前）确定，以上全部相同的"
    "名次相同，按学校代码排列。",
    "同类排名!A2=学段", "同类排名!I2=一票否决", "同类排名!J2=逾期隐患",
    "同类排名!K2=未整改隐患", "同类排名!L2=是否达标",
    "同类排名!A3=小学", "同类排名!B3=1 [0]", "同类排名!C3=2 [0]",
    "同类排名!D3=历下区", "同类排名!E3=3701020004", "同类排名!F3=丁小学",
    "同类排名!G3=91.5 [0.00]", "同类排名!H3=低风险", "同类排名!I3=否",
    "同类排名!J3=0 [0]", "同类排名!K3=0 [0]", "同类排名!L3=是",
    "同类排名!B4=1 [0]", "同类排名!F4=甲<小学>&分校",
    "同类排名!A5=初中", "同类排名!B5=1 [0]", "同类排名!C5=1 [0]",
    "同类排名!I5=是", "同类排名!L5=否",
    "同类排名:freeze=A3", "同类排名:filter=A2:L5", "同类排名:titles=$2:$2",
    /* 趋势 */
    "趋势!A2=2026Q2", "趋势!B2=2026年第二季度", "趋势!C2=6 [0]",
    "趋势!E2=0.5 [0.0%]", "趋势!G2=0.1666666667 [0.0%]", "趋势!M2=-",
    "趋势!A3=2026Q3", "趋势!E3=0.8333333333 [0.0%]", "趋势!M3=0.5 [0.0%]",
    "趋势!A5=趋势（图表数据）", "趋势!A7=第二季度",
    "趋势!B7=0.5 [0.0%]", "趋势!D7=-", "趋势!A8=第三季度",
    "趋势!D8=0.5 [0.0%]",
    "趋势:charts=1", "趋势:chart=lineChart|全市主要指标趋势",
    /* lowest of the three rates 16.7%: from 10%, then down to 0% so
     * that steps of 20% reach 100% */
    "趋势:chartinfo=全市主要指标趋势|dir=-|min=0.0|max=1.0|unit=0.2|"
    "fmt=0%|catrev=minMax|labels=-|cats='趋势'!$A$7:$A$8|"
    "vals='趋势'!$B$7:$B$8",
    "趋势:filter=A1:N3",
    /* 说明 */
    "说明!A3=范围", "说明!B3=全市（3 个区县）",
    "说明!B4=2026年第三季度（2026-07-01 至 2026-09-30）",
    "说明!A13=指标体系", "说明!B13=primary 2026.1 sha256 3f2a9c",
    "说明!B14=junior 2026.1 sha256 77ab01",
    /* In China time, the next day and year. */
    "说明!A15=生成时间",
    "说明!B15=2027年1月1日 01:30（北京时间；2026-12-31T17:30:00Z）",
    "说明!B16=张三", "说明!A17=审计链头", "说明!B17=ab12cd34",
    "说明:titles=$2:$2",
    "说明:print=landscape paper=9 fitw=1 fith=0 fit=True",
    "props:title=全市中小学校园安全风险评估汇总（2026年第三季度）",
    "说明:footer=济南市教育局　　第 &P 页，共 &N 页",
    "props:creator=张三",
    "props:subject=中小学校园安全风险评估",
    NULL};

static const char *const overprint_none[] = {"overprinted=0", NULL};

static void
test_full_workbook(void **state)
{
    char dir[] = "/tmp/sr-cxlsx-XXXXXX", path[256], args[300];
    struct sr_report_city r;
    struct sr_layout lay;
    struct sr_diags d;
    struct sr_report_meta meta = {"2026-12-31T17:30:00Z", "张三", "ab12cd34",
                                  NULL};
    char *out;

    (void)state;
    make_report(&r);
    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/city.xlsx", dir);
    assert_int_equal(sr_report_write_city(&r, &lay, path, &meta), SR_OK);
    show_diags(&d);
    assert_int_equal(d.n, 0);
    snprintf(args, sizeof(args), "dump %s", path);
    out = read_back(READER, args);
    expect_lines(out, want_full);
    /* No rank on the total row; text never becomes a formula. */
    expect_absent(out, "区县汇总!A7=0 [0]");
    assert_null(strstr(out, "[formula]"));
    /* Only three district rows: nothing after the total but the data. */
    expect_absent(out, "区县汇总!B8=全市合计");
    free(out);
    /* No wrapped text prints over the row below: 说明's rules, the
     * headings above the charts' data. */
    out = read_back(ROWS_CHECK, path);
    expect_lines(out, overprint_none);
    assert_null(strstr(out, "\nmultiline=0\n"));
    free(out);
    remove_dir(dir);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

/* One period of trend: no line chart; no districts: no charts. */
static void
test_empty_city(void **state)
{
    char dir[] = "/tmp/sr-cxlsx-XXXXXX", path[256], args[300];
    struct sr_report_city r;
    struct sr_layout lay;
    struct sr_diags d;
    char *out;
    const char *const want[] = {
        "区县汇总!B4=全市合计", "区县汇总!C4=0 [0]", "区县汇总!E4=-",
        "区县汇总!A6=单位负责人：__________　　审核人：__________　　"
        "填报人：__________　　联系电话：__________　　填报日期："
        "__________",
        "区县汇总:charts=0", "区县汇总:filter=A3:Y3",
        /* One period: a note instead of an empty chart. */
        "趋势!A2=2026Q3", "趋势:charts=0",
        "趋势!A4=本年度截至2026年第三季度只有本期有评估数据，暂无趋势图；"
        "有两个及以上统计期的数据后，这里显示各期评估覆盖率、达标率和整改率"
        "的折线图。",
        "未达标学校:filter=A1:I1",
        "说明!B3=全市（0 个区县）", "说明!A13=指标体系", "说明!B13=-",
        "说明!A14=生成时间", "说明!B14=-", "说明!B15=-", "说明!B16=-",
        NULL};

    (void)state;
    memset(&r, 0, sizeof(r));
    set_period(&r.period, "2026Q3", "2026年第三季度", "2026-07-01",
               "2026-09-30");
    r.trend[0].period = r.period;
    r.n_trend = 1;
    sr_diags_init(&d);
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/empty.xlsx", dir);
    assert_int_equal(sr_report_write_city(&r, &lay, path, NULL), SR_OK);
    snprintf(args, sizeof(args), "dump %s", path);
    out = read_back(READER, args);
    expect_lines(out, want);
    free(out);
    remove_dir(dir);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

/* The bureau's words come from the layout file: a changed title and
 * unit show in the workbook, on top of 区县汇总 and in every footer.
 * And 同类排名 lists each stage's bottom tenth, at least 10 schools,
 * the tie at the cut whole, in rank order. */
static void
test_words_and_bottom_peers(void **state)
{
    char dir[] = "/tmp/sr-cxlsx-XXXXXX", path[256], args[300];
    struct sr_report_city r;
    struct sr_layout lay;
    struct sr_diags d;
    struct sr_report_peer v[28];
    char names[28][32], *buf = NULL, *text, *at;
    size_t len, i;
    char *out;
    const char *const want[] = {
        "区县汇总!A1=泉城市2026年第三季度校园安全汇总",
        "区县汇总!A2=填报单位：泉城市教育和体育局　　　　统计期："
        "2026年第三季度（2026-07-01 至 2026-09-30）",
        "区县汇总!A9=校长：__________　　经办人：__________",
        "区县汇总:footer=泉城市教育和体育局 && 第 &P 页",
        "说明:footer=泉城市教育和体育局 && 第 &P 页",
        /* Primary: 25 schools, the bottom 10 from rank 16 on; 甲15 and
         * 甲16 tie at rank 15, so both are in: 11 rows. */
        "同类排名!A3=小学", "同类排名!B3=15 [0]", "同类排名!C3=25 [0]",
        "同类排名!F3=甲15",
        "同类排名!B4=15 [0]", "同类排名!F4=甲16",
        "同类排名!B5=17 [0]", "同类排名!F5=甲17",
        "同类排名!B13=25 [0]", "同类排名!F13=甲25",
        /* Junior: 3 schools, fewer than 10: all of them. */
        "同类排名!A14=初中", "同类排名!B14=1 [0]", "同类排名!C14=3 [0]",
        "同类排名!F14=乙1", "同类排名!B16=3 [0]", "同类排名!F16=乙3",
        "同类排名:filter=A2:L16",
        NULL};

    (void)state;
    make_report(&r);
    for (i = 0; i < 28; i++) {
        int junior = i >= 25;
        size_t k = junior ? i - 25 : i;

        snprintf(names[i], sizeof(names[i]), "%s%zu", junior ? "乙" : "甲",
                 k + 1);
        memset(&v[i], 0, sizeof(v[i]));
        v[i].stage = junior ? SR_STAGE_JUNIOR : SR_STAGE_PRIMARY;
        v[i].rank = k + 1;
        v[i].of = junior ? 3 : 25;
        snprintf(v[i].code, sizeof(v[i].code), "37%08zu", i + 1);
        v[i].name = names[i];
        v[i].district_name = "历下区";
        v[i].total = 10000 - (int64_t)k * 100;
        v[i].band_label = "低风险";
    }
    v[15].rank = 15; /* 甲16 ties with 甲15 */
    v[15].total = v[14].total;
    r.peers = v;
    r.n_peers = 28;

    /* The shipped layout with the words changed, as a bureau edits it. */
    sr_diags_init(&d);
    {
        FILE *fp = fopen(LAYOUT, "rb");

        assert_non_null(fp);
        buf = calloc(1, 1 << 16);
        assert_non_null(buf);
        len = fread(buf, 1, (1 << 16) - 1, fp);
        assert_true(len > 0 && len < (1 << 16) - 1);
        fclose(fp);
    }
    at = strstr(buf, "文字,title,");
    assert_non_null(at);
    *at = '\0';
    at = strstr(at + 1, "# 列宽合计");
    assert_non_null(at);
    text = malloc(1 << 17);
    assert_non_null(text);
    snprintf(text, 1 << 17, "%s文字,title,泉城市{统计期}校园安全汇总,,\n"
             "文字,unit,泉城市教育和体育局,,\n"
             "文字,signature,校长,,\n"
             "文字,signature,经办人,,\n"
             "文字,footer,{单位} & 第 {页码} 页,,\n%s",
             buf, at);
    assert_int_equal(sr_layout_parse(text, strlen(text), "my.csv", &lay,
                                     &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/words.xlsx", dir);
    assert_int_equal(sr_report_write_city(&r, &lay, path, NULL), SR_OK);
    snprintf(args, sizeof(args), "dump %s", path);
    out = read_back(READER, args);
    expect_lines(out, want);
    /* Above the cut: 甲14 (rank 14) is not listed. */
    assert_null(strstr(out, "=甲14\n"));
    assert_null(strstr(out, "同类排名!A17="));
    free(out);
    remove_dir(dir);
    sr_layout_release(&lay);
    sr_diags_release(&d);
    free(text);
    free(buf);
}

#define BIG 25000

/* 25,000 schools off the baseline: constant_memory mode (inline
 * strings), every row there, in order, in bounded memory. */
static void
test_large_constant_memory(void **state)
{
    char dir[] = "/tmp/sr-cxlsx-XXXXXX", path[256], args[300];
    struct sr_report_city r;
    struct sr_layout lay;
    struct sr_diags d;
    struct sr_report_school *v;
    char (*names)[32];
    char *out, want[128];
    struct rusage before, after;
    size_t i;
    long grown_kb;

    (void)state;
    make_report(&r);
    v = calloc(BIG, sizeof(*v));
    names = calloc(BIG, sizeof(*names));
    assert_non_null(v);
    assert_non_null(names);
    for (i = 0; i < BIG; i++) {
        char code[16];

        snprintf(code, sizeof(code), "37%08zu", i + 1);
        snprintf(names[i], sizeof(names[i]), "学校%zu", i + 1);
        school(&v[i], code, names[i], "历下区", SR_STAGE_PRIMARY);
        v[i].baseline_why = "guards: 未配备";
    }
    r.off_baseline = v;
    r.n_off_baseline = BIG;
    sr_diags_init(&d);
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/big.xlsx", dir);
    assert_int_equal(getrusage(RUSAGE_SELF, &before), 0);
    assert_int_equal(sr_report_write_city(&r, &lay, path, NULL), SR_OK);
    assert_int_equal(getrusage(RUSAGE_SELF, &after), 0);
    /* Holding the 225,000 cells in memory costs about 33 MB (measured
     * with the threshold raised); written in constant_memory mode the
     * peak grows by well under 1 MB.  Under AddressSanitizer freed
     * memory sits in quarantine and inflates the peak, so the bound is
     * checked in the plain build only; the inline strings below prove
     * the mode in both. */
    grown_kb = after.ru_maxrss - before.ru_maxrss;
#ifndef SR_TEST_ASAN
    if (grown_kb >= 8 * 1024) {
        print_error("max RSS grew by %ld kB\n", grown_kb);
        fail();
    }
#else
    (void)grown_kb;
#endif

    snprintf(args, sizeof(args), "big %s 四个100%%未达标", path);
    out = read_back(READER, args);
    /* 9 text columns (是/否 are text too): 25,000 x 9 cells plus 9
     * headings, all inline strings. */
    snprintf(want, sizeof(want), "\ninline=%d\n", BIG * 9 + 9);
    if (!strstr(out, want)) {
        print_error("want %s in:\n%s\n", want + 1, out);
        fail();
    }
    snprintf(want, sizeof(want), "\nmax_row=%d\nrows=%d\n", BIG + 1,
             BIG + 1);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "\nfirst=历下区|3700000001|学校1|小学|否|否|"
                                "否|否|guards: 未配备\n"));
    assert_non_null(strstr(out, "\nlast=历下区|3700025000|学校25000|小学|否|"
                                "否|否|否|guards: 未配备\n"));
    free(out);
    remove_dir(dir);
    sr_layout_release(&lay);
    sr_diags_release(&d);
    free(v);
    free(names);
}

static void
expect_failure(const struct sr_report_city *r, const struct sr_layout *lay,
               const char *path, sr_error want_rc, const char *want_msg)
{
    struct sr_diags d;
    struct sr_report_meta meta = {"2026-10-08 09:30:00", NULL, NULL, NULL};
    char buf[512];

    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_report_write_city(r, lay, path, &meta), want_rc);
    assert_int_equal(d.n, 1);
    sr_diag_format(&d.v[0], buf, sizeof(buf));
    assert_string_equal(buf, want_msg);
    sr_diags_release(&d);
}

static void
test_failures(void **state)
{
    char dir[] = "/tmp/sr-cxlsx-XXXXXX", path[256], msg[400];
    struct sr_report_city r;
    struct sr_layout lay, district;
    struct sr_diags d;
    struct stat st;

    (void)state;
    make_report(&r);
    sr_diags_init(&d);
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &d), SR_OK);
    assert_int_equal(sr_layout_load(SR_FIXTURES
                                    "/../../templates/reports/district.csv",
                                    &district, &d),
                     SR_OK);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/c.xlsx", dir);

    /* The district layout has none of the city sheets. */
    expect_failure(&r, &district, path, SR_ERR_INPUT,
                   "layout has no columns for sheet '区县汇总'");
    /* Bad UTF-8 in a district name. */
    districts[1].name = "市中\xff";
    expect_failure(&r, &lay, path, SR_ERR_INPUT,
                   "districts[1].name: invalid UTF-8 at byte 6");
    make_report(&r);
    peers[2].band_label = "\xc3";
    expect_failure(&r, &lay, path, SR_ERR_INPUT,
                   "peers[2].band_label: invalid UTF-8 at byte 0");
    make_report(&r);
    r.n_trend = 13;
    expect_failure(&r, &lay, path, SR_ERR_INPUT,
                   "n_trend: more than 12 periods");
    make_report(&r);
    snprintf(path, sizeof(path), "%s/missing/c.xlsx", dir);
    snprintf(msg, sizeof(msg), "cannot write '%s': No such file or "
             "directory", path);
    expect_failure(&r, &lay, path, SR_ERR_IO, msg);
    /* Nothing was written. */
    snprintf(path, sizeof(path), "%s/c.xlsx", dir);
    assert_int_not_equal(stat(path, &st), 0);
    remove_dir(dir);
    sr_layout_release(&lay);
    sr_layout_release(&district);
    sr_diags_release(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_workbook),
        cmocka_unit_test(test_empty_city),
        cmocka_unit_test(test_words_and_bottom_peers),
        cmocka_unit_test(test_large_constant_memory),
        cmocka_unit_test(test_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
