"""The recording forms: each sends the ordinary ``apply`` command (web/record_forms.py) through
the facade, with the account as actor (its username, its role). The web holds no business
rule: the domain refuses, and its refusal is shown beside the field it names, in the page's
language; a refused command writes nothing. Who may use a form, and on which unit or team, is
checked here (role, jurisdiction: web/auth.py). A form carries a one-time token sent as the
command's idempotency ``key``, so a form sent twice is recorded once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from app.args import FULL_WIDTH_DIGITS
from app.bootstrap import BatchRefused
from app.commands import parse_command_line
from domain.account_errors import OutsideJurisdictionError, RoleNotAllowedError
from domain.errors import InvalidInputError, ZhucunError
from domain.residency import LeaveRequest, LeaveStatus
from projections import queries, record_queries
from web.auth import login_required, principal, refuse, require_unit
from web.dashboard import read
from web.deps import unit_code, zhucun
from web.errors import status_of
from web.i18n import _, current_language, in_chinese
from web.record_forms import DECISIONS, FORMS, SITE_KINDS, FormSpec
from web.teams import team_in_reach

bp = Blueprint("records", __name__)
CHECKIN_CADRE = "checkin_cadre"  # the member a team member last checked in as
REFUSALS = (OutsideJurisdictionError, RoleNotAllowedError)  # 403 pages, never beside a field


# -- who may ------------------------------------------------------------------------------------


def spec_for(name: str, scope: str) -> FormSpec:
    spec = FORMS.get(name)
    if spec is None or spec.scope != scope:
        abort(404)
    who = principal()
    assert who is not None
    if who.role not in spec.roles:
        with in_chinese():
            title_zh = _(spec.title)
        refuse("role", RoleNotAllowedError(who.role.value, title_zh, spec.title.lower()))
    return spec


def allowed(scope: str, level: str | None = None) -> list[FormSpec]:
    who = principal()
    if who is None:
        return []
    return [
        f
        for f in FORMS.values()
        if f.scope == scope and who.role in f.roles and (level is None or level in f.levels)
    ]


def team_actions(team_id: str) -> list[tuple[str, str]]:
    """The forms the account may use on a team's page: (label, address)."""
    return [
        (_(f.title), url_for("records.team_form", team_id=team_id, form=f.name))
        for f in allowed("team")
    ]


# -- what a form offers -------------------------------------------------------------------------


def _roster_members(team: dict[str, Any], day: date) -> list[dict[str, str]]:
    """The team's members on the form's day."""
    z = zhucun()
    roster = next(
        (r for r in z.teams(team["village"], day) or [] if r["team_id"] == team["team_id"]),
        None,
    )
    return [{"value": m["cadre_id"], "label": m["name"]} for m in (roster or {}).get("members", [])]


def _pending_leave(team: dict[str, Any], day: date) -> list[dict[str, str]]:
    z = zhucun()
    names = {m["value"]: m["label"] for m in _roster_members(team, day)}
    out = []
    for leave_id in read(record_queries.pending_leave, team["team_id"]):
        lr: Any = z.store.repository.get(UUID(leave_id))
        if not isinstance(lr, LeaveRequest) or lr.status is not LeaveStatus.PENDING:
            continue
        days = (lr.last_day - lr.first_day).days + 1
        who = names.get(str(lr.cadre_id), str(lr.cadre_id))
        label = f"{who} {lr.first_day.isoformat()} – {lr.last_day.isoformat()} ({days})"
        out.append({"value": leave_id, "label": label})
    return out


def _labels(table: dict[str, str]) -> list[dict[str, str]]:
    return [{"value": k, "label": _(v)} for k, v in table.items()]


def _village_on_day(ctx: dict[str, Any], kind: str) -> list[dict[str, str]]:
    """The village's groups, households, party members or central households on the form's
    day, read once per page."""
    if not ctx["village"]:
        return []
    if "on_day" not in ctx:
        ctx["on_day"] = read(record_queries.choices_on, ctx["village"], ctx["day"], zhucun().rules)
    return list(ctx["on_day"][kind])


CHOICES: dict[str, Callable[[dict[str, Any]], list[dict[str, str]]]] = {
    "groups": lambda c: _village_on_day(c, "groups"),
    "households": lambda c: _village_on_day(c, "households"),
    "party_members": lambda c: _village_on_day(c, "party_members"),
    "central_households": lambda c: _village_on_day(c, "central_households"),
    "site_kinds": lambda c: _labels(SITE_KINDS),
    "decisions": lambda c: _labels(DECISIONS),
    "members": lambda c: _roster_members(c["team"], c["day"]),
    "pending_leave": lambda c: _pending_leave(c["team"], c["day"]),
}


def form_day(spec: FormSpec, ctx: dict[str, Any], form: dict[str, str]) -> date:
    """The day whose state the choices show: the form's day (sent, or ``?occurred_on=`` on
    the first view), today for a form of today only. A day that is not one, or is after
    today, is refused beside the field when sent; the choices then stay those of today."""
    today: date = ctx["today"]
    if spec.today_only:
        return today
    text = (form.get("occurred_on") or request.args.get("occurred_on", "")).strip()
    if not text:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or day > today:
        if request.method == "POST":
            return today
        raise InvalidInputError(
            "occurred_on",
            f"日期 {text!r} 不对：应为不晚于今天的 YYYY-MM-DD",
            f"date {text!r} is invalid: YYYY-MM-DD, not after today",
        )
    return day


# -- sending ------------------------------------------------------------------------------------


