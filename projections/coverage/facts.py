"""Facts: what the coverage computation keeps of each event."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from domain.households import Household
from domain.party import CentralHousehold, PartyMember
from domain.sites import Site
from domain.units import Unit

HOUSEHOLD, MEMBER, CENTRAL, SITE, UNIT = "household", "member", "central", "site", "unit"


# Tuples rather than frozen dataclasses: one is made per event, and a frozen dataclass's
# ``__init__`` sets each field through ``object.__setattr__`` (about a twentieth of the
# coverage model's rebuild, profiled).
class Fact(NamedTuple):
    entity: str  # aggregate id (hex)
    kind: str  # HOUSEHOLD, MEMBER, CENTRAL, SITE or UNIT
    position: int
    recorded_at: datetime
    occurred_on: date
    type: str  # the event's class name, e.g. "Linked"
    actor: str
    data: dict[str, Any]

    @property
    def order(self) -> tuple[date, int]:
        """Effective order: by date in the village, then by the order recorded."""
        return (self.occurred_on, self.position)


def as_date(value: Any) -> date:
    """A date column as read back (SQLite may hand back its text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def stored_fact(r: Any) -> Fact:
    """A row of ``cov_facts`` as the fact it was stored from."""
    return Fact(
        r.entity, r.kind, r.position, r.recorded_at, as_date(r.occurred_on), r.type, r.actor, r.data
    )


def _hex(value: Any) -> str | None:
    return None if value is None else value.hex


# Per event class: the entity kind and the fields kept (None when the event carries none).
_KEEP: dict[type, tuple[str, Any]] = {
    Unit.Opened: (
        UNIT,
        lambda e: {"code": e.code, "name": e.name, "level": e.level, "parent": e.parent_code},
    ),
    Unit.Renamed: (UNIT, lambda e: {"name": e.name}),
    Unit.Moved: (UNIT, lambda e: {"parent": e.parent_code}),
    Unit.Merged: (UNIT, lambda e: {"into": e.into_code}),
    Unit.Closed: (UNIT, None),
    Household.Registered: (
        HOUSEHOLD,
        lambda e: {"group": e.group_code, "name": e.head_name, "village": e.village_code},
    ),
    Household.Moved: (HOUSEHOLD, lambda e: {"group": e.group_code, "village": e.village_code}),
    Household.Left: (HOUSEHOLD, None),
    Household.Linked: (HOUSEHOLD, lambda e: {"ch": e.central_household_id.hex}),
    Household.Unlinked: (HOUSEHOLD, None),
    PartyMember.Joined: (
        MEMBER,
        lambda e: {"name": e.name, "village": e.village_code, "household": e.household_id.hex},
    ),
    PartyMember.TransferredOut: (MEMBER, None),
    PartyMember.Died: (MEMBER, None),
    CentralHousehold.Designated: (
        CENTRAL,
        lambda e: {
            "household": e.household_id.hex,
            "village": e.village_code,
            "member": e.party_member_id.hex,
        },
    ),
    CentralHousehold.Redesignated: (CENTRAL, lambda e: {"member": e.party_member_id.hex}),
    CentralHousehold.PartyMemberChanged: (CENTRAL, lambda e: {"member": e.party_member_id.hex}),
    CentralHousehold.Ended: (CENTRAL, None),
    Site.Opened: (SITE, lambda e: {"unit": e.unit_code, "kind": e.kind, "name": e.name}),
    Site.Reopened: (SITE, lambda e: {"name": e.name}),
    Site.ResponsibleAssigned: (SITE, lambda e: {"name": e.name, "member": _hex(e.party_member_id)}),
    Site.Closed: (SITE, None),
}


def consumed() -> tuple[type, ...]:
    """The event classes coverage depends on."""
    return tuple(_KEEP)


@lru_cache(maxsize=8192)
def _day(text: str) -> date:
    """An event's day: a log has a few thousand days, and its facts share their objects."""
    return date.fromisoformat(text)


def fact_of(position: int, event: Any) -> Fact | None:
    """The fact an event contributes, or None for events coverage does not depend on."""
    keep = _KEEP.get(type(event))
    if keep is None:
        return None
    kind, extract = keep
    return Fact(
        entity=event.originator_id.hex,
        kind=kind,
        position=position,
        recorded_at=event.timestamp,
        occurred_on=_day(event.occurred_on),
        type=type(event).__name__,
        actor=event.actor_id,
        data=extract(event) if extract else {},
    )
