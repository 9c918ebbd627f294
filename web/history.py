"""History timelines: every event about a unit, a work team, a cadre, a household, a party
member, a central household or a site: who (name and role), what, when it happened, when it
was recorded, and why. A household's page shows its head's identity number, masked unless
the role may see it in full, and every view of it is recorded (app/audit/access.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import format_datetime
from werkzeug.wrappers import Response

from app.audit.access import record_personal_data_view
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
from web.teams import team_in_reach

bp = Blueprint("history", __name__)
SHOWN = 200  # the newest entries shown unless all are asked for
PAGE = 50  # entries of one page of a team's history
ORDERS = ("newest", "oldest")


def _uuid(value: str, field: str = "id") -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInputError(
            field, f"{value!r} 不是有效编号", f"{value!r} is not a valid id"
        ) from None


def timeline(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Newest first, with each actor's name and unit; at most SHOWN unless ``?all=1``."""
    total = len(rows)
    if request.args.get("all") != "1":
        rows = rows[-SHOWN:]
    return with_actors(list(reversed(rows))), total


def with_actors(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with its actor's name and unit and its recording time in words."""
    people = read(record_queries.actors, {str(r["actor"]) for r in rows})
    out = []
    for r in rows:
        name, unit = people.get(str(r["actor"]), (str(r["actor"]), ""))
        recorded = datetime.fromisoformat(r["recorded_at"])
        out.append(
            r
            | {
                "actor_name": name,
                "actor_unit": unit,
                "recorded": format_datetime(recorded, "yyyy-MM-dd HH:mm:ss"),
            }
        )
    return out


def render(title: str, subject: str, rows: list[dict[str, Any]], **links: Any) -> str:
    shown, total = timeline(rows)
    return render_template(
        "history/timeline.html", title=title, subject=subject, rows=shown, total=total, **links
    )


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
    """A page of PAGE entries at a time, newest first unless ``?order=oldest``; ``?all=1``
    shows everything at once."""
    t = team_in_reach(team_id)
    back = url_for("teams.team", team_id=team_id)
    key = UUID(t["team_id"])
    if request.args.get("all") == "1":
        return render(t["name"], t["village_name"], zhucun().history_of_team(key), back=back)
    after, newest_first = page_asked()
    page = zhucun().history_of_team_page(key, PAGE, after, newest_first)
    return render_template(
        "history/timeline.html",
        title=t["name"],
        subject=t["village_name"],
        rows=with_actors(page["rows"]),
        total=None,
        page={"next": page["next"], "order": "newest" if newest_first else "oldest", "at": after},
        back=back,
    )


@bp.get("/history/cadre/<cadre_id>")
@login_required
def cadre(cadre_id: str) -> str:
    """A cadre is in reach when a team they served on is: a team member sees the cadres of
    its own team; others those who served in villages of their subtree."""
    key = _uuid(cadre_id, "cadre")
    who = principal()
    assert who is not None
    villages = read(record_queries.teams_of_cadre, str(key))
    if not villages:
        raise CadreNotFoundError(str(key))
    if who.role is Role.TEAM_MEMBER:
        on_team = who.team_id is not None and str(key) in _members_ever(who.team_id)
        if not on_team:
            refuse("jurisdiction", OutsideJurisdictionError(villages[0], who.unit_code))
    else:
        paths = [read(unit_pages.unit_path, v) or "" for v in villages]
        if not any(who.covers(p) for p in paths if p):
            refuse("jurisdiction", OutsideJurisdictionError(villages[0], who.unit_code))
    rows = zhucun().history_of_cadre(key)
    name = next((r["details"].get("name") for r in rows if r["details"].get("name")), str(key))
    return render(str(name), str(key), rows)


def _members_ever(team_id: str) -> set[str]:
    return set(read(record_queries.members_ever, team_id))


@bp.get("/history/id/<subject>")
@login_required
def subject(subject: str) -> Response | str:
    """A party member, a central household or a site; a household has its own page."""
    key = str(_uuid(subject))
    kind = read(record_queries.kind_of, key)
    if kind is None:
        raise NotFoundError("id", f"没有编号为 {key} 的记录", f"nothing recorded with id {key}")
    where = read(record_queries.unit_of, kind, key)
    assert where is not None
    require_unit(where, field="id")
    if kind == "household":
        return redirect(url_for("history.household", household_id=key))
    rows = zhucun().history_of_id(UUID(key))
    return render(key, where, rows, back=url_for("dashboard.unit", code=where[:12]))


@bp.get("/households/<household_id>")
@login_required
def household(household_id: str) -> str:
    """The household, its head's identity number and its history. Every view is recorded;
    ``?identity=full`` shows the number in full to the roles allowed (domain/access.py)."""
    key = str(_uuid(household_id, "household"))
    row = read(record_queries.household, key)
    if row is None:
        raise HouseholdNotFoundError(key)
    require_unit(row["group_code"], field="household")
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
    shown, total = timeline(z.history_of_id(UUID(key)))
    return render_template(
        "history/household.html",
        h=row,
        household_id=key,
        id_number=number,
        full=full,
        may_unmask=who.role.value in UNMASK_ROLES,
        visits=read(record_queries.visits_of_household, key),
        rows=shown,
        total=total,
    )
