"""docs/api.md against the route table: the documented routes and the
implemented ones are the same set, each documented once, in the table's
order, with the roles the table gives.

The routes come from the server itself (`schoolrisk serve --routes`, the
table of src/web/routes.c); the documented ones are the headings of
docs/api.md of the form

    ### METHOD /api/v1/path

(path as in the table, {param} placeholders included), and each such
section names who may call it on one line of the form

    **Roles:** city, district, school, inspector

with the roles in the table's order (`public` and `signed-in` are the
special values --routes prints).  A route added to the table without its
section, a section left behind for a route that is gone, or a section
whose roles disagree with the table fails here.  No server is started.
"""

import os
import re
import subprocess

from srweb import BIN, ENV, SRC, case, expect, run

DOC = os.path.join(SRC, "docs", "api.md")

# A route heading: "### GET /api/v1/...".  Any level-3 heading that starts
# with an upper-case word and a path is taken for one, so that a heading
# with a typo ("### GETS /api/...") is reported rather than skipped.
HEADING = re.compile(r"^###\s+([A-Z]+)\s+(/\S*)\s*$")
ROUTE_LIKE = re.compile(r"^###\s+[A-Z]+\s+/")
ROLES = re.compile(r"^\*\*Roles:\*\*\s*(.*?)\s*$")


def route_table():
    """The rows of `schoolrisk serve --routes` as dicts, in order."""
    p = subprocess.run([BIN, "serve", "--routes"], env=ENV,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError("schoolrisk serve --routes: exit %d: %s"
                             % (p.returncode, p.stderr))
    lines = p.stdout.splitlines()
    head = lines[0].split("\t")
    expect(head[:3] == ["method", "path", "roles"],
           "unexpected --routes header %r" % head)
    return [dict(zip(head, line.split("\t"))) for line in lines[1:]]


def doc_sections():
    """[(method, path, heading line number, [roles lines])] in order."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read().splitlines()
    sections, current, fence = [], None, False
    for n, line in enumerate(text, 1):
        if line.lstrip().startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        if line.startswith("#"):
            m = HEADING.match(line)
            if m:
                current = (m.group(1), m.group(2), n, [])
                sections.append(current)
                continue
            if ROUTE_LIKE.match(line):
                raise AssertionError("line %d: a route heading not of the "
                                     "form '### METHOD /path': %r"
                                     % (n, line))
            # Any other heading ends the route's section.
            current = None
            continue
        m = ROLES.match(line)
        if m and current is not None:
            current[3].append((n, m.group(1)))
    return sections


def split_roles(text):
    return [r.strip().strip("`") for r in text.split(",") if r.strip()]


class Shared:
    def __init__(self):
        self.table = route_table()
        self.sections = doc_sections()
        self.implemented = [(r["method"], r["path"]) for r in self.table]
        self.documented = [(m, p) for m, p, _, _ in self.sections]


@case("the route table and docs/api.md are read")
def _(sh):
    expect(len(sh.table) > 0, "--routes printed no route")
    expect(len(sh.sections) > 0, "docs/api.md has no '### METHOD /path' "
           "heading")


@case("every implemented route is documented and every documented route "
      "is implemented")
def _(sh):
    impl, doc = set(sh.implemented), set(sh.documented)
    missing = [" ".join(r) for r in sh.implemented if r not in doc]
    extra = [" ".join(r) for r in sh.documented if r not in impl]
    problems = []
    if missing:
        problems.append("not documented in docs/api.md: "
                        + "; ".join(missing))
    if extra:
        problems.append("documented but not in the route table: "
                        + "; ".join(extra))
    expect(not problems, " | ".join(problems))


@case("no route is documented twice")
def _(sh):
    seen, twice = {}, []
    for m, p, n, _ in sh.sections:
        if (m, p) in seen:
            twice.append("%s %s (lines %d and %d)" % (m, p, seen[(m, p)], n))
        else:
            seen[(m, p)] = n
    expect(not twice, "documented more than once: " + "; ".join(twice))


@case("the sections follow the route table's order")
def _(sh):
    impl = [r for r in sh.implemented if r in set(sh.documented)]
    doc = []
    for r in sh.documented:
        if r in set(sh.implemented) and r not in doc:
            doc.append(r)
    for i, (a, b) in enumerate(zip(impl, doc)):
        expect(a == b, "section %d is %s, the table's route %d is %s"
               % (i + 1, " ".join(b), i + 1, " ".join(a)))


@case("each section names its roles exactly as the table does")
def _(sh):
    roles = {(r["method"], r["path"]): split_roles(r["roles"])
             for r in sh.table}
    problems = []
    for m, p, n, lines in sh.sections:
        want = roles.get((m, p))
        if want is None:
            continue  # reported by the set comparison
        if len(lines) != 1:
            problems.append("%s %s (line %d): %d '**Roles:**' lines, "
                            "expected 1" % (m, p, n, len(lines)))
            continue
        at, text = lines[0]
        got = split_roles(text)
        if got != want:
            problems.append("%s %s (line %d): Roles %s, the table says %s"
                            % (m, p, at, ", ".join(got) or "(none)",
                               ", ".join(want)))
    expect(not problems, " | ".join(problems))


run(Shared)
