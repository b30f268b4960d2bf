"""Signing in and out, the session's stages, CSRF, throttling, the
security headers and the static files, against the real server."""

import os
import signal
import time

from srweb import (PASSWORD, Server, case, expect, expect_error,
                   expect_status, run, totp)

GENERIC = "wrong login or password, or the account is locked"


class Shared:
    def __init__(self):
        self.web = os.path.join(self.tmp(), "web")
        os.makedirs(os.path.join(self.web, "assets"))
        with open(os.path.join(self.web, "index.html"), "w") as f:
            f.write("<!doctype html><title>学校安全</title>")
        with open(os.path.join(self.web, "assets", "app-3f2a1b.js"), "w") as f:
            f.write("console.log(1)")
        import gzip
        with gzip.open(os.path.join(self.web, "assets", "app-3f2a1b.js.gz"),
                       "wb") as f:
            f.write(b"console.log(1)")
        with open(os.path.join(self.tmp(), "secret.txt"), "w") as f:
            f.write("outside the web root")
        self.s = Server(extra_args=["--web", self.web])

    def tmp(self):
        if not hasattr(self, "_tmp"):
            import tempfile
            self._tmp = tempfile.mkdtemp(prefix="sr-web-static-")
        return self._tmp

    def close(self):
        self.s.close()
        import shutil
        shutil.rmtree(self._tmp, ignore_errors=True)


@case("health answers without a session, with every security header")
def _(sh):
    r = sh.s.client().get("/api/v1/health")
    expect_status(r, 200)
    expect(r.json == {"status": "ok", "schema": 13}, r.json)
    csp = r.header("Content-Security-Policy")
    expect(csp and "frame-ancestors 'none'" in csp, csp)
    expect(r.header("X-Content-Type-Options") == "nosniff", r.headers)
    expect(r.header("Referrer-Policy") == "same-origin", r.headers)
    expect(r.header("X-Frame-Options") == "DENY", r.headers)
    expect(r.header("Cache-Control") == "no-store", r.headers)


@case("a wrong password, an unknown login: the same 401 and message")
def _(sh):
    c = sh.s.client(lang="en")
    a = c.sign_in("lixia", "Wrong#Password1")
    b = c.sign_in("nobody", "Wrong#Password1")
    expect_error(a, 401, "unauthorized", GENERIC)
    expect_error(b, 401, "unauthorized", GENERIC)
    expect(c.cookie is None, "no cookie after a failure")


@case("a missing field is 400 naming it; malformed JSON names the place")
def _(sh):
    c = sh.s.client(lang="en")
    expect_error(c.post("/api/v1/session", {"login": "lixia"}), 400,
                 "missing_field", "the field 'password' is required",
                 "password")
    r = c.post("/api/v1/session", raw=b'{"login": "lixia",\n "password": }',
               content_type="application/json")
    expect_error(r, 400, "invalid_json",
                 "the request body is not valid JSON (line 2, column 14, "
                 "byte 33)")
    expect(r.error["line"] == 2, r.error)
    r = c.post("/api/v1/session", raw=b'["lixia"]',
               content_type="application/json")
    expect_error(r, 400, "invalid_json",
                 "the request body must be a JSON object")


@case("first sign-in: the one-time password leads to stage password, "
      "nothing else is allowed until it is changed")
def _(sh):
    c = sh.s.client(lang="en")
    r = c.sign_in("shizhong", sh.s.once["shizhong"])
    expect_status(r, 200)
    expect(r.json["stage"] == "password", r.json)
    cookie = c.headers_cookie = None
    set_cookie = r.header("Set-Cookie")
    expect("HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and
           "Path=/" in set_cookie and "Secure" not in set_cookie, set_cookie)
    expect_error(c.get("/api/v1/hazards"), 403, "stage",
                 "change your password first")
    me = c.get("/api/v1/session")
    expect_status(me, 200)
    expect(me.json["user"]["login"] == "shizhong" and
           me.json["roles"] == ["district"], me.json)
    expect("password" not in me.body.decode() or
           "password_set_at" in me.body.decode(), "no password in JSON")
    # too weak: the library's reason, 422, field password
    r = c.post("/api/v1/session/password",
               {"old": sh.s.once["shizhong"], "password": "short"})
    expect_error(r, 422, "invalid", field="password")
    r = c.post("/api/v1/session/password",
               {"old": sh.s.once["shizhong"], "password": PASSWORD})
    expect_status(r, 200)
    expect(c.cookie is None, "the password change ends the session")
    sh.s.once.pop("shizhong")
    r = c.sign_in("shizhong", PASSWORD)
    expect(r.json["stage"] == "full", r.json)
    expect_status(c.get("/api/v1/hazards"), 200)
    del cookie


