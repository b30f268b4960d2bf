/*
 * demo.c - the demo city (schoolrisk/demo.h).
 *
 * Design: the city is generated first, in memory (schools with their
 * attributes, names and codes), from one PRNG stream (splitmix64) seeded
 * with the caller's seed, so that the same seed always draws the same
 * numbers in the same order.  The attributes of schema 5 (staff, meal
 * delivery, village school) are drawn from a second stream, so that
 * adding them changed no draw of the first: a seed makes the same city
 * and the same year it made before, now with those attributes too.
 * The expert corps (安全专家库) is drawn from a third stream: its users
 * and inspector grants are made before the year, about half of each
 * district's inspections are then made by one of its experts (the
 * choice drawn from that stream too, so that every draw of the first
 * stream, and with it every score and figure, stays what it was), and
 * the profiles are recorded at the year's end.
 * On the year's last day the districts sign off the third quarter and
 * publish plans for the fourth, whose experts inspect half their
 * schools for them (a fourth stream picks the sign-off the city
 * returns; the plans' seed is the demo's, mixed), after every figure
 * of the earlier days is made, so that none of them changes.
 * Then the year is simulated day by day: each day the store's clock is
 * set to that day, the assessments planned for it are made (draft,
 * responses file, submission), and the hazard steps due that day are
 * taken.  Every hazard gets a plan when it is
 * raised (when it is assigned, whether its rectification is on time,
 * late or never done, whether the first review rejects it); steps that
 * would fall after 31 December are simply not taken, which leaves the
 * ledger at the year's end with hazards in every state.
 *
 * Only public calls touch the database, and nothing here prints.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/demo.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* The PRNG: splitmix64, small, fast and the same on every platform.   */
/* ------------------------------------------------------------------ */

struct rng {
    uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A number in [0, n); n > 0.  The modulo bias is far below anything a
 * demo could show. */
static long
pick(struct rng *r, long n)
{
    return (long)(rng_next(r) % (uint64_t)n);
}

/* A number in [lo, hi]. */
static long
range(struct rng *r, long lo, long hi)
{
    return lo + pick(r, hi - lo + 1);
}

/* True with probability permille / 1000. */
static bool
chance(struct rng *r, long permille)
{
    return pick(r, 1000) < permille;
}

/* ------------------------------------------------------------------ */
/* A growing text buffer.                                              */
/* ------------------------------------------------------------------ */

struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int len;

    if (b->oom)
        return;
    for (;;) {
        size_t room = b->cap - b->n;

        va_start(ap, fmt);
        len = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (len < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)len < room) {
            b->n += (size_t)len;
            return;
        }
        {
            size_t cap = b->cap ? b->cap * 2 : 4096;
            char *p;

            while (cap - b->n <= (size_t)len)
                cap *= 2;
            p = realloc(b->p, cap);
            if (!p) {
                b->oom = true;
                return;
            }
            b->p = p;
            b->cap = cap;
        }
    }
}

/* ------------------------------------------------------------------ */
/* The districts: size, kind and place names.                          */
/* ------------------------------------------------------------------ */

enum dkind { D_URBAN, D_SUBURBAN, D_COUNTY, D_CITY };

struct dinfo {
    const char *code;
    int digits;         /* the two digits in school codes */
    int weight;         /* share of the city's schools */
    int kind;           /* enum dkind */
    const char *places; /* space-separated place names */
};

static const struct dinfo dinfos[] = {
    {"370102", 2, 8, D_URBAN,
     "燕山 甸柳 文化东路 舜耕 千佛山 解放路 姚家 龙洞 智远 东关 泉城路 "
     "趵突泉 燕翔 历山"},
    {"370103", 3, 8, D_URBAN,
     "经五路 纬二路 大观园 英雄山 七里山 舜玉 玉函 党家 十六里河 兴隆 "
     "泺源 魏家庄 杆石桥"},
    {"370104", 4, 7, D_URBAN,
     "道德街 西市场 五里沟 营市街 中大槐树 振兴街 青年公园 匡山 段店 "
     "吴家堡 玉清湖 腊山"},
    {"370105", 5, 7, D_URBAN,
     "北坦 官扎营 制锦市 天桥东街 堤口路 北园 药山 泺口 工人新村 "
     "无影山 桑梓店 纬北路"},
    {"370112", 12, 14, D_SUBURBAN,
     "洪家楼 山大路 东风 全福 王舍人 唐冶 港沟 郭店 荷花路 董家 彩石 "
     "遥墙 临港 唐王 华山 鲍山"},
    {"370113", 13, 6, D_SUBURBAN,
     "文昌 崮云湖 平安 五峰山 归德 孝里 万德 张夏 马山 双泉 崮山 "
     "大学城"},
    {"370114", 14, 11, D_SUBURBAN,
     "明水 双山 圣井 埠村 相公庄 绣惠 龙山 文祖 官庄 普集 刁镇 白云湖 "
     "枣园 宁家埠 曹范 垛庄 高官寨 黄河"},
    {"370115", 15, 6, D_SUBURBAN,
     "济阳 济北 回河 孙耿 崔寨 太平 曲堤 仁风 垛石 新市"},
    {"370116", 16, 10, D_SUBURBAN,
     "凤城 张家洼 高庄 鹏泉 口镇 羊里 方下 雪野 大王庄 寨里 杨庄 "
     "茶业口 和庄 苗山"},
    {"370117", 17, 3, D_SUBURBAN, "艾山 里辛 汶源 颜庄 辛庄 棋山"},
    {"370124", 24, 4, D_COUNTY,
     "榆山 锦水 东阿 玫瑰 洪范池 孔村 孝直 安城"},
    {"370126", 26, 5, D_COUNTY,
     "许商 殷巷 怀仁 龙桑寺 郑路 贾庄 玉皇庙 白桥 孙集 韩庙 沙河 张坊"},
    {"370171", 71, 4, D_URBAN,
     "舜华路 龙奥 孙村 巨野河 汉峪 奥体 康虹路 舜泰"},
    {"JN-NBSQ", 72, 2, D_COUNTY, "仲宫 柳埠 西营 锦绣川 高而 兴隆山"},
    {"JN-QBQ", 73, 3, D_SUBURBAN, "太平 大桥 崔寨 孙耿 遥墙北 鹊山"},
    {"JN-SS", 90, 2, D_CITY, "泉城 历山 明湖 舜耕 千佛山 趵突泉 经十路"},
};

/* What a district not in dinfos (a bureau's own table) gets. */
static const char generic_places[] =
    "城关 东关 西关 南关 北关 新华 胜利 光明 育才 实验 中心 和平";

#define MAX_PLACES 24

struct district {
    const char *code; /* borrowed from the districts list */
    const char *name;
    int digits, weight, kind;
    char places[MAX_PLACES][32];
    int n_places;
    int seq;          /* schools numbered so far */
    char inspectors[3][16];
    char office[96];  /* who assigns: 历下区教育局安全科 */
};

/* ------------------------------------------------------------------ */
/* Names.                                                              */
/* ------------------------------------------------------------------ */

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
    "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋",
    "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "田", "董", "袁", "潘"};

/* Inspectors' and school contacts' given names are drawn from disjoint
 * lists, so that the one who submits a rectification is never the one
 * who reviews it by accident of the draw. */
static const char *const inspector_given[] = {
    "建华", "志强", "立新", "卫东", "海燕", "国庆", "文军", "晓东",
    "红军", "振宇", "庆华", "明辉"};
static const char *const contact_given[] = {
    "建国", "红梅", "丽娟", "秀英", "桂芳", "永刚", "俊杰", "敏",
    "静", "磊", "洋", "艳", "勇", "杰", "娟", "涛", "明", "超", "霞", "平"};

static const char *const brands[] = {
    "启明星", "小太阳", "蓝天", "金色摇篮", "童心", "贝贝", "七彩", "育英",
    "博雅", "英才", "新世纪", "阳光"};

static const char *const notes[] = {
    "现场查看发现不符合要求", "台账记录不完整", "部分设施损坏未及时维修",
    "人员配备不足", "制度未落实到位", "演练记录缺失", "检查记录不连续",
    "部分区域监控存在盲区"};

/* "一".."九十九". */
static void
cn_number(int n, char *buf, size_t size)
{
    static const char *const d[] = {"", "一", "二", "三", "四",
                                    "五", "六", "七", "八", "九"};

    if (n < 10)
        snprintf(buf, size, "%s", d[n]);
    else if (n < 20)
        snprintf(buf, size, "十%s", d[n % 10]);
    else
        snprintf(buf, size, "%s十%s", d[n / 10 % 10], d[n % 10]);
}

/* Names already given (open addressing over FNV-1a hashes; names are
 * kept in the schools, the set holds indices). */
struct nameset {
    long *slot; /* school index + 1, 0 empty */
    size_t cap;
};

/* ------------------------------------------------------------------ */
/* Schools.                                                            */
/* ------------------------------------------------------------------ */

struct school {
    char code[11];
    char name[160];
    char contact[16];
    int district;
    int stage, ownership, locale;
    bool boarding, bus, canteen, lab, pool;
    long enrollment, boarders, special_needs;
    long staff;
    bool meal_delivery, village;
    int risk;          /* permille of an item being found below full */
    int visits[2];     /* planned days of the year, -1 none */
    struct sr_school attrs;
};

