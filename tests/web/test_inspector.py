"""An inspector's work through the service: the task list and its order,
the checklist of a school against the CLI's, a whole inspection filled
in answer by answer (every kind of control, one na, a photo) and
submitted with the same score as `schoolrisk score`, retries, bulk
answers all or nothing, refused submissions, and what an inspector may
not see or touch."""

import os

from srweb import Server, case, expect, expect_error, expect_status, run
from srwork import (add_days, add_months, cli_checklist_ids, cli_score,
                    answerable, full_answers, full_value, items_of,
                    partial_value,
                    tmp_path, write_responses, write_school_file)

PRIMARY = "2137010231"   # insp's granted school, 历下区, 小学
OTHER = "2137010301"     # 市中区: outside every inspector's grants

# More junior schools in 莱芜区, the district granted to insp_d.
LAIWU = ("学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
         "游泳池,在校生数,住宿生数,特殊需要学生数\n") + """\
2137163311,济南市莱芜区口镇中学,莱芜区,初中,公办,镇区,否,否,是,是,否,800,0,1
2137163312,济南市莱芜区牛泉镇中学,莱芜区,初中,公办,乡村,否,否,是,是,否,540,0,0
2137163313,济南市莱芜区高庄中学,莱芜区,初中,公办,城区,否,否,是,是,否,1200,0,2
2137163314,济南市莱芜区苗山镇中学,莱芜区,初中,公办,乡村,否,否,是,是,否,300,0,0
"""

# A 1x1 JPEG's first bytes are enough for the type check.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" \
       + b"photo of the east gate" * 20 + b"\xff\xd9"


