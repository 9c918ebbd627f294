"""The recording forms: each sends the ordinary ``apply`` command (web/record_forms.py) through
the facade, with the account as actor (its username, its role). The web holds no business
rule: the domain refuses, and its refusal is shown beside the field it names, in the page's
language; a refused command writes nothing. Who may use a form, and on which unit or team, is
checked here (role, jurisdiction: web/auth.py). A form carries a one-time token sent as the
command's idempotency ``key``, so a form sent twice is recorded once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.args import FULL_WIDTH_DIGITS
from app.choices import SHOWN_AT_MOST, narrowed
from app.commands import every_refusal, parse_command_line
from domain.account_errors import RoleNotAllowedError
from domain.accounts import Role
from domain.errors import InvalidInputError, ZhucunError
from domain.residency import LeaveRequest, LeaveStatus
from projections import queries, record_queries
from web.auth import login_required, principal, refuse, require_unit
from web.dashboard import read
from web.deps import unit_code, zhucun
from web.errors import status_of
from web.form_errors import FormRefused, beside_fields, flash_recorded, form_refusals
from web.i18n import _, current_language, in_chinese
from web.ledger_choices import LEDGER_CHOICES
from web.page_cache import cached
from web.record_forms import DECISIONS, FORMS, REPORT_BODIES, SITE_KINDS, Field, FormSpec
from web.teams import team_in_reach

bp = Blueprint("records", __name__)
CHECKIN_CADRE = "checkin_cadre"  # the member a team member last checked in as


# -- who may ------------------------------------------------------------------------------------


def spec_for(name: str, scope: str, forms: dict[str, FormSpec] = FORMS) -> FormSpec:
    spec = forms.get(name)
    if spec is None or spec.scope != scope:
        abort(404)
    who = principal()
    assert who is not None
    if who.role not in spec.roles:
        with in_chinese():
            title_zh = _(spec.title)
        refuse("role", RoleNotAllowedError(who.role.value, title_zh, spec.title.lower()))
    return spec


def allowed(
    scope: str, level: str | None = None, forms: dict[str, FormSpec] = FORMS
) -> list[FormSpec]:
    who = principal()
    if who is None:
        return []
    return [
        f
        for f in forms.values()
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


def _inspectors(team: dict[str, Any]) -> list[dict[str, str]]:
    """The registered cadres of units other than the one that dispatched the team."""
    return [
        {"value": c["cadre_id"], "label": f"{c['name']}（{c['unit_name']}）"}
        for c in zhucun().assessments.inspectors_for(team["unit"])
    ]


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
        # Kept like a unit page's pieces (web/page_cache.py): the form's page and its sending
        # read the same village on the same day, and a check-in elsewhere changes neither.
        z, village, day = zhucun(), ctx["village"], ctx["day"]
        ctx["on_day"] = cached(
            z,
            ("choices", village, day),
            day,
            lambda: read(record_queries.choices_on, village, day, z.rules),
        )
    return list(ctx["on_day"][kind])


CHOICES: dict[str, Callable[[dict[str, Any]], list[dict[str, str]]]] = {
    "groups": lambda c: _village_on_day(c, "groups"),
    "households": lambda c: _village_on_day(c, "households"),
    "party_members": lambda c: _village_on_day(c, "party_members"),
    "central_households": lambda c: _village_on_day(c, "central_households"),
    "unlinked_households": lambda c: _village_on_day(c, "unlinked_households"),
    "linked_households": lambda c: _village_on_day(c, "linked_households"),
    "undesignated_party_members": lambda c: _village_on_day(c, "undesignated_party_members"),
    "site_kinds": lambda c: _labels(SITE_KINDS),
    "decisions": lambda c: _labels(DECISIONS),
    "members": lambda c: _roster_members(c["team"], c["day"]),
    "inspectors": lambda c: _inspectors(c["team"]),
    "report_bodies": lambda c: _labels(REPORT_BODIES),
    "pending_leave": lambda c: _pending_leave(c["team"], c["day"]),
    **LEDGER_CHOICES,
}


# The choices picked by typing (a name, its pinyin or initials) rather than from a long list:
# households, party members, central households and team members (docs/adr/037).
SEARCHED = frozenset(
    {
        "households",
        "unlinked_households",
        "linked_households",
        "party_members",
        "undesignated_party_members",
        "central_households",
        "members",
        "inspectors",
    }
)


def form_day(spec: FormSpec, ctx: dict[str, Any], form: Mapping[str, str]) -> date:
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


Prepare = Callable[[dict[str, Any]], None]


def _own_cadre(spec: FormSpec, who: Any) -> str | None:
    """The cadre a team member's account is, on a form that names a team member: the form
    records that cadre and does not ask (users bind)."""
    named = any(f.name == "cadre" for f in spec.fields)
    if named and who.role is Role.TEAM_MEMBER and who.cadre_id:
        return str(who.cadre_id)
    return None


def _own_cadre_name(ctx: dict[str, Any], cadre: str) -> str:
    members = {m["value"]: m["label"] for m in _roster_members(ctx["team"], ctx["day"])}
    return members.get(cadre, cadre)


def command_line(
    spec: FormSpec, ctx: dict[str, Any], form: MultiDict[str, str], prepare: Prepare | None = None
) -> tuple[dict[str, Any], list[ZhucunError]]:
    """The apply line the form stands for, as ``zhucun apply`` would be sent it, and what
    the form itself refuses (a decision neither approve nor reject). ``prepare`` (a page's
    own step) sees the arguments first: it may add to them (a file uploaded, kept by its
    hash) or refuse them by a named error, before anything is written."""
    who = principal()
    assert who is not None
    refused: list[ZhucunError] = []
    args: dict[str, Any] = {}
    for f in spec.fields:
        if f.name != "decision":
            args |= field_args(f, form)
    if "unit" in spec.extra:
        args["unit"] = ctx["code"]
    if "village" in spec.extra:
        args["village"] = ctx["village"]
    if "team" in spec.extra:
        args["team"] = ctx["team"]["team_id"]
    if "votes" in spec.extra:
        args["votes"] = {n: args.pop(n) for n in spec.extra["votes"].split() if n in args}
    if _own_cadre(spec, who) is not None:
        args["cadre"] = who.cadre_id  # the account is the cadre: whatever the form holds
    command = spec.command
    if command == "decide_leave":
        decision = form.get("decision", "").strip().lower()
        if decision in DECISIONS:
            command = spec.extra[decision]
        else:
            refused.append(
                InvalidInputError("decision", "请选择批准或驳回", "choose approve or reject")
            )
            command = spec.extra["approve"]  # read as one, to find the other refusals too
    if prepare is not None:
        try:
            prepare(args)
        except ZhucunError as e:
            refused.append(e)
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
    return line, refused


def field_args(f: Field, form: MultiDict[str, str]) -> dict[str, Any]:
    """The arguments a field gives: none for a blank one; a list for ``many`` and ``rows``
    (a row counts when anything in it is filled in)."""
    if f.kind == "rows":
        return {f.name: [row for i in row_numbers(f, form) if (row := _row(f, form, i))]}
    if f.kind == "many":
        ticked = [v for v in form.getlist(f.name) if v.strip()]
        return {f.name: ticked} if ticked else {}
    if f.kind == "check":
        return {f.name: True} if form.get(f.name) else {}
    value = form.get(f.name, "")
    if not value.strip():
        return {}
    if f.sends:  # "<plan>|<item>": the parts in order, any missing one empty
        parts = value.split("|", len(f.sends) - 1)
        return dict(zip(f.sends, parts + [""] * (len(f.sends) - len(parts)), strict=True))
    return {f.name: _typed(f.kind, value)}


def row_numbers(f: Field, form: MultiDict[str, str]) -> list[int]:
    """The rows of a ``rows`` field the form holds (``items-0-key``...), in order."""
    found = {k.split("-")[1] for k in form if k.startswith(f"{f.name}-") and k.count("-") == 2}
    return sorted(int(n) for n in found if n.isascii() and n.isdigit() and len(n) < 4)


def rows_shown(f: Field, values: MultiDict[str, Any], more: bool) -> int:
    """How many rows a ``rows`` field shows: those filled in and two empty ones (at least
    three); with "more rows", two more than were shown."""
    numbers = row_numbers(f, values)
    filled = [
        i
        for i in numbers
        if any(str(values.get(f"{f.name}-{i}-{c.name}", "")).strip() for c in f.columns)
    ]
    shown = max(3, (max(filled) + 1 if filled else 0) + 2)
    return max(shown, len(numbers) + 2) if more else shown


def _row(f: Field, form: MultiDict[str, str], i: int) -> dict[str, Any]:
    raw = {c.name: form.get(f"{f.name}-{i}-{c.name}", "") for c in f.columns}
    if not any(v.strip() for v in raw.values()):
        return {}
    row: dict[str, Any] = {}
    for c in f.columns:
        given = field_args(c, MultiDict({c.name: raw[c.name]}))
        row |= {n: given.get(n, "") for n in (c.sends or (c.name,))}
    return row


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


def handle(
    spec: FormSpec, ctx: dict[str, Any], done: str, prepare: Prepare | None = None
) -> Response | tuple[str, int]:
    """Show the form, or send it; ``refresh`` in the form (the button beside the day) only
    shows the form again with the choices of the day chosen, and writes nothing."""
    who = principal()
    assert who is not None
    form = request.form
    errors: dict[str, str] = {}
    general: list[str] = []
    status = 200
    ctx["day"] = form_day(spec, ctx, form)
    if request.method == "POST" and not form.get("refresh"):
        line, refused = command_line(spec, ctx, form, prepare)
        try:
            with form_refusals([*refused, *every_refusal(line)]):
                words = recorded_words(spec, ctx, form)  # the choices as offered, before writing
                result = zhucun().execute([parse_command_line(line)], reach=who.reach())
        except FormRefused as e:
            beside = {n: f.name for f in spec.fields for n in (f.name, *f.sends)}
            beside |= {"reason": "reason", "occurred_on": "occurred_on"}
            if "votes" in spec.extra:  # the votes as a whole: beside the first count
                beside["votes"] = spec.extra["votes"].split()[0]
            for name, fields in spec.beside.items():
                text = e.first.message(current_language())
                beside[name] = _holding(spec, ctx, form, fields.split(), text)
            errors, general = beside_fields(e.errors, beside, _labels_of(spec))
            status = status_of(e.first)[0]
        else:
            if spec.name == "check-in":
                session[CHECKIN_CADRE] = form.get("cadre", "")
            if result.skipped:
                flash(_("This form had already been sent: it was recorded once."))
            else:
                page, href = where_it_shows(spec, ctx, line["args"], result.results)
                flash_recorded(words, page, href)
            return redirect(done)
    values = form or MultiDict(
        {
            "occurred_on": ctx["day"].isoformat(),
            "reason": _(spec.reason),
            "cadre": session.get(CHECKIN_CADRE, ""),
            **{
                n: request.args[n]
                for f in spec.fields
                for n in (f.name, f"{f.name}-q")
                if n in request.args
            },
            **ctx.get("defaults", {}),
        }
    )
    every = [*spec.fields, *(c for f in spec.fields for c in f.columns)]
    choices = {f.name: CHOICES[f.choices](ctx) for f in every if f.choices}
    typed = {f.name: values.get(f"{f.name}-q", "") for f in every if f.choices in SEARCHED}
    wanted = request.args.get("options", "")
    if request.method == "GET" and wanted in typed:  # the type-ahead asks for its matches
        text = request.args.get(f"{wanted}-q", "")
        asked = next(f for f in every if f.name == wanted)
        ticked = tuple(request.args.getlist(wanted))  # a list of ticks keeps those ticked
        return render_template(
            "records/_ticks.html" if asked.kind == "many" else "records/_options.html",
            f=asked,
            options=narrowed(choices[wanted], text, ticked),
            ticked=ticked,
            typed=text.strip(),
        ), 200
    # A short list stays a list; a long one (or one already searched) gets the search box.
    totals = {name: len(choices[name]) for name in typed}
    for name, q in typed.items():
        choices[name] = narrowed(choices[name], q, tuple(values.getlist(name)))
    typeahead = {
        name: {"q": q, "total": totals[name], "shown": len(choices[name])}
        for name, q in typed.items()
        if q.strip() or totals[name] > SHOWN_AT_MOST
    }
    more = form.get("refresh") == "rows"
    rows = {f.name: rows_shown(f, values, more) for f in spec.fields if f.columns}
    keep_token = errors or general or form.get("refresh")
    own = _own_cadre(spec, who)
    return render_template(
        "records/form.html",
        spec=spec,
        ctx=ctx,
        own_cadre=_own_cadre_name(ctx, own) if own else None,
        values=values,
        errors=errors,
        general=general,
        choices=choices,
        typeahead=typeahead,
        rows=rows,
        token=form.get("token") if keep_token else uuid4().hex,
    ), status


def _group_label(code: str) -> str:
    """A villager group as the form offers it: its name (its code)."""
    # Normalised as the command reads it: full-width digits are the same code.
    row = read(queries.unit_row, code.strip().translate(FULL_WIDTH_DIGITS))
    return f"{row['name']} ({row['code']})" if row else code


def recorded_words(spec: FormSpec, ctx: dict[str, Any], form: MultiDict[str, str]) -> str:
    """What was recorded, in words of the page's language: the form's title, then each field
    filled in by its label and what it holds (a choice by its label, long text cut short)."""
    parts = []
    for f in spec.fields:
        own = f.name == "cadre" and _own_cadre(spec, principal()) is not None
        if f.private or own or f.kind in ("rows", "file"):
            continue
        sent = [v for v in form.getlist(f.name) if v.strip()]
        if not sent:
            continue
        if f.choices == "groups" and "on_day" not in ctx:
            said = ", ".join(_group_label(v) for v in sent)  # not the whole village for a name
        elif f.choices:
            offered = {c["value"]: c["label"] for c in CHOICES[f.choices](ctx)}
            said = ", ".join(offered.get(v, v) for v in sent)
        elif f.kind == "check":
            said = _("yes")
        else:
            said = sent[0].strip()
        said = said if len(said) <= 40 else said[:39] + "…"
        parts.append((_(f.label), said))
    title = _(spec.title)
    if parts and current_language() == "zh":
        title += "（" + "；".join(f"{label}：{said}" for label, said in parts) + "）"
    elif parts:
        title += " (" + "; ".join(f"{label}: {said}" for label, said in parts) + ")"
    return str(_("Recorded: %(what)s", what=title))


def where_it_shows(
    spec: FormSpec, ctx: dict[str, Any], args: dict[str, Any], results: list[dict[str, Any]]
) -> tuple[str, str]:
    """The page where what was just recorded shows, by its name and address: the household's
    (one chosen, or the one registered), the party member's, the team's, else the unit's."""
    if spec.scope == "ledger":
        return _("The village's ledger"), ctx["back"]
    done = {k: v for r in results if isinstance(r, dict) for k, v in r.items()}
    household = args.get("household") or (
        done.get("household") if spec.command == "register_household" else None
    )
    if household and spec.scope == "unit":
        return _("The household's page"), url_for("history.household", household_id=household)
    if args.get("party_member") and spec.scope == "unit":
        page = url_for("history.subject", subject=args["party_member"])
        return _("The party member's history"), page
    if ctx.get("team"):
        return _("The team's page"), url_for("teams.team", team_id=ctx["team"]["team_id"])
    return _("The unit's page"), url_for("dashboard.unit", code=ctx["code"])


