"""The administrator's pages: users, role grants and the security log,
against the real server; and that the administrator sees no school
data while no one else manages users."""

import re
import urllib.parse

from srweb import (PASSWORD, Server, case, expect, expect_error,
                   expect_status, run, totp)

GENERIC = "wrong login or password, or the account is locked"
EXPIRED = "the session has expired; sign in again"
FORBIDDEN = "your role does not allow this"


class Shared:
    def __init__(self):
        self.s = Server()
        self.admin = self.s.as_user("admin", lang="en")
        self.passwords = []   # every one-time password handed out

    def user_id(self, login):
        r = self.admin.get("/api/v1/users?size=500")
        expect_status(r, 200)
        return [u["id"] for u in r.json["items"] if u["login"] == login][0]

    def add(self, body, status=201):
        r = self.admin.post("/api/v1/users", body)
        expect_status(r, status)
        if status == 201:
            self.passwords.append(r.json["password"])
        return r

    def close(self):
        self.s.close()


def no_secrets(r):
    text = r.body.decode("utf-8")
    for word in ("hash", "secret", "$argon2", "totp_secret"):
        expect(word not in text, "%r in %s" % (word, text[:300]))


@case("a new user: 201 with the user and a one-time password, shown once; "
      "it signs in to stage password")
def _(sh):
    r = sh.add({"login": "wangfang", "name": "王芳", "unit": "市中区教体局",
                "phone": "0531-82010000", "role": "district",
                "district": "市中区"})
    o = r.json
    expect(sorted(o) == ["password", "user"], o)
    expect(re.fullmatch(r"[A-Za-z2-9]{16}", o["password"]), o["password"])
    u = o["user"]
    g = u["grants"]
    expect(len(g) == 1 and g[0]["role"] == "district" and
           g[0]["role_label"] == "区县" and g[0]["district"] == "370103" and
           g[0]["district_name"] == "市中区" and g[0]["school"] is None and
           g[0]["granted_by"] == "系统管理员", g)
    for k, v in (("login", "wangfang"), ("name", "王芳"),
                 ("unit", "市中区教体局"), ("phone", "0531-82010000"),
                 ("disabled", False), ("locked", False),
                 ("failed_logins", 0), ("must_change", True),
                 ("totp", False), ("created_by", "系统管理员"),
                 ("last_login", None)):
        expect(u[k] == v, "%s: %r, expected %r" % (k, u[k], v))
    no_secrets(r)
    again = sh.admin.get("/api/v1/users/%d" % u["id"])
    expect_status(again, 200)
    expect("password" not in again.json and
           o["password"] not in again.body.decode(), again.json)
    no_secrets(again)
    c = sh.s.client(lang="en")
    r = c.sign_in("wangfang", o["password"])
    expect_status(r, 200)
    expect(r.json["stage"] == "password", r.json)
    u = sh.admin.get("/api/v1/users/%d" % u["id"]).json
    expect(u["last_login"]["source"] == "127.0.0.1", u["last_login"])


@case("a login taken in any case is 409; missing or mistyped fields are "
      "400 naming the field; values the library refuses are 422")
def _(sh):
    taken = sh.user_id("wangfang")
    r = sh.add({"login": "WANGFANG", "name": "王芳"}, 409)
    expect_error(r, 409, "conflict",
                 "login 'WANGFANG' is taken (user %d)" % taken)
    for body, code, field, msg in (
            ({"name": "王芳"}, "missing_field", "login",
             "the field 'login' is required"),
            ({"login": "zhaolei"}, "missing_field", "name",
             "the field 'name' is required"),
            ({"login": "zhaolei", "name": 7}, "bad_field", "name",
             "the field 'name' must be a string"),
            ({"login": "zhaolei", "name": "赵磊", "role": "boss"},
             "bad_field", "role",
             "unknown role 'boss' (admin 系统管理员, city 市局, district "
             "区县, school 学校 or inspector 检查员)"),
            ({"login": "zhaolei", "name": "赵磊", "district": "市中区"},
             "bad_field", "role", "a district or a school goes with a role")):
        expect_error(sh.add(body, 400), 400, code, msg, field)
    r = sh.add({"login": "a b", "name": "赵磊"}, 422)
    expect_error(r, 422, "invalid",
                 "login 'a b' must be 2 to 64 characters of A-Z, a-z, 0-9 "
                 "and . _ @ -", "login")
    r = sh.add({"login": "zhaolei", "name": "赵磊", "phone": "abc"}, 422)
    expect_error(r, 422, "invalid",
                 "the phone number 'abc' may contain only digits, spaces "
                 "and + - ( )", "phone")
    r = sh.admin.get("/api/v1/users?size=500")
    expect("zhaolei" not in [u["login"] for u in r.json["items"]],
           "nothing was added")


