"""Queries of the 六有 goals: a village's six haves under the four duties (each goal's target,
status, who judged it and when, its evidence), and the roll-up counting the villages under a
unit per item and status. On a day (``as_of``: what had happened by then) as known once the
log had reached a position (``upto``; None: now)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, select

from domain.ledger.goals import Duty, EvidenceKind, GoalStatus, SixHave
from projections.ledger.tables import goal_evidence, goal_statuses, goal_targets, goals, seen

UNJUDGED = "unjudged"  # a goal set and never judged
NOT_SET = "not_set"  # no goal set for the item
BUCKETS = (NOT_SET, UNJUDGED, *(s.value for s in GoalStatus))


def _goal_rows(
    conn: Connection, villages: Any, as_of: date, upto: int | None
) -> list[dict[str, Any]]:
    """The goals of these villages set by the day, each with its latest target and latest
    judgement by then (``status`` None: not judged yet)."""
    rows = [
        dict(r)
        for r in conn.execute(
            select(goals).where(goals.c.village_code.in_(villages), seen(goals, as_of, upto))
        ).mappings()
    ]
    if not rows:
        return []
    ids = [r["goal_id"] for r in rows]
    targets = _latest(conn, goal_targets, ids, as_of, upto)
    judged = _latest(conn, goal_statuses, ids, as_of, upto)
    for r in rows:
        r["target"] = targets[r["goal_id"]]
        r["judgement"] = judged.get(r["goal_id"])
    return rows


def _latest(
    conn: Connection, table: Table, ids: list[str], as_of: date, upto: int | None
) -> dict[str, dict[str, Any]]:
    """Per goal, its latest row of ``table`` by the day (by day, then by log position)."""
    out: dict[str, dict[str, Any]] = {}
    for m in conn.execute(
        select(table).where(table.c.goal_id.in_(ids), seen(table, as_of, upto))
    ).mappings():
        was = out.get(m["goal_id"])
        if was is None or (m["day"], m["position"]) > (was["day"], was["position"]):
            out[m["goal_id"]] = dict(m)
    return out


def village_goals(conn: Connection, village: str, as_of: date, upto: int | None) -> dict[str, Any]:
    """The village's six haves under the duties they fall under, each with its target, its
    status (who judged it, on which day), its judgements and its evidence by the day."""
    found = {r["goal"]: r for r in _goal_rows(conn, [village], as_of, upto)}
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
    judged = [r["judgement"]["status"] for r in found.values() if r["judgement"]]
    return {
        "goals_set": len(found),
        "met": judged.count(GoalStatus.MET.value),
        "duties": duties,
    }


def _judgement(j: Any) -> dict[str, Any]:
    return {
        "on": j["day"].isoformat(),
        "status": j["status"],
        "status_zh": GoalStatus(j["status"]).zh,
        "judged_by": j["judged_by"],
        "judge_unit": j["judge_unit"],
        "note": j["note"],
    }


def _goal(
    item: SixHave,
    row: dict[str, Any] | None,
    evidence: dict[str, list[dict[str, Any]]],
    history: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    out: dict[str, Any] = {"goal": item.value, "zh": item.zh, "en": item.en, "set": row is not None}
    if row is None:
        return out
    target, judgement = row["target"], row["judgement"]
    return out | {
        "set_on": row["day"].isoformat(),
        "target": target["target"],
        "revision": target["revision"],
        "revised_on": target["day"].isoformat(),
        "status": judgement["status"] if judgement else None,
        "status_zh": GoalStatus(judgement["status"]).zh if judgement else "未评定",
        "judgement": _judgement(judgement) if judgement else None,
        "judgements": history.get(row["goal_id"], []),
        "evidence": evidence.get(row["goal_id"], []),
    }


def goals_rollup(conn: Connection, villages: Any, as_of: date, upto: int | None) -> dict[str, Any]:
    """Per item, how many of the villages that set any 六有 goal by the day are at each
    status: ``not_set`` (no goal for that item), ``unjudged``, ``not_started``,
    ``under_way``, ``met``."""
    rows = _goal_rows(conn, villages, as_of, upto)
    with_goals = {r["village_code"] for r in rows}
    by_goal = {g.value: dict.fromkeys(BUCKETS, 0) for g in SixHave}
    met: dict[str, int] = {}
    for r in rows:
        status = r["judgement"]["status"] if r["judgement"] else UNJUDGED
        by_goal[r["goal"]][status] += 1
        if status == GoalStatus.MET.value:
            met[r["village_code"]] = met.get(r["village_code"], 0) + 1
    for counts in by_goal.values():
        counts[NOT_SET] = len(with_goals) - sum(counts.values())
    return {
        "villages_with_goals": len(with_goals),
        "villages_all_met": sum(1 for n in met.values() if n == len(SixHave)),
        "by_goal": by_goal,
    }
