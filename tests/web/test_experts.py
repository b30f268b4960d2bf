"""The expert corps over the API (/api/v1/experts): the list with each
expert's workload from real inspections made through the API, the
summary against the target of 200, one profile, adding and changing one
(201, 200, 400, 404, 409, 422 naming the field), and the data scope:
the city sees every expert, a district only its own, an inspector only
itself; a school and the administrator are refused.
"""

import json

from srweb import Server, case, expect, expect_error, expect_status, run
from srwork import answerable, full_value, partial_value

# Profiles: insp (历下区, granted one school), insp_d (莱芜区) and zj_sz
# (市中区), certified 2025-04-01 for three years; zj_old lapsed.
PROFILES = [
    ("insp", "历下区", "fire,building", "2025-03-01", "2025-04-01",
     "2028-03-31"),
    ("insp_d", "莱芜区", "food", "2025-03-01", "2025-04-01", "2028-03-31"),
    ("zj_sz", "市中区", "traffic", "2025-03-01", "2025-04-01",
     "2028-03-31"),
    ("zj_old", "市中区", "fire", "2022-01-01", "2022-02-01", "2025-01-31"),
]


class Shared:
    def __init__(self):
        self.s = Server()
        cli = self.s.cli
        for login, name in (("zj_sz", "市中区专家"), ("zj_old", "老专家"),
                            ("zj_new", "新专家")):
            cli("users", "add", login, "--name", name, "--role",
                "inspector", "--district", "市中区")
        for login, district, specs, t, c, x in PROFILES:
            cli("experts", "add", login, "--unit", "消防救援大队",
                "--district", district, "--speciality", specs,
                "--trained", t, "--certified", c, "--expires", x)
        self.city = self.s.as_user("city", lang="en")
        self.insp = self.s.as_user("insp", lang="en")
        self.today = self.insp.get("/api/v1/tasks").json["as_of"]
        self.quarter = self.city.get("/api/v1/experts").json["period"]
        self.a_full, self.a_found = self.inspections()

    def inspections(self):
        """insp inspects its school twice today: full points, then with
        the first item of each hazard level answered short."""
        code = "2137010231"
        r = self.insp.get("/api/v1/schools/%s/checklist" % code)
        items = answerable(r.json)
        found = {}
        ids = []
        for short in (False, True):
            answers = []
            for it in items:
                level = it.get("hazard")
                if short and level in ("general", "major") and \
                        level not in found:
                    found[level] = it["id"]
                    answers.append({"item": it["id"],
                                    "value": partial_value(it)})
                else:
                    answers.append({"item": it["id"],
                                    "value": full_value(it)})
            r = self.insp.post("/api/v1/assessments", {"school": code})
            expect_status(r, 201, "new draft")
            aid = r.json["assessment"]["id"]
            r = self.insp.post("/api/v1/assessments/%d/answers" % aid,
                               {"answers": answers})
            expect_status(r, 200, "answers")
            r = self.insp.post("/api/v1/assessments/%d/submit" % aid)
            expect_status(r, 200, "submit")
            expect(r.json["hazards_new"] == (2 if short else 0),
                   "hazards raised: %r" % r.json)
            ids.append(aid)
        expect(set(found) == {"general", "major"}, found)
        return ids

    def close(self):
        self.s.close()


def by_login(items):
    return {e["login"]: e for e in items}


@case("the city lists every expert with the quarter's workload: insp's two "
      "inspections of one school, one general and one major hazard, 1.00 a "
      "visit; the others none")
def _(sh):
    r = sh.city.get("/api/v1/experts")
    expect_status(r, 200)
    j = r.json
    expect(j["total"] == 4 and j["page"] == 1 and j["size"] == 20, j)
    expect(j["as_of"] == sh.today, j["as_of"])
    expect(sh.today[:4] in j["period"]["label"], j["period"])
    # by district order: 历下区, 市中区 (zj_old, zj_sz), 莱芜区
    expect([e["login"] for e in j["items"]] ==
           ["insp", "zj_old", "zj_sz", "insp_d"], j["items"])
    e = by_login(j["items"])
    w = e["insp"]["workload"]
    expect(w == {"inspections": 2, "schools": 1, "hazards_general": 1,
                 "hazards_major": 1, "findings_rate": 1.0,
                 "findings_rate_text": "1.00",
                 "last_inspection": sh.today, "plan_assigned": 0,
                 "plan_done": 0}, w)
    expect(e["zj_sz"]["workload"]["findings_rate"] is None, e["zj_sz"])
    expect(e["zj_sz"]["workload"]["findings_rate_text"] == "-", e["zj_sz"])
    expect(e["zj_sz"]["workload"]["last_inspection"] is None, e["zj_sz"])
    p = e["insp"]
    expect(p["specialities"] == ["fire", "building"] and
           p["speciality_labels"] == ["消防", "建筑"], p)
    expect(p["district"] == "370102" and p["district_name"] == "历下区", p)
    expect(p["status"] == "active" and p["status_label"] == "在库", p)
    expect(p["certified"] is True and p["due"] is False, p)
    expect(e["zj_old"]["certified"] is False, e["zj_old"])
    # the raw JSON keeps the rate's two decimals
    expect('"findings_rate":1.00' in r.body.decode(), "exact 1.00")


