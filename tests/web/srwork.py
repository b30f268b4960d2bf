"""srwork.py - helpers of the tests of inspections and self-inspections
(test_inspector.py, test_school.py): reading a checklist, answers that
score full points (or not), the files the CLI reads (a school file, a
responses CSV) and calendar dates as the library computes them.

Only the standard library, like srweb.py.
"""

import calendar
import csv
import datetime
import json
import os
import subprocess

from srweb import BIN, ENV

# A school's attributes in a school file (the CLI's --school), in the
# registry's JSON (sr_json_school) under the same names.  population is
# in the JSON too but derived (enrollment + staff): a school file may not
# give it.
ATTRS = ("stage", "ownership", "locale", "boarding", "school_bus", "canteen",
         "laboratory", "swimming_pool", "enrollment", "boarders",
         "special_needs", "staff", "meal_delivery", "village_school")


def items_of(checklist):
    """Every item of a checklist (GET /schools/{code}/checklist), in
    order."""
    return [it for d in checklist["dimensions"] for i in d["indicators"]
            for it in i["items"]]


def answerable(checklist):
    """The items of a checklist that take an answer: every item but a
    format-2 group, which is scored from its sub-items."""
    return [it for it in items_of(checklist)
            if it["control"]["type"] != "group"]


def num(x):
    """A JSON number of the API as text without a trailing .0."""
    s = str(x)
    return s[:-2] if s.endswith(".0") else s


def full_value(it):
    """The answer that earns an item full points."""
    c = it["control"]
    t = c["type"]
    if t in ("check", "levels"):
        return [ch["value"] for ch in c["choices"] if ch["fraction"] == 1][0]
    if t == "threshold":
        full = [s["at"] for s in c["steps"] if s["fraction"] == 1]
        return num(full[0])
    if t == "deduct":
        # by shortfall (format 2): the actual number, as required
        return num(c["required"]) if "required" in c else "0"
    if t == "ratio":
        return num(c["required"]) if not c["entered"] else "4/4"
    raise AssertionError("unknown control %r" % t)


def partial_value(it):
    """An answer below full points (not na), of the item's kind."""
    c = it["control"]
    t = c["type"]
    if t in ("check", "levels"):
        return [ch["value"] for ch in c["choices"] if ch["fraction"] < 1][0]
    if t == "threshold":
        # The lowest step that is not full, else nothing reached.
        part = [s for s in c["steps"] if s["fraction"] < 1]
        if part:
            return num(part[0]["at"])
        return "0" if c["direction"] == "higher" else "9999"
    if t == "deduct":
        if "required" in c:
            # by shortfall (format 2): one short of the requirement
            return num(max(0, float(c["required"]) - 1)).split(".")[0]
        if c.get("reasons"):
            # by reason (format 2): one finding of the first reason
            return "%s=1" % c["reasons"][0]["value"]
        return "1"
    if t == "ratio":
        if c["entered"]:
            return "3/4"
        return num(max(0, float(c["required"]) - 1)).split(".")[0]
    raise AssertionError("unknown control %r" % t)


def full_answers(checklist):
    """[{item, value}] earning full points on every item."""
    return [{"item": it["id"], "value": full_value(it)}
            for it in answerable(checklist)]


def write_school_file(school, path):
    """The school file of a registry school (GET /schools/{code})."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("# %s %s\n" % (school["code"], school["name"]))
        for a in ATTRS:
            v = school[a]
            if isinstance(v, bool):
                v = "true" if v else "false"
            f.write("%s = %s\n" % (a, v))


def write_responses(answers, path):
    """A responses CSV (item,value,note) of the answers sent."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "value", "note"])
        for a in answers:
            w.writerow([a["item"], a["value"], a.get("note") or ""])


def cli(*args, check=True):
    """Run the CLI without a database (score, checklist)."""
    p = subprocess.run([BIN] + list(args), env=ENV, capture_output=True,
                       text=True)
    if check and p.returncode != 0:
        raise AssertionError("schoolrisk %s: exit %d: %s"
                             % (" ".join(args), p.returncode, p.stderr))
    return p


def cli_score(system, school_file, responses):
    """`schoolrisk score --json` of a responses file."""
    p = cli("score", "--system", system, "--school", school_file,
            "--responses", responses, "--json")
    return json.loads(p.stdout)


def cli_checklist_ids(system, school_file):
    """The item ids of `schoolrisk checklist --format csv`."""
    p = cli("checklist", "--system", system, "--school", school_file,
            "--format", "csv")
    rows = list(csv.DictReader(p.stdout.splitlines()))
    return [r["item_id"] for r in rows]


def date(s):
    return datetime.date.fromisoformat(s)


def add_days(s, n):
    return (date(s) + datetime.timedelta(days=n)).isoformat()


def add_months(s, months):
    """sr_date_add_months(): the day clamped to the month's length."""
    d = date(s)
    t = d.year * 12 + (d.month - 1) + months
    y, m = t // 12, t % 12 + 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return datetime.date(y, m, day).isoformat()


def tmp_path(server, name):
    return os.path.join(server.dir, name)
