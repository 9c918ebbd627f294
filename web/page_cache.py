"""What a unit page shows on a day, kept in memory until an event changes it.

Every figure on a unit page is a function of the log and the day asked for: while the log's
head has not moved, the same question has the same answer. So answers are kept per app (one
per process), keyed by (what, unit, day) with the log's head they were computed at: the
position the read models had reached (``Projections.head``), which is behind the log's head
when the catch-up's bound cut it short (ADR 047), so that such an answer is never taken for
the answer at the head. When the head has moved, the events in between are looked at
(``Zhucun.pages_unchanged``): a check-in or a login changes no unit page, and a household
registered today changes no page of an earlier day, so the answer is kept; any other event
computes it afresh. Small and bounded; nothing is shared between processes, and nothing
depends on who asks (jurisdiction is checked before, per request).

Under load, requests for the same page arrive together just after a write has moved the
head: the first computes the answer and the others wait for it (one flight per key), rather
than each spending the same CPU on the same answer while all of them wait for the processor.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar, cast

from flask import current_app

from app.bootstrap import Zhucun

T = TypeVar("T")
SIZE = 256
EXTENSION = "zhucun_page_cache"
WAIT = 30.0  # seconds a request waits for another's answer before computing its own
SPANS = 1024  # answers kept of "did the pages of a day change between two positions?"


class _Flight:
    """An answer being computed by one request, which others wait for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.ok = False


class PageCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.lock = threading.Lock()
        # key -> (the log's head it was computed at, or found unchanged at; the answer)
        self.entries: OrderedDict[tuple[Hashable, ...], tuple[int, Any]] = OrderedDict()
        self.flights: dict[tuple[Hashable, ...], _Flight] = {}
        self.spans: dict[tuple[int, int, date, frozenset[str], frozenset[str]], bool] = {}

    def get(
        self,
        z: Zhucun,
        key: tuple[Hashable, ...],
        day: date,
        compute: Callable[[], T],
        ignored: frozenset[str] = frozenset(),
        also: frozenset[str] = frozenset(),
    ) -> T:
        """The answer to ``key`` (a question about ``day``) with the log where the read models
        stand (its head, unless the catch-up's bound cut it short)."""
        head = z.projections.head()
        with self.lock:
            found = self.entries.get(key)
        if found is not None:
            at, value = found
            # Another request's look may be newer than this one's: its answer is too.
            if at >= head or self._unchanged(z, at, head, day, ignored, also):
                with self.lock:
                    if key in self.entries and self.entries[key][0] < head:
                        self.entries[key] = (head, value)
                    if key in self.entries:
                        self.entries.move_to_end(key)
                return cast(T, value)
        full = (head, *key)
        with self.lock:
            flight = self.flights.get(full)
            mine = flight is None
            if flight is None:
                flight = self.flights[full] = _Flight()
        if not mine:
            # A refusal (an unknown unit) or a fault is not shared: the waiter then asks
            # for itself and gets its own answer or error.
            if flight.done.wait(WAIT) and flight.ok:
                return cast(T, flight.value)
            return compute()
        try:
            value = compute()
            flight.value, flight.ok = value, True
        finally:
            with self.lock:
                if flight.ok and (key not in self.entries or self.entries[key][0] < head):
                    self.entries[key] = (head, flight.value)
                    self.entries.move_to_end(key)
                    while len(self.entries) > self.size:
                        self.entries.popitem(last=False)
                del self.flights[full]
            flight.done.set()
        return value

    def _unchanged(
        self,
        z: Zhucun,
        after: int,
        upto: int,
        day: date,
        ignored: frozenset[str],
        also: frozenset[str],
    ) -> bool:
        """Did no event between the two positions change the pages of ``day``? (The pieces
        of one page ask the same.)"""
        span = (after, upto, day, ignored, also)
        known = self.spans.get(span)
        if known is None:
            known = z.pages_unchanged(after, upto, day, ignored, also)
            with self.lock:
                if len(self.spans) >= SPANS:
                    self.spans.clear()
                self.spans[span] = known
        return known


def cached(
    z: Zhucun,
    key: tuple[Hashable, ...],
    day: date,
    compute: Callable[[], T],
    ignored: frozenset[str] = frozenset(),
    also: frozenset[str] = frozenset(),
) -> T:
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, PageCache())
    return cast(PageCache, cache).get(z, key, day, compute, ignored, also)
