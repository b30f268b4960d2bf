"""The school registry through the service: listing with filters, search,
paging and scope; imports by a district office (its own schools only,
all or nothing, every bad line listed) and by the city."""

from urllib.parse import quote

from srweb import Server, case, expect, expect_error, expect_status, run

HEADER = ("学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
          "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n")
NEW1 = ("2137010241,济南市历下区燕山小学,历下区,小学,公办,城区,否,否,是,是,否,"
        "960,0,1,刘洋,0531-86010241\n")
NEW2 = ("2137010242,济南市历下区山大路幼儿园,历下区,幼儿园,民办,城区,否,否,是,"
        "否,否,180,0,0,,\n")
# The registry's own 历下区 schools, as srweb.REGISTRY has them.
YANXIANG = ("2137010231,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,"
            "否,1860,0,6,王建国,0531-86010231\n")
DIANLIU = ("2137010232,济南市历下区甸柳第一小学,历下区,小学,公办,城区,否,否,是,"
           "否,否,980,0,2,赵敏,0531-86010232\n")


class Shared:
    def __init__(self):
        self.s = Server()
        self.city = self.s.as_user("city", lang="en")
        self.lixia = self.s.as_user("lixia", lang="en")

    def close(self):
        self.s.close()

    def count(self, c, query=""):
        r = c.get("/api/v1/schools" + query)
        expect_status(r, 200, "list " + query)
        return r.json["total"]


def upload(c, text, name="schools.csv", full=False, encoding="utf-8"):
    path = "/api/v1/schools/import?name=" + quote(name)
    if full:
        path += "&full=1"
    return c.request("POST", path, raw=text.encode(encoding),
                     content_type="text/csv")


@case("the list: every school in scope, filtered by district, stage and "
      "text in the name or code, paged")
def _(sh):
    c = sh.city
    r = c.get("/api/v1/schools")
    expect_status(r, 200)
    j = r.json
    expect(j["total"] == 4 and j["page"] == 1 and j["size"] == 20 and
           [x["code"] for x in j["items"]] ==
           ["2137010231", "2137010232", "2137010301", "2137163308"], j)
    expect(j["items"][0]["stage_label"] == "小学" and
           j["items"][0]["enrollment"] == 1860, j["items"][0])
    expect(sh.count(c, "?district=" + quote("历下区")) == 2, "历下区")
    expect(sh.count(c, "?district=370116") == 1, "370116")
    expect(sh.count(c, "?stage=" + quote("初中")) == 2, "初中")
    expect(sh.count(c, "?stage=primary") == 2, "primary")
    expect(sh.count(c, "?q=" + quote("燕翔")) == 1, "name")
    expect(sh.count(c, "?q=0232") == 1, "code")
    expect(sh.count(c, "?q=" + quote("济南市") + "&stage=junior") == 2, "both")
    r = c.get("/api/v1/schools?size=3&page=2").json
    expect(r["total"] == 4 and [x["code"] for x in r["items"]] ==
           ["2137163308"], r)
    expect_error(c.get("/api/v1/schools?district=" + quote("历山区")), 400,
                 "bad_query", "no district '历山区'", "district")
    expect_error(c.get("/api/v1/schools?stage=college"), 400, "bad_query",
                 "unknown stage 'college'", "stage")
    expect_error(c.get("/api/v1/schools?size=0"), 400, "bad_query")
    # scope
    expect(sh.count(sh.lixia) == 2, "lixia")
    expect(sh.count(sh.lixia, "?district=" + quote("市中区")) == 0,
           "lixia in 市中区")
    expect(sh.count(sh.s.as_user("insp", lang="en")) == 1, "insp")
    expect(sh.count(sh.s.as_user("insp_d", lang="en")) == 1, "insp_d")
    expect(sh.count(sh.s.as_user("dianliu", lang="en")) == 1, "dianliu")


@case("a district imports its own schools; the same file again changes "
      "nothing")
