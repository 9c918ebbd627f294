"""The JSON API's reads of the work pages (version 1): the blind spots' work list with its
filters and each gap's rectification, the measures board, a team's month (each member's
calendar of check-ins and leave, their diary entries and household visits), a run's
proposals and a figure's trace, a team's assessments, and any id's history. Each answers what
its page shows, through the page's own helpers (``app.gaps.work_list``,
``web.ledger.measures_shown`` and ``evidence_sent``, ``web.teams.team_month``,
``web.assessments.proposals_in``, ``team_assessments`` and ``report_sent``,
``web.history.subject_in_reach``) and the reads' checks, paging and ``freshness``
(web/api_reads.py); docs/web.md lists them, ADR 046 says why."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import msgspec
from flask import Blueprint, request
from werkzeug.wrappers import Response

from app.args import invalid_day
from app.audit.chain import checkpoint
from app.gaps import ALL_GAPS, RECTIFICATION_STATES, GapQuery
from app.gaps import work_list as list_of
from app.rectifications import unknown_gap_type
from domain.assessments.errors import TeamNotInRunError
from domain.errors import InvalidInputError, NotFoundError, ZhucunError
from domain.ledger.plans import MeasureCategory
from web.api_clocks import DAY, as_of, code_in_reach, plain_id, uuid_of
from web.api_models import freshness
from web.api_paging import page
from web.api_reads import (
    Row,
    _answer,
    _clocks,
    _gap_key,
    _history,
    _in_unit,
    _month,
    _of_unit,
    _on,
    _team,
    household_history,
)
from web.assessments import proposals_in, report_sent, run_in_reach, team_assessments
from web.audit import audited, chain_verdict
from web.auth import login_required
from web.dashboard import network_of, trend_of
from web.deps import zhucun
from web.history import subject_in_reach
from web.ledger import evidence_sent, measures_shown
from web.teams import month_asked, team_month

bp = Blueprint("api_work", __name__, url_prefix="/api/v1")

# The work list's filters as the description gives them (web/openapi_work.py).
FLAGS = ("true", "false")


def _choice(name: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    text = request.args.get(name, "")
    if name in request.args and text not in allowed:
        raise InvalidInputError(
            name,
            f"{name} {text[:40]!r} 不对，应为：{', '.join(sorted(allowed))}",
            f"{name} {text[:40]!r} is invalid; one of: {', '.join(sorted(allowed))}",
        )
    return text


def _nothing(error: ZhucunError) -> NotFoundError:
    """A filter of the right form that can match nothing (a day that is no day, a range
    that ends before it begins, a unit not under the list's): nothing is found, as the
    reads answer such a value (ADR 043)."""
    return NotFoundError(error.field or "query", error.zh, error.en)


@bp.get("/units/<code>/work-list")
@login_required
def work_list(code: str) -> dict[str, Any]:
    """The blind spots' work list under the unit: filtered as on its page (type, a unit
    below, the days they began, who caused them, their rectification), each gap with its
    rectification; ``rect=closed``: the rectifications whose gap has closed."""
    code = code_in_reach(code)
    args = {k: v for k, v in request.args.items() if k not in ("page", "sort")}
    if "unit" in args:
        args["unit"] = code_in_reach(args["unit"], field="unit")
    for name in ("since_from", "since_to"):
        if name in args and not DAY.fullmatch(args[name]):  # the description's pattern
            raise invalid_day(name, args[name])
    _choice("rect", RECTIFICATION_STATES)
    kind = request.args.get("type")
    if kind is not None and kind not in ALL_GAPS:  # as the description lists them, exactly
        raise unknown_gap_type(kind)
    z = zhucun()
    day, moment = _clocks(z)
    on = day or z.today()
    q, errors = GapQuery.parse(args)
    if errors:
        raise _nothing(next(iter(errors.values())))
    gaps = _of_unit(z.gaps(code, None, on, moment), code)
    found = list_of(z, code, gaps, q, whole=True, day=on, moment=moment)
    if found["errors"]:
        raise _nothing(next(iter(found["errors"].values())))
    listed = found["closed"] if q.rect == "closed" else found["rows"]
    rows, after = page(listed, _gap_key)
    head = _on(z, code, day, moment) | {
        "total": found["total"],
        "counts": found["counts"],
        "rect_counts": found["rect_counts"],
    }
    return _answer(z, head, rows, after)


@bp.get("/units/<code>/measures")
@login_required
def measures(code: str) -> dict[str, Any]:
    """The measures board: the measures of the villages under the unit on the day, each
    with its status, whether overdue and its progress notes; filtered as on the board."""
    code = code_in_reach(code)
    village = ""
    if "village" in request.args:
        village = code_in_reach(request.args["village"], field="village")
    category = _choice("category", tuple(MeasureCategory))
    overdue = _choice("overdue", FLAGS) == "true"
    z = zhucun()
    day, moment = _clocks(z)
    data = _of_unit(z.ledger_measures(code, day, moment), code)
    try:
        shown = measures_shown(data, category, village, overdue)
    except InvalidInputError as e:  # a village in reach but not under this unit
        raise _nothing(e) from None
    rows, after = page(shown, lambda m: (str(m["id"]),))
    head = {k: v for k, v in data.items() if k != "measures"}
    head["as_known_at"] = moment.isoformat() if moment else None
    return _answer(z, head, rows, after)


@bp.get("/teams/<team_id>/month")
@login_required
def team_month_read(team_id: str) -> dict[str, Any]:
    """A team's month as its page shows it: the roster on the day, the residency report,
    each member's calendar (each day's state and where they checked in), and, as the rows,
    the members' diary entries and household visits in log order."""
    t = _team(team_id)
    z = zhucun()
    on = as_of(z.today()) or z.today()
    _month(z)  # checked as the reads check a month; the page's default: the day's month
    text, first, last = month_asked(on)
    shown = msgspec.to_builtins(team_month(t, on, text, first, last))
    rows, after = page(shown.pop("entries"), lambda r: (int(r["position"]),))
    head: Row = {"team": t["team_id"], "month": text, "as_of": on.isoformat(), **shown}
    return _answer(z, head, rows, after)