@case("a grant refused in the same request: the user is added without it "
      "and the answer says why")
def _(sh):
    r = sh.add({"login": "sunli", "name": "孙立", "role": "school",
                "school": "9999999999"})
    o = r.json
    expect(o["grant_error"] == {
        "code": "not_found",
        "message": "no school with code '9999999999' in the registry"},
        o["grant_error"])
    expect(o["warning"] == "the user was added without the role: grant it "
                           "again", o["warning"])
    expect(o["user"]["login"] == "sunli" and o["user"]["grants"] == [],
           o["user"])
    r = sh.add({"login": "sunli2", "name": "孙立", "role": "district"})
    expect(r.json["grant_error"]["message"] ==
           "a district grant needs a district", r.json["grant_error"])


@case("the users: every user by login with their grants, paged, with the "
      "total")
def _(sh):
    r = sh.admin.get("/api/v1/users")
    expect_status(r, 200)
    o = r.json
    logins = [u["login"] for u in o["items"]]
    expect(logins == sorted(logins, key=str.lower), logins)
    expect(o["total"] == len(logins) and o["page"] == 1 and
           o["size"] == 50, o)
    expect({"admin", "city", "lixia", "insp_d", "wangfang"} <= set(logins),
           logins)
    p2 = sh.admin.get("/api/v1/users?page=2&size=3").json
    expect([u["login"] for u in p2["items"]] == logins[3:6] and
           p2["total"] == o["total"] and p2["page"] == 2 and
           p2["size"] == 3, p2)
    expect_error(sh.admin.get("/api/v1/users?size=0"), 400, "bad_query",
                 "page must be 1 or more and size 1 to 500", "size")
    expect_error(sh.admin.get("/api/v1/users/99999"), 404, "not_found",
                 "no user 99999")
    expect_error(sh.admin.get("/api/v1/users/abc"), 404, "not_found",
                 "no such record: 'abc'")


@case("grants and revokes show in the user and in what the user can reach "
      "at the next request")
def _(sh):
    # A school's user first (a user without any grant cannot even
    # change the one-time password: the session routes admit roles).
    r = sh.add({"login": "zhoujie", "name": "周杰", "role": "school",
                "school": "2137010231"})
    sh.s.once["zhoujie"] = r.json["password"]
    uid = r.json["user"]["id"]
    first = r.json["user"]["grants"][0]["id"]
    me = sh.s.as_user("zhoujie", lang="en")
    expect_error(me.get("/api/v1/districts/370103"), 403, "forbidden",
                 FORBIDDEN)
    r = sh.admin.post("/api/v1/users/%d/grants" % uid,
                      {"role": "district", "district": "市中区"})
    expect_status(r, 201)
    gid = r.json["grant"]
    expect([(g["id"], g["role"], g["district"], g["school"]) for g in
            r.json["user"]["grants"]] ==
           [(first, "school", None, "2137010231"),
            (gid, "district", "370103", None)], r.json)
    got = sh.admin.get("/api/v1/users/%d" % uid).json
    expect([g["id"] for g in got["grants"]] == [first, gid], got)
    expect_status(me.get("/api/v1/districts/370103"), 200)
    expect_error(me.get("/api/v1/districts/370102"), 403, "forbidden",
                 "district '370102' is outside your scope")
    r = sh.admin.post("/api/v1/users/%d/grants" % uid,
                      {"role": "district", "district": "370103"})
    expect_error(r, 409, "conflict",
                 "user 'zhoujie' already holds this grant (grant %d)" % gid)
    expect_error(sh.admin.post("/api/v1/users/%d/grants" % uid, {}), 400,
                 "missing_field", "the field 'role' is required", "role")
    # a grant of another user, through this one: 404
    lixia = sh.user_id("lixia")
    other = sh.admin.get("/api/v1/users/%d" % lixia).json["grants"][0]["id"]
    expect_error(sh.admin.delete("/api/v1/users/%d/grants/%d"
                                 % (uid, other)), 404, "not_found",
                 "user 'zhoujie' holds no active grant %d" % other)
    r = sh.admin.delete("/api/v1/users/%d/grants/%d" % (uid, gid))
    expect_status(r, 200)
    expect([g["id"] for g in r.json["grants"]] == [first], r.json)
    expect_error(me.get("/api/v1/districts/370103"), 403, "forbidden",
                 FORBIDDEN)
    expect_error(sh.admin.delete("/api/v1/users/%d/grants/%d" % (uid, gid)),
                 404, "not_found",
                 "user 'zhoujie' holds no active grant %d" % gid)


@case("disabling a user ends their sessions at once; enabling lets them "
      "sign in again; no one disables their own account")
