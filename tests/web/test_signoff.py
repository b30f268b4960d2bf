"""Period sign-off over HTTP (/api/v1/signoff, a school's confirmation)
against the real server: the statuses each role sees, the district's
sign-off, the city's acceptance and return with their refusals (exact
messages), scope (a district cannot sign off another's period: 403 as
the route table says; another school's confirmation is 404), and the locked workbook downloaded beside it.

The period is 2026Q3, over by the time these tests run (the server's
clock is the real one: a pinned clock would break the city's second
factor)."""

import io
import urllib.parse

import openpyxl

from srweb import Server, case, expect, expect_error, expect_status, run
from srwork import full_answers

P = "2026Q3"


def q(s):
    return urllib.parse.quote(s)


class Shared:
    def __init__(self):
        self.s = Server()

    def close(self):
        self.s.close()


@case("a school sees its confirmation; without a self-inspection it is "
      "refused, 409")
def t_confirm(sh):
    c = sh.s.as_user("yanxiang", lang="en")
    r = c.get("/api/v1/schools/2137010231/confirmation?period=" + P)
    expect_status(r, 200)
    expect(r.json["confirmed"] is False and r.json["state"] == "open" and
           r.json["self_inspection"] is None and
           r.json["district"] == "370102", r.json)
    expect_error(c.post("/api/v1/schools/2137010231/confirmation",
                        {"period": P}), 409, "state",
                 "school 2137010231 has no submitted self-inspection dated "
                 "on or before 2026-09-30: submit one, then confirm")
    expect_error(c.post("/api/v1/schools/2137010231/confirmation",
                        {"period": "2026Q5"}), 400, "bad_field",
                 field="period")
    # another school's: hidden by the table, as every school route does
    expect_error(c.get("/api/v1/schools/2137010232/confirmation"), 404,
                 "not_found")


@case("before signing off, the district sees which schools have not "
      "confirmed, by name")
def t_unconfirmed(sh):
    r = sh.s.as_user("lixia", lang="en").get("/api/v1/signoff/370102?period="
                                             + P)
    expect_status(r, 200)
    expect(r.json["state"] == "open" and r.json["confirmed"] == 0 and
           r.json["schools"] == 2, r.json)
    expect(r.json["unconfirmed"] == [
        {"code": "2137010231", "name": "济南市历下区燕翔小学", "self": None,
         "self_on": None},
        {"code": "2137010232", "name": "济南市历下区甸柳第一小学", "self": None,
         "self_on": None}], r.json["unconfirmed"])
    expect_error(sh.s.as_user("lixia", lang="en").get(
        "/api/v1/signoff/370199?period=" + P), 404, "not_found",
        "no district '370199'")


@case("the district signs off; the city sees it; a second sign-off is "
      "409 naming the state")
def t_signoff(sh):
    lixia = sh.s.as_user("lixia", lang="en")
    r = lixia.post("/api/v1/signoff/370102", {"period": P})
    expect_status(r, 200)
    j = r.json
    expect(j["state"] == "signed_off" and j["state_label"] == "已签批" and
           j["locked"] is True and j["version"] == 1 and
           j["schools"] == 2 and j["confirmed"] == 0, j)
    expect(len(j["sha256"]) == 64, j)
    ev = j["history"][-1]
    expect(ev["action"] == "signoff" and
           ev["unconfirmed"] == "2137010231,2137010232", ev)
    expect_error(lixia.post("/api/v1/signoff/370102", {"period": P}), 409,
                 "state",
                 "历下区 2026Q3 is signed off and locked: the city accepts or "
                 "returns it")
    r = sh.s.as_user("city", lang="en").get("/api/v1/signoff?period=" + P)
    expect_status(r, 200)
    items = {i["district"]: i for i in r.json["items"]}
    expect(len(items) == 16 and items["370102"]["state"] == "signed_off"
           and items["370103"]["state"] == "open", r.json)
    r = lixia.get("/api/v1/signoff?period=" + P)
    expect([i["district"] for i in r.json["items"]] == ["370102"], r.json)


@case("scope and roles: another district's period 403, a district "
      "cannot accept, a school cannot list")
def t_scope(sh):
    shizhong = sh.s.as_user("shizhong", lang="en")
    expect_error(shizhong.post("/api/v1/signoff/370102", {"period": P}),
                 403, "forbidden", "district '370102' is outside your scope")
    expect_status(shizhong.get("/api/v1/signoff/370102?period=" + P), 403)
    expect_status(sh.s.as_user("lixia").post("/api/v1/signoff/370102/accept",
                                             {"period": P}), 403)
    expect_status(sh.s.as_user("yanxiang").get("/api/v1/signoff"), 403)


@case("the locked workbook says so on 说明; diff has no change")
def t_workbook(sh):
    lixia = sh.s.as_user("lixia", lang="en")
    r = lixia.get("/api/v1/reports/districts/370102?period=" + P)
    expect_status(r, 200)
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    notes = {row[0].value: row[1].value for row in wb["说明"].iter_rows()
             if row[0].value}
    expect(notes.get("签批锁定", "").startswith("本期数据已于") and
           "依据签批快照生成" in notes["签批锁定"], notes)
    r = lixia.get("/api/v1/signoff/370102/diff?period=" + P)
    expect_status(r, 200)
    expect(r.json == {"version": 1, "changes": []}, r.json)
    expect_error(lixia.post("/api/v1/signoff/370102/correct",
                            {"period": P, "reason": "复核"}), 409, "state",
                 "历下区 2026Q3 is signed off and locked: the live figures "
                 "are those locked, there is nothing to correct")


