#!/usr/bin/python3
"""The example school files (indicators/examples/*.school) as one registry
CSV, in code order, on stdout: scripts/run.sh imports it into the demo
database, and the tests that run the example schools through a database
(tests/cli, tests/pg) import it too.

usage: scripts/examples-registry.py DIR"""
import glob
import os
import sys

LABELS = {"kindergarten": "幼儿园", "primary": "小学", "junior": "初中",
          "senior": "普通高中", "nine-year": "九年一贯制",
          "complete-secondary": "完全中学", "twelve-year": "十二年一贯制",
          "vocational": "中等职业学校", "special": "特殊教育学校"}


def school(path):
    kv = {}
    for line in open(path, encoding="utf-8-sig"):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            kv[k.strip()] = v.strip()
    return kv


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    print("学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,"
          "在校生数,住宿生数,特殊需要学生数,教职工数,校外供餐,村小教学点")
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.school"))):
        kv = school(path)
        print(",".join([kv["code"], kv["name"], kv["district"],
                        LABELS[kv["stage"]], kv.get("ownership", "public"),
                        kv.get("locale", "urban")] +
                       [kv.get(f, "false") for f in ("boarding", "school_bus",
                        "canteen", "laboratory", "swimming_pool")] +
                       [kv.get(f, "0") for f in ("enrollment", "boarders",
                        "special_needs", "staff")] +
                       [kv.get(f, "false") for f in ("meal_delivery",
                        "village_school")]))


main()