static bool
name_taken(const struct nameset *ns, const struct school *v, const char *nm)
{
    size_t i = (size_t)(sr_hash_str(nm) & (ns->cap - 1));

    for (; ns->slot[i]; i = (i + 1) & (ns->cap - 1))
        if (!strcmp(v[ns->slot[i] - 1].name, nm))
            return true;
    return false;
}

static void
name_add(struct nameset *ns, long idx, const char *nm)
{
    size_t i = (size_t)(sr_hash_str(nm) & (ns->cap - 1));

    while (ns->slot[i])
        i = (i + 1) & (ns->cap - 1);
    ns->slot[i] = idx + 1;
}

/* The part of a name after the place: by stage and ownership. */
static void
name_tail(struct rng *r, const struct school *s, const struct district *d,
          char *place, size_t psize, char *tail, size_t tsize)
{
    char num[16];

    snprintf(place, psize, "%s", d->places[pick(r, d->n_places)]);
    switch (s->stage) {
    case SR_STAGE_KINDERGARTEN:
        if (s->ownership) {
            snprintf(tail, tsize, "%s幼儿园", brands[pick(r, 12)]);
        } else {
            static const char *const k[] = {"幼儿园", "中心幼儿园",
                                             "实验幼儿园", "街道幼儿园"};
            snprintf(tail, tsize, "%s", k[pick(r, 4)]);
        }
        break;
    case SR_STAGE_PRIMARY:
        if (s->ownership) {
            snprintf(tail, tsize, "%s小学", brands[pick(r, 12)]);
        } else {
            static const char *const k[] = {"小学", "中心小学", "实验小学",
                                             "小学"};
            snprintf(tail, tsize, "%s",
                     s->locale == 2 ? "中心小学" : k[pick(r, 4)]);
        }
        break;
    case SR_STAGE_JUNIOR:
        if (chance(r, 300)) {
            cn_number((int)range(r, 1, 60), num, sizeof(num));
            place[0] = '\0';
            snprintf(tail, tsize, "第%s中学", num);
        } else {
            snprintf(tail, tsize, "%s", chance(r, 500) ? "中学" : "初级中学");
        }
        break;
    case SR_STAGE_SENIOR:
    case SR_STAGE_COMPLETE_SECONDARY:
        if (d->kind == D_CITY || chance(r, 400)) {
            cn_number((int)range(r, 1, 80), num, sizeof(num));
            place[0] = '\0';
            snprintf(tail, tsize, "第%s中学", num);
        } else {
            snprintf(tail, tsize, "%s",
                     s->stage == SR_STAGE_SENIOR ? "高级中学" : "中学");
        }
        break;
    case SR_STAGE_NINE_YEAR:
        snprintf(tail, tsize, "%s",
                 chance(r, 500) ? "学校" : "九年一贯制学校");
        break;
    case SR_STAGE_TWELVE_YEAR:
        snprintf(tail, tsize, "%s",
                 chance(r, 500) ? "外国语学校" : "实验学校");
        break;
    case SR_STAGE_VOCATIONAL:
        snprintf(tail, tsize, "%s",
                 chance(r, 500) ? "职业中等专业学校" : "职业教育中心");
        break;
    default:
        place[0] = '\0';
        snprintf(tail, tsize, "%s",
                 d->kind == D_CITY ? "特殊教育中心" : "特殊教育学校");
    }
}

static void
make_name(struct rng *r, struct nameset *ns, struct school *v, long idx,
          const struct district *d)
{
    struct school *s = &v[idx];
    char place[64], tail[64], num[16];
    const char *prefix = d->kind == D_CITY ? "" : d->name;
    int tries, k;

    for (tries = 0; tries < 6; tries++) {
        name_tail(r, s, d, place, sizeof(place), tail, sizeof(tail));
        snprintf(s->name, sizeof(s->name), "济南市%s%s%s", prefix, place,
                 tail);
        if (!name_taken(ns, v, s->name))
            goto done;
    }
    /* Crowded: number it, 第二, 第三... */
    for (k = 2; k < 100000; k++) {
        if (k < 100)
            cn_number(k, num, sizeof(num));
        else
            snprintf(num, sizeof(num), "%d", k);
        snprintf(s->name, sizeof(s->name), "济南市%s%s第%s%s", prefix,
                 place, num, tail);
        if (!name_taken(ns, v, s->name))
            break;
    }
done:
    name_add(ns, idx, s->name);
}

/* Stage weights per 1000, for a district and for the city's own schools
 * (市属: mostly senior and vocational). */
static int
draw_stage(struct rng *r, int kind)
{
    static const int city[] = {80, 0, 0, 420, 0, 180, 60, 260};
    static const int common[] = {520, 270, 90, 30, 40, 12, 6, 32};
    const int *w = kind == D_CITY ? city : common;
    long x = pick(r, 1000);
    int i;

    for (i = 0; i < 8; i++) {
        x -= w[i];
        if (x < 0)
            return i;
    }
    return SR_STAGE_PRIMARY;
}

static int
draw_locale(struct rng *r, int kind)
{
    long x = pick(r, 100);

    switch (kind) {
    case D_URBAN:
    case D_CITY:
        return x < 85 ? 0 : 1;
    case D_SUBURBAN:
        return x < 35 ? 0 : x < 70 ? 1 : 2;
    default:
        return x < 15 ? 0 : x < 50 ? 1 : 2;
    }
}

/* Staff, meal delivery and village schools, from the second stream r2
 * and the attributes already drawn.
 *
 * Staff: about one per 12 to 15 students, by stage, with everyone the
 * school employs (teachers, administration, guards, canteen, cleaning):
 * a kindergarten one per 6 (its teachers and 保育员), a special school
 * one per 3; a small school has a floor (a village school 3, others 8).
 * Village schools (村小/教学点): rural primary schools of at most 450
 * students, most of them.  Meal delivery (校外供餐): most schools
 * without a canteen, and a few with one (a canteen for the boarders'
 * suppers, a caterer for the day pupils' lunches). */
static void
make_added_attributes(struct rng *r2, struct school *s)
{
    /* Students per member of staff, in tenths. */
    static const long per[SR_STAGE_COUNT] = {60, 150, 130, 120, 140,
                                             125, 120, 150, 30};
    int st = s->stage;
    long floor_n;

    s->village = st == SR_STAGE_PRIMARY && s->locale == 2 &&
                 s->enrollment <= 450 && chance(r2, 700);
    floor_n = s->village ? 3 : st == SR_STAGE_KINDERGARTEN ? 5 : 8;
    s->staff = s->enrollment * 10 * range(r2, 90, 112) / (per[st] * 100);
    if (s->staff < floor_n)
        s->staff = floor_n;
    s->meal_delivery = s->canteen ? chance(r2, 30) : chance(r2, 750);
}

