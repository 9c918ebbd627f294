"""What a unit page shows on a day, kept in memory until the log moves.

Every figure on a unit page is a function of the log and the day asked for: while the log's
head has not moved, the same question has the same answer. So answers are kept per app (one
per process), keyed by (what, unit, day, log head); any new event (a command, a login) moves
the head and the next request computes afresh. Small and bounded; nothing is shared between
processes, and nothing depends on who asks (jurisdiction is checked before, per request).
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


class PageCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()

    def get(self, z: Zhucun, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        z.projections.catch_up()
        full = (z.store.max_position(), *key)
        with self.lock:
            if full in self.entries:
                self.entries.move_to_end(full)
                return cast(T, self.entries[full])
        value = compute()
        with self.lock:
            self.entries[full] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


def cached(z: Zhucun, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, PageCache())
    return cast(PageCache, cache).get(z, key, compute)
