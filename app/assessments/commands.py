"""The assessments' commands (one JSON line each in ``zhucun apply``): their arguments, read
once (``app/args.py``), and the use case each one calls. Registered in ``app/registry.py``
like every other command; documented in docs/commands.md, section 4.13."""

from __future__ import annotations

from typing import Any

from app.args import Args, clean_text, parse_date, refuse
from app.assessments.records import AssessmentRecords
from app.network import Network
from app.registry import command
from domain.assessments.decisions import Outcome
from domain.assessments.evaluations import Body, document_hash
from domain.base import Meta
from domain.fields import (
    ATTENDANCE_MAX,
    LONG_TEXT_MAX,
    REASON,
    SHORT_TEXT_MAX,
    YEAR_MAX,
    YEAR_MIN,
    Field,
)

VOTES = ("satisfied", "basically_satisfied", "dissatisfied")
TITLE = Field("述职报告标题", "report title", SHORT_TEXT_MAX)
PROPOSAL = Field("建议", "proposal", 120)
FINDINGS = Field("抽查发现", "findings", LONG_TEXT_MAX, multiline=True)


@command(
    "adopt_assessment_rules",
    "采用或修订考核规则",
    "adopt an assessment rule set, or its next version",
    "rules",
    "effective_from",
)
def _adopt(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return AssessmentRecords(n).adopt_rules(a.mapping("rules"), a.day("effective_from"), m)


@command(
    "submit_written_report",
    "报送书面述职报告",
    "submit a team's written report of a year to the bodies it reports to",
    "team",
    "year",
    "bodies",
    "title",
    "document_sha256",
)
def _submit(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    team, year = a.uuid("team"), a.integer("year", YEAR_MIN, YEAR_MAX)
    bodies = a.enums("bodies", Body)
    if not bodies:
        raise refuse("bodies", "为必填项", "is required")
    title = a.text("title", TITLE)
    sha256 = document_hash(a.text("document_sha256"))
    return AssessmentRecords(n).submit_report(team, year, bodies, title, sha256, m)


@command(
    "record_evaluation",
    "登记当场述职评议的投票",
    "record the votes of the village meeting that evaluated a team's report",
    "team",
    "year",
    "attendance",
    "votes",
)
def _evaluate(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    team, year = a.uuid("team"), a.integer("year", YEAR_MIN, YEAR_MAX)
    attendance = a.integer("attendance", 1, ATTENDANCE_MAX)
    raw = a.mapping("votes")
    unknown = sorted(set(raw) - set(VOTES))
    if unknown:
        raise refuse(
            "votes",
            f"有未知的键：{', '.join(unknown)}",
            f"has unknown key(s): {', '.join(unknown)}",
        )
    counts = []
    for key in VOTES:
        value = raw.get(key, 0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= ATTENDANCE_MAX
        ):
            raise refuse(
                "votes",
                f"的 {key} 应为 0 至 {ATTENDANCE_MAX} 的整数",
                f"{key} must be a whole number from 0 to {ATTENDANCE_MAX}",
            )
        counts.append(value)
    return AssessmentRecords(n).evaluate(
        team, year, attendance, (counts[0], counts[1], counts[2]), m
    )


@command("publish_assessment_run", "发布考核结果", "publish an assessment run", "run")
def _publish(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return AssessmentRecords(n).publish(a.uuid("run"), m)


@command(
    "record_spot_check",
    "登记不定期抽查",
    "record an unannounced spot check of a team: inspectors, members present and absent",
    "team",
    "inspectors",
    "present?",
    "absent?",
    "findings?",
    "id?",
)
def _spot_check(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    team = a.uuid("team")
    inspectors, present, absent = a.uuids("inspectors"), a.uuids("present"), a.uuids("absent")
    findings = a.opt_text("findings", spec=FINDINGS)
    return AssessmentRecords(n).record_spot_check(
        team, inspectors, present, absent, findings, m, a.opt_uuid("id")
    )


@command(
    "decide_assessment_proposal",
    "对考核建议作出决定（接受、修改或驳回）",
    "decide a published run's proposal: accept, amend or reject it",
    "run",
    "proposal",
    "outcome",
    "amend?",
    "why?",
)
def _decide(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    run = a.uuid("run")
    proposal = a.text("proposal", PROPOSAL)
    outcome = a.enum("outcome", Outcome)
    raw = {} if a.left_out("amend") else a.mapping("amend")
    amendment: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "until":
            amendment["until"] = parse_date(value, "amend")
        elif isinstance(value, str):
            amendment[key] = clean_text("amend", value, PROPOSAL)
        else:
            amendment[key] = value
    why = a.opt_text("why", spec=REASON)
    return AssessmentRecords(n).decide(run, proposal, outcome, amendment or None, why, m)
