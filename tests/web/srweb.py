"""srweb.py - the harness of the service tests (tests/web/test_*.py).

Each test script is run by ctest as

    /usr/bin/python3 tests/web/test_X.py /path/to/schoolrisk /path/to/source

and uses only the standard library.  A test builds a fresh database
through the real CLI (init, a registry of schools in three districts, one
user per role), starts the real server on a free loopback port
(`schoolrisk serve --listen 127.0.0.1:0`), and drives it over HTTP as a
browser would: a cookie jar per user, the CSRF token echoed on writes,
the Origin header set.  Users whose role needs a second factor (admin,
city) enrol one on their first sign-in; the harness computes the TOTP
codes (RFC 6238) from the secret the server hands out, like an
authenticator app would.

A case is a function decorated with @case; run() calls them in order and
prints "ok   title" or "FAIL title: reason", then "N passed, M failed",
and exits non-zero when anything failed.

The store: with SR_TEST_STORE=pg (ctest's pgweb_* registrations) each
Server works on a fresh PostgreSQL database of the test cluster named by
SR_TEST_PG (tests/pg/newdb.sh), dropped again at close(), instead of a
SQLite file; without SR_TEST_PG the test is skipped (exit 77), or fails
when CI=true.  Server.sql() runs raw SQL on either store, for the cases
that inspect or tamper with the database behind the program's back.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
SRC = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
if not BIN or not SRC:
    sys.exit("usage: %s /path/to/schoolrisk /path/to/source-tree"
             % sys.argv[0])

ENV = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="",
           SCHOOLRISK_INDICATORS=os.path.join(SRC, "indicators"),
           PYTHONDONTWRITEBYTECODE="1")
ENV.pop("SCHOOLRISK_DB", None)
ENV.pop("SCHOOLRISK_CLOCK", None)

# The store the tests run on: "sqlite" (a file per Server) or "pg" (a
# database per Server on the cluster of $SR_TEST_PG).
STORE = os.environ.get("SR_TEST_STORE") or "sqlite"
if STORE not in ("sqlite", "pg"):
    sys.exit("SR_TEST_STORE=%s: expected sqlite or pg" % STORE)
if STORE == "pg" and not os.environ.get("SR_TEST_PG"):
    CI = os.environ.get("CI") == "true"
    print("%s: SR_TEST_STORE=pg but SR_TEST_PG is not set: no PostgreSQL "
          "test cluster (scripts/pg-cluster.sh)" % ("FAIL" if CI else "SKIP"),
          flush=True)
    sys.exit(1 if CI else 77)
PSQL = os.path.join(os.environ.get("SR_PG_BINDIR")
                    or "/usr/lib/postgresql/15/bin", "psql")

# The registry every test starts from: schools in 历下区 (370102),
# 市中区 (370103) and 莱芜区 (370116).
REGISTRY = """学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话
2137010231,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,否,1860,0,6,王建国,0531-86010231
2137010232,济南市历下区甸柳第一小学,历下区,小学,公办,城区,否,否,是,否,否,980,0,2,赵敏,0531-86010232
2137010301,济南市市中区舜耕中学,市中区,初中,公办,城区,否,否,是,是,否,1320,0,4,孙立,0531-82010301
2137163308,济南市莱芜区茶业口镇中心中学,莱芜区,初中,公办,乡村,是,是,是,是,否,620,410,3,李红梅,0634-6163308
"""

# One user per role, with the scope the tests rely on.
USERS = [
    # login, name, role, --district, --school
    ("admin", "系统管理员", "admin", None, None),
    ("city", "市局安全处", "city", None, None),
    ("lixia", "历下区教体局", "district", "历下区", None),
    ("lixia2", "历下区复查员", "district", "历下区", None),
    ("shizhong", "市中区教体局", "district", "市中区", None),
    ("yanxiang", "燕翔小学安全员", "school", None, "2137010231"),
    ("dianliu", "甸柳一小安全员", "school", None, "2137010232"),
    ("insp", "张检查员", "inspector", None, "2137010231"),
    ("insp_d", "李检查员", "inspector", "莱芜区", None),
]

TOTP_ROLES = ("admin", "city")

# The password every test user ends up with after the first sign-in.
PASSWORD = "Anquan#2026Jinan"


def totp(secret_b32, when=None, step=0):
    """The RFC 6238 code of a base32 secret (SHA-1, 6 digits, 30 s)."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if when is None else when) // 30) + step
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 15
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % code


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def error(self):
        """The error object of an error response."""
        return self.json["error"]

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300])


