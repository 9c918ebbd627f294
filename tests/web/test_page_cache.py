"""The page cache computes an answer once for requests that ask for it together, and a
failure is not handed to the others."""

from __future__ import annotations

import threading
import time
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from web.page_cache import PageCache

DAY = date(2016, 12, 31)


def log_at(head: int, unchanged: bool = False) -> Any:
    """A store at ``head``; ``unchanged``: the events since any earlier head change no page."""
    return SimpleNamespace(
        projections=SimpleNamespace(head=lambda: head),
        pages_unchanged=lambda after, upto, day, ignored=frozenset(), also=frozenset(): unchanged,
    )


def ask_together(cache: PageCache, z: Any, compute: Any, n: int = 8) -> list[Any]:
    start = threading.Barrier(n)
    answers: list[Any] = [None] * n

    def ask(i: int) -> None:
        start.wait()
        try:
            answers[i] = cache.get(z, ("unit", "210521"), DAY, compute)
        except Exception as e:
            answers[i] = e

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return answers


def test_requests_asking_together_wait_for_one_computation():
    cache, calls = PageCache(), []

    def compute() -> dict[str, int]:
        calls.append(1)
        time.sleep(0.2)
        return {"households": 7}

    answers = ask_together(cache, log_at(5), compute)
    assert answers == [{"households": 7}] * 8
    assert len(calls) == 1
    assert cache.get(log_at(5), ("unit", "210521"), DAY, compute) == {"households": 7}
    assert len(calls) == 1  # kept while the log has not moved
    cache.get(log_at(6, unchanged=True), ("unit", "210521"), DAY, compute)
    assert len(calls) == 1  # new events that change no page: kept
    assert cache.entries[("unit", "210521")][0] == 6
    cache.get(log_at(7), ("unit", "210521"), DAY, compute)
    assert len(calls) == 2  # a new event that changes it: computed again


def test_a_failed_computation_is_not_handed_to_those_waiting_for_it():
    cache, calls = PageCache(), []

    def compute() -> str:
        calls.append(1)
        time.sleep(0.1)
        if len(calls) == 1:
            raise LookupError("the first one fails")
        return "answer"

    answers = ask_together(cache, log_at(5), compute, n=4)
    failed = [a for a in answers if isinstance(a, LookupError)]
    assert len(failed) == 1  # only the request that computed it
    assert answers.count("answer") == 3
    assert not cache.flights  # nothing left waiting


def test_an_error_leaves_nothing_in_the_cache():
    cache = PageCache()
    with pytest.raises(ZeroDivisionError):
        cache.get(log_at(1), ("x",), DAY, lambda: 1 / 0)
    assert cache.get(log_at(1), ("x",), DAY, lambda: "computed") == "computed"
