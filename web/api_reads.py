"""The JSON API's reads, version 1: what the pages and the command line's ``--json`` answers
show, for other systems to read. Each route is thin: it holds what it names to the account's
jurisdiction with the pages' own checks (``require_unit``, ``team_in_reach``, ...), asks the
same use case of ``app`` as the page or the command, and answers one page of the rows
(web/api_paging.py) with how far into the log the read models reach (``freshness``).

Their description is web/openapi_reads.py; docs/web.md lists them and ADR 043 says why
they page as they do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from flask import Blueprint, request

from app.args import invalid_day
from app.audit.access import record_personal_data_view
from app.audit.entries import AuditFilter
from app.audit.log import audit_page
from app.audit.people import holds_every_unit
from app.bootstrap import SEARCH_MAX, Zhucun
from domain.errors import (
    InvalidInputError,
    NotFoundError,
    UnitNotFoundError,
    ZhucunError,
)
from web.accounts import ACCOUNT_READERS, accounts_in_reach
from web.api_clocks import DAY, as_known_at, as_of, code_in_reach, plain_id, uuid_of
from web.api_models import freshness
from web.api_paging import Key, page, position_page
from web.assessments import run_in_reach, runs_in_reach
from web.audit import audited
from web.audit_filters import person_filter, type_filter
from web.auth import login_required, principal, roles_required
from web.dashboard import children as children_of
from web.deps import zhucun
from web.history import cadre_in_reach, household_in_reach
from web.people import central_household_in_reach, central_household_on, unit_people
from web.search import found_in_reach
from web.teams import team_in_reach

bp = Blueprint("api_reads", __name__, url_prefix="/api/v1")

HIDDEN = frozenset({"spelled", "initials", "closeness"})  # how a name is matched, not what
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
Row = dict[str, Any]
T = TypeVar("T")


def _clocks(z: Zhucun) -> tuple[date | None, datetime | None]:
    today = z.today()
    return as_of(today), as_known_at(today)


def _answer(z: Zhucun, head: dict[str, Any], rows: list[Row], after: str | None) -> dict[str, Any]:
    """One page: what the read says of its subject, the page's rows, the next page's cursor
    (null on the last) and the read models' position."""
    return {**head, "rows": rows, "next": after, "freshness": freshness(z)}


def _on(z: Zhucun, code: str, day: date | None, moment: datetime | None) -> dict[str, Any]:
    return {
        "unit": code,
        "as_of": (day or z.today()).isoformat(),
        "as_known_at": moment.isoformat() if moment else None,
    }


def _no_unit(code: str) -> ZhucunError:
    return UnitNotFoundError(code, field="code")


def _in_unit(code: str) -> tuple[str, Zhucun, date | None, datetime | None]:
    """A unit's read: its code held to the account's reach, the store, and the day and the
    moment asked (``?as_of=``, ``?as_known_at=``)."""
    code = code_in_reach(code)
    z = zhucun()
    return (code, z, *_clocks(z))


def _village_or_group(code: str, zh: str, en: str) -> str:
    """A village's or a villager group's code held to the account's reach; another unit's
    is not found (404), for the reason ``zh`` / ``en`` says."""
    code = code_in_reach(code)
    if len(code) not in (12, 15):
        raise NotFoundError(
            "code",
            f"{code} 不是村或村民小组：{zh}",
            f"{code} is not a village or a villager group: {en}",
        )
    return code


def _of_unit(found: T | None, code: str) -> T:
    """What a read found of the unit; nothing: the unit is unknown (404)."""
    if found is None:
        raise _no_unit(code)
    return found


# -- a unit's reads ---------------------------------------------------------------------------


@bp.get("/units/<code>/coverage")
@login_required
def coverage(code: str) -> dict[str, Any]:
    """The unit's coverage, and one row per unit (or villager group) directly under it."""
    code, z, day, moment = _in_unit(code)
    found = _of_unit(z.coverage(code, day, moment), code)
    children = children_of(code, day or z.today())
    shown, after = page(children, lambda c: (c["code"],))
    rows = [r for c in shown if (r := z.coverage(c["code"], day, moment)) is not None]
    return _answer(z, found, rows, after)


def _gap_key(g: Row) -> Key:
    return (g["type"], g["unit"], str(g["subject"]["id"]), str(g["since"]))


@bp.get("/units/<code>/gaps")
@login_required
def gaps(code: str) -> dict[str, Any]:
    """Blind spots and work gaps under the unit, ``?type=`` one kind of them."""
    code, z, day, moment = _in_unit(code)
    found = _of_unit(z.gaps(code, request.args.get("type"), day, moment), code)
    rows, after = page(found, _gap_key)
    return _answer(z, _on(z, code, day, moment), rows, after)