# -- assessments ------------------------------------------------------------------------------


def _run(run_id: str) -> dict[str, Any]:
    shown = run_in_reach(str(uuid_of(run_id, "run")))
    plain_id(run_id, "run")
    return shown


@bp.get("/assessments/<run_id>/proposals")
@login_required
def proposals(run_id: str) -> dict[str, Any]:
    """What a run proposes (commendations, criticisms, postings), each with its decision if
    one was made, as the run page lists them (a team member: its own team's): the ``proposal``
    keys ``decide_assessment_proposal`` takes."""
    shown = _run(run_id)
    z = zhucun()
    rows, after = page(proposals_in(shown), lambda p: (str(p["proposal"]),))
    head = {k: shown[k] for k in ("run_id", "unit", "published")}
    return _answer(z, head, rows, after)


@bp.get("/assessments/<run_id>/teams/<team_id>/trace/<name>")
@login_required
def trace(run_id: str, team_id: str, name: str) -> dict[str, Any]:
    """The events behind one figure of a team's result, as known at the run's position, as
    the trace page shows them; ``?member=`` one member's."""
    shown = _run(run_id)
    team = str(uuid_of(team_id, "team"))
    plain_id(team_id, "team")
    if not any(t["team_id"] == team for t in shown["result"]["teams"]):
        raise TeamNotInRunError(team, shown["run_id"])
    member = request.args.get("member")
    if member is not None:
        plain_id(member, "member")
    z = zhucun()
    traced = z.assessments.explain(
        UUID(shown["run_id"]), UUID(team), name, UUID(member) if member else None
    )
    out = msgspec.to_builtins({**traced, "run_id": shown["run_id"], "team_id": team})
    return {**out, "name": name, "freshness": freshness(z)}


