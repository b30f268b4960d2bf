#!/usr/bin/python3
"""Random format-2 systems, schools and answers, scored by `schoolrisk
score --json` and by the independent checker score_check.py, which must
agree on every figure (run by tests/cli/test_format2.sh).

Each case is a new system mixing every format-2 construct with format
1's: levels in points (2 decimals, so exactness is tested where
fractions would round: 33.33 of 99.99), 0-point veto prerequisites,
conditions joined by any/all/not at every level, deductions by reason,
levels that declare a hazard, outcome items (hazard="none" on the
item), plus checks, fraction levels, deductions and entered ratios; and
(part 2) groups of sub-items by rule failed (with a sub-item that zeroes
the group) or deduct, deductions by shortfall against a requirement
derived from enrollment or population (enrollment + staff), bonus items
under a cap, and a declared table total.  The answers are random but valid.

usage: fmt2_random.py SCHOOLRISK WORKDIR CASES SEED
prints "N cases agree" or the first disagreements; exit 1 on any.
"""
import json
import os
import random
import subprocess
import sys
from decimal import Decimal

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score_check  # noqa: E402  the independent scorer

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<system xmlns="urn:schoolrisk:indicators:1" format="2" id="r" version="1"
        title="随机"%s>
  <stages><stage>primary</stage></stages>
  <grading pass="80" valid-months="12">
    <band id="low" label="低风险" colour="blue" min="90"/>
    <band id="general" label="一般风险" colour="yellow" min="80"/>
    <band id="elevated" label="较大风险" colour="orange" min="60"/>
    <band id="major" label="重大风险" colour="red" min="0"/>
  </grading>
"""
BASELINE = """  <dimension id="B" title="基线">
    <indicator id="B.1" title="四个100%">
      <item id="B1" points="1" method="check" baseline="guards"><title>a</title></item>
      <item id="B2" points="1" method="check" baseline="closed-campus"><title>b</title></item>
      <item id="B3" points="1" method="check" baseline="alarm-video"><title>c</title></item>
      <item id="B4" points="1" method="check" baseline="protection-posts"><title>d</title></item>
    </indicator>
  </dimension>
