"""What-if (整改预测) through the service: POST /api/v1/whatif and GET
/api/v1/whatif/suggest.  The scope the body or the query names is the
route table's to check (a district its own, a school itself, the whole
city the city alone: 403 naming the field); a hazard to close outside
that scope is not found (404, field "close"); the figures are the
library's, before and after.

Hazards (no assessment yet: no score changes, the counts do): H1 major
on 燕翔 (历下区), H2 general on 甸柳一小 (历下区), H3 on 舜耕中学
(市中区)."""

from urllib.parse import quote

from srweb import Server, case, expect, expect_error, expect_status, run

YANXIANG = "2137010231"
DIANLIU = "2137010232"
SHUNGENG = "2137010301"


class Shared:
    def __init__(self):
        self.s = Server()
        self.city = self.s.as_user("city", lang="en")
        self.lixia = self.s.as_user("lixia", lang="en")
        self.school = self.s.as_user("yanxiang", lang="en")
        self.insp = self.s.as_user("insp", lang="en")
        self.h1 = self.add(self.lixia, YANXIANG, "major", "东侧围墙倒塌约5米")
        self.h2 = self.add(self.lixia, DIANLIU, "general", "灭火器过期")
        self.h3 = self.add(self.city, SHUNGENG, "general", "楼梯扶手松动")

    @staticmethod
    def add(c, school, level, what):
        r = c.post("/api/v1/hazards", {"school": school, "level": level,
                                       "description": what})
        assert r.status == 201, r
        return r.json["hazard"]["id"] if "hazard" in r.json else r.json["id"]

    def close(self):
        self.s.close()


@case("a district closes its major hazard: open and open major fall, the "
      "school listed before and after")
def _(sh):
    r = sh.lixia.post("/api/v1/whatif", {"district": "历下区",
                                         "close": [sh.h1]})
    expect_status(r, 200)
    j = r.json
    expect(j["closed"] == [sh.h1], j["closed"])
    expect([s["code"] for s in j["schools"]] == [YANXIANG], j["schools"])
    s = j["schools"][0]
    expect(s["closing"] == 1 and s["rescored"] == 0, s)
    expect(s["before"]["open_hazards"] == 1 and
           s["after"]["open_hazards"] == 0, s)
    expect(s["before"]["total"] is None and not s["after"]["assessed"], s)
    d = j["districts"]
    expect(len(d) == 1 and d[0]["code"] == "370102", d)
    expect(d[0]["before"]["hazards_open"] == 2 and
           d[0]["after"]["hazards_open"] == 1, d[0])
    expect(d[0]["before"]["open_major"] == 1 and
           d[0]["after"]["open_major"] == 0, d[0])
    expect(d[0]["after"]["compliance"] == {"num": 0, "den": 2}, d[0])
    expect("city" not in j, j.keys())


@case("the scope named is the route table's: another district, another "
      "school, the whole city: 403 naming the field")
def _(sh):
    expect_error(sh.lixia.post("/api/v1/whatif", {"district": "市中区",
                                                  "close": [sh.h3]}),
                 403, "forbidden", field="district")
    expect_error(sh.school.post("/api/v1/whatif", {"school": DIANLIU,
                                                   "close": [sh.h2]}),
                 403, "forbidden", field="school")
    expect_error(sh.lixia.post("/api/v1/whatif", {"close": [sh.h1]}),
                 403, "forbidden", field="district")
    expect_error(sh.insp.post("/api/v1/whatif", {"school": YANXIANG,
                                                 "close": [sh.h1]}),
                 403, "forbidden")
    expect_error(sh.lixia.get("/api/v1/whatif/suggest?district=" + quote("市中区")),
                 403, "forbidden", field="district")
    expect_error(sh.lixia.get("/api/v1/whatif/suggest"), 403, "forbidden")
    expect_error(sh.city.post("/api/v1/whatif", {"district": "没有这个区",
                                                 "close": [1]}),
                 404, "not_found", field="district")


@case("a hazard outside the scope asked is not found (field close); a "
      "bad list is 400")
def _(sh):
    expect_error(sh.lixia.post("/api/v1/whatif", {"district": "历下区",
                                                  "close": [sh.h3]}),
                 404, "not_found",
                 message="no hazard %d in the scope asked" % sh.h3,
                 field="close")
    expect_error(sh.school.post("/api/v1/whatif", {"school": YANXIANG,
                                                   "close": [sh.h2]}),
                 404, "not_found", field="close")
    expect_error(sh.lixia.post("/api/v1/whatif", {"district": "历下区",
                                                  "close": ["x"]}),
                 400, "bad_field", field="close")
    r = sh.lixia.post("/api/v1/whatif", {"district": "历下区"})
    expect(r.status in (400, 422) and r.error["field"] == "close", r)


@case("a school asks about its own hazard; the city about all the major "
      "ones of the city")
def _(sh):
    r = sh.school.post("/api/v1/whatif", {"school": YANXIANG,
                                          "close": [sh.h1]})
    expect_status(r, 200)
    expect(r.json["schools"][0]["code"] == YANXIANG, r.json)
    r = sh.city.post("/api/v1/whatif", {"close_all_major": True})
    expect_status(r, 200)
    j = r.json
    expect(j["closed"] == [sh.h1], j["closed"])
    expect(j["city"]["name"] == "全市" and
           j["city"]["before"]["open_major"] == 1 and
           j["city"]["after"]["open_major"] == 0, j["city"])
    expect(j["city"]["before"]["hazards_open"] == 3 and
           j["city"]["after"]["hazards_open"] == 2, j["city"])


@case("suggest: every open hazard of the district ranked (major first "
      "when nothing else differs); the city's without a district")
def _(sh):
    r = sh.lixia.get("/api/v1/whatif/suggest?district=" + quote("历下区"))
    expect_status(r, 200)
    j = r.json
    expect(j["district"] == "370102" and j["name"] == "历下区", j)
    expect([h["id"] for h in j["hazards"]] == [sh.h1, sh.h2], j["hazards"])
    expect(j["hazards"][0]["level"] == "major" and
           j["hazards"][0]["points"] == 0, j["hazards"][0])
    expect(j["plans"] == [], j["plans"])   # unassessed: nothing reachable
    r = sh.city.get("/api/v1/whatif/suggest")
    expect_status(r, 200)
    expect(r.json["name"] == "全市" and r.json["schools"] == 4 and
           len(r.json["hazards"]) == 3, r.json)
    expect_error(sh.city.get("/api/v1/whatif/suggest?date=2026-13-01"),
                 400, "bad_query", field="date")


run(Shared)
