"""Assessments on the web (考核): the runs recorded under the account's unit, a run's ranking
of teams with their grades, criticisms and commendations, a team's score broken down by input
with each figure's trace to the events behind it, the replay ("reproduced ✓", or the
difference and the events that made it), and — for the organisation and poverty officials
(city and county administrators) — running and publishing. Team members see their own team's
rows only; auditors replay anything in reach. What is shown is what the run recorded: nothing
in it is ever recomputed for display."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.assessments.replay import replay
from app.bootstrap import BatchRefused
from app.commands import parse_command_line
from app.jurisdiction import COMMAND_ROLES
from domain.account_errors import RoleNotAllowedError
from domain.accounts import Role
from domain.assessments.errors import RunNotFoundError
from domain.assessments.periods import RunKind
from domain.assessments.rules import INPUTS
from domain.base import Meta
from domain.errors import InvalidInputError, ZhucunError
from web.auth import login_required, principal, refuse
from web.dashboard import path_of, unit_in_reach
from web.deps import zhucun
from web.i18n import N_, _, current_language
from web.teams import team_in_reach

bp = Blueprint("assessments", __name__)

KINDS = {"half_year": N_("Half-year check"), "annual": N_("Annual assessment")}
GRADES = {"excellent": N_("Excellent"), "good": N_("Good"), "pass": N_("Pass"), "fail": N_("Fail")}
REASONS = {
    "not_regularly_resident": N_("not regularly resident in the village"),
    "targets_not_met": N_("targets not completed"),
    "poorly_rated": N_("poorly regarded by the villagers"),
}
OFFICIALS = COMMAND_ROLES["publish_assessment_run"]  # who runs and publishes
REPLAYERS = OFFICIALS | {Role.AUDITOR}


def _who() -> Any:
    who = principal()
    assert who is not None
    return who


def _run_in_reach(run_id: str) -> dict[str, Any]:
    """The run as recorded, if its unit is in the account's jurisdiction (403 otherwise); a
    team member's, only when its own team is in it."""
    try:
        key = UUID(run_id)
    except ValueError:
        raise RunNotFoundError(run_id) from None
    shown = zhucun().assessments.show(key)
    who = _who()
    if who.role is Role.TEAM_MEMBER:
        own = [t for t in shown["result"]["teams"] if t["team_id"] == who.team_id]
        if not own:
            abort(404)
        shown["result"] = shown["result"] | {"teams": own}
    else:
        unit_in_reach(shown["unit"])
    return shown


def _grade(team: dict[str, Any]) -> str:
    if team.get("grade") is None:
        return str(_("not assessed"))
    if current_language() == "zh" and team.get("grade_zh"):
        return str(team["grade_zh"])
    return str(_(GRADES[team["grade"]])) if team["grade"] in GRADES else str(team["grade"])


def _input_label(name: str) -> str:
    kind = INPUTS.get(name)
    if kind is None:
        return name
    return kind.zh if current_language() == "zh" else kind.en


def _helpers() -> dict[str, Any]:
    return {
        "grade_of": _grade,
        "input_label": _input_label,
        "kind_label": lambda k: _(KINDS.get(k, k)),
        "reason_label": lambda r: _(REASONS.get(r, r)),
        "may_run": _who().role in OFFICIALS,
        "may_replay": _who().role in REPLAYERS,
    }


def _runs_in_reach() -> list[dict[str, Any]]:
    who = _who()
    runs = zhucun().assessments.runs()
    if who.role is Role.TEAM_MEMBER:
        return [r for r in runs if _team_in_run(r["run_id"], who.team_id)]
    return [r for r in runs if who.covers(path_of(r["unit"]) or "~")]


def grades_by_year(runs: list[dict[str, Any]], unit: str) -> list[dict[str, Any]]:
    """The published annual assessments of ``unit``, oldest first: each year's count of teams
    by grade (the latest published run of a year counts)."""
    by_year: dict[str, dict[str, Any]] = {}
    for r in runs:
        if r["kind"] == "annual" and r["unit"] == unit and r["published"]:
            result = zhucun().assessments.show(UUID(r["run_id"]))["result"]
            by_year[r["period"]] = {
                "year": r["period"],
                "run_id": r["run_id"],
                "by_grade": result["summary"]["by_grade"],
            }
    return [by_year[y] for y in sorted(by_year)]


@bp.get("/assessments")
@login_required
def index() -> str:
    who = _who()
    runs = _runs_in_reach()
    unit = request.args.get("unit", "").strip() or who.unit_code
    if unit != who.unit_code:
        unit = unit_in_reach(unit)
    years = grades_by_year(runs, unit)
    grades = sorted({g for y in years for g in y["by_grade"]}, key=_grade_order)
    return render_template(
        "assessments/index.html",
        runs=runs,
        unit=unit,
        kinds=KINDS,
        years=years,
        grades=grades,
        grade_series=[
            {"name": _grade({"grade": g}), "counts": [y["by_grade"].get(g, 0) for y in years]}
            for g in grades
        ],
        **_helpers(),
    )


