"""Blind spots of both kinds, listed and counted together: the network's (the coverage model,
``projections/coverage/``) and the ledger's work gaps (``projections/ledger/gaps.py``), on a
day as known at a moment. ``zhucun gaps``, ``zhucun coverage`` and the unit pages read them
here, so that a new type shows wherever gaps show."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from domain.rules import RuleSet
from projections.coverage import queries as coverage_queries
from projections.coverage.sweep import GAPS
from projections.ledger import gaps as work_gaps
from projections.ledger.gaps import WORK_GAPS

ALL_GAPS = (*GAPS, *WORK_GAPS)


def gaps(
    conn: Connection,
    code: str,
    as_of: date,
    known_at: datetime | None,
    gap_type: str | None = None,
) -> list[dict[str, Any]] | None:
    """Every blind spot under the unit (of one type, with ``gap_type``), one row each, in
    the network's order; None if there was no such unit then."""
    kinds = (gap_type,) if gap_type else ALL_GAPS
    found = coverage_queries.gaps(conn, code, as_of, known_at, [k for k in kinds if k in GAPS])
    work = tuple(k for k in kinds if k in WORK_GAPS)
    if found is None or not work:
        return found
    clocks = work_gaps.clocks(conn, as_of, known_at)
    found += work_gaps.listed(conn, code, clocks, work)
    found.sort(key=coverage_queries.gap_order)
    return found


def coverage(
    conn: Connection,
    code: str,
    as_of: date,
    known_at: datetime | None,
    rules: RuleSet,
    now: bool = False,
    work: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any] | None:
    """The unit's coverage, its ``gaps`` counting the work gaps under it too; ``work``: those
    already counted per village (``work_gap_counts``), which a page keeps longer than the
    network's figures."""
    found = coverage_queries.coverage(conn, code, as_of, known_at, rules, now)
    if found is not None:
        if work is None:
            clocks = work_gaps.clocks(conn, as_of, known_at)
            found["gaps"] |= work_gaps.totals(conn, code, clocks)
        else:
            totals = dict.fromkeys(WORK_GAPS, 0)
            for by_kind in work.values():
                for kind, n in by_kind.items():
                    totals[kind] += n
            found["gaps"] |= totals
    return found


def work_gap_counts(
    conn: Connection, code: str, as_of: date, known_at: datetime | None
) -> dict[str, dict[str, int]]:
    """Per village under ``code`` with any: its work gaps of each type on the day."""
    return dict(work_gaps.counted(conn, code, work_gaps.clocks(conn, as_of, known_at)))