@bp.get("/units/<code>/households")
@login_required
def households(code: str) -> dict[str, Any]:
    """The households of a village or villager group, covered or not, with their visits."""
    code = _village_or_group(
        code, "只有村和村民小组有户的名单", "only they have a list of households"
    )
    z = zhucun()
    day, moment = _clocks(z)
    found = _of_unit(z.households(code, day, moment), code)
    head = {k: v for k, v in found.items() if k != "households"}
    rows, after = page(found["households"], lambda h: (str(h["id"]),))
    return _answer(z, head, rows, after)


@bp.get("/units/<code>/teams")
@login_required
def teams(code: str) -> dict[str, Any]:
    """The teams serving in villages under the unit on the day, with their members."""
    code, z, day, moment = _in_unit(code)
    found = _of_unit(z.teams(code, day, moment), code)
    rows, after = page(found, lambda t: (str(t["team_id"]),))
    return _answer(z, _on(z, code, day, moment), rows, after)


def _month(z: Zhucun) -> str:
    """``?month=YYYY-MM`` (default: this month); a month that is no month finds nothing."""
    text = request.args.get("month")
    if text is None:
        return z.today().strftime("%Y-%m")
    if not MONTH.fullmatch(text):
        raise InvalidInputError(
            "month", f"{text!r} 不是月份（YYYY-MM）", f"{text!r} is not a month (YYYY-MM)"
        )
    if not 1 <= int(text[5:]) <= 12 or not "1900-01" <= text <= z.today().strftime("%Y-%m"):
        raise NotFoundError(
            "month",
            f"month {text}：没有这个月的情况（1900-01 至本月）",
            f"month {text}: nothing is known of that month (1900-01 to this month)",
        )
    return text


def _residency(
    z: Zhucun, month: str, code: str | None, team: UUID | None, moment: datetime | None
) -> tuple[list[Row], str | None]:
    found = z.residency(month, code, team, moment) or []
    return page(found, lambda r: (str(r["team_id"]),))


@bp.get("/units/<code>/residency")
@login_required
def unit_residency(code: str) -> dict[str, Any]:
    """A month in the village of each team under the unit: days checked in, on leave and
    unaccounted."""
    code = code_in_reach(code)
    z = zhucun()
    moment = as_known_at(z.today())
    month = _month(z)
    rows, after = _residency(z, month, code, None, moment)
    head = {"unit": code, "month": month, "as_known_at": moment.isoformat() if moment else None}
    return _answer(z, head, rows, after)


@bp.get("/units/<code>/ledger")
@login_required
def ledger(code: str) -> dict[str, Any]:
    """The village work ledger of the unit (a village's own, or the roll-up of the villages
    under it), and one line of figures per village."""
    code, z, day, moment = _in_unit(code)
    found = _of_unit(z.ledger(code, day, moment), code)
    lines = z.ledger_village_lines(code, day, moment) or []
    rows, after = page(lines, lambda v: (str(v["code"]),))
    return _answer(z, {**found, "as_known_at": moment.isoformat() if moment else None}, rows, after)


@bp.get("/units/<code>/people")
@login_required
def people(code: str) -> dict[str, Any]:
    """The people of a villager group (its households with their link, its party members,
    its central households) or a village (its central households) on the day, as the unit
    page lists them."""
    code = _village_or_group(code, "只有村和村民小组列出人员", "only they list their people")
    z = zhucun()
    day = as_of(z.today()) or z.today()
    found = _of_unit(unit_people(code, "village" if len(code) == 12 else "group", day), code)
    return {**found, "freshness": freshness(z)}


@bp.get("/central-households/<ch_id>")
@login_required
def central_household(ch_id: str) -> dict[str, Any]:
    """A central household on the day, as its page shows it: its household, the households
    linked to it, its gaps."""
    key = str(uuid_of(ch_id, "central_household"))
    central_household_in_reach(key)
    plain_id(ch_id, "central_household")
    z = zhucun()
    day = as_of(z.today()) or z.today()
    return {**central_household_on(key, day), "freshness": freshness(z)}


# -- the search box ---------------------------------------------------------------------------