@case("the city returns with a reason (required), the district signs off "
      "again, the city accepts; then return is 409")
def t_city(sh):
    city = sh.s.as_user("city", lang="en")
    r = city.post("/api/v1/signoff/370102/return", {"period": P})
    expect(r.status == 400 and r.error.get("field") == "reason", r)
    r = city.post("/api/v1/signoff/370102/return",
                  {"period": P, "reason": "请学校先确认自查"})
    expect_status(r, 200)
    expect(r.json["state"] == "returned" and
           r.json["reason"] == "请学校先确认自查", r.json)
    expect_error(city.post("/api/v1/signoff/370102/accept", {"period": P}),
                 409, "state",
                 "历下区 2026Q3 is returned: the district signs it off again "
                 "first")
    r = sh.s.as_user("lixia").post("/api/v1/signoff/370102", {"period": P})
    expect(r.status == 200 and r.json["version"] == 2, r)
    r = city.post("/api/v1/signoff/370102/accept", {"period": P})
    expect(r.status == 200 and r.json["state"] == "accepted", r)
    expect_error(city.post("/api/v1/signoff/370102/return",
                           {"period": P, "reason": "x"}), 409, "state",
                 "历下区 2026Q3 is accepted: it was accepted already")
    r = sh.s.as_user("yanxiang").get(
        "/api/v1/schools/2137010231/confirmation?period=" + P)
    expect(r.json["state"] == "accepted", r.json)


@case("an inspection dated in the accepted period: 409 without a "
      "correction reason, 422 for a blank one, 200 with one, recorded as an "
      "amendment and listed on the bulletins of the quarter and the month")
def t_amend(sh):
    insp = sh.s.as_user("insp", lang="en")
    r = insp.post("/api/v1/assessments", {"school": "2137010231",
                                          "assessed_on": "2026-09-15"})
    expect_status(r, 201)
    aid = r.json["assessment"]["id"]
    checklist = insp.get("/api/v1/schools/2137010231/checklist").json
    r = insp.post("/api/v1/assessments/%d/answers" % aid,
                  {"answers": full_answers(checklist)})
    expect_status(r, 200)
    expect_error(insp.post("/api/v1/assessments/%d/submit" % aid), 409,
                 "state",
                 "assessment %d is dated 2026-09-15, inside 历下区 2026Q3, "
                 "which is accepted: give a correction reason to "
                 "submit it as an amendment" % aid)
    expect_error(insp.post("/api/v1/assessments/%d/submit" % aid,
                           {"correction": "  "}), 422, "invalid",
                 "a reason is required", field="correction")
    expect_error(insp.post("/api/v1/assessments/%d/submit" % aid,
                           {"correction": 7}), 400, "bad_field",
                 field="correction")
    r = insp.post("/api/v1/assessments/%d/submit" % aid,
                  {"correction": "补录9月督导评估"})
    expect_status(r, 200)
    expect(r.json["assessment"]["status"] == "submitted", r.json)
    r = sh.s.as_user("lixia", lang="en").get(
        "/api/v1/signoff/370102?period=" + P)
    expect_status(r, 200)
    ev = r.json["history"][-1]
    expect(r.json["pending"] == 1 and ev["action"] == "amend" and
           ev["assessment"] == aid and ev["school"] == "2137010231" and
           ev["reason"] == "补录9月督导评估" and ev["by"] == "张检查员", r.json)
    # The reason was for that submission only: the next one in the
    # locked period is refused again.
    r = insp.post("/api/v1/assessments", {"school": "2137010231",
                                          "assessed_on": "2026-09-16"})
    aid2 = r.json["assessment"]["id"]
    insp.post("/api/v1/assessments/%d/answers" % aid2,
              {"answers": full_answers(checklist)})
    expect_status(insp.post("/api/v1/assessments/%d/submit" % aid2), 409)
    # On the bulletins of the quarter and the month it was recorded in.
    day = ev["at"][:10]
    when = r"%s-%02d" % (day[:4], int(day[5:7]))
    quarter = "%sQ%d" % (day[:4], (int(day[5:7]) - 1) // 3 + 1)
    city = sh.s.as_user("city", lang="en")
    r = city.get("/api/v1/bulletins/quarterly?quarter=" + quarter)
    expect_status(r, 200)
    want = {"period": P, "district_name": "历下区",
            "what": "补录锁定期检查 #%d（2137010231）" % aid,
            "by": "张检查员", "why": "补录9月督导评估"}
    got = [{k: c[k] for k in want} for c in r.json["corrections"]]
    expect(got == [want], r.json["corrections"])
    r = sh.s.as_user("lixia").get(
        "/api/v1/bulletins/monthly/370102?month=" + when)
    expect_status(r, 200)
    expect([c["what"] for c in r.json["corrections"]] == [want["what"]],
           r.json["corrections"])
    r = sh.s.as_user("shizhong").get(
        "/api/v1/bulletins/monthly/370103?month=" + when)
    expect(r.json["corrections"] == [], r.json)


run(Shared)
