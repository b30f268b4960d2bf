"""indexes.py - the plans of a working day's requests, for
tests/pg/test_indexes.sh (not a test itself: its name does not match
test_*).

    python3 tests/pg/indexes.py /path/to/schoolrisk SRC URI LOG

URI: a fresh, empty PostgreSQL database (tests/pg/newdb.sh); LOG: the
cluster's server log.  `schoolrisk serve` runs with PGOPTIONS turning
sequential scans off (a scan is then planned only where no index can
serve the condition) and auto_explain writing every statement's plan to
LOG.  An inspector starts, answers and submits an inspection and reads
it back; a district user lists the hazard ledger and one hazard.  Every
statement those requests ran whose plan reads a table that grows with
the city whole (a Seq Scan on it) is a failure, named with its query:
at a province's 200,000 hazards such a statement costs 70 ms and more a
request, where an index costs well under one.  Before the index on
hazards(assessment) (schema 12), reading an assessment back listed its
hazards by a scan of all of them.
"""

import os
import re
import sys

BIN, SRC, URI, LOG = sys.argv[1:5]
sys.argv = [sys.argv[0], BIN, SRC]
sys.path.insert(0, os.path.join(SRC, "tests", "web"))
import srweb  # noqa: E402 - needs sys.argv set first
from srweb import case, expect, expect_status  # noqa: E402
from srwork import answerable, partial_value  # noqa: E402

YANXIANG = "2137010231"
# The tables that grow with the city, and the other way round: what a
# request may read whole (districts, systems, a user's grants ...).
GROWING = ("schools", "assessments", "answers", "scores", "hazards",
           "hazard_events", "audit", "school_versions", "baseline_items",
           "evidence", "sessions", "security_events", "users", "grants")
PGOPTIONS = ("-c enable_seqscan=off "
             "-c session_preload_libraries=auto_explain "
             "-c auto_explain.log_min_duration=0 "
             "-c auto_explain.log_nested_statements=on")


def plans_since(offset):
    """The plans auto_explain wrote to LOG after offset: (query, plan)."""
    with open(LOG, encoding="utf-8", errors="replace") as f:
        f.seek(offset)
        text = f.read()
    out = []
    for block in re.split(r"\n(?=\S.*LOG:  duration: )", text):
        m = re.search(r"Query Text: (.*?)\n(\s+\S.*)", block, re.S)
        if m:
            out.append((m.group(1).strip(), m.group(2)))
    return out


def scans(plans):
    """The growing tables each plan reads whole: [(table, query)]."""
    found = []
    for query, plan in plans:
        for table in re.findall(r"Seq Scan on (?:\w+\.)?(\w+)", plan):
            if table in GROWING:
                found.append((table, query))
    return found


def setup():
    srv = srweb.Server(db=URI, env={"PGOPTIONS": PGOPTIONS})
    return {"srv": srv, "insp": srv.as_user("insp"),
            "lixia": srv.as_user("lixia")}


@case("the plans are logged, and a scan of a growing table shows in them")
def _(sh):
    # The check itself: this statement must be caught.
    offset = os.path.getsize(LOG)
    srweb.psql(URI, "SET enable_seqscan = off;\n"
                    "LOAD 'auto_explain';\n"
                    "SET auto_explain.log_min_duration = 0;\n"
                    "SELECT count(*) FROM schoolrisk.hazards "
                    "WHERE description LIKE '%%x%%';\n")
    found = scans(plans_since(offset))
    expect([t for t, _ in found] == ["hazards"], found)


@case("an inspection started, answered, submitted and read back: every "
      "growing table read through an index")
def _(sh):
    insp = sh["insp"]
    offset = os.path.getsize(LOG)
    checklist = insp.get("/api/v1/schools/%s/checklist" % YANXIANG).json
    r = insp.post("/api/v1/assessments", {"school": YANXIANG})
    expect_status(r, 201)
    aid = r.json["assessment"]["id"]
    # Every item below full points: the submission raises hazards.
    answers = [{"item": it["id"], "value": partial_value(it)}
               for it in answerable(checklist)]
    r = insp.post("/api/v1/assessments/%d/answers" % aid,
                  {"answers": answers})
    expect_status(r, 200)
    r = insp.post("/api/v1/assessments/%d/submit" % aid)
    expect_status(r, 200)
    r = insp.get("/api/v1/assessments/%d" % aid)
    expect_status(r, 200)
    plans = plans_since(offset)
    expect(any("FROM hazards WHERE assessment" in q for q, _ in plans),
           "no plan of the assessment's hazards among %d" % len(plans))
    found = scans(plans)
    expect(not found, "\n".join("Seq Scan on %s: %s" % f for f in found))


@case("the district's hazard ledger and one hazard: every growing table "
      "read through an index")
def _(sh):
    lixia = sh["lixia"]
    offset = os.path.getsize(LOG)
    r = lixia.get("/api/v1/hazards?page=1&size=20")
    expect_status(r, 200)
    hazards = r.json["items"]
    expect(hazards, r.json)
    r = lixia.get("/api/v1/hazards/%d" % hazards[0]["id"])
    expect_status(r, 200)
    found = scans(plans_since(offset))
    expect(not found, "\n".join("Seq Scan on %s: %s" % f for f in found))


srweb.run(setup)
