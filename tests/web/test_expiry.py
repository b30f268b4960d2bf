"""Session expiry against the real server with a pinned clock
(SCHOOLRISK_CLOCK): a session ends after --session-idle minutes without
a request, and after --session-max hours whatever the activity; an
expired session is 401 and the next sign-in works.  Also: SIGTERM lets a
request in flight finish."""

import calendar
import signal
import threading
import time

from srweb import PASSWORD, Server, case, expect, expect_error, \
    expect_status, run

T0 = calendar.timegm((2026, 11, 2, 1, 0, 0, 0, 0, 0))  # 09:00 in Jinan


def clock(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Shared:
    def __init__(self):
        self.s = Server(extra_args=["--session-idle", "30",
                                    "--session-max", "1"],
                        env={"SCHOOLRISK_CLOCK": clock(T0)})

    def at(self, t):
        """Restart the server with its clock at t."""
        self.s.restart(env={"SCHOOLRISK_CLOCK": clock(t)})

    def close(self):
        self.s.close()


def signed_in(sh):
    c = sh.s.client(lang="en")
    password = sh.s.once.get("lixia", PASSWORD)
    r = c.sign_in("lixia", password)
    expect_status(r, 200)
    if r.json["stage"] == "password":
        expect_status(c.post("/api/v1/session/password",
                             {"old": password, "password": PASSWORD}), 200)
        sh.s.once.pop("lixia", None)
        r = c.sign_in("lixia", PASSWORD)
    expect(r.json["stage"] == "full", r.json)
    return c


@case("idle for 29 minutes: still signed in; for 31 minutes: 401")
def _(sh):
    sh.at(T0)
    c = signed_in(sh)
    sh.at(T0 + 29 * 60)
    expect_status(c.get("/api/v1/hazards"), 200)
    sh.at(T0 + 29 * 60 + 31 * 60)
    expect_error(c.get("/api/v1/hazards"), 401, "unauthorized",
                 "the session has expired; sign in again")
    c2 = signed_in(sh)
    expect_status(c2.get("/api/v1/hazards"), 200)


@case("active all along, the session still ends after --session-max")
def _(sh):
    sh.at(T0 + 10000)
    c = signed_in(sh)
    for minutes in (20, 40, 59):
        sh.at(T0 + 10000 + minutes * 60)
        expect_status(c.get("/api/v1/hazards"), 200,
                      "after %d minutes" % minutes)
    sh.at(T0 + 10000 + 61 * 60)
    expect_error(c.get("/api/v1/hazards"), 401, "unauthorized")


@case("SIGTERM: a request in flight is answered before the server stops")
def _(sh):
    sh.at(T0 + 20000)
    c = signed_in(sh)
    got = {}

    def slow():
        # A workbook takes long enough to be in flight at the signal.
        got["r"] = c.get("/api/v1/reports/districts/370102?period=2026Q4")

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.05)
    rc = sh.s.stop(signal.SIGTERM)
    t.join(timeout=60)
    expect(rc == 0, "exit status %r" % rc)
    r = got.get("r")
    expect(r is not None and r.status == 200 and
           r.body[:2] == b"PK", "the request in flight: %r" % r)
    sh.s.start()


run(Shared)