@bp.get("/search")
@login_required
def search() -> dict[str, Any]:
    """What the search box finds inside the account's jurisdiction, at most as many as the
    page shows, closest first."""
    text = request.args.get("q", "")
    if len(text) > SEARCH_MAX:
        raise InvalidInputError(
            "q",
            f"搜索词过长：最多 {SEARCH_MAX} 个字符",
            f"the search text is too long: at most {SEARCH_MAX} characters",
        )
    z = zhucun()
    try:
        found = found_in_reach(text)
    except InvalidInputError as e:  # within the description's length, longer once folded
        raise NotFoundError(
            "q",
            f"搜索词规整后超过 {SEARCH_MAX} 个字符，找不到任何名称",
            f"the search text, once folded, is longer than {SEARCH_MAX} characters: no name "
            "is that long",
        ) from e
    rows = [{k: v for k, v in r.items() if k not in HIDDEN} for r in found]
    return {"q": text.strip(), "rows": rows, "freshness": freshness(z)}


# -- teams ------------------------------------------------------------------------------------


def _team(team_id: str, field: str = "team") -> dict[str, Any]:
    found = team_in_reach(str(uuid_of(team_id, field)))
    plain_id(team_id, field)
    return found


@bp.get("/teams/<team_id>")
@login_required
def team(team_id: str) -> dict[str, Any]:
    """One team on the day: its unit, village, leader, members and term."""
    t = _team(team_id)
    z = zhucun()
    day, moment = _clocks(z)
    serving = [r for r in z.teams(t["village"], day, moment) or [] if r["team_id"] == t["team_id"]]
    if not serving:
        raise NotFoundError(
            "team",
            "该工作队在所问的那一天不在村",
            "the team was not serving in its village on the day asked",
        )
    return {**serving[0], **_on(z, t["village"], day, moment), "freshness": freshness(z)}


@bp.get("/teams/<team_id>/residency")
@login_required
def team_residency(team_id: str) -> dict[str, Any]:
    """A month of the team in its village, member by member."""
    t = _team(team_id)
    z = zhucun()
    moment = as_known_at(z.today())
    month = _month(z)
    rows, after = _residency(z, month, None, UUID(t["team_id"]), moment)
    head = {
        "team": t["team_id"],
        "month": month,
        "as_known_at": moment.isoformat() if moment else None,
    }
    return _answer(z, head, rows, after)


# -- history ----------------------------------------------------------------------------------


def _history(z: Zhucun, subject: str, rows: Callable[[], list[Row]]) -> dict[str, Any]:
    """A timeline oldest first, ``as_of``: what occurred by that day, ``as_known_at``: what
    was recorded by that moment."""
    day, moment = _clocks(z)
    found = rows()
    if day is not None:
        found = [r for r in found if r["occurred_on"] and str(r["occurred_on"]) <= day.isoformat()]
    if moment is not None:
        found = [r for r in found if datetime.fromisoformat(r["recorded_at"]) <= moment]
    shown, after = page(found, lambda r: (int(r["position"]),))
    head = {
        "subject": subject,
        "as_of": day.isoformat() if day else None,
        "as_known_at": moment.isoformat() if moment else None,
    }
    return _answer(z, head, shown, after)


@bp.get("/units/<code>/history")
@login_required
def unit_history(code: str) -> dict[str, Any]:
    code = code_in_reach(code)
    z = zhucun()
    return _history(z, code, lambda: z.history_of_unit(code))


@bp.get("/teams/<team_id>/history")
@login_required
def team_history(team_id: str) -> dict[str, Any]:
    t = _team(team_id)
    z = zhucun()
    key = UUID(t["team_id"])
    if "as_of" in request.args or "as_known_at" in request.args:
        return _history(z, t["team_id"], lambda: z.history_of_team(key))

    def fetch(limit: int, after: int | None) -> tuple[list[Row], bool]:
        found = z.history_of_team_page(key, limit, after, newest_first=False)
        return found["rows"], found["next"] is not None

    rows, after = position_page(fetch)
    head = {"subject": t["team_id"], "as_of": None, "as_known_at": None}
    return _answer(z, head, rows, after)


@bp.get("/households/<household_id>/history")
@login_required
def household_history(household_id: str) -> dict[str, Any]:
    """A household's timeline, its identity numbers masked; the view is recorded as the
    household's page records it (app/audit/access.py)."""
    key = str(uuid_of(household_id, "household"))
    household_in_reach(key)
    plain_id(household_id, "household")
    who = principal()
    assert who is not None
    z = zhucun()
    record_personal_data_view(
        z,
        who.username,
        who.role.value,
        UUID(key),
        what="household history (API)",
        scope={"page": request.path, "identity": "masked"},
        reason="接口查阅 API read",
    )
    return _history(z, key, lambda: z.history_of_id(UUID(key)))


