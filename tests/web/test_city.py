"""The city's and the districts' figures and workbooks: the districts,
a district's overview, the dashboard, the district and city workbooks,
and verifying the audit chain, against the real server.

The database holds the harness's four schools and the twelve example
schools of indicators/examples/ (历下区, 槐荫区, 章丘区, 商河县), each
example assessed through the CLI ten days ago with its responses; some
of the hazards the assessments raised are assigned with a deadline
already past, some are rectified and reviewed, so that every figure of
区县汇总 has something to count.  The dashboard must show exactly what
the city workbook downloaded beside it shows.
"""

import csv
import datetime
import decimal
import glob
import io
import json
import os
import re
import subprocess
import urllib.parse
import zipfile

import openpyxl

from srweb import (BIN, REGISTRY, SRC, Server, case, expect, expect_error,
                   expect_status, run)

STAGES = {"kindergarten": "幼儿园", "primary": "小学", "junior": "初中",
          "senior": "普通高中", "nine-year": "九年一贯制",
          "complete-secondary": "完全中学", "twelve-year": "十二年一贯制",
          "vocational": "中等职业学校", "special": "特殊教育学校"}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def china_today():
    return (datetime.datetime.now(datetime.timezone.utc) +
            datetime.timedelta(hours=8)).date()


def examples():
    """The example schools: (key, fields) from their .school files."""
    out = []
    for path in sorted(glob.glob(os.path.join(SRC, "indicators", "examples",
                                              "*.school"))):
        kv = {}
        for line in open(path, encoding="utf-8-sig"):
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                kv[k.strip()] = v.strip()
        out.append((path[:-len(".school")], kv))
    return out


def registry():
    """The harness's registry with the example schools added."""
    rows = [REGISTRY.rstrip("\n")]
    for _, kv in examples():
        rows.append(",".join(
            [kv["code"], kv["name"], kv["district"], STAGES[kv["stage"]],
             kv.get("ownership", "public"), kv.get("locale", "urban")] +
            [kv.get(f, "false") for f in ("boarding", "school_bus",
                                          "canteen", "laboratory",
                                          "swimming_pool")] +
            [kv.get(f, "0") for f in ("enrollment", "boarders",
                                      "special_needs")] + ["", ""]))
    return "\n".join(rows) + "\n"


def q(s):
    return urllib.parse.quote(s)


class Shared:
    def __init__(self):
        self.s = Server(registry=registry())
        self.today = china_today()
        self.then = self.today - datetime.timedelta(days=10)
        # The period every figure is compared in: the year of the
        # assessments.
        self.period = "%04d" % self.then.year
        self.build()
        self.city = self.s.as_user("city", lang="en")

    def cli_at(self, day, *args):
        """The CLI with its clock at 10:00 China time on day."""
        env = dict(self.s.env,
                   SCHOOLRISK_CLOCK="%sT02:00:00Z" % day.isoformat())
        p = subprocess.run([BIN] + list(args) + ["--db", self.s.db],
                           env=env, capture_output=True, text=True)
        if p.returncode != 0:
            raise AssertionError("schoolrisk %s: exit %d: %s"
                                 % (" ".join(args), p.returncode, p.stderr))
        return p.stdout

    def build(self):
        then = self.then.isoformat()
        for base, kv in examples():
            out = self.cli_at(self.then, "assess", "new", "--school",
                              kv["code"], "--date", then, "--by", "张检查员")
            aid = out.strip().split()[-1]
            self.cli_at(self.then, "assess", "import", aid, base + ".csv")
            self.cli_at(self.then, "assess", "submit", aid, "--by",
                        "张检查员")
        hz = json.loads(self.s.cli("hazards", "list", "--json"))["hazards"]
        self.hazards = hz
        deadline = (self.then + datetime.timedelta(days=3)).isoformat()
        later = (self.today + datetime.timedelta(days=30)).isoformat()
        general = [h for h in hz if h["level"] == "general"]
        major = [h for h in hz if h["level"] == "major"]
        # Past their deadline, still open: overdue now.
        for h in general[:4] + major[:1]:
            self.cli_at(self.then, "hazard", "assign", str(h["id"]),
                        "--responsible", "王建国", "--deadline", deadline)
        # Rectified and reviewed today: general ones are closed, a
        # major one waits for the city's sign-off.
        for h in general[4:9] + major[1:3]:
            self.s.cli("hazard", "assign", str(h["id"]), "--responsible",
                       "赵敏", "--deadline", later)
            self.s.cli("hazard", "submit", str(h["id"]), "--note", "已整改",
                       "--by", "赵敏")
            self.s.cli("hazard", "verify", str(h["id"]), "--by", "李复查员")

    def close(self):
        self.s.close()


