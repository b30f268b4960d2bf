#!/usr/bin/python3
"""Re-draw an inspection plan from what anyone can read, and compare.

    plan_redraw.py PLAN.json SCHOOLS.json EXPERTS.csv ASSESSMENTS.json
                   HAZARDS.json VALID_MONTHS

PLAN.json is `schoolrisk plan show ID --json`; SCHOOLS.json is `schools
list --json`, EXPERTS.csv `experts list --format csv`, ASSESSMENTS.json
`assess list --json`, HAZARDS.json `hazards list --level major --json`;
VALID_MONTHS is the indicator system's valid-months.

From the plan this takes only what a published plan announces: its
scope, period, day (as_of), seed, shares, avoid_district and cap, and
each drawn expert's prior (the schools the other published plans of the
period had given the expert when the plan was made).  Every
other thing is worked out here, independently of the C code, by the
rules of docs/design.md ("Inspection plans"): which schools are
mandatory, the SplitMix64 stream and the Fisher-Yates draws of schools
and experts, each school's factors and needs, the risk order, and the
greedy assignment.  The script prints the first difference and exits 1,
or prints "plan N re-drawn: ..." and exits 0.
"""
import csv
import datetime
import json
import sys

MASK = (1 << 64) - 1
BAND = {"低风险": 0, "一般风险": 1, "较大风险": 2, "重大风险": 3}
NEVER = 4
SPECS = ["fire", "food", "building", "traffic", "lab_chemicals",
         "psychology", "special_education", "school_bus", "swimming",
         "general"]


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def shuffle(items, rng):
    """Fisher-Yates, the classic form: i from n-1 down to 1."""
    a = list(items)
    for i in range(len(a) - 1, 0, -1):
        j = rng.next() % (i + 1)
        a[i], a[j] = a[j], a[i]
    return a


def share(permille, n):
    return (permille * n + 500) // 1000 if permille > 0 else 0


def add_months(date, months):
    y, m, d = int(date[:4]), int(date[5:7]), int(date[8:10])
    t = y * 12 + (m - 1) + months
    y, m = t // 12, t % 12 + 1
    dim = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    if m == 2 and ((y % 4 == 0 and y % 100 != 0) or y % 400 == 0):
        dim = 29
    return "%04d-%02d-%02d" % (y, m, min(d, dim))


def days(a, b):
    return (datetime.date.fromisoformat(b) -
            datetime.date.fromisoformat(a)).days


def needs_of(s):
    n = set()
    if s["laboratory"]:
        n.add("lab_chemicals")
    if s["swimming_pool"]:
        n.add("swimming")
    if s["canteen"] or s["meal_delivery"]:
        n.add("food")
    if s["school_bus"]:
        n.add("school_bus")
    if s["stage"] == "special":
        n.add("special_education")
    return n


def names(specs):
    return ",".join(x for x in SPECS if x in specs)


def factors(s, last, hazards, as_of):
    """The risk factors of school s, its last inspection last (or None)."""
    open_major = [h for h in hazards
                  if h["school"] == s["code"] and h["status"] != "closed"]
    overdue = [h for h in open_major
               if h["deadline"] and h["deadline"] < as_of]
    return {
        "vetoed": bool(last and last["vetoed"]),
        "band": BAND[last["band_label"]] if last else NEVER,
        "overdue_major": len(overdue),
        "open_major": len(open_major),
        "boarders": s["boarders"],
        "special_needs": s["special_needs"],
        "kindergarten": s["stage"] == "kindergarten",
        "enrollment": s["enrollment"],
        "days_since": days(last["assessed_on"], as_of) if last else None,
    }


def risk_key(code, f):
    """Ascending sort key: the riskiest school first."""
    never = f["days_since"] is None
    return (-int(f["vetoed"]), -f["band"], -f["overdue_major"],
            -f["open_major"], -f["boarders"], -f["special_needs"],
            -int(f["kindergarten"]), -f["enrollment"],
            (0, 0) if never else (1, -f["days_since"]), code)


