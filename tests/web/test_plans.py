"""Inspection plans over the API (/api/v1/plans): making a draft (201,
the same JSON as `schoolrisk plan show --json`), the body's errors
naming the field (400, 422), the scope (a district plans and reads its
own district, reads a city-wide plan for its own schools only, never
another district's plan: 404; the whole city is the city's: 403),
publishing (200, then 409: a published plan never changes), the
progress of a plan and of a period by district, and the inspector's side:
the schools plans assign to it in /api/v1/tasks with why, and an
inspection made for a plan linked to it (refused for a draft plan or a
school the plan does not list, with the library's messages).
"""

import json
import time

from srweb import Server, case, expect, expect_error, expect_status, run
from srwork import answerable, full_value

LIXIA = ["2137010231", "2137010232"]   # 燕翔 (6 special needs), 甸柳 (2)


class Shared:
    def __init__(self):
        self.s = Server()
        # insp (granted 燕翔小学) is the only expert: every pair is its.
        self.s.cli("experts", "add", "insp", "--unit", "消防救援大队",
                   "--district", "历下区", "--speciality", "fire",
                   "--trained", "2025-03-01", "--certified", "2025-04-01",
                   "--expires", "2028-03-31")
        self.year = time.strftime("%Y")
        self.city = self.s.as_user("city", lang="en")
        self.lixia = self.s.as_user("lixia", lang="en")
        self.shizhong = self.s.as_user("shizhong", lang="en")
        self.insp = self.s.as_user("insp", lang="en")
        self.plans = {}

    def make(self, client, body, what):
        b = {"period": self.year, "school_share": 1000,
             "expert_share": 1000, "seed": "42"}
        b.update(body)
        r = client.post("/api/v1/plans", b)
        expect_status(r, 201, what)
        return r.json

    def close(self):
        self.s.close()


@case("the city makes a draft plan of 历下区: 201, seed 42, both schools "
      "in risk order (more special-needs students first), each with insp "
      "and why; the JSON is plan show --json's")
def _(sh):
    j = sh.make(sh.city, {"district": "历下区"}, "a 历下区 plan")
    sh.plans["city_lixia"] = j["id"]
    expect(j["state"] == "draft" and j["state_label"] == "草稿", j)
    expect(j["seed"] == "42" and j["district"] == "370102" and
           j["district_name"] == "历下区" and j["period"] == sh.year, j)
    expect(j["school_share"] == 1000 and j["expert_share"] == 1000 and
           j["cap"] == 0 and j["avoid_district"] is False, j)
    expect([s["school"] for s in j["schools"]] == LIXIA, j["schools"])
    expect([s["rank"] for s in j["schools"]] == [1, 2], j["schools"])
    s0, s1 = j["schools"]
    expect(s0["reason"] == "mandatory" and s0["reason_label"] == "必查" and
           s0["band"] == 4 and s0["band_label"] is None and
           s0["days_since"] is None and s0["special_needs"] == 6 and
           s1["special_needs"] == 2 and s0["enrollment"] == 1860, s0)
    expect(s0["needs"] == "food,lab_chemicals" and
           s0["needs_labels"] == "食品、实验室危化品", s0)
    expect(all(s["expert"] == "insp" and s["why"] for s in j["schools"]),
           j["schools"])
    expect(j["mandatory"] == 2 and j["drawn"] == 0 and
           j["unassigned"] == 0 and j["expert_count"] == 1, j)
    expect([e["login"] for e in j["experts"]] == ["insp"] and
           j["experts"][0]["load"] == 2, j["experts"])
    expect(j["partial"] is False, j)
    cli = json.loads(sh.s.cli("plan", "show", str(j["id"]), "--json"))
    del j["partial"]
    expect(cli == j, "API %r\nCLI %r" % (j, cli))


@case("a bad body is 400 or 422 naming the field")
def _(sh):
    base = {"district": "历下区", "period": sh.year}
    for body, status, field in (
            ({"district": "历下区"}, 400, "period"),
            (dict(base, period="2026Q9"), 422, "period"),
            (dict(base, period="2020Q1"), 422, "period"),
            (dict(base, school_share=1001), 400, "school_share"),
            (dict(base, expert_share="half"), 400, "expert_share"),
            (dict(base, expert_share=0), 422, "expert_share"),
            (dict(base, seed="12a"), 400, "seed"),
            (dict(base, seed=-1), 400, "seed"),
            (dict(base, cap=-1), 400, "cap"),
            (dict(base, avoid_district="yes"), 400, "avoid_district"),
            (dict(base, city=True), 400, "district"),
            ({"period": sh.year}, 400, "district")):
        r = sh.city.post("/api/v1/plans", body)
        expect_status(r, status, repr(body))
        expect(r.error.get("field") == field, "%r: %r" % (body, r))
    r = sh.city.post("/api/v1/plans", dict(base, district="火星区"))
    expect_error(r, 404, "not_found", field="district")