def record_links(code: str, skip: tuple[str, ...] = (), **known: str) -> list[tuple[str, str]]:
    """The unit forms the account may use on what a page shows (a household, a party member,
    a central household of the unit ``code``), each opened with it chosen: (label, address)."""
    row = read(queries.unit_row, code)
    if row is None:
        return []
    out = []
    for f in allowed("unit", str(row["level"])):
        given: dict[str, Any] = {
            k: v for k, v in known.items() if any(x.name == k for x in f.fields)
        }
        if given and f.name not in skip:
            out.append((_(f.title), url_for("records.unit_form", code=code, form=f.name, **given)))
    return out


def _labels_of(spec: FormSpec) -> dict[str, str]:
    """Each field of the form by its label on the page."""
    labels = {f.name: _(f.label) for f in spec.fields}
    return labels | {"reason": _("Reason"), "occurred_on": _("Happened on")}


def _holding(
    spec: FormSpec, ctx: dict[str, Any], form: MultiDict[str, str], fields: list[str], text: str
) -> str:
    """Of ``fields`` (lists ticked), the one holding the cadre a refusal names: one whose
    name is in the refusal, or one not offered at all; else the first."""
    by_name = {f.name: f for f in spec.fields}
    for name in fields:
        offered = {c["value"]: c["label"] for c in CHOICES[by_name[name].choices](ctx)}
        ticked = [v for v in form.getlist(name) if v.strip()]
        if any(v not in offered or offered[v] in text for v in ticked):
            return name
    return fields[0]


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
    if ctx["level"] == "group":  # opened from a group's page: that group
        ctx["defaults"] = {f.name: ctx["code"] for f in spec.fields if f.group_page}
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
    return {"team_actions": team_actions, "record_links": record_links}
