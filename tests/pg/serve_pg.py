"""serve_pg.py - the service on PostgreSQL, for tests/pg/test_roles.sh and
tests/pg/test_serve_replica.sh (not a test itself: its name does not
match test_*).

    python3 serve_pg.py BIN SRC roles DB
        DB: a URI naming the service's role (granted by `db grant`, the
        schema made by its owner).  The registry and the users go in
        through the CLI as that role; then `serve --db DB` and, over
        HTTP, an inspection submitted, a hazard through its loop
        (added, assigned, submitted, verified by another), the
        district's workbook and `audit verify`.

    python3 serve_pg.py BIN SRC replica DB READDB STANDBY_DIR OUT_DIR
        DB the primary, READDB its streaming standby (started by
        scripts/pg-cluster.sh in STANDBY_DIR).  The same work on DB, then
        `serve --db DB --read-db READDB --threads 1`: once the standby
        has replayed it, the district and city workbooks are downloaded
        into OUT_DIR (district.xlsx, city.xlsx), and `report` on the
        primary writes cli-district.xlsx and cli-city.xlsx there, for the
        caller to compare; then the standby is stopped and a
        download is 503 naming it, twice (a connection that breaks, then
        one that cannot be made), while reads and writes on DB go on.

Uses tests/web/srweb.py (the harness of the service tests) with a
PostgreSQL URI where it makes a SQLite file.
"""

import datetime
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "web"))

from srweb import (SRC, Server, case,  # noqa: E402
                   expect, expect_error, expect_status, run)
from srwork import full_answers  # noqa: E402

MODE = sys.argv[3]
DB = sys.argv[4]
PSQL = os.path.join(os.environ.get("SR_PG_BINDIR",
                                   "/usr/lib/postgresql/15/bin"), "psql")
YANXIANG = "2137010231"
# The period of every download: this year (the service's clock is the
# real one: the harness's second factor needs it).
YEAR = "%04d" % (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).year


class Shared:
    def __init__(self):
        extra = []
        if MODE == "replica":
            self.read_db, self.standby_dir, self.out = sys.argv[5:8]
            # One request thread: which connection a download uses is
            # then known (the second case).
            extra = ["--read-db", self.read_db, "--threads", "1"]
        # The schema is made by its owner; DB is the service's role.
        self.s = Server(extra, db=DB, init=False)
        self.insp = self.s.as_user("insp")
        self.lixia = self.s.as_user("lixia")
        self.lixia2 = self.s.as_user("lixia2")
        self.city = self.s.as_user("city")

    def close(self):
        self.s.close()


@case("an inspection made, answered and submitted through the service")
def _(sh):
    checklist = sh.insp.get("/api/v1/schools/%s/checklist" % YANXIANG).json
    r = sh.insp.post("/api/v1/assessments", {"school": YANXIANG})
    expect_status(r, 201)
    aid = r.json["assessment"]["id"]
    r = sh.insp.post("/api/v1/assessments/%d/answers" % aid,
                     {"answers": full_answers(checklist)})
    expect_status(r, 200)
    r = sh.insp.post("/api/v1/assessments/%d/submit" % aid)
    expect_status(r, 200)
    expect(r.json["assessment"]["status"] == "submitted", r.json)


@case("a hazard through its loop: added, assigned, submitted, verified by "
      "another")
def _(sh):
    r = sh.lixia.post("/api/v1/hazards", {
        "school": YANXIANG, "level": "general",
        "description": "消防通道堆放杂物"})
    expect_status(r, 201)
    h = r.json["hazard"]["id"]
    expect_status(sh.lixia.post("/api/v1/hazards/%d/assign" % h, {
        "responsible": "王建国", "deadline": "2099-12-31",
        "measures": "清理消防通道"}), 200)
    expect_status(sh.lixia.post("/api/v1/hazards/%d/submit" % h,
                                {"note": "已清理"}), 200)
    r = sh.lixia2.post("/api/v1/hazards/%d/verify" % h, {})
    expect_status(r, 200)
    expect(r.json["hazard"]["status"] == "closed", r.json["hazard"])