@bp.get("/teams/<team_id>/assessments")
@login_required
def team_assessment_history(team_id: str) -> dict[str, Any]:
    """Every run in reach that assessed the team, with its result; the team's spot checks
    and written reports, as the team's assessments page lists them."""
    t = _team(team_id)
    z = zhucun()
    found = msgspec.to_builtins(team_assessments(t))
    return {"team": t["team_id"], **found, "freshness": freshness(z)}


# -- any id's history -------------------------------------------------------------------------


@bp.get("/history/<subject>")
@login_required
def subject_history(subject: str) -> dict[str, Any]:
    """The timeline of whatever an id names (a party member, a central household, a site, a
    household — whose view is recorded, as its own read records it), oldest first."""
    key, kind, _where = subject_in_reach(uuid_of(subject, "subject"), field="subject")
    plain_id(subject, "subject")
    if kind == "household":
        return household_history(subject)
    z = zhucun()
    return _history(z, key, lambda: z.history_of_id(UUID(key)))


# -- the files a page gives back --------------------------------------------------------------

SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(text: str) -> str:
    if not SHA256.fullmatch(text):
        raise InvalidInputError(
            "sha256",
            f"sha256 {text[:80]!r} 不对：应为 64 个小写十六进制字符",
            f"sha256 {text[:80]!r} is invalid: 64 lower-case hexadecimal characters",
        )
    return text


@bp.get("/units/<code>/ledger/files/<sha256>")
@login_required
def evidence_file(code: str, sha256: str) -> Response:
    """A file the village's ledger cites as evidence on the day, as the ledger page gives it:
    its bytes checked against their hash, the read recorded as an export."""
    code, z, day, moment = _in_unit(code)
    data = _of_unit(z.ledger(code, day, moment), code)
    return evidence_sent(data, _sha256(sha256), "api")


@bp.get("/teams/<team_id>/assessments/reports/<sha256>")
@login_required
def report_document(team_id: str, sha256: str) -> Response:
    """The document of one of the team's written reports, as its page gives it."""
    return report_sent(_team(team_id), _sha256(sha256), "api")


# -- the dashboard's charts and the audit chain -----------------------------------------------


@bp.get("/units/<code>/network")
@login_required
def network(code: str) -> dict[str, Any]:
    """The unit's part of the network on the day, each unit with its households and blind
    spots, as the dashboard's map draws it."""
    code = code_in_reach(code)
    z = zhucun()
    return {**network_of(code, as_of(z.today()) or z.today()), "freshness": freshness(z)}


@bp.get("/units/<code>/trend")
@login_required
def trend(code: str) -> dict[str, Any]:
    """The unit's link rate at month ends from its opening to the day, as the dashboard's
    line chart draws it."""
    code = code_in_reach(code)
    z = zhucun()
    return {**trend_of(code, as_of(z.today()) or z.today()), "freshness": freshness(z)}


@bp.get("/audit/chain")
@audited
def chain() -> dict[str, Any]:
    """The hash chain's verdict, as the chain's page shows it (``?again=true``: verified
    now, unless it was a moment ago), and the chain's head."""
    again = _choice("again", FLAGS) == "true"
    found = chain_verdict(again)
    verdict, at = found["verdict"], found["at"]
    return {
        "verdict": verdict.as_dict() if verdict else None,
        "verified_at": at.isoformat() if at else None,
        "since": found["since"],
        "head": found["head"].as_dict(),
        "freshness": freshness(zhucun()),
    }


@bp.get("/audit/checkpoint")
@audited
def audit_checkpoint() -> dict[str, Any]:
    """The chain's head as a checkpoint, as ``zhucun audit checkpoint`` writes it: kept
    outside the system, ``zhucun audit verify --checkpoint FILE`` later shows the log was not
    altered up to it."""
    z = zhucun()
    z.projections.head()
    return {**checkpoint(z.engine, z.clock.now()).as_dict(), "freshness": freshness(z)}
