"""The ledger's commands (one JSON line each in ``zhucun apply``): their arguments, read once
(``app/args.py``), and the use case each one calls. Registered in ``app/registry.py`` like
every other command; documented in docs/commands.md, section 4.7."""

from __future__ import annotations

from typing import Any

from app.args import Args
from app.ledger.survey import Survey
from app.network import Network
from app.registry import command
from domain.base import Meta
from domain.fields import COMMITTEE_SIZE_MAX, COPIES_MAX, OPINION_TEXT, PEOPLE_MAX
from domain.ledger.findings import OpinionCategory, OpinionSource, RootCause
from domain.ledger.survey import (
    CommitteeAssessment,
    IntervieweeCategory,
    ParticipantCategory,
    RegistrationForm,
    TableKind,
)


def _survey(n: Network) -> Survey:
    return Survey(n.uow, n)


@command(
    "register_village_form",
    "填报贫困村简要情况登记表",
    "fill in (or revise) a poor village's registration form",
    "village",
    "committee_size",
    "secretary?",
    "assessment",
    "collective_income",
    "collective_assets",
    "collective_debts",
    "per_capita_income",
    "main_problems",
)
def _register_village_form(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    village = a.code("village")
    form = RegistrationForm(
        committee_size=a.integer("committee_size", 1, COMMITTEE_SIZE_MAX),
        secretary=a.opt_text("secretary"),
        assessment=a.enum("assessment", CommitteeAssessment),
        collective_income_fen=a.money("collective_income"),
        collective_assets_fen=a.money("collective_assets"),
        collective_debts_fen=a.money("collective_debts"),
        per_capita_income_fen=a.money("per_capita_income"),
        main_problems=a.text("main_problems"),
    )
    return _survey(n).register_form(village, form, m)


@command(
    "set_survey_period",
    "确定摸底排查时段",
    "set the days a village's survey ran",
    "village",
    "first_day",
    "last_day",
)
def _set_survey_period(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).set_period(a.code("village"), a.day("first_day"), a.day("last_day"), m)


@command(
    "record_survey_tables",
    "登记问卷、统计表的发放和收回",
    "count the questionnaires or statistics tables handed out and returned",
    "village",
    "kind",
    "handed_out",
    "returned",
)
def _record_survey_tables(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).record_tables(
        a.code("village"),
        a.enum("kind", TableKind),
        a.integer("handed_out", 1, COPIES_MAX),
        a.integer("returned", 0, COPIES_MAX),
        m,
    )


@command(
    "hold_symposium",
    "召开座谈会",
    "record a symposium held in the village",
    "village",
    "township_leaders?",
    "committee_members?",
    "party_members?",
    "villager_representatives?",
    "collective_consultation?",
    "topic",
)
def _hold_symposium(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    village = a.code("village")
    participants = {c: a.opt_integer(c.value, 0, PEOPLE_MAX) for c in ParticipantCategory}
    consultation = bool(a.boolean("collective_consultation", False))
    return _survey(n).hold_symposium(village, participants, consultation, a.text("topic"), m)


@command(
    "hold_interview",
    "个别访谈",
    "record an individual interview",
    "village",
    "interviewee",
    "interviewee_category",
    "interviewer",
    "note?",
)
def _hold_interview(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).hold_interview(
        a.code("village"),
        a.text("interviewee"),
        a.enum("interviewee_category", IntervieweeCategory),
        a.text("interviewer"),
        a.opt_text("note"),
        m,
    )


@command(
    "collect_opinion",
    "收集意见建议",
    "record an opinion collected in the village",
    "village",
    "text",
    "source",
    "category",
    "id?",
)
def _collect_opinion(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).collect_opinion(
        a.code("village"),
        a.text("text", OPINION_TEXT),
        a.enum("source", OpinionSource),
        a.enum("category", OpinionCategory),
        m,
        a.opt_uuid("id"),
    )


@command(
    "record_survey_problem",
    "登记排查出的问题",
    "record a problem the survey found, with its root cause of poverty",
    "village",
    "description",
    "root_cause",
    "root_cause_text?",
    "opinions?",
    "id?",
)
def _record_survey_problem(n: Network, a: Args, m: Meta) -> dict[str, Any]:
    return _survey(n).record_problem(
        a.code("village"),
        a.text("description"),
        a.enum("root_cause", RootCause),
        a.opt_text("root_cause_text"),
        a.uuids("opinions"),
        m,
        a.opt_uuid("id"),
    )
