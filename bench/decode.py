"""Reading the log: ``python -m bench.decode [--villages N] [--db URL]``.

Loads N planned villages (bench/scale.py) into a new store, then reads the whole log in
pages of 10,000 events, in the same run, ``--repeat`` times each way:

* the baseline: the library's own loop, ``select_notifications`` then the mapper's
  ``to_domain_event`` for each row;
* ours: ``EventStore.read_log`` (the raw rows, decoded by app/store/decoding.py), which every
  read model's catch-up and rebuild uses.

Both make the same events (tests/test_decoding.py). Wall seconds with the cyclic collector
paused, as during a catch-up; medians, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

from app.store.event_store import EventStore
from bench import harness
from bench.stores import FreshStores
from projections.collector import collector_paused

PAGE = 10_000


def library_loop(store: EventStore) -> int:
    recorder, to_event = store.recorder, store.mapper.to_domain_event
    after = count = 0
    while True:
        notes = recorder.select_notifications(start=after, limit=PAGE, inclusive_of_start=False)
        if not notes:
            return count
        for n in notes:
            to_event(n)
        count += len(notes)
        after = notes[-1].id


def our_loop(store: EventStore) -> int:
    after = count = 0
    while True:
        page = store.read_log(after, PAGE)
        if not page:
            return count
        count += len(page)
        after = page[-1].position


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=200)
    parser.add_argument("--db", default=None, help="sqlite:///PATH or postgresql://...?schema=")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    stores = FreshStores(args.db)
    store = stores.open(f"decode-{args.villages}")
    try:
        harness.load_province(store, args.villages, args.seed)
        spent: dict[str, list[float]] = {"library": [], "ours": []}
        events = 0
        with collector_paused():
            for _ in range(args.repeat):  # alternated, so both see the same machine
                for name, loop in (("library", library_loop), ("ours", our_loop)):
                    start = time.perf_counter()
                    events = loop(store)
                    spent[name].append(time.perf_counter() - start)
        base, ours = statistics.median(spent["library"]), statistics.median(spent["ours"])
        print(f"{stores.engine}: {events:,} events, {args.villages:,} villages")
        print(f"  baseline (library select + mapper)  {events / base:>10,.0f} events/s")
        print(f"  ours (EventStore.read_log)          {events / ours:>10,.0f} events/s")
        print(f"  ratio ours / baseline               {base / ours:>10.2f}")
    finally:
        stores.drop(store)
        stores.cleanup()


if __name__ == "__main__":
    main()
