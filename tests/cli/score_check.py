#!/usr/bin/python3
"""Independent re-implementation of the scoring rules of docs/design.md.

Used by tests/cli/test_score.sh to check the figures `schoolrisk score
--json` prints, so that the totals of the shipped examples are verified
by a second implementation and not merely pinned.  It shares no code
with the C engine: it reads the indicator XML with xml.etree, the school
file and the responses CSV with the standard library, and does all the
arithmetic with Python integers in the units the design prescribes:

  points      in 1/100    (at most 2 decimals)
  fractions   in 1/10000  (at most 4 decimals)
  earned/max  in 1/1000000 points (points x fraction)

Rules applied (docs/design.md, "Scoring rules"):
  1. an item whose conditions (dimension, indicator and item <when>, all
     ANDed) do not hold, or that is answered `na`, is left out of both
     earned and max;
  2. earned = points x fraction; ratio fraction = min(1, actual/required)
     rounded half away from zero to 4 decimals; deduct earned =
     max(0, points - count x per) exactly;
  3. total = 100 x earned / max rounded half away from zero to 2 decimals;
  4. vetoed = an applicable veto item below full points -> worst band;
  5. compliant = not vetoed and total >= pass line and no applicable item
     unanswered (a draft is never compliant).
  Baseline element met = at least one tagged item scored and every
  tagged applicable item at full points (an unanswered one counts as not
  met; an `na` one is left out).

Format 2 (format="2" on <system>, docs/indicator-format.md section 16):
  - a level may give points instead of a fraction: it earns exactly those
    points (fraction shown = points / item points, rounded to 4 decimals);
  - a veto item may be worth 0 points (a prerequisite): it adds nothing to
    earned or max; it is met when answered pass, and vetoes when not;
  - conditions may be joined with <any> (or), <all> (and), <not>;
  - a deduct item may list <reason value per>: the answer is
    reason=count;reason=count (or 0), earned = max(0, points - sum of
    count x per).
  - a level may declare the hazard its answer implies (hazard="none",
    "general" or "major"), instead of the item's; none raises no hazard.
  - an item may be hazard="none" (an outcome row): none of its answers
    raises a hazard, a veto item's included, unless its level declares one.
  An item is "met" when it earns its full points (a 0-point prerequisite:
  when its fraction is 1); lost items, hazards, veto and baseline use met.

Format 2, part 2 (section 16.9-16.12):
  - a <group points rule> inside an indicator holds sub-items (checks
    worth 0 points, listed after the group): rule="failed" earns the
    points of the last <failed count points> step whose count <= the
    number of failed sub-items (all present: the group's points);
    rule="deduct" earns max(0, points - failed x per); a failed sub-item
    with zeroes="true" takes the group to 0.  The group is left out when
    no sub-item is scored, pending (neither earned nor in missing) while
    one is unanswered; it raises no hazard, its failed sub-items do;
  - a deduct item with <required attr> (whole steps) earns
    max(0, points - max(0, required - actual) x per);
  - bonus="true" items add their earned to a bonus, capped at the
    system's bonus-cap, that adds to earned but not max; they are never
    lost, raise no hazard and are in no dimension; the total is at most
    100: min(100, round(100 x (earned + bonus) / max)).

Usage:
  score_check.py XML SCHOOL CSV                 print the expected result
  score_check.py XML SCHOOL CSV --compare JSON  compare with the JSON that
                                                `schoolrisk score --json`
                                                printed; exit 1 on mismatch
  score_check.py XML SCHOOL --applicable        print the ids of the items
                                                that apply to the school
"""
import csv
import io
import json
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

NS = "{urn:schoolrisk:indicators:1}"

FLAGS = ("boarding", "school_bus", "canteen", "laboratory", "swimming_pool",
         "meal_delivery", "village_school")
COUNTS = ("enrollment", "boarders", "special_needs", "staff", "population")
# Derived, never given: 师生员工数 = 在校生数 + 教职工数.
DERIVED = ("population",)
ENUMS = ("stage", "ownership", "locale")
TRUE = ("true", "1", "yes", "是")
FALSE = ("false", "0", "no", "否")


def scaled(text, scale):
    """'1.25' -> 125 for scale 100; exact, refuses more decimals."""
    d = Decimal(text.strip())
    v = d * scale
    if v != v.to_integral_value():
        raise ValueError("%r has too many decimals for scale %d" % (text, scale))
    return int(v)


def div_round(num, den):
    """num/den rounded half away from zero (num, den integers, den > 0)."""
    sign = -1 if num < 0 else 1
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return sign * q


