"""Crashes: the server is killed with SIGKILL at random moments while
several clients submit assessments and move hazards through their loop,
twenty times over; after each kill the server is started again on the
same database.  With SR_TEST_STORE=pg the same on PostgreSQL: the
service dies, the database server does not, and the killed service's
open transactions are rolled back.

After every kill:
  - every write the server acknowledged (an HTTP 2xx) is in the
    database: each acknowledged submission is submitted with its scores,
    each acknowledged hazard step has its event;
  - nothing is half-written: no draft has scores, every submitted
    assessment has scores and its audit record, every hazard has its
    first event (`audit verify` checks all of it and the hash chain);
  - PRAGMA integrity_check and foreign_key_check find nothing (SQLite;
    PostgreSQL checks its foreign keys itself);
  - sessions survive the restart: the clients go on with their cookies.
"""

import http.client
import json
import os
import random
import signal
import subprocess
import threading
import time

from srweb import (BIN, ENV, PSQL, REGISTRY, SRC, Server, case, expect,
                   run)
from srexamples import example_row

EX = os.path.join(SRC, "indicators", "examples")
KILLS = int(os.environ.get("SR_CRASH_KILLS", "20"))

# Example schools of 历下区 with answers for every applicable item.
SCHOOLS = {"3701020101": "primary-1", "3701020201": "junior-1",
           "3701020001": "kindergarten-1", "3701020301": "senior-1"}

USERS = [
    ("lixia", "历下区教体局", "district", "历下区", None),
    ("lixia2", "历下区复查员", "district", "历下区", None),
    ("insp1", "检查员甲", "inspector", "历下区", None),
    ("insp2", "检查员乙", "inspector", "历下区", None),
]


def answers_of(example):
    """The example's responses CSV as a bulk-answers body."""
    import csv
    rows = []
    with open(os.path.join(EX, example + ".csv"), encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            a = {"item": row["item"], "value": row["value"]}
            if row.get("note"):
                a["note"] = row["note"]
            rows.append(a)
    return {"answers": rows}


class World:
    def __init__(self):
        reg = REGISTRY + "".join(example_row(n) + "\n"
                                 for n in SCHOOLS.values())
        self.s = Server(registry=reg, users=USERS)
        self.clients = {u[0]: self.s.as_user(u[0]) for u in USERS}
        self.answers = {code: answers_of(ex) for code, ex in SCHOOLS.items()}
        self.acked_submissions = set()
        self.acked_steps = {}      # hazard id -> events acknowledged
        self.lock = threading.Lock()

    def close(self):
        self.s.close()


def inspector(w, login, stop):
    c = w.clients[login]
    rnd = random.Random(login)
    while not stop.is_set():
        code = rnd.choice(sorted(SCHOOLS))
        try:
            r = c.post("/api/v1/assessments", {"school": code})
            if r.status != 201:
                if os.environ.get("SR_CRASH_DEBUG"):
                    print("draft:", r, flush=True)
                continue
            aid = r.json["assessment"]["id"]
            r = c.post("/api/v1/assessments/%d/answers" % aid,
                       w.answers[code])
            if r.status != 200:
                continue
            r = c.post("/api/v1/assessments/%d/submit" % aid)
            if r.status == 200:
                with w.lock:
                    w.acked_submissions.add(aid)
        except (OSError, http.client.HTTPException):
            return          # the server is gone


def district(w, stop):
    """lixia assigns and submits rectifications, lixia2 verifies
    (general hazards: the district's verify closes them)."""
    a, b = w.clients["lixia"], w.clients["lixia2"]
    steps = [("open", a, "assign", {"responsible": "王建国",
                                     "deadline": "2099-12-31"}),
             ("rectifying", a, "submit", {"note": "已整改"}),
             ("submitted", b, "verify", {"note": "复查通过"})]
    while not stop.is_set():
        try:
            for status, c, step, body in steps:
                r = c.get("/api/v1/hazards?level=general&status=%s&size=5"
                          % status)
                if r.status != 200:
                    continue
                for h in r.json["items"]:
                    r = c.post("/api/v1/hazards/%d/%s" % (h["id"], step),
                               body)
                    if r.status == 200:
                        with w.lock:
                            w.acked_steps[h["id"]] = len(r.json["events"])
        except (OSError, http.client.HTTPException):
            return


def check_database(w):
    if w.s.pg is None:
        # SQLite's own checks of the file; PostgreSQL has no such file
        # to check, and enforces its foreign keys in every transaction.
        ok = w.s.sql("PRAGMA integrity_check")[0][0]
        expect(ok == "ok", "integrity_check: %s" % ok)
        fk = w.s.sql("PRAGMA foreign_key_check")
        expect(not fk, "foreign_key_check: %s" % fk)
    # One query each (a psql per row would cost more than the test).
    got = {aid: (st, n) for aid, st, n in w.s.sql(
        "SELECT id, status, (SELECT count(*) FROM scores WHERE "
        "assessment = a.id) FROM assessments a")}
    for aid in sorted(w.acked_submissions):
        st, n = got.get(aid, (None, 0))
        expect(st == "submitted" and n > 0,
               "acknowledged submission %d: %s with %d scores"
               % (aid, st, n))
    events = dict(w.s.sql("SELECT hazard, count(*) FROM hazard_events "
                          "GROUP BY hazard"))
    for hid, n in sorted(w.acked_steps.items()):
        expect(events.get(hid, 0) >= n,
               "hazard %d: %d events, %d acknowledged"
               % (hid, events.get(hid, 0), n))
    bad = w.s.sql("SELECT count(*) FROM assessments a WHERE "
                  "status = 'draft' AND EXISTS (SELECT 1 FROM "
                  "scores WHERE assessment = a.id)")[0][0]
    expect(bad == 0, "%d drafts with scores" % bad)
    p = subprocess.run([BIN, "audit", "verify", "--db", w.s.db], env=ENV,
                       capture_output=True, text=True)
    expect(p.returncode == 0, "audit verify: %s" % p.stderr)


def submit(c, w, code):
    """A draft for school code with the example's answers; returns the
    draft's id and a function that submits it."""
    r = c.post("/api/v1/assessments", {"school": code})
    expect(r.status == 201, "draft: %r" % r)
    aid = r.json["assessment"]["id"]
    r = c.post("/api/v1/assessments/%d/answers" % aid, w.answers[code])
    expect(r.status == 200, "answers: %r" % r)
    return aid, lambda: c.post("/api/v1/assessments/%d/submit" % aid)


def waiting_on_locks(w):
    return w.s.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                   "current_database() AND wait_event_type = 'Lock'")[0][0]


