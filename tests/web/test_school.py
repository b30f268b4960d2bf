"""A school's own work through the service: what a school user sees, its
self-inspection (自查: raises hazards, changes none of the school's
inspection figures), the inspector's drafts it may not touch, and the
four-100% baseline by school and by district."""

from urllib.parse import quote

from srweb import Server, case, expect, expect_error, expect_status, run
from srwork import full_answers, items_of, partial_value

YANXIANG = "2137010231"   # yanxiang's school; insp's granted school
DIANLIU = "2137010232"    # the other school of 历下区


class Shared:
    def __init__(self):
        self.s = Server()
        self.school = self.s.as_user("yanxiang", lang="en")
        self.insp = self.s.as_user("insp", lang="en")
        self.lixia = self.s.as_user("lixia", lang="en")
        self.city = self.s.as_user("city", lang="en")
        self.checklist = self.insp.get(
            "/api/v1/schools/%s/checklist" % YANXIANG).json
        # An inspection at full points: every baseline element met.
        r = self.insp.post("/api/v1/assessments", {"school": YANXIANG})
        self.inspection = r.json["assessment"]["id"]
        r = self.insp.post("/api/v1/assessments/%d/answers"
                           % self.inspection,
                           {"answers": full_answers(self.checklist)})
        assert r.status == 200, r
        r = self.insp.post("/api/v1/assessments/%d/submit" % self.inspection)
        assert r.status == 200, r
        # And a draft the inspector keeps open.
        self.draft = self.insp.post(
            "/api/v1/assessments",
            {"school": YANXIANG}).json["assessment"]["id"]

    def close(self):
        self.s.close()


@case("a school user sees its own school only")
def _(sh):
    r = sh.school.get("/api/v1/schools")
    expect_status(r, 200)
    expect(r.json["total"] == 1 and
           [x["code"] for x in r.json["items"]] == [YANXIANG], r.json)
    expect_status(sh.school.get("/api/v1/schools/%s" % YANXIANG), 200)
    expect_status(sh.school.get("/api/v1/schools/%s/checklist" % YANXIANG),
                  200)
    for path in ("/api/v1/schools/%s" % DIANLIU,
                 "/api/v1/schools/%s/checklist" % DIANLIU):
        expect_error(sh.school.get(path), 404, "not_found")
    s = sh.school.get("/api/v1/schools/%s" % YANXIANG).json
    expect(s["latest_inspection"]["id"] == sh.inspection and
           s["latest_inspection"]["total"] == 100 and
           s["baseline"]["all_four"] is True, s)
    expect(s["hazards"] == {"open": 0, "rectifying": 0, "submitted": 0,
                            "closed": 0, "overdue": 0}, s["hazards"])


@case("the inspector's draft of the school is not the school's: 404 to "
      "read, answer, clear or submit it")
def _(sh):
    c = sh.school
    d = sh.draft
    expect_error(c.get("/api/v1/assessments/%d" % d), 404, "not_found")
    expect_error(c.put("/api/v1/assessments/%d/answers/D01.01.01" % d,
                       {"value": "符合"}), 404, "not_found")
    expect_error(c.delete("/api/v1/assessments/%d/answers/D01.01.01" % d),
                 404, "not_found")
    expect_error(c.post("/api/v1/assessments/%d/answers" % d,
                        {"answers": []}), 404, "not_found")
    expect_error(c.post("/api/v1/assessments/%d/submit" % d), 404,
                 "not_found")
    # the submitted inspection is the school's to read
    r = c.get("/api/v1/assessments/%d" % sh.inspection)
    expect_status(r, 200)
    expect(r.json["result"]["total"] == 100, r.json["result"]["total"])
    r = c.get("/api/v1/assessments").json
    expect([a["id"] for a in r["items"]] == [sh.inspection], r)
    # a school starts no inspection, an inspector no self-inspection
    expect_error(c.post("/api/v1/assessments", {"school": YANXIANG}), 403,
                 "forbidden")
    expect_error(sh.insp.post("/api/v1/schools/%s/self-inspections"
                              % YANXIANG, {}), 403, "forbidden")
    expect_error(c.post("/api/v1/schools/%s/self-inspections" % DIANLIU, {}),
                 404, "not_found")


@case("a self-inspection raises hazards but changes none of the school's "
      "inspection figures")
