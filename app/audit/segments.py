"""Verify an SQLite store's log against its stored chain quickly: straight through the
``sqlite3`` driver, and in segments checked side by side on the machine's cores
(docs/adr/007-hash-chain.md, "Revision: verify in segments").

Each stored link is recomputed from the stored link before it, the position and the
stored row: a segment of positions needs nothing from the others but the stored link just
before it, so segments are checked in separate processes at once. Every segment agreeing
with the stored chain is the same as the whole recomputed chain agreeing with it (by
induction from the first link). This path only ever answers "intact"; when anything
differs, the caller walks the log in order again to name the first position and how.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from projections.audit.chain import GENESIS, links

# Below this many chained events a segment is not worth a process of its own.
MIN_SEGMENT = 50_000


@dataclass
class Segment:
    """What a segment found when it agreed with the stored chain."""

    events: int = 0
    pending: int = 0  # events after the chain's head (the last segment only)
    last_position: int = 0  # 0: no event in the segment
    last_link: bytes = GENESIS
    links_at: dict[int, bytes] = field(default_factory=dict)


def segment_bounds(chain_head: int, segments: int) -> list[tuple[int, int | None]]:
    """(after, upto) for each segment; the last one runs to the end of the log."""
    n = max(1, min(segments, chain_head))
    cuts = [chain_head * k // n for k in range(n + 1)]
    return [(cuts[k], cuts[k + 1] if k + 1 < n else None) for k in range(n)]


def default_segments(chain_head: int) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, chain_head // MIN_SEGMENT))


def verify_segments(
    path: Path, chain_head: int, watch: set[int], page: int, segments: int
) -> Segment | None:
    """The whole log checked against the stored chain, in ``segments`` parts at once; the
    totals, the head and the links at the ``watch`` positions if every part agrees, else
    None."""
    bounds = segment_bounds(chain_head, segments)
    args = [(str(path), after, upto, chain_head, watch, page) for after, upto in bounds]
    if len(args) == 1:
        parts = [check_segment(*args[0])]
    else:
        # The other segments in child processes, the last one here. Forked children open
        # their own connections and touch nothing they inherited.
        with ProcessPoolExecutor(len(args) - 1, mp_context=get_context("fork")) as pool:
            futures: list[Future[Segment | None]] = [
                pool.submit(check_segment, *a) for a in args[:-1]
            ]
            last = check_segment(*args[-1])
            parts = [f.result() for f in futures] + [last]
    return _combine(parts)


def _combine(parts: Sequence[Segment | None]) -> Segment | None:
    total = Segment()
    for part in parts:
        if part is None:
            return None
        total.events += part.events
        total.pending += part.pending
        total.links_at.update(part.links_at)
        if part.last_position:
            total.last_position, total.last_link = part.last_position, part.last_link
    return total


def check_segment(
    path: str, after: int, upto: int | None, chain_head: int, watch: set[int], page: int
) -> Segment | None:
    """Log positions in (after, upto] (to the end if ``upto`` is None) against the stored
    chain over the same range: the same positions, and each stored link equal to the one
    recomputed from the stored link before the segment. None at the first difference."""
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(
            "SELECT link FROM audit_chain WHERE position <= ? ORDER BY position DESC LIMIT 1",
            (after,),
        ).fetchone()
        previous = bytes(found[0]) if found else GENESIS
        log_sql = (
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid > ?"
            + (" AND rowid <= ?" if upto is not None else "")
            + " ORDER BY rowid LIMIT ?"
        )
        chain_sql = (
            "SELECT position, link FROM audit_chain WHERE position > ? AND position <= ? "
            "ORDER BY position"
        )
        out = Segment()
        while True:
            # Straight from the cursor: no list of the page's rows is kept.
            mine = links(
                previous,
                conn.execute(log_sql, (after, upto, page) if upto is not None else (after, page)),
            )
            if not mine:
                break
            last = mine[-1][0]
            if after < chain_head:
                stored = conn.execute(chain_sql, (after, min(last, chain_head))).fetchall()
                chained = mine if last <= chain_head else [x for x in mine if x[0] <= chain_head]
                # The usual case, a page that matches, is one comparison of two lists.
                if stored != chained:
                    return None
            if watch:
                out.links_at.update((p, k) for p, k in mine if p in watch)
            out.events += len(mine)
            out.pending += sum(1 for p, _ in mine if p > chain_head) if last > chain_head else 0
            previous = mine[-1][1]
            after = last
        # Chained positions past the last row of the segment: the log lost them.
        end = chain_head if upto is None else min(upto, chain_head)
        if after < end and conn.execute(chain_sql + " LIMIT 1", (after, end)).fetchone():
            return None
        out.last_position = after if out.events else 0
        out.last_link = previous
        return out
    finally:
        conn.close()