class Client:
    """One browser: a cookie, the CSRF token, the site's Origin."""

    def __init__(self, server, lang="zh-CN"):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.lang = lang

    @property
    def origin(self):
        # The server may have been restarted on another port.
        return "http://127.0.0.1:%d" % self.server.port

    def request(self, method, path, body=None, headers=None, csrf=True,
                origin=True, raw=None, content_type=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                          timeout=60)
        h = {"Accept-Language": self.lang}
        data = None
        if raw is not None:
            data = raw
            h["Content-Type"] = content_type or "application/octet-stream"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            h["Content-Type"] = "application/json"
        if self.cookie:
            h["Cookie"] = "sr_session=" + self.cookie
        if origin and method not in ("GET", "HEAD"):
            h["Origin"] = self.origin
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if headers:
            h.update(headers)
        # Non-ASCII path parts (历下区) travel percent-encoded.
        path = urllib.parse.quote(path, safe="/?=&%:@,;+")
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        got = Response(resp.status, resp.getheaders(), resp.read())
        conn.close()
        for v in got.headers_all("Set-Cookie"):
            m = re.match(r"sr_session=([^;]*)", v)
            if m:
                self.cookie = m.group(1) or None
        return got

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def sign_in(self, login, password):
        """POST /session; keeps the CSRF token.  Returns the response."""
        r = self.post("/api/v1/session", {"login": login,
                                          "password": password})
        if r.status == 200:
            self.csrf = r.json["csrf"]
        return r


def pg_name():
    """A database name of its own for each Server: tests run side by side
    (ctest -j), and one test may start several servers."""
    pg_name.n = getattr(pg_name, "n", -1) + 1
    test = re.sub(r"[^a-z0-9_]", "_",
                  os.path.splitext(os.path.basename(sys.argv[0]))[0].lower())
    return "w_%s_%d_%d" % (test[:40], os.getpid(), pg_name.n)


