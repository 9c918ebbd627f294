"""The ledger's controlled values as a page shows them: the domain's own Chinese (``.zh`` of
each value, domain/ledger) on a Chinese page, and English from this table on an English page;
never the stored value itself."""

from __future__ import annotations

from enum import StrEnum

from domain.ledger.findings import OpinionCategory, OpinionSource, RootCause
from domain.ledger.funds import EntryKind
from domain.ledger.goals import Duty, EvidenceKind, GoalStatus, SixHave
from domain.ledger.measures import FundingSource, MeasureStatus
from domain.ledger.plans import MeasureCategory, PlanKind
from domain.ledger.survey import CommitteeAssessment, IntervieweeCategory, TableKind
from web.i18n import current_language

# The controlled values a ledger page shows, by kind, each with its English name. (Kept by
# kind: values of two kinds may be the same string, "questionnaire" or "committees".)
ENGLISH: dict[type[StrEnum], dict[str, str]] = {
    CommitteeAssessment: {
        CommitteeAssessment.STRONG: "strong",
        CommitteeAssessment.AVERAGE: "average",
        CommitteeAssessment.WEAK_AND_LAX: "weak and lax",
    },
    TableKind: {
        TableKind.QUESTIONNAIRE: "questionnaires",
        TableKind.STATISTICS_TABLE: "statistics tables",
    },
    IntervieweeCategory: {
        IntervieweeCategory.COMMITTEE_MEMBER: "member of the two committees",
        IntervieweeCategory.PARTY_MEMBER: "party member",
        IntervieweeCategory.VILLAGER_REPRESENTATIVE: "villager representative",
        IntervieweeCategory.POOR_HOUSEHOLD: "poor household",
        IntervieweeCategory.VILLAGER: "villager",
        IntervieweeCategory.OTHER: "other",
    },
    OpinionSource: {
        OpinionSource.QUESTIONNAIRE: "questionnaire",
        OpinionSource.SYMPOSIUM: "symposium",
        OpinionSource.HOUSEHOLD_VISIT: "household visit",
        OpinionSource.INTERVIEW: "interview",
    },
    OpinionCategory: {
        OpinionCategory.COMMITTEES: "the two committees and the party members",
        OpinionCategory.CONDITIONS: "development and living conditions",
        OpinionCategory.COLLECTIVE_ECONOMY: "collective economy",
        OpinionCategory.INCOME: "villagers' income",
        OpinionCategory.OTHER: "other",
    },
    RootCause: {
        RootCause.LACK_OF_FUNDS: "lack of funds",
        RootCause.LACK_OF_SKILLS: "lack of skills",
        RootCause.POOR_INFRASTRUCTURE: "poor infrastructure",
        RootCause.ILLNESS: "illness",
        RootCause.DISABILITY: "disability",
        RootCause.LACK_OF_LABOUR: "lack of labour",
        RootCause.NATURAL_CONDITIONS: "poor natural conditions",
        RootCause.WEAK_COLLECTIVE_ECONOMY: "weak collective economy",
        RootCause.WEAK_LEADERSHIP: "weak and lax leadership",
        RootCause.OTHER: "other",
    },
    PlanKind: {
        PlanKind.THREE_YEAR: "three-year goal",
        PlanKind.ANNUAL: "annual plan",
    },
    MeasureCategory: {
        MeasureCategory.COMMITTEES: "the two committees and the party members",
        MeasureCategory.CONDITIONS: "development and living conditions",
        MeasureCategory.COLLECTIVE_ECONOMY: "collective economy",
        MeasureCategory.INCOME: "villagers' income",
    },
    FundingSource: {
        FundingSource.COLLECTIVE_SELF_RAISED: "collective self-raised",
        FundingSource.FISCAL: "fiscal input",
        FundingSource.PARTY_FEE: "party-fee subsidy",
        FundingSource.URBAN_RURAL: "urban–rural coordination",
    },
    MeasureStatus: {
        MeasureStatus.PLANNED: "planned",
        MeasureStatus.UNDER_WAY: "under way",
        MeasureStatus.DONE: "done",
        MeasureStatus.DROPPED: "dropped",
    },
    Duty: {d: d.en for d in Duty},
    SixHave: {g: g.en for g in SixHave},
    GoalStatus: {
        GoalStatus.NOT_STARTED: "not started",
        GoalStatus.UNDER_WAY: "under way",
        GoalStatus.MET: "met",
    },
    EvidenceKind: {
        EvidenceKind.MINUTES: "minutes",
        EvidenceKind.RULES: "rules and regulations",
        EvidenceKind.ROSTER: "roster or register",
        EvidenceKind.PHOTO: "photograph",
        EvidenceKind.REPORT: "summary or report",
        EvidenceKind.APPROVAL: "approval or certificate",
        EvidenceKind.OTHER: "other",
    },
    EntryKind: {EntryKind.ALLOCATION: "allocation", EntryKind.EXPENDITURE: "expenditure"},
}


def label(member: StrEnum) -> str:
    """The value in the page's language."""
    if current_language() == "zh":
        return str(member.zh)  # type: ignore[attr-defined]
    return ENGLISH[type(member)][member]


def label_of(kind: type[StrEnum], value: str | None) -> str:
    """A stored value of ``kind`` in the page's language ("–" for none)."""
    return "–" if not value else label(kind(value))


def choices_of(kind: type[StrEnum], only: tuple[StrEnum, ...] = ()) -> list[dict[str, str]]:
    """A select's options: every value of ``kind`` (or ``only`` these), labelled."""
    return [{"value": m.value, "label": label(m)} for m in (only or tuple(kind))]


BY_NAME: dict[str, type[StrEnum]] = {k.__name__: k for k in ENGLISH}


def label_named(kind: str, value: str | None) -> str:
    """A template's way to ``label_of``: the kind by its class's name (``"MeasureStatus"``)."""
    return label_of(BY_NAME[kind], value)
