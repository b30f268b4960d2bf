"""The service's messages in Chinese: the bureau's staff read every error
in Chinese (the default, and for a browser that prefers zh-CN), and the
same request with Accept-Language: en reads the English text.  The
messages are the library's (the hazard loop's field checks, its state
machine, four eyes, sign-in on the Argon2id pool's threads) and the
front end's own (404, 401)."""

import urllib.parse

from srweb import Server, case, expect, expect_error, expect_status, run

ZH = "zh-CN,zh;q=0.9,en;q=0.8"
EN = "en-US,en;q=0.9"
SCHOOL = "2137010231"


class Shared:
    def __init__(self):
        self.s = Server()
        # The district adds a hazard found outside an assessment.
        self.lixia = self.s.as_user("lixia", lang=ZH)
        r = self.lixia.post("/api/v1/hazards", {
            "school": SCHOOL, "level": "general",
            "description": "消防通道堆放杂物"})
        expect_status(r, 201)
        self.hazard = r.json["hazard"]["id"]

    def close(self):
        self.s.close()


def both(c, method, path, body=None):
    """The same request in Chinese, then in English."""
    c.lang = ZH
    zh = c.request(method, path, body=body)
    c.lang = EN
    en = c.request(method, path, body=body)
    c.lang = ZH
    return zh, en


@case("a request without Accept-Language is answered in Chinese")
def _(sh):
    c = sh.s.client(lang="")
    r = c.request("GET", "/api/v1/hazards", headers={})
    expect_error(r, 401, "unauthorized", "请先登录")


@case("sign-in refused (on the Argon2id threads): Chinese, or English")
def _(sh):
    c = sh.s.client()
    zh, en = both(c, "POST", "/api/v1/session",
                  {"login": "lixia", "password": "Wrong#Password1"})
    expect_error(zh, 401, "unauthorized", "登录名或密码错误，或账号已锁定")
    expect_error(en, 401, "unauthorized",
                 "wrong login or password, or the account is locked")


@case("the hazard loop's 422s name the field, with the message in Chinese")
def _(sh):
    path = "/api/v1/hazards/%d/assign" % sh.hazard
    zh, en = both(sh.lixia, "POST", path,
                  {"responsible": "王建国", "deadline": "2099-13-45"})
    expect_error(zh, 422, "invalid",
                 "整改期限“2099-13-45”不是有效日期（YYYY-MM-DD）",
                 field="deadline")
    expect_error(en, 422, "invalid",
                 "deadline '2099-13-45' is not a valid date (YYYY-MM-DD)",
                 field="deadline")
    zh, en = both(sh.lixia, "POST", path,
                  {"responsible": "  ", "deadline": "2099-12-31"})
    expect_error(zh, 422, "invalid", "整改责任人不能为空",
                 field="responsible")
    expect_error(en, 422, "invalid", "the responsible person is empty",
                 field="responsible")


@case("a step the hazard's state refuses: 409 in Chinese, with the "
      "status's label and what it allows")
def _(sh):
    zh, en = both(sh.lixia, "POST", "/api/v1/hazards/%d/verify" % sh.hazard,
                  {})
    expect_error(zh, 409, "state",
                 "隐患 %d 处于“登记”（open）状态：可以交办（hazard assign），"
                 "不能复查" % sh.hazard)
    expect_error(en, 409, "state",
                 "hazard %d is open (登记): it can be assigned ('hazard "
                 "assign'), not verified" % sh.hazard)


@case("four eyes: who submitted the rectification cannot verify it (409 "
      "in Chinese); someone else can")
def _(sh):
    h = sh.hazard
    r = sh.lixia.post("/api/v1/hazards/%d/assign" % h,
                      {"responsible": "王建国", "deadline": "2099-12-31",
                       "measures": "清理消防通道"})
    expect_status(r, 200)
    r = sh.lixia.post("/api/v1/hazards/%d/submit" % h,
                      {"note": "已清理，通道畅通"})
    expect_status(r, 200)
    zh, en = both(sh.lixia, "POST", "/api/v1/hazards/%d/verify" % h, {})
    expect_error(zh, 409, "state",
                 "隐患 %d：整改由“历下区教体局”提交，因此“历下区教体局”"
                 "不能复查；复查销号须由他人进行（双人复核）" % h)
    expect_error(en, 409, "state",
                 "hazard %d: the rectification was submitted by '历下区教体局', "
                 "so '历下区教体局' cannot verify it; the review (复查销号) "
                 "must be done by someone else (four eyes)" % h)
    other = sh.s.as_user("lixia2", lang=ZH)
    expect_status(other.post("/api/v1/hazards/%d/verify" % h, {}), 200)
    # Closed: nothing more, said in Chinese.
    zh, en = both(other, "POST", "/api/v1/hazards/%d/reject" % h,
                  {"reason": "复查不合格"})
    expect_error(zh, 409, "state",
                 "隐患 %d 处于“已销号”（closed）状态：不能再进行任何操作" % h)
    expect_error(en, 409, "state",
                 "hazard %d is closed (已销号): no further steps are allowed"
                 % h)


