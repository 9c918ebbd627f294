"""What every event says: who did it, when it happened, when it was recorded and why."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import DatedAfterClosingError, DatedBeforeOpeningError, InvalidInputError

# Ids derived from a natural key (a unit's code, the household of a central household) make
# "one per key" a property of the event store itself: a second creation is a version conflict.
ZHUCUN_NAMESPACE = uuid5(NAMESPACE_URL, "https://zhucun.example/ids")


@lru_cache(maxsize=1 << 16)
def derived_id(kind: str, key: str) -> UUID:
    # Cached: daily commands look up the same few ids (a member's month, a village) again and
    # again, and uuid5 hashes each time.
    return uuid5(ZHUCUN_NAMESPACE, f"{kind}:{key}")


@dataclass(frozen=True)
class Meta:
    """The who / when / why of one command; ``recorded_at`` comes from the application clock."""

    actor_id: str
    actor_role: str
    occurred_on: date
    reason: str
    recorded_at: datetime

    def event_kwargs(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "occurred_on": self.occurred_on.isoformat(),
            "reason": self.reason,
            "timestamp": self.recorded_at,
        }


class NetworkAggregate(Aggregate):
    """Base of zhucun's aggregates. Events carry the actor, the effective date and the reason."""

    class Event(Aggregate.Event):
        actor_id: str
        actor_role: str
        occurred_on: str  # ISO date: the effective date in the village
        reason: str

        @property
        def day(self) -> date:
            """The effective date, ``occurred_on`` read as a date."""
            return date.fromisoformat(self.occurred_on)

        def values_of(self, *names: str) -> dict[str, Any]:
            """This event's fields of these names, by name."""
            return {name: getattr(self, name) for name in names}

        def copy_to(self, aggregate: object, *names: str) -> None:
            """Set the aggregate's attributes of these names to this event's fields of the same
            names (an ``apply`` that copies what the event says)."""
            for name, value in self.values_of(*names).items():
                setattr(aggregate, name, value)

    class SetsDay(Event):
        """An event whose ``apply`` sets the aggregate's attribute its class names in
        ``day_sets`` (if any) to the event's day: the day a thing began, ended or was done."""

        day_sets: ClassVar[str | None] = None

        def apply(self, aggregate: Any) -> None:
            if self.day_sets is not None:
                setattr(aggregate, self.day_sets, self.day)

    class SetsFields(SetsDay):
        """An event whose ``apply`` also sets the aggregate's attributes of the same names as
        the fields its class declares, to their values."""

        def apply(self, aggregate: Any) -> None:
            self.copy_to(aggregate, *_own_fields(type(self)))
            super().apply(aggregate)

    class SetsStatus(SetsDay):
        """An event whose ``apply`` also puts the aggregate in the ``status`` its class names."""

        status: ClassVar[Any]

        def apply(self, aggregate: Any) -> None:
            aggregate.status = self.status
            super().apply(aggregate)

    class Created(Event, Aggregate.Created):
        pass

    class CreatedSetsFields(SetsFields, Created):
        """A creation whose ``apply`` is that of ``SetsFields``."""


@lru_cache
def _own_fields(event_class: type) -> tuple[str, ...]:
    """The fields an event class declares beyond those of every event (and of every creation)."""
    common = {f.name for f in fields(NetworkAggregate.Created)}
    return tuple(f.name for f in fields(event_class) if f.name not in common)


def check_within(
    what_zh: str, what_en: str, day: date, opened_on: date, closed_on: date | None
) -> None:
    """Refuse a date outside the lifetime [opened_on, closed_on] of the thing it concerns."""
    if day < opened_on:
        raise DatedBeforeOpeningError(what_zh, what_en, day.isoformat(), opened_on.isoformat())
    if closed_on is not None and day > closed_on:
        raise DatedAfterClosingError(what_zh, what_en, day.isoformat(), closed_on.isoformat())


def written(text: str, field: str, zh: str, en: str) -> str:
    """``text`` without the blanks around it, refused (``zh``, ``en``) when nothing is left:
    a name or a note that must be written."""
    if not text.strip():
        raise InvalidInputError(field, zh, en)
    return text.strip()
