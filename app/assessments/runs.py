"""Assessment runs: computing one from the read models as known at a log position and
recording it (``run``), listing and showing runs, the rule sets known, and tracing a figure
of a run to the events behind it (``explain``). Replaying a run is ``replay``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection

from app.store.clock import Clock, local_today
from app.store.event_store import EventStore
from app.store.uow import UnitOfWork
from domain.assessments.canonical import digest
from domain.assessments.decisions import proposals
from domain.assessments.errors import (
    AssessmentRulesNotFoundError,
    InputNotInRunError,
    NoRulesInForceError,
    RunNotFoundError,
    TeamNotInRunError,
)
from domain.assessments.facts import Facts, TeamFacts
from domain.assessments.periods import Period, RunKind
from domain.assessments.rules import INPUTS, AssessmentRules, read_rules
from domain.assessments.runs import AssessmentRun, whole_result
from domain.assessments.scoring import assess
from domain.assessments.trace import explain
from domain.base import Meta
from domain.errors import DuplicateIdError, InvalidInputError, UnitNotFoundError
from projections.assessments import queries
from projections.assessments.facts import gather
from projections.assessments.model import NAME as ASSESSMENTS
from projections.audit.chain import NAME as CHAIN
from projections.ledger.model import NAME as LEDGER
from projections.runner import Projections
from projections.teams.model import NAME as TEAMS

# The read models an assessment reads: a run is as known at the position all of them reached.
READ = (TEAMS, LEDGER, ASSESSMENTS, CHAIN)


def parse_rules_ref(ref: str) -> tuple[str, int | None]:
    """``NAME@VERSION`` or ``NAME``."""
    name, _, version = ref.strip().partition("@")
    if version and not version.isdigit():
        raise InvalidInputError(
            "rules",
            f"--rules {ref!r} 应写作 名称@版本，如 benxi-2014-assessment@1",
            f"--rules {ref!r} is NAME@VERSION, like benxi-2014-assessment@1",
        )
    return name, int(version) if version else None


@dataclass(frozen=True)
class Recorded:
    """A run as its event recorded it."""

    run_id: UUID
    period: Period
    unit: str
    position: int
    chain_link: str
    digest: str
    result: dict[str, Any]
    recorded_at: int  # the run's own position in the log

    @property
    def rules_ref(self) -> str:
        return f"{self.result['rules']['name']}@{self.result['rules']['version']}"


class Assessments:
    def __init__(self, store: EventStore, projections: Projections, clock: Clock) -> None:
        self.store = store
        self.projections = projections
        self.clock = clock

    @contextmanager
    def reading(self) -> Iterator[tuple[Connection, int]]:
        """A connection to the read models and the log position they have all reached."""
        with self.projections.reading() as conn:
            at = self.projections.positions(conn)
            yield conn, min(at[name] for name in READ)

    def rules_at(
        self, conn: Connection, ref: str | None, period: Period, upto: int | None
    ) -> AssessmentRules:
        """The rules ``ref`` names (``NAME@VERSION``), or the version of ``NAME`` (or of any
        rule set, without ``ref``) in force on the period's last day, as known at ``upto``."""
        name, version = parse_rules_ref(ref) if ref else (None, None)
        if name is not None and version is not None:
            found = queries.rules_version(conn, name, version, upto)
            if found is None:
                raise AssessmentRulesNotFoundError(f"{name}@{version}")
        else:
            bound = upto if upto is not None else 2**62
            found = queries.rules_in_force(conn, period.last_day, bound, name)
            if found is None:
                if name is not None and not queries.rules_version(conn, name, 1, upto):
                    raise AssessmentRulesNotFoundError(name)
                raise NoRulesInForceError(period.last_day.isoformat())
        return read_rules(found["content"])

    def compute(
        self, conn: Connection, unit: str, period: Period, rules: AssessmentRules, upto: int
    ) -> tuple[Facts, dict[str, Any]]:
        facts = gather(conn, unit, period, upto)
        if facts is None:
            raise UnitNotFoundError(unit)
        return facts, assess(facts, rules)

    # -- a run ------------------------------------------------------------------------------

    def run(
        self,
        kind: RunKind,
        period_text: str,
        unit: str,
        rules_ref: str | None,
        meta: Meta,
        run_id: UUID | None = None,
    ) -> dict[str, Any]:
        """Assess the teams serving under the unit in the period, as known now, and record the
        run with the log position it saw, its rules and its digest. A ``run_id`` given must not
        name anything recorded yet."""
        if run_id is not None and self.store.exists(run_id):
            raise DuplicateIdError("考核", "assessment run", str(run_id))
        period = Period.parse(kind, period_text)
        period.check_ended(local_today(self.clock.now()))
        with self.reading() as (conn, position):
            rules = self.rules_at(conn, rules_ref, period, position)
            _, result = self.compute(conn, unit, period, rules, position)
            link = queries.chain_link_at(conn, position)
        new = run_id or uuid4()
        uow = UnitOfWork(self.store)
        run = AssessmentRun.record(new, period, unit, position, link, result, meta)
        uow.add(run)
        # The run's event and one per team, in one transaction: the binary copy on
        # PostgreSQL, many rows per statement on SQLite (docs/adr/036).
        uow.commit(bulk=True)
        return {
            "run_id": str(new),
            "kind": kind.value,
            "period": period.text,
            "unit": unit,
            "position": position,
            "rules": rules.ref,
            "digest": digest(result),
            "summary": result["summary"],
        }

    def recorded(self, run_id: UUID) -> Recorded:
        events = self.store.events_of([run_id])
        whole = whole_result(e.event for e in events)
        if whole is None:
            raise RunNotFoundError(str(run_id))
        e, result = whole
        return Recorded(
            run_id,
            Period.parse(RunKind(e.kind), e.period),
            e.unit_code,
            e.position,
            e.chain_link,
            e.digest,
            result,
            events[0].position,
        )

    # -- reading ----------------------------------------------------------------------------

    def runs(self, unit: str | None = None) -> list[dict[str, Any]]:
        with self.projections.reading() as conn:
            return queries.run_list(conn, unit)

    def show(self, run_id: UUID) -> dict[str, Any]:
        """The run as listed, with its whole result as recorded."""
        recorded = self.recorded(run_id)
        with self.projections.reading() as conn:
            row = queries.run_row(conn, run_id)
        assert row is not None
        return {**row, "result": recorded.result}

    def proposals(self, run_id: UUID) -> dict[str, Any]:
        return proposals_of(self, run_id)

    def spot_checks(
        self, unit: str | None = None, team: UUID | None = None
    ) -> list[dict[str, Any]]:
        with self.projections.reading() as conn:
            return queries.spot_check_list(conn, unit, team)

    def team_spot_checks(self, team: UUID) -> list[dict[str, Any]]:
        """The team's spot checks, oldest first, with the names of the members found present
        and absent (``present_names``, ``absent_names``)."""
        with self.projections.reading() as conn:
            rows = queries.spot_check_list(conn, None, team)
            names = queries.cadre_names(conn, {c for r in rows for c in r["present"] + r["absent"]})
        return [
            {
                **r,
                "present_names": [names.get(c, c) for c in r["present"]],
                "absent_names": [names.get(c, c) for c in r["absent"]],
            }
            for r in rows
        ]

    def team_reports(self, team: UUID) -> list[dict[str, Any]]:
        """The team's written reports, one row per body each went to (oldest first)."""
        with self.projections.reading() as conn:
            return queries.report_list(conn, team)

    def inspectors_for(self, unit: str) -> list[dict[str, str]]:
        """The cadres who may inspect a team dispatched by ``unit``: those of other units."""
        with self.projections.reading() as conn:
            return queries.cadres_outside(conn, unit)

    def rule_sets(self) -> list[dict[str, Any]]:
        with self.projections.reading() as conn:
            return queries.all_rules(conn)

    def explain(
        self, run_id: UUID, team_id: UUID, name: str, member: UUID | None = None
    ) -> dict[str, Any]:
        """The events behind a figure of a run, as known at the run's position: each with
        its position, day, whose it is and who recorded it."""
        recorded = self.recorded(run_id)
        if name not in INPUTS:
            raise InputNotInRunError(name, ", ".join(INPUTS))
        with self.projections.reading() as conn:
            rules = read_rules(recorded.result["rules"]["content"])
            facts = gather(conn, recorded.unit, recorded.period, recorded.position)
            team = _team(facts, team_id) if facts is not None else None
            if team is None:
                raise TeamNotInRunError(str(team_id), str(run_id))
            traced = explain(facts, rules, team, name, str(member) if member else None)  # type: ignore[arg-type]
            listed = [e["position"] for e in traced.get("entries", [])]
            listed += [r["position"] for r in traced.get("roster", [])]
            listed += [e["position"] for e in traced.get("evaluation", [])]
            listed += [p for m in traced.get("measures", []) for p in m["positions"]]
            actors = queries.actors_at(conn, listed)
            found_on = (
                queries.spot_checks_finding(conn, UUID(team.team_id).hex, recorded.position)
                if name == "absences_found"
                else {}
            )
        for key in ("entries", "roster", "evaluation"):
            for e in traced.get(key, []):
                e["recorded_by"] = actors.get(e["position"], "")
        for e in traced.get("entries", []):
            check = found_on.get((e["cadre_id"], e["day"]))
            if check is not None:
                e["spot_check_id"] = check
        stored = next(t for t in recorded.result["teams"] if t["team_id"] == team.team_id)
        figure = stored["inputs"][name]
        if member is not None:
            figure = next(
                (m["inputs"][name] for m in stored["members"] if m["cadre_id"] == str(member)),
                None,
            )
        return {
            "run_id": str(run_id),
            "position": recorded.position,
            "period": recorded.period.text,
            "team_id": team.team_id,
            "team_name": team.name,
            "member": str(member) if member else None,
            "figure": figure,
            **traced,
        }


def proposals_of(assessments: Assessments, run_id: UUID) -> dict[str, Any]:
    """What a run proposes (``domain/assessments/decisions.py``), each with its decision if
    one was made."""
    recorded = assessments.recorded(run_id)
    with assessments.projections.reading() as conn:
        row = queries.run_row(conn, run_id)
        decided = queries.decisions_of(conn, run_id)
    assert row is not None
    items = [{**p, "decision": decided.get(p["proposal"])} for p in proposals(recorded.result)]
    return {
        "run_id": str(run_id),
        "kind": row["kind"],
        "period": row["period"],
        "unit": row["unit"],
        "digest": recorded.digest,
        "published": row["published"],
        "proposals": items,
        "undecided": sum(1 for p in items if p["decision"] is None),
    }


def _team(facts: Facts, team_id: UUID) -> TeamFacts | None:
    return next((t for t in facts.teams if t.team_id == str(team_id)), None)
