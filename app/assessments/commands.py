"""The assessments' commands (one JSON line each in ``zhucun apply``): their arguments, each
command's model (app/schemas.py), and the use case each one calls. Registered in
``app/registry.py`` like every other command; documented in docs/commands.md, section 4.13."""

from __future__ import annotations

from typing import Any

from app.args import clean_text, parse_date, refuse
from app.assessments.records import AssessmentRecords
from app.network import Network
from app.registry import command
from app.schemas import (
    Choice,
    Choices,
    CommandArgs,
    DayArg,
    IdArg,
    IdsArg,
    Integer,
    JsonObject,
    OptIdArg,
    Read,
    Text,
)
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
Year = Read[int, Integer(YEAR_MIN, YEAR_MAX)]


class AdoptAssessmentRules(CommandArgs):
    rules: Read[dict[str, Any], JsonObject()]
    effective_from: DayArg


@command(
    "adopt_assessment_rules",
    "采用或修订考核规则",
    "adopt an assessment rule set, or its next version",
    AdoptAssessmentRules,
)
def _adopt(n: Network, a: AdoptAssessmentRules, m: Meta) -> dict[str, Any]:
    return AssessmentRecords(n).adopt_rules(a.rules, a.effective_from, m)


class SubmitWrittenReport(CommandArgs):
    team: IdArg
    year: Year
    bodies: Read[list[Body], Choices(Body, required=True)]
    title: Read[str, Text(spec=TITLE)]
    document_sha256: Read[str, Text(then=document_hash)]


@command(
    "submit_written_report",
    "报送书面述职报告",
    "submit a team's written report of a year to the bodies it reports to",
    SubmitWrittenReport,
)
def _submit(n: Network, a: SubmitWrittenReport, m: Meta) -> dict[str, Any]:
    return AssessmentRecords(n).submit_report(
        a.team, a.year, a.bodies, a.title, a.document_sha256, m
    )


class Votes(JsonObject):
    """``{"satisfied": 40, "basically_satisfied": 5, "dissatisfied": 2}``: each a whole number
    from 0 to ATTENDANCE_MAX, a key left out counting 0."""

    kind = "votes"

    def read(self, name: str, value: Any) -> tuple[int, int, int]:
        raw = super().read(name, value)
        unknown = sorted(set(raw) - set(VOTES))
        if unknown:
            raise refuse(
                name,
                f"有未知的键：{', '.join(unknown)}",
                f"has unknown key(s): {', '.join(unknown)}",
            )
        counts = []
        for key in VOTES:
            count = raw.get(key, 0)
            if (
                isinstance(count, bool)
                or not isinstance(count, int)
                or not 0 <= count <= ATTENDANCE_MAX
            ):
                raise refuse(
                    name,
                    f"的 {key} 应为 0 至 {ATTENDANCE_MAX} 的整数",
                    f"{key} must be a whole number from 0 to {ATTENDANCE_MAX}",
                )
            counts.append(count)
        return (counts[0], counts[1], counts[2])

    def json_schema(self, name: str) -> dict[str, Any]:
        count = {"type": "integer", "minimum": 0, "maximum": ATTENDANCE_MAX}
        return {
            "type": "object",
            "properties": dict.fromkeys(VOTES, count),
            "additionalProperties": False,
        }

    def rule(self, name: str, lang: str) -> str:
        keys = ", ".join(VOTES)
        return (
            f"对象，键为 {keys}，各为 0 至 {ATTENDANCE_MAX} 的整数"
            if lang == "zh"
            else f"object with keys {keys}, each a whole number from 0 to {ATTENDANCE_MAX}"
        )


class RecordEvaluation(CommandArgs):
    team: IdArg
    year: Year
    attendance: Read[int, Integer(1, ATTENDANCE_MAX)]
    votes: Read[tuple[int, int, int], Votes()]


@command(
    "record_evaluation",
    "登记当场述职评议的投票",
    "record the votes of the village meeting that evaluated a team's report",
    RecordEvaluation,
)
def _evaluate(n: Network, a: RecordEvaluation, m: Meta) -> dict[str, Any]:
    return AssessmentRecords(n).evaluate(a.team, a.year, a.attendance, a.votes, m)


class ARun(CommandArgs):
    run: IdArg


@command("publish_assessment_run", "发布考核结果", "publish an assessment run", ARun)
def _publish(n: Network, a: ARun, m: Meta) -> dict[str, Any]:
    return AssessmentRecords(n).publish(a.run, m)


class RecordSpotCheck(CommandArgs):
    team: IdArg
    inspectors: IdsArg
    present: IdsArg
    absent: IdsArg
    findings: Read[str, Text(required=False, spec=FINDINGS)]
    id: OptIdArg


@command(
    "record_spot_check",
    "登记不定期抽查",
    "record an unannounced spot check of a team: inspectors, members present and absent",
    RecordSpotCheck,
)
def _spot_check(n: Network, a: RecordSpotCheck, m: Meta) -> dict[str, Any]:
    return AssessmentRecords(n).record_spot_check(
        a.team, a.inspectors, a.present, a.absent, a.findings, m, a.id
    )


class Amendment(JsonObject):
    """What an amended proposal changes: ``until`` a date, any other key text (at most a
    proposal's length) or a value as given."""

    kind = "amendment"

    def __init__(self) -> None:
        super().__init__(required=False)

    def read(self, name: str, value: Any) -> dict[str, Any] | None:
        amendment: dict[str, Any] = {}
        for key, one in super().read(name, value).items():
            if key == "until":
                amendment["until"] = parse_date(one, name)
            elif isinstance(one, str):
                amendment[key] = clean_text(name, one, PROPOSAL)
            else:
                amendment[key] = one
        return amendment or None

    def rule(self, name: str, lang: str) -> str:
        return (
            "JSON 对象：until 为日期 YYYY-MM-DD，其余为文字（至多 120 个字）"
            if lang == "zh"
            else "JSON object: until a date YYYY-MM-DD, the rest text (at most 120 characters)"
        )


class DecideAssessmentProposal(CommandArgs):
    run: IdArg
    proposal: Read[str, Text(spec=PROPOSAL)]
    outcome: Read[Outcome, Choice(Outcome)]
    amend: Read[dict[str, Any] | None, Amendment()]
    why: Read[str, Text(required=False, spec=REASON)]


@command(
    "decide_assessment_proposal",
    "对考核建议作出决定（接受、修改或驳回）",
    "decide a published run's proposal: accept, amend or reject it",
    DecideAssessmentProposal,
)
def _decide(n: Network, a: DecideAssessmentProposal, m: Meta) -> dict[str, Any]:
    return AssessmentRecords(n).decide(a.run, a.proposal, a.outcome, a.amend, a.why, m)
