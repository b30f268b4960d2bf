"""The bulletins over HTTP: a district's monthly dispatch (月调度) and the
city's quarterly bulletin (季通报), as JSON and as workbooks, against the
real server.

The harness's registry (历下区, 市中区, 莱芜区) with one major hazard
recorded by 历下区 on the first day of last month: last month's dispatch
names it as found and newly supervised, and the JSON the page reads is
exactly what `schoolrisk bulletin ... --json` prints for the same
database.  Scope: a district reads its own dispatch and the city's
bulletin (published to every district); a school or an inspector reads
neither.
"""

import datetime
import io
import json
import subprocess
import urllib.parse

import openpyxl

from srweb import BIN, Server, case, expect, expect_error, expect_status, run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def china_today():
    return (datetime.datetime.now(datetime.timezone.utc) +
            datetime.timedelta(hours=8)).date()


def last_month():
    first = china_today().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def quarter_before(d):
    """The quarter before the one of day d: before anything recorded."""
    q = (d.month - 1) // 3
    return "%dQ4" % (d.year - 1) if q == 0 else "%dQ%d" % (d.year, q)


def q(s):
    return urllib.parse.quote(s)


class Shared:
    def __init__(self):
        self.s = Server()
        self.month = last_month().strftime("%Y-%m")
        lixia = self.s.as_user("lixia")
        r = lixia.post("/api/v1/hazards", {
            "school": "2137010231", "level": "major",
            "description": "东侧围墙局部坍塌",
            "found_on": last_month().isoformat()})
        expect_status(r, 201, "add the hazard")
        self.hazard = r.json["hazard"]["id"]

    def cli_json(self, *args):
        p = subprocess.run([BIN, "bulletin"] + list(args) +
                           ["--json", "--db", self.s.db], env=self.s.env,
                           capture_output=True, text=True)
        expect(p.returncode == 0, "bulletin %s: %s" % (args, p.stderr))
        return json.loads(p.stdout)

    def close(self):
        self.s.close()


@case("last month's dispatch of 历下区 names the hazard found and newly "
      "supervised, as the CLI does")
def _(sh):
    c = sh.s.as_user("lixia")
    r = c.get("/api/v1/bulletins/monthly/%s?month=%s" % (q("历下区"),
                                                         sh.month))
    expect_status(r, 200)
    b = r.json
    expect(b["district"] == "370102" and b["district_name"] == "历下区", b)
    expect(b["period"]["label"] == sh.month, b["period"])
    prev = (last_month() - datetime.timedelta(days=1)).strftime("%Y-%m")
    expect(b["previous"]["label"] == prev, b["previous"])
    expect([h["id"] for h in b["hazards"]["found"]] == [sh.hazard],
           b["hazards"]["found"])
    expect([h["id"] for h in b["hazards"]["newly_supervised"]] ==
           [sh.hazard], b["hazards"])
    h = b["hazards"]["found"][0]
    expect(h["level"] == "major" and h["supervised"] is True and
           h["school_name"] == "济南市历下区燕翔小学", h)
    kp = {k["key"]: k for k in b["kpis"]}
    expect(kp["hazards_found"]["now"] == 1 and
           kp["hazards_found"]["prev"] == 0 and
           kp["hazards_found"]["change"] == 1, kp["hazards_found"])
    expect(kp["open_major"]["now"] == 1, kp["open_major"])
    expect(kp["compliance"]["rate"] is True and
           kp["compliance"]["now"] == {"num": 0, "den": 2, "percent": 0.0},
           kp["compliance"])
    expect(b["plans"] == [], b["plans"])
    expect(b == sh.cli_json("monthly", "--district", "历下区", "--month",
                            sh.month), "the API and the CLI differ")


@case("without ?month= the last month that has ended")
def _(sh):
    r = sh.s.as_user("city").get("/api/v1/bulletins/monthly/370102")
    expect_status(r, 200)
    expect(r.json["period"]["label"] == sh.month, r.json["period"])


@case("a district reads only its own dispatch; a school and an inspector "
      "none")
def _(sh):
    r = sh.s.as_user("lixia", lang="en").get(
        "/api/v1/bulletins/monthly/%s" % q("市中区"))
    expect_error(r, 403, "forbidden",
                 "district '市中区' is outside your scope")
    r = sh.s.as_user("shizhong").get("/api/v1/bulletins/monthly/%s"
                                     % q("市中区"))
    expect_status(r, 200)
    expect(r.json["hazards"]["found"] == [], r.json["hazards"])
    for login in ("yanxiang", "insp"):
        c = sh.s.as_user(login)
        for path in ("/api/v1/bulletins/monthly/370102",
                     "/api/v1/bulletins/monthly/370102/xlsx",
                     "/api/v1/bulletins/quarterly",
                     "/api/v1/bulletins/quarterly/xlsx"):
            expect_error(c.get(path), 403, "forbidden")


