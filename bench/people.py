"""Names, identity numbers and ids for the generated province (see ``bench.scale``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from functools import cache
from uuid import UUID

SYLLABLES = "安宝北长朝大东凤福高广和河红虹建金锦康兰乐龙明南平青庆瑞山胜太泰新兴阳永裕振"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "国建军华明平志红丽英秀兰玉芳桂春海文德成林永福宝金庆树凤云喜伟静敏"

# GB 11643 weights and check characters; the domain validates every number made here.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# Household and party member ids. "ordered" lays them out as UUIDv7 (RFC 9562) would: a
# millisecond timestamp first, here one per village, then a sequence, so a load's ids rise
# and the log's key index grows at its end. "random" makes them version-4 like uuid4(), what
# the use cases mint when no id is given, and the key index takes each one at a random place.
ID_SCHEMES = ("ordered", "random")
_ID_EPOCH_MS = 1_388_505_600_000  # 2014-01-01T00:00:00Z


def id_maker(rng: random.Random, village: int, scheme: str) -> Callable[[int], UUID]:
    """Ids for the ``seq``-th thing made in a village."""
    bits = rng.getrandbits
    if scheme == "random":
        return lambda seq: UUID(int=bits(128), version=4)
    # UUIDv7: 48-bit milliseconds, version 7, 12-bit sequence, variant 0b10, 62 random bits.
    head = (_ID_EPOCH_MS + village) << 80 | 0x7 << 76 | 0b10 << 62
    return lambda seq: UUID(int=head | seq << 64 | bits(62))


# Household sizes by weight, as a table a random index picks from.
SIZES = tuple(
    size
    for size, weight in ((1, 8), (2, 22), (3, 30), (4, 22), (5, 12), (6, 6))
    for _ in range(weight)
)
# About a quarter of given names have one character.
SECOND = GIVEN + " " * 12


def place(rng: random.Random, suffix: str) -> str:
    return rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + suffix


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


class IdNumbers:
    """Valid resident identity numbers, fast: the check digit is a weighted sum mod 11, so the
    sums of the region, birth-date and sequence parts are computed once and added."""

    def __init__(self) -> None:
        self._births: list[tuple[str, int]] = []
        day = date(1940, 1, 1).toordinal()
        for ordinal in range(day, date(2000, 1, 1).toordinal()):
            text = date.fromordinal(ordinal).strftime("%Y%m%d")
            self._births.append((text, _weighted(text, 6)))
        self._seqs = [(f"{s:03d}", _weighted(f"{s:03d}", 14)) for s in range(1000)]
        self._regions: dict[str, int] = {}

    def maker(self, region: str) -> Callable[[int], str]:
        """Numbers of people registered in ``region``, one per random ``draw``."""
        base = self._regions.get(region)
        if base is None:
            base = self._regions[region] = _weighted(region, 0)
        births, seqs = self._births, self._seqs

        def make(draw: int) -> str:
            birth, bw = births[draw % len(births)]
            seq, sw = seqs[(draw >> 16) % len(seqs)]
            return f"{region}{birth}{seq}{_ID_CHECK[(base + bw + sw) % 11]}"

        return make


@cache
def id_numbers() -> IdNumbers:
    return IdNumbers()  # its tables take a tenth of a second: once per process


def _weighted(digits: str, offset: int) -> int:
    return sum(int(d) * _ID_WEIGHTS[offset + i] for i, d in enumerate(digits))