def fmt(v, scale_digits):
    """Integer v in 10^-scale_digits units -> Decimal."""
    return Decimal(v).scaleb(-scale_digits)


# ---------------------------------------------------------------- school

def load_school(path):
    s = {"ownership": "public", "locale": "urban"}
    for f in FLAGS:
        s[f] = False
    for c in COUNTS:
        s[c] = 0
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key, _, val = line.partition("=")
            key, val = key.strip(), val.strip()
            if key in ("code", "name", "district"):
                continue
            if key in FLAGS:
                if val in TRUE:
                    s[key] = True
                elif val in FALSE:
                    s[key] = False
                else:
                    raise ValueError("bad flag %s=%s" % (key, val))
            elif key in DERIVED:
                raise ValueError("%s is derived, not given" % key)
            elif key in COUNTS:
                s[key] = int(val)
            elif key in ENUMS:
                s[key] = val
            else:
                raise ValueError("unknown attribute %s" % key)
    if "stage" not in s:
        raise ValueError("school has no stage")
    s["population"] = s["enrollment"] + s["staff"]
    return s


# ---------------------------------------------------------------- system

def cond_holds(when, school):
    tag = when.tag[len(NS):]
    if tag == "any":
        return any(cond_holds(c, school) for c in when)
    if tag == "all":
        return all(cond_holds(c, school) for c in when)
    if tag == "not":
        (only,) = list(when)
        return not cond_holds(only, school)
    attr = when.get("attr")
    sv = school[attr]
    for op in ("eq", "ne", "in", "ge", "gt", "le", "lt"):
        if when.get(op) is None:
            continue
        text = when.get(op)
        if op == "in":
            return sv in text.split()
        if attr in FLAGS:
            cv = text in TRUE
        elif attr in COUNTS:
            cv = int(text)
        else:
            cv = text
        if op == "eq":
            return sv == cv
        if op == "ne":
            return sv != cv
        if op == "ge":
            return sv >= cv
        if op == "gt":
            return sv > cv
        if op == "le":
            return sv <= cv
        if op == "lt":
            return sv < cv
    raise ValueError("condition without operator")


COND_TAGS = tuple(NS + t for t in ("when", "any", "all", "not"))


def conds_of(elem):
    """The condition terms written directly on elem (ANDed)."""
    return [c for c in elem if c.tag in COND_TAGS]


def load_system(path):
    root = ET.parse(path).getroot()
    grading = root.find(NS + "grading")
    sysd = {
        "id": root.get("id"),
        "version": root.get("version"),
        "total": scaled(root.get("total"), 100) if root.get("total") else 0,
        "bonus_cap": (scaled(root.get("bonus-cap"), 100)
                      if root.get("bonus-cap") else 0),
        "pass": scaled(grading.get("pass"), 100),
        "bands": [(b.get("id"), scaled(b.get("min"), 100))
                  for b in grading.findall(NS + "band")],
        "dims": [],
        "items": [],
    }
    for dim in root.findall(NS + "dimension"):
        dconds = conds_of(dim)
        sysd["dims"].append(dim.get("id"))
        for ind in dim.findall(NS + "indicator"):
            iconds = conds_of(ind)
            for it in ind:
                if it.tag == NS + "group":
                    load_group(sysd, dim, ind, it, dconds + iconds)
                    continue
                if it.tag != NS + "item":
                    continue
                item = {
                    "id": it.get("id"),
                    "dim": dim.get("id"),
                    "ind": ind.get("id"),
                    "points": scaled(it.get("points"), 100),
                    "method": it.get("method"),
                    "veto": it.get("veto") == "true",
                    "allow_na": it.get("allow-na") == "true",
                    "hazard": "none" if it.get("hazard") == "none"
                              else "major" if it.get("veto") == "true"
                              else (it.get("hazard") or "general"),
                    "baseline": it.get("baseline"),
                    "bonus": it.get("bonus") == "true",
                    "conds": dconds + iconds + conds_of(it),
                }
                m = item["method"]
                if m == "levels":
                    # (fraction, points or None): a format-2 level in
                    # points earns its points, not points x fraction.
                    item["levels"] = {}
                    for lv in it.find(NS + "levels").findall(NS + "level"):
                        if lv.get("points") is not None:
                            p = scaled(lv.get("points"), 100)
                            item["levels"][lv.get("value")] = (
                                div_round(p * 10000, item["points"]), p)
                        else:
                            item["levels"][lv.get("value")] = (
                                scaled(lv.get("fraction"), 10000), None)
                        if lv.get("hazard") is not None:
                            item.setdefault("level_hazard", {})[
                                lv.get("value")] = lv.get("hazard")
                elif m == "threshold":
                    th = it.find(NS + "thresholds")
                    item["lower"] = th.get("better") == "lower"
                    item["steps"] = [(scaled(st.get("at"), 10000),
                                      scaled(st.get("fraction"), 10000))
                                     for st in th.findall(NS + "step")]
                elif m == "deduct":
                    de = it.find(NS + "deduct")
                    req = de.find(NS + "required")
                    if req is not None:
                        # a shortfall: whole people or things required
                        item["per"] = scaled(de.get("per"), 100)
                        item["short"] = (req.get("attr"), [
                            (int(st.get("from")), int(st.get("value")) * 10000,
                             int(st.get("every") or 0),
                             int(st.get("add") or "0") * 10000)
                            for st in req.findall(NS + "step")])
                    elif de.get("per") is not None:
                        item["per"] = scaled(de.get("per"), 100)
                    else:
                        item["reasons"] = {
                            r.get("value"): scaled(r.get("per"), 100)
                            for r in de.findall(NS + "reason")}
                elif m == "ratio":
                    req = it.find(NS + "ratio").find(NS + "required")
                    if req is None:
                        item["req"] = None
                    else:
                        item["req"] = (req.get("attr"), [
                            (int(st.get("from")), scaled(st.get("value"), 10000),
                             int(st.get("every") or 0),
                             scaled(st.get("add") or "0", 10000))
                            for st in req.findall(NS + "step")])
                sysd["items"].append(item)
    return sysd


