"""The blind spots and work gaps under a unit as a work list (``/units/<code>/gaps``): the
whole list, a page at a time, filtered (type, a unit below, the days they began, who caused
them), sorted, with unit names and causes in the page's language, on the page's day as known
at its moment; and its export to ``.xlsx`` (``/units/<code>/gaps.xlsx``), recorded as an
export by the account."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from uuid import uuid4

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from app.audit.access import record_export
from app.gaps import (
    RECTIFICATION_STATES,
    GapQuery,
    event_names,
    with_causes,
    write_gaps_workbook,
)
from app.gaps import work_list as list_of
from app.jurisdiction import COMMAND_ROLES
from app.rectifications import gap_type_of, rectifications, subject_of
from domain.account_errors import RoleNotAllowedError
from domain.errors import GapNotFoundError, UnitNotFoundError, ZhucunError
from web.api_clocks import as_known_at
from web.auth import login_required, principal, refuse
from web.dashboard import (
    GAP_LABELS,
    WORK_GAP_CAUSES,
    WORK_GAP_TABS,
    as_of_day,
    trail_of,
    unit_in_reach,
)
from web.deps import zhucun
from web.errors import status_of
from web.form_errors import FormRefused, beside_fields, flash_recorded, send_form
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
RECTIFICATION_LABELS = {
    "none": N_("Not assigned"),
    "open": N_("Assigned, not yet due"),
    "overdue": N_("Overdue"),
    "closed": N_("Closed"),
}
assert tuple(RECTIFICATION_LABELS) == RECTIFICATION_STATES
ASSIGN = "assign_rectification"


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
    found = list_of(z, code, rows, q, whole=whole, day=day, moment=moment)
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
        rect_names={k: _(v) for k, v in RECTIFICATION_LABELS.items()},
        may_assign=who.role in COMMAND_ROLES[ASSIGN],
    )
    return page, 400 if asked["errors"] else 200


# The fields of the assignment form, by their labels on the page.
ASSIGN_LABELS = {
    "occurred_on": N_("Assigned on"),
    "assignee": N_("Assigned to"),
    "due_on": N_("Due"),
    "note": N_("Note"),
    "reason": N_("Reason"),
}


@bp.route("/units/<code>/gaps/assign", methods=["GET", "POST"])
@login_required
def assign(code: str) -> WerkzeugResponse | tuple[str, int]:
    """Assign one gap of the list for rectification (or assign it again): to whom, by when,
    with a note; refusals beside their fields."""
    code = unit_in_reach(code)
    who = principal()
    assert who is not None
    if who.role not in COMMAND_ROLES[ASSIGN]:
        refuse(
            "role", RoleNotAllowedError(who.role.zh, "交办整改", "assign a gap for rectification")
        )
    z = zhucun()
    today = z.today()
    source = request.form if request.method == "POST" else request.args
    errors: dict[str, str] = {}
    general: list[str] = []
    try:
        kind = gap_type_of(source.get("type") or request.args.get("type", ""))
    except ZhucunError as e:
        kind, errors["type"] = "", e.message(current_language())
    subject = subject_of(source.get("subject") or request.args.get("subject", ""))
    gap = (
        next(
            (g for g in z.gaps(code, kind, today) or [] if g["subject"]["id"] == subject),
            None,
        )
        if kind
        else None
    )
    if gap is not None:
        gap = with_causes(z, code, [gap])[0]
    if gap is None and not errors:
        missing = GapNotFoundError(subject, code, today.isoformat())
        general.append(missing.message(current_language()))
    current = next(
        (
            r
            for r in rectifications(z, code, today, credit=False) or []
            if gap is not None
            and (r["type"], r["subject"]["id"], r["since"])
            == (gap["type"], gap["subject"]["id"], gap["since"])
        ),
        None,
    )
    status = 200
    if request.method == "POST" and gap is not None:
        line = {
            "command": ASSIGN,
            "args": {
                "type": kind,
                "subject": subject,
                "unit": code,
                "assignee": request.form.get("assignee", ""),
                "due_on": request.form.get("due_on", ""),
                "note": request.form.get("note", ""),
            },
            "actor": who.username,
            "role": who.role.value,
            "occurred_on": request.form.get("occurred_on", ""),
            "reason": request.form.get("reason", ""),
        }
        token = request.form.get("token", "")
        if token:
            line["key"] = f"web:{who.username}:{token[:64]}"
        try:
            send_form(line, who)
        except FormRefused as e:
            errors, general = beside_fields(
                e.errors,
                {n: n for n in ASSIGN_LABELS},
                {n: _(label) for n, label in ASSIGN_LABELS.items()},
            )
            status = status_of(e.first)[0]
        else:
            words = _(
                "Assigned for rectification: %(name)s, to %(whom)s, due %(day)s",
                name=gap["subject"]["name"],
                whom=request.form.get("assignee", "").strip(),
                day=fmt_date(request.form.get("due_on", "").strip()),
            )
            listed = url_for("gaps.work_list", code=code)
            flash_recorded(words, _("The list of blind spots"), listed)
            return redirect(listed)
    elif gap is None:
        status = 404 if not errors else 400
    values = (
        request.form
        if request.method == "POST"
        else {
            "occurred_on": today.isoformat(),
            "assignee": current["assignee"] if current else "",
            "due_on": current["due_on"] if current else "",
            "note": current["note"] if current else "",
            "reason": _("Assigned for rectification"),
        }
    )
    return render_template(
        "gaps/assign.html",
        code=code,
        gap=gap,
        kind=kind,
        subject=subject,
        current=current,
        values=values,
        errors=errors,
        general=general,
        today=today,
        token=request.form.get("token") if (errors or general) else uuid4().hex,
        gap_names={k: _(label) for k, label in GAP_LABELS.items()},
        rect_names={k: _(v) for k, v in RECTIFICATION_LABELS.items()},
    ), status


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

    states = {k: _(v) for k, v in RECTIFICATION_LABELS.items()}

    def words(g: dict[str, Any]) -> tuple[str, str, str]:
        c = g["cause"]
        if c.get("event"):
            cause = f"{fmt_date(c['on'])} {events.get(c['event'], '')}"
        elif c["type"] in causes:
            cause = causes[c["type"]] % {"day": fmt_date(c.get("on"))}
        else:
            cause = fmt_date(g["since"])
        state = states[(g.get("rectification") or {}).get("state", "none")]
        return kinds.get(g["type"], g["type"]), cause, state

    headings = [
        *(_("Type"), _("Subject"), _("Unit"), _("Code"), _("Since"), _("Cause"), _("By")),
        *(_("Assigned to"), _("Due"), _("Rectification")),
    ]
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