@bp.get("/cadres/<cadre_id>/history")
@login_required
def cadre_history(cadre_id: str) -> dict[str, Any]:
    key = cadre_in_reach(uuid_of(cadre_id, "cadre"))
    plain_id(cadre_id, "cadre")
    z = zhucun()
    return _history(z, str(key), lambda: z.history_of_cadre(key))


# -- the audit log ----------------------------------------------------------------------------


def _audit_day(name: str) -> date | None:
    text = request.args.get(name)
    if text is None:
        return None
    if not DAY.fullmatch(text):  # as the description's pattern says, exactly
        raise invalid_day(name, text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFoundError(
            name, f"{name} {text}：没有这一天", f"{name} {text}: there is no such day"
        ) from None


def audit_filter(z: Zhucun) -> AuditFilter:
    """The filters of ``zhucun audit log`` and of the audit page, read as the page reads them;
    the scope is the unit asked for, else the account's own unit, else, for an account whose
    unit holds every unit of the store, the whole log (web/audit_filters.py)."""
    who = principal()
    assert who is not None
    args = request.args
    for flag in ("backdated", "corrections"):
        if args.get(flag, "false") not in ("true", "false"):
            raise InvalidInputError(flag, f"{flag} 应为 true 或 false", f"{flag} is true or false")
    unit: str | None = who.unit_code
    if "unit" in args:
        unit = code_in_reach(args["unit"], field="unit")
    elif holds_every_unit(z.engine, who.unit_code):
        unit = None  # as on the page: the whole log, with what no unit holds (logins, ...)
    team = _team(args["team"]) if "team" in args else None
    subject = None
    if "subject" in args:
        subject = str(uuid_of(args["subject"], "subject"))
        plain_id(args["subject"], "subject")
    return AuditFilter(
        unit=unit,
        team=UUID(team["team_id"]) if team else None,
        person=person_filter(args.get("person", "").strip()),
        actor=person_filter(args.get("actor", "").strip()),
        subject=subject,
        event=type_filter(args["type"] or "?") if "type" in args else None,
        occurred_from=_audit_day("from"),
        occurred_to=_audit_day("to"),
        recorded_from=_audit_day("recorded_from"),
        recorded_to=_audit_day("recorded_to"),
        backdated_only=args.get("backdated") == "true",
        corrections_only=args.get("corrections") == "true",
        backdated_days=z.rules.backdated_after_days,
    )


@bp.get("/audit")
@audited
def audit() -> dict[str, Any]:
    """Entries of the log in log order, with the audit page's filters."""
    z = zhucun()
    f = audit_filter(z)

    def fetch(limit: int, after: int | None) -> tuple[list[Row], bool]:
        found = audit_page(
            z.store, z.engine, replace(f, limit=limit, after=after), head=z.projections.head()
        )
        return found.rows, found.more

    rows, after = position_page(fetch)
    return _answer(z, {"unit": f.unit}, rows, after)


# -- accounts ---------------------------------------------------------------------------------


@bp.get("/accounts")
@roles_required(*ACCOUNT_READERS, what_zh="查看账号", what_en="see the accounts")
def accounts() -> dict[str, Any]:
    """The accounts inside the reader's jurisdiction, as the accounts page lists them (never a
    password's hash nor a token)."""
    rows, after = page(accounts_in_reach(), lambda a: (str(a["username"]),))
    return _answer(zhucun(), {}, rows, after)


# -- assessments ------------------------------------------------------------------------------


@bp.get("/assessments")
@login_required
def assessment_runs() -> dict[str, Any]:
    """The assessment runs in reach, ``?unit=`` those of one unit."""
    z = zhucun()
    unit = code_in_reach(request.args["unit"], field="unit") if "unit" in request.args else None
    runs = [r for r in runs_in_reach() if unit is None or r["unit"] == unit]
    rows, after = page(runs, lambda r: (str(r["run_id"]),))
    return _answer(z, {"unit": unit}, rows, after)


@bp.get("/assessments/<run_id>/results")
@login_required
def assessment_results(run_id: str) -> dict[str, Any]:
    """A run as recorded, and its result team by team (a team member's own team only)."""
    shown = run_in_reach(str(uuid_of(run_id, "run")))
    plain_id(run_id, "run")
    z = zhucun()
    result = shown["result"]
    head = {k: v for k, v in shown.items() if k != "result"}
    head["result"] = {k: v for k, v in result.items() if k != "teams"}
    rows, after = page(result["teams"], lambda t: (str(t["team_id"]),))
    return _answer(z, head, rows, after)
