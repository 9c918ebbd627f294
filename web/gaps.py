"""The blind spots and work gaps under a unit as a work list (``/units/<code>/gaps``): the
whole list, a page at a time, filtered (type, a unit below, the days they began, who caused
them), sorted, with unit names and causes in the page's language, on the page's day as known
at its moment; and its export to ``.xlsx`` (``/units/<code>/gaps.xlsx``), recorded as an
export by the account."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request

from app.audit.access import record_export
from app.gaps import GapQuery, event_names, write_gaps_workbook
from app.gaps import work_list as list_of
from domain.errors import UnitNotFoundError
from web.api import as_known_at
from web.auth import login_required, principal
from web.dashboard import (
    GAP_LABELS,
    WORK_GAP_CAUSES,
    WORK_GAP_TABS,
    as_of_day,
    trail_of,
    unit_in_reach,
)
from web.deps import zhucun
from web.i18n import N_, _, current_language, fmt_date
from web.page_cache import cached

bp = Blueprint("gaps", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SORT_CHOICES = {
    "since": N_("Began, earliest first"),
    "-since": N_("Began, latest first"),
    "type": N_("Type"),
    "unit": N_("Unit"),
    "subject": N_("Subject"),
}


def _asked(code: str, whole: bool = False) -> dict[str, Any]:
    """The list the address asks for: the unit (in reach), its day and moment, the query."""
    code = unit_in_reach(code)
    z = zhucun()
    today = z.today()
    day, moment = as_of_day() or today, as_known_at(today)
    q, errors = GapQuery.parse(request.args)
    rows = cached(z, ("gaps", code, day, moment), day, lambda: z.gaps(code, None, day, moment))
    if rows is None:
        raise UnitNotFoundError(code, field="code")
    kept = {k: request.args[k] for k in ("as_of", "as_known_at") if request.args.get(k)}
    found = list_of(z, code, rows, q, whole=whole)
    errors |= found["errors"]
    return {
        "code": code,
        "day": day,
        "today": today,
        "moment": moment,
        "query": q,
        "kept": kept,
        "list": found,
        "errors": {f: e.message(current_language()) for f, e in errors.items()},
        "first_error": next(iter(errors.values()), None),
    }


@bp.get("/units/<code>/gaps")
@login_required
def work_list(code: str) -> tuple[str, int]:
    asked = _asked(code)
    who = principal()
    assert who is not None
    units = asked["list"]["units"]
    page = render_template(
        "gaps/list.html",
        **asked,
        name=units[asked["code"]]["name"],
        trail=trail_of(asked["code"], who),
        gap_names={kind: _(label) for kind, label in GAP_LABELS.items()},
        cause_names={kind: _(label) for kind, label in WORK_GAP_CAUSES.items()},
        event_names=event_names(current_language()),
        ledger_tabs=WORK_GAP_TABS,
        sorts=SORT_CHOICES,
    )
    return page, 400 if asked["errors"] else 200


@bp.get("/units/<code>/gaps.xlsx")
@login_required
def export(code: str) -> Response:
    asked = _asked(code, whole=True)
    if asked["first_error"] is not None:
        raise asked["first_error"]
    rows = asked["list"]["rows"]
    kinds = {kind: _(label) for kind, label in GAP_LABELS.items()}
    causes = {kind: _(label) for kind, label in WORK_GAP_CAUSES.items()}
    events = event_names(current_language())

    def words(g: dict[str, Any]) -> tuple[str, str]:
        c = g["cause"]
        if c.get("event"):
            cause = f"{fmt_date(c['on'])} {events.get(c['event'], '')}"
        elif c["type"] in causes:
            cause = causes[c["type"]] % {"day": fmt_date(c.get("on"))}
        else:
            cause = fmt_date(g["since"])
        return kinds.get(g["type"], g["type"]), cause

    headings = [_("Type"), _("Subject"), _("Unit"), _("Code"), _("Since"), _("Cause"), _("By")]
    name = f"gaps-{asked['code']}-{asked['day'].isoformat()}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        count = write_gaps_workbook(path, rows, headings, words)
        body = path.read_bytes()
    given = {"unit": asked["code"], "as_of": asked["day"].isoformat(), **asked["query"].given()}
    if asked["moment"] is not None:
        given["as_known_at"] = asked["moment"].isoformat()
    who = principal()
    assert who is not None
    record_export(
        zhucun(), who.username, who.role.value, "gap list", "xlsx", f"web:{name}", given, count
    )
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
