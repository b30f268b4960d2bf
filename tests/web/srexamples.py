"""srexamples.py - the sample schools of indicators/examples/ as rows of
a registry CSV, for service tests that submit their sample answers."""

import os

from srweb import SRC

EX = os.path.join(SRC, "indicators", "examples")

STAGE_ZH = {"kindergarten": "幼儿园", "primary": "小学", "junior": "初中",
            "senior": "普通高中", "nine-year": "九年一贯制",
            "complete-secondary": "完全中学", "twelve-year": "十二年一贯制",
            "vocational": "中等职业学校", "special": "特殊教育学校"}


def example_row(name):
    kv = {}
    with open(os.path.join(EX, name + ".school"), encoding="utf-8-sig") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                kv[k.strip()] = v.strip()
    yes = {"true": "是", "false": "否"}
    return ",".join([kv["code"], kv["name"], kv["district"],
                     STAGE_ZH[kv["stage"]],
                     "民办" if kv.get("ownership") == "private" else "公办",
                     {"urban": "城区", "town": "镇区", "rural": "乡村"}[
                         kv.get("locale", "urban")]] +
                    [yes[kv.get(f, "false")] for f in
                     ("boarding", "school_bus", "canteen", "laboratory",
                      "swimming_pool")] +
                    [kv.get(f, "0") for f in ("enrollment", "boarders",
                                               "special_needs")] + ["", ""])