def _(sh):
    me = sh.s.as_user("dianliu", lang="en")
    expect_status(me.get("/api/v1/session"), 200)
    uid = sh.user_id("dianliu")
    r = sh.admin.post("/api/v1/users/%d/disable" % uid)
    expect_status(r, 200)
    expect(r.json["disabled"] is True, r.json)
    expect_error(me.get("/api/v1/session"), 401, "unauthorized", EXPIRED)
    c = sh.s.client(lang="en")
    expect_error(c.sign_in("dianliu", PASSWORD), 401, "unauthorized",
                 GENERIC)
    expect_error(sh.admin.post("/api/v1/users/%d/disable" % uid), 409,
                 "state", "user 'dianliu' is already disabled")
    r = sh.admin.post("/api/v1/users/%d/enable" % uid)
    expect_status(r, 200)
    expect(r.json["disabled"] is False, r.json)
    expect_status(c.sign_in("dianliu", PASSWORD), 200)
    expect_error(sh.admin.post("/api/v1/users/%d/disable"
                               % sh.user_id("admin")), 409, "state",
                 "you cannot disable your own account")


@case("five failed sign-ins lock an account; unlocking lets it sign in at "
      "once")
def _(sh):
    c = sh.s.client(lang="en")
    for _ in range(5):
        expect_error(c.sign_in("insp_d", "Wrong#Password1"), 401,
                     "unauthorized", GENERIC)
    uid = sh.user_id("insp_d")
    u = sh.admin.get("/api/v1/users/%d" % uid).json
    expect(u["locked"] is True and u["failed_logins"] == 5, u)
    expect_error(c.sign_in("insp_d", sh.s.once["insp_d"]), 401,
                 "unauthorized", GENERIC)
    r = sh.admin.post("/api/v1/users/%d/unlock" % uid)
    expect_status(r, 200)
    expect(r.json["locked"] is False and r.json["failed_logins"] == 0,
           r.json)
    r = c.sign_in("insp_d", sh.s.once["insp_d"])
    expect_status(r, 200)
    expect(r.json["stage"] == "password", r.json)
    expect_error(sh.admin.post("/api/v1/users/%d/unlock" % uid), 409,
                 "state", "user 'insp_d' is not locked")


@case("a password reset: a new one-time password, once; the user's "
      "sessions end and the next sign-in must change it")
def _(sh):
    me = sh.s.as_user("shizhong", lang="en")
    expect_status(me.get("/api/v1/session"), 200)
    uid = sh.user_id("shizhong")
    r = sh.admin.post("/api/v1/users/%d/password" % uid)
    expect_status(r, 200)
    pw = r.json["password"]
    sh.passwords.append(pw)
    expect(re.fullmatch(r"[A-Za-z2-9]{16}", pw), pw)
    expect(r.json["user"]["must_change"] is True, r.json["user"])
    no_secrets(r)
    expect_error(me.get("/api/v1/session"), 401, "unauthorized", EXPIRED)
    c = sh.s.client(lang="en")
    r = c.sign_in("shizhong", pw)
    expect_status(r, 200)
    expect(r.json["stage"] == "password", r.json)
    expect_error(sh.admin.post("/api/v1/users/99999/password"), 404,
                 "not_found", "no user 99999")


@case("PATCH changes the name, unit and phone; an empty unit clears it")
def _(sh):
    uid = sh.user_id("wangfang")
    r = sh.admin.patch("/api/v1/users/%d" % uid,
                       {"name": "王芳芳", "phone": "13800000000"})
    expect_status(r, 200)
    expect(r.json["name"] == "王芳芳" and r.json["phone"] == "13800000000"
           and r.json["unit"] == "市中区教体局", r.json)
    r = sh.admin.patch("/api/v1/users/%d" % uid, {"unit": ""})
    expect(r.json["unit"] is None, r.json)
    expect_error(sh.admin.patch("/api/v1/users/%d" % uid, {}), 422,
                 "invalid", "nothing to change (give a name, a unit or a "
                            "phone number)")
    expect_error(sh.admin.patch("/api/v1/users/%d" % uid, {"name": " "}),
                 422, "invalid", "the name is required", "name")
    expect_error(sh.admin.patch("/api/v1/users/%d" % uid, {"phone": 5}),
                 400, "bad_field", "the field 'phone' must be a string",
                 "phone")


@case("removing a user's second factor: totp false, their sessions end")
def _(sh):
    me = sh.s.as_user("lixia2", lang="en")
    e = me.post("/api/v1/session/totp/enroll")
    expect_status(e, 200)
    r = me.post("/api/v1/session/totp/confirm",
                {"code": totp(e.json["secret"])})
    expect_status(r, 200)
    uid = sh.user_id("lixia2")
    expect(sh.admin.get("/api/v1/users/%d" % uid).json["totp"] is True,
           "enrolled")
    r = sh.admin.post("/api/v1/users/%d/totp-reset" % uid)
    expect_status(r, 200)
    expect(r.json["totp"] is False, r.json)
    no_secrets(r)
    expect_error(me.get("/api/v1/session"), 401, "unauthorized", EXPIRED)
    expect_error(sh.admin.post("/api/v1/users/%d/totp-reset" % uid), 409,
                 "state", "user 'lixia2' has no second factor")