@case("a user without any grant can still change the one-time password "
      "and sign out, and reaches nothing else")
def _(sh):
    import re
    out = sh.s.cli("users", "add", "nogrant", "--name", "未授权用户")
    once = re.search(r"one-time password: (\S+)", out).group(1)
    c = sh.s.client(lang="en")
    r = c.sign_in("nogrant", once)
    expect(r.json["stage"] == "password", r.json)
    expect_status(c.get("/api/v1/session"), 200)
    r = c.post("/api/v1/session/password",
               {"old": once, "password": PASSWORD})
    expect_status(r, 200)
    r = c.sign_in("nogrant", PASSWORD)
    expect(r.json["stage"] == "full", r.json)
    me = c.get("/api/v1/session").json
    expect(me["roles"] == [] and me["user"]["grants"] == [], me)
    expect_error(c.get("/api/v1/hazards"), 403, "forbidden",
                 "your role does not allow this")
    expect_status(c.delete("/api/v1/session"), 200)


@case("writes need the CSRF token and our Origin")
def _(sh):
    c = sh.s.as_user("lixia")
    body = {"school": "2137010231", "level": "general",
            "description": "东侧围墙有裂缝"}
    r = c.post("/api/v1/hazards", body, csrf=False)
    expect_error(r, 403, "csrf")
    r = c.post("/api/v1/hazards", body,
               headers={"Origin": "http://evil.example"})
    expect_error(r, 403, "csrf")
    r = c.post("/api/v1/hazards", body,
               headers={"X-CSRF-Token": "x" * 43})
    expect_error(r, 403, "csrf")
    r = c.post("/api/v1/hazards", body, origin=False,
               headers={"Referer": "http://evil.example/page"})
    expect_error(r, 403, "csrf")
    r = c.post("/api/v1/hazards", body)
    expect_status(r, 201)
    # a sign-in from another site's page is refused too
    expect_error(sh.s.client().post("/api/v1/session",
                                    {"login": "lixia", "password": "x"},
                                    headers={"Origin": "http://evil"}),
                 403, "csrf")


@case("no session: 401; a made-up cookie: 401")
def _(sh):
    c = sh.s.client(lang="en")
    expect_error(c.get("/api/v1/hazards"), 401, "unauthorized",
                 "sign in first")
    c.cookie = "A" * 43
    expect_error(c.get("/api/v1/hazards"), 401, "unauthorized",
                 "the session has expired; sign in again")


@case("logout ends the session and clears the cookie")
def _(sh):
    c = sh.s.client()
    r = c.sign_in("lixia", PASSWORD if "lixia" not in sh.s.once
                  else sh.s.once["lixia"])
    expect_status(r, 200)
    old = c.cookie
    r = c.delete("/api/v1/session")
    expect_status(r, 200)
    expect("Max-Age=0" in r.header("Set-Cookie"), r.header("Set-Cookie"))
    c.cookie = old
    expect_error(c.get("/api/v1/session"), 401, "unauthorized")


