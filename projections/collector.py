"""Pausing Python's cyclic garbage collector around bulk work.

Catching up a page of the log, or writing a chunk of the demo, allocates hundreds of thousands
of small objects (decoded events, rows, digests) that all stay alive until the page commits.
The collector runs every few hundred allocations and walks the young objects each time, and
now and then the whole heap: measured on the Benxi demo, that is a third of the audit chain's
time and a large part of the other read models'. The objects made there are freed by
reference counting when the page is done; the few cycles among them wait for the next
collection after the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; leave it as it was found (so pauses nest)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
