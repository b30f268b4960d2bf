"""Authorization: every route of the route table, for every role, on a
record in the caller's scope and on one outside it.

The routes come from the server itself (`schoolrisk serve --routes`, the
table of src/web/routes.c), so a route added to the table is driven here
without anyone remembering to: a path parameter this test cannot fill
fails the test.

For each route and each principal:
  - a role the route does not admit gets 403 "forbidden";
  - an admitted role on a record in its scope gets past authorization
    (any status but 401, 403 and 404: the handler may still refuse the
    deliberately incomplete body with 400 or 422, or a state with 409);
  - an admitted role on a record outside its scope gets 404 for a record
    addressed by id or code (what exists elsewhere is not revealed) and
    403 for a district or for a school named in the body or the query;
  - without a session every route but the public ones gets 401.
Bodies are minimal so that nothing but authorization decides, and no
request changes what a later one depends on.
"""

import json
import os
import re
import subprocess
import time
from urllib.parse import quote

from srexamples import example_row
from srweb import (BIN, ENV, REGISTRY, SRC, Server, case, expect, run)

EX = os.path.join(SRC, "indicators", "examples")


OWN_SCHOOL = "3701020101"      # primary-1, 历下区
FOREIGN_SCHOOL = "2137010301"  # 市中区
FOREIGN_SUBMITTED = "3701260203"  # primary-2, 商河县

USERS = [
    ("admin", "系统管理员", "admin", None, None),
    ("city", "市局安全处", "city", None, None),
    ("lixia", "历下区教体局", "district", "历下区", None),
    ("shiyan", "示例小学安全员", "school", None, OWN_SCHOOL),
    ("insp", "张检查员", "inspector", None, OWN_SCHOOL),
    ("insp_d", "李检查员", "inspector", "莱芜区", None),
    ("shizhong", "市中区教体局", "district", "市中区", None),
    ("victim", "被管理的用户", "district", "历下区", None),
]

