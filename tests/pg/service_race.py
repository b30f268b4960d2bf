"""service_race.py - the race of tests/pg/test_concurrency.sh through the
service: one `schoolrisk serve` on a PostgreSQL database, eight clients
(threads, each its own connection) posting the same step of one hazard
at once.  Exactly one gets 200; the other seven get 409 with the code
"state" and the state check's message, never a 500.  Before the row
locks (sr_hzdb_lock) the losers got 500 "internal".  And two wrong
passwords for one user at once are both counted (the user's row locked
before the count is read, sr_audb_failures): before, both could read
the same count, and parallel guesses were counted once.

    python3 tests/pg/service_race.py /path/to/schoolrisk SRC URI

URI: a fresh, empty PostgreSQL database (tests/pg/newdb.sh).  Uses the
service tests' harness (tests/web/srweb.py).  Not named test_*: ctest
runs it from test_concurrency.sh.
"""

import os
import re
import subprocess
import sys
import threading
import time

BIN, SRC, URI = sys.argv[1:4]
sys.argv = [sys.argv[0], BIN, SRC]
sys.path.insert(0, os.path.join(SRC, "tests", "web"))
import srweb  # noqa: E402 - needs sys.argv set first
from srweb import case, expect  # noqa: E402

RACERS = 8
USERS = [u for u in srweb.USERS if u[0] in ("lixia", "lixia2")]


def race(srv, login, path, body):
    """RACERS clients of login post body to path at once: their
    responses."""
    first = srv.as_user(login)
    clients = []
    for _ in range(RACERS):
        c = srv.client("en")
        c.cookie, c.csrf = first.cookie, first.csrf
        clients.append(c)
    out = [None] * RACERS
    go = threading.Barrier(RACERS)

    def one(i):
        go.wait()
        out[i] = clients[i].post(path, body)

    threads = [threading.Thread(target=one, args=(i,))
               for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def one_wins(rs, message):
    won = [r for r in rs if r.status == 200]
    lost = [r for r in rs if r.status != 200]
    expect(len(won) == 1, "%d of %d won: %s"
           % (len(won), RACERS, [r.status for r in rs]))
    for r in lost:
        expect(r.status == 409 and r.json["error"]["code"] == "state"
               and message in r.json["error"]["message"],
               "a loser got %d %s (of %s)"
               % (r.status, r.body[:120].decode(errors="replace"),
                  [x.status for x in rs]))


def setup():
    srv = srweb.Server(users=USERS, db=URI)
    out = srv.cli("hazard", "add", "--school", "2137010231", "--level",
                  "general", "--description", "消防通道堆放杂物")
    hid = int(re.search(r"hazard (\d+)", out).group(1))
    srv.cli("hazard", "assign", str(hid), "--responsible", "王建国",
            "--deadline", "2099-06-30")
    srv.hid = hid
    return srv


@case("%d clients submit the same hazard's rectification at once: one 200, "
      "the rest 409 'state'" % RACERS)
def submit_race(srv):
    rs = race(srv, "lixia", "/api/v1/hazards/%d/submit" % srv.hid,
              {"note": "已清理"})
    one_wins(rs, "hazard %d is submitted" % srv.hid)


@case("%d clients verify it at once: one 200, the rest 409 'state'"
      % RACERS)
def verify_race(srv):
    rs = race(srv, "lixia2", "/api/v1/hazards/%d/verify" % srv.hid,
              {"note": "复查通过"})
    one_wins(rs, "hazard %d is closed" % srv.hid)
    r = srv.as_user("lixia").get("/api/v1/hazards/%d" % srv.hid)
    expect(r.status == 200, "GET: %r" % (r,))


def psql(*args, **kw):
    path = os.path.join(os.environ.get("SR_PG_BINDIR",
                                       "/usr/lib/postgresql/15/bin"), "psql")
    return subprocess.run([path, "-X", "-q", "-At", "-d", URI] + list(args),
                          capture_output=True, text=True, check=True,
                          **kw).stdout.strip()


# Sign-ins run Argon2id on the service's pool of two threads (slow.c):
# two at once is as many as overlap.
GUESSERS = 2


@case("%d wrong passwords for one user at once: both counted" % GUESSERS)
def failures_race(srv):
    srv.cli("users", "add", "guessed", "--name", "被猜密码", "--role",
            "district", "--district", "历下区")
    # The user's row held by another transaction until both sign-ins
    # wait for it, so that they overlap: before the row lock each read
    # the count 0 before waiting, and both wrote 1.
    holder = subprocess.Popen(
        [os.path.join(os.environ.get("SR_PG_BINDIR",
                                     "/usr/lib/postgresql/15/bin"), "psql"),
         "-X", "-q", "-d", URI], stdin=subprocess.PIPE, text=True,
        stdout=subprocess.DEVNULL)
    holder.stdin.write("BEGIN; UPDATE schoolrisk.users SET failed_logins = "
                       "failed_logins WHERE login = 'guessed';\n")
    holder.stdin.flush()
    clients = [srv.client("en") for _ in range(GUESSERS)]
    out = [None] * GUESSERS

    def one(i):
        out[i] = clients[i].sign_in("guessed", "Wrong#Guess%d" % i)

    threads = [threading.Thread(target=one, args=(i,))
               for i in range(GUESSERS)]
    for t in threads:
        t.start()
    waiting = "0"
    for _ in range(300):
        waiting = psql("-c", "SELECT count(*) FROM pg_stat_activity WHERE "
                       "wait_event_type = 'Lock' AND datname = "
                       "current_database()")
        if waiting == str(GUESSERS):
            break
        time.sleep(0.1)
    holder.stdin.write("COMMIT;\n")
    holder.stdin.close()
    holder.wait()
    for t in threads:
        t.join()
    expect(waiting == str(GUESSERS),
           "%s of %d sign-ins waited for the row" % (waiting, GUESSERS))
    expect(all(r.status == 401 for r in out),
           "statuses %s" % [r.status for r in out])
    row = psql("-c", "SELECT failed_logins, locked_until > 0, (SELECT "
               "count(*) FROM schoolrisk.security_events e WHERE e.action "
               "= 'login_failed' AND e.login = 'guessed') FROM "
               "schoolrisk.users WHERE login = 'guessed'")
    expect(row == "%d|f|%d" % (GUESSERS, GUESSERS),
           "failed_logins|locked|events: %r" % row)


srweb.run(setup)
