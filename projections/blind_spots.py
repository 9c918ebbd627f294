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
# Each gap type in words, Chinese and English: refusals and the audit log name them so.
GAP_WORDS: dict[str, tuple[str, str]] = {
    "unlinked_household": ("未联系党员中心户的户", "household not linked to a central household"),
    "group_without_point": ("没有为民服务点的村民小组", "villager group without a service point"),
    "village_without_station": ("没有为民服务站的村", "village without a service station"),
    "unit_without_centre": ("没有便民服务中心的单位", "unit without a service centre"),
    "vacant_central_household": ("空缺的党员中心户", "vacant central household"),
    "overloaded_central_household": ("超负荷的党员中心户", "overloaded central household"),
    "party_member_without_role": ("无角色的党员", "party member without a role"),
    "site_without_responsible": ("无人负责的服务场所", "service site with nobody responsible"),
    "poor_village_without_survey": ("未开展摸底排查的贫困村", "poor village without a survey"),
    "poor_village_without_plan": (
        "没有本年度已批准帮扶计划的贫困村",
        "poor village without a plan",
    ),
    "poor_village_without_letter": (
        "没有有效工作目标责任书的贫困村",
        "poor village without a responsibility letter",
    ),
    "overdue_measure": ("逾期的帮扶措施", "measure past its due date"),
    "lapsed_team_term": ("驻村期届满、既未延期又无接续的工作队", "team term lapsed"),
}


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
