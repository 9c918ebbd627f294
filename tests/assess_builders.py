"""A team with a few months of check-ins, diaries and visits, the Benxi rule set adopted, and
helpers to run, publish and replay assessments the way users do."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from app.assessments.replay import replay
from app.bootstrap import Zhucun
from domain.assessments.periods import RunKind
from domain.base import Meta
from tests.builders import CITY, COUNTY, apply, cmd
from tests.team_builders import LEADER, MEMBER, cid, team_network

RULES_FILE = Path(__file__).resolve().parent.parent / "rules" / "assessment"
RULES_NAME = "benxi-2014-assessment"
SHA = "ab" * 32


def rules_document(version: int = 1, **changes: Any) -> dict[str, Any]:
    doc = json.loads((RULES_FILE / f"{RULES_NAME}.v1.json").read_text(encoding="utf-8"))
    return {**doc, "version": version, **changes}


def adopt(z: Zhucun, version: int = 1, effective_from: str = "2014-01-01", **changes: Any) -> None:
    apply(
        z,
        cmd(
            "adopt_assessment_rules",
            on="2014-06-01",
            role="city_admin",
            rules=rules_document(version, **changes),
            effective_from=effective_from,
        ),
    )


def days(first: str, n: int) -> list[str]:
    start = date.fromisoformat(first)
    return [(start + timedelta(days=i)).isoformat() for i in range(n)]


def check_ins(cadre: int, first: str, n: int) -> list[dict[str, Any]]:
    return [cmd("check_in", on=d, role="team_member", cadre=cid(cadre)) for d in days(first, n)]


def assessed_team(z: Zhucun) -> str:
    """The team of ``team_network`` (dispatched 2014-06-01): the leader resident all of June
    to December 2014, the member 22 days in June and 12 days in each later month; a few
    diaries and visits; the rules adopted."""
    net = team_network(z)
    lines = []
    for month in ("06", "07", "08", "09", "10", "11", "12"):
        lines += check_ins(LEADER, f"2014-{month}-01", 25)
        lines += check_ins(MEMBER, f"2014-{month}-01", 22 if month == "06" else 12)
    lines += [
        cmd("write_diary", on=d, role="team_member", cadre=cid(LEADER), text="走访记录")
        for d in days("2014-06-02", 10)
    ]
    lines += [
        cmd("visit_household", on="2014-07-03", role="team_member", cadre=cid(MEMBER), household=h)
        for h in (net.households["A1"], net.households["A2"])
    ]
    apply(z, *lines)
    adopt(z)
    return net.team


def meta(z: Zhucun, actor: str = "org.dept", role: str = "city_admin") -> Meta:
    now: datetime = z.clock.now()
    return Meta(actor, role, z.today(), "年度考核", now)


def run(
    z: Zhucun,
    period: str = "2014",
    kind: str = "annual",
    unit: str = COUNTY,
    rules: str | None = None,
) -> dict[str, Any]:
    return z.assessments.run(RunKind(kind), period, unit, rules, meta(z))


def result_of(z: Zhucun, run_id: str) -> dict[str, Any]:
    return z.assessments.show(UUID(run_id))["result"]


def team_of(z: Zhucun, run_id: str, team: str) -> dict[str, Any]:
    return next(t for t in result_of(z, run_id)["teams"] if t["team_id"] == team)


def replayed(z: Zhucun, run_id: str, **how: Any) -> dict[str, Any]:
    return replay(z.assessments, UUID(run_id), **how)


__all__ = ["CITY", "COUNTY", "adopt", "assessed_team", "replayed", "run"]