def layout(sheet):
    """field -> heading of a sheet of the city layout."""
    path = os.path.join(SRC, "templates", "reports", "city.csv")
    with open(path, encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    return {r[1]: r[2] for r in rows[1:] if r[0] == sheet}


def workbook(r):
    return openpyxl.load_workbook(io.BytesIO(r.body))


def loads(r):
    """The body with exact decimals (raw JSON numbers as Decimal)."""
    return json.loads(r.body.decode("utf-8"), parse_float=decimal.Decimal)


def percent(num, den):
    """num / den in per cent, one decimal, half away from zero."""
    if den == 0:
        return None
    return (decimal.Decimal(num * 100) / den).quantize(
        decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)


KPI_FIELDS = ["schools", "assessed", "compliant", "vetoed", "open_major"]
RATE_FIELDS = {"coverage": lambda k: k["coverage"],
               "compliance": lambda k: k["compliance"],
               "guards_rate": lambda k: k["baseline"]["guards"]["rate"],
               "closed_campus_rate":
                   lambda k: k["baseline"]["closed-campus"]["rate"],
               "alarm_video_rate":
                   lambda k: k["baseline"]["alarm-video"]["rate"],
               "protection_posts_rate":
                   lambda k: k["baseline"]["protection-posts"]["rate"],
               "rectification": lambda k: k["rectification"]}
HAZARD_FIELDS = {"hazards_found": "found", "hazards_closed": "closed",
                 "hazards_closed_late": "closed_late",
                 "hazards_open": "open", "hazards_overdue": "overdue"}


def compare_line(row, col, name, rank, k):
    """One line of 区县汇总 against its JSON."""
    def cell(field):
        return row[col[field]].value

    expect(cell("district") == name, "district %r, expected %r"
           % (cell("district"), name))
    expect(cell("rank") == rank, "%s: rank %r, expected %r"
           % (name, cell("rank"), rank))
    for f in KPI_FIELDS:
        expect(cell(f) == k[f], "%s: %s %r, expected %r"
               % (name, f, cell(f), k[f]))
    for f in ("blue", "yellow", "orange", "red"):
        expect(cell(f) == k["bands"][f], "%s: %s %r, expected %r"
               % (name, f, cell(f), k["bands"][f]))
    for f, key in HAZARD_FIELDS.items():
        expect(cell(f) == k["hazards"][key], "%s: %s %r, expected %r"
               % (name, f, cell(f), k["hazards"][key]))
    for f, get in RATE_FIELDS.items():
        rate = get(k)
        if rate["den"] == 0:
            expect(cell(f) == "-" and rate["percent"] is None,
                   "%s: %s %r, rate %r" % (name, f, cell(f), rate))
        else:
            expect(abs(cell(f) - rate["num"] / rate["den"]) < 1e-12,
                   "%s: %s %r, rate %r" % (name, f, cell(f), rate))
            expect(rate["percent"] == percent(rate["num"], rate["den"]),
                   "%s: %s percent %r" % (name, f, rate))
    expect(cell("four_100") == ("是" if k["four_100"] else "否"),
           "%s: four_100 %r" % (name, cell("four_100")))


# ------------------------------------------------------------------ cases

@case("the districts: every one in the bureau's order, for every role")
def _(sh):
    want = [("370102", "历下区"), ("370103", "市中区"), ("370104", "槐荫区"),
            ("370105", "天桥区"), ("370112", "历城区"), ("370113", "长清区"),
            ("370114", "章丘区"), ("370115", "济阳区"), ("370116", "莱芜区"),
            ("370117", "钢城区"), ("370124", "平阴县"), ("370126", "商河县"),
            ("370171", "高新区"), ("JN-NBSQ", "南部山区"),
            ("JN-QBQ", "起步区"), ("JN-SS", "市属学校")]
    for login in ("city", "yanxiang", "insp"):
        r = sh.s.as_user(login).get("/api/v1/districts")
        expect_status(r, 200)
        expect(r.json["total"] == 16, r.json)
        expect([(d["code"], d["name"]) for d in r.json["items"]] == want,
               r.json)


@case("the dashboard's district lines and total equal the city workbook's "
      "区县汇总, cell by cell")
def _(sh):
    d = sh.city.get("/api/v1/dashboard?period=" + sh.period)
    expect_status(d, 200)
    dash = loads(d)
    expect(dash["period"] == {"label": sh.period, "kind": "year",
                              "name": "%s年" % sh.period,
                              "start": "%s-01-01" % sh.period,
                              "end": "%s-12-31" % sh.period}, dash["period"])
    w = sh.city.get("/api/v1/reports/city?period=" + sh.period)
    expect_status(w, 200)
    ws = workbook(w)["区县汇总"]
    heads = layout("区县汇总")
    # The layout's title and 填报单位 stand above the table.
    rows = list(ws.iter_rows())
    top = next(i for i, r in enumerate(rows)
               if any(c.value == heads["district"] for c in r))
    rows = rows[top:]
    col = {}
    for field, heading in heads.items():
        hits = [i for i, c in enumerate(rows[0]) if c.value == heading]
        expect(len(hits) == 1, "heading %r in %r" % (heading, rows[0]))
        col[field] = hits[0]
    lines = dash["districts"]
    expect(len(lines) == 16, len(lines))
    # The JSON in the registry's order, the sheet in rank order (equal
    # ranks in the registry's order: sorted is stable).
    for i, line in enumerate(sorted(lines, key=lambda x: x["rank"])):
        compare_line(rows[1 + i], col, line["name"], line["rank"],
                     line["kpis"])
    compare_line(rows[1 + len(lines)], col, "全市合计", None, dash["total"])
    # What the fixture holds, independently of both.
    by = {x["name"]: x for x in lines}
    expect(by["历下区"]["kpis"]["schools"] == 6 and
           by["历下区"]["kpis"]["assessed"] == 4, by["历下区"])
    expect(by["商河县"]["kpis"]["schools"] == 5 and
           by["商河县"]["kpis"]["assessed"] == 5, by["商河县"])
    expect(by["天桥区"]["kpis"]["schools"] == 0 and
           by["天桥区"]["kpis"]["coverage"] == {"num": 0, "den": 0,
                                                "percent": None},
           by["天桥区"])
    total = dash["total"]
    expect(total["schools"] == 16 and total["assessed"] == 12, total)
    expect(total["hazards"]["found"] == len(sh.hazards), total["hazards"])
    expect(total["hazards"]["overdue"] == 5, total["hazards"])
    expect(total["hazards"]["closed"] == 5, total["hazards"])
    expect(total["rectification"]["num"] == 5 and
           total["rectification"]["den"] == len(sh.hazards),
           total["rectification"])
    expect(sum(x["kpis"]["vetoed"] for x in lines) == 6, lines)


@case("rates are exact: numerator, denominator and the percentage rounded "
      "half away from zero in decimal")
def _(sh):
    d = sh.city.get("/api/v1/dashboard?period=" + sh.period)
    text = d.body.decode("utf-8")
    # Written as decimals with one place, never a double's tail.
    expect(not re.search(r'"percent":\d+\.\d{2,}', text), text[:400])
    dash = loads(d)
    seen = 0
    for line in dash["districts"] + [{"kpis": dash["total"]}]:
        for get in RATE_FIELDS.values():
            rate = get(line["kpis"])
            expect(rate["percent"] == percent(rate["num"], rate["den"]),
                   rate)
            seen += rate["den"] != 0
    expect(seen > 20, seen)
    all4 = dash["total"]["baseline"]["all"]
    expect(all4["rate"]["den"] == 16 and all4["met"] ==
           16 - dash["counts"]["off_baseline"], (all4, dash["counts"]))


@case("the dashboard counts the supervised hazards open and awaiting the "
      "city's sign-off")
def _(sh):
    dash = sh.city.get("/api/v1/dashboard?period=" + sh.period).json
    open_major = sh.s.sql(
        "SELECT count(*) FROM hazards WHERE level = 'major' AND "
        "status <> 'closed'")[0][0]
    waiting = sh.s.sql(
        "SELECT count(*) FROM hazards WHERE level = 'major' AND "
        "status = 'submitted' AND reviewed_by IS NOT NULL")[0][0]
    expect(waiting == 2 and open_major > 2, (waiting, open_major))
    expect(dash["supervised"] == {"open": open_major,
                                  "awaiting_signoff": waiting},
           dash["supervised"])


@case("the dashboard is computed once and served again until something is "
      "written; after a write, at most a minute old, and ?fresh=1 recomputes")
def _(sh):
    url = "/api/v1/dashboard?period=" + sh.period
    a = sh.city.get(url).json
    b = sh.city.get(url).json
    expect(a == b, "two reads without a write differ")
    # A hazard added in 历下区: the city's open hazard count moves.
    lixia = sh.s.as_user("lixia", lang="en")
    r = lixia.post("/api/v1/hazards", {"school": "3701020101",
                                       "level": "general",
                                       "description": "缓存测试：围墙裂缝"})
    expect_status(r, 201)
    c = sh.city.get(url).json
    expect(c["computed_at"] == a["computed_at"] and c == a,
           "within a minute of a write the figures may be the cached ones")
    d = sh.city.get(url + "&fresh=1").json
    expect(d["total"]["hazards"]["open"] ==
           a["total"]["hazards"]["open"] + 1,
           "fresh=1: open hazards %s, before %s"
           % (d["total"]["hazards"]["open"], a["total"]["hazards"]["open"]))
    e = sh.city.get(url).json
    expect(e == d, "the recomputed figures are served from then on")


@case("without ?period= the figures are the current quarter's (China "
      "time); a bad period is 400 naming the field")
def _(sh):
    t = china_today()
    label = "%04dQ%d" % (t.year, (t.month - 1) // 3 + 1)
    r = sh.city.get("/api/v1/dashboard")
    expect_status(r, 200)
    expect(r.json["period"]["label"] == label, r.json["period"])
    r = sh.s.as_user("lixia", lang="en").get("/api/v1/districts/370102")
    expect_status(r, 200)
    expect(r.json["period"]["label"] == label, r.json["period"])
    msg = ("bad period '2026Q5' (expected a quarter like 2026Q3 or "
           "2026年第三季度, a month like 2026-09 or 2026年9月, or a year like "
           "2026 or 2026年)")
    for path in ("/api/v1/dashboard?period=2026Q5",
                 "/api/v1/districts/370102?period=2026Q5",
                 "/api/v1/reports/city?period=2026Q5",
                 "/api/v1/reports/districts/370102?period=2026Q5"):
        expect_error(sh.city.get(path), 400, "bad_query", msg, "period")


@case("a district's overview: its KPIs, the same as its dashboard line, "
      "by name or code")
def _(sh):
    lixia = sh.s.as_user("lixia", lang="en")
    r = lixia.get("/api/v1/districts/%s?period=%s" % (q("历下区"),
                                                     sh.period))
    expect_status(r, 200)
    o = loads(r)
    expect(o["code"] == "370102" and o["name"] == "历下区", o)
    dash = loads(sh.city.get("/api/v1/dashboard?period=" + sh.period))
    line = [x for x in dash["districts"] if x["code"] == "370102"][0]
    expect(o["kpis"] == line["kpis"], (o["kpis"], line["kpis"]))
    expect(o["counts"]["schools"] == 6, o["counts"])
    expect([(s["stage"], s["schools"], s["assessed"])
            for s in o["kpis"]["stages"]] ==
           [("kindergarten", 1, 1), ("primary", 3, 1), ("junior", 1, 1),
            ("senior", 1, 1)], o["kpis"]["stages"])
    expect("schools" not in o or not isinstance(o.get("schools"), list),
           "no per-school rows")
    r2 = lixia.get("/api/v1/districts/370102?period=" + sh.period)
    expect(loads(r2) == o, "by code and by name")
    r = sh.city.get("/api/v1/districts/370126?period=" + sh.period)
    expect_status(r, 200)
    expect(r.json["kpis"]["assessed"] == 5, r.json["kpis"])


@case("another district's figures and workbook: 403; an unknown district: "
      "404")
def _(sh):
    lixia = sh.s.as_user("lixia", lang="en")
    expect_error(lixia.get("/api/v1/districts/" + q("市中区")), 403,
                 "forbidden", "district '市中区' is outside your scope")
    expect_error(lixia.get("/api/v1/reports/districts/370103"), 403,
                 "forbidden", "district '370103' is outside your scope")
    expect_error(lixia.get("/api/v1/districts/" + q("无此区")), 404,
                 "not_found", "no district '无此区'")
    expect_error(sh.city.get("/api/v1/reports/districts/" + q("无此区")),
                 404, "not_found", "no district '无此区'")
    for path in ("/api/v1/dashboard", "/api/v1/reports/city",
                 "/api/v1/audit"):
        expect_error(lixia.get(path), 403, "forbidden",
                     "your role does not allow this")
    school = sh.s.as_user("yanxiang", lang="en")
    expect_error(school.get("/api/v1/districts/370102"), 403, "forbidden",
                 "your role does not allow this")


@case("the district workbook downloads as xlsx with its Chinese name and "
      "opens with 概况 first")
def _(sh):
    r = sh.s.as_user("lixia").get(
        "/api/v1/reports/districts/%s?period=%s" % (q("历下区"), sh.period))
    expect_status(r, 200)
    expect(r.header("Content-Type") == XLSX, r.headers)
    cd = r.header("Content-Disposition")
    name = "历下区-%s.xlsx" % sh.period
    expect(cd == "attachment; filename=\"___-%s.xlsx\"; filename*=UTF-8''%s"
           % (sh.period, q(name)), cd)
    expect("filename*=UTF-8''%E5%8E%86" in cd, cd)
    expect(r.header("Cache-Control") == "no-store", r.headers)
    wb = workbook(r)
    expect(wb.sheetnames == ["概况", "学校评估", "失分明细", "隐患台账",
                             "四个100%", "说明"], wb.sheetnames)
    names = [c.value for c in wb["学校评估"]["B"]][1:]
    expect(len([n for n in names if n]) == 6, names)
    notes = " ".join(str(c.value) for row in wb["说明"].iter_rows()
                     for c in row if c.value)
    head = sh.city.get("/api/v1/audit").json["head"]
    expect(head in notes, "the 说明 sheet records the chain's head")
    r = sh.city.get("/api/v1/reports/city?period=" + sh.period)
    expect(r.header("Content-Disposition").endswith(
        "filename*=UTF-8''%s" % q("全市-%s.xlsx" % sh.period)),
        r.header("Content-Disposition"))
    expect(workbook(r).sheetnames[0] == "区县汇总", "city workbook")
    # nothing is left behind in the temporary directory
    left = [f for f in os.listdir(os.environ.get("TMPDIR", "/tmp"))
            if f.startswith("schoolrisk-") and len(f) == 17]
    expect(not left, left)


@case("every workbook as one zip: the files `report all` writes, in its "
      "order, each a workbook; the city only")
def _(sh):
    r = sh.city.get("/api/v1/reports/all?period=" + sh.period)
    expect_status(r, 200)
    expect(r.header("Content-Type") == "application/zip", r.headers)
    name = "全部报表-%s.zip" % sh.period
    cd = r.header("Content-Disposition")
    expect(cd == "attachment; filename=\"____-%s.zip\"; filename*=UTF-8''%s"
           % (sh.period, q(name)), cd)
    expect(r.header("Cache-Control") == "no-store", r.headers)
    z = zipfile.ZipFile(io.BytesIO(r.body))
    expect(z.testzip() is None, "a member's CRC is wrong")
    names = z.namelist()
    # The districts in the bureau's order, then the city.
    order = [d["name"] for d in
             sh.city.get("/api/v1/districts").json["items"]]
    expect(len(order) == 16, order)
    expect(names == ["%s-%s.xlsx" % (d, sh.period) for d in order] +
           ["全市-%s.xlsx" % sh.period], names)
    # The same files as `report all` writes.
    out = os.path.join(sh.s.dir, "all")
    sh.s.cli("report", "all", "--period", sh.period, "--out-dir", out)
    expect(sorted(os.listdir(out)) == sorted(names),
           (sorted(os.listdir(out)), names))
    for m in z.infolist():
        expect(m.compress_type == zipfile.ZIP_STORED and
               m.flag_bits & 0x800, (m.filename, m.compress_type,
                                     m.flag_bits))
    lixia = openpyxl.load_workbook(io.BytesIO(z.read(
        "历下区-%s.xlsx" % sh.period)))
    expect(lixia.sheetnames[0] == "概况", lixia.sheetnames)
    expect(lixia["概况"]["A1"].value ==
           "历下区%s年中小学幼儿园校园安全风险评估报告" % sh.period,
           lixia["概况"]["A1"].value)
    city = openpyxl.load_workbook(io.BytesIO(z.read(
        "全市-%s.xlsx" % sh.period)))
    expect(city.sheetnames[0] == "区县汇总", city.sheetnames)
    # The temporary directory and files are gone.
    left = [f for f in os.listdir(os.environ.get("TMPDIR", "/tmp"))
            if f.startswith("schoolrisk-") and len(f) == 17]
    expect(not left, left)
    lixia = sh.s.as_user("lixia", lang="en")
    expect_error(lixia.get("/api/v1/reports/all"), 403, "forbidden",
                 "your role does not allow this")
    expect_error(sh.city.get("/api/v1/reports/all?period=2026Q5"), 400,
                 "bad_query", None, "period")


@case("the audit chain verifies; a malformed head is 422")
def _(sh):
    r = sh.city.get("/api/v1/audit")
    expect_status(r, 200)
    o = r.json
    expect(o["ok"] is True and o["problem"] is None and o["records"] > 100
           and re.fullmatch(r"[0-9a-f]{64}", o["head"]), o)
    r = sh.city.get("/api/v1/audit?head=" + o["head"])
    expect(r.json["ok"] is True, r.json)
    r = sh.s.as_user("city", lang="en").get("/api/v1/audit?head=xyz")
    expect_error(r, 422, "invalid",
                 "'xyz' is not a chain head (64 hex digits as `audit head` "
                 "prints it)")


@case("a hazard closed outside the program: the chain no longer verifies "
      "and says where")
def _(sh):
    victim = sh.hazards[0]["id"]
    sh.s.sql("UPDATE hazards SET status = 'closed' WHERE id = ?", victim)
    r = sh.city.get("/api/v1/audit")
    expect_status(r, 200)
    o = r.json
    expect(o["ok"] is False, o)
    expect(o["problem"] == PROBLEM % victim, o["problem"])


PROBLEM = ("hazard %d was altered outside schoolrisk: its row no longer "
           "matches the state recorded by its latest event")


run(Shared)
