"""History timelines: every event about a unit, a work team, a cadre, a household, a party
member, a central household or a site: who (name and role), what, when it happened, when it
was recorded, and why. A household's page shows its head's identity number, masked unless
the role may see it in full, and every view of it is recorded (app/audit/access.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.audit.access import record_personal_data_view
from app.audit.entries import is_backdated
from app.audit.words import details_in_words, value_in_words
from domain.access import UNMASK_ROLES
from domain.account_errors import OutsideJurisdictionError, RoleNotAllowedError
from domain.accounts import Role
from domain.errors import (
    CadreNotFoundError,
    HouseholdNotFoundError,
    InvalidInputError,
    NotFoundError,
    WrongRoleError,
)
from projections import record_queries, unit_pages
from web.auth import login_required, principal, refuse, require_unit
from web.dashboard import read, unit_in_reach
from web.deps import zhucun
from web.i18n import current_language, fmt_datetime
from web.records import record_links
from web.teams import team_in_reach

bp = Blueprint("history", __name__)
PAGE = 50  # entries of one page of a timeline
ORDERS = ("newest", "oldest")


def _uuid(value: str, field: str = "id") -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInputError(
            field, f"{value!r} 不是有效编号", f"{value!r} is not a valid id"
        ) from None


def page_of(
    rows: list[dict[str, Any]], limit: int, after: int | None, newest_first: bool
) -> dict[str, Any]:
    """One page of a timeline held in log order: at most ``limit`` rows beyond the position
    ``after`` in the order asked, and ``next``, the position to ask the following page after
    (None on the last page) — the same answer as a team's paged history."""
    ordered = rows[::-1] if newest_first else rows
    if after is not None:
        ordered = [
            r for r in ordered if (r["position"] < after if newest_first else r["position"] > after)
        ]
    shown = ordered[:limit]
    more = len(ordered) > limit
    return {"rows": shown, "next": shown[-1]["position"] if more and shown else None}