# Who may call what, written down a second time, independently of
# src/web/routes.c, from the bureau's rules: the administrator manages
# users and sees no school data; the city reviews everything, publishes
# the systems and signs off supervised hazards; a district runs its
# registry and ledger (assign, verify); a school self-inspects and
# rectifies; an inspector inspects the schools granted.  A route added
# to the table fails this test until its roles are declared here too.
POLICY = {
    ("GET", "/api/v1/health"): "public",
    ("POST", "/api/v1/session"): "public",
    ("GET", "/api/v1/session"): "signed-in",
    ("DELETE", "/api/v1/session"): "signed-in",
    ("POST", "/api/v1/session/totp"): "signed-in",
    ("POST", "/api/v1/session/totp/enroll"): "signed-in",
    ("POST", "/api/v1/session/totp/confirm"): "signed-in",
    ("POST", "/api/v1/session/password"): "signed-in",
    ("GET", "/api/v1/users"): "admin",
    ("POST", "/api/v1/users"): "admin",
    ("GET", "/api/v1/users/{id}"): "admin",
    ("PATCH", "/api/v1/users/{id}"): "admin",
    ("POST", "/api/v1/users/{id}/password"): "admin",
    ("POST", "/api/v1/users/{id}/disable"): "admin",
    ("POST", "/api/v1/users/{id}/enable"): "admin",
    ("POST", "/api/v1/users/{id}/unlock"): "admin",
    ("POST", "/api/v1/users/{id}/totp-reset"): "admin",
    ("POST", "/api/v1/users/{id}/grants"): "admin",
    ("DELETE", "/api/v1/users/{id}/grants/{grant}"): "admin",
    ("GET", "/api/v1/security-log"): "admin",
    ("GET", "/api/v1/districts"): "admin,city,district,school,inspector",
    ("GET", "/api/v1/districts/{district}"): "city,district",
    ("GET", "/api/v1/dashboard"): "city",
    ("GET", "/api/v1/schools"): "city,district,school,inspector",
    ("POST", "/api/v1/schools/import"): "city,district",
    ("GET", "/api/v1/schools/{code}"): "city,district,school,inspector",
    ("GET", "/api/v1/schools/{code}/checklist"): "city,district,school,inspector",
    ("GET", "/api/v1/schools/{code}/baseline"): "city,district,school,inspector",
    ("POST", "/api/v1/schools/{code}/self-inspections"): "school",
    ("GET", "/api/v1/tasks"): "inspector",
    ("POST", "/api/v1/assessments"): "inspector",
    ("GET", "/api/v1/assessments"): "city,district,school,inspector",
    ("GET", "/api/v1/assessments/{id}"): "city,district,school,inspector",
    ("PUT", "/api/v1/assessments/{id}/answers/{item}"): "school,inspector",
    ("DELETE", "/api/v1/assessments/{id}/answers/{item}"): "school,inspector",
    ("POST", "/api/v1/assessments/{id}/answers"): "school,inspector",
    ("POST", "/api/v1/assessments/{id}/submit"): "school,inspector",
    ("GET", "/api/v1/hazards"): "city,district,school,inspector",
    ("POST", "/api/v1/hazards"): "city,district",
    ("GET", "/api/v1/hazards/{id}"): "city,district,school,inspector",
    ("POST", "/api/v1/hazards/{id}/assign"): "district",
    ("POST", "/api/v1/hazards/{id}/submit"): "district,school",
    ("POST", "/api/v1/hazards/{id}/verify"): "district",
    ("POST", "/api/v1/hazards/{id}/reject"): "city,district",
    ("POST", "/api/v1/hazards/{id}/signoff"): "city",
    ("GET", "/api/v1/baseline"): "city,district,school",
    ("POST", "/api/v1/whatif"): "city,district,school",
    ("GET", "/api/v1/whatif/suggest"): "city,district",
    ("GET", "/api/v1/reports/districts/{district}"): "city,district",
    ("GET", "/api/v1/reports/city"): "city",
    ("GET", "/api/v1/reports/all"): "city",
    ("GET", "/api/v1/bulletins/monthly/{district}"): "city,district",
    ("GET", "/api/v1/bulletins/monthly/{district}/xlsx"): "city,district",
    ("GET", "/api/v1/bulletins/quarterly"): "city,district",
    ("GET", "/api/v1/bulletins/quarterly/xlsx"): "city,district",
    ("GET", "/api/v1/systems"): "city,district,school,inspector",
    ("POST", "/api/v1/systems"): "city",
    ("GET", "/api/v1/systems/{id}/{version}"): "city,district,school,inspector",
    ("POST", "/api/v1/evidence"): "district,school,inspector",
    ("GET", "/api/v1/evidence/{sha}"): "city,district,school,inspector",
    ("GET", "/api/v1/audit"): "city",
    # period sign-off: the district signs off and corrects, the city
    # accepts or returns, the school confirms its own
    ("GET", "/api/v1/signoff"): "city,district",
    ("GET", "/api/v1/signoff/{district}"): "city,district",
    ("POST", "/api/v1/signoff/{district}"): "district",
    ("POST", "/api/v1/signoff/{district}/accept"): "city",
    ("POST", "/api/v1/signoff/{district}/return"): "city",
    ("POST", "/api/v1/signoff/{district}/correct"): "district",
    ("GET", "/api/v1/signoff/{district}/diff"): "city,district",
    ("GET", "/api/v1/schools/{code}/confirmation"): "city,district,school",
    ("POST", "/api/v1/schools/{code}/confirmation"): "school",
    ("GET", "/api/v1/experts"): "city,district,inspector",
    ("GET", "/api/v1/experts/summary"): "city,district",
    ("POST", "/api/v1/experts"): "city",
    ("GET", "/api/v1/experts/{login}"): "city,district,inspector",
    ("PATCH", "/api/v1/experts/{login}"): "city",
    # inspection plans: a district plans its own, the city any or all
    ("GET", "/api/v1/plans"): "city,district",
    ("POST", "/api/v1/plans"): "city,district",
    ("GET", "/api/v1/plans/progress"): "city,district",
    ("GET", "/api/v1/plans/{id}"): "city,district",
    ("POST", "/api/v1/plans/{id}/publish"): "city,district",
    ("GET", "/api/v1/plans/{id}/progress"): "city,district",
}