@case("admin and city must enrol a second factor; a wrong code fails")
def _(sh):
    c = sh.s.client(lang="en")
    r = c.sign_in("city", sh.s.once["city"])
    expect(r.json["stage"] == "enroll", r.json)
    expect_error(c.get("/api/v1/dashboard"), 403, "stage",
                 "complete the second sign-in step first")
    e = c.post("/api/v1/session/totp/enroll")
    expect_status(e, 200)
    expect(e.json["uri"].startswith("otpauth://totp/schoolrisk:city?"),
           e.json)
    secret = e.json["secret"]
    r = c.post("/api/v1/session/totp/confirm", {"code": "000000"
               if totp(secret) != "000000" else "111111"})
    expect_error(r, 401, "unauthorized")
    r = c.post("/api/v1/session/totp/confirm", {"code": totp(secret)})
    expect_status(r, 200)
    expect(r.json["stage"] == "password", r.json)
    sh.s.secrets["city"] = secret
    sh.s.fresh_code  # the harness takes it from here on
    sh.s._last_step = {"city": int(time.time() // 30)}


@case("the same TOTP code is accepted only once")
def _(sh):
    c = sh.s.as_user("city")   # enrols (done above), changes password
    expect_status(c.get("/api/v1/session"), 200)
    d = sh.s.client()
    r = d.sign_in("city", PASSWORD)
    expect(r.json["stage"] == "totp", r.json)
    # The code of the step the harness used last, while the server
    # would still take that step (within one of now).
    last = sh.s._last_step["city"]
    used = totp(sh.s.secrets["city"], when=last * 30)
    if abs(last - int(time.time() // 30)) <= 1:
        r = d.post("/api/v1/session/totp", {"code": used})
        expect_error(r, 401, "unauthorized")


@case("an address with many failed sign-ins is throttled (429)")
def _(sh):
    c = sh.s.client(lang="en")
    for i in range(20):
        c.sign_in("nobody%d" % i, "Wrong#Password1")
    r = c.sign_in("lixia", PASSWORD)
    expect_error(r, 429, "throttled",
                 "too many failed sign-ins from this address; try again in "
                 "15 minutes")


@case("static files: index.html no-cache, hashed assets immutable, "
      "JavaScript as text/javascript, traversal refused")
def _(sh):
    c = sh.s.client()
    r = c.get("/")
    expect_status(r, 200)
    expect(r.header("Cache-Control") == "no-cache", r.headers)
    expect(r.header("Content-Type") == "text/html; charset=utf-8", r.headers)
    expect("学校安全" in r.body.decode(), r.body)
    r = c.get("/assets/app-3f2a1b.js")
    expect(r.header("Content-Type") == "text/javascript; charset=utf-8",
           r.headers)
    expect(r.header("Cache-Control") ==
           "public, max-age=31536000, immutable", r.headers)
    expect(r.header("Content-Encoding") is None, r.headers)
    expect(r.body == b"console.log(1)", r.body)
    # A browser that accepts gzip gets the compressed copy.
    z = c.get("/assets/app-3f2a1b.js",
              headers={"Accept-Encoding": "gzip, deflate, br"})
    import gzip
    expect(z.header("Content-Encoding") == "gzip" and
           z.header("Vary") == "Accept-Encoding", z.headers)
    expect(gzip.decompress(z.body) == b"console.log(1)", z.body)
    expect(c.get("/assets/app-3f2a1b.js.gz").status == 404,
           "the .gz copy is not served under its own name")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt",
                 "/assets/../../secret.txt", "/.hidden", "/nope.html"):
        r = c.get(path)
        expect(r.status in (400, 404), "%s: %r" % (path, r))
        expect(b"outside the web root" not in r.body, path)
    expect_status(c.post("/index.html", raw=b"x"), 413)


@case("unknown API route 404, wrong method 405 with Allow")
def _(sh):
    c = sh.s.client(lang="en")
    expect_error(c.get("/api/v1/nothing"), 404, "not_found",
                 "no such API route")
    r = c.request("PUT", "/api/v1/health")
    expect_error(r, 405, "method_not_allowed")
    expect(r.header("Allow") == "GET", r.headers)


@case("a body over the route's cap is refused with 413 before it is read")
def _(sh):
    c = sh.s.client(lang="en")
    r = c.post("/api/v1/session", raw=b"{" + b" " * (20 << 10) + b"}",
               content_type="application/json")
    expect_error(r, 413, "too_large")
    expect_error(c.request("GET", "/api/v1/health", raw=b"abc"), 413,
                 "too_large")


@case("messages are Chinese unless Accept-Language prefers English")
def _(sh):
    zh = sh.s.client(lang="zh-CN,zh;q=0.9,en;q=0.8")
    r = zh.get("/api/v1/hazards")
    expect_error(r, 401, "unauthorized", "请先登录")
    en = sh.s.client(lang="en-US,en;q=0.9")
    expect_error(en.get("/api/v1/hazards"), 401, "unauthorized",
                 "sign in first")


@case("SIGTERM: the server stops cleanly (exit 0)")
def _(sh):
    rc = sh.s.stop(signal.SIGTERM)
    expect(rc == 0, "exit status %r" % rc)
    sh.s.start()


run(Shared)
