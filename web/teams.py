"""The work-team pages: the teams under the account's unit, and one team's roster, residency
calendar per member for a month, and diary, each on the day asked for ("as of")."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from babel.dates import get_day_names
from flask import Blueprint, render_template, request
from flask_babel import get_locale

from app.describe import history_row
from domain.account_errors import OutsideJurisdictionError
from domain.accounts import Role
from domain.errors import InvalidInputError, TeamNotFoundError
from domain.residency import member_month_id, month_key
from projections import record_queries
from web.auth import login_required, principal, refuse, require_unit
from web.dashboard import as_of_day, read
from web.deps import unit_code, zhucun
from web.i18n import N_

# The forms of a day in the village: offered only while the team is serving today.
DAILY_FORMS = frozenset({"check-in", "write-diary", "visit-household", "request-leave"})

bp = Blueprint("teams", __name__)

# The state of a member's day on the calendar, with its English name (translated on the page).
DAY_STATES = {
    "in": N_("Checked in"),
    "leave": N_("On approved leave"),
    "gap": N_("Unaccounted"),
    "off": N_("Not on the team"),
    "future": N_("Still to come"),
}
FLAG_LABELS = {
    "sector_mismatch": N_("Unit's sector does not suit the village"),
    "village_unclassified": N_("Village unclassified at dispatch"),
    "term_extended": N_("Term extended"),
    "no_leader": N_("No leader"),
}
VILLAGE_CLASSES = {
    "governance": N_("Governance"),
    "economy": N_("Economy"),
    None: N_("Unclassified"),
}
DIARY = "MemberMonth.DiaryWritten"
CHECKED_IN = "CheckedIn"
VISIT = "MemberMonth.HouseholdVisited"


def team_in_reach(team_id: str) -> dict[str, Any]:
    """The team, if the logged-in account may see it: a team member its own team only,
    everyone else the teams serving in villages of its subtree (403, recorded, otherwise)."""
    team = read(record_queries.team_row, team_id)
    if team is None:
        raise TeamNotFoundError(team_id)
    who = principal()
    assert who is not None
    if who.role is Role.TEAM_MEMBER:
        if who.team_id != team["team_id"]:
            refuse("jurisdiction", OutsideJurisdictionError(team["village"], who.unit_code))
    else:
        require_unit(team["village"], field="team")
    return team


def month_asked(day: date) -> tuple[str, date, date]:
    text = request.args.get("month", "").strip() or month_key(day)
    try:
        year, number = (int(x) for x in text.split("-"))
        first = date(year, number, 1)
        if not 1900 <= year < 9999:  # the calendar steps a day past the month's last
            raise ValueError(text)
    except ValueError:
        raise InvalidInputError(
            "month", f"{text!r} 不是月份（YYYY-MM）", f"{text!r} is not a month (YYYY-MM)"
        ) from None
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return text, first, last


def calendar_of(days: dict[str, Any], first: date, last: date, today: date) -> list[dict[str, Any]]:
    """Each day of the month for one member: its state and whether a spot check found them
    away."""
    cells = []
    day = first
    while day <= last:
        served = any(s <= day and (e is None or day < e) for s, e in days["served"])
        if day in days["checked_in"]:
            state = "in"
        elif day in days["leave"]:
            state = "leave"
        elif not served:
            state = "off"
        elif day > today:
            state = "future"
        else:
            state = "gap"
        cells.append({"day": day, "state": state, "absent": day in days["absent"]})
        day += timedelta(days=1)
    return cells


def month_entries(
    team_id: str, cadres: dict[str, str], month: str
) -> tuple[list[dict[str, Any]], dict[tuple[str, date], dict[str, Any]]]:
    """The diary entries and household visits of the team's members (id -> name) in the
    month, newest first, and where each checked in (place and position, by cadre id and
    day), read from the members' month streams only."""
    z = zhucun()
    streams = {member_month_id(UUID(c), month): (c, name) for c, name in cadres.items()}
    rows = []
    places: dict[tuple[str, date], dict[str, Any]] = {}
    for logged in z.store.events_of(streams):
        e = logged.event
        if getattr(e, "team_id", None) != UUID(team_id):
            continue
        cadre, name = streams[e.originator_id]
        if type(e).__name__ == CHECKED_IN:
            if e.place or e.lat is not None:
                day = date.fromisoformat(e.occurred_on)
                places[(cadre, day)] = {"place": e.place, "lat": e.lat, "lon": e.lon, "day": day}
            continue
        row = history_row(logged)
        if row["event"] in (DIARY, VISIT):
            rows.append(row | {"cadre_name": name})
    rows.sort(key=lambda r: (r["occurred_on"], r["position"]), reverse=True)
    visited = {str(r["details"]["household_id"]) for r in rows if r["event"] == VISIT}
    heads = read(record_queries.household_names, visited) if visited else {}
    entries = [
        r | {"household": heads.get(str(r["details"].get("household_id")), "")} for r in rows
    ]
    return entries, places