def command_line(spec: FormSpec, ctx: dict[str, Any], form: dict[str, str]) -> Any:
    """The apply line the form stands for, read as ``zhucun apply`` reads it."""
    who = principal()
    assert who is not None
    args: dict[str, Any] = {}
    for f in spec.fields:
        value = form.get(f.name, "")
        if f.name == "decision" or not value.strip():
            continue
        args[f.name] = _typed(f.kind, value)
    if "unit" in spec.extra:
        args["unit"] = ctx["code"]
    command = spec.command
    if command == "decide_leave":
        decision = form.get("decision", "").strip().lower()
        if decision not in DECISIONS:
            raise InvalidInputError("decision", "请选择批准或驳回", "choose approve or reject")
        command = spec.extra[decision]
    token = form.get("token", "")
    line: dict[str, Any] = {
        "command": command,
        "args": args,
        "actor": who.username,
        "role": who.role.value,
        "occurred_on": ctx["today"].isoformat() if spec.today_only else form.get("occurred_on"),
        "reason": form.get("reason", ""),
    }
    if token:
        line["key"] = f"web:{who.username}:{token[:64]}"
    return parse_command_line(line)


def _typed(kind: str, value: str) -> Any:
    """A number field's text as a number when it reads as one (full-width digits read as
    digits); otherwise the text as sent, which the command refuses by the field's label
    ("latitude (lat) must be a number"). Text is passed as typed: the command normalises it
    once, and checks what it will use."""
    if kind in ("number", "decimal"):
        text = value.strip().translate(FULL_WIDTH_DIGITS)
        if kind == "number" and text.isascii() and text.isdigit():
            return int(text)
        text = text.replace(",", ".").replace("−", "-")  # a decimal comma, a typeset minus
        if kind == "decimal" and text.isascii():
            try:
                return float(text)
            except ValueError:
                return value
    return value


def handle(spec: FormSpec, ctx: dict[str, Any], done: str) -> Response | tuple[str, int]:
    """Show the form, or send it; ``refresh`` in the form (the button beside the day) only
    shows the form again with the choices of the day chosen, and writes nothing."""
    who = principal()
    assert who is not None
    form = {k: v for k, v in request.form.items()}
    errors: dict[str, str] = {}
    general: list[str] = []
    status = 200
    ctx["day"] = form_day(spec, ctx, form)
    if request.method == "POST" and not form.get("refresh"):
        try:
            result = zhucun().execute([command_line(spec, ctx, form)], reach=who.reach())
        except (BatchRefused, ZhucunError) as e:
            error = e.error if isinstance(e, BatchRefused) else e
            if isinstance(error, REFUSALS):  # a 403 page, recorded; never beside a field
                refuse("role" if isinstance(error, RoleNotAllowedError) else "jurisdiction", error)
            text = error.message(current_language())
            shown = {f.name for f in spec.fields} | {"reason", "occurred_on"}
            if error.field in shown:
                errors[error.field] = text
            else:
                general.append(text)
            status = status_of(error)[0]
        else:
            if spec.name == "check-in":
                session[CHECKIN_CADRE] = form.get("cadre", "")
            if result.skipped:
                flash(_("This form had already been sent: it was recorded once."))
            else:
                flash(_("Recorded: %(what)s", what=_(spec.title)))
            return redirect(done)
    values = form or {
        "occurred_on": ctx["day"].isoformat(),
        "reason": _(spec.reason),
        "cadre": session.get(CHECKIN_CADRE, ""),
    }
    choices = {f.name: CHOICES[f.choices](ctx) for f in spec.fields if f.choices}
    keep_token = errors or general or form.get("refresh")
    return render_template(
        "records/form.html",
        spec=spec,
        ctx=ctx,
        values=values,
        errors=errors,
        general=general,
        choices=choices,
        token=form.get("token") if keep_token else uuid4().hex,
    ), status


# -- routes -------------------------------------------------------------------------------------


def unit_context(code: str) -> dict[str, Any]:
    code = unit_code(code, field="code")
    require_unit(code, field="code")
    today = zhucun().today()
    found = read(queries.unit_row, code)
    if found is None:
        abort(404)
    level = str(found["level"])
    village = code[:12] if level in ("village", "group") else None
    return {"code": code, "name": found["name"], "level": level, "village": village, "today": today}


@bp.get("/units/<code>/record")
@login_required
def unit_index(code: str) -> str:
    ctx = unit_context(code)
    return render_template("records/index.html", ctx=ctx, forms=allowed("unit", ctx["level"]))


@bp.route("/units/<code>/record/<form>", methods=["GET", "POST"])
@login_required
def unit_form(code: str, form: str) -> Response | tuple[str, int]:
    ctx = unit_context(code)
    spec = spec_for(form, "unit")
    if ctx["level"] not in spec.levels:
        abort(404)
    ctx["team"] = None
    ctx["back"] = url_for("dashboard.unit", code=ctx["code"])
    return handle(spec, ctx, url_for("records.unit_form", code=ctx["code"], form=form))


@bp.route("/teams/<team_id>/record/<form>", methods=["GET", "POST"])
@login_required
def team_form(team_id: str, form: str) -> Response | tuple[str, int]:
    team = team_in_reach(team_id)
    spec = spec_for(form, "team")
    today: date = zhucun().today()
    ctx = {
        "code": team["village"],
        "name": team["name"],
        "level": "village",
        "village": team["village"],
        "today": today,
        "team": team,
        "back": url_for("teams.team", team_id=team["team_id"]),
    }
    return handle(spec, ctx, url_for("teams.team", team_id=team["team_id"]))


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"team_actions": team_actions}
