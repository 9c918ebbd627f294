"""The ``assessments`` read model: one small handler per event type, every row added with
the event's day and position (``tables``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select, update

from domain.assessments.decisions import AssessmentDecision
from domain.assessments.evaluations import TeamEvaluation
from domain.assessments.rules import AssessmentRuleSet
from domain.assessments.runs import AssessmentRun
from domain.assessments.spotchecks import SpotCheck
from domain.residency import MemberMonth
from domain.units import Unit
from projections.assessments.tables import (
    decisions,
    diaries,
    evaluations,
    member_months,
    metadata,
    poverty,
    reports,
    rule_versions,
    runs,
    spot_check_members,
    spot_checks,
    unit_parents,
)
from projections.tables import utc_naive

NAME = "assessments"

Handler = Callable[[Connection, Any, dict[str, Any]], None]
HANDLERS: dict[type, Handler] = {}


def handles(*classes: type) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for c in classes:
            HANDLERS[c] = fn
        return fn

    return register


class AssessmentsModel:
    name = NAME
    metadata = metadata
    version = 2  # 2: spot checks, villages' poverty, decisions

    def process(self, conn: Connection, page: Sequence[Any]) -> None:
        diary_rows: list[dict[str, Any]] = []
        for logged in page:
            e = logged.event
            if type(e) is MemberMonth.DiaryWritten:
                diary_rows.append(
                    {
                        "month": e.originator_id.hex,
                        "team_id": e.team_id.hex,
                        **_clock(e, logged.position),
                    }
                )
                continue
            handler = HANDLERS.get(type(e))
            if handler is not None:
                handler(conn, e, _clock(e, logged.position))
        if diary_rows:
            wanted = {r["month"] for r in diary_rows}
            cadre_of = dict(
                conn.execute(
                    select(member_months.c.id, member_months.c.cadre_id).where(
                        member_months.c.id.in_(wanted)
                    )
                ).all()
            )
            conn.execute(
                insert(diaries), [{**r, "cadre_id": cadre_of[r.pop("month")]} for r in diary_rows]
            )

    def reset(self) -> None:
        """Nothing is kept in memory."""


def _clock(e: Any, position: int) -> dict[str, Any]:
    return {"day": e.day, "position": position}


@handles(MemberMonth.Started)
def _month(conn: Connection, e: MemberMonth.Started, clock: dict[str, Any]) -> None:
    conn.execute(insert(member_months).values(id=e.originator_id.hex, cadre_id=e.cadre_id.hex))


@handles(Unit.Opened, Unit.Moved)
def _parent(conn: Connection, e: Any, clock: dict[str, Any]) -> None:
    unit = e.originator_id.hex
    code = getattr(e, "code", None)
    if code is None:  # moved: the code it was opened with
        code = conn.execute(
            select(unit_parents.c.code).where(unit_parents.c.unit_id == unit).limit(1)
        ).scalar_one()
    conn.execute(
        insert(unit_parents).values(unit_id=unit, code=code, parent_code=e.parent_code, **clock)
    )


@handles(AssessmentRuleSet.Adopted, AssessmentRuleSet.Revised)
def _rules(conn: Connection, e: Any, clock: dict[str, Any]) -> None:
    conn.execute(
        insert(rule_versions).values(
            name=e.content["name"],
            version=e.version,
            effective_from=date.fromisoformat(e.effective_from),
            content=json.dumps(e.content, ensure_ascii=False, sort_keys=True),
            actor=e.actor_id,
            **clock,
        )
    )


@handles(TeamEvaluation.ReportSubmitted)
def _report(conn: Connection, e: TeamEvaluation.ReportSubmitted, clock: dict[str, Any]) -> None:
    conn.execute(
        insert(reports),
        [
            {
                "team_id": e.team_id.hex,
                "year": e.year,
                "body": body,
                "title": e.title,
                "document_sha256": e.document_sha256,
                **clock,
            }
            for body in e.bodies
        ],
    )


@handles(TeamEvaluation.Evaluated)
def _evaluated(conn: Connection, e: TeamEvaluation.Evaluated, clock: dict[str, Any]) -> None:
    conn.execute(
        insert(evaluations).values(
            team_id=e.team_id.hex,
            **e.values_of("year", "attendance", "satisfied", "basically_satisfied", "dissatisfied"),
            actor=e.actor_id,
            **clock,
        )
    )


@handles(AssessmentRun.Recorded)
def _run(conn: Connection, e: AssessmentRun.Recorded, clock: dict[str, Any]) -> None:
    conn.execute(
        insert(runs).values(
            run_id=e.originator_id.hex,
            known_at=e.position,
            **e.values_of(
                "kind", "period", "unit_code", "chain_link", "rules_name", "rules_version", "digest"
            ),
            teams=e.result["summary"]["teams"],
            actor=e.actor_id,
            recorded_at=utc_naive(e.timestamp),
            **clock,
        )
    )


@handles(AssessmentRun.Published)
def _published(conn: Connection, e: AssessmentRun.Published, clock: dict[str, Any]) -> None:
    conn.execute(
        update(runs)
        .where(runs.c.run_id == e.originator_id.hex)
        .values(
            published_by=e.actor_id, published_on=clock["day"], published_position=clock["position"]
        )
    )


def _unit_code(conn: Connection, unit: str) -> str:
    return str(
        conn.execute(
            select(unit_parents.c.code).where(unit_parents.c.unit_id == unit).limit(1)
        ).scalar_one()
    )


@handles(Unit.DeclaredPoor, Unit.ExitedPoverty)
def _poverty(conn: Connection, e: Any, clock: dict[str, Any]) -> None:
    code = _unit_code(conn, e.originator_id.hex)
    exited = type(e) is Unit.ExitedPoverty
    conn.execute(insert(poverty).values(code=code, exited=exited, **clock))


@handles(SpotCheck.Recorded)
def _spot_check(conn: Connection, e: SpotCheck.Recorded, clock: dict[str, Any]) -> None:
    check = e.originator_id.hex
    conn.execute(
        insert(spot_checks).values(
            check_id=check,
            team_id=e.team_id.hex,
            **e.values_of("team_name", "village_code", "dispatching_unit"),
            inspectors=json.dumps(e.inspectors, ensure_ascii=False, sort_keys=True),
            findings=e.findings,
            actor=e.actor_id,
            **clock,
        )
    )
    rows = [(c, True) for c in e.present] + [(c, False) for c in e.absent]
    conn.execute(
        insert(spot_check_members),
        [
            {
                "check_id": check,
                "team_id": e.team_id.hex,
                "cadre_id": c.hex,
                "present": present,
                **clock,
            }
            for c, present in rows
        ],
    )


@handles(AssessmentDecision.Decided)
def _decided(conn: Connection, e: AssessmentDecision.Decided, clock: dict[str, Any]) -> None:
    conn.execute(
        insert(decisions).values(
            decision_id=e.originator_id.hex,
            run_id=e.run_id.hex,
            **e.values_of("proposal", "kind", "outcome"),
            amended=json.dumps(e.amended, ensure_ascii=False, sort_keys=True)
            if e.amended is not None
            else None,
            why=e.why,
            actor=e.actor_id,
            **clock,
        )
    )
