"""Loading with several processes, each one a loader of its own writing with ``write_bulk``.

The use cases are pure Python and hold the interpreter lock, so a second core only helps from
a second process. The province root and the cities are loaded first; then each worker takes
every ``workers``-th county with all that lies under it, so no worker needs another's units
except the cities, which are stored by then. Their batches take turns at the store's write
lock (SQLite's, or the table lock on PostgreSQL) while the others run use cases.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from app.store.config import parse_database_url
from app.store.event_store import EventStore
from bench import harness, scale
from bench.loader import WRITERS, Loader, LoadResult, peak_rss_mib


@dataclass(frozen=True)
class Job:
    url: str
    villages: int
    seed: int
    ids: str
    path: str
    batch_events: int
    workers: int
    progress: bool


@dataclass
class ParallelResult:
    total: LoadResult
    worker_rss_mib: list[float] = field(default_factory=list)


def load_parallel(store: EventStore, job: Job) -> ParallelResult:
    start = time.perf_counter()
    cpu = time.process_time()
    loader = Loader(store, WRITERS["write_bulk"], job.batch_events, job.path)
    try:
        head = loader.load(scale.head(job.villages, job.seed))
    finally:
        loader.close()
    context = multiprocessing.get_context("spawn")  # no inherited connections or threads
    with ProcessPoolExecutor(job.workers, mp_context=context) as pool:
        parts = list(pool.map(_work, [(job, k) for k in range(job.workers)]))
    total = _sum([head, *(r for r, _ in parts)])
    total.wall_s = time.perf_counter() - start
    total.cpu_s = time.process_time() - cpu + sum(r.cpu_s for r, _ in parts)
    return ParallelResult(total, [rss for _, rss in parts])


def _work(arg: tuple[Job, int]) -> tuple[LoadResult, float]:
    job, part = arg
    store = EventStore(parse_database_url(job.url))
    loader = Loader(store, WRITERS["write_bulk"], job.batch_events, job.path)
    try:
        plans = scale.counties(job.villages, job.seed, part, job.workers, job.ids)
        # Workers running at one pace would reach the write lock together every batch and
        # one would wait; a shorter first batch for all but the last puts them out of step.
        first = job.batch_events * (part + 1) // job.workers
        result = loader.load(plans, _progress(part) if job.progress else None, first)
    finally:
        loader.close()
        store.close()
    return result, peak_rss_mib()


def _progress(part: int) -> Callable[[LoadResult], None]:
    return lambda r: harness.progress(r, f"worker {part}: ")


def _sum(results: list[LoadResult]) -> LoadResult:
    total = LoadResult()
    for r in results:
        total.events += r.events
        total.villages += r.villages
        total.batches += r.batches
        total.plan_s += r.plan_s
        total.domain_s += r.domain_s
        total.write_s += r.write_s
    return total