@case("a district plans its own district; another district or the whole "
      "city is refused (403 naming district)")
def _(sh):
    j = sh.make(sh.lixia, {"district": "历下区", "seed": "7"},
                "lixia's plan")
    sh.plans["lixia"] = j["id"]
    expect(j["created_by"] == "历下区教体局" and j["seed"] == "7", j)
    r = sh.lixia.post("/api/v1/plans", {"city": True, "period": sh.year})
    expect_error(r, 403, "forbidden", field="district")
    r = sh.lixia.post("/api/v1/plans", {"district": "市中区",
                                        "period": sh.year})
    expect_error(r, 403, "forbidden", field="district")


@case("a city-wide plan: the city sees every school; a district reads it "
      "cut to its own schools (ranks kept) and cannot publish it (403)")
def _(sh):
    j = sh.make(sh.city, {"city": True, "seed": "18446744073709551615"},
                "city-wide")
    sh.plans["city"] = j["id"]
    expect(j["district"] is None and j["seed"] == "18446744073709551615", j)
    expect(len(j["schools"]) == 4, j["schools"])
    ranks = {s["school"]: s["rank"] for s in j["schools"]}
    r = sh.lixia.get("/api/v1/plans/%d" % j["id"])
    expect_status(r, 200)
    expect(r.json["partial"] is True, r.json)
    expect([(s["school"], s["rank"]) for s in r.json["schools"]] ==
           [(c, ranks[c]) for c in LIXIA], r.json["schools"])
    expect([e["login"] for e in r.json["experts"]] == ["insp"], r.json)
    r = sh.shizhong.get("/api/v1/plans/%d" % j["id"])
    expect([s["school"] for s in r.json["schools"]] == ["2137010301"],
           r.json["schools"])
    r = sh.lixia.post("/api/v1/plans/%d/publish" % j["id"])
    expect_error(r, 403, "forbidden")


@case("another district's plan is not found (404): read, progress, "
      "publish; no such plan or a bad id is 404")
def _(sh):
    pid = sh.plans["city_lixia"]
    for path in ("/api/v1/plans/%d", "/api/v1/plans/%d/progress"):
        expect_error(sh.shizhong.get(path % pid), 404, "not_found")
    expect_error(sh.shizhong.post("/api/v1/plans/%d/publish" % pid), 404,
                 "not_found")
    expect_error(sh.city.get("/api/v1/plans/99999"), 404, "not_found")
    expect_error(sh.city.get("/api/v1/plans/abc"), 404, "not_found")


@case("the list: the city every plan, newest first; a district its own "
      "and the city-wide ones; ?state= and ?period= filter; bad ones 400")
def _(sh):
    p = sh.plans
    ids = lambda r: [x["id"] for x in r.json["items"]]  # noqa: E731
    r = sh.city.get("/api/v1/plans")
    expect_status(r, 200)
    expect(ids(r) == [p["city"], p["lixia"], p["city_lixia"]], r.json)
    expect(r.json["total"] == 3 and "schools" not in r.json["items"][0],
           r.json)
    expect(all(x["progress"] is None for x in r.json["items"]), r.json)
    expect(ids(sh.lixia.get("/api/v1/plans")) ==
           [p["city"], p["lixia"], p["city_lixia"]], "lixia")
    expect(ids(sh.shizhong.get("/api/v1/plans")) == [p["city"]], "shizhong")
    expect(ids(sh.city.get("/api/v1/plans?state=published")) == [], "pub")
    expect(len(ids(sh.city.get("/api/v1/plans?state=草稿"))) == 3, "草稿")
    expect(ids(sh.city.get("/api/v1/plans?period=2020Q1")) == [], "2020")
    expect(len(ids(sh.city.get("/api/v1/plans?period=%s" % sh.year))) == 3,
           "this year")
    expect_error(sh.city.get("/api/v1/plans?state=done"), 400, "bad_query",
                 field="state")
    expect_error(sh.city.get("/api/v1/plans?period=soon"), 400, "bad_query",
                 field="period")


