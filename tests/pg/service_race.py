"""service_race.py - the race of tests/pg/test_concurrency.sh through the
service: one `schoolrisk serve` on a PostgreSQL database, eight clients
(threads, each its own connection) posting the same step of one hazard
at once.  Exactly one gets 200; the other seven get 409 with the code
"state" and the state check's message, never a 500.  Before the row
locks (sr_hzdb_lock) the losers got 500 "internal".

    python3 tests/pg/service_race.py /path/to/schoolrisk SRC URI

URI: a fresh, empty PostgreSQL database (tests/pg/newdb.sh).  Uses the
service tests' harness (tests/web/srweb.py).  Not named test_*: ctest
runs it from test_concurrency.sh.
"""

import os
import re
import sys
import tempfile
import threading

BIN, SRC, URI = sys.argv[1:4]
sys.argv = [sys.argv[0], BIN, SRC]
sys.path.insert(0, os.path.join(SRC, "tests", "web"))
import srweb  # noqa: E402 - needs sys.argv set first
from srweb import case, expect  # noqa: E402

RACERS = 8
USERS = [u for u in srweb.USERS if u[0] in ("lixia", "lixia2")]


class PgServer(srweb.Server):
    """srweb.Server on the PostgreSQL database URI instead of a file."""

    def __init__(self, uri):  # pylint: disable=super-init-not-called
        self.dir = tempfile.mkdtemp(prefix="sr-pgrace-")
        self.db = uri
        self.env = dict(srweb.ENV)
        self.extra = []
        self.proc = None
        self.port = None
        self.once = {}
        self.secrets = {}
        self.sessions = {}
        self.cli("init")
        path = os.path.join(self.dir, "registry.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(srweb.REGISTRY)
        self.cli("schools", "import", path)
        for login, name, role, district, _ in USERS:
            out = self.cli("users", "add", login, "--name", name, "--role",
                           role, "--district", district)
            self.once[login] = re.search(r"one-time password: (\S+)",
                                         out).group(1)
        self.start()


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
    srv = PgServer(URI)
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


srweb.run(setup)
