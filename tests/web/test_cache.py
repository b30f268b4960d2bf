"""The city's dashboard cache (src/web/cache.c) with --cache-seconds 1:
after a write the old figures are served until the background thread
has recomputed them, then the new ones, without anyone asking for
fresh figures; a request never waits for that recomputation."""

import time

from srweb import Server, case, expect, expect_status, run


class Shared:
    def __init__(self):
        self.s = Server(extra_args=["--cache-seconds", "1"])
        self.city = self.s.as_user("city", lang="en")
        self.lixia = self.s.as_user("lixia", lang="en")

    def close(self):
        self.s.close()


URL = "/api/v1/dashboard?period=2026"


@case("after a write: the old figures at once, the new ones once the "
      "background thread has recomputed them")
def _(sh):
    a = sh.city.get(URL).json
    r = sh.lixia.post("/api/v1/hazards", {"school": "2137010231",
                                          "level": "general",
                                          "description": "围墙裂缝"})
    expect_status(r, 201)
    time.sleep(1.2)   # older than --cache-seconds
    t0 = time.monotonic()
    b = sh.city.get(URL).json
    expect(time.monotonic() - t0 < 0.5, "the request waited")
    expect(b["computed_at"] == a["computed_at"],
           "the stale figures are served while they are recomputed")
    for _ in range(100):
        c = sh.city.get(URL).json
        if c["computed_at"] != a["computed_at"]:
            break
        time.sleep(0.1)
    expect(c["total"]["hazards"]["open"] ==
           a["total"]["hazards"]["open"] + 1,
           "recomputed in the background: open %s, before %s"
           % (c["total"]["hazards"]["open"], a["total"]["hazards"]["open"]))


@case("without a write the figures stay the same, however old")
def _(sh):
    a = sh.city.get(URL).json
    time.sleep(1.5)
    b = sh.city.get(URL).json
    time.sleep(0.5)
    c = sh.city.get(URL).json
    expect(a == b == c, "recomputed without a write")


run(Shared)