@case("publishing: 200 and published; again 409 (a published plan never "
      "changes); the progress is every school due")
def _(sh):
    pid = sh.plans["city_lixia"]
    r = sh.city.post("/api/v1/plans/%d/publish" % pid)
    expect_status(r, 200)
    expect(r.json["state"] == "published" and r.json["published_at"] and
           len(r.json["schools"]) == 2, r.json)
    r = sh.lixia.post("/api/v1/plans/%d/publish" % pid)
    expect_error(r, 409, "state")
    expect("never changes" in r.error["message"], r.error)
    r = sh.lixia.get("/api/v1/plans/%d/progress" % pid)
    expect_status(r, 200)
    expect(r.json["counts"] == {"done": 0, "due": 2, "overdue": 0,
                                "total": 2}, r.json)
    expect([(x["school"], x["status"], x["status_label"], x["expert"])
            for x in r.json["schools"]] ==
           [(c, "due", "待检查", "insp") for c in LIXIA], r.json)
    r = sh.city.get("/api/v1/plans?state=published")
    expect([x["id"] for x in r.json["items"]] == [pid] and
           r.json["items"][0]["progress"] == {"done": 0, "due": 2,
                                              "overdue": 0, "total": 2},
           r.json)


@case("the inspector's tasks list exactly the schools published plans "
      "assign to it, with the plan, why and status")
def _(sh):
    pid = sh.plans["city_lixia"]
    plan = sh.city.get("/api/v1/plans/%d" % pid).json
    why = {s["school"]: s["why"] for s in plan["schools"]}
    r = sh.insp.get("/api/v1/tasks")
    expect_status(r, 200)
    got = [(t["plan"], t["school"], t["period"], t["plan_district_name"],
            t["reason"], t["why"], t["status"], t["draft"])
           for t in r.json["plan_tasks"]]
    expect(got == [(pid, c, sh.year, "历下区", "mandatory", why[c], "due",
                    None) for c in LIXIA], got)
    r = sh.s.as_user("insp_d", lang="en").get("/api/v1/tasks")
    expect(r.json["plan_tasks"] == [], r.json["plan_tasks"])


@case("a published plan lets its expert inspect a school no grant of its "
      "covers: 甸柳 (insp is granted 燕翔 only) opens and takes a draft "
      "for the plan; the session names the plan's grant; a school no "
      "published plan assigns stays out of scope (404)")
def _(sh):
    pid = sh.plans["city_lixia"]
    code = LIXIA[1]
    expect_status(sh.insp.get("/api/v1/schools/%s" % code), 200, "甸柳")
    expect_status(sh.insp.get("/api/v1/schools/%s/checklist" % code), 200,
                  "its checklist")
    g = [x for x in sh.insp.get("/api/v1/session").json["user"]["grants"]
         if x["school"] == code]
    expect(len(g) == 1 and g[0]["role"] == "inspector" and
           g[0]["granted_by"] == "检查计划 #%d" % pid, g)
    r = sh.insp.post("/api/v1/assessments", {"school": code, "plan": pid})
    expect_status(r, 201, "a draft for the plan at 甸柳")
    expect(r.json["assessment"]["plan"] == pid, r.json["assessment"])
    r = sh.insp.get("/api/v1/schools/2137010301")
    expect_status(r, 404, "舜耕中学: no grant, no plan (out of scope reads "
                  "as absent)")


@case("an inspection made for a plan is linked to it: the draft, the "
      "assessment's plan label, the task's draft, then done in the "
      "progress")