@bp.get("/teams")
@login_required
def index() -> str:
    who = principal()
    assert who is not None
    z = zhucun()
    day = as_of_day() or z.today()
    code = unit_code(request.args.get("unit") or who.unit_code)
    require_unit(code)
    found = z.teams(code, day) or []
    if who.role is Role.TEAM_MEMBER:
        found = [t for t in found if t["team_id"] == who.team_id]
    return render_template(
        "teams/index.html", teams=found, day=day, today=z.today(), code=code, flags=FLAG_LABELS
    )


@bp.get("/teams/<team_id>")
@login_required
def team(team_id: str) -> str:
    t = team_in_reach(team_id)
    z = zhucun()
    today = z.today()
    day = as_of_day() or today
    month, first, last = month_asked(day)
    shown = team_month(t, day, month, first, last)
    previous = (first - timedelta(days=1)).strftime("%Y-%m")
    following = (last + timedelta(days=1)).strftime("%Y-%m")
    return render_template(
        "teams/team.html",
        t=t,
        serving_today=t["dispatched_on"] <= today <= t["last_day"],
        daily_forms=DAILY_FORMS,
        **shown,
        day=day,
        today=today,
        month=month,
        first=first,
        offset=first.weekday(),
        weekdays=[get_day_names("narrow", locale=get_locale())[i] for i in range(7)],
        previous=previous,
        following=following if last < today else None,
        states=DAY_STATES,
        flags=FLAG_LABELS,
        village_classes=VILLAGE_CLASSES,
        diary_event=DIARY,
    )


def team_month(t: dict[str, Any], day: date, month: str, first: date, last: date) -> dict[str, Any]:
    """What a team's page shows of a month, for the page and the API alike: its roster on
    ``day``, its residency report, each member's calendar (each day's state, and where they
    checked in) and the members' diary entries and household visits, newest first."""
    z = zhucun()
    roster = next(
        (r for r in z.teams(t["village"], day) or [] if r["team_id"] == t["team_id"]), None
    )
    reports = z.residency(month, team=UUID(t["team_id"])) or []
    report = reports[0] if reports else None
    days = read(record_queries.month_days, t["team_id"], first, last)
    listed = report["members"] if report else []
    entries, places = month_entries(t["team_id"], {m["cadre_id"]: m["name"] for m in listed}, month)
    members = []
    for m in listed:
        cells = calendar_of(days.get(UUID(m["cadre_id"]).hex, _empty()), first, last, z.today())
        where = [
            places[(m["cadre_id"], c["day"])] for c in cells if (m["cadre_id"], c["day"]) in places
        ]
        for c in cells:
            c["place"] = places.get((m["cadre_id"], c["day"])) if c["state"] == "in" else None
        members.append(m | {"days": cells, "places": where})
    return {"roster": roster, "report": report, "members": members, "entries": entries}


def _empty() -> dict[str, Any]:
    return {"served": [], "checked_in": set(), "leave": set(), "absent": set()}