def _(sh):
    r = upload(sh.lixia, HEADER + NEW1 + NEW2, "历下区新增.csv")
    expect_status(r, 200)
    # HEADER is the registry format before schema 5: the response says
    # which columns were absent and what was assumed.
    expect(r.json == {"rows": 2, "added": 2, "updated": 0, "unchanged": 0,
                      "closed": 0, "encoding": "UTF-8",
                      "absent_columns": [
                          {"column": "教职工数", "attr": "staff",
                           "assumed": 0},
                          {"column": "校外供餐", "attr": "meal_delivery",
                           "assumed": False},
                          {"column": "村小教学点", "attr": "village_school",
                           "assumed": False}],
                      "note": "columns not in the file: 教职工数 (staff), "
                              "校外供餐 (meal_delivery), 村小教学点 "
                              "(village_school); new schools were given 0 "
                              "or 否 (false), registered schools kept their "
                              "stored values"}, r.json)
    expect(sh.count(sh.lixia) == 4, "4 schools in 历下区 now")
    r = upload(sh.lixia, HEADER + NEW1 + NEW2)
    expect(r.json["unchanged"] == 2 and r.json["added"] == 0, r.json)
    s = sh.lixia.get("/api/v1/schools/2137010241").json["school"]
    expect(s["name"] == "济南市历下区燕山小学" and s["updated_by"] ==
           "历下区教体局", s)


@case("a file with two bad lines: 422 with both lines, nothing written")
def _(sh):
    before = sh.count(sh.city)
    bad1 = NEW1.replace("2137010241", "2137010243").replace("小学,公办",
                                                            "大学,公办")
    bad2 = NEW2.replace("2137010242", "2137010244").replace(",180,", ",-5,")
    good = NEW1.replace("2137010241", "2137010245")
    r = upload(sh.lixia, HEADER + good + bad1 + bad2, "bad.csv")
    expect_error(r, 422, "invalid",
                 "nothing was imported from 'bad.csv': 2 problems")
    d = r.error["details"]
    expect([(x["file"], x["line"]) for x in d] ==
           [("bad.csv", 3), ("bad.csv", 4)], d)
    expect(d[0]["message"].startswith("column '学段': unknown stage '大学'"),
           d[0])
    expect(d[1]["message"].startswith("column '在校生数': "), d[1])
    expect(sh.count(sh.city) == before, "nothing written")
    expect_error(sh.lixia.get("/api/v1/schools/2137010245"), 404,
                 "not_found")


@case("a row of another district, or a school registered in one, refuses "
      "the district's file")
def _(sh):
    before = sh.count(sh.city)
    other = ("2137010302,济南市市中区育秀小学,市中区,小学,公办,城区,否,否,是,"
             "是,否,1500,0,3,,\n")
    r = upload(sh.lixia, HEADER + NEW1 + other, "mixed.csv")
    expect_error(r, 422, "invalid",
                 "nothing was imported from 'mixed.csv': 1 problem")
    expect(r.error["line"] == 3 and r.error["details"] == [
        {"file": "mixed.csv", "line": 3,
         "message": "column '区县': district '市中区' is outside your scope"}],
        r.error)
    # 舜耕中学 is a 市中区 school: 历下区 may not take it over
    moved = ("2137010301,济南市市中区舜耕中学,历下区,初中,公办,城区,否,否,是,"
             "是,否,1320,0,4,,\n")
    r = upload(sh.lixia, HEADER + moved, "moved.csv")
    expect_error(r, 422, "invalid")
    expect(r.error["details"][0]["message"] ==
           "column '学校标识码': school '2137010301' is registered in 市中区, "
           "outside your scope", r.error)
    # the English header is named as written
    en = ("code,name,district,stage,ownership,locale,boarding,school_bus,"
          "canteen,laboratory,swimming_pool,enrollment,boarders,"
          "special_needs\n"
          "2137010302,Yuxiu Primary,370103,primary,public,urban,false,false,"
          "true,true,false,1500,0,3\n")
    r = upload(sh.lixia, en, "en.csv")
    expect(r.error["details"][0]["message"] ==
           "column 'district': district '370103' is outside your scope",
           r.error)
    expect(sh.count(sh.city) == before, "nothing written")
    # the city may import anything
    r = upload(sh.city, HEADER + other, "city.csv")
    expect_status(r, 200)
    expect(r.json["added"] == 1, r.json)