def wait_for_standby(sh):
    """Until the standby has replayed everything the primary wrote.

    The test cluster commits with synchronous_commit off: a commit's
    record may be inserted in the WAL and not yet written out, past
    pg_current_wal_lsn(), which the standby could then pass before the
    commit reached it (a district workbook from before the hazard was
    closed, under load).  The insert position counts every commit."""
    lsn = subprocess.run([PSQL, "-X", "-At", "-d", DB, "-c",
                          "SELECT pg_current_wal_insert_lsn()"],
                         capture_output=True, text=True,
                         check=True).stdout.strip()
    for _ in range(100):
        done = subprocess.run(
            [PSQL, "-X", "-At", "-d", sh.read_db, "-c",
             "SELECT pg_last_wal_replay_lsn() >= '%s'" % lsn],
            capture_output=True, text=True).stdout.strip()
        if done == "t":
            return
        time.sleep(0.1)
    raise AssertionError("the standby did not catch up in 10 s")


if MODE == "roles":
    @case("the district's workbook downloaded")
    def _(sh):
        r = sh.lixia.get("/api/v1/reports/districts/370102?period=" + YEAR)
        expect_status(r, 200)
        expect(r.body[:2] == b"PK", r)

    @case("audit verify: the chain intact")
    def _(sh):
        r = sh.city.get("/api/v1/audit")
        expect_status(r, 200)
        expect(r.json["ok"] is True and r.json["problem"] is None and
               r.json["records"] > 10, r.json)

else:
    @case("the workbooks downloaded from the standby (--read-db)")
    def _(sh):
        wait_for_standby(sh)
        for path, name in (("/api/v1/reports/districts/370102?period=", "district"),
                           ("/api/v1/reports/city?period=", "city")):
            r = sh.city.get(path + YEAR)
            expect_status(r, 200, name)
            expect(r.body[:2] == b"PK", name)
            with open(os.path.join(sh.out, name + ".xlsx"), "wb") as f:
                f.write(r.body)
        # And `report` on the primary, with nothing written in between,
        # by the same user, for the caller to compare cell for cell.
        for args, name in ((["district", "370102"], "district"),
                           (["city"], "city")):
            sh.s.cli("report", *args, "--period", YEAR, "-o",
                     os.path.join(sh.out, "cli-" + name + ".xlsx"),
                     "--by", "市局安全处")

    @case("the standby stopped: a download is 503 naming it, twice; the "
          "rest of the service works")
    def _(sh):
        p = subprocess.run(["bash", os.path.join(SRC, "scripts",
                                                 "pg-cluster.sh"),
                            "stop", sh.standby_dir],
                           capture_output=True, text=True)
        expect(p.returncode == 0, "stopping the standby: %s" % p.stderr)
        # The URI's password (READDB has one: the test cluster trusts
        # loopback) is never shown.
        name = sh.read_db.replace(":sekrit@", "@")
        expect(name != sh.read_db, "READDB has no password")
        for _ in range(2):
            r = sh.city.get("/api/v1/reports/city?period=" + YEAR)
            expect_error(r, 503, "read_db")
            msg = r.error["message"]
            sys.stderr.write("503: %s\n" % msg)
            expect(msg.startswith("报表库“%s”无法读取：" % name), msg)
            expect("sekrit" not in msg, msg)
        # The bulletins' workbooks read there too.
        now = datetime.datetime.utcnow() + datetime.timedelta(hours=8)
        for path in ("/api/v1/bulletins/monthly/370102/xlsx?month=%04d-%02d"
                     % (now.year, now.month),
                     "/api/v1/bulletins/quarterly/xlsx?quarter=%04dQ%d"
                     % (now.year, (now.month - 1) // 3 + 1)):
            expect_error(sh.city.get(path), 503, "read_db")
        expect_status(sh.city.get("/api/v1/hazards"), 200)
        r = sh.lixia.post("/api/v1/hazards", {
            "school": YANXIANG, "level": "general",
            "description": "灭火器过期"})
        expect_status(r, 201)
        r = sh.city.get("/api/v1/audit")
        expect_status(r, 200)
        expect(r.json["ok"] is True, r.json)


run(Shared)