@case("404s: an unknown district, hazard or route; an unknown user is a "
      "400 naming the query")
def _(sh):
    zh, en = both(sh.lixia, "GET", "/api/v1/districts/999999")
    expect_error(zh, 404, "not_found", "没有区县“999999”")
    expect_error(en, 404, "not_found", "no district '999999'")
    zh, en = both(sh.lixia, "GET", "/api/v1/hazards/999999")
    expect_error(zh, 404, "not_found", "未找到")
    expect_error(en, 404, "not_found", "not found")
    zh, en = both(sh.lixia, "GET", "/api/v1/nothing")
    expect_error(zh, 404, "not_found", "没有此 API 路径")
    expect_error(en, 404, "not_found", "no such API route")
    admin = sh.s.as_user("admin", lang=ZH)
    zh, en = both(admin, "GET", "/api/v1/security-log?user=nobody")
    expect_error(zh, 400, "bad_query", "没有用户“nobody”", field="user")
    expect_error(en, 400, "bad_query", "no user 'nobody'", field="user")


@case("values as the bureau writes them: a level, a status, a period and "
      "dates in Chinese, answered in the canonical forms")
def _(sh):
    q = urllib.parse.quote
    r = sh.lixia.post("/api/v1/hazards", {
        "school": SCHOOL, "level": "重大", "description": "配电室未上锁",
        "found_on": "2026年1月5日"})
    expect_status(r, 201)
    h = r.json["hazard"]
    expect(h["level"] == "major" and h["found_on"] == "2026-01-05", h)
    r = sh.lixia.post("/api/v1/hazards/%d/assign" % h["id"],
                      {"responsible": "王建国", "deadline": "2099/12/31"})
    expect_status(r, 200)
    expect(r.json["hazard"]["deadline"] == "2099-12-31", r.json)
    en = sh.lixia.get("/api/v1/hazards?status=rectifying&level=major").json
    zh = sh.lixia.get("/api/v1/hazards?status=%s&level=%s"
                      % (q("整改中"), q("重大隐患"))).json
    expect(h["id"] in [x["id"] for x in zh["items"]] and
           zh["items"] == en["items"], zh)
    r = sh.lixia.get("/api/v1/districts/370102?period=" + q("2026年第四季度"))
    expect_status(r, 200)
    expect(r.json["period"]["label"] == "2026Q4", r.json["period"])
    r = sh.lixia.get("/api/v1/districts/370102?period=" + q("2026年12月"))
    expect(r.json["period"]["label"] == "2026-12", r.json["period"])
    zh, en = both(sh.lixia, "GET", "/api/v1/hazards?level=" + q("较大"))
    expect_error(zh, 400, "bad_query",
                 "未知隐患级别“较大”（应为 general 一般 或 major 重大）",
                 field="level")
    expect_error(en, 400, "bad_query",
                 "unknown level '较大' (general 一般 or major 重大)",
                 field="level")


@case("an unknown period: 400 in Chinese, naming the field")
def _(sh):
    zh, en = both(sh.lixia, "GET", "/api/v1/districts/370102?period=2026Q9")
    expect_error(zh, 400, "bad_query",
                 "统计期“2026Q9”无效（应为季度如 2026Q3 或 2026年第三季度、"
                 "月份如 2026-09 或 2026年9月、或年份如 2026 或 2026年）",
                 field="period")
    expect_error(en, 400, "bad_query",
                 "bad period '2026Q9' (expected a quarter like 2026Q3 or "
                 "2026年第三季度, a month like 2026-09 or 2026年9月, or a year "
                 "like 2026 or 2026年)", field="period")


run(Shared)