static void
make_attributes(struct rng *r, struct rng *r2, struct school *s)
{
    static const long enr[SR_STAGE_COUNT][2] = {
        {60, 450},   {200, 2600}, {300, 2000}, {800, 3000}, {400, 2500},
        {1000, 3200}, {1200, 3600}, {500, 4000}, {50, 260}};
    int st = s->stage, loc = s->locale;
    long lo = enr[st][0], hi = enr[st][1];
    int a;

    if (st == SR_STAGE_SPECIAL)
        s->ownership = 0;
    else
        s->ownership = chance(r, st == SR_STAGE_KINDERGARTEN ? 450
                                 : st == SR_STAGE_VOCATIONAL ? 250
                                 : st == SR_STAGE_SENIOR     ? 150
                                 : st >= SR_STAGE_NINE_YEAR  ? 180
                                                             : 60);
    if (loc == 2 && st <= SR_STAGE_NINE_YEAR)
        hi = lo + (hi - lo) / 3; /* village schools are small */
    s->enrollment = range(r, lo, hi);
    switch (st) {
    case SR_STAGE_KINDERGARTEN:
        s->boarding = chance(r, 20);
        break;
    case SR_STAGE_PRIMARY:
        s->boarding = chance(r, loc == 0 ? 30 : loc == 1 ? 150 : 350);
        break;
    case SR_STAGE_JUNIOR:
    case SR_STAGE_NINE_YEAR:
        s->boarding = chance(r, loc == 0 ? 150 : loc == 1 ? 400 : 600);
        break;
    case SR_STAGE_SPECIAL:
        s->boarding = chance(r, 500);
        break;
    default:
        s->boarding = chance(r, 800);
    }
    s->boarders = s->boarding ? s->enrollment * range(r, 30, 90) / 100 : 0;
    if (s->boarding && s->boarders == 0)
        s->boarders = 1;
    if (st == SR_STAGE_KINDERGARTEN)
        s->bus = chance(r, s->ownership ? 300 : loc == 2 ? 400 : 50);
    else if (st <= SR_STAGE_NINE_YEAR || st == SR_STAGE_SPECIAL)
        s->bus = chance(r, loc == 0 ? 30 : loc == 1 ? 250 : 500);
    else
        s->bus = chance(r, 50);
    s->canteen = s->boarding || chance(r, st == SR_STAGE_KINDERGARTEN ? 950
                                          : loc == 0 ? 700 : 900);
    s->lab = st != SR_STAGE_KINDERGARTEN &&
             (st != SR_STAGE_PRIMARY || chance(r, 600)) &&
             (st != SR_STAGE_SPECIAL || chance(r, 300));
    s->pool = chance(r, s->ownership ? 150 : loc == 0 ? 60 : 10);
    if (st == SR_STAGE_SPECIAL)
        s->special_needs = s->enrollment;
    else
        s->special_needs = chance(r, 250) ? range(r, 1, 8) : 0;
    /* How likely an item is found below full points. */
    s->risk = 20 + (loc == 2 ? 20 : loc == 1 ? 8 : 0) +
              (s->ownership ? 15 : 0);
    s->risk = s->risk * (int)range(r, 50, 200) / 100;
    if (chance(r, 60)) /* a few schools with serious problems */
        s->risk *= 5;

    make_added_attributes(r2, s);
    sr_school_init(&s->attrs);
    s->attrs.attr[SR_ATTR_STAGE] = st;
    s->attrs.attr[SR_ATTR_OWNERSHIP] = s->ownership;
    s->attrs.attr[SR_ATTR_LOCALE] = loc;
    s->attrs.attr[SR_ATTR_BOARDING] = s->boarding;
    s->attrs.attr[SR_ATTR_SCHOOL_BUS] = s->bus;
    s->attrs.attr[SR_ATTR_CANTEEN] = s->canteen;
    s->attrs.attr[SR_ATTR_LABORATORY] = s->lab;
    s->attrs.attr[SR_ATTR_SWIMMING_POOL] = s->pool;
    s->attrs.attr[SR_ATTR_ENROLLMENT] = s->enrollment;
    s->attrs.attr[SR_ATTR_BOARDERS] = s->boarders;
    s->attrs.attr[SR_ATTR_SPECIAL_NEEDS] = s->special_needs;
    s->attrs.attr[SR_ATTR_STAFF] = s->staff;
    s->attrs.attr[SR_ATTR_MEAL_DELIVERY] = s->meal_delivery;
    s->attrs.attr[SR_ATTR_VILLAGE_SCHOOL] = s->village;
    for (a = 0; a < SR_ATTR_COUNT; a++)
        s->attrs.set |= 1u << a;
    sr_school_derive(&s->attrs);
}

/* ------------------------------------------------------------------ */
/* Days of the year.                                                   */
/* ------------------------------------------------------------------ */

/* Midnight UTC of day 0 (1 January). */
static time_t
year_start(int year)
{
    struct tm tm = {0};

    tm.tm_year = year - 1900;
    tm.tm_mday = 1;
    return timegm(&tm);
}

