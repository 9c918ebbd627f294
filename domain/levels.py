"""The administrative levels of the six-level network and the codes that name their units."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    GROUP = "group"

    @property
    def zh(self) -> str:
        return LEVEL_ZH[self]

    @property
    def code_length(self) -> int:
        return CODE_LENGTH[self]

    @property
    def parent_level(self) -> Level | None:
        return PARENT_LEVEL[self]

    @property
    def site_kind(self) -> SiteKind | None:
        return SITE_KIND_OF_LEVEL[self]


class SiteKind(StrEnum):
    CENTRE = "centre"  # 便民服务中心: city, county, township
    STATION = "station"  # 为民服务站: village
    POINT = "point"  # 为民服务点: villager group

    @property
    def zh(self) -> str:
        return SITE_KIND_ZH[self]


LEVEL_ZH = {
    Level.PROVINCE: "省",
    Level.CITY: "市",
    Level.COUNTY: "县(区)",
    Level.TOWNSHIP: "乡镇(街道)",
    Level.VILLAGE: "村",
    Level.GROUP: "村民小组",
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

SITE_KIND_ZH = {
    SiteKind.CENTRE: "便民服务中心",
    SiteKind.STATION: "为民服务站",
    SiteKind.POINT: "为民服务点",
}