# The principals driven through every route, by role.
PRINCIPALS = [("admin", "admin"), ("city", "city"), ("district", "lixia"),
              ("school", "shiyan"), ("inspector", "insp")]


class World:
    """The server, and records in and out of each principal's scope."""

    def __init__(self):
        reg = REGISTRY + example_row("primary-1") + "\n" + \
            example_row("primary-2") + "\n"
        self.s = Server(registry=reg, users=USERS)
        cli = self.s.cli
        # Hazards: one on the own school, one in 市中区.
        self.h_own = self.hazard(OWN_SCHOOL)
        self.h_foreign = self.hazard(FOREIGN_SCHOOL)
        # Submitted inspections: primary-1 (历下区), primary-2 (商河县).
        self.a_own = self.submit("primary-1", OWN_SCHOOL)
        self.a_foreign = self.submit("primary-2", FOREIGN_SUBMITTED)
        # Drafts made through the API, each by its maker.
        insp = self.s.as_user("insp")
        r = insp.post("/api/v1/assessments", {"school": OWN_SCHOOL})
        expect(r.status == 201, "inspection draft: %r" % r)
        self.d_insp = self.id_of(r)
        r = self.s.as_user("shiyan").post(
            "/api/v1/schools/%s/self-inspections" % OWN_SCHOOL, {})
        expect(r.status == 201, "self-inspection draft: %r" % r)
        self.d_school = self.id_of(r)
        r = self.s.as_user("insp_d").post("/api/v1/assessments",
                                          {"school": "2137163308"})
        expect(r.status == 201, "draft in 莱芜区: %r" % r)
        self.d_elsewhere = self.id_of(r)
        # Evidence: a JPEG for the own school, one for 市中区.
        jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 64
        r = self.s.as_user("lixia").post(
            "/api/v1/evidence?school=%s&name=a.jpg" % OWN_SCHOOL, raw=jpeg,
            content_type="image/jpeg")
        expect(r.status in (200, 201), "evidence: %r" % r)
        self.e_own = r.json["sha256"]
        r = self.s.as_user("shizhong").post(
            "/api/v1/evidence?school=%s&name=b.jpg" % FOREIGN_SCHOOL,
            raw=jpeg + b"x", content_type="image/jpeg")
        expect(r.status in (200, 201), "evidence: %r" % r)
        self.e_foreign = r.json["sha256"]
        # Experts: insp (历下区) and one of 市中区.
        cli("users", "add", "zj_sz", "--name", "市中区专家", "--role",
            "inspector", "--district", "市中区")
        for login, district in (("insp", "历下区"), ("zj_sz", "市中区")):
            cli("experts", "add", login, "--unit", "消防救援大队",
                "--district", district, "--speciality", "fire",
                "--trained", "2025-03-01", "--certified", "2025-04-01",
                "--expires", "2028-03-31")
        # Draft plans of 历下区 and 市中区 for this year.
        year = time.strftime("%Y")
        self.p_own, self.p_foreign = (
            int(re.search(r"created plan (\d+)", cli(
                "plan", "create", "--district", d, "--period", year,
                "--seed", "7")).group(1))
            for d in ("历下区", "市中区"))
        # A user for the administrator's routes, with a grant.
        shown = json.loads(cli("users", "show", "victim", "--json"))
        self.victim = shown["id"]
        self.victim_grant = shown["grants"][0]["id"]
        # An item of the drafts' system that applies to the own school.
        out = subprocess.run(
            [BIN, "checklist", "--system", "primary", "--school",
             os.path.join(EX, "primary-1.school"), "--format", "csv"],
            env=ENV, capture_output=True, text=True, check=True).stdout
        self.item = out.splitlines()[1].split(",")[2]
        self.routes = self.route_table()

    def hazard(self, school):
        out = self.s.cli("hazard", "add", "--school", school, "--level",
                         "general", "--description", "测试隐患")
        return int(re.search(r"hazard (\d+)", out).group(1))

    def submit(self, example, school):
        out = self.s.cli("assess", "new", "--school", school)
        aid = int(out.split()[0])
        self.s.cli("assess", "import", str(aid),
                   os.path.join(EX, example + ".csv"))
        self.s.cli("assess", "submit", str(aid))
        return aid

    @staticmethod
    def id_of(r):
        j = r.json
        for key in ("assessment", "draft"):
            if isinstance(j.get(key), dict) and "id" in j[key]:
                return j[key]["id"]
        return j["id"]

    @staticmethod
    def route_table():
        out = subprocess.run([BIN, "serve", "--routes"], env=ENV,
                             capture_output=True, text=True,
                             check=True).stdout.splitlines()
        head = out[0].split("\t")
        return [dict(zip(head, line.split("\t"))) for line in out[1:]]

    def close(self):
        self.s.close()


