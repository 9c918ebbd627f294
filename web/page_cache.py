"""What a unit page shows on a day, kept in memory until the log moves.

Every figure on a unit page is a function of the log and the day asked for: while the log's
head has not moved, the same question has the same answer. So answers are kept per app (one
per process), keyed by (what, unit, day, log head); any new event (a command, a login) moves
the head and the next request computes afresh. Small and bounded; nothing is shared between
processes, and nothing depends on who asks (jurisdiction is checked before, per request).

Under load, requests for the same page arrive together just after a write has moved the
head: the first computes the answer and the others wait for it (one flight per key), rather
than each spending the same CPU on the same answer while all of them wait for the processor.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from flask import current_app

from app.bootstrap import Zhucun

T = TypeVar("T")
SIZE = 256
EXTENSION = "zhucun_page_cache"
WAIT = 30.0  # seconds a request waits for another's answer before computing its own


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
        self.entries: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
        self.flights: dict[tuple[Hashable, ...], _Flight] = {}

    def get(self, z: Zhucun, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        full = (z.projections.head(), *key)
        with self.lock:
            if full in self.entries:
                self.entries.move_to_end(full)
                return cast(T, self.entries[full])
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
                if flight.ok:
                    self.entries[full] = flight.value
                    while len(self.entries) > self.size:
                        self.entries.popitem(last=False)
                del self.flights[full]
            flight.done.set()
        return value


def cached(z: Zhucun, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, PageCache())
    return cast(PageCache, cache).get(z, key, compute)
