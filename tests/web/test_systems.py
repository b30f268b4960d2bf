"""The indicator systems stored in the database: the list with the
current system of each stage, one system's tree (checked item by item
against `schoolrisk indicators show`), and publishing a new version
(added 201, unchanged 200, conflict 409, invalid 422 with every problem
and its line), against the real server."""

import csv
import hashlib
import io
import os
import re
import subprocess

from srweb import (BIN, SRC, Server, case, expect, expect_error, expect_status,
                   run)

IDS = ["junior", "kindergarten", "primary", "senior", "special",
       "vocational"]
FORBIDDEN = "your role does not allow this"


def source(name):
    with open(os.path.join(SRC, "indicators", name + ".xml"), "rb") as f:
        return f.read()


def version(name):
    """The version a shipped system's file declares."""
    return re.search(rb'<system [^>]*?version="([^"]*)"',
                     source(name)).group(1).decode()


# A version after every shipped one, for publishing a new version.
NEXT = "2099.1"


class Shared:
    def __init__(self):
        self.s = Server()
        self.city = self.s.as_user("city", lang="en")

    def close(self):
        self.s.close()


def listing(sh):
    r = sh.city.get("/api/v1/systems")
    expect_status(r, 200)
    return r.json


@case("the stored systems: id, version, title, stages with labels, "
      "SHA-256 of the file, who loaded them and when, the current one "
      "per stage")
def _(sh):
    o = listing(sh)
    expect(o["total"] == 6 and [x["id"] for x in o["items"]] == IDS, o)
    by = {x["id"]: x for x in o["items"]}
    for sid in IDS:
        x = by[sid]
        expect(x["version"] == version(sid) and x["current"] is True, x)
        expect(x["sha256"] == hashlib.sha256(source(sid)).hexdigest(), x)
        expect(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                            x["loaded_at"]) and x["loaded_by"], x)
        expect(all(st["current"] for st in x["stages"]), x)
    expect(by["primary"]["title"] == "济南市小学安全风险评估指标体系",
           by["primary"])
    expect(by["junior"]["stages"] ==
           [{"stage": "junior", "label": "初中", "current": True},
            {"stage": "nine-year", "label": "九年一贯制", "current": True}],
           by["junior"]["stages"])
    expect(o["current"]["primary"] == {"id": "primary",
                                       "version": version("primary")},
           o["current"])
    expect(sorted(o["current"]) ==
           sorted(["kindergarten", "primary", "junior", "senior",
                   "nine-year", "complete-secondary", "twelve-year",
                   "vocational", "special"]), o["current"])
    # every business role reads them
    for login in ("lixia", "yanxiang", "insp"):
        expect_status(sh.s.as_user(login).get("/api/v1/systems"), 200)


@case("a system's tree: dimensions, indicators, items with exact points, "
      "method, choices, veto, hazard, baseline, allow_na, conditions, as "
      "`indicators show` lists them")