def load_group(sysd, dim, ind, g, conds):
    """A <group> and its sub-items, in document order (group first)."""
    gconds = conds + conds_of(g)
    members = [m for m in g if m.tag == NS + "item"]
    sysd["items"].append({
        "id": g.get("id"), "dim": dim.get("id"), "ind": ind.get("id"),
        "points": scaled(g.get("points"), 100), "method": "group",
        "rule": g.get("rule"),
        "per": scaled(g.get("per"), 100) if g.get("per") else 0,
        "steps": [(int(f.get("count")), scaled(f.get("points"), 100))
                  for f in g.findall(NS + "failed")],
        "members": [m.get("id") for m in members],
        "zeroes": {m.get("id") for m in members if m.get("zeroes") == "true"},
        "veto": False, "allow_na": False, "hazard": "none",
        "baseline": None, "bonus": False, "conds": gconds})
    for m in members:
        sysd["items"].append({
            "id": m.get("id"), "dim": dim.get("id"), "ind": ind.get("id"),
            "points": 0, "method": "check", "veto": False,
            "allow_na": m.get("allow-na") == "true",
            "hazard": m.get("hazard") or "general",
            "baseline": m.get("baseline"), "bonus": False,
            "conds": gconds + conds_of(m)})


def group_points(g, failed, zeroed):
    """Hundredths a group earns with `failed` sub-items failed."""
    if zeroed:
        return 0
    if failed == 0:
        return g["points"]
    if g["rule"] == "deduct":
        return max(0, g["points"] - failed * g["per"])
    pts = g["points"]
    for count, p in g["steps"]:
        if count <= failed:
            pts = p
    return pts