def params_for(w, route, login, own):
    """The path parameters of route for login, in (own) or out of its
    scope; None when the route has no out-of-scope case."""
    target = route["target"]
    values = {}
    for p in re.findall(r"\{(\w+)\}", route["path"]):
        if p == "code":
            values[p] = OWN_SCHOOL if own else FOREIGN_SCHOOL
        elif p == "district":
            values[p] = "历下区" if own else "市中区"
        elif p == "id" and target == "hazard":
            values[p] = w.h_own if own else w.h_foreign
        elif p == "id" and target == "assessment":
            values[p] = w.a_own if own else w.a_foreign
        elif p == "id" and target == "draft":
            mine = w.d_insp if login == "insp" else w.d_school
            theirs = w.d_school if login == "insp" else w.d_insp
            values[p] = mine if own else theirs
        elif p == "sha":
            values[p] = w.e_own if own else w.e_foreign
        elif p == "id" and route["path"].startswith("/api/v1/users/"):
            values[p] = w.victim
        elif p == "id" and route["path"].startswith("/api/v1/systems/"):
            values[p] = "primary"
        elif p == "version":
            # the version of primary.xml as shipped
            with open(os.path.join(SRC, "indicators", "primary.xml"),
                      encoding="utf-8") as f:
                values[p] = re.search(r'<system [^>]*?version="([^"]*)"',
                                      f.read()).group(1)
        elif p == "login":
            # an expert of 历下区, the inspector insp itself; one of 市中区
            values[p] = "insp" if own else "zj_sz"
        elif p == "id" and target == "plan":
            values[p] = w.p_own if own else w.p_foreign
        elif p == "grant":
            values[p] = w.victim_grant
        elif p == "item":
            values[p] = w.item
        else:
            raise AssertionError("route %s %s: this test cannot fill {%s}; "
                                 "teach params_for() about it"
                                 % (route["method"], route["path"], p))
    path = route["path"]
    for k, v in values.items():
        path = path.replace("{%s}" % k, str(v))
    school = OWN_SCHOOL if own else FOREIGN_SCHOOL
    if target == "query:school":
        path += "?school=%s" % school
    if target == "query:district":
        path += "?district=%s" % quote("历下区" if own else "市中区")
    return path, school


def send(client, route, path, school):
    flags = route["flags"].split(",")
    if "json" in flags:
        body = ({"school": school}
                if route["target"] in ("body:school", "body:scope") else {})
        return client.request(route["method"], path, body=body)
    if "raw" in flags:
        return client.request(route["method"], path, raw=b"x",
                              content_type="application/octet-stream")
    return client.request(route["method"], path)


SCOPED = ("school", "district", "hazard", "assessment", "draft", "evidence",
          "body:school", "query:school", "body:scope", "query:district",
          "expert", "plan")
BY_ID = ("school", "hazard", "assessment", "draft", "evidence", "expert",
         "plan")


@case("the route table is non-empty and every non-public route needs a "
      "session (401 without one)")