def psql(db, text, variables=()):
    """Run SQL text through psql on the database URI db, stopping at the
    first error; returns psql's unaligned, tuples-only output.  The text
    goes on stdin, where psql interpolates :'pN' (it does not in -c)."""
    args = [PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-d", db, "-f", "-"]
    for name, value in variables:
        args[1:1] = ["-v", "%s=%s" % (name, value)]
    p = subprocess.run(args, input=text, capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError("psql: %s\n%s" % (p.stderr.strip(), text))
    return p.stdout


class Server:
    """A fresh database and a server on a free loopback port."""

    def __init__(self, extra_args=(), registry=REGISTRY, users=USERS,
                 env=None, db=None, init=True):
        """db: a database of the caller's (a PostgreSQL URI) instead of
        a fresh one; close() leaves it.  init=False: its schema is made
        already (by its owner, the server's role being another)."""
        self.dir = tempfile.mkdtemp(prefix="sr-web-")
        self.pg = None
        if db is not None:
            self.db = db
        elif STORE == "pg":
            self.pg = pg_name()
            p = subprocess.run([os.path.join(SRC, "tests", "pg",
                                              "newdb.sh"), self.pg],
                               capture_output=True, text=True)
            if p.returncode != 0:
                raise AssertionError("tests/pg/newdb.sh %s: %s"
                                     % (self.pg, p.stderr))
            self.db = p.stdout.strip()
        else:
            self.db = os.path.join(self.dir, "t.db")
        self.env = dict(ENV, **(env or {}))
        self.extra = list(extra_args)
        self.proc = None
        self.port = None
        self.once = {}       # login -> one-time password
        self.secrets = {}    # login -> TOTP secret
        if init:
            self.cli("init")
        path = os.path.join(self.dir, "registry.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(registry)
        self.cli("schools", "import", path)
        for login, name, role, district, school in users:
            args = ["users", "add", login, "--name", name, "--role", role]
            if district:
                args += ["--district", district]
            if school:
                args += ["--school", school]
            out = self.cli(*args)
            m = re.search(r"one-time password: (\S+)", out)
            self.once[login] = m.group(1)
        self.sessions = {}
        self.start()

    def cli(self, *args, check=True):
        """Run the CLI on this database (options may follow operands:
        getopt permutes them)."""
        p = subprocess.run([BIN] + list(args) + ["--db", self.db],
                           env=self.env, capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError("schoolrisk %s: exit %d: %s"
                                 % (" ".join(args), p.returncode, p.stderr))
        return p.stdout if check else p

    def start(self):
        # The server's stderr goes to a file (kept across restarts), so
        # that close() can look for sanitizer reports in it.
        self.stderr_path = os.path.join(self.dir, "server.stderr")
        with open(self.stderr_path, "a") as err:
            self.proc = subprocess.Popen(
                [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
                 "--evidence-dir", os.path.join(self.dir, "evidence")]
                + self.extra,
                env=self.env, stdout=subprocess.PIPE, stderr=err,
                text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.wait()
            with open(self.stderr_path, errors="replace") as f:
                err = f.read()
            raise AssertionError("the server did not start: %r %s"
                                 % (line, err))
        self.port = int(m.group(1))

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def restart(self, extra_args=None, env=None):
        self.stop()
        if extra_args is not None:
            self.extra = list(extra_args)
        if env is not None:
            self.env = dict(ENV, **env)
        self.sessions = {}
        self.start()

    def sql(self, text, *params):
        """Run one SQL statement on the database behind the program's
        back (sqlite3 on SQLite, psql on PostgreSQL) and commit it; each
        ? marks a parameter (so no ? may stand in a literal).  Returns
        the rows as tuples (none for a statement that returns none),
        integers as int and NULL as None on both stores."""
        if self.pg is None:
            con = sqlite3.connect(self.db)
            try:
                rows = con.execute(text, params).fetchall()
                con.commit()
            finally:
                con.close()
            return rows
        parts = text.split("?")
        if len(parts) != len(params) + 1:
            raise AssertionError("%d parameters for %r" % (len(params),
                                                           text))
        body, variables = parts[0], []
        for i, (value, part) in enumerate(zip(params, parts[1:])):
            if value is None:
                body += "NULL" + part
            else:
                body += ":'p%d'" % i + part
                variables.append(("p%d" % i, str(value)))
        # The tables are in the schema schoolrisk, first on the path as
        # on the program's own connections (schema_pg.sql).
        path = "SET search_path = schoolrisk, pg_catalog;\n"
        if re.match(r"\s*(SELECT|WITH)\b", text, re.I):
            # The rows as a JSON array of objects, read back as lists of
            # (column, value) pairs: the columns in their order, types
            # kept, names (count, count) free to repeat.
            out = psql(self.db, path + "SELECT coalesce(json_agg("
                       "row_to_json(q)), '[]') FROM (%s) AS q;\n" % body,
                       variables)
            rows = json.loads(out, object_pairs_hook=list)
            return [tuple(v for _, v in r) for r in rows]
        psql(self.db, path + body + ";\n", variables)
        return []

    def close(self):
        """Stop the server and remove the directory (and the PostgreSQL
        database); fails loudly when the server's stderr holds a
        sanitizer report."""
        self.stop()
        err = ""
        if os.path.exists(getattr(self, "stderr_path", "")):
            with open(self.stderr_path, errors="replace") as f:
                err = f.read()
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.pg is not None:
            psql(os.environ["SR_TEST_PG"],
                 "SET client_min_messages = warning;\n"
                 "DROP DATABASE IF EXISTS %s WITH (FORCE);\n" % self.pg)
            self.pg = None
        if "ERROR: AddressSanitizer" in err or "runtime error:" in err \
                or "ERROR: LeakSanitizer" in err:
            sys.stderr.write(err)
            raise AssertionError("the server's stderr has a sanitizer "
                                 "report (above)")

    def client(self, lang="zh-CN"):
        return Client(self, lang)

    def as_user(self, login, lang="zh-CN"):
        """A client signed in as login with a full session, taking the
        first sign-in's steps (second factor, new password) when needed.
        Sessions are kept per login, since a TOTP code is accepted only
        once."""
        if login in self.sessions:
            c = self.client(lang)
            c.cookie, c.csrf = self.sessions[login]
            return c
        c = self.client(lang)
        password = PASSWORD if login not in self.once else self.once[login]
        r = c.sign_in(login, password)
        if r.status != 200:
            raise AssertionError("sign-in of %s: %r" % (login, r))
        stage = r.json["stage"]
        for _ in range(4):
            if stage == "full":
                break
            if stage == "enroll":
                e = c.post("/api/v1/session/totp/enroll")
                assert e.status == 200, e
                self.secrets[login] = e.json["secret"]
                r = c.post("/api/v1/session/totp/confirm",
                           {"code": self.fresh_code(login)})
                assert r.status == 200, r
            elif stage == "totp":
                r = c.post("/api/v1/session/totp",
                           {"code": self.fresh_code(login)})
                assert r.status == 200, r
            elif stage == "password":
                r = c.post("/api/v1/session/password",
                           {"old": password, "password": PASSWORD})
                assert r.status == 200, r
                self.once.pop(login, None)
                password = PASSWORD
                r = c.sign_in(login, password)
                assert r.status == 200, r
            stage = r.json["stage"]
        assert stage == "full", stage
        self.sessions[login] = (c.cookie, c.csrf)
        return c

    def fresh_code(self, login):
        """A TOTP code not used yet.  The server takes a code once per
        30 s step, within one step of drift: after a step was used the
        next one is taken early (as a phone a little ahead would), else
        this waits for a step not used yet (tests/browser/lib.mjs's
        enterCode does the same)."""
        last = getattr(self, "_last_step", {})
        self._last_step = last
        step = max(int(time.time() // 30), last.get(login, -1) + 1)
        while step > int(time.time() // 30) + 1:
            time.sleep(30 - time.time() % 30 + 0.2)
        last[login] = step
        return totp(self.secrets[login], when=step * 30)


# ------------------------------------------------------------------ cases

CASES = []


def case(title):
    def wrap(fn):
        CASES.append((title, fn))
        return fn
    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_status(r, status, what=""):
    if r.status != status:
        raise AssertionError("%sexpected HTTP %d, got %r"
                             % (what + ": " if what else "", status, r))


def expect_error(r, status, code, message=None, field=None):
    expect_status(r, status)
    e = r.error
    expect(e["code"] == code, "error code %r, expected %r" % (e["code"], code))
    if message is not None:
        expect(e["message"] == message,
               "message %r, expected %r" % (e["message"], message))
    if field is not None:
        expect(e.get("field") == field,
               "field %r, expected %r" % (e.get("field"), field))


def run(setup=None):
    """Run every @case; setup() (if given) builds what the cases share
    and is passed to each."""
    passed = failed = 0
    shared = setup() if setup else None
    try:
        for title, fn in CASES:
            try:
                fn(shared) if setup else fn()
                passed += 1
                print("ok   %s" % title, flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure
                failed += 1
                print("FAIL %s: %s" % (title, e), flush=True)
                traceback.print_exc(file=sys.stderr)
    finally:
        if shared is not None and hasattr(shared, "close"):
            shared.close()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
