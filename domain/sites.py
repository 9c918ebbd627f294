"""Service sites: convenience service centres, village service stations, group service points."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.base import Meta, NetworkAggregate, check_within, derived_id, written
from domain.errors import SiteAlreadyOpenError, SiteClosedError, SiteLevelError
from domain.levels import SiteKind

if TYPE_CHECKING:
    from domain.party import PartyMember
    from domain.units import Unit

_ALLOWED = {
    SiteKind.CENTRE: ("市、县(区)、乡镇(街道)", "city, county or township"),
    SiteKind.STATION: ("村", "village"),
    SiteKind.POINT: ("村民小组", "villager group"),
}


def site_id(unit_code: str) -> UUID:
    """One site per unit: closing and reopening keeps its identity and its history."""
    return derived_id("site", unit_code)


class Site(NetworkAggregate):
    def __init__(self) -> None:
        self.unit_code = ""
        self.kind = SiteKind.STATION
        self.name = ""
        self.opened_on = date.min
        self.closed_on: date | None = None
        self.responsible_name: str | None = None
        self.responsible_member_id: UUID | None = None

    class Opened(NetworkAggregate.Created):
        unit_code: str
        kind: str
        name: str

        def apply(self, site: Site) -> None:
            self.copy_to(site, "unit_code", "name")
            site.kind = SiteKind(self.kind)
            site.opened_on = self.day

    class Reopened(NetworkAggregate.Event):
        name: str

        def apply(self, site: Site) -> None:
            site.name = self.name
            site.opened_on = self.day
            site.closed_on = None
            site.responsible_name = None
            site.responsible_member_id = None

    class ResponsibleAssigned(NetworkAggregate.Event):
        name: str
        party_member_id: UUID | None

        def apply(self, site: Site) -> None:
            site.responsible_name = self.name
            site.responsible_member_id = self.party_member_id

    class Closed(NetworkAggregate.SetsDay):
        day_sets = "closed_on"

    @staticmethod
    def check_kind(kind: SiteKind, unit: Unit) -> None:
        if unit.level.site_kind is not kind:
            allowed_zh, allowed_en = _ALLOWED[kind]
            raise SiteLevelError(
                kind.zh,
                kind.value,
                unit.code,
                unit.level.zh,
                unit.level.value,
                allowed_zh,
                allowed_en,
            )

    @classmethod
    def open(cls, kind: SiteKind, unit: Unit, name: str, meta: Meta) -> Site:
        cls.check_kind(kind, unit)
        unit.check_acting(meta.occurred_on)
        return cls._create(
            cls.Opened,
            id=site_id(unit.code),
            unit_code=unit.code,
            kind=kind.value,
            name=_site_name(name, unit, kind),
            **meta.event_kwargs(),
        )

    def reopen(self, unit: Unit, name: str, meta: Meta) -> None:
        if not self.is_closed:
            raise SiteAlreadyOpenError(self.unit_code, self.name)
        unit.check_acting(meta.occurred_on)
        self.trigger_event(
            self.Reopened, name=_site_name(name, unit, self.kind), **meta.event_kwargs()
        )

    def assign_responsible(
        self, name: str, member: PartyMember | None, village_code: str | None, meta: Meta
    ) -> None:
        """``village_code`` is the village the site serves (None above village level)."""
        self.check_acting(meta.occurred_on)
        if member is not None:
            if village_code is not None:
                member.check_active(village_code, meta.occurred_on)
            name = name or member.name
        name = written(name, "name", "负责人姓名不能为空", "the responsible person's name is empty")
        self.trigger_event(
            self.ResponsibleAssigned,
            name=name,
            party_member_id=member.id if member else None,
            **meta.event_kwargs(),
        )

    def close(self, meta: Meta) -> None:
        self.check_acting(meta.occurred_on)
        self.trigger_event(self.Closed, **meta.event_kwargs())

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def check_acting(self, day: date) -> None:
        if self.closed_on is not None:
            raise SiteClosedError(self.name, self.closed_on.isoformat())
        check_within(f"「{self.name}」", f"'{self.name}'", day, self.opened_on, None)


def _site_name(name: str, unit: Unit, kind: SiteKind) -> str:
    return name.strip() or f"{unit.name}{kind.zh}"