@case("a hazard found again while a step on it is being committed: the "
      "found-again event records the state after the step (PostgreSQL)")
def _(w):
    # SQLite runs one writer at a time (BEGIN IMMEDIATE): the two writes
    # below cannot overlap there.
    if w.s.pg is None:
        print("    skip (PostgreSQL only): SQLite has one writer at a time",
              flush=True)
        return
    code = "3701020101"
    aid, go = submit(w.clients["insp1"], w, code)
    expect(go().status == 200, "the first submission")
    # The hazard of the submission's first item not met: the one a second
    # submission of the same answers links first.
    hid = w.s.sql("SELECT min(id) FROM hazards WHERE assessment = ?",
                  aid)[0][0]
    _, again = submit(w.clients["insp2"], w, code)
    # Hold the audit chain's lock (store.c, CHAIN_LOCK): the step below
    # stops with its UPDATE of the hazard made and not committed.
    holder = subprocess.Popen([PSQL, "-X", "-q", "-A", "-t", "-d", w.s.db],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    got = {}
    threads = [
        threading.Thread(target=lambda: got.__setitem__(
            "assign", w.clients["lixia"].post(
                "/api/v1/hazards/%d/assign" % hid,
                {"responsible": "王建国", "deadline": "2099-12-31"}))),
        threading.Thread(target=lambda: got.__setitem__("submit", again()))]
    try:
        holder.stdin.write("BEGIN;\nSELECT pg_advisory_xact_lock("
                           "8318761358311319924);\nSELECT 'held';\n")
        holder.stdin.flush()
        while holder.stdout.readline().strip() != "held":
            pass
        for t, n in zip(threads, (1, 2)):
            t.start()
            for _ in range(600):
                if waiting_on_locks(w) >= n:
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("%d writers waiting, expected %d"
                                     % (waiting_on_locks(w), n))
    finally:
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        holder.wait(timeout=60)
        for t in threads:
            t.join(timeout=60)
    expect(got["assign"].status == 200, got["assign"])
    expect(got["submit"].status == 200, got["submit"])
    p = subprocess.run([BIN, "audit", "verify", "--db", w.s.db], env=ENV,
                       capture_output=True, text=True)
    expect(p.returncode == 0, "audit verify: %s" % p.stderr)
    state = json.loads(w.s.sql("SELECT state FROM hazard_events WHERE id = "
                               "(SELECT max(id) FROM hazard_events WHERE "
                               "hazard = ?)", hid)[0][0])
    expect(state["status"] == "rectifying", state)


@case("SIGKILL during submissions and hazard steps, %d times: every "
      "acknowledged write is there, nothing half-written, the chain whole"
      % KILLS)
def _(w):
    rnd = random.Random(20261205)
    for i in range(KILLS):
        stop = threading.Event()
        threads = [threading.Thread(target=inspector, args=(w, l, stop))
                   for l in ("insp1", "insp2")]
        threads.append(threading.Thread(target=district, args=(w, stop)))
        before = len(w.acked_submissions)
        for t in threads:
            t.start()
        time.sleep(rnd.uniform(0.3, 2.5))
        # A slow build (the sanitizers) may not have acknowledged a
        # submission yet: wait for one, so that each kill has writes
        # acknowledged around it.
        waited = 0.0
        while len(w.acked_submissions) == before and waited < 60:
            time.sleep(0.05)
            waited += 0.05
        time.sleep(rnd.uniform(0, 0.3))
        w.s.proc.send_signal(signal.SIGKILL)
        w.s.proc.wait()
        stop.set()
        for t in threads:
            t.join(timeout=60)
        check_database(w)
        w.s.start()          # same database; the sessions survive
    expect(len(w.acked_submissions) >= KILLS,
           "only %d submissions acknowledged in %d runs"
           % (len(w.acked_submissions), KILLS))
    expect(len(w.acked_steps) > 0, "no hazard step acknowledged")
    print("    %d submissions and steps on %d hazards acknowledged"
          % (len(w.acked_submissions), len(w.acked_steps)), flush=True)


run(World)