def _grade_order(grade: str) -> int:
    order = list(GRADES)
    return order.index(grade) if grade in order else len(order)


@bp.get("/teams/<team_id>/assessments")
@login_required
def team_history(team_id: str) -> str:
    """Every run that assessed the team, oldest first, with its score and grade."""
    t = team_in_reach(team_id)
    rows = []
    for r in _runs_in_reach():
        result = zhucun().assessments.show(UUID(r["run_id"]))["result"]
        found = next((x for x in result["teams"] if x["team_id"] == t["team_id"]), None)
        if found is not None:
            rows.append({"run": r, "team": found})
    return render_template("assessments/team_history.html", t=t, rows=rows, **_helpers())


def _team_in_run(run_id: str, team_id: str | None) -> bool:
    teams = zhucun().assessments.show(UUID(run_id))["result"]["teams"]
    return any(t["team_id"] == team_id for t in teams)


@bp.post("/assessments/run")
@login_required
def run() -> Response:
    """Run an assessment of the teams under a unit (officials, within their jurisdiction)."""
    who = _who()
    if who.role not in OFFICIALS:
        refuse("role", _role_error(who.role, "考核", "run an assessment"))
    form = request.form
    unit = unit_in_reach(form.get("unit", "") or who.unit_code)
    kind_text = form.get("kind", "").strip()
    if kind_text not in KINDS:
        raise InvalidInputError(
            "kind",
            f"考核类别 {kind_text!r} 不对：应为 half_year 或 annual",
            f"kind {kind_text!r} is invalid: half_year or annual",
        )
    z = zhucun()
    meta = Meta(who.username, who.role.value, z.today(), _("Assessment run"), z.clock.now())
    done = z.assessments.run(RunKind(kind_text), form.get("period", "").strip(), unit, None, meta)
    flash(_("The assessment was run and recorded."))
    return redirect(url_for("assessments.show", run_id=done["run_id"]))


def _role_error(role: Role, zh: str, en: str) -> ZhucunError:
    return RoleNotAllowedError(role.zh, zh, en)


@bp.get("/assessments/<run_id>")
@login_required
def show(run_id: str) -> str:
    shown = _run_in_reach(run_id)
    teams = sorted(
        shown["result"]["teams"],
        key=lambda t: (t.get("score") is None, -float(t.get("score") or 0), t["team_name"]),
    )
    return render_template("assessments/run.html", run=shown, teams=teams, **_helpers())


@bp.post("/assessments/<run_id>/publish")
@login_required
def publish(run_id: str) -> Response:
    shown = _run_in_reach(run_id)
    who = _who()
    z = zhucun()
    line = {
        "command": "publish_assessment_run",
        "args": {"run": shown["run_id"]},
        "actor": who.username,
        "role": who.role.value,
        "occurred_on": z.today().isoformat(),
        "reason": _("Publish the assessment"),
    }
    try:
        z.execute([parse_command_line(line)], reach=who.reach())
    except BatchRefused as e:
        raise e.error from None
    flash(_("The assessment was published."))
    return redirect(url_for("assessments.show", run_id=shown["run_id"]))


@bp.get("/assessments/<run_id>/teams/<team_id>")
@login_required
def team(run_id: str, team_id: str) -> str:
    shown = _run_in_reach(run_id)
    found = next((t for t in shown["result"]["teams"] if t["team_id"] == team_id), None)
    if found is None:
        abort(404)
    weights = {w["input"]: w["weight"] for w in shown["result"]["rules"]["content"]["inputs"]}
    return render_template(
        "assessments/team.html", run=shown, team=found, weights=weights, **_helpers()
    )


@bp.get("/assessments/<run_id>/teams/<team_id>/trace/<name>")
@login_required
def trace(run_id: str, team_id: str, name: str) -> str:
    shown = _run_in_reach(run_id)
    member = request.args.get("member", "").strip() or None
    traced = zhucun().assessments.explain(
        UUID(shown["run_id"]), UUID(team_id), name, UUID(member) if member else None
    )
    return render_template(
        "assessments/trace.html", run=shown, traced=traced, name=name, **_helpers()
    )


@bp.post("/assessments/<run_id>/replay")
@login_required
def replay_run(run_id: str) -> str:
    """Recompute the run: as it was (reproduced or not), or with everything known now."""
    shown = _run_in_reach(run_id)
    if _who().role not in REPLAYERS:
        refuse("role", _role_error(_who().role, "复算考核", "replay an assessment"))
    known_now = request.form.get("mode") == "known_now"
    found = replay(zhucun().assessments, UUID(shown["run_id"]), known_now=known_now)
    return render_template("assessments/replay.html", run=shown, replayed=found, **_helpers())
