"""Evidence files through the service: uploads checked by content (a
photo or a PDF, never an HTML page or a program with a .jpg name), stored
once under their SHA-256, served to whoever may see a school they were
uploaded for and to nobody else."""

import hashlib
import http.client
import os
from urllib.parse import quote

from srweb import (Response, Server, case, expect, expect_error,
                   expect_status, run)

A = "2137010231"   # 燕翔小学 (yanxiang), 历下区
B = "2137010232"   # 甸柳第一小学 (dianliu), 历下区

JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00"
        b"\x00" + bytes(range(256)) * 8 + b"\xff\xd9")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
       b"\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 64)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


class Shared:
    def __init__(self):
        self.s = Server()
        self.a = self.s.as_user("yanxiang", lang="en")
        self.b = self.s.as_user("dianliu", lang="en")
        self.lixia = self.s.as_user("lixia", lang="en")
        self.shizhong = self.s.as_user("shizhong", lang="en")

    def close(self):
        self.s.close()


def upload(c, school, data, name=None, ctype="application/octet-stream"):
    path = "/api/v1/evidence?school=" + school
    if name is not None:
        path += "&name=" + quote(name)
    return c.request("POST", path, raw=data, content_type=ctype)


def announce(c, school, length):
    """Announce a body of length bytes and send none of it: the server
    answers from the headers (a client uploading a huge file sees the
    answer before it has sent the file)."""
    conn = http.client.HTTPConnection("127.0.0.1", c.server.port, timeout=60)
    conn.putrequest("POST", "/api/v1/evidence?school=" + school)
    for k, v in (("Accept-Language", c.lang), ("Origin", c.origin),
                 ("X-CSRF-Token", c.csrf), ("Cookie", "sr_session=" + c.cookie),
                 ("Content-Type", "image/jpeg"),
                 ("Content-Length", str(length))):
        conn.putheader(k, v)
    conn.endheaders()
    resp = conn.getresponse()
    got = Response(resp.status, resp.getheaders(), resp.read())
    conn.close()
    return got


@case("JPEG, PNG and PDF are stored under their SHA-256; the same file "
      "again is 200")
def _(sh):
    for data, name, typ in ((JPEG, "东门.jpg", "image/jpeg"),
                            (PNG, "围墙.png", "image/png"),
                            (PDF, "验收记录.pdf", "application/pdf")):
        r = upload(sh.a, A, data, name)
        expect_status(r, 201, name)
        j = r.json
        sha = hashlib.sha256(data).hexdigest()
        expect(j["sha256"] == sha and j["type"] == typ and
               j["size"] == len(data) and j["name"] == name and
               j["school"] == A and j["uploaded_by"] == "燕翔小学安全员", j)
        path = os.path.join(sh.s.dir, "evidence", sha[:2], sha)
        with open(path, "rb") as f:
            expect(f.read() == data, "stored bytes of " + name)
    r = upload(sh.a, A, JPEG, "again.jpg")
    expect_status(r, 200, "the same file again")
    expect(r.json["name"] == "东门.jpg", "the first upload's record wins")
    # the type is the content's, whatever the client says
    r = upload(sh.a, A, PNG, "x.jpg", ctype="image/jpeg")
    expect(r.json["type"] == "image/png", r.json)


@case("an HTML page, a program named .jpg and an empty body are refused "
      "with the library's message; a body over the cap is 413")
def _(sh):
    r = upload(sh.a, A, HTML, "photo.jpg", ctype="image/jpeg")
    expect_error(r, 422, "invalid",
                 "the file is not a JPEG, PNG or WebP photo nor a PDF (its "
                 "content looks like text (HTML, XML or JSON))")
    r = upload(sh.a, A, ELF, "photo.jpg", ctype="image/jpeg")
    expect_error(r, 422, "invalid",
                 "the file is not a JPEG, PNG or WebP photo nor a PDF (its "
                 "content looks like a program)")
    expect_error(upload(sh.a, A, b"", "empty.jpg"), 422, "invalid",
                 "the file is empty")
    expect_error(announce(sh.a, A, 20 * 1024 * 1024 + 1), 413, "too_large")
    for data in (HTML, ELF):
        sha = hashlib.sha256(data).hexdigest()
        expect(not os.path.exists(os.path.join(sh.s.dir, "evidence", sha[:2],
                                               sha)), "nothing stored")
    n = sh.s.sql("SELECT count(*) FROM evidence WHERE type NOT IN "
                 "('image/jpeg', 'image/png', 'application/pdf')")[0][0]
    expect(n == 0, "no record of a refused file")