@case("a full import by a district closes its missing schools only")
def _(sh):
    sz = sh.count(sh.city, "?district=" + quote("市中区"))
    r = upload(sh.lixia, HEADER + YANXIANG + DIANLIU + NEW1, "full.csv",
               full=True)
    expect_status(r, 200)
    expect(r.json["closed"] == 1 and r.json["unchanged"] == 3, r.json)
    expect(sh.count(sh.lixia) == 3 and sh.count(sh.lixia, "?closed=1") == 4,
           "one closed")
    s = sh.lixia.get("/api/v1/schools/2137010242").json["school"]
    expect(s["closed"] is True, s)
    expect(sh.count(sh.city, "?district=" + quote("市中区")) == sz,
           "市中区 untouched")
    # an empty full import is refused rather than closing everything
    r = upload(sh.lixia, HEADER, "empty.csv", full=True)
    expect_error(r, 422, "invalid")
    expect("would close every school" in r.error["details"][0]["message"],
           r.error)


@case("GB18030 files are read; an empty file is refused; only the city "
      "and districts import")
def _(sh):
    row = NEW2.replace("2137010242", "2137010246").replace("山大路", "文化东路")
    r = upload(sh.lixia, HEADER + row, "gbk.csv", encoding="gb18030")
    expect_status(r, 200)
    expect(r.json["encoding"] == "GB18030" and r.json["added"] == 1, r.json)
    expect(sh.lixia.get("/api/v1/schools/2137010246").json["school"]["name"]
           == "济南市历下区文化东路幼儿园", "name decoded")
    r = upload(sh.lixia, "", "nothing.csv")
    expect_error(r, 422, "invalid")
    expect(r.error["details"][0]["message"].startswith("the file is empty"),
           r.error)
    for login in ("yanxiang", "insp"):
        expect_error(upload(sh.s.as_user(login, lang="en"), HEADER + NEW1),
                     403, "forbidden")


@case("the columns of schema 5: given, they are stored and shown; left "
      "out, a registered school keeps them and the note says so, in "
      "Chinese for a Chinese page")
def _(sh):
    head5 = HEADER.replace("特殊需要学生数,", "特殊需要学生数,教职工数,校外供餐,"
                           "村小教学点,")
    village = ("2137010251,济南市历下区龙洞村小学,历下区,小学,公办,乡村,否,否,"
               "否,否,否,86,0,0,7,是,是,,\n")
    zh = sh.s.as_user("lixia")
    r = upload(zh, head5 + village, "village.csv")
    expect_status(r, 200)
    expect(r.json["added"] == 1 and r.json["absent_columns"] == [] and
           r.json["note"] is None, r.json)
    s = zh.get("/api/v1/schools/2137010251").json["school"]
    expect(s["staff"] == 7 and s["population"] == 93 and
           s["meal_delivery"] is True and s["village_school"] is True, s)
    old = village.replace(",86,0,0,7,是,是,", ",90,0,0,")
    r = upload(zh, HEADER + old, "old.csv")
    expect_status(r, 200)
    expect(r.json["updated"] == 1 and
           [a["attr"] for a in r.json["absent_columns"]] ==
           ["staff", "meal_delivery", "village_school"], r.json)
    expect(r.json["note"] == "文件中没有这些列：教职工数 (staff), 校外供餐 "
           "(meal_delivery), 村小教学点 (village_school)；新学校按 0 或“否”"
           "导入，已登记的学校保留原有数值", r.json)
    s = zh.get("/api/v1/schools/2137010251").json["school"]
    expect(s["enrollment"] == 90 and s["staff"] == 7 and
           s["population"] == 97 and s["village_school"] is True, s)
    # 师生员工数 is derived: a column naming it refuses the file
    r = upload(sh.lixia, head5.rstrip("\n") + ",师生员工数\n" +
               village.rstrip("\n") + ",93\n", "pop.csv")
    expect_error(r, 422, "invalid")
    expect(r.error["details"][0]["message"] ==
           "column '师生员工数': 师生员工数 (population) is not imported, it "
           "is derived as 在校生数 + 教职工数 (enrollment + staff); remove "
           "the column and give 教职工数", r.error)


run(Shared)
