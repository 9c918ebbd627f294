"""The administrative levels of the six-level network and the codes that name their units."""

from __future__ import annotations

from typing import ClassVar

from domain.worded import Worded


class Level(Worded):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    GROUP = "group"

    __zh__: ClassVar[dict[str, str]] = {
        "province": "省",
        "city": "市",
        "county": "县(区)",
        "township": "乡镇(街道)",
        "village": "村",
        "group": "村民小组",
    }

    @property
    def code_length(self) -> int:
        return CODE_LENGTH[self]

    @property
    def parent_level(self) -> Level | None:
        return PARENT_LEVEL[self]

    @property
    def site_kind(self) -> SiteKind | None:
        return SITE_KIND_OF_LEVEL[self]


class SiteKind(Worded):
    CENTRE = "centre"  # 便民服务中心: city, county, township
    STATION = "station"  # 为民服务站: village
    POINT = "point"  # 为民服务点: villager group

    __zh__: ClassVar[dict[str, str]] = {
        "centre": "便民服务中心",
        "station": "为民服务站",
        "point": "为民服务点",
    }


# National statistical division codes: 6 digits down to the county, 9 for a township,
# 12 for a village; a villager group adds three more.
CODE_LENGTH = {
    Level.PROVINCE: 6,
    Level.CITY: 6,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
    Level.GROUP: 15,
}

PARENT_LEVEL: dict[Level, Level | None] = {
    Level.PROVINCE: None,
    Level.CITY: Level.PROVINCE,
    Level.COUNTY: Level.CITY,
    Level.TOWNSHIP: Level.COUNTY,
    Level.VILLAGE: Level.TOWNSHIP,
    Level.GROUP: Level.VILLAGE,
}

# A city may stand alone (the Benxi demo has no province above it).
OPTIONAL_PARENT = {Level.PROVINCE, Level.CITY}

SITE_KIND_OF_LEVEL: dict[Level, SiteKind | None] = {
    Level.PROVINCE: None,
    Level.CITY: SiteKind.CENTRE,
    Level.COUNTY: SiteKind.CENTRE,
    Level.TOWNSHIP: SiteKind.CENTRE,
    Level.VILLAGE: SiteKind.STATION,
    Level.GROUP: SiteKind.POINT,
}
