"""The blind spots and work gaps under a unit as a work list (盲点整改): filtered by type,
by a unit below, by the days they began and by who caused them, sorted, a page at a time,
each with its unit's name and the event that caused it (type and day, from the audit index);
and the same list as a workbook.

The list itself is ``Zhucun.gaps`` (both clocks); this module only chooses, orders and
describes its rows, so that the page, its export and the command line agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from app.args import typed_day
from app.describe import WORDS
from app.rectifications import folded, gap_key, gap_type_of, rectifications
from app.workbook import day_cell, header, text_cell
from domain.errors import InvalidInputError
from projections.audit.index import events_at
from projections.blind_spots import ALL_GAPS as ALL_GAPS  # the gap types, for the web
from projections.unit_pages import units_named, units_under

PAGE_SIZE = 50
# The orders a list can be sorted in: the key of a row, then the list's own order.
SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "since": lambda g: g["since"],
    "type": lambda g: ALL_GAPS.index(g["type"]) if g["type"] in ALL_GAPS else len(ALL_GAPS),
    "unit": lambda g: g["unit"],
    "subject": lambda g: g["subject"]["name"],
}
ACTOR_MAX = 100
# The rectification filter: gaps assigned to nobody, open (not yet due), overdue; or the
# rectifications whose gap has closed (those are no longer on the list).
RECTIFICATION_STATES = ("none", "open", "overdue", "closed")


def _type(args: Mapping[str, str]) -> str | None:
    given = args.get("type") or ""
    return gap_type_of(given) if folded(given) else None


def _sort(args: Mapping[str, str]) -> str:
    sort = folded(args.get("sort")) or "since"
    if sort.removeprefix("-") not in SORTS:
        raise InvalidInputError(
            "sort",
            f"排序 {sort!r} 不对，应为：{', '.join(SORTS)}（前加 - 为倒序）",
            f"sort {sort!r} is invalid; one of: {', '.join(SORTS)} (- first for descending)",
        )
    return sort


def _page(args: Mapping[str, str]) -> int:
    text = folded(args.get("page")) or "1"
    if not (text.isascii() and text.isdigit() and len(text) <= 6 and int(text) > 0):
        raise InvalidInputError(
            "page",
            f"页码 {text!r} 不对：应为正整数",
            f"page {text!r} is invalid: a whole number from 1",
        )
    return int(text)


def _actor(args: Mapping[str, str]) -> str | None:
    actor = folded(args.get("actor")) or None
    if actor is not None and len(actor) > ACTOR_MAX:
        raise InvalidInputError(
            "actor",
            f"起因人最多 {ACTOR_MAX} 个字符",
            f"who caused it: at most {ACTOR_MAX} characters",
        )
    return actor


def _rect(args: Mapping[str, str]) -> str | None:
    state = folded(args.get("rect")).lower() or None
    if state is not None and state not in RECTIFICATION_STATES:
        raise InvalidInputError(
            "rect",
            f"整改状态 {state[:20]!r} 不对，应为：{', '.join(RECTIFICATION_STATES)}",
            f"rectification {state[:20]!r} is invalid; one of: {', '.join(RECTIFICATION_STATES)}",
        )
    return state


_READERS: dict[str, Callable[[Mapping[str, str]], Any]] = {
    "type": _type,
    "within": lambda a: folded(a.get("unit")) or None,
    "since_from": lambda a: typed_day("since_from", a.get("since_from")),
    "since_to": lambda a: typed_day("since_to", a.get("since_to")),
    "actor": _actor,
    "rect": _rect,
    "sort": _sort,
    "page": _page,
}


@dataclass(frozen=True)
class GapQuery:
    """What a work list asks for; every value normalised once, here, and checked as used."""

    type: str | None = None
    within: str | None = None  # a unit below the list's unit: only the gaps under it
    since_from: date | None = None
    since_to: date | None = None
    actor: str | None = None  # the name of who caused it, or a part of it
    rect: str | None = None  # its rectification: none, open, overdue, closed
    sort: str = "since"
    descending: bool = False
    page: int = 1

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> tuple[GapQuery, dict[str, InvalidInputError]]:
        """The query, and each bad value's refusal by its field (all of them at once: a
        field refused keeps its default)."""
        errors: dict[str, InvalidInputError] = {}
        values: dict[str, Any] = {}
        for name, read in _READERS.items():
            try:
                values[name] = read(args)
            except InvalidInputError as e:
                errors[e.field] = e
        sort_text = values.pop("sort", None) or "since"
        q = cls(**values, sort=sort_text.removeprefix("-"), descending=sort_text[:1] == "-")
        if q.since_from and q.since_to and q.since_from > q.since_to:
            errors["since_to"] = InvalidInputError(
                "since_to", "“开始日至”早于“开始日自”", "'began by' is before 'began from'"
            )
        return q, errors

    def given(self) -> dict[str, str]:
        """The filters asked, as text (for links, and for the record of an export)."""
        out = {
            "type": self.type,
            "unit": self.within,
            "since_from": self.since_from.isoformat() if self.since_from else None,
            "since_to": self.since_to.isoformat() if self.since_to else None,
            "actor": self.actor,
            "rect": self.rect,
            "sort": ("-" if self.descending else "") + self.sort,
        }
        return {k: v for k, v in out.items() if v}


def chosen(
    rows: list[dict[str, Any]],
    q: GapQuery,
    units: Mapping[str, Mapping[str, str]],
    rects: Mapping[tuple[str, str, str], Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The rows the query asks for, in its order. ``units``: the subtree of the list's unit
    (code -> name, path); a ``within`` outside it is refused naming the field. ``rects``:
    the rectifications of the list's day, by their gap (for the rectification filter)."""
    under: str | None = None
    if q.within is not None:
        found = units.get(q.within)
        if found is None:
            raise InvalidInputError(
                "unit",
                f"单位 {q.within!r} 不在本单位之下",
                f"unit {q.within!r} is not under this unit",
            )
        under = found["path"]
    out = []
    for g in rows:
        if q.type is not None and g["type"] != q.type:
            continue
        if under is not None and not units.get(g["unit"], {}).get("path", "").startswith(under):
            continue
        if q.since_from is not None and g["since"] < q.since_from.isoformat():
            continue
        if q.since_to is not None and g["since"] > q.since_to.isoformat():
            continue
        if q.actor is not None and q.actor not in (g["cause"].get("actor") or ""):
            continue
        if q.rect is not None and q.rect != "closed":
            found = (rects or {}).get(gap_key(g))
            if (found["state"] if found else "none") != q.rect:
                continue
        out.append(g)
    out.sort(key=lambda g: (g["subject"]["name"], g["unit"]))  # ties: by name, then unit
    out.sort(key=SORTS[q.sort], reverse=q.descending)
    return out