def in_words(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row as a page in one language shows it: the actor's name and unit, the recording
    time in Beijing time, the fields and the reason in words, and the 补录 mark for an entry
    recorded later than the rules allow (the audit log's mark)."""
    people = read(record_queries.actors, {str(r["actor"]) for r in rows})
    lang = current_language()
    late = zhucun().rules.backdated_after_days
    out = []
    for r in rows:
        name, unit = people.get(str(r["actor"]), (str(r["actor"]), ""))
        out.append(
            r
            | {
                "what": r["what_zh"] if lang == "zh" else r["what_en"],
                "actor_name": value_in_words("actor", name, lang),
                "actor_unit": unit,
                "recorded": fmt_datetime(r["recorded_at"]),
                "backdated": is_backdated(
                    datetime.fromisoformat(r["recorded_at"]), r["occurred_on"], late
                ),
                "reason_words": value_in_words("reason", r["reason"], lang),
                "fields": details_in_words(r["details"], lang),
            }
        )
    return out


def render(
    title: str,
    subject: str,
    rows: list[dict[str, Any]],
    template: str = "history/timeline.html",
    **context: Any,
) -> str:
    """A timeline a page at a time (``?after=``, ``?order=``), with its number of entries."""
    after, newest_first = page_asked()
    page = page_of(rows, PAGE, after, newest_first)
    return render_template(
        template,
        title=title,
        subject=subject,
        rows=in_words(page["rows"]),
        total=len(rows),
        page=_pager(page["next"], newest_first, after),
        **context,
    )


def _pager(after_next: int | None, newest_first: bool, at: int | None) -> dict[str, Any]:
    return {"next": after_next, "order": "newest" if newest_first else "oldest", "at": at}


def page_asked() -> tuple[int | None, bool]:
    """``?after=POSITION`` (the last entry of the page before) and ``?order=newest|oldest``."""
    order = request.args.get("order", "newest")
    if order not in ORDERS:
        raise InvalidInputError(
            "order",
            f"排序 {order!r} 不对：应为 newest 或 oldest",
            f"order {order!r} is invalid: newest or oldest",
        )
    text = request.args.get("after", "").strip()
    if not text:
        return None, order == "newest"
    # ASCII digits only ("²".isdigit() is true) and no larger than a stored position.
    if not (text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < 2**63):
        raise InvalidInputError(
            "after",
            f"位置 {text!r} 不对：应为日志位置（非负整数）",
            f"position {text!r} is invalid: a log position (a whole number) expected",
        )
    return int(text), order == "newest"


@bp.get("/history/unit/<code>")
@login_required
def unit(code: str) -> str:
    code = unit_in_reach(code)
    z = zhucun()
    found = z.coverage(code)
    name = found["name"] if found else code
    return render(name, code, z.history_of_unit(code), back=url_for("dashboard.unit", code=code))


@bp.get("/history/team/<team_id>")
@login_required
def team(team_id: str) -> str:
    """A page of PAGE entries at a time, newest first unless ``?order=oldest``: a team's
    history runs to thousands of entries, read from the log a page at a time."""
    t = team_in_reach(team_id)
    key = UUID(t["team_id"])
    after, newest_first = page_asked()
    page = zhucun().history_of_team_page(key, PAGE, after, newest_first)
    return render_template(
        "history/timeline.html",
        title=t["name"],
        subject=t["village_name"],
        rows=in_words(page["rows"]),
        total=None,
        page=_pager(page["next"], newest_first, after),
        back=url_for("teams.team", team_id=team_id),
    )


@bp.get("/history/cadre/<cadre_id>")
@login_required
def cadre(cadre_id: str) -> str:
    """A cadre is in reach when a team they served on is: a team member sees the cadres of
    its own team; others those who served in villages of their subtree."""
    key = cadre_in_reach(_uuid(cadre_id, "cadre"))
    rows = zhucun().history_of_cadre(key)
    name = next((r["details"].get("name") for r in rows if r["details"].get("name")), str(key))
    return render(str(name), str(key), rows)


def cadre_in_reach(key: UUID) -> UUID:
    """The cadre, if a team they served on is in the logged-in account's reach: a team
    member's own team's cadres; for others, those who served in villages of their subtree
    (403, recorded, otherwise)."""
    who = principal()
    assert who is not None
    villages = read(record_queries.teams_of_cadre, str(key))
    if not villages:
        raise CadreNotFoundError(str(key))
    if who.role is Role.TEAM_MEMBER:
        on_team = who.team_id is not None and str(key) in members_ever(who.team_id)
        if not on_team:
            refuse("jurisdiction", OutsideJurisdictionError(villages[0], who.unit_code))
    else:
        paths = [read(unit_pages.unit_path, v) or "" for v in villages]
        if not any(who.covers(p) for p in paths if p):
            refuse("jurisdiction", OutsideJurisdictionError(villages[0], who.unit_code))
    return key


def household_in_reach(key: str) -> dict[str, Any]:
    """The household's row, if it lies in the logged-in account's jurisdiction (403,
    recorded, otherwise)."""
    row = read(record_queries.household, key)
    if row is None:
        raise HouseholdNotFoundError(key)
    require_unit(row["group_code"], field="household")
    return row


def members_ever(team_id: str) -> set[str]:
    return set(read(record_queries.members_ever, team_id))


def subject_in_reach(key: UUID, field: str = "id") -> tuple[str, str, str]:
    """What an id names (its kind, and the unit it lies in), if in the account's
    jurisdiction (403, recorded, otherwise): for the history page and the API alike."""
    text = str(key)
    kind = read(record_queries.kind_of, text)
    if kind is None:
        raise NotFoundError(field, f"没有编号为 {text} 的记录", f"nothing recorded with id {text}")
    where = read(record_queries.unit_of, kind, text)
    assert where is not None
    require_unit(where, field=field)
    return text, kind, where


@bp.get("/history/id/<subject>")
@login_required
def subject(subject: str) -> Response | str:
    """A party member, a central household or a site; a household has its own page."""
    key, kind, where = subject_in_reach(_uuid(subject))
    if kind == "household":
        return redirect(url_for("history.household", household_id=key))
    rows = zhucun().history_of_id(UUID(key))
    # A party member's forms open with the member chosen (a site's and a designation's
    # lists are of other things: not offered here).
    forms = (
        record_links(where, skip=SKIPPED_ON_MEMBER, party_member=key)
        if kind == "party_member"
        else []
    )
    return render(key, where, rows, back=url_for("dashboard.unit", code=where[:12]), forms=forms)


SKIPPED_ON_MEMBER = ("assign-site-responsible", "designate-central-household")


@bp.get("/households/<household_id>")
@login_required
def household(household_id: str) -> str:
    """The household, its head's identity number and its history. Every view is recorded;
    ``?identity=full`` shows the number in full to the roles allowed (domain/access.py)."""
    key = str(_uuid(household_id, "household"))
    row = household_in_reach(key)
    who = principal()
    assert who is not None
    z = zhucun()
    full = request.args.get("identity") == "full"
    try:
        record_personal_data_view(
            z,
            who.username,
            who.role.value,
            UUID(key),
            what="household page",
            unmasked=full,
            scope={"page": request.path, "identity": "full" if full else "masked"},
            reason="网页查阅 web page",
        )
    except WrongRoleError:
        refuse(
            "role",
            RoleNotAllowedError(
                who.role.value, "查看完整的身份证号", "see identity numbers in full"
            ),
        )
    number = row["id_number_masked"]
    if full:
        number = z.store.repository.get(UUID(key)).id_number
    return render(
        row["head_name"],
        row["group_code"],
        z.history_of_id(UUID(key)),
        template="history/household.html",
        h=row,
        household_id=key,
        id_number=number,
        full=full,
        may_unmask=who.role.value in UNMASK_ROLES,
        visits=read(record_queries.visits_of_household, key),
        # A team member in the household's village records a visit from here.
        visit_form=(
            url_for("records.team_form", team_id=who.team_id, form="visit-household", household=key)
            if who.role is Role.TEAM_MEMBER
            and who.team_id
            and not row["ended_on"]
            and row["village_code"] == who.unit_code
            else None
        ),
    )
