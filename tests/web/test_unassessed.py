"""Four-100% elements a system does not evidence (baseline-unassessed,
docs/indicator-format.md s.16.14) through the service, against the real
server: a primary table without 护学岗 items (tests/fixtures/unassessed/
table.xml) is loaded last, so the two primary schools of 历下区 are
inspected under it:

  2137010231 燕翔小学: every item passed -> 护学岗 未评估, all four 未评估
  2137010232 甸柳一小: B.1.1 (专职保安员) failed -> guards not met,
             护学岗 未评估, all four not met

The school's baseline says unassessed (status, reason), the district's
figures leave the unassessed schools out of the rates and count them
beside, and the district report's KPIs do the same."""

import datetime
import os
import urllib.parse

from srweb import SRC, Server, case, expect, expect_status, run

TABLE = os.path.join(SRC, "tests", "fixtures", "unassessed", "table.xml")
A, B = "2137010231", "2137010232"
REASON_ZH = "指标体系无护学岗项的小学安全评估表（1.0）未设置该要素的检查项"


class Shared:
    def __init__(self):
        self.s = Server()
        self.s.cli("indicators", "load", TABLE)
        self.inspect(A, "pass")
        self.inspect(B, "fail")
        self.city = self.s.as_user("city")
        self.lixia = self.s.as_user("lixia")

    def inspect(self, code, guards):
        path = os.path.join(self.s.dir, code + ".csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("item,value,note\nS.1.1,pass,\nB.1.1,%s,\n"
                    "B.1.2,pass,\nB.1.3,pass,\n" % guards)
        aid = self.s.cli("assess", "new", "--school", code,
                         "--by", "张检查员").strip()
        self.s.cli("assess", "import", aid, path, "--by", "张检查员")
        self.s.cli("assess", "submit", aid, "--by", "张检查员")

    def close(self):
        self.s.close()


def element(o, name):
    return next(e for e in o["elements"] if e["element"] == name)


@case("a school's baseline: 护学岗 unassessed (not met, grey on the "
      "pages) with the system's reason; all four unassessed")
def _(sh):
    r = sh.lixia.get("/api/v1/schools/%s/baseline" % A)
    expect_status(r, 200)
    o = r.json
    p = element(o, "protection-posts")
    expect(p == {"element": "protection-posts", "label": "护学岗",
                 "met": False, "status": "unassessed",
                 "reason": REASON_ZH}, p)
    g = element(o, "guards")
    expect(g["met"] is True and g["status"] == "met"
           and g["reason"] is None, g)
    expect(o["all_four"] is False and o["all_four_status"] == "unassessed",
           o)
    # 甸柳一小 fails guards: not met, whatever 护学岗 is
    o = sh.lixia.get("/api/v1/schools/%s/baseline" % B).json
    expect(element(o, "guards")["status"] == "not_met", o)
    expect(element(o, "protection-posts")["status"] == "unassessed", o)
    expect(o["all_four_status"] == "not_met", o)


@case("the school page's summary (GET /schools/{code}) carries the same "
      "baseline")
def _(sh):
    o = sh.lixia.get("/api/v1/schools/%s" % A).json["baseline"]
    expect(o["all_four_status"] == "unassessed", o)
    expect(element(o, "protection-posts")["reason"] == REASON_ZH, o)


@case("the district's figures: each rate over the schools evaluated on "
      "the element, unassessed counted beside; all four met, unassessed "
      "and not met")
def _(sh):
    r = sh.city.get("/api/v1/baseline?district="
                    + urllib.parse.quote("历下区"))
    expect_status(r, 200)
    d = r.json["districts"]
    expect(len(d) == 1, d)
    d = d[0]
    expect(d["schools"] == 2, d)
    expect(element(d, "guards") ==
           {"element": "guards", "label": "专职保安员配备", "met": 1,
            "unassessed": 0, "rate": 50.0}, d)
    # both schools unassessed: no school evaluated, no rate
    expect(element(d, "protection-posts") ==
           {"element": "protection-posts", "label": "护学岗", "met": 0,
            "unassessed": 2, "rate": None}, d)
    expect(d["all_four"] == 0 and d["all_four_unassessed"] == 1
           and d["all_four_not_met"] == 1 and d["all_four_rate"] == 0.0
           and d["reaches"] is False, d)


@case("the district report's KPIs: the rate's denominator leaves out the "
      "unassessed schools, all four says how many")
def _(sh):
    today = datetime.date.today()
    period = "%dQ%d" % (today.year, (today.month - 1) // 3 + 1)
    r = sh.city.get("/api/v1/districts/370102?period=" + period)
    expect_status(r, 200)
    k = r.json["kpis"]
    expect(k["schools"] == 2, k)
    b = k["baseline"]
    expect(b["protection-posts"]["met"] == 0
           and b["protection-posts"]["unassessed"] == 2
           and b["protection-posts"]["rate"]["den"] == 0, b)
    expect(b["guards"]["met"] == 1 and b["guards"]["unassessed"] == 0
           and b["guards"]["rate"]["num"] == 1
           and b["guards"]["rate"]["den"] == 2, b)
    expect(b["all"]["met"] == 0 and b["all"]["unassessed"] == 1
           and b["all"]["rate"]["num"] == 0
           and b["all"]["rate"]["den"] == 1, b)
    expect(k["four_100"] is False, k)


run(Shared)