def redraw(plan, schools, experts, assessments, hazards, months):
    start, end, as_of = plan["start"], plan["end"], plan["as_of"]
    scope = [s for s in schools
             if not s["closed"] and (plan["district"] is None or
                                     s["district"] == plan["district"])]
    scope.sort(key=lambda s: s["code"])
    latest = {}
    for a in assessments:
        if a["kind"] != "inspection" or a["status"] != "submitted":
            continue
        if a["assessed_on"] > as_of:
            continue
        old = latest.get(a["school"])
        if not old or (a["assessed_on"], a["id"]) > (old["assessed_on"],
                                                      old["id"]):
            latest[a["school"]] = a
    rows, pool = {}, []
    for s in scope:
        last = latest.get(s["code"])
        expires = add_months(last["assessed_on"], months) if last else None
        mandatory = expires is None or expires <= end
        rows[s["code"]] = {
            "school": s["code"], "name": s["name"],
            "reason": "mandatory" if mandatory else "drawn",
            "needs": needs_of(s),
            "f": factors(s, last, hazards, as_of),
            "last_on": last["assessed_on"] if last else None,
            "expires_on": expires,
        }
        if not mandatory:
            pool.append(s["code"])
    rng = SplitMix64(int(plan["seed"]))
    drawn = shuffle(pool, rng)[:share(plan["school_share"], len(pool))]
    planned = [c for c in rows if rows[c]["reason"] == "mandatory"]
    planned += drawn
    planned.sort(key=lambda c: risk_key(c, rows[c]["f"]))

    certified = [e for e in experts
                 if e["status"] == "active" and e["certified_on"] <= start
                 and e["expires_on"] >= start]
    certified.sort(key=lambda e: e["login"].encode())
    order = shuffle(certified, rng)
    need_all = set().union(*(rows[c]["needs"] for c in planned)) \
        if planned else set()
    n = 0
    if planned and order:
        n = max(1, share(plan["expert_share"], len(order)))
        for spec in need_all:
            for i, e in enumerate(order):
                if spec in e["specs"]:
                    n = max(n, i + 1)
                    break
    chosen = order[:n]
    load = {e["login"]: 0 for e in chosen}
    prior = {e["login"]: e["prior"] for e in plan["experts"]}

    def period_load(e):
        """The balance and the cap are on the period's load."""
        return prior.get(e["login"], 0) + load[e["login"]]

    def excluded(e, r, s):
        if e["unit"] in (r["school"], r["name"]):
            return True
        if plan["avoid_district"] and e["district"] == s["district"]:
            return True
        return plan["cap"] > 0 and period_load(e) >= plan["cap"]

    by_code = {s["code"]: s for s in scope}
    for c in planned:
        r = rows[c]
        ok = [e for e in chosen if not excluded(e, r, by_code[c])]
        if not ok:
            r["expert"] = None
            continue
        best = min(ok, key=lambda e: (-len(e["specs"] & r["needs"]),
                                      period_load(e), e["login"].encode()))
        r["expert"] = best["login"]
        r["covered"] = best["specs"] & r["needs"]
        r["missing"] = r["needs"] - best["specs"]
        r["load_before"] = period_load(best)
        r["prior"] = prior.get(best["login"], 0)
        load[best["login"]] += 1
    return planned, rows, chosen, load


def main():
    plan = json.load(open(sys.argv[1], encoding="utf-8"))
    schools = json.load(open(sys.argv[2], encoding="utf-8"))
    experts = list(csv.DictReader(open(sys.argv[3], encoding="utf-8",
                                       newline="")))
    for e in experts:
        e["specs"] = set(e["specialities"].split(","))
    assessments = json.load(open(sys.argv[4], encoding="utf-8"))
    hazards = json.load(open(sys.argv[5], encoding="utf-8"))["hazards"]
    hazards = [h for h in hazards if h["level"] == "major"]
    months = int(sys.argv[6])
    planned, rows, chosen, load = redraw(plan, schools, experts,
                                         assessments, hazards, months)
    problems = []

    def differ(what, want, got):
        if want != got:
            problems.append("%s: re-drawn %r, the plan says %r" %
                            (what, want, got))

    differ("the schools in risk order", planned,
           [s["school"] for s in plan["schools"]])
    differ("the drawn experts", [e["login"] for e in chosen],
           [e["login"] for e in plan["experts"]])
    for rank, s in enumerate(plan["schools"], 1):
        r = rows.get(s["school"])
        if not r or s["school"] not in planned:
            continue
        w = "school %s" % s["school"]
        differ(w + " rank", rank, s["rank"])
        differ(w + " reason", r["reason"], s["reason"])
        differ(w + " needs", names(r["needs"]), s["needs"])
        for k, v in r["f"].items():
            differ(w + " " + k, v, s[k])
        differ(w + " last_on", r["last_on"], s["last_on"])
        differ(w + " expires_on", r["expires_on"], s["expires_on"])
        differ(w + " expert", r["expert"], s["expert"])
        if r["expert"]:
            differ(w + " covered", names(r["covered"]), s["covered"])
            differ(w + " missing", names(r["missing"]), s["missing"])
            differ(w + " load_before", r["load_before"], s["load_before"])
            tail = "负荷 %d→%d" % (r["load_before"], r["load_before"] + 1)
            if r["prior"]:
                tail += "（含其他计划 %d 所）" % r["prior"]
            differ(w + " why's load", True, s["why"].endswith(tail))
    for e in plan["experts"]:
        differ("expert %s load" % e["login"], load.get(e["login"]),
               e["load"])
    if problems:
        print("plan %d does not re-draw:" % plan["id"])
        for p in problems[:20]:
            print("  " + p)
        sys.exit(1)
    print("plan %d re-drawn: %d schools, %d experts, %d pairs, all equal" %
          (plan["id"], len(planned), len(chosen),
           sum(1 for c in planned if rows[c]["expert"])))


if __name__ == "__main__":
    main()