"""


def money(r, lo, hi):
    """A random amount with at most 2 decimals in [lo, hi] hundredths."""
    return r.randint(lo, hi)


def txt(h):
    """Hundredths as the XML writes them: 1234 -> 12.34, 1200 -> 12."""
    whole, cents = divmod(h, 100)
    return "%d.%02d" % (whole, cents) if cents else "%d" % whole


def leaf(r):
    k = r.randrange(5)
    if k == 0:
        return '<when attr="%s" %s="%d"/>' % (
            r.choice(("enrollment", "population")),
            r.choice(("ge", "lt", "gt", "le")), r.choice((300, 1000, 1500)))
    if k == 1:
        return '<when attr="boarding" eq="%s"/>' % r.choice(("true", "false"))
    if k == 2:
        return '<when attr="locale" in="%s"/>' % r.choice(
            ("urban", "town rural", "rural"))
    if k == 3:
        return '<when attr="canteen" ne="%s"/>' % r.choice(("true", "false"))
    return '<when attr="ownership" eq="%s"/>' % r.choice(("public", "private"))


def cond(r, depth=0):
    k = r.randrange(4) if depth < 2 else 0
    if k == 0:
        return leaf(r)
    if k == 3:
        return "<not>%s</not>" % cond(r, depth + 1)
    tag = "any" if k == 1 else "all"
    return "<%s>%s</%s>" % (tag, "".join(cond(r, depth + 1)
                                       for _ in range(r.randint(2, 3))), tag)


def conds(r):
    return "".join(cond(r) for _ in range(r.choice((0, 0, 1, 2))))


def group(r, iid, pts, c):
    n = r.randint(2, 6)
    members = "".join(
        '<item id="%s.m%d"%s><title>m</title>%s</item>' % (
            iid, j, ' zeroes="true"' if r.random() < 0.15 else "",
            conds(r) if r.random() < 0.2 else "")
        for j in range(n))
    if r.random() < 0.5:
        return ('<group id="%s" points="%s" rule="deduct" per="%s">'
                "<title>g</title>%s%s</group>" % (
                    iid, txt(pts), txt(money(r, 1, pts)), c, members))
    steps, cnt, left = [], 0, pts
    for _ in range(r.randint(1, n)):
        cnt += 1 if not steps else r.randint(1, 2)
        if cnt > n:
            break
        left = r.randint(0, left)
        steps.append('<failed count="%d" points="%s"/>' % (cnt, txt(left)))
    return ('<group id="%s" points="%s" rule="failed"><title>g</title>'
            "%s%s%s</group>" % (iid, txt(pts), c, "".join(steps), members))


def shortfall(r, iid, pts, c):
    frm, steps = 0, []
    for _ in range(r.randint(1, 3)):
        steps.append('<step from="%d" value="%d"/>' % (frm, r.randint(1, 5)))
        frm += r.choice((300, 700, 1000))
    return ('<item id="%s" points="%s" method="deduct"><title>t</title>%s'
            '<deduct per="%s" unit="人"><required attr="%s">%s'
            "</required></deduct></item>" % (iid, txt(pts), c,
                                             txt(money(r, 1, pts)),
                                             r.choice(("enrollment",
                                                       "population")),
                                             "".join(steps)))


def item(r, iid):
    k = r.randrange(11)
    pts = money(r, 1, 9999)
    c = conds(r) if r.random() < 0.3 else ""
    if k == 8:
        return group(r, iid, pts, c)
    if k == 9:
        return shortfall(r, iid, pts, c)
    if k == 10:
        # a bonus item (附加分): a check or levels in points
        if r.random() < 0.5:
            return ('<item id="%s" points="%s" method="check" bonus="true">'
                    "<title>t</title>%s</item>" % (iid, txt(pts), c))
        return ('<item id="%s" points="%s" method="levels" bonus="true">'
                "<title>t</title>%s<levels><level value=\"L0\" points=\"%s\"/>"
                '<level value="L1" points="%s"/></levels></item>' % (
                    iid, txt(pts), c, txt(pts), txt(r.randint(0, pts))))
    if k == 0:
        return ('<item id="%s" points="0" method="check" veto="true">'
                "<title>t</title>%s</item>" % (iid, c))
    if k == 1:
        n = r.randint(2, 5)
        vals = [pts] + [r.randint(0, pts) for _ in range(n - 1)]
        levels = []
        for j, v in enumerate(vals):
            hz = ""
            if j and v < pts and r.random() < 0.4:
                hz = ' hazard="%s"' % r.choice(("none", "general", "major"))
            levels.append('<level value="L%d" points="%s"%s/>' % (j, txt(v), hz))
        return ('<item id="%s" points="%s" method="levels"><title>t</title>'
                "%s<levels>%s</levels></item>" % (iid, txt(pts), c,
                                                  "".join(levels)))
    if k == 2:
        fr = ["1"] + ["0.%04d" % r.randint(0, 9999)
                      for _ in range(r.randint(1, 3))]
        return ('<item id="%s" points="%s" method="levels"><title>t</title>'
                "%s<levels>%s</levels></item>" % (
                    iid, txt(pts), c, "".join(
                        '<level value="F%d" fraction="%s"/>' % (j, f)
                        for j, f in enumerate(fr))))
    if k == 3:
        reasons = "".join('<reason value="R%d" per="%s"/>' % (
            j, txt(money(r, 1, 500))) for j in range(r.randint(1, 4)))
        return ('<item id="%s" points="%s" method="deduct"><title>t</title>'
                "%s<deduct>%s</deduct></item>" % (iid, txt(pts), c, reasons))
    if k == 4:
        return ('<item id="%s" points="%s" method="deduct"><title>t</title>'
                '%s<deduct per="%s"/></item>' % (iid, txt(pts), c,
                                                 txt(money(r, 1, 500))))
    if k == 5:
        return ('<item id="%s" points="%s" method="ratio"><title>t</title>'
                "%s<ratio/></item>" % (iid, txt(pts), c))
    veto = ' veto="true"' if r.random() < 0.2 else ""
    return ('<item id="%s" points="%s" method="check"%s><title>t</title>'
            "%s</item>" % (iid, txt(pts), veto, c))


def system(r):
    out = []
    for d in range(r.randint(1, 3)):
        out.append('  <dimension id="D%d" title="d">%s\n' % (d, conds(r) if
                                                              r.random() < 0.2
                                                              else ""))
        for i in range(r.randint(1, 2)):
            out.append('    <indicator id="D%d.%d" title="i">%s\n' % (
                d, i, conds(r) if r.random() < 0.2 else ""))
            for t in range(r.randint(1, 4)):
                x = item(r, "D%d.%d.%d" % (d, i, t))
                # an outcome item, raising no hazard (an item, not a
                # group's first sub-item)
                if x.startswith("<item ") and r.random() < 0.15:
                    x = x.replace("<item ", '<item hazard="none" ', 1)
                out.append("      %s\n" % x)
            out.append("    </indicator>\n")
        out.append("  </dimension>\n")
    out.append(BASELINE)
    out.append("</system>\n")
    body = "".join(out)
    extra = ""
    if 'bonus="true"' in body:
        # a cap below, at or above what the bonus items can earn
        extra += ' bonus-cap="%s"' % txt(money(r, 1, 20000))
    if r.random() < 0.3:
        # the paper total: every points="" that is not a bonus item's
        # (sub-items have none; baseline items count)
        total = 0
        for line in body.split("<"):
            if (line.startswith("item ") or line.startswith("group ")) and \
                    'points="' in line and 'bonus="true"' not in line:
                total += score_check.scaled(
                    line.split('points="')[1].split('"')[0], 100)
        extra += ' total="%s"' % txt(total)
    return HEAD % extra + body


def school(r):
    return ("stage=primary\nenrollment=%d\nstaff=%d\nboarding=%s\n"
            "locale=%s\ncanteen=%s\nownership=%s\n" % (
                r.choice((0, 299, 300, 999, 1000, 1499, 1500, 2600)),
                r.choice((0, 1, 40, 95)),
                r.choice(("true", "false")),
                r.choice(("urban", "town", "rural")),
                r.choice(("true", "false")),
                r.choice(("public", "private"))))


def answer(r, it, xml_item):
    m = it["method"]
    if "short" in it:
        return str(r.randint(0, 6))
    if m == "check":
        return r.choice(("pass", "fail", "符合", "不符合"))
    if m == "levels":
        return r.choice(sorted(it["levels"]))
    if m == "deduct":
        if "reasons" in it:
            names = sorted(it["reasons"])
            if r.random() < 0.15:
                return "0"
            picked = r.sample(names, r.randint(1, len(names)))
            return ";".join("%s=%d" % (n, r.randint(0, 30)) for n in picked)
        return str(r.randint(0, 40))
    if m == "ratio":
        req = r.randint(1, 500)
        return "%d/%d" % (r.randint(0, 600), req)
    raise ValueError(m)


def main(argv):
    binary, work, cases, seed = argv[1], argv[2], int(argv[3]), int(argv[4])
    r = random.Random(seed)
    os.makedirs(work, exist_ok=True)
    xml, sch, csvp, js = (os.path.join(work, n) for n in
                          ("r.xml", "r.school", "r.csv", "r.json"))
    done = skipped = 0
    for case in range(cases):
        with open(xml, "w", encoding="utf-8") as fh:
            fh.write(system(r))
        with open(sch, "w", encoding="utf-8") as fh:
            fh.write(school(r))
        sysd = score_check.load_system(xml)
        s = score_check.load_school(sch)
        rows = ["item,value"]
        for it in sysd["items"]:
            if it["method"] == "group":
                continue  # scored from its sub-items, never answered
            if all(score_check.cond_holds(w, s) for w in it["conds"]):
                rows.append("%s,%s" % (it["id"], answer(r, it, None)))
        with open(csvp, "w", encoding="utf-8") as fh:
            fh.write("\n".join(rows) + "\n")
        p = subprocess.run([binary, "score", "--system", xml, "--school", sch,
                            "--responses", csvp, "--json"],
                           capture_output=True, text=True)
        try:
            res = score_check.score(sysd, s, csvp)
        except ValueError as e:
            # nothing applicable with points: the program must refuse too
            if p.returncode == 0:
                print("case %d: checker says %s, schoolrisk scored" % (case, e))
                return 1
            skipped += 1
            continue
        if p.returncode != 0:
            print("case %d: schoolrisk failed: %s" % (case, p.stderr.strip()))
            os.replace(xml, xml + ".bad")
            return 1
        with open(js, "w", encoding="utf-8") as fh:
            fh.write(p.stdout)
        got = json.loads(p.stdout, parse_float=Decimal, parse_int=Decimal)
        bad = score_check.compare(sysd, res, got)
        if bad:
            print("case %d (seed %d) disagrees:" % (case, seed))
            for b in bad[:10]:
                print("  " + b)
            os.replace(xml, xml + ".bad")
            return 1
        done += 1
    print("%d cases agree (%d with nothing to score, refused by both)" % (
        done, skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