def required_of(item, school, key="req"):
    """Derived requirement, in 1/10000."""
    attr, steps = item[key]
    a = school[attr]
    chosen = None
    for idx, st in enumerate(steps):
        if st[0] <= a:
            chosen = idx
    frm, value, every, add = steps[chosen]
    if chosen == len(steps) - 1 and every:
        value += ((a - frm) // every) * add
    return value


def fraction_of(item, value, school):
    """(fraction in 1/10000, required in 1/10000 or None, earned in 1e-6)."""
    m = item["method"]
    pts = item["points"]
    if m == "check":
        if value in ("pass", "符合", "是"):
            f = 10000
        elif value in ("fail", "不符合", "否"):
            f = 0
        else:
            raise ValueError("%s: bad check value %r" % (item["id"], value))
        return f, None, pts * f
    if m == "levels":
        f, p = item["levels"][value]
        return f, None, (p * 10000 if p is not None else pts * f)
    if m == "threshold":
        v = scaled(value, 10000)
        steps = item["steps"]
        f = 0
        if item["lower"]:
            for at, fr in steps:
                if v <= at:
                    f = fr
                    break
        else:
            for at, fr in steps:
                if at <= v:
                    f = fr
        return f, None, pts * f
    if m == "deduct":
        if "short" in item:
            req = required_of(item, school, "short")
            short = max(0, req // 10000 - int(value))
            left = max(0, pts - short * item["per"])
            return div_round(left * 10000, pts), req, left * 10000
        if "reasons" in item:
            off = 0
            seen = set()
            if value != "0":
                for part in value.split(";"):
                    if not part:
                        continue
                    key, _, cnt = part.partition("=")
                    assert key in item["reasons"] and key not in seen, value
                    seen.add(key)
                    off += int(cnt) * item["reasons"][key]
        else:
            off = int(value) * item["per"]
        left = max(0, pts - off)
        return div_round(left * 10000, pts), None, left * 10000
    if m == "ratio":
        if item["req"] is None:
            a, _, r = value.partition("/")
            actual, req = scaled(a, 10000), scaled(r, 10000)
        else:
            actual, req = scaled(value, 10000), required_of(item, school)
        f = min(10000, div_round(actual * 10000, req))
        return f, req, pts * f
    raise ValueError("unknown method " + m)


def score(sysd, school, csv_path):
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(io.StringIO(fh.read())))
    assert [c.strip() for c in rows[0]][:2] == ["item", "value"], rows[0]
    answers = {}
    for row in rows[1:]:
        if not row:
            continue
        item_id, value = row[0].strip(), row[1].strip()
        assert item_id not in answers, "duplicate " + item_id
        answers[item_id] = value
    known = {it["id"] for it in sysd["items"]}
    for k in answers:
        assert k in known, "unknown item " + k

    res = {"items": {}, "dims": {}, "earned": 0, "max": 0, "vetoed": False,
           "missing": [], "lost": [], "hazards": [], "bonus": 0}
    bl_scored = {b: 0 for b in ("guards", "closed-campus", "alarm-video",
                                "protection-posts")}
    bl_ok = {b: True for b in bl_scored}
    met_of = {}
    groups = []
    for it in sysd["items"]:
        r = {"applicable": False, "earned": 0, "max": 0, "fraction": None,
             "required": None}
        res["items"][it["id"]] = r
        if it["method"] == "group":
            groups.append(it)
            continue
        if not all(cond_holds(w, school) for w in it["conds"]):
            assert it["id"] not in answers, \
                it["id"] + " answered but not applicable"
            r["reason"] = "condition"
            continue
        v = answers.get(it["id"])
        if v in ("na", "NA", "不适用"):
            assert it["allow_na"], it["id"] + " may not be na"
            r["reason"] = "na"
            continue
        if v is None:
            res["missing"].append(it["id"])
            r["applicable"] = True
            if it["baseline"]:
                bl_ok[it["baseline"]] = False
            continue
        f, req, earned = fraction_of(it, v, school)
        mx = it["points"] * 10000
        met = earned == mx if mx > 0 else f == 10000
        met_of[it["id"]] = met
        r.update(applicable=True, fraction=f, required=req, earned=earned,
                 max=mx)
        if it["bonus"]:
            res["bonus"] += earned  # never lost, no hazard, no dimension
            continue
        res["earned"] += earned
        res["max"] += mx
        d = res["dims"].setdefault(it["dim"], [0, 0])
        d[0] += earned
        d[1] += mx
        if not met:
            res["lost"].append(it["id"])
            # format 2: the answered level may declare its own hazard,
            # "none" meaning points lost without a hazard
            hz = it.get("level_hazard", {}).get(v, it["hazard"])
            if hz != "none":
                res["hazards"].append((it["id"], hz))
            if it["veto"]:
                res["vetoed"] = True
        if it["baseline"]:
            bl_scored[it["baseline"]] += 1
            if not met:
                bl_ok[it["baseline"]] = False
    for g in groups:
        r = res["items"][g["id"]]
        if not all(cond_holds(w, school) for w in g["conds"]):
            r["reason"] = "condition"
            continue
        if any(m in res["missing"] for m in g["members"]):
            r["applicable"] = True  # pending: neither earned nor missing
            continue
        scored = [m for m in g["members"] if m in met_of]
        if not scored:
            r["reason"] = "na"
            continue
        failed = [m for m in scored if not met_of[m]]
        pts = group_points(g, len(failed),
                           any(m in g["zeroes"] for m in failed))
        earned, mx = pts * 10000, g["points"] * 10000
        r.update(applicable=True, fraction=div_round(pts * 10000, g["points"]),
                 earned=earned, max=mx)
        res["earned"] += earned
        res["max"] += mx
        d = res["dims"].setdefault(g["dim"], [0, 0])
        d[0] += earned
        d[1] += mx
        if earned != mx:
            res["lost"].append(g["id"])
    # lost items in the order of the system (groups were scored last)
    order = [it["id"] for it in sysd["items"]]
    res["lost"].sort(key=order.index)
    hz_order = {i: k for k, i in enumerate(order)}
    res["hazards"].sort(key=lambda h: hz_order[h[0]])
    if res["max"] == 0:
        raise ValueError("no applicable item")
    res["bonus"] = min(res["bonus"], sysd["bonus_cap"] * 10000)
    total = div_round((res["earned"] + res["bonus"]) * 10000, res["max"])
    total = min(total, 10000)  # in 1/100
    res["total"] = total
    bands = sysd["bands"]
    band = bands[-1][0]
    if not res["vetoed"]:
        for bid, mn in bands:
            if total >= mn:
                band = bid
                break
    res["band"] = band
    res["compliant"] = ((not res["vetoed"]) and total >= sysd["pass"]
                        and not res["missing"])
    res["baseline"] = {b: bl_scored[b] > 0 and bl_ok[b] for b in bl_scored}
    return res


def expected_json(sysd, res):
    return {
        "system": sysd["id"],
        "version": sysd["version"],
        "total": fmt(res["total"], 2),
        "band": res["band"],
        "compliant": res["compliant"],
        "vetoed": res["vetoed"],
        "earned": fmt(res["earned"], 6),
        "max": fmt(res["max"], 6),
        "dimensions": [{"id": d, "earned": fmt(v[0], 6), "max": fmt(v[1], 6)}
                       for d, v in ((d, res["dims"][d]) for d in sysd["dims"]
                                    # a dimension of 0-point prerequisites
                                    # only has no points to show
                                    if d in res["dims"] and res["dims"][d][1])],
        "lost": res["lost"],
        "hazards": [{"item": i, "level": lvl} for i, lvl in res["hazards"]],
        "baseline": res["baseline"],
        "items": res["items"],
        "missing": res["missing"],
        "bonus": fmt(res["bonus"], 6) if sysd["bonus_cap"] else None,
        "table_total": fmt(sysd["total"], 2) if sysd["total"] else None,
    }


def compare(sysd, res, got):
    exp = expected_json(sysd, res)
    bad = []

    def chk(what, e, g):
        if e != g or isinstance(e, bool) != isinstance(g, bool):
            bad.append("%s: expected %s, schoolrisk printed %s" % (what, e, g))

    for k in ("system", "version", "band", "compliant", "vetoed", "total",
              "earned", "max", "baseline", "missing", "bonus", "table_total"):
        chk(k, exp[k], got.get(k))
    chk("dimensions", [(d["id"], d["earned"], d["max"])
                       for d in exp["dimensions"]],
        [(d["id"], d["earned"], d["max"]) for d in got.get("dimensions", [])])
    chk("lost", exp["lost"], [x["item"] for x in got.get("lost", [])])
    chk("hazards", exp["hazards"],
        [{"item": h["item"], "level": h["level"]}
         for h in got.get("hazards", [])])
    gitems = got.get("items", [])
    chk("item ids", [it["id"] for it in sysd["items"]],
        [x["item"] for x in gitems])
    for x in gitems:
        e = exp["items"].get(x["item"])
        if e is None:
            continue
        scored = e["fraction"] is not None
        chk(x["item"] + " applicable", e["applicable"], x["applicable"])
        chk(x["item"] + " earned", fmt(e["earned"], 6), x["earned"])
        chk(x["item"] + " max", fmt(e["max"], 6), x["max"])
        chk(x["item"] + " fraction",
            fmt(e["fraction"], 4) if scored else None, x["fraction"])
        if e["required"] is not None:
            chk(x["item"] + " required", fmt(e["required"], 4),
                x.get("required"))
    return bad


def main(argv):
    if len(argv) == 4 and argv[3] == "--applicable":
        sysd = load_system(argv[1])
        school = load_school(argv[2])
        for it in sysd["items"]:
            if all(cond_holds(w, school) for w in it["conds"]):
                print(it["id"])
        return 0
    if len(argv) not in (4, 6) or (len(argv) == 6 and argv[4] != "--compare"):
        sys.stderr.write(__doc__)
        return 2
    sysd = load_system(argv[1])
    school = load_school(argv[2])
    res = score(sysd, school, argv[3])
    if len(argv) == 4:
        e = expected_json(sysd, res)
        print("total %s band %s compliant %s vetoed %s earned %s max %s" % (
            e["total"], e["band"], str(e["compliant"]).lower(),
            str(e["vetoed"]).lower(), e["earned"], e["max"]))
        return 0
    with open(argv[5], encoding="utf-8") as fh:
        got = json.load(fh, parse_float=Decimal, parse_int=Decimal)
    bad = compare(sysd, res, got)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
