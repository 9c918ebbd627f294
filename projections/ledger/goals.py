"""Queries of the 六有 goals: a village's six haves under the four duties (each goal's target,
status, who judged it and when, its evidence), and the roll-up counting the villages under a
unit per item and status. On a day (``as_of``: what had happened by then) as known once the
log had reached a position (``upto``; None: now)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from domain.ledger.goals import Duty, EvidenceKind, GoalStatus, SixHave
from projections.ledger.counts import UNJUDGED  # a goal set and never judged
from projections.ledger.tables import (
    goal_evidence,
    goal_statuses,
    goal_targets,
    goals,
    latest,
    seen,
)

NOT_SET = "not_set"  # no goal set for the item
BUCKETS = (NOT_SET, UNJUDGED, *(s.value for s in GoalStatus))


def _goal_rows(conn: Connection, village: str, as_of: date, upto: int | None) -> list[Any]:
    """The village's goals set by the day, each with its latest target and latest judgement
    by then (``status`` None: not judged yet)."""
    mine = and_(goals.c.village_code == village, seen(goals, as_of, upto))
    ids = select(goals.c.goal_id).where(mine)
    target = latest(goal_targets, "goal_id", ids, as_of, upto)
    judged = latest(goal_statuses, "goal_id", ids, as_of, upto)
    query = (
        select(
            goals,
            target.c.target,
            target.c.revision,
            target.c.day.label("revised_on"),
            judged.c.status,
            judged.c.day.label("judged_on"),
            judged.c.judged_by,
            judged.c.judge_unit,
            judged.c.note,
        )
        .select_from(
            goals.join(target, target.c.goal_id == goals.c.goal_id).outerjoin(
                judged, judged.c.goal_id == goals.c.goal_id
            )
        )
        .where(mine)
    )
    return list(conn.execute(query).mappings())


def village_goals(conn: Connection, village: str, as_of: date, upto: int | None) -> dict[str, Any]:
    """The village's six haves under the duties they fall under, each with its target, its
    status (who judged it, on which day), its judgements and its evidence by the day."""
    found = {r["goal"]: r for r in _goal_rows(conn, village, as_of, upto)}
    ids = [r["goal_id"] for r in found.values()]
    evidence: dict[str, list[dict[str, Any]]] = {}
    history: dict[str, list[dict[str, Any]]] = {}
    if ids:
        for e in conn.execute(
            select(goal_evidence)
            .where(goal_evidence.c.goal_id.in_(ids), seen(goal_evidence, as_of, upto))
            .order_by(goal_evidence.c.day, goal_evidence.c.position)
        ).mappings():
            evidence.setdefault(e["goal_id"], []).append(
                {
                    "added_on": e["day"].isoformat(),
                    "title": e["title"],
                    "kind": e["kind"],
                    "kind_zh": EvidenceKind(e["kind"]).zh,
                    "dated": e["dated"].isoformat(),
                    "file": e["file_sha256"],
                    "size": int(e["file_size"]),
                    "media_type": e["media_type"],
                    "file_name": e["file_name"],
                }
            )
        for j in conn.execute(
            select(goal_statuses)
            .where(goal_statuses.c.goal_id.in_(ids), seen(goal_statuses, as_of, upto))
            .order_by(goal_statuses.c.day, goal_statuses.c.position)
        ).mappings():
            history.setdefault(j["goal_id"], []).append(_judgement(j))
    duties = []
    for duty in Duty:
        items = []
        for item in (g for g in SixHave if g.duty is duty):
            row = found.get(item.value)
            items.append(_goal(item, row, evidence, history))
        duties.append({"duty": duty.value, "zh": duty.zh, "en": duty.en, "goals": items})
    return {
        "goals_set": len(found),
        "met": sum(1 for r in found.values() if r["status"] == GoalStatus.MET.value),
        "duties": duties,
    }


def _judgement(j: Any, day: str = "day") -> dict[str, Any]:
    return {
        "on": j[day].isoformat(),
        "status": j["status"],
        "status_zh": GoalStatus(j["status"]).zh,
        "judged_by": j["judged_by"],
        "judge_unit": j["judge_unit"],
        "note": j["note"],
    }


def _goal(
    item: SixHave,
    row: Any,
    evidence: dict[str, list[dict[str, Any]]],
    history: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    out: dict[str, Any] = {"goal": item.value, "zh": item.zh, "en": item.en, "set": row is not None}
    if row is None:
        return out
    judgement = _judgement(row, "judged_on") if row["status"] is not None else None
    return out | {
        "set_on": row["day"].isoformat(),
        "target": row["target"],
        "revision": row["revision"],
        "revised_on": row["revised_on"].isoformat(),
        "status": row["status"],
        "status_zh": judgement["status_zh"] if judgement else "未评定",
        "judgement": judgement,
        "judgements": history.get(row["goal_id"], []),
        "evidence": evidence.get(row["goal_id"], []),
    }


def goals_rollup(conn: Connection, villages: Any, as_of: date, upto: int | None) -> dict[str, Any]:
    """Per item, how many of the villages that set any 六有 goal by the day are at each
    status: ``not_set`` (no goal for that item), ``unjudged``, ``not_started``,
    ``under_way``, ``met``. One scan of the goals with their judgements, each goal's latest
    picked here (on SQLite a windowed subquery took twice as long)."""
    judged = and_(goal_statuses.c.goal_id == goals.c.goal_id, seen(goal_statuses, as_of, upto))
    found: dict[str, tuple[str, str, Any, str | None]] = {}
    for goal_id, goal, village, day, position, status in conn.execute(
        select(
            goals.c.goal_id,
            goals.c.goal,
            goals.c.village_code,
            goal_statuses.c.day,
            goal_statuses.c.position,
            goal_statuses.c.status,
        )
        .select_from(goals.outerjoin(goal_statuses, judged))
        .where(goals.c.village_code.in_(villages), seen(goals, as_of, upto))
    ):
        was = found.get(goal_id)
        if was is None or (day, position) > was[2]:  # a goal never judged has one row
            found[goal_id] = (goal, village, (day, position), status)
    by_goal = {g.value: dict.fromkeys(BUCKETS, 0) for g in SixHave}
    met: dict[str, int] = {}
    for goal, village, _, status in found.values():
        by_goal[goal][status or UNJUDGED] += 1
        if status == GoalStatus.MET.value:
            met[village] = met.get(village, 0) + 1
    with_goals = {village for _, village, _, _ in found.values()}
    for counts in by_goal.values():
        counts[NOT_SET] = len(with_goals) - sum(counts.values())
    return {
        "villages_with_goals": len(with_goals),
        "villages_all_met": sum(1 for n in met.values() if n == len(SixHave)),
        "by_goal": by_goal,
    }
