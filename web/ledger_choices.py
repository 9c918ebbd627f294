"""What the ledger's forms offer to choose from: the controlled values (labelled in the page's
language) and the village's own records as they stood at the end of the form's day (its
opinions, plans, plan items, measures, 六有 goals, fund entries, the teams serving it), read
once per form from the village's ledger (``Zhucun.ledger``) and funds (``Zhucun.funds``):
a form never offers another village's records."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import format_decimal

from domain.ledger.findings import OpinionCategory, OpinionSource, RootCause
from domain.ledger.funds import EntryKind
from domain.ledger.goals import EvidenceKind, GoalStatus, SixHave
from domain.ledger.measures import FundingSource, MeasureStatus
from domain.ledger.money import FEN_PER_YUAN
from domain.ledger.plans import MeasureCategory, PlanKind
from domain.ledger.survey import CommitteeAssessment, IntervieweeCategory, TableKind
from web.auth import principal
from web.dashboard import trail_of
from web.deps import zhucun
from web.i18n import fmt_date
from web.ledger_labels import choices_of, label, label_of

Options = list[dict[str, str]]
MOVES = (MeasureStatus.UNDER_WAY, MeasureStatus.DONE, MeasureStatus.DROPPED)
SHORT = 40  # characters of a long text shown in an option


def _ledger(ctx: dict[str, Any]) -> dict[str, Any]:
    if "ledger_on_day" not in ctx:
        ctx["ledger_on_day"] = zhucun().ledger(ctx["village"], ctx["day"]) or {}
    return dict(ctx["ledger_on_day"])


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def plan_label(p: dict[str, Any]) -> str:
    return f"{p['year']} {label_of(PlanKind, p['kind'])} · {p['title']}"


def _plans(ctx: dict[str, Any], keep: Callable[[dict[str, Any]], bool]) -> Options:
    return [
        {"value": p["id"], "label": plan_label(p)} for p in _ledger(ctx).get("plans", []) if keep(p)
    ]


def _items(ctx: dict[str, Any], approved_only: bool) -> Options:
    return [
        {
            "value": f"{p['id']}|{i['key']}",
            "label": f"{plan_label(p)} · {i['key']} {_short(i['text'])}",
        }
        for p in _ledger(ctx).get("plans", [])
        if p["approval"] is not None or not approved_only
        for i in p["items"]
    ]


def _opinions(ctx: dict[str, Any]) -> Options:
    survey = _ledger(ctx).get("survey") or {}
    return [
        {"value": o["id"], "label": f"{o['on']} · {_short(o['text'])}"}
        for o in survey.get("opinion_list", [])
    ]


def _measures(ctx: dict[str, Any]) -> Options:
    return [
        {"value": m["id"], "label": f"{m['title']} ({label_of(MeasureStatus, m['status'])})"}
        for m in _ledger(ctx).get("measures", [])
    ]


def _set_goals(ctx: dict[str, Any]) -> Options:
    """The village's 六有 goals set by the day (evidence and judgements are of those only)."""
    six = _ledger(ctx).get("six_haves") or {"duties": []}
    return [
        {"value": g["goal"], "label": label(SixHave(g["goal"]))}
        for d in six["duties"]
        for g in d["goals"]
        if g["set"]
    ]


def _fund_entries(ctx: dict[str, Any]) -> Options:
    """The village's allocations and expenditures by the day not yet reversed: the one a
    reversal names, by its source and voucher number."""
    found = zhucun().funds(ctx["village"], ctx["day"]) or {}
    return [
        {
            "value": f"{e['source']}|{e['voucher']}",
            "label": f"{fmt_date(e['on'])} · {label_of(EntryKind, e['entry'])} · "
            f"{label_of(FundingSource, e['source'])} · {e['voucher']} · "
            f"{format_decimal(Decimal(e['amount_fen']) / FEN_PER_YUAN, '#,##0.00')}",
        }
        for e in found.get("entries", [])
        if e["reversed"] is None
    ]


def _serving_teams(ctx: dict[str, Any]) -> Options:
    return [
        {
            "value": f"{t['unit_code']}|{t['team_id']}",
            "label": f"{t['unit_name']} · {t['team_name']}",
        }
        for t in zhucun().teams(ctx["village"], ctx["day"]) or []
    ]


def _approver_units(ctx: dict[str, Any]) -> Options:
    """The village's township and county, those inside the account's jurisdiction."""
    who = principal()
    assert who is not None
    return [
        {"value": u["code"], "label": u["name"]}
        for u in trail_of(ctx["village"], who)
        if u["level"] in ("township", "county")
    ][::-1]


LEDGER_CHOICES: dict[str, Callable[[dict[str, Any]], Options]] = {
    "assessments": lambda c: choices_of(CommitteeAssessment),
    "table_kinds": lambda c: choices_of(TableKind),
    "interviewees": lambda c: choices_of(IntervieweeCategory),
    "opinion_sources": lambda c: choices_of(OpinionSource),
    "opinion_categories": lambda c: choices_of(OpinionCategory),
    "root_causes": lambda c: choices_of(RootCause),
    "plan_kinds": lambda c: choices_of(PlanKind),
    "measure_categories": lambda c: choices_of(MeasureCategory),
    "funding_sources": lambda c: choices_of(FundingSource),
    "next_statuses": lambda c: choices_of(MeasureStatus, MOVES),
    "opinions": _opinions,
    "plans": lambda c: _plans(c, lambda p: True),
    "plans_to_approve": lambda c: _plans(c, lambda p: not p["approved"]),
    "approved_items": lambda c: _items(c, approved_only=True),
    "plan_items": lambda c: _items(c, approved_only=False),
    "measures": _measures,
    "six_haves": lambda c: choices_of(SixHave),
    "set_goals": _set_goals,
    "goal_statuses": lambda c: choices_of(GoalStatus),
    "evidence_kinds": lambda c: choices_of(EvidenceKind),
    "fund_entries": _fund_entries,
    "serving_teams": _serving_teams,
    "approver_units": _approver_units,
}