def page_of(rows: list[dict[str, Any]], page: int) -> tuple[list[dict[str, Any]], int]:
    """The rows of a page (the last one when asked past it) and the number of pages."""
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    at = min(page, pages)
    return rows[(at - 1) * PAGE_SIZE : at * PAGE_SIZE], pages


def described(
    conn: Any, rows: list[dict[str, Any]], units: Mapping[str, Mapping[str, str]]
) -> list[dict[str, Any]]:
    """Each row with its unit's name, and for a cause that is an event its type and the day
    it happened (``cause_event``, ``cause_on``)."""
    events = events_at(conn, [g["cause"]["position"] for g in rows if g["cause"].get("position")])
    out = []
    for g in rows:
        cause = dict(g["cause"])
        found = events.get(cause.get("position") or -1)
        if found is not None:
            cause["event"], on = found
            cause["on"] = cause.get("on") or on.isoformat()
        unit = units.get(g["unit"])
        out.append(g | {"unit_name": unit["name"] if unit else g["unit"], "cause": cause})
    return out


def write_gaps_workbook(
    path: Path,
    rows: list[dict[str, Any]],
    headings: list[str],
    words: Callable[[dict[str, Any]], tuple[str, str, str]],
) -> int:
    """The list as one sheet: type, subject, unit (name and code), since, cause, actor, and
    its rectification: to whom, by when, its state. ``words(row)`` gives the row's type,
    cause and rectification state in the reader's language."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("盲点" if headings and not headings[0].isascii() else "Gaps")
    header(ws, headings, [34, 28, 22, 18, 14, 40, 14, 14, 14, 16])
    for g in rows:
        kind, cause, state = words(g)
        rect = g.get("rectification") or {}
        ws.append(
            [
                text_cell(ws, kind),
                text_cell(ws, g["subject"]["name"]),
                text_cell(ws, g.get("unit_name") or g["unit"]),
                text_cell(ws, g["unit"]),
                day_cell(ws, g["since"]),
                text_cell(ws, cause),
                text_cell(ws, g["cause"].get("actor") or ""),
                text_cell(ws, rect.get("assignee") or ""),
                day_cell(ws, rect["due_on"]) if rect else text_cell(ws, ""),
                text_cell(ws, state),
            ]
        )
    wb.save(path)
    return len(rows)


def work_list(
    z: Any,
    code: str,
    rows: list[dict[str, Any]],
    q: GapQuery,
    whole: bool = False,
    day: date | None = None,
    moment: datetime | None = None,
) -> dict[str, Any]:
    """The page of ``rows`` (``Zhucun.gaps`` of the unit ``code`` on ``day`` as known at
    ``moment``) the query asks for, with how many match, the pages, and how many of each
    type the unfiltered list holds; each row with its rectification (``rectification``);
    ``whole``: every matching row (an export). With ``rect=closed``, ``closed``: the
    rectifications whose gap has closed, each with the event that closed it."""
    errors: dict[str, InvalidInputError] = {}
    every = rectifications(z, code, day, moment, credit=q.rect == "closed") or []
    rects = {gap_key(r): r for r in every if r["state"] != "closed"}
    closed = [r for r in every if r["state"] == "closed"]
    with z.projections.reading() as conn:
        units = units_under(conn, code)
        try:
            picked = chosen(rows, q, units, rects)
        except InvalidInputError as e:  # a unit not under this one: the rest still applies
            errors[e.field] = e
            picked = chosen(rows, replace(q, within=None), units, rects)
        if q.rect == "closed":
            picked = []
        shown, pages = (picked, 1) if whole else page_of(picked, q.page)
        counts: dict[str, int] = {}
        for g in rows:
            counts[g["type"]] = counts.get(g["type"], 0) + 1
        rect_counts = {"none": len(rows) - len(rects), "closed": len(closed)}
        for r in rects.values():
            rect_counts[r["state"]] = rect_counts.get(r["state"], 0) + 1
        return {
            "rows": [
                g | {"rectification": rects.get(gap_key(g))} for g in described(conn, shown, units)
            ],
            "closed": closed if q.rect == "closed" else [],
            "rect_counts": rect_counts,
            "total": len(closed) if q.rect == "closed" else len(picked),
            "pages": pages,
            "page": min(q.page, pages),
            "counts": counts,
            "units": units,
            "errors": errors,
        }


def with_causes(z: Any, code: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A few rows of ``Zhucun.gaps`` of ``code`` described as the work list describes them."""
    if not rows:
        return []
    with z.projections.reading() as conn:
        return described(conn, rows, units_named(conn, {g["unit"] for g in rows}))


def event_names(lang: str) -> dict[str, str]:
    """Each event type's words in a language, for a cause."""
    at = 0 if lang == "zh" else 1
    return {name: words[at] for name, words in WORDS.items()}