def _(sh):
    c = sh.school
    before = c.get("/api/v1/schools/%s" % YANXIANG).json
    task_before = sh.insp.get("/api/v1/tasks").json["items"][0]
    r = c.post("/api/v1/schools/%s/self-inspections" % YANXIANG, {})
    expect_status(r, 201)
    a = r.json["assessment"]
    expect(a["kind"] == "self" and a["kind_label"] == "学校自查" and
           a["status"] == "draft" and a["inspector"] == "燕翔小学安全员", a)
    sid = a["id"]
    # two findings, on items that evidence no baseline element
    answers = full_answers(sh.checklist)
    items = {it["id"]: it for it in items_of(sh.checklist)}
    failed = [x for x in answers if items[x["item"]]["baseline"] is None
              and not items[x["item"]]["veto"]][:2]
    for x in failed:
        x["value"] = partial_value(items[x["item"]])
        x["note"] = "自查发现"
    r = c.post("/api/v1/assessments/%d/answers" % sid, {"answers": answers})
    expect_status(r, 200)
    # the inspector does not see the school's draft either
    expect_error(sh.insp.get("/api/v1/assessments/%d" % sid), 404,
                 "not_found")
    r = c.post("/api/v1/assessments/%d/submit" % sid)
    expect_status(r, 200)
    expect(r.json["hazards_new"] == 2 and
           {h["item"] for h in r.json["hazards"]} ==
           {x["item"] for x in failed}, r.json)
    expect(r.json["assessment"]["kind"] == "self", r.json["assessment"])
    after = c.get("/api/v1/schools/%s" % YANXIANG).json
    expect(after["latest_inspection"] == before["latest_inspection"],
           (after["latest_inspection"], before["latest_inspection"]))
    expect(after["baseline"] == before["baseline"], after["baseline"])
    expect(after["hazards"]["open"] == 2, after["hazards"])
    task_after = sh.insp.get("/api/v1/tasks").json["items"][0]
    expect(task_after == task_before, (task_after, task_before))
    r = sh.lixia.get("/api/v1/assessments?school=%s&kind=inspection"
                     % YANXIANG).json
    expect([x["id"] for x in r["items"]] == [sh.inspection], r)
    r = sh.lixia.get("/api/v1/assessments?school=%s&kind=self"
                     % YANXIANG).json
    expect([x["id"] for x in r["items"]] == [sid], r)


@case("the four-100% table: each school in scope with its reasons, each "
      "district seen whole with its rates")
def _(sh):
    r = sh.school.get("/api/v1/baseline")
    expect_status(r, 200)
    j = r.json
    expect(j["districts"] == [] and [x["code"] for x in j["schools"]] ==
           [YANXIANG] and j["total"] == 1, j)
    r = sh.lixia.get("/api/v1/baseline").json
    expect([d["code"] for d in r["districts"]] == ["370102"], r["districts"])
    d = r["districts"][0]
    expect(d["schools"] == 2 and d["all_four"] == 1 and
           d["all_four_rate"] == 50.0 and d["reaches"] is False, d)
    expect([e["rate"] for e in d["elements"]] == [50.0] * 4, d["elements"])
    schools = {x["code"]: x for x in r["schools"]}
    expect(set(schools) == {YANXIANG, DIANLIU}, schools.keys())
    expect(schools[YANXIANG]["assessment"] == sh.inspection and
           all(e["met"] and e["reason"] is None
               for e in schools[YANXIANG]["elements"]), schools[YANXIANG])
    expect([e["reason"] for e in schools[DIANLIU]["elements"]] ==
           ["no submitted assessment"] * 4, schools[DIANLIU])
    r = sh.city.get("/api/v1/baseline?size=2&page=2").json
    expect(r["total"] == 4 and len(r["schools"]) == 2 and
           len(r["districts"]) >= 3, r)
    r = sh.city.get("/api/v1/baseline?district=" + quote("历下区")).json
    expect([d["code"] for d in r["districts"]] == ["370102"] and
           r["total"] == 2, r)
    # a date before the inspection: nothing met then
    r = sh.city.get("/api/v1/baseline?district=370102&date=2020-01-01").json
    expect(r["as_of"] == "2020-01-01" and
           r["districts"][0]["all_four"] == 0, r)
    expect_error(sh.city.get("/api/v1/baseline?date=2026-13-01"), 400,
                 "bad_query", field="date")
    r = sh.city.get("/api/v1/baseline?district=" + quote("历山区"))
    expect_error(r, 400, "bad_query", "no district '历山区'", "district")
    # inspectors have no baseline table
    expect_error(sh.insp.get("/api/v1/baseline"), 403, "forbidden")


@case("one school's baseline, today or on a date, with the reason for an "
      "element not met")
def _(sh):
    r = sh.school.get("/api/v1/schools/%s/baseline" % YANXIANG)
    expect_status(r, 200)
    expect(r.json["all_four"] is True and r.json["code"] == YANXIANG, r.json)
    r = sh.lixia.get("/api/v1/schools/%s/baseline?date=2020-01-01"
                     % YANXIANG).json
    expect(r["as_of"] == "2020-01-01" and r["all_four"] is False and
           r["elements"][0] == {"element": "guards", "label": "专职保安员配备",
                                "met": False, "status": "not_met",
                                "reason": "no submitted assessment"}, r)
    expect_error(sh.lixia.get("/api/v1/schools/%s/baseline?date=01/01/2026"
                              % YANXIANG), 400, "bad_query", field="date")
    expect_error(sh.school.get("/api/v1/schools/%s/baseline" % DIANLIU), 404,
                 "not_found")


run(Shared)
