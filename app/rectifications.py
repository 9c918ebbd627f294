"""Rectifications (整改): a gap of the work list assigned to someone by a day, and what became
of it on any day as known at any moment.

``assign_rectification`` (``app/rectifications_commands.py``) checks, on the read side,
that the gap is on the unit's list on the command's day (``find_gap``, through
``Network.gap``). A rectification is then, on a day:

- ``open``: its gap is still on the list that day, as known at the moment;
- ``overdue``: open, and the day is after its due date;
- ``closed``: its gap is no longer on the list, credited with the event that closed it: the
  first recording moment after which the gap (type, subject, first day) is gone from that
  day's list, found by bisecting the recording moments (``closing_event``), and within that
  moment's events the first one about the gap's subject (docs/adr/035).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select

from domain.errors import InvalidInputError, UnknownGapTypeError
from domain.rectifications import Rectification
from domain.sites import site_id
from domain.units import unit_id
from projections import blind_spots
from projections.audit.index import entries, links
from projections.blind_spots import ALL_GAPS, GAP_WORDS
from projections.coverage.tables import moments
from projections.rectifications import rectifications_in
from projections.tables import utc_naive
from projections.teams.visit_queries import known_position
from projections.unit_pages import unit_path, units_named

STATES = ("open", "overdue", "closed")
# What rectifications show beyond the gap lists (a page keeps its counts across other events).
EVENTS = frozenset(c.__qualname__ for c in (Rectification.Assigned, Rectification.Reassigned))


def folded(value: str | None) -> str:
    """A value as typed, full-width folded (NFKC) and the spaces around it dropped."""
    return unicodedata.normalize("NFKC", value or "").strip()


def gap_type_of(value: str, field: str = "type") -> str:
    """A gap type as every list, filter and command reads it: full-width folded, spaces
    around it dropped, lower case; anything else is refused naming ``field``."""
    kind = folded(value).lower()
    if kind not in ALL_GAPS:
        raise unknown_gap_type(kind, field)
    return kind


def unknown_gap_type(given: str, field: str = "type") -> InvalidInputError:
    """The refusal of a gap type not among ``ALL_GAPS``: the types in words in Chinese, by
    the values to type in English."""
    zh = [GAP_WORDS[kind][0] for kind in ALL_GAPS]
    return UnknownGapTypeError(given[:40], list(ALL_GAPS), zh, field)


def subject_of(value: str) -> str:
    """A gap's subject as the gap lists write it: an id in its canonical form, or a code."""
    text = folded(value).lower()
    try:
        return str(UUID(text)) if text.isascii() else text
    except ValueError:
        return text


def _listed(
    conn: Connection, code: str, gap_type: str, day: date, known_at: datetime | None
) -> list[dict[str, Any]]:
    return blind_spots.gaps(conn, code, day, known_at, gap_type) or []


def find_gap(
    conn: Connection,
    code: str,
    gap_type: str,
    subject: str,
    day: date,
    known_at: datetime | None = None,
    since: str | None = None,
) -> dict[str, Any] | None:
    """The gap of ``gap_type`` about ``subject`` under ``code`` on ``day`` (that began on
    ``since``, if given), as known at the moment; None if it is not on the list."""
    for g in _listed(conn, code, gap_type, day, known_at):
        if g["subject"]["id"] == subject and (since is None or g["since"] == since):
            return g
    return None


# -- the read side ------------------------------------------------------------------------------


def _moments(conn: Connection, after: int, upto: int | None) -> list[tuple[datetime, int]]:
    """The recording moments whose events end after log position ``after`` (up to ``upto``),
    in log order: (moment, last position)."""
    query = select(moments.c.recorded_at, moments.c.position).where(moments.c.position > after)
    if upto is not None:
        query = query.where(moments.c.position <= upto)
    return [(r.recorded_at, r.position) for r in conn.execute(query.order_by(moments.c.position))]


def _refs(subject: str) -> list[str]:
    """The ids an event about the subject names (audit links): the id itself, or a unit's
    and its site's."""
    try:
        return [UUID(subject).hex]
    except ValueError:
        return [unit_id(subject).hex, site_id(subject).hex]