def _(w):
    expect(len(w.routes) > 40, "%d routes" % len(w.routes))
    anon = w.s.client(lang="en")
    for rt in w.routes:
        if rt["roles"] == "public":
            continue
        path, school = params_for(w, rt, "lixia", True)
        r = send(anon, rt, path, school)
        expect(r.status == 401, "%s %s without a session: %r"
               % (rt["method"], path, r))


@case("the table admits exactly the roles the bureau's rules give")
def _(w):
    table = {(rt["method"], rt["path"]): rt["roles"] for rt in w.routes}
    missing = sorted(set(table) - set(POLICY))
    gone = sorted(set(POLICY) - set(table))
    wrong = sorted(k for k in table if k in POLICY and
                   set(table[k].split(",")) != set(POLICY[k].split(",")))
    expect(not missing, "routes without declared roles: %s" % missing)
    expect(not gone, "declared routes that no longer exist: %s" % gone)
    expect(not wrong, "roles differ from the rules: %s"
           % ["%s %s: table %s, rules %s" % (m, p, table[(m, p)],
                                              POLICY[(m, p)])
              for m, p in wrong])


@case("every route x every role x own scope and foreign scope")
def _(w):
    problems = []
    reached = set()
    closing = []
    for role, login in PRINCIPALS:
        c = w.s.as_user(login, lang="en")
        for rt in w.routes:
            if rt["roles"] == "public":
                continue
            if rt["method"] == "DELETE" and rt["path"] == "/api/v1/session":
                closing.append((c, rt))   # signs out: last
                continue
            admitted = (rt["roles"] == "signed-in" or
                        role in rt["roles"].split(","))
            for own in (True, False):
                if not own and (rt["target"] not in SCOPED or
                                role == "city" and
                                rt["target"] != "draft"):
                    continue
                path, school = params_for(w, rt, login, own)
                r = send(c, rt, path, school)
                where = "%s %s as %s (%s)" % (rt["method"], path, login,
                                              "own" if own else "foreign")
                if not admitted:
                    if r.status != 403 or r.error["code"] != "forbidden":
                        problems.append("%s: expected 403 forbidden, got %r"
                                        % (where, r))
                elif own:
                    if r.status in (401, 403, 404):
                        problems.append("%s: refused: %r" % (where, r))
                    else:
                        reached.add((rt["method"], rt["path"]))
                else:
                    want = 404 if rt["target"] in BY_ID else 403
                    if r.status != want:
                        problems.append("%s: expected %d, got %r"
                                        % (where, want, r))
    for c, rt in closing:
        r = c.request("DELETE", "/api/v1/session")
        if r.status != 200:
            problems.append("DELETE /api/v1/session: %r" % r)
        else:
            reached.add(("DELETE", "/api/v1/session"))
    for _, login in PRINCIPALS:
        w.s.sessions.pop(login, None)   # signed out above
    unreached = [(rt["method"], rt["path"]) for rt in w.routes
                 if rt["roles"] != "public" and
                 (rt["method"], rt["path"]) not in reached]
    expect(not unreached, "routes no admitted role got through: %s"
           % unreached)
    expect(not problems, "\n  " + "\n  ".join(problems))


@case("an inspector granted a whole district reaches its schools and "
      "nothing else")
def _(w):
    c = w.s.as_user("insp_d", lang="en")
    r = c.get("/api/v1/schools/2137163308")
    expect(r.status == 200, "a school of 莱芜区: %r" % r)
    r = c.get("/api/v1/schools/%s" % OWN_SCHOOL)
    expect(r.status == 404, "a school of 历下区: %r" % r)
    r = c.get("/api/v1/hazards/%d" % w.h_own)
    expect(r.status == 404, "a hazard of 历下区: %r" % r)


@case("the administrator sees no school data")
def _(w):
    c = w.s.as_user("admin", lang="en")
    for path in ("/api/v1/schools", "/api/v1/hazards", "/api/v1/baseline",
                 "/api/v1/dashboard", "/api/v1/assessments",
                 "/api/v1/schools/%s" % OWN_SCHOOL):
        r = c.get(path)
        expect(r.status == 403 and r.error["code"] == "forbidden",
               "%s: %r" % (path, r))


run(World)