@case("uploads only for a school in one's scope; the school is required")
def _(sh):
    expect_error(upload(sh.a, B, JPEG, "x.jpg"), 403, "forbidden",
                 field="school")
    expect_error(upload(sh.shizhong, A, JPEG, "x.jpg"), 403, "forbidden")
    c = sh.a
    r = c.request("POST", "/api/v1/evidence", raw=JPEG,
                  content_type="image/jpeg")
    expect_error(r, 400, "missing_field", field="school")
    expect_error(upload(sh.s.as_user("city", lang="en"), A, JPEG), 403,
                 "forbidden")


@case("a file of school A: school B gets 404, A's district the same bytes, "
      "typed, inline and immutable")
def _(sh):
    sha = hashlib.sha256(JPEG).hexdigest()
    url = "/api/v1/evidence/" + sha
    expect_error(sh.b.get(url), 404, "not_found")
    expect_error(sh.shizhong.get(url), 404, "not_found")
    for c in (sh.a, sh.lixia, sh.s.as_user("insp", lang="en")):
        r = c.get(url)
        expect_status(r, 200)
        expect(r.body == JPEG, "the same bytes")
        expect(r.header("Content-Type") == "image/jpeg" and
               r.header("Cache-Control") ==
               "private, max-age=31536000, immutable" and
               r.header("Content-Disposition") == "inline" and
               r.header("X-Content-Type-Options") == "nosniff", r.headers)
    # once B uploads the same photo for itself, B may fetch it too
    r = upload(sh.b, B, JPEG, "甸柳.jpg")
    expect_status(r, 201, "a new record for school B")
    expect_status(sh.b.get(url), 200)
    r = sh.a.get("/api/v1/evidence/" + hashlib.sha256(PDF).hexdigest())
    expect(r.header("Content-Type") == "application/pdf", r.headers)


def items_of(v):
    """Every checklist item (a dict with an id and a method), depth first."""
    if isinstance(v, dict):
        if "id" in v and "method" in v:
            yield v
        for x in v.values():
            yield from items_of(x)
    elif isinstance(v, list):
        for x in v:
            yield from items_of(x)


@case("changing an answer keeps its photos; an empty list removes them")
def _(sh):
    r = sh.a.post("/api/v1/schools/%s/self-inspections" % A, {})
    expect_status(r, 201)
    aid = r.json["assessment"]["id"]
    chk = sh.a.get("/api/v1/schools/%s/checklist" % A).json
    item = next(i for i in items_of(chk) if i["method"] == "check")["id"]
    photo = upload(sh.a, A, JPEG + b"keep").json["sha256"]
    url = "/api/v1/assessments/%d/answers/%s" % (aid, item)

    def files():
        got = sh.a.get("/api/v1/assessments/%d" % aid).json
        ans = [a for a in got["answers"] if a["item"] == item]
        return ans[0]["files"] if ans else None

    expect_status(sh.a.put(url, {"value": "不符合", "files": [photo]}), 200)
    expect(files() == [photo], files())
    expect_status(sh.a.put(url, {"value": "符合"}), 200)
    expect(files() == [photo], "a changed answer lost its photo: %r"
           % files())
    expect_status(sh.a.post("/api/v1/assessments/%d/answers" % aid,
                            {"answers": [{"item": item,
                                          "value": "不符合"}]}), 200)
    expect(files() == [photo], "a bulk answer lost the photo: %r" % files())
    expect_status(sh.a.put(url, {"value": "符合", "files": []}), 200)
    expect(files() == [], files())


@case("unknown, malformed and traversing names are 404")
def _(sh):
    for path in ("/api/v1/evidence/" + "0" * 64,
                 "/api/v1/evidence/" + "A" * 64,
                 "/api/v1/evidence/not-a-hash",
                 "/api/v1/evidence/../../etc/passwd",
                 "/api/v1/evidence/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                 "/api/v1/evidence/..%2f..%2fetc%2fpasswd"):
        r = sh.lixia.get(path)
        expect_status(r, 404, path)
        expect(b"root:" not in r.body, path)
    # a file that is recorded but missing on disk is 404 too
    sha = hashlib.sha256(PNG).hexdigest()
    os.unlink(os.path.join(sh.s.dir, "evidence", sha[:2], sha))
    expect_error(sh.a.get("/api/v1/evidence/" + sha), 404, "not_found")


run(Shared)