@case("the security log: sign-ins, failures, grants and account changes, "
      "newest first, filtered and paged with the total")
def _(sh):
    def log(query):
        r = sh.admin.get("/api/v1/security-log?" + query)
        expect_status(r, 200)
        return r.json

    o = log("action=login_failed")
    expect(o["total"] >= 7 and len(o["items"]) == o["total"], o)
    expect(all(e["action"] == "login_failed" for e in o["items"]), o)
    ids = [e["id"] for e in o["items"]]
    expect(ids == sorted(ids, reverse=True), ids)
    mine = [e for e in o["items"] if e["login"] == "insp_d"]
    expect(len(mine) >= 5 and mine[0]["source"] == "127.0.0.1", mine)
    o = log("user=insp_d&action=user_unlocked")
    expect(o["total"] == 1 and o["items"][0]["actor_name"] == "系统管理员"
           and o["items"][0]["target_login"] == "insp_d", o)
    uid = sh.user_id("zhoujie")
    o = log("user=%d&action=grant_added" % uid)
    expect(o["total"] == 2 and [e["detail"] for e in o["items"]] ==
           ["role district, district 370103",
            "role school, school 2137010231"] and
           all(e["grant"] and e["actor_name"] == "系统管理员" and
               e["target_login"] == "zhoujie" for e in o["items"]), o)
    expect(log("user=zhoujie&action=grant_revoked")["total"] == 1, "revoke")
    for action in ("login", "user_added", "user_disabled", "user_enabled",
                   "password_reset", "user_updated", "totp_reset"):
        expect(log("action=" + action)["total"] >= 1, action)
    everything = log("size=500")
    p = log("size=2&page=2")
    expect(p["total"] == everything["total"] and p["page"] == 2 and
           p["size"] == 2 and [e["id"] for e in p["items"]] ==
           [e["id"] for e in everything["items"][2:4]], p)
    expect(log("since=2000-01-01&until=2000-12-31")["total"] == 0, "range")
    # The bureau's ways of writing a date name the same days.
    expect(log("since=2000/1/1&until=" + urllib.parse.quote("2000年12月31日"))
           ["total"] == 0, "range in Chinese")
    expect(log("until=2999.12.31&size=500")["total"] ==
           log("size=500")["total"], "until")
    text = sh.admin.get("/api/v1/security-log?size=500").body.decode()
    for pw in sh.passwords:
        expect(pw not in text, "a one-time password in the log")
    expect_error(sh.admin.get("/api/v1/security-log?since=yesterday"), 400,
                 "bad_query", "since must be a date (2026-12-31, 2026/12/31, "
                              "2026.12.31 or 2026年12月31日), not "
                              "'yesterday'", "since")
    expect_error(sh.admin.get("/api/v1/security-log?user=nobody"), 400,
                 "bad_query", "no user 'nobody'", "user")


@case("the administrator gets 403 on the city's figures, workbooks, "
      "indicator systems and audit; the districts list is open to it")
def _(sh):
    q = urllib.parse.quote
    for method, path in (("GET", "/api/v1/dashboard"),
                         ("GET", "/api/v1/districts/370102"),
                         ("GET", "/api/v1/districts/" + q("历下区")),
                         ("GET", "/api/v1/reports/city"),
                         ("GET", "/api/v1/reports/districts/370102"),
                         ("GET", "/api/v1/systems"),
                         ("GET", "/api/v1/systems/primary/2026.1"),
                         ("POST", "/api/v1/systems"),
                         ("GET", "/api/v1/audit")):
        r = sh.admin.request(method, path, raw=b"<system/>"
                             if method == "POST" else None)
        expect_error(r, 403, "forbidden", FORBIDDEN)
    r = sh.admin.get("/api/v1/districts")
    expect_status(r, 200)
    expect(r.json["total"] == 16, r.json)


@case("no one but the administrator reaches users or the security log")
def _(sh):
    for login in ("lixia", "yanxiang", "insp"):
        c = sh.s.as_user(login, lang="en")
        for method, path in (("GET", "/api/v1/users"),
                             ("GET", "/api/v1/users/1"),
                             ("POST", "/api/v1/users"),
                             ("POST", "/api/v1/users/1/disable"),
                             ("DELETE", "/api/v1/users/1/grants/1"),
                             ("GET", "/api/v1/security-log")):
            r = c.request(method, path, body={"login": "x", "name": "x"}
                          if path == "/api/v1/users" and method == "POST"
                          else None)
            expect_error(r, 403, "forbidden", FORBIDDEN)


run(Shared)