static void
day_date(time_t y0, int day, char out[11])
{
    time_t t = y0 + (time_t)day * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
day_wday(time_t y0, int day)
{
    time_t t = y0 + (time_t)day * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    return tm.tm_wday;
}

static int
day_month(time_t y0, int day)
{
    time_t t = y0 + (time_t)day * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    return tm.tm_mon;
}

/* The day of the year of (month 0..11, mday). */
static int
yday(int year, int mon, int mday)
{
    struct tm tm = {0};

    tm.tm_year = year - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = mday;
    return (int)((timegm(&tm) - year_start(year)) / 86400);
}

/* A working day in [lo, hi]. */
static int
working_day(struct rng *r, time_t y0, int lo, int hi)
{
    int d = (int)range(r, lo, hi);

    while (day_wday(y0, d) == 0 || day_wday(y0, d) == 6)
        d = d + 1 > hi ? lo : d + 1;
    return d;
}

/* ------------------------------------------------------------------ */
/* The simulation.                                                     */
/* ------------------------------------------------------------------ */

enum step { S_ASSIGN, S_SUBMIT, S_REVIEW, S_SIGNOFF, S_REASSIGN, S_DONE };

struct task {
    int64_t id;
    long school;
    int level;
    int next;      /* enum step */
    int day;       /* when the next step is due */
    int deadline;  /* day of the year */
    bool reject;   /* the first review fails */
    bool stall;    /* the rectification is never submitted */
    bool late;     /* it is submitted after the deadline */
};

struct sim {
    struct sr_store *st;
    const struct sr_demo_options *o;
    struct sr_diags *diags;
    struct rng r;
    struct rng r2;            /* the attributes of schema 5 */
    struct rng r3;            /* the expert corps */
    struct rng r4;            /* supervision on 31 December */
    struct dexpert *x;        /* the corps, SR_DEMO_EXPERTS of them */
    size_t nx;
    time_t y0;
    int days;
    int today;
    int tick;                 /* operations today: the clock's minutes */
    struct district *d;
    size_t nd;
    struct school *s;
    long n;
    struct sr_system *sys[SR_STAGE_COUNT];
    struct task *t;
    size_t nt, tcap;
    int64_t max_hazard;
    char path[1024];          /* the responses file */
    struct sr_demo_stats stats;
    size_t closed;
};

static void
progress(struct sim *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
progress(struct sim *m, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    if (!m->o->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    m->o->progress(line, m->o->progress_ctx);
}

/* Set the clock to the next moment of today (09:00 China time on, one
 * operation every 20 seconds, never past 17:00). */
static void
clock_tick(struct sim *m)
{
    long sec = 3600L + (long)m->tick * 20;

    if (sec > 9 * 3600L - 1)
        sec = 9 * 3600L - 1;
    m->tick++;
    sr_store_set_clock(m->st, m->y0 + (time_t)m->today * 86400 + sec);
}

static sr_error
actor(struct sim *m, const char *who)
{
    return sr_store_set_actor(m->st, who);
}

/* Build the city in memory. */
static sr_error
generate(struct sim *m, const struct sr_districts *dl)
{
    struct nameset ns = {NULL, 0};
    long total_w = 0, i;
    size_t k;

    m->d = calloc(dl->n, sizeof(*m->d));
    m->s = calloc((size_t)m->n, sizeof(*m->s));
    ns.cap = 1;
    while (ns.cap < (size_t)m->n * 2 + 16)
        ns.cap <<= 1;
    ns.slot = calloc(ns.cap, sizeof(*ns.slot));
    if (!m->d || !m->s || !ns.slot) {
        free(ns.slot);
        return SR_ERR_NOMEM;
    }
    m->nd = dl->n;
    for (k = 0; k < dl->n; k++) {
        struct district *d = &m->d[k];
        const struct dinfo *di = NULL;
        const char *p, *e;
        size_t j;
        int q;

        for (j = 0; j < sizeof(dinfos) / sizeof(dinfos[0]); j++)
            if (!strcmp(dinfos[j].code, dl->v[k].code))
                di = &dinfos[j];
        d->code = dl->v[k].code;
        d->name = dl->v[k].name;
        d->digits = di ? di->digits : (int)(50 + k % 40);
        d->weight = di ? di->weight : 5;
        d->kind = di ? di->kind : D_SUBURBAN;
        for (p = di ? di->places : generic_places; *p && d->n_places <
             MAX_PLACES; p = *e ? e + 1 : e) {
            e = strchr(p, ' ');
            if (!e)
                e = p + strlen(p);
            snprintf(d->places[d->n_places++], sizeof(d->places[0]),
                     "%.*s", (int)(e - p), p);
        }
        for (q = 0; q < 3; q++)
            snprintf(d->inspectors[q], sizeof(d->inspectors[q]), "%s%s",
                     surnames[pick(&m->r, 36)], inspector_given[pick(&m->r,
                                                                     12)]);
        snprintf(d->office, sizeof(d->office), "%s%s教育局安全科",
                 d->kind == D_CITY ? "济南市" : "", d->kind == D_CITY ? ""
                                                                   : d->name);
        total_w += d->weight;
    }
    for (i = 0; i < m->n; i++) {
        struct school *s = &m->s[i];
        struct district *d;

        if ((size_t)i < m->nd) { /* one special school per district */
            s->district = (int)i;
            s->stage = SR_STAGE_SPECIAL;
        } else {
            long x = pick(&m->r, total_w);

            for (k = 0; k < m->nd; k++) {
                x -= m->d[k].weight;
                if (x < 0)
                    break;
            }
            s->district = (int)(k < m->nd ? k : m->nd - 1);
            s->stage = draw_stage(&m->r, m->d[s->district].kind);
        }
        d = &m->d[s->district];
        s->locale = s->stage == SR_STAGE_SPECIAL ? 0
                                                 : draw_locale(&m->r, d->kind);
        make_attributes(&m->r, &m->r2, s);
        if (++d->seq > 9999) {
            free(ns.slot);
            sr_diags_add(m->diags, NULL, 0,
                         _("too many schools for district '%s' (at most 9999)"),
                         d->name);
            return SR_ERR_INPUT;
        }
        {
            char code[32]; /* room for any int: gcc checks the widths */

            snprintf(code, sizeof(code), "2137%02d%04d", d->digits % 100,
                     d->seq);
            memcpy(s->code, code, 10);
            s->code[10] = '\0';
        }
        make_name(&m->r, &ns, m->s, i, d);
        snprintf(s->contact, sizeof(s->contact), "%s%s",
                 surnames[pick(&m->r, 36)], contact_given[pick(&m->r, 20)]);
    }
    free(ns.slot);
    return SR_OK;
}

/* The registry CSV, as a district office would fill the template. */
static sr_error
import_registry(struct sim *m)
{
    static const char *const loc[] = {"城区", "镇区", "乡村"};
    struct sbuf b = {NULL, 0, 0, false};
    struct sr_import_report rep;
    sr_error rc;
    long i;

    sb_printf(&b, "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,"
                  "食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,"
                  "教职工数,校外供餐,村小教学点,安全负责人,联系电话\n");
    for (i = 0; i < m->n; i++) {
        const struct school *s = &m->s[i];

        sb_printf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%ld,%ld,%ld,%ld,%s,"
                      "%s,%s,0531-8%03d%04d\n",
                  s->code, s->name, m->d[s->district].name,
                  sr_stage_label(s->stage), s->ownership ? "民办" : "公办",
                  loc[s->locale], s->boarding ? "是" : "否",
                  s->bus ? "是" : "否", s->canteen ? "是" : "否",
                  s->lab ? "是" : "否", s->pool ? "是" : "否", s->enrollment,
                  s->boarders, s->special_needs, s->staff,
                  s->meal_delivery ? "是" : "否", s->village ? "是" : "否",
                  s->contact,
                  m->d[s->district].digits % 1000, (int)(i % 10000));
    }
    if (b.oom) {
        free(b.p);
        return SR_ERR_NOMEM;
    }
    rc = sr_registry_import_memory(m->st, "demo-registry.csv", b.p, b.n, 0,
                                   &rep, m->diags);
    free(b.p);
    if (rc == SR_OK)
        m->stats.schools = rep.added;
    return rc;
}

/* Store every *.xml of the indicator directory, in name order. */
static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static sr_error
load_systems(struct sim *m)
{
    DIR *dir = opendir(m->o->indicator_dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    sr_error rc = SR_OK;

    if (!dir) {
        sr_diags_add(m->diags, m->o->indicator_dir, 0,
                     _("cannot open the indicator directory: %s"),
                     strerror(errno));
        return SR_ERR_IO;
    }
    while ((de = readdir(dir))) {
        size_t len = strlen(de->d_name);
        char **nv;

        if (len < 5 || strcmp(de->d_name + len - 4, ".xml"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            nv = realloc(names, cap * sizeof(*names));
            if (!nv) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            names = nv;
        }
        names[n] = strdup(de->d_name);
        if (!names[n]) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        n++;
    }
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_str);
    for (i = 0; i < n; i++) {
        enum sr_load_outcome out;
        char path[1024];

        snprintf(path, sizeof(path), "%s/%s", m->o->indicator_dir, names[i]);
        rc = sr_store_load_system_file(m->st, path, &out, m->diags);
        if (rc != SR_OK)
            goto cleanup;
        m->stats.systems++;
    }
    for (i = 0; i < SR_STAGE_COUNT; i++) {
        rc = sr_store_current_system(m->st, (int)i, &m->sys[i]);
        if (rc != SR_OK)
            goto cleanup;
    }
cleanup:
    closedir(dir);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* The answer to item it: full points, or a finding. */
static void
answer(struct sim *m, const struct sr_system *sys, const struct sr_item *it,
       const struct school *s, bool full, char *buf, size_t size)
{
    const struct sr_level *lv = sr_system_levels(sys) + it->opt_off;
    const struct sr_step *sp = sr_system_steps(sys) + it->opt_off;
    int32_t best = -1;
    uint32_t i, below = 0;
    int64_t v;

    switch (it->method) {
    case SR_METHOD_CHECK:
        snprintf(buf, size, "%s", full ? "pass" : "fail");
        return;
    case SR_METHOD_LEVELS:
        for (i = 0; i < it->opt_n; i++)
            if (lv[i].fraction > best)
                best = lv[i].fraction;
        for (i = 0; i < it->opt_n; i++)
            below += lv[i].fraction < best;
        if (full || !below) {
            for (i = 0; lv[i].fraction != best; i++)
                ;
        } else {
            /* The first level below the best is the usual finding
             * (基本符合); the worst is rarer. */
            uint32_t want = chance(&m->r, 700) ? 0
                                               : (uint32_t)pick(&m->r, below);

            for (i = 0; i < it->opt_n; i++)
                if (lv[i].fraction < best && want-- == 0)
                    break;
        }
        snprintf(buf, size, "%s", lv[i].value);
        return;
    case SR_METHOD_THRESHOLD:
        for (i = 0; i < it->opt_n; i++)
            if (sp[i].fraction > best)
                best = sp[i].fraction;
        for (i = 0; i < it->opt_n; i++)
            below += sp[i].fraction < best;
        if (full) {
            for (i = 0; sp[i].fraction != best; i++)
                ;
            v = sp[i].at;
        } else if (below) {
            uint32_t want = (uint32_t)pick(&m->r, below);

            for (i = 0; i < it->opt_n; i++)
                if (sp[i].fraction < best && want-- == 0)
                    break;
            v = sp[i].at;
        } else {
            /* Past the last step: "else". */
            int64_t lo = sp[0].at, hi = sp[0].at;

            for (i = 1; i < it->opt_n; i++) {
                if (sp[i].at < lo)
                    lo = sp[i].at;
                if (sp[i].at > hi)
                    hi = sp[i].at;
            }
            v = it->lower_better ? hi + 10000 : lo >= 10000 ? lo - 10000 : 0;
        }
        sr_decimal_format(v, 4, 0, buf, size);
        return;
    case SR_METHOD_DEDUCT:
        /* A format-2 deduction by shortfall is answered with the actual
         * number: the requirement itself, or one short of it. */
        if (sr_item_by_shortfall(it)) {
            int64_t need = (sr_item_required(sys, it, &s->attrs) + 9999) / 10000;

            snprintf(buf, size, "%lld",
                     (long long)(full || need < 1 ? need : need - 1));
            return;
        }
        /* A format-2 item counts findings by reason: name its first. */
        if (sr_item_has_reasons(it) && !full)
            snprintf(buf, size, "%s=%ld",
                     sr_system_reasons(sys)[it->opt_off].value,
                     range(&m->r, 1, 3));
        else
            snprintf(buf, size, "%ld", full ? 0L : range(&m->r, 1, 3));
        return;
    default: /* ratio */
        if (it->req_attr >= 0) {
            int64_t req = sr_item_required(sys, it, &s->attrs);
            int64_t need = (req + 9999) / 10000;

            if (need < 1)
                need = 1;
            snprintf(buf, size, "%lld", (long long)(full ? need : need - 1));
        } else {
            long den = range(&m->r, 8, 60);
            long num = full ? den : den * range(&m->r, 60, 95) / 100;

            snprintf(buf, size, "%ld/%ld", num, den);
        }
    }
}

static void
csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The inspector's responses file for school s (autumn: fewer findings,
 * the spring's were rectified). */
static sr_error
write_responses(struct sim *m, const struct school *s, bool autumn)
{
    const struct sr_system *sys = m->sys[s->stage];
    const struct sr_item *items;
    size_t n, i;
    int risk = autumn ? s->risk * 6 / 10 : s->risk;
    FILE *f = fopen(m->path, "w");

    if (!f) {
        sr_diags_add(m->diags, m->path, 0, _("cannot write: %s"),
                     strerror(errno));
        return SR_ERR_IO;
    }
    fputs("item,value,note\n", f);
    items = sr_system_items(sys, &n);
    for (i = 0; i < n; i++) {
        const struct sr_item *it = &items[i];
        char val[64];
        bool full;

        /* A format-2 group has no answer of its own: its sub-items,
         * which follow it, are answered instead. */
        if (it->method == SR_METHOD_GROUP ||
            !sr_item_applies(sys, it, &s->attrs))
            continue;
        fputs(it->id, f);
        fputc(',', f);
        if (it->allow_na && chance(&m->r, 20)) {
            fputs("na,\n", f);
            continue;
        }
        /* Veto items are the ones a school guards best: rare hits. */
        full = !chance(&m->r, it->veto ? risk / 15 : risk);
        answer(m, sys, it, s, full, val, sizeof(val));
        csv_field(f, val);
        fputc(',', f);
        if (!full)
            fputs(notes[pick(&m->r, 8)], f);
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        sr_diags_add(m->diags, m->path, 0, _("cannot write: %s"),
                     strerror(errno));
        return SR_ERR_IO;
    }
    return SR_OK;
}

/* Plan a new hazard's year, from the day it was found. */
static void
plan(struct sim *m, struct task *t)
{
    long x = pick(&m->r, 1000);

    t->next = S_ASSIGN;
    t->day = m->today + (int)(chance(&m->r, 100) ? range(&m->r, 20, 90)
                                                : range(&m->r, 1, 6));
    t->reject = chance(&m->r, 150);
    t->stall = x < 70;
    t->late = x >= 70 && x < 190;
}

static sr_error
add_task(struct sim *m, const struct sr_hazard_record *h, long school)
{
    struct task *t;

    if (m->nt == m->tcap) {
        size_t cap = m->tcap ? m->tcap * 2 : 1024;
        struct task *v = realloc(m->t, cap * sizeof(*v));

        if (!v)
            return SR_ERR_NOMEM;
        m->t = v;
        m->tcap = cap;
    }
    t = &m->t[m->nt++];
    memset(t, 0, sizeof(*t));
    t->id = h->id;
    t->school = school;
    t->level = h->level;
    plan(m, t);
    m->stats.hazards++;
    return SR_OK;
}

/* ------------------------------------------------------------------ */
/* The expert corps (安全专家库).                                       */
/* ------------------------------------------------------------------ */

struct dexpert {
    int64_t id;
    char login[16];
    char name[32];
    int district;
};

/* Experts' given names: a list of their own, so that an expert is never
 * taken by name for a school contact or a district's inspector. */
static const char *const expert_given[] = {
    "德明", "秀兰", "春生", "玉梅", "学军", "淑华", "长江", "凤英",
    "保国", "慧敏", "继红", "子健", "雅琴", "宏伟", "书香", "正平"};

/* Work units outside the schools (after the district's name), with the
 * speciality their experts bring, and how often. */
static const struct {
    const char *suffix;
    int spec;
    long weight;
} units[] = {
    {"教育和体育局安全科", SR_SPEC_GENERAL, 22},
    {"消防救援大队", SR_SPEC_FIRE, 26},
    {"市场监督管理局", SR_SPEC_FOOD, 10},
    {"疾病预防控制中心", SR_SPEC_FOOD, 4},
    {"住房和城乡建设局", SR_SPEC_BUILDING, 8},
    {"公安交警大队", SR_SPEC_TRAFFIC, 8},
    {"应急管理局", SR_SPEC_LAB_CHEMICALS, 5},
    {"未成年人心理健康辅导中心", SR_SPEC_PSYCHOLOGY, 4},
};

/* A second speciality, by how common it is among school-safety work. */
static const long spec_weight[SR_SPEC_COUNT] = {
    25, 12, 10, 8, 8, 8, 5, 5, 4, 15};

/* An index into weights (n of them) drawn by weight. */
static int
weighted(struct rng *r, const long *weights, int n)
{
    long total = 0, x;
    int i;

    for (i = 0; i < n; i++)
        total += weights[i];
    x = pick(r, total);
    for (i = 0; i < n - 1 && x >= weights[i]; i++)
        x -= weights[i];
    return i;
}

/* Users and inspector grants of the corps, made before the year; the
 * districts drawn by their share of the schools. */
static sr_error
make_corps(struct sim *m)
{
    struct sr_auth_policy p;
    long total_w = 0, x;
    size_t i, k;
    sr_error rc = SR_OK;

    m->x = calloc(SR_DEMO_EXPERTS, sizeof(*m->x));
    if (!m->x)
        return SR_ERR_NOMEM;
    sr_auth_policy_init(&p);
    for (k = 0; k < m->nd; k++)
        total_w += m->d[k].weight;
    for (i = 0; rc == SR_OK && i < SR_DEMO_EXPERTS; i++) {
        struct dexpert *e = &m->x[i];
        struct sr_user_new u;
        int64_t grant;

        for (x = pick(&m->r3, total_w), k = 0; k + 1 < m->nd; k++) {
            x -= m->d[k].weight;
            if (x < 0)
                break;
        }
        e->district = (int)k;
        snprintf(e->login, sizeof(e->login), "zj%03zu", i + 1);
        snprintf(e->name, sizeof(e->name), "%s%s",
                 surnames[pick(&m->r3, 36)], expert_given[pick(&m->r3, 16)]);
        memset(&u, 0, sizeof(u));
        u.login = e->login;
        u.name = e->name;
        u.no_password = true;
        u.must_change = true;
        clock_tick(m);
        rc = sr_user_add(m->st, &p, &u, &e->id);
        if (rc == SR_OK)
            rc = sr_grant_add(m->st, e->id, SR_ROLE_INSPECTOR,
                              m->d[k].code, NULL, &grant);
        m->nx = i + 1;
    }
    return rc;
}

/* One of district's experts drawn from the corps' stream, or NULL. */
static const struct dexpert *
district_expert(struct sim *m, int district)
{
    size_t i, n = 0;
    long k;

    for (i = 0; i < m->nx; i++)
        n += m->x[i].district == district;
    if (!n)
        return NULL;
    for (k = pick(&m->r3, (long)n), i = 0; i < m->nx; i++)
        if (m->x[i].district == district && k-- == 0)
            return &m->x[i];
    return NULL;
}

/* The same day three years on: the certificate's expiry (29 February
 * becomes the 28th). */
static void
plus_three_years(const char *d, char out[11])
{
    /* The demo's years are 2000..2999 (sr_demo_build() checks). */
    unsigned y = (unsigned)strtoul(d, NULL, 10) % 10000 + 3;
    char buf[32];

    snprintf(buf, sizeof(buf), "%04u%.6s", y % 10000,
             strcmp(d + 4, "-02-29") ? d + 4 : "-02-28");
    memcpy(out, buf, 10);
    out[10] = '\0';
}

/* A school of district, drawn, or -1 when it has none. */
static long
district_school(struct sim *m, int district)
{
    long i, n = 0, k;

    for (i = 0; i < m->n; i++)
        n += m->s[i].district == district;
    if (!n)
        return -1;
    for (k = pick(&m->r3, n), i = 0; i < m->n; i++)
        if (m->s[i].district == district && k-- == 0)
            return i;
    return -1;
}

/* Expert e's unit and first speciality: a third of them work at a
 * school of their district (the school's code is the unit, so that the
 * avoidance rule of inspection plans applies to it). */
static int
draw_unit(struct sim *m, const struct dexpert *e, char *unit, size_t size)
{
    static const long school_spec[] = {30, 20, 20, 10, 10, 10};
    static const int school_specs[] = {
        SR_SPEC_GENERAL, SR_SPEC_PSYCHOLOGY, SR_SPEC_LAB_CHEMICALS,
        SR_SPEC_SCHOOL_BUS, SR_SPEC_SWIMMING, SR_SPEC_FIRE};
    const struct district *d = &m->d[e->district];
    long weights[sizeof(units) / sizeof(units[0])];
    long si = chance(&m->r3, 330) ? district_school(m, e->district) : -1;
    size_t i;
    int u;

    if (si >= 0) {
        snprintf(unit, size, "%s", m->s[si].code);
        if (m->s[si].stage == SR_STAGE_SPECIAL)
            return SR_SPEC_SPECIAL_EDUCATION;
        return school_specs[weighted(&m->r3, school_spec, 6)];
    }
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        weights[i] = units[i].weight;
    u = weighted(&m->r3, weights, (int)(sizeof(units) / sizeof(units[0])));
    snprintf(unit, size, "%s%s", d->kind == D_CITY ? "济南市" : d->name,
             units[u].suffix);
    return units[u].spec;
}

/* Expert e's profile, recorded at the year's end: trained over the
 * two years before and this one (a few late in the year before those,
 * whose certificates lapse or are due now), certified 20 to 60 days
 * after, for three years; a few suspended or retired. */
static sr_error
add_profile(struct sim *m, const struct dexpert *e)
{
    char unit[128], trained[11], certified[11], expires[11];
    struct sr_expert_in in;
    int t, c;
    long st;

    in.specialities = SR_SPECS(draw_unit(m, e, unit, sizeof(unit)));
    if (chance(&m->r3, 350))
        in.specialities |= SR_SPECS(weighted(&m->r3, spec_weight,
                                             SR_SPEC_COUNT));
    if (chance(&m->r3, 45))
        t = (int)range(&m->r3, -3 * 365 + 181, -2 * 365 - 1);
    else
        t = (int)range(&m->r3, -2 * 365, m->days - 61);
    c = t + (int)range(&m->r3, 20, 60);
    day_date(m->y0, t, trained);
    day_date(m->y0, c, certified);
    plus_three_years(certified, expires);
    st = pick(&m->r3, 1000);
    in.unit = unit;
    in.district = m->d[e->district].code;
    in.trained_on = trained;
    in.certified_on = certified;
    in.expires_on = expires;
    in.status = st < 28 ? SR_EXPERT_SUSPENDED
                : st < 44 ? SR_EXPERT_RETIRED : SR_EXPERT_ACTIVE;
    clock_tick(m);
    return sr_expert_add(m->st, e->login, &in);
}

/* One assessment: draft, answers, submission, and plans for the
 * hazards it raised. */
static sr_error
assess(struct sim *m, long si, bool autumn)
{
    const struct school *s = &m->s[si];
    const struct district *d = &m->d[s->district];
    const char *insp = d->inspectors[pick(&m->r, 3)];
    struct sr_submit_report rep;
    struct sr_hazard_filter f = {.school = s->code, .status = -1,
                                 .level = -1};
    struct sr_hazard_record *hv = NULL;
    size_t hn = 0, i;
    int64_t id;
    char date[11];
    sr_error rc;
    /* About half of the inspections are made by one of the district's
     * experts, signed in as their user. */
    const struct dexpert *ex = chance(&m->r3, 550)
                                   ? district_expert(m, s->district)
                                   : NULL;

    clock_tick(m);
    day_date(m->y0, m->today, date);
    if (ex) {
        insp = ex->name;
        rc = sr_store_set_user(m->st, ex->id, ex->name);
    } else {
        rc = actor(m, insp);
    }
    if (rc != SR_OK ||
        (rc = sr_assess_new(m->st, s->code, date, insp, &id)) != SR_OK ||
        (rc = write_responses(m, s, autumn)) != SR_OK ||
        (rc = sr_assess_import(m->st, id, m->path, m->diags)) != SR_OK)
        return rc;
    clock_tick(m);
    rc = sr_assess_submit(m->st, id, m->diags, &rep);
    if (rc == SR_OK && ex)
        rc = actor(m, d->office); /* the expert's user signs nothing else */
    if (rc != SR_OK)
        return rc;
    m->stats.assessments++;
    if (rep.hazards_new == 0)
        return SR_OK;
    rc = sr_hazard_list(m->st, &f, NULL, &hv, &hn);
    for (i = 0; rc == SR_OK && i < hn; i++) {
        if (hv[i].id <= m->max_hazard)
            continue;
        rc = add_task(m, &hv[i], si);
        if (hv[i].id > m->max_hazard)
            m->max_hazard = hv[i].id;
    }
    sr_hazard_list_free(hv, hn);
    return rc;
}

/* Take one hazard's step due today. */
static sr_error
step(struct sim *m, struct task *t)
{
    const struct school *s = &m->s[t->school];
    const struct district *d = &m->d[s->district];
    char deadline[11];
    sr_error rc;

    clock_tick(m);
    switch (t->next) {
    case S_ASSIGN:
    case S_REASSIGN:
        if (t->next == S_ASSIGN)
            t->deadline = m->today +
                          (int)(t->level == SR_HAZARD_MAJOR
                                    ? range(&m->r, 30, 60)
                                    : range(&m->r, 15, 30));
        else
            t->deadline = (t->deadline > m->today ? t->deadline : m->today) +
                          15;
        day_date(m->y0, t->deadline, deadline);
        if ((rc = actor(m, d->office)) != SR_OK)
            return rc;
        rc = sr_hazard_assign(m->st, t->id, s->contact, deadline,
                              t->next == S_ASSIGN
                                  ? "制定整改方案，明确责任人和完成时限"
                                  : NULL);
        if (rc != SR_OK)
            return rc;
        t->next = S_SUBMIT;
        if (t->stall)
            t->next = S_DONE; /* never rectified: overdue in the end */
        else if (t->late)
            t->day = t->deadline + (int)range(&m->r, 3, 45);
        else
            t->day = m->today +
                     (int)range(&m->r, 1, t->deadline - m->today > 1
                                              ? t->deadline - m->today
                                              : 1);
        break;
    case S_SUBMIT:
        if ((rc = actor(m, s->contact)) != SR_OK ||
            (rc = sr_hazard_submit(m->st, t->id, "已按要求完成整改",
                                   "整改前后照片、验收记录")) != SR_OK)
            return rc;
        t->next = S_REVIEW;
        /* Reviews queue up before the holidays at the year's end. */
        t->day = m->today + (int)(m->today + 25 >= m->days
                                      ? range(&m->r, 4, 20)
                                      : range(&m->r, 1, 7));
        break;
    case S_REVIEW:
        if ((rc = actor(m, d->inspectors[pick(&m->r, 3)])) != SR_OK)
            return rc;
        if (t->reject) {
            t->reject = false;
            rc = sr_hazard_reject(m->st, t->id,
                                  "复查未通过：整改不彻底，需重新整改");
            if (rc != SR_OK)
                return rc;
            if (chance(&m->r, 300)) {
                t->next = S_REASSIGN;
                t->day = m->today + 1;
                t->late = false;
            } else {
                t->next = S_SUBMIT;
                t->day = m->today + (int)range(&m->r, 5, 20);
            }
        } else {
            rc = sr_hazard_verify(m->st, t->id, "复查通过，同意销号");
            if (rc != SR_OK)
                return rc;
            if (t->level == SR_HAZARD_MAJOR) {
                /* Supervised: the city signs it off within days; its
                 * sign-offs queue up before the holidays too, so that
                 * some reviewed major hazards wait for the city at the
                 * year's end whatever the content of the systems (a
                 * city of 100 schools had none after issue 11 changed
                 * which items raise major hazards). */
                t->next = S_SIGNOFF;
                t->day = m->today + (int)(m->today + 25 >= m->days
                                              ? range(&m->r, 4, 20)
                                              : range(&m->r, 1, 7));
            } else {
                t->next = S_DONE;
                m->closed++;
            }
        }
        break;
    case S_SIGNOFF:
        if ((rc = actor(m, "市教育局安全处")) != SR_OK ||
            (rc = sr_hazard_signoff(m->st, t->id,
                                    "挂牌督办隐患整改到位，同意销号")) !=
                SR_OK)
            return rc;
        t->next = S_DONE;
        m->closed++;
        break;
    default:
        return SR_OK;
    }
    m->stats.steps++;
    return SR_OK;
}

/* Plan each school's visits: spring, autumn, both, or none. */
static void
plan_visits(struct sim *m)
{
    int year = m->o->year;
    int sp0 = yday(year, 2, 1), sp1 = yday(year, 4, 31);
    int au0 = yday(year, 8, 1), au1 = yday(year, 11, 15);
    long i;

    for (i = 0; i < m->n; i++) {
        struct school *s = &m->s[i];
        long none = 50 + (s->locale == 2 ? 50 : 0) + (s->ownership ? 50 : 0);
        long x = pick(&m->r, 1000);

        s->visits[0] = s->visits[1] = -1;
        if (chance(&m->r, none))
            continue;
        if (x < 550 || x < 750)
            s->visits[0] = working_day(&m->r, m->y0, sp0, sp1);
        if (x < 550 || x >= 750)
            s->visits[1] = working_day(&m->r, m->y0, au0, au1);
    }
}

static sr_error
simulate(struct sim *m)
{
    sr_error rc = SR_OK;
    long i;
    size_t k;

    for (m->today = 5; m->today < m->days; m->today++) {
        m->tick = 0;
        for (i = 0; i < m->n; i++) {
            const struct school *s = &m->s[i];
            int v;

            for (v = 0; v < 2; v++)
                if (s->visits[v] == m->today &&
                    (rc = assess(m, i, v == 1)) != SR_OK)
                    return rc;
        }
        /* Tasks appended today are not due today (they start later). */
        for (k = 0; k < m->nt; k++) {
            struct task *t = &m->t[k];

            if (t->next != S_DONE && t->day == m->today &&
                (rc = step(m, t)) != SR_OK)
                return rc;
        }
        if (m->today + 1 == m->days ||
            day_month(m->y0, m->today + 1) != day_month(m->y0, m->today))
            progress(m,
                     _("%d-%02d: %zu assessments submitted, %zu hazards "
                       "raised, %zu closed"),
                     m->o->year, day_month(m->y0, m->today) + 1,
                     m->stats.assessments, m->stats.hazards, m->closed);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Supervision on 31 December: sign-off, plans.                        */
/* ------------------------------------------------------------------ */

/* Every district signs off the third quarter; the city accepts all but
 * one, drawn, which it returns with a reason. */
static sr_error
sign_off(struct sim *m)
{
    struct sr_period q;
    char label[16];
    size_t k, ret;
    sr_error rc = SR_OK;

    snprintf(label, sizeof(label), "%dQ3", m->o->year);
    if (sr_period_parse(label, &q) != SR_OK || !m->nd)
        return SR_ERR_INPUT;
    ret = (size_t)pick(&m->r4, (long)m->nd);
    for (k = 0; rc == SR_OK && k < m->nd; k++) {
        clock_tick(m);
        rc = actor(m, m->d[k].office);
        if (rc == SR_OK)
            rc = sr_signoff_district(m->st, m->d[k].code, &q, NULL);
        if (rc == SR_OK)
            m->stats.signed_off++;
    }
    if (rc == SR_OK)
        rc = actor(m, "市教育局安全处");
    for (k = 0; rc == SR_OK && k < m->nd; k++) {
        clock_tick(m);
        if (k == ret) {
            rc = sr_signoff_return(m->st, m->d[k].code, &q,
                                   SR_DEMO_RETURN_REASON);
            snprintf(m->stats.returned, sizeof(m->stats.returned), "%s",
                     m->d[k].name);
        } else {
            rc = sr_signoff_accept(m->st, m->d[k].code, &q);
            m->stats.accepted += rc == SR_OK;
        }
    }
    if (rc == SR_OK)
        progress(m, _("sign-off: %zu districts signed off %s, %zu accepted, "
                      "1 returned (%s: %s)"),
                 m->stats.signed_off, label, m->stats.accepted,
                 m->stats.returned, SR_DEMO_RETURN_REASON);
    return rc;
}

/* The demo's school of code, or -1. */
static long
school_index(const struct sim *m, const char *code)
{
    long i;

    for (i = 0; i < m->n; i++)
        if (!strcmp(m->s[i].code, code))
            return i;
    return -1;
}

/* The corps' expert of user id, or NULL. */
static const struct dexpert *
expert_of(const struct sim *m, int64_t id)
{
    size_t i;

    for (i = 0; i < m->nx; i++)
        if (m->x[i].id == id)
            return &m->x[i];
    return NULL;
}

/* The plan's expert inspects school c for plan p, today. */
static sr_error
plan_inspect(struct sim *m, const struct sr_plan *p,
             const struct sr_plan_school *c)
{
    const struct dexpert *e = expert_of(m, c->expert);
    long si = school_index(m, c->code);
    struct sr_assess_new n;
    struct sr_submit_report rep;
    char date[11];
    int64_t id = 0;
    sr_error rc;

    if (!e || si < 0)
        return SR_ERR_INPUT;
    day_date(m->y0, m->today, date);
    memset(&n, 0, sizeof(n));
    n.school = c->code;
    n.kind = SR_ASSESS_INSPECTION;
    n.assessed_on = date;
    n.inspector = e->name;
    n.plan = p->id;
    clock_tick(m);
    rc = sr_store_set_user(m->st, e->id, e->name);
    if (rc == SR_OK)
        rc = sr_assess_create(m->st, &n, &id);
    if (rc == SR_OK)
        rc = write_responses(m, &m->s[si], true);
    if (rc == SR_OK)
        rc = sr_assess_import(m->st, id, m->path, m->diags);
    clock_tick(m);
    if (rc == SR_OK)
        rc = sr_assess_submit(m->st, id, m->diags, &rep);
    if (rc != SR_OK)
        return rc;
    m->stats.assessments++;
    m->stats.hazards += rep.hazards_new;
    m->stats.plan_done++;
    return actor(m, m->d[m->s[si].district].office);
}

/* District k's plan of the fourth quarter, published, and the
 * inspections of every other assigned school in rank order, from the
 * second. */
static sr_error
district_plan(struct sim *m, size_t k, const char *quarter)
{
    struct sr_plan_in in;
    struct sr_plan p;
    size_t i, pairs = 0;
    int64_t id = 0;
    sr_error rc;

    memset(&in, 0, sizeof(in));
    memset(&p, 0, sizeof(p));
    in.district = m->d[k].code;
    in.period = quarter;
    in.school_share = SR_DEMO_PLAN_SCHOOLS;
    in.expert_share = SR_DEMO_PLAN_EXPERTS;
    in.cap = SR_DEMO_PLAN_CAP;
    in.has_seed = true;
    /* One seed a district: with one for all, every plan would draw the
     * experts in the same order and load the same few. */
    in.seed = m->stats.plan_seed + k;
    clock_tick(m);
    rc = actor(m, m->d[k].office);
    if (rc == SR_OK)
        rc = sr_plan_create(m->st, &in, NULL, &id);
    clock_tick(m);
    if (rc == SR_OK)
        rc = sr_plan_publish(m->st, id, NULL);
    if (rc == SR_OK)
        rc = sr_plan_get(m->st, id, NULL, &p);
    if (rc != SR_OK)
        return rc;
    m->stats.plans++;
    m->stats.plan_schools += p.n_schools;
    for (i = 0; rc == SR_OK && i < p.n_schools; i++) {
        if (!p.schools[i].expert)
            continue;
        /* The second, fourth...: the first of a district's plan is
         * left due, so that a small city keeps schools not assessed. */
        if (pairs++ % 2 == 1)
            rc = plan_inspect(m, &p, &p.schools[i]);
    }
    m->stats.plan_pairs += pairs;
    sr_plan_release(&p);
    return rc;
}

static sr_error
make_plans(struct sim *m)
{
    char quarter[16];
    sr_error rc = SR_OK;
    size_t k;

    snprintf(quarter, sizeof(quarter), "%dQ4", m->o->year);
    for (k = 0; rc == SR_OK && k < m->nd; k++)
        rc = district_plan(m, k, quarter);
    if (rc == SR_OK)
        progress(m, _("plans: %zu published for %s (seeds from %llu, one "
                      "a district in the bureau's order), %zu schools, %zu "
                      "pairs, %zu inspected for them"),
                 m->stats.plans, quarter,
                 (unsigned long long)m->stats.plan_seed,
                 m->stats.plan_schools, m->stats.plan_pairs,
                 m->stats.plan_done);
    return rc;
}


/* Stop at the first school: is the registry empty? */
static int
any_school(const struct sr_school_record *r, void *ctx)
{
    (void)r;
    *(bool *)ctx = true;
    return 1;
}

sr_error
sr_demo_build(struct sr_store *st, const struct sr_demo_options *o,
              struct sr_demo_stats *stats, struct sr_diags *diags)
{
    struct sr_registry_filter all = {.stage = -1, .include_closed = true};
    struct sr_districts dl;
    struct sim m;
    bool has = false;
    sr_error rc;
    size_t k;

    memset(&m, 0, sizeof(m));
    sr_districts_init(&dl);
    if (stats)
        memset(stats, 0, sizeof(*stats));
    m.st = st;
    m.o = o;
    m.diags = diags;
    m.r.s = o->seed;
    /* Another stream, not the next numbers of the first. */
    m.r2.s = o->seed ^ 0x5A3C96E1D2B4F087ull;
    m.r3.s = o->seed ^ 0xC3A5C85C97CB3127ull;
    m.r4.s = o->seed ^ 0x9AE16A3B2F90404Full;
    m.stats.plan_seed = o->seed ^ 0x2545F4914F6CDD1Dull;
    if (o->year < 2000 || o->year > 2999) {
        sr_diags_add(diags, NULL, 0, _("year %d is out of range (2000..2999)"),
                     o->year);
        return SR_ERR_INPUT;
    }
    rc = sr_registry_list(st, &all, any_school, &has);
    if (rc != SR_OK)
        return rc;
    if (has) {
        sr_diags_add(diags, NULL, 0,
                     _("the database already has schools: the demo city "
                       "needs a fresh database"));
        return SR_ERR_STATE;
    }
    rc = sr_registry_districts(st, &dl);
    if (rc != SR_OK)
        goto cleanup;
    if (o->schools < (long)dl.n || o->schools > SR_DEMO_MAX_SCHOOLS) {
        sr_diags_add(diags, NULL, 0,
                     _("%ld schools is out of range (%zu..%d: one special "
                       "school per district at least)"),
                     o->schools, dl.n, SR_DEMO_MAX_SCHOOLS);
        rc = SR_ERR_INPUT;
        goto cleanup;
    }
    m.n = o->schools;
    m.y0 = year_start(o->year);
    m.days = (int)((year_start(o->year + 1) - m.y0) / 86400);
    snprintf(m.path, sizeof(m.path), "%s/.demo-responses.csv", o->work_dir);

    /* 5 January: the bureau sets the system up. */
    m.today = 4;
    clock_tick(&m);
    if ((rc = actor(&m, "济南市教育局")) != SR_OK ||
        (rc = load_systems(&m)) != SR_OK)
        goto cleanup;
    progress(&m, _("indicator systems: %zu stored"), m.stats.systems);
    if ((rc = generate(&m, &dl)) != SR_OK)
        goto cleanup;
    clock_tick(&m);
    if ((rc = import_registry(&m)) != SR_OK)
        goto cleanup;
    progress(&m, _("registry: %zu schools in %zu districts imported"),
             m.stats.schools, m.nd);
    if ((rc = make_corps(&m)) != SR_OK)
        goto cleanup;
    plan_visits(&m);
    rc = simulate(&m);
    if (rc != SR_OK)
        goto cleanup;
    /* The year's last working moment: the bureau records its corps. */
    m.today = m.days - 1;
    m.tick = 0;
    rc = actor(&m, "济南市教育局");
    for (k = 0; rc == SR_OK && k < m.nx; k++)
        rc = add_profile(&m, &m.x[k]);
    if (rc != SR_OK)
        goto cleanup;
    m.stats.experts = m.nx;
    progress(&m, _("expert corps: %zu experts recorded"), m.nx);
    if ((rc = sign_off(&m)) != SR_OK || (rc = make_plans(&m)) != SR_OK)
        goto cleanup;
    sr_store_set_clock(st, m.y0 + (time_t)(m.days - 1) * 86400 + 9 * 3600);
    rc = actor(&m, "济南市教育局");

cleanup:
    unlink(m.path);
    if (stats)
        *stats = m.stats;
    for (k = 0; k < SR_STAGE_COUNT; k++)
        sr_system_free(m.sys[k]);
    free(m.t);
    free(m.x);
    free(m.s);
    free(m.d);
    sr_districts_release(&dl);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The summary.                                                        */
/* ------------------------------------------------------------------ */

struct verdict {
    int64_t id;
    bool compliant;
};

struct verdicts {
    struct verdict *v;
    size_t n, cap;
    bool oom;
};

static int
collect_verdict(const struct sr_assessment *a, void *ctx)
{
    struct verdicts *vs = ctx;

    if (vs->n == vs->cap) {
        size_t cap = vs->cap ? vs->cap * 2 : 1024;
        struct verdict *v = realloc(vs->v, cap * sizeof(*v));

        if (!v) {
            vs->oom = true;
            return 1;
        }
        vs->v = v;
        vs->cap = cap;
    }
    vs->v[vs->n].id = a->id;
    vs->v[vs->n].compliant = a->compliant;
    vs->n++;
    return 0;
}

static int
cmp_verdict(const void *a, const void *b)
{
    const struct verdict *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

static struct sr_demo_district *
find_district(struct sr_demo_summary *s, const char *code)
{
    size_t i;

    for (i = 0; code && i < s->n; i++)
        if (!strcmp(s->d[i].code, code))
            return &s->d[i];
    return NULL;
}

static void
add_row(struct sr_demo_district *to, const struct sr_demo_district *from)
{
    int j;

    to->schools += from->schools;
    to->assessed += from->assessed;
    to->compliant += from->compliant;
    for (j = 0; j < SR_HAZARD_STATUS_COUNT; j++)
        to->hazards[j] += from->hazards[j];
    to->overdue += from->overdue;
    for (j = 0; j < SR_BASELINE_COUNT; j++)
        to->baseline_met[j] += from->baseline_met[j];
    to->all_four += from->all_four;
}

sr_error
sr_demo_summarize(struct sr_store *st, const char *as_of,
                  struct sr_demo_summary *out)
{
    struct sr_assess_filter af = {.status = 1};
    struct sr_baseline_report br;
    struct sr_districts dl;
    struct verdicts vs = {NULL, 0, 0, false};
    struct sr_hazard_record *hv = NULL;
    size_t hn = 0, i;
    char today[16];
    sr_error rc;
    int j;

    memset(out, 0, sizeof(*out));
    memset(&br, 0, sizeof(br));
    sr_districts_init(&dl);
    if (!as_of) {
        sr_store_today(st, today);
        as_of = today;
    }
    if (!sr_date_valid(as_of))
        return SR_ERR_INPUT;
    memcpy(out->as_of, as_of, 10); /* a valid date is 10 bytes */
    out->as_of[10] = '\0';
    out->total.code = strdup("");
    out->total.name = strdup("全市");
    if (!out->total.code || !out->total.name)
        return SR_ERR_NOMEM;
    if ((rc = sr_registry_districts(st, &dl)) != SR_OK)
        goto cleanup;
    out->d = calloc(dl.n ? dl.n : 1, sizeof(*out->d));
    if (!out->d) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < dl.n; i++) {
        out->d[i].code = strdup(dl.v[i].code);
        out->d[i].name = strdup(dl.v[i].name);
        out->n++;
        if (!out->d[i].code || !out->d[i].name) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
    }
    if ((rc = sr_assess_list(st, &af, collect_verdict, &vs)) != SR_OK)
        goto cleanup;
    if (vs.oom) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    if (vs.n)
        qsort(vs.v, vs.n, sizeof(*vs.v), cmp_verdict);
    if ((rc = sr_baseline_compute(st, NULL, as_of, &br)) != SR_OK)
        goto cleanup;
    for (i = 0; i < br.nd; i++) {
        struct sr_demo_district *d = find_district(out, br.d[i].code);

        if (!d)
            continue;
        d->schools = br.d[i].schools;
        for (j = 0; j < SR_BASELINE_COUNT; j++)
            d->baseline_met[j] = br.d[i].met[j];
        d->all_four = br.d[i].all_four;
        d->reaches = br.d[i].reaches;
    }
    for (i = 0; i < br.n; i++) {
        struct sr_demo_district *d = find_district(out, br.s[i].district);
        struct verdict key, *hit;

        if (!d || !br.s[i].assessment)
            continue;
        d->assessed++;
        key.id = br.s[i].assessment;
        hit = vs.n ? bsearch(&key, vs.v, vs.n, sizeof(*vs.v), cmp_verdict)
                   : NULL;
        if (hit && hit->compliant)
            d->compliant++;
    }
    if ((rc = sr_hazard_list(st, NULL, as_of, &hv, &hn)) != SR_OK)
        goto cleanup;
    for (i = 0; i < hn; i++) {
        struct sr_demo_district *d = find_district(out, hv[i].district);

        if (!d || hv[i].status < 0 || hv[i].status >= SR_HAZARD_STATUS_COUNT)
            continue;
        d->hazards[hv[i].status]++;
        d->overdue += hv[i].overdue;
    }
    for (i = 0; i < out->n; i++)
        add_row(&out->total, &out->d[i]);
    out->total.reaches = false;
    for (i = 0; i < out->n; i++)
        if (out->d[i].schools)
            out->total.reaches = true;
    for (i = 0; i < out->n; i++)
        if (out->d[i].schools && !out->d[i].reaches)
            out->total.reaches = false;

cleanup:
    sr_hazard_list_free(hv, hn);
    sr_baseline_report_release(&br);
    free(vs.v);
    sr_districts_release(&dl);
    return rc;
}

void
sr_demo_summary_release(struct sr_demo_summary *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n; i++) {
        free(s->d[i].code);
        free(s->d[i].name);
    }
    free(s->d);
    free(s->total.code);
    free(s->total.name);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------------ */
/* Sign-in accounts                                                     */
/* ------------------------------------------------------------------ */

struct first_school {
    char code[11];
    char name[120];
};

static int
take_first(const struct sr_school_record *r, void *ctx)
{
    struct first_school *f = ctx;

    snprintf(f->code, sizeof(f->code), "%s", r->code);
    snprintf(f->name, sizeof(f->name), "%s", r->name);
    return 1;
}

/* The date days before the store's today (China time). */
static void
days_ago(struct sr_store *st, int days, char out[11])
{
    time_t t = sr_store_time(st) + 8 * 3600 - (time_t)days * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The demo inspector is an expert of the corps too: certified a little
 * over a year ago, so that it is certified whenever the demo is made. */
static sr_error
inspector_profile(struct sr_store *st, const char *login)
{
    char trained[11], certified[11], expires[11];
    struct sr_expert_in in;

    days_ago(st, 420, trained);
    days_ago(st, 390, certified);
    plus_three_years(certified, expires);
    memset(&in, 0, sizeof(in));
    in.unit = "历下区教育和体育局安全科";
    in.district = "历下区";
    in.specialities = SR_SPECS(SR_SPEC_FIRE) | SR_SPECS(SR_SPEC_GENERAL);
    in.trained_on = trained;
    in.certified_on = certified;
    in.expires_on = expires;
    in.status = SR_EXPERT_ACTIVE;
    return sr_expert_add(st, login, &in);
}

sr_error
sr_demo_users(struct sr_store *st, const struct sr_auth_policy *p,
              struct sr_demo_user out[SR_DEMO_USERS])
{
    static const struct {
        const char *login, *name;
        int role;
    } who[SR_DEMO_USERS] = {
        {"admin", "系统管理员", SR_ROLE_ADMIN},
        {"shiju", "市教育局安全处", SR_ROLE_CITY},
        {"lixia", "历下区教育和体育局安全科", SR_ROLE_DISTRICT},
        {"xuexiao", "学校安全管理员", SR_ROLE_SCHOOL},
        {"jiancha", "历下区安全检查员", SR_ROLE_INSPECTOR},
    };
    struct sr_registry_filter f;
    struct first_school school;
    sr_error rc;
    int i;

    memset(&f, 0, sizeof(f));
    memset(&school, 0, sizeof(school));
    f.district = "历下区";
    f.stage = SR_STAGE_PRIMARY;
    rc = sr_registry_list(st, &f, take_first, &school);
    /* A small city may have no primary school in 历下区 (its one school
     * can be the special school every district has): then its first
     * open school of any stage, as demo.h says. */
    if (rc == SR_OK && !school.code[0]) {
        f.stage = -1;
        rc = sr_registry_list(st, &f, take_first, &school);
    }
    if (rc != SR_OK)
        return rc;
    if (!school.code[0])
        return SR_ERR_STATE; /* no school in 历下区: no demo city yet */
    for (i = 0; i < SR_DEMO_USERS; i++) {
        struct sr_user_new u;
        struct sr_demo_user *d = &out[i];
        int64_t id, grant;

        memset(d, 0, sizeof(*d));
        snprintf(d->login, sizeof(d->login), "%s", who[i].login);
        snprintf(d->name, sizeof(d->name), "%s", who[i].name);
        d->role = who[i].role;
        sr_password_for(p, d->login, d->password);
        memset(&u, 0, sizeof(u));
        u.login = d->login;
        u.name = d->name;
        u.password = d->password;
        rc = sr_user_add(st, p, &u, &id);
        if (rc != SR_OK)
            return rc;
        switch (d->role) {
        case SR_ROLE_DISTRICT:
        case SR_ROLE_INSPECTOR:
            rc = sr_grant_add(st, id, d->role, "历下区", NULL, &grant);
            snprintf(d->scope, sizeof(d->scope), "历下区");
            break;
        case SR_ROLE_SCHOOL:
            rc = sr_grant_add(st, id, d->role, NULL, school.code, &grant);
            snprintf(d->scope, sizeof(d->scope), "%s（%s）", school.name,
                     school.code);
            break;
        default:
            rc = sr_grant_add(st, id, d->role, NULL, NULL, &grant);
            snprintf(d->scope, sizeof(d->scope), "%s",
                     d->role == SR_ROLE_CITY ? "全市" : "用户与授权");
            break;
        }
        if (rc != SR_OK)
            return rc;
    }
    return inspector_profile(st, out[SR_DEMO_USERS - 1].login);
}