class Shared:
    def __init__(self):
        self.s = Server()
        path = tmp_path(self.s, "laiwu.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(LAIWU)
        self.s.cli("schools", "import", path)
        self.insp = self.s.as_user("insp", lang="en")
        self.insp_d = self.s.as_user("insp_d", lang="en")
        self.today = self.insp.get("/api/v1/tasks").json["as_of"]

    def close(self):
        self.s.close()

    def checklist(self, c, code):
        r = c.get("/api/v1/schools/%s/checklist" % code)
        expect_status(r, 200, "checklist of %s" % code)
        return r.json

    def inspect(self, c, code, assessed_on):
        """A submitted inspection with full points, dated assessed_on."""
        r = c.post("/api/v1/assessments", {"school": code,
                                           "assessed_on": assessed_on})
        expect_status(r, 201, "new draft")
        aid = r.json["assessment"]["id"]
        r = c.post("/api/v1/assessments/%d/answers" % aid,
                   {"answers": full_answers(self.checklist(c, code))})
        expect_status(r, 200, "bulk answers")
        r = c.post("/api/v1/assessments/%d/submit" % aid)
        expect_status(r, 200, "submit")
        return aid


@case("tasks: the granted schools, due first: never inspected, expired, "
      "expiring by date, valid; with the inspector's own draft")
def _(sh):
    t = sh.today
    expect(sh.checklist(sh.insp_d, "2137163311")["valid_months"] == 12,
           "junior system valid 12 months")
    # 3311 expired a month ago; 3312 expires in 10 days, 3314 in 20;
    # 3313 inspected today.
    sh.inspect(sh.insp_d, "2137163311", add_months(t, -13))
    on12 = add_months(add_days(t, 10), -12)
    on14 = add_months(add_days(t, 20), -12)
    sh.inspect(sh.insp_d, "2137163312", on12)
    sh.inspect(sh.insp_d, "2137163314", on14)
    valid = sh.inspect(sh.insp_d, "2137163313", t)
    draft = sh.insp_d.post("/api/v1/assessments",
                           {"school": "2137163308"}).json["assessment"]["id"]
    r = sh.insp_d.get("/api/v1/tasks")
    expect_status(r, 200)
    j = r.json
    order = [(x["school"], x["status"]) for x in j["items"]]
    expect(order == [("2137163308", "none"), ("2137163311", "none"),
                     ("2137163312", "expiring"), ("2137163314", "expiring"),
                     ("2137163313", "valid")], order)
    expect(j["total"] == 5 and j["counts"] == {"none": 2, "expiring": 2,
                                                "valid": 1}, j)
    first, expired, soon = j["items"][0], j["items"][1], j["items"][2]
    expect(first["draft"] == draft and first["inspection"] is None and
           first["expired_on"] is None, first)
    expect(expired["inspection"] is None and
           expired["expired_on"] == add_months(add_months(t, -13), 12),
           expired)
    expect(soon["inspection"]["assessed_on"] == on12 and
           soon["expires_on"] == add_months(on12, 12) and
           soon["inspection"]["total"] == 100 and
           soon["inspection"]["compliant"] is True and
           soon["inspection"]["band_label"] == "低风险", soon)
    last = j["items"][4]
    expect(last["inspection"]["id"] == valid and
           last["expires_on"] == add_months(t, 12) and last["draft"] is None,
           last)
    # paging and the status filter keep the order
    r = sh.insp_d.get("/api/v1/tasks?page=2&size=2")
    expect([x["school"] for x in r.json["items"]] ==
           ["2137163312", "2137163314"], r.json)
    r = sh.insp_d.get("/api/v1/tasks?status=expiring")
    expect([x["school"] for x in r.json["items"]] ==
           ["2137163312", "2137163314"] and r.json["total"] == 2, r.json)
    expect_error(sh.insp_d.get("/api/v1/tasks?status=late"), 400,
                 "bad_query", field="status")
    # insp's grant is one school, and another inspector's draft is not
    # its own
    r = sh.insp.get("/api/v1/tasks")
    expect([(x["school"], x["draft"]) for x in r.json["items"]] ==
           [(PRIMARY, None)], r.json)
    # only inspectors have a task list
    expect_error(sh.s.as_user("lixia", lang="en").get("/api/v1/tasks"), 403,
                 "forbidden")


@case("the checklist of a school is `schoolrisk checklist` for a school "
      "file of its registry attributes")
def _(sh):
    for c, code in ((sh.insp, PRIMARY), (sh.insp_d, "2137163308")):
        cl = sh.checklist(c, code)
        school = c.get("/api/v1/schools/%s" % code).json["school"]
        path = tmp_path(sh.s, "school-%s.txt" % code)
        write_school_file(school, path)
        ids = cli_checklist_ids(cl["system"], path)
        got = [it["id"] for it in items_of(cl)]
        expect(got == ids, "%s: %d items vs the CLI's %d"
               % (code, len(got), len(ids)))
        expect(cl["item_count"] == len(ids), cl["item_count"])
    cl = sh.checklist(sh.insp, PRIMARY)
    kinds = {it["control"]["type"] for it in items_of(cl)}
    expect(kinds == {"check", "levels", "threshold", "deduct", "ratio",
                     "group"}, kinds)
    guards = [it for it in items_of(cl) if it["id"] == "D02.01.01"][0]
    # 师生员工 (students and staff) over 1500: 2 guards up to 1000, one
    # more per full 500 beyond (primary 2026.2: 1.5 off per guard short)
    expect(guards["control"] == {"type": "deduct", "unit": guards["unit"],
                                 "per": 1.5, "required": 3,
                                 "required_from": "population",
                                 "value_format": "actual"},
           guards["control"])
    expect(guards["baseline"] == "guards" and
           guards["baseline_label"] == "专职保安员配备" and
           guards["hazard"] == "major", guards)


@case("a whole inspection through PUT answers: every control, one na, a "
      "photo; submitted with the total, band and 达标 of `schoolrisk "
      "score`")
def _(sh):
    c = sh.insp
    cl = sh.checklist(c, PRIMARY)
    items = answerable(cl)
    # A format-2 group is in neither count, before or after its sub-items
    # are answered (sr_result_progress): the total never moves.
    every = items_of(cl)
    expect(any(g["control"]["type"] == "group" for g in every),
           "primary 2026.2 has a group")
    photo = c.request("POST", "/api/v1/evidence?school=%s&name=%s"
                      % (PRIMARY, "east-gate.jpg"), raw=JPEG,
                      content_type="image/jpeg")
    expect_status(photo, 201, "photo upload")
    sha = photo.json["sha256"]
    r = c.post("/api/v1/assessments", {"school": PRIMARY})
    expect_status(r, 201)
    aid = r.json["assessment"]["id"]
    expect(r.json["progress"]["answered"] == 0 and
           r.json["progress"]["applicable"] == len(items) and
           r.json["progress"]["total"] is None, r.json["progress"])
    sent, kinds, na_done, seen = [], set(), False, {}
    for n, it in enumerate(items):
        t = it["control"]["type"]
        body = {}
        if it["allow_na"] and not na_done:
            body["value"] = "不适用"
            na_done = True
        elif seen.get(t, 0) == 1:
            # the second item of each kind loses points
            body["value"] = partial_value(it)
            body["note"] = "检查发现：%s 未达标" % it["id"]
        else:
            body["value"] = full_value(it)
        seen[t] = seen.get(t, 0) + 1
        kinds.add(t)
        if it["id"] == "D02.02.03":
            body["files"] = [sha]
            body["note"] = "东门登记簿"
        r = c.put("/api/v1/assessments/%d/answers/%s" % (aid, it["id"]),
                  body)
        expect_status(r, 200, "answer %s %r" % (it["id"], body))
        expect(r.json["answer"]["value"] == body["value"] and
               r.json["progress"]["answered"] == n + 1 and
               r.json["progress"]["applicable"] == len(items),
               r.json)
        sent.append(dict(body, item=it["id"]))
    expect(na_done and kinds == {"check", "levels", "threshold", "deduct",
                                 "ratio"}, kinds)
    expect(r.json["progress"]["complete"] is True, r.json["progress"])
    # the draft as the page reloads it
    g = c.get("/api/v1/assessments/%d" % aid).json
    expect(len(g["answers"]) == len(items), len(g["answers"]))
    gate = [a for a in g["answers"] if a["item"] == "D02.02.03"][0]
    expect(gate["files"] == [sha] and gate["note"] == "东门登记簿", gate)
    expect(g["result"]["complete"] is True and g["hazards"] == [], g)
    sub = c.post("/api/v1/assessments/%d/submit" % aid)
    expect_status(sub, 200, "submit")
    # the same answers through the CLI
    school = c.get("/api/v1/schools/%s" % PRIMARY).json["school"]
    sf, rf = tmp_path(sh.s, "primary.school"), tmp_path(sh.s, "primary.csv")
    write_school_file(school, sf)
    write_responses(sent, rf)
    want = cli_score(cl["system"], sf, rf)
    res = sub.json["result"]
    for k in ("total", "band", "band_label", "band_colour", "compliant",
              "vetoed", "earned", "max", "veto_items"):
        expect(res[k] == want[k], "%s: %r, the CLI says %r"
               % (k, res[k], want[k]))
    expect(res["items"] == want["items"], "the derivation differs")
    lost = {x["item"] for x in res["lost"]}
    expect(sub.json["hazards_new"] == len(lost) and
           sub.json["hazards_linked"] == 0, sub.json)
    expect({h["item"] for h in sub.json["hazards"]} == lost and
           not any(h["linked"] for h in sub.json["hazards"]),
           sub.json["hazards"])
    a = sub.json["assessment"]
    expect(a["status"] == "submitted" and a["total"] == want["total"], a)
    # the submitted assessment, read back
    g = c.get("/api/v1/assessments/%d" % aid).json
    expect(g["result"]["total"] == want["total"] and
           sorted(h["id"] for h in g["hazards"]) ==
           sorted(h["id"] for h in sub.json["hazards"]), g["hazards"])
    # the school now shows it as its latest inspection
    s = c.get("/api/v1/schools/%s" % PRIMARY).json
    expect(s["latest_inspection"]["id"] == aid and
           s["hazards"]["open"] == len(lost), s)
    t = c.get("/api/v1/tasks").json["items"][0]
    expect(t["inspection"]["id"] == aid and t["status"] == "valid", t)
    sh.submitted = aid


@case("offline retry: the same PUT twice is 200 twice and stores one "
      "answer; DELETE removes it")
def _(sh):
    c = sh.insp
    aid = c.post("/api/v1/assessments",
                 {"school": PRIMARY}).json["assessment"]["id"]
    url = "/api/v1/assessments/%d/answers/D01.01.01" % aid
    body = {"value": "符合", "note": "文件齐全"}
    a, b = c.put(url, body), c.put(url, body)
    expect_status(a, 200)
    expect_status(b, 200)
    expect(a.json == b.json, (a.json, b.json))
    n = sh.s.sql("SELECT count(*) FROM answers WHERE assessment = ? AND "
                 "item = 'D01.01.01'", aid)[0][0]
    expect(n == 1, "%d stored answers" % n)
    g = c.get("/api/v1/assessments/%d" % aid).json
    expect(len(g["answers"]) == 1 and g["progress"]["answered"] == 1, g)
    # a new value replaces it
    r = c.put(url, {"value": "不符合"})
    expect(r.json["answer"]["value"] == "不符合" and
           r.json["answer"]["note"] is None, r.json)
    r = c.delete(url)
    expect_status(r, 200)
    expect(r.json["answer"] is None and r.json["progress"]["answered"] == 0,
           r.json)
    # a bad value: 422 with the parser's reason
    r = c.put(url, {"value": "maybe"})
    expect_error(r, 422, "invalid", "the answer is not valid")
    expect(r.error["details"][0]["message"] ==
           "item 'D01.01.01': expected pass or fail (also 符合/不符合, "
           "是/否), got 'maybe'", r.error)
    expect_error(c.put(url, {}), 400, "missing_field", field="value")
    # a file not uploaded for the school
    r = c.put(url, {"value": "符合", "files": ["0" * 64]})
    expect_error(r, 422, "invalid", field="files")
    sh.retry_draft = aid


@case("bulk answers are all or nothing: one bad value stores nothing and "
      "422 lists every bad one")
def _(sh):
    c = sh.insp
    aid = sh.retry_draft
    cl = sh.checklist(c, PRIMARY)
    answers = full_answers(cl)
    answers[3] = dict(answers[3], value="很好")
    answers[7] = {"item": "NO.SUCH", "value": "符合"}
    r = c.post("/api/v1/assessments/%d/answers" % aid, {"answers": answers})
    expect_error(r, 422, "invalid",
                 "2 of %d answers are not valid; nothing was saved"
                 % len(answers))
    d = r.error["details"]
    expect([(x["file"], x["line"]) for x in d] ==
           [(answers[3]["item"], 4), ("NO.SUCH", 8)], d)
    expect("'很好'" in d[0]["message"] and "unknown item 'NO.SUCH'" in
           d[1]["message"], d)
    g = c.get("/api/v1/assessments/%d" % aid).json
    expect(g["answers"] == [], g["answers"])
    # the same item twice is refused too
    r = c.post("/api/v1/assessments/%d/answers" % aid,
               {"answers": [answers[0], answers[0]]})
    expect_error(r, 422, "invalid")
    expect(r.error["details"][0]["line"] == 2, r.error)
    # a list of the wrong shape is a 400
    r = c.post("/api/v1/assessments/%d/answers" % aid,
               {"answers": [{"item": 3}]})
    expect_error(r, 400, "bad_field", field="answers")
    expect_error(c.post("/api/v1/assessments/%d/answers" % aid, {}), 400,
                 "missing_field", field="answers")
    # all good: every answer stored at once
    good = full_answers(cl)[:10]
    r = c.post("/api/v1/assessments/%d/answers" % aid, {"answers": good})
    expect_status(r, 200)
    expect(r.json["saved"] == 10 and r.json["progress"]["answered"] == 10,
           r.json)


@case("submitting with items missing is 422 listing each; a second "
      "submission is 409")
def _(sh):
    c = sh.insp
    aid = sh.retry_draft
    g = c.get("/api/v1/assessments/%d" % aid).json
    missing = g["progress"]["missing"]
    r = c.post("/api/v1/assessments/%d/submit" % aid)
    expect_error(r, 422, "invalid",
                 "assessment %d cannot be submitted: %d applicable items "
                 "are not answered" % (aid, len(missing)))
    d = r.error["details"]
    expect(len(d) == len(missing) and
           all(m["message"].startswith("item '%s' is not answered" % i)
               for m, i in zip(d, missing)), d[:3])
    # nothing changed: still a draft
    expect(c.get("/api/v1/assessments/%d" % aid).json["assessment"]
           ["status"] == "draft", "still a draft")
    r = c.post("/api/v1/assessments/%d/submit" % sh.submitted)
    expect_error(r, 409, "state")
    r = c.put("/api/v1/assessments/%d/answers/D01.01.01" % sh.submitted,
              {"value": "符合"})
    expect_error(r, 409, "state")


@case("outside the grants: no school, no checklist, no other's draft "
      "(404); a new inspection there is refused")
def _(sh):
    c = sh.insp
    for path in ("/api/v1/schools/%s" % OTHER,
                 "/api/v1/schools/%s/checklist" % OTHER,
                 "/api/v1/schools/%s/baseline" % OTHER,
                 "/api/v1/schools/2137163308"):
        expect_error(c.get(path), 404, "not_found")
    r = c.post("/api/v1/assessments", {"school": OTHER})
    expect_error(r, 403, "forbidden", field="school")
    # insp_d's draft: invisible to insp, and not answerable
    other = sh.insp_d.post("/api/v1/assessments",
                           {"school": "2137163312"}).json["assessment"]["id"]
    expect_error(c.get("/api/v1/assessments/%d" % other), 404, "not_found")
    expect_error(c.put("/api/v1/assessments/%d/answers/D01.01.01" % other,
                       {"value": "符合"}), 404, "not_found")
    expect_error(c.post("/api/v1/assessments/%d/submit" % other), 404,
                 "not_found")
    # the list shows neither other schools nor other people's drafts
    r = c.get("/api/v1/assessments?size=200").json
    expect(all(a["school"] == PRIMARY for a in r["items"]) and
           other not in [a["id"] for a in r["items"]], r)
    mine = c.get("/api/v1/assessments?mine=1&status=draft").json
    expect(mine["total"] >= 1 and
           all(a["status"] == "draft" for a in mine["items"]), mine)
    # lixia (the district) sees the submitted inspection, not the drafts
    r = sh.s.as_user("lixia", lang="en").get(
        "/api/v1/assessments?school=%s" % PRIMARY).json
    expect([a["id"] for a in r["items"]] == [sh.submitted], r)
    expect_error(c.get("/api/v1/assessments?status=open"), 400,
                 "bad_query", field="status")


run(Shared)