def _(sh):
    r = sh.city.get("/api/v1/systems/primary/%s" % version("primary"))
    expect_status(r, 200)
    text = r.body.decode("utf-8")
    t = r.json
    expect(t["id"] == "primary" and t["version"] == version("primary") and
           t["stages"] == [{"stage": "primary", "label": "小学"}] and
           t["pass_line"] == 80 and t["valid_months"] == 12 and
           t["sha256"] == hashlib.sha256(source("primary")).hexdigest(),
           {k: t[k] for k in ("id", "version", "stages", "pass_line")})
    expect([b["label"] for b in t["bands"]] ==
           ["低风险", "一般风险", "较大风险", "重大风险"], t["bands"])
    out = subprocess.run([BIN, "indicators", "show", "primary", "--format",
                          "csv"], env=sh.s.env, capture_output=True,
                         text=True, check=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    items = [(d, i, it) for d in t["dimensions"] for i in d["indicators"]
             for it in i["items"]]
    # primary 2026.2: 125 <item>s (a group's sub-items among them) and
    # the <group> D01.02.02
    expect(len(items) == len(rows) == t["item_count"] == 126,
           (len(items), len(rows)))
    for (d, i, it), row in zip(items, rows):
        got = (d["id"], i["id"], it["id"], it["title"], it["method"],
               it["choices"], str(it["allow_na"]).lower(),
               str(it["veto"]).lower(), it["hazard"], it["baseline"] or "",
               it["conditions"])
        want = (row["dimension_id"], row["indicator_id"], row["item_id"],
                row["title"], row["method"], row["choices"],
                row["allow_na"], row["veto"], row["hazard"],
                row["baseline"], row["applies_when"])
        expect(got == want, "%r != %r" % (got, want))
    # points are exact decimals, written as the file has them
    for (_, _, it), row in zip(items, rows):
        expect(re.search(r'"id":"%s","title":[^}]*?"points":%s,'
                         % (re.escape(it["id"]), re.escape(row["points"])),
                         text), "points of %s" % it["id"])
    total = sum(float(row["points"]) for row in rows)
    expect(abs(float(t["points"]) - total) < 1e-9, (t["points"], total))
    # a veto item raises a major hazard, except an outcome item
    # (hazard="none": what happened in the year, nothing to rectify)
    veto = [it for _, _, it in items if it["veto"]]
    expect(veto and all(it["hazard"] == "major" and
                        it["hazard_label"] == "重大隐患" for it in veto
                        if it["hazard"] != "none") and
           any(it["hazard"] == "major" for it in veto), veto[:1])
    base = [it for _, _, it in items if it["baseline"]]
    expect(sorted({it["baseline"] for it in base}) ==
           ["alarm-video", "closed-campus", "guards", "protection-posts"],
           base)
    expect(any(it["guidance"] and it["basis"] for _, _, it in items),
           "guidance and basis")


@case("an unknown system or version is 404")
def _(sh):
    c = sh.s.as_user("lixia", lang="en")
    expect_error(c.get("/api/v1/systems/primary/1999.1"), 404, "not_found",
                 "indicator system 'primary' version 1999.1 is not stored")
    expect_error(c.get("/api/v1/systems/nope/2026.1"), 404, "not_found",
                 "indicator system 'nope' version 2026.1 is not stored")


@case("publishing a new version: 201 added and current for its stage; the "
      "same file again: 200 unchanged")
def _(sh):
    old = version("primary")
    xml = source("primary").replace(b'version="%s"' % old.encode(),
                                    b'version="%s"' % NEXT.encode(), 1)
    r = sh.city.post("/api/v1/systems?name=primary-%s.xml" % NEXT, raw=xml,
                     content_type="application/xml")
    expect_status(r, 201)
    o = r.json
    expect(o["outcome"] == "added", o)
    x = o["system"]
    expect(x["id"] == "primary" and x["version"] == NEXT and
           x["current"] is True and x["seq"] == 7 and
           x["sha256"] == hashlib.sha256(xml).hexdigest() and
           x["loaded_by"] == "市局安全处" and
           x["stages"] == [{"stage": "primary", "label": "小学",
                            "current": True}], x)
    o = listing(sh)
    by = {(x["id"], x["version"]): x for x in o["items"]}
    expect(by[("primary", old)]["current"] is False and
           by[("primary", old)]["stages"][0]["current"] is False,
           by[("primary", old)])
    expect(o["current"]["primary"] == {"id": "primary",
                                       "version": NEXT}, o["current"])
    expect(o["total"] == 7, o["total"])
    expect_status(sh.city.get("/api/v1/systems/primary/%s" % NEXT), 200)
    r = sh.city.post("/api/v1/systems", raw=xml,
                     content_type="application/xml")
    expect_status(r, 200)
    expect(r.json["outcome"] == "unchanged" and
           r.json["system"]["version"] == NEXT, r.json)
    expect(listing(sh)["total"] == 7, "nothing added")


@case("other content under a stored version is 409")
def _(sh):
    xml = source("junior").replace("初中".encode(), "初级中学".encode(), 1)
    c = sh.s.as_user("city", lang="en")
    r = c.post("/api/v1/systems?name=junior.xml", raw=xml,
               content_type="application/xml")
    expect_error(r, 409, "conflict")
    want = hashlib.sha256(source("junior")).hexdigest()[:12]
    got = hashlib.sha256(xml).hexdigest()[:12]
    expect(r.error["message"] ==
           "indicator system 'junior' version %s is already stored with "
           "different content (sha256 %s…, this file %s…); a stored version "
           "never changes: give the new content a new version"
           % (version("junior"), want, got),
           r.error)


@case("a file that does not validate is 422 with every problem and its "
      "line in details")
def _(sh):
    lines = source("primary").decode("utf-8").split("\n")
    bad = list(lines)
    at = [n for n, l in enumerate(lines) if ' version="' in l][0]
    bad[at] = bad[at].replace('version="%s"' % version("primary"),
                              'version="%s"' % NEXT)
    first = [n for n, l in enumerate(lines) if '<item id="D01.01.01"' in l][0]
    second = [n for n, l in enumerate(lines) if '<item id="D01.01.02"' in l][0]
    bad[first] = re.sub(r'points="[^"]*"', 'points="abc"', bad[first], 1)
    bad[second] = bad[second].replace('method="levels"', 'method="guess"')
    c = sh.s.as_user("city", lang="en")
    r = c.post("/api/v1/systems?name=bad.xml",
               raw="\n".join(bad).encode("utf-8"),
               content_type="application/xml")
    expect_error(r, 422, "invalid", "indicator file 'bad.xml' is not valid")
    expect(r.error["details"] == [
        {"file": "bad.xml", "line": first + 1,
         "message": "does not match the schema: Element 'item', attribute "
                    "'points': [facet 'pattern'] The value 'abc' is not "
                    "accepted by the pattern "
                    "'-?[0-9]{1,12}(\\.[0-9]{1,12})?'. (in item "
                    "'D01.01.01')"},
        {"file": "bad.xml", "line": second + 1,
         "message": "does not match the schema: Element 'item', attribute "
                    "'method': [facet 'enumeration'] The value 'guess' is "
                    "not an element of the set {'check', 'levels', "
                    "'threshold', 'deduct', 'ratio'}. (in item "
                    "'D01.01.02')"}], r.error["details"])
    r = c.post("/api/v1/systems", raw=b"<system>\n<oops>\n</system>\n",
               content_type="application/xml")
    expect_error(r, 422, "invalid", "indicator file 'upload.xml' is not "
                                    "valid")
    expect(r.error["details"] == [
        {"file": "upload.xml", "line": 3,
         "message": "not well-formed XML: Opening and ending tag mismatch: "
                    "oops line 2 and system"},
        {"file": "upload.xml", "line": 4,
         "message": "not well-formed XML: Premature end of data in tag "
                    "system line 1"}], r.error["details"])
    expect(listing(sh)["total"] == 7, "nothing stored")


@case("only the city publishes systems")
def _(sh):
    for login in ("lixia", "yanxiang", "insp"):
        r = sh.s.as_user(login, lang="en").post(
            "/api/v1/systems", raw=source("primary"),
            content_type="application/xml")
        expect_error(r, 403, "forbidden", FORBIDDEN)


run(Shared)
