"""Unit of work: aggregates touched by one command or one batch, saved together or not at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from app.store import EventStore
from domain.base import NetworkAggregate
from domain.errors import ConcurrentChangeError

A = TypeVar("A", bound=NetworkAggregate)


class UnitOfWork:
    """Loads each aggregate once, keeps it for the rest of the batch, and commits atomically.

    Later lines of a batch see what earlier lines did: they get the same objects back.
    """

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._seen: dict[UUID, NetworkAggregate] = {}
        self._missing: set[UUID] = set()

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        agg = self._seen.get(aggregate_id)
        if agg is None:
            if aggregate_id in self._missing:
                return None
            try:
                agg = self.store.load(aggregate_id)
            except AggregateNotFoundError:
                self._missing.add(aggregate_id)
                return None
            self._seen[aggregate_id] = agg
        if not isinstance(agg, cls):
            return None
        return agg

    def get(self, cls: type[A], aggregate_id: UUID, not_found: Callable[[], Exception]) -> A:
        agg = self.find(cls, aggregate_id)
        if agg is None:
            raise not_found()
        return agg

    def add(self, agg: NetworkAggregate) -> None:
        self._seen[agg.id] = agg
        self._missing.discard(agg.id)

    def seen(self) -> list[NetworkAggregate]:
        return list(self._seen.values())

    def pending_count(self) -> int:
        return sum(len(a.pending_events) for a in self._seen.values())

    def collect(self) -> list[Any]:
        return [e for a in self._seen.values() for e in a.collect_events()]

    def commit(self, bulk: bool = False) -> int:
        """Write every pending event in one transaction; return how many were written.

        A clash with a concurrent writer (same aggregate, same version) writes nothing.
        """
        try:
            if bulk:
                events = self.collect()
                self.store.write_bulk(events)
                return len(events)
            aggregates = [a for a in self._seen.values() if a.pending_events]
            count = sum(len(a.pending_events) for a in aggregates)
            if aggregates:
                self.store.save(*aggregates)
            return count
        except IntegrityError as e:
            raise ConcurrentChangeError() from e

    def forget(self) -> None:
        """Drop cached aggregates (after a commit, to bound memory during a big load)."""
        self._seen.clear()
        self._missing.clear()