def _(sh):
    pid = sh.plans["city_lixia"]
    code = LIXIA[0]
    r = sh.insp.post("/api/v1/assessments", {"school": code, "plan": pid})
    expect_status(r, 201, "draft for the plan")
    aid = r.json["assessment"]["id"]
    expect(r.json["assessment"]["plan"] == pid, r.json["assessment"])
    expect(r.json["plan"] == {"id": pid, "period": sh.year,
                              "district": "370102",
                              "district_name": "历下区"}, r.json["plan"])
    r = sh.lixia.get("/api/v1/assessments/%d" % aid)
    expect_status(r, 404, "a draft is its maker's")
    t = sh.insp.get("/api/v1/tasks").json["plan_tasks"]
    expect(t[0]["school"] == code and t[0]["draft"] == aid, t)
    items = answerable(sh.insp.get("/api/v1/schools/%s/checklist"
                                   % code).json)
    r = sh.insp.post("/api/v1/assessments/%d/answers" % aid,
                     {"answers": [{"item": it["id"],
                                   "value": full_value(it)}
                                  for it in items]})
    expect_status(r, 200, "answers")
    expect_status(sh.insp.post("/api/v1/assessments/%d/submit" % aid), 200,
                  "submit")
    r = sh.lixia.get("/api/v1/assessments/%d" % aid)
    expect(r.json["assessment"]["plan"] == pid and
           r.json["plan"]["id"] == pid, r.json["assessment"])
    r = sh.lixia.get("/api/v1/plans/%d/progress" % pid)
    expect(r.json["counts"] == {"done": 1, "due": 1, "overdue": 0,
                                "total": 2}, r.json["counts"])
    row = r.json["schools"][0]
    expect(row["status"] == "done" and row["assessment"] == aid and
           row["linked"] is True, row)
    t = sh.insp.get("/api/v1/tasks").json["plan_tasks"]
    expect([(x["school"], x["status"]) for x in t] ==
           [(LIXIA[1], "due"), (code, "done")], t)
    expect(t[1]["assessment"] == aid and t[1]["linked"] is True, t[1])


@case("an inspection for a draft plan, a plan without the school or no "
      "such plan is refused with the library's message naming plan")
def _(sh):
    code = LIXIA[0]
    r = sh.insp.post("/api/v1/assessments",
                     {"school": code, "plan": sh.plans["lixia"]})
    expect_error(r, 409, "state", field="plan",
                 message="plan %d is a draft: publish it before inspecting "
                         "for it" % sh.plans["lixia"])
    j = sh.make(sh.city, {"district": "莱芜区"}, "莱芜区")
    expect_status(sh.city.post("/api/v1/plans/%d/publish" % j["id"]), 200)
    r = sh.insp.post("/api/v1/assessments", {"school": code,
                                             "plan": j["id"]})
    expect_error(r, 409, "state", field="plan",
                 message="plan %d does not list school %s" % (j["id"], code))
    r = sh.insp.post("/api/v1/assessments", {"school": code, "plan": 99999})
    expect_status(r, 404)
    r = sh.insp.post("/api/v1/assessments", {"school": code, "plan": "one"})
    expect_error(r, 400, "bad_field", field="plan")


@case("a period's progress by district: the city every district, a "
      "district its own row")
def _(sh):
    r = sh.city.get("/api/v1/plans/progress?period=%s" % sh.year)
    expect_status(r, 200)
    d = {x["name"]: x for x in r.json["districts"]}
    expect(d["历下区"]["counts"] == {"done": 1, "due": 1, "overdue": 0,
                                   "total": 2} and
           d["历下区"]["plans"] == [sh.plans["city_lixia"]], d["历下区"])
    expect(d["莱芜区"]["counts"]["total"] == 1, d["莱芜区"])
    expect(d["市中区"]["counts"]["total"] == 0 and d["市中区"]["plans"] == [],
           d["市中区"])
    expect(r.json["total"]["total"] == 3 and r.json["total"]["done"] == 1,
           r.json["total"])
    r = sh.lixia.get("/api/v1/plans/progress?period=%s" % sh.year)
    expect([x["name"] for x in r.json["districts"]] == ["历下区"], r.json)
    expect_error(sh.lixia.get("/api/v1/plans/progress?period=x"), 400,
                 "bad_query", field="period")


@case("a plan made once others of the period are published starts from "
      "their pairs: insp's prior is 3 (2 of 历下区's, 1 of 莱芜区's), "
      "load_before and why count it; the drafts count for nothing")
def _(sh):
    j = sh.make(sh.city, {"district": "历下区"}, "a second 历下区 plan")
    expect([(e["login"], e["prior"], e["load"]) for e in j["experts"]] ==
           [("insp", 3, 2)], j["experts"])
    expect([s["load_before"] for s in j["schools"]] == [3, 4] and
           j["schools"][0]["why"].endswith("负荷 3→4（含其他计划 3 所）") and
           j["schools"][1]["why"].endswith("负荷 4→5（含其他计划 3 所）"),
           j["schools"])


run(Shared)
