"""Unit of work: aggregates touched by one command or one batch, saved together or not at all.

What a batch read decided what it wrote, so the commit checks, in the same transaction as the
write, that none of it changed meanwhile (``ReadSet``): an aggregate read but not written is
still at the version read (one looked for and not found, still not there), and no unit whose
open children were read from the read models has been given a new one since. A batch that
lost such a race writes nothing and says so (``ConcurrentChangeError``);
docs/adr/016-cross-aggregate-rules-under-concurrency.md.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from app.store.event_store import EventStore, ReadSet
from domain.base import NetworkAggregate
from domain.errors import ConcurrentChangeError, DuplicateIdError

A = TypeVar("A", bound=NetworkAggregate)

# A batch that lost a race to a concurrent writer is run again, on what the winner wrote, at
# most this many times in all, waiting a little longer, at random, before each new try.
TRIES = 5


@dataclass(frozen=True)
class Attempt:
    number: int
    last: bool


def retries(tries: int = TRIES) -> Iterator[Attempt]:
    for number in range(tries):
        if number:
            time.sleep(random.uniform(0, 0.01 * 2**number))
        yield Attempt(number, number == tries - 1)


class UnitOfWork:
    """Loads each aggregate once, keeps it for the rest of the batch, and commits atomically.

    Later lines of a batch see what earlier lines did: they get the same objects back.
    """

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._seen: dict[UUID, NetworkAggregate] = {}
        self._missing: set[UUID] = set()
        self._read: dict[UUID, int] = {}  # loaded aggregates at the version loaded
        self._children_read: dict[str, int] = {}  # unit code: log position of the read
        self.written: list[Any] = []  # the events of the last commit

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
            self._read[aggregate_id] = agg.version
        if not isinstance(agg, cls):
            return None
        return agg

    def look_ahead(self, load: Iterable[UUID] = (), exists: Iterable[UUID] = ()) -> None:
        """Look for many aggregates at once, so that ``find`` answers for each without a
        query of its own (a batch that creates or checks many): those of ``load`` are loaded
        together (``EventStore.load_many``) and kept as ``find`` keeps them; of ``exists``,
        only whether they are stored is asked, and those that are not are known missing."""
        wanted = [i for i in load if i not in self._seen and i not in self._missing]
        stored = self.store.load_many(wanted) if wanted else {}
        for i in wanted:
            agg = stored.get(i)
            if agg is None:
                self._missing.add(i)
            else:
                self._seen[i] = agg
                self._read[i] = agg.version
        asked = [i for i in exists if i not in self._seen and i not in self._missing]
        there = self.store.stored_among(asked) if asked else set()
        self._missing.update(i for i in asked if i not in there)

    def get(self, cls: type[A], aggregate_id: UUID, not_found: Callable[[], Exception]) -> A:
        agg = self.find(cls, aggregate_id)
        if agg is None:
            raise not_found()
        return agg

    def new_id(
        self,
        given: UUID | None,
        what_zh: str,
        what_en: str,
        cls: type[NetworkAggregate] = NetworkAggregate,
    ) -> UUID:
        """The id of an aggregate about to be created: ``given``, refused if an aggregate
        (of ``cls``) has it already, or a fresh one."""
        new = given or uuid4()
        if self.find(cls, new) is not None:
            raise DuplicateIdError(what_zh, what_en, str(new))
        return new

    def find_or_add(self, cls: type[A], aggregate_id: UUID, create: Callable[[], A]) -> A:
        """The aggregate of this id, or the one ``create`` makes, added to this unit."""
        found = self.find(cls, aggregate_id)
        if found is None:
            found = create()
            self.add(found)
        return found

    def add(self, agg: NetworkAggregate) -> None:
        self._seen[agg.id] = agg
        self._missing.discard(agg.id)

    def children_read(self, code: str, position: int) -> None:
        """A rule read the open children of unit ``code`` from the read models, which held
        every event up to log ``position``: the commit refuses if one was added since."""
        self._children_read.setdefault(code, position)

    def read_set(self) -> ReadSet:
        """What the batch read and did not write itself (those clash on their own); an
        aggregate looked for and not found is read at version 0: made meanwhile, it changed."""
        versions = {
            i: v
            for i, v in self._read.items()
            if i in self._seen and not self._seen[i].pending_events
        }
        versions.update(dict.fromkeys(self._missing, 0))
        return ReadSet(versions, dict(self._children_read))

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
            reads = self.read_set()
            events = self.collect()
            self.written = events
            if not events:
                return 0
            if bulk or reads:
                self.store.write_bulk(events, reads)
            else:
                self.store.save(*events)
        except IntegrityError as e:
            raise ConcurrentChangeError() from e
        # Later commits of this unit of work read from what this one wrote.
        self._read.update((a.id, a.version) for a in self._seen.values())
        return len(events)

    def forget(self) -> None:
        """Drop cached aggregates (after a commit, to bound memory during a big load)."""
        self._seen.clear()
        self._missing.clear()
        self._read.clear()
        self._children_read.clear()