def closing_event(
    conn: Connection, r: dict[str, Any], day: date, upto: int | None
) -> dict[str, Any] | None:
    """The event that took the rectification's gap off ``day``'s list, as known at log
    position ``upto``: its position, type, day and actor."""
    since = r["since"].isoformat()

    def gone(moment: datetime) -> bool:
        found = find_gap(conn, r["gap_unit"], r["gap_type"], r["subject"], day, moment, since)
        return found is None

    # The gap was on the list when it was assigned: the first moment after which it is not.
    candidates = _moments(conn, r["assigned_at"], upto)
    lo, hi = -1, len(candidates) - 1
    if hi < 0 or not gone(candidates[hi][0]):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if gone(candidates[mid][0]):
            hi = mid
        else:
            lo = mid
    start = candidates[hi - 1][1] if hi > 0 else r["assigned_at"]
    end = candidates[hi][1]
    about = conn.execute(
        select(func.min(links.c.position)).where(
            links.c.position > start, links.c.position <= end, links.c.ref.in_(_refs(r["subject"]))
        )
    ).scalar()
    position = int(about or end)
    found = conn.execute(select(entries).where(entries.c.position == position)).first()
    if found is None:
        return {"position": position, "event": "", "on": None, "actor": ""}
    return {
        "position": position,
        "event": found.event,
        "on": found.occurred_on.isoformat(),
        "actor": found.actor,
    }


def rectifications(
    z: Any,
    code: str,
    as_of: date | None = None,
    as_known_at: datetime | None = None,
    state: str | None = None,
    credit: bool = True,
) -> list[dict[str, Any]] | None:
    """The rectifications of gaps under ``code`` on a day as known at a moment, each with its
    state (``open``, ``overdue``, ``closed``) and, when closed and ``credit``, the event that
    closed it (``closed_by``); only those in ``state`` if given. None if no such unit."""
    if state is not None and state not in STATES:
        raise InvalidInputError(
            "state",
            f"整改状态 {state!r} 不对，应为：{', '.join(STATES)}",
            f"rectification state {state!r} is invalid; one of: {', '.join(STATES)}",
        )
    day = as_of or z.today()
    moment = utc_naive(as_known_at) if as_known_at is not None else None
    with z.projections.reading() as conn:
        path = unit_path(conn, code)
        if path is None:
            return None
        upto = known_position(conn, moment)
        # The few units the rectifications name, not the whole subtree (a city's is 1,400).
        every = rectifications_in(conn, day, upto)
        units = units_named(conn, {r["gap_unit"] for r in every})
        found = [r for r in every if units.get(r["gap_unit"], {}).get("path", "").startswith(path)]
        lists: dict[tuple[str, str], set[tuple[str, str]]] = {}
        out = []
        for r in found:
            key = (r["gap_unit"], r["gap_type"])
            if key not in lists:
                lists[key] = {
                    (g["subject"]["id"], g["since"])
                    for g in _listed(conn, r["gap_unit"], r["gap_type"], day, moment)
                }
            is_open = (r["subject"], r["since"].isoformat()) in lists[key]
            kind = ("overdue" if day > r["due_on"] else "open") if is_open else "closed"
            if state is not None and kind != state:
                continue
            row = _row(r, kind, units)
            if kind == "closed" and credit:
                row["closed_by"] = closing_event(conn, r, day, upto)
            out.append(row)
        out.sort(key=lambda x: (STATES.index(x["state"]), x["due_on"], x["subject"]["name"]))
        return out


def _row(r: dict[str, Any], kind: str, units: dict[str, dict[str, str]]) -> dict[str, Any]:
    unit = units.get(r["gap_unit"])
    return {
        "id": str(UUID(r["id"])),
        "type": r["gap_type"],
        "unit": r["gap_unit"],
        "unit_name": unit["name"] if unit else r["gap_unit"],
        "assigned_under": r["unit_code"],
        "subject": {"id": r["subject"], "name": r["subject_name"]},
        "since": r["since"].isoformat(),
        "assignee": r["assignee"],
        "due_on": r["due_on"].isoformat(),
        "note": r["note"],
        "assigned_on": r["assigned_on"].isoformat(),
        "assigned_by": r["assigned_by"],
        "state": kind,
        "closed_by": None,
    }


def counts(
    z: Any, code: str, as_of: date | None = None, as_known_at: datetime | None = None
) -> dict[str, int] | None:
    """How many rectifications under ``code`` are open and overdue on the day, and how many
    were closed by an event dated in the day's month (as known at the moment)."""
    rows = rectifications(z, code, as_of, as_known_at)
    if rows is None:
        return None
    day = as_of or z.today()
    month = day.isoformat()[:7]
    out = {"open": 0, "overdue": 0, "closed_this_month": 0}
    for r in rows:
        if r["state"] == "closed":
            on = (r["closed_by"] or {}).get("on") or ""
            out["closed_this_month"] += on[:7] == month
        else:
            out[r["state"]] += 1
    return out


def by_gap(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The rectifications keyed by their gap: (type, subject id, first day)."""
    return {(r["type"], r["subject"]["id"], r["since"]): r for r in rows}


KeyOf = Callable[[dict[str, Any]], tuple[str, str, str]]


def gap_key(g: dict[str, Any]) -> tuple[str, str, str]:
    return (g["type"], g["subject"]["id"], g["since"])