@case("bad periods and districts are refused with the field")
def _(sh):
    c = sh.s.as_user("city", lang="en")
    expect_error(c.get("/api/v1/bulletins/monthly/370102?month=2026Q4"),
                 400, "bad_query",
                 "bad month '2026Q4' (expected 2026-11 or 2026年11月)",
                 "month")
    expect_error(c.get("/api/v1/bulletins/quarterly?quarter=2026-11"),
                 400, "bad_query",
                 "bad quarter '2026-11' (expected 2026Q4 or 2026年第四季度)",
                 "quarter")
    expect_error(c.get("/api/v1/bulletins/monthly/%s" % q("火星区")), 404,
                 "not_found", "no district '火星区'")
    zh = sh.s.as_user("city")
    expect_error(zh.get("/api/v1/bulletins/monthly/370102?month=2026Q4"),
                 400, "bad_query",
                 "月份“2026Q4”有误（应为 2026-11 或 2026年11月）", "month")


@case("the quarterly bulletin: every district placed, to the city and to "
      "a district alike, as the CLI gives it")
def _(sh):
    quarter = quarter_before(last_month())
    city = sh.s.as_user("city").get("/api/v1/bulletins/quarterly?quarter="
                                    + quarter)
    expect_status(city, 200)
    b = city.json
    expect(b["period"]["label"] == quarter, b["period"])
    places = [d["place"] for d in b["ranking"]]
    expect(places == sorted(places), places)
    expect(len(b["ranking"]) == 16, len(b["ranking"]))
    # No school is assessed: every district with schools ties first (0%
    # everywhere), the others share the place after them.
    with_schools = [d for d in b["ranking"] if d["unassessed"] > 0]
    expect(sorted(d["code"] for d in with_schools) ==
           ["370102", "370103", "370116"], with_schools)
    expect(all(d["place"] == 1 for d in with_schools), with_schools)
    expect(all(d["place"] == 4 for d in b["ranking"][3:]), b["ranking"])
    expect(len(b["schools"]) == 4 and
           all(s["status"] == "未评估" for s in b["schools"]), b["schools"])
    expect(b["corrections"] == [], b["corrections"])
    mine = sh.s.as_user("lixia").get("/api/v1/bulletins/quarterly?quarter="
                                     + quarter)
    expect_status(mine, 200)
    expect(mine.json == b, "the district's copy differs")
    expect(b == sh.cli_json("quarterly", "--quarter", quarter),
           "the API and the CLI differ")


@case("the workbooks download with their names and the bureau's head")
def _(sh):
    c = sh.s.as_user("lixia")
    r = c.get("/api/v1/bulletins/monthly/370102/xlsx?month=" + sh.month)
    expect_status(r, 200)
    expect(r.header("Content-Type") == XLSX, r.header("Content-Type"))
    name = "历下区-%s-月调度.xlsx" % sh.month
    expect(r.header("Content-Disposition").endswith(
        "filename*=UTF-8''%s" % q(name)), r.header("Content-Disposition"))
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    expect(wb.sheetnames == ["月调度", "隐患变化", "本月检查", "新增应检",
                             "四个100%变化", "说明"], wb.sheetnames)
    ws = wb["月调度"]
    expect(ws["A1"].value == "历下区教育局", ws["A1"].value)
    expect(ws["A2"].value == "济教安〔%d〕  号" % china_today().year,
           ws["A2"].value)
    expect(wb["隐患变化"]["A2"].value == "本月发现" and
           wb["隐患变化"]["B2"].value == sh.hazard and
           wb["隐患变化"]["E2"].value == "东侧围墙局部坍塌",
           [c.value for c in wb["隐患变化"][2]])
    quarter = quarter_before(last_month())
    r = c.get("/api/v1/bulletins/quarterly/xlsx?quarter=" + quarter)
    expect_status(r, 200)
    expect(r.header("Content-Disposition").endswith(
        "filename*=UTF-8''%s" % q("全市-%s-季通报.xlsx" % quarter)),
        r.header("Content-Disposition"))
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    expect(wb.sheetnames == ["季通报", "未达标学校", "逾期重大隐患", "说明"],
           wb.sheetnames)


if __name__ == "__main__":
    run(Shared)