@case("the list's filters and paging; a period with no inspection; bad "
      "queries are 400 naming the parameter")
def _(sh):
    c = sh.city
    r = c.get("/api/v1/experts?district=市中区")
    expect([e["login"] for e in r.json["items"]] == ["zj_old", "zj_sz"],
           r.json)
    r = c.get("/api/v1/experts?speciality=消防")
    expect([e["login"] for e in r.json["items"]] == ["insp", "zj_old"],
           r.json)
    r = c.get("/api/v1/experts?size=2&page=2")
    expect(r.json["total"] == 4 and
           [e["login"] for e in r.json["items"]] == ["zj_sz", "insp_d"],
           r.json)
    r = c.get("/api/v1/experts?period=2020Q1")
    expect_status(r, 200)
    w = by_login(r.json["items"])["insp"]["workload"]
    expect(w["inspections"] == 0 and w["last_inspection"] is None, w)
    r = c.get("/api/v1/experts?due=90&as_of=2028-01-15")
    expect(sorted(e["login"] for e in r.json["items"]) ==
           ["insp", "insp_d", "zj_old", "zj_sz"], r.json)
    r = c.get("/api/v1/experts?due=90&as_of=2027-01-15")
    expect([e["login"] for e in r.json["items"]] == ["zj_old"], r.json)
    for q, field in (("speciality=cooking", "speciality"),
                     ("status=gone", "status"), ("due=-1", "due"),
                     ("as_of=yesterday", "as_of"), ("period=2026Q9", "period"),
                     ("district=火星区", "district"), ("size=0", None)):
        r = c.get("/api/v1/experts?" + q)
        expect_status(r, 400, q)
        if field:
            expect(r.error.get("field") == field, "%s: %r" % (q, r))


@case("the summary: certified against 200, by district and speciality, "
      "completion, those due within 90 days listed")
def _(sh):
    r = sh.city.get("/api/v1/experts/summary?as_of=2028-01-15")
    expect_status(r, 200)
    j = r.json
    expect(j["target"] == 200 and j["experts"] == 4 and j["active"] == 4 and
           j["certified"] == 3 and j["due"] == 3 and j["due_days"] == 90, j)
    expect('"completion":1.5' in r.body.decode(), r.body[:200])
    d = {x["name"]: x for x in j["districts"]}
    expect(d["历下区"]["experts"] == 1 and d["历下区"]["certified"] == 1, d)
    expect(d["市中区"]["experts"] == 2 and d["市中区"]["certified"] == 1, d)
    sp = {x["speciality"]: x for x in j["specialities"]}
    expect(sp["fire"]["certified"] == 1 and sp["fire"]["label"] == "消防" and
           sp["traffic"]["certified"] == 1 and sp["food"]["certified"] == 1,
           sp)
    expect(sorted(e["login"] for e in j["due_experts"]) ==
           ["insp", "insp_d", "zj_sz"], j["due_experts"])
    r = sh.city.get("/api/v1/experts/summary")
    expect(r.json["as_of"] == sh.today and r.json["due_experts"] == [],
           r.json)
    r = sh.city.get("/api/v1/experts/summary?as_of=soon")
    expect_error(r, 400, "bad_query", field="as_of")


@case("scope: a district sees its own experts only (list, one, due list), "
      "an inspector itself; school and admin are refused")
def _(sh):
    lixia = sh.s.as_user("lixia", lang="en")
    r = lixia.get("/api/v1/experts")
    expect([e["login"] for e in r.json["items"]] == ["insp"], r.json)
    expect(r.json["total"] == 1, r.json)
    expect_status(lixia.get("/api/v1/experts/insp"), 200)
    expect_error(lixia.get("/api/v1/experts/zj_sz"), 404, "not_found")
    r = lixia.get("/api/v1/experts/summary?as_of=2028-01-15")
    expect(r.json["certified"] == 3, r.json)      # the corps' figures
    expect([e["login"] for e in r.json["due_experts"]] == ["insp"],
           r.json["due_experts"])
    shizhong = sh.s.as_user("shizhong", lang="en")
    r = shizhong.get("/api/v1/experts")
    expect([e["login"] for e in r.json["items"]] == ["zj_old", "zj_sz"],
           r.json)
    r = sh.insp.get("/api/v1/experts")
    expect([e["login"] for e in r.json["items"]] == ["insp"], r.json)
    expect_status(sh.insp.get("/api/v1/experts/insp"), 200)
    expect_error(sh.insp.get("/api/v1/experts/insp_d"), 404, "not_found")
    expect_error(sh.insp.get("/api/v1/experts/summary"), 403, "forbidden")
    for login in ("yanxiang", "admin"):
        c = sh.s.as_user(login, lang="en")
        for path in ("/api/v1/experts", "/api/v1/experts/summary",
                     "/api/v1/experts/insp"):
            expect_error(c.get(path), 403, "forbidden")
    expect_error(lixia.post("/api/v1/experts", {"login": "zj_new"}), 403,
                 "forbidden")
    expect_error(lixia.patch("/api/v1/experts/insp", {"unit": "x"}), 403,
                 "forbidden")


@case("one expert with its workload; an unknown login or a user without a "
      "profile is 404")
def _(sh):
    r = sh.city.get("/api/v1/experts/INSP")
    expect_status(r, 200)
    expect(r.json["login"] == "insp" and
           r.json["workload"]["inspections"] == 2, r.json)
    expect_error(sh.city.get("/api/v1/experts/nobody"), 404, "not_found")
    expect_error(sh.city.get("/api/v1/experts/lixia"), 404, "not_found")


@case("the city adds a profile (201) and changes it (200); refusals name the "
      "field: 400 for the body's types, 409 for a second profile or a user "
      "without the inspector role, 422 for bad dates, 404 for no user")
def _(sh):
    c = sh.city
    body = {"login": "zj_new", "unit": "市中区市场监督管理局",
            "district": "市中区", "specialities": ["food", "校车"],
            "trained_on": "2025/05/01", "certified_on": "2025-06-01",
            "expires_on": "2028-05-31"}
    r = c.post("/api/v1/experts", dict(body, specialities=3))
    expect_error(r, 400, "invalid", field="specialities")
    r = c.post("/api/v1/experts", dict(body, specialities=["cooking"]))
    expect_error(r, 400, "invalid", field="specialities")
    r = c.post("/api/v1/experts", dict(body, unit=7))
    expect_status(r, 400)
    expect(r.error["field"] == "unit", r)
    r = c.post("/api/v1/experts", {k: v for k, v in body.items()
                                   if k != "district"})
    expect_error(r, 400, "missing_field", field="district")
    r = c.post("/api/v1/experts", dict(body, expires_on="2025-05-31"))
    expect_status(r, 422)
    expect(r.error["field"] == "expires_on", r)
    r = c.post("/api/v1/experts", dict(body, certified_on="2099-01-01",
                                       expires_on="2102-01-01"))
    expect_status(r, 422)
    expect(r.error["field"] == "certified_on", r)
    r = c.post("/api/v1/experts", dict(body, login="nobody"))
    expect_error(r, 404, "not_found", field="login")
    r = c.post("/api/v1/experts", dict(body, login="lixia"))
    expect_status(r, 409)
    expect(r.error["field"] == "login", r)
    r = c.post("/api/v1/experts", body)
    expect_status(r, 201)
    j = r.json
    expect(j["login"] == "zj_new" and j["trained_on"] == "2025-05-01" and
           j["specialities"] == ["food", "school_bus"] and
           j["updated_by"] == "市局安全处" and j["workload"]["inspections"] == 0,
           j)
    expect_status(c.post("/api/v1/experts", body), 409)
    r = c.patch("/api/v1/experts/zj_new", {"status": "suspended",
                                           "unit": "市中区疾病预防控制中心"})
    expect_status(r, 200)
    expect(r.json["status"] == "suspended" and
           r.json["unit"] == "市中区疾病预防控制中心" and
           r.json["specialities"] == ["food", "school_bus"], r.json)
    r = c.patch("/api/v1/experts/zj_new", {"status": "sleeping"})
    expect_error(r, 400, "invalid", field="status")
    r = c.patch("/api/v1/experts/zj_new", {"expires_on": "2025-01-01"})
    expect_status(r, 422)
    expect(r.error["field"] == "expires_on", r)
    expect_error(c.patch("/api/v1/experts/nobody", {"unit": "x"}), 404,
                 "not_found")
    # every change is audited: the chain still verifies
    r = c.get("/api/v1/audit")
    expect(r.status == 200 and r.json["ok"] is True, r)
    out = json.loads(sh.s.cli("experts", "list", "--json",
                              "--district", "市中区"))
    expect([e["login"] for e in out] == ["zj_new", "zj_old", "zj_sz"], out)


run(Shared)
