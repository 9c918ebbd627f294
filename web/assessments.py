"""Assessments on the web (考核): the runs recorded under the account's unit, a run's ranking
of teams with their grades, criticisms and commendations, a team's score broken down by input
with each figure's trace to the events behind it, the replay ("reproduced ✓", or the
difference and the events that made it), and — for the organisation and poverty officials
(city and county administrators) — running and publishing, and deciding what a published run
proposes (accept, amend or reject, each refusal beside its field). A unit's latest published
run names its criticised and commended teams on the runs list; a team's spot checks are listed
with its assessments. Team members see their own team's rows only; auditors replay anything
in reach. What is shown is what the run recorded: nothing
in it is ever recomputed for display."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from app.assessments.replay import replay
from app.bootstrap import BatchRefused
from app.commands import parse_command_line
from app.jurisdiction import COMMAND_ROLES
from domain.account_errors import OutsideJurisdictionError, RoleNotAllowedError
from domain.accounts import Role
from domain.assessments.errors import RunNotFoundError
from domain.assessments.periods import RunKind
from domain.assessments.rules import INPUTS
from domain.base import Meta
from domain.errors import InvalidInputError, ZhucunError
from domain.ledger.errors import EvidenceFileNotFoundError
from web.auth import login_required, principal, refuse
from web.dashboard import path_of, unit_in_reach
from web.deps import zhucun
from web.errors import status_of
from web.form_errors import FormRefused, beside_fields, flash_recorded, send_form
from web.i18n import N_, _, current_language
from web.ledger import send_stored, upload
from web.record_forms import REPORT_BODIES, WRITTEN_REPORT
from web.records import handle, spec_for
from web.teams import team_in_reach

bp = Blueprint("assessments", __name__)

KINDS = {"half_year": N_("Half-year check"), "annual": N_("Annual assessment")}
GRADES = {"excellent": N_("Excellent"), "good": N_("Good"), "pass": N_("Pass"), "fail": N_("Fail")}
REASONS = {
    "not_regularly_resident": N_("not regularly resident in the village"),
    "targets_not_met": N_("targets not completed"),
    "poorly_rated": N_("poorly regarded by the villagers"),
}
PROPOSALS = {
    "commendation": N_("Circulated commendation"),
    "priority_posting": N_("Priority posting or promotion"),
    "criticism": N_("Circulated criticism"),
    "extension": N_("Extension of the assistance term"),
}
OUTCOMES = {"accepted": N_("Accept"), "amended": N_("Amend"), "rejected": N_("Reject")}
DECIDED = {"accepted": N_("Accepted"), "amended": N_("Amended"), "rejected": N_("Rejected")}
OFFICIALS = COMMAND_ROLES["publish_assessment_run"]  # who runs and publishes
DECIDERS = COMMAND_ROLES["decide_assessment_proposal"]  # who decides what a run proposes
REPLAYERS = OFFICIALS | {Role.AUDITOR}


def _who() -> Any:
    who = principal()
    assert who is not None
    return who


def run_in_reach(run_id: str) -> dict[str, Any]:
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
        if not own:  # a run without the member's team: outside its reach, recorded
            refuse("jurisdiction", OutsideJurisdictionError(shown["unit"], who.unit_code))
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
        "proposal_label": lambda k: _(PROPOSALS.get(k, k)),
        "decided_label": lambda o: _(DECIDED.get(o, o)),
        "outcomes": OUTCOMES,
        "reasons": REASONS,
        "anchor": _anchor,
        "may_run": _who().role in OFFICIALS,
        "may_decide": _who().role in DECIDERS,
        "may_replay": _who().role in REPLAYERS,
    }


def runs_in_reach() -> list[dict[str, Any]]:
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
    return _index()


def _index(errors: dict[str, str] | None = None) -> str:
    """The runs page; ``errors`` a refused run's messages beside the run form's fields."""
    who = _who()
    runs = runs_in_reach()
    unit = request.args.get("unit", "").strip() or who.unit_code
    if unit != who.unit_code:
        unit = unit_in_reach(unit)
    years = grades_by_year(runs, unit)
    grades = sorted({g for y in years for g in y["by_grade"]}, key=_grade_order)
    return render_template(
        "assessments/index.html",
        runs=runs,
        unit=unit,
        latest=latest_outcome(runs, unit),
        kinds=KINDS,
        run_errors=errors or {},
        years=years,
        grades=grades,
        grade_series=[
            {"name": _grade({"grade": g}), "counts": [y["by_grade"].get(g, 0) for y in years]}
            for g in grades
        ],
        **_helpers(),
    )


def latest_outcome(runs: list[dict[str, Any]], unit: str) -> dict[str, Any] | None:
    """The unit's latest published run (by period, then when run) and its criticised and
    commended teams, each with the decision on its proposal if one was made."""
    published = [r for r in runs if r["unit"] == unit and r["published"]]
    if not published:
        return None
    last = max(published, key=lambda r: (r["period"][:4], r["kind"] == "annual", r["position"]))
    key = UUID(last["run_id"])
    result = zhucun().assessments.show(key)["result"]
    decided = {
        p["proposal"]: p["decision"] for p in zhucun().assessments.proposals(key)["proposals"]
    }
    criticised = [
        {
            "team": t,
            "reasons": [
                {"reason": c["reason"], "decision": decided.get(_key("criticism", t, c))}
                for c in t["criticisms"]
            ],
        }
        for t in result["teams"]
        if t["criticisms"]
    ]
    commended = [
        {"team": t, "decision": decided.get(f"commendation:{t['team_id']}")}
        for t in result["teams"]
        if t.get("commended")
    ]
    return {"run": last, "criticised": criticised, "commended": commended}


def _key(kind: str, team: dict[str, Any], criticism: dict[str, Any]) -> str:
    return f"{kind}:{team['team_id']}:{criticism['reason']}"


def _anchor(proposal: str) -> str:
    """An element id for a proposal's key (``criticism:<team>:<reason>``)."""
    return "proposal-" + proposal.replace(":", "-")


def _grade_order(grade: str) -> int:
    order = list(GRADES)
    return order.index(grade) if grade in order else len(order)


@bp.get("/teams/<team_id>/assessments")
@login_required
def team_history(team_id: str) -> str:
    """Every run that assessed the team, oldest first, with its score and grade."""
    t = team_in_reach(team_id)
    who = _who()
    return render_template(
        "assessments/team_history.html",
        t=t,
        **team_assessments(t),
        body_label=lambda body: _(REPORT_BODIES.get(body, body)),
        may_report=who.role in WRITTEN_REPORT.roles,
        **_helpers(),
    )


def team_assessments(t: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A team in reach (``team_in_reach``): every run in reach that assessed it, oldest
    first, with its result; its spot checks; its written reports. For the team's
    assessments page and the API alike."""
    rows = []
    for r in runs_in_reach():
        result = zhucun().assessments.show(UUID(r["run_id"]))["result"]
        found = next((x for x in result["teams"] if x["team_id"] == t["team_id"]), None)
        if found is not None:
            rows.append({"run": r, "team": found})
    key = UUID(t["team_id"])
    return {
        "rows": rows,
        "checks": zhucun().assessments.team_spot_checks(key),
        "reports": zhucun().assessments.team_reports(key),
    }


@bp.route("/teams/<team_id>/assessments/report", methods=["GET", "POST"])
@login_required
def written_report(team_id: str) -> Response | tuple[str, int]:
    """述职评议's written report: the year, the bodies it went to, its title and the
    document, uploaded and kept by the SHA-256 of its bytes (as the ledger's evidence is),
    which the command then cites. Refusals beside their fields; nothing written."""
    t = team_in_reach(team_id)
    spec = spec_for(WRITTEN_REPORT.name, "team", {WRITTEN_REPORT.name: WRITTEN_REPORT})
    page = url_for("assessments.team_history", team_id=t["team_id"])
    ctx = {
        "code": t["village"],
        "name": t["name"],
        "level": "village",
        "village": t["village"],
        "today": zhucun().today(),
        "team": t,
        "back": page,
    }

    def prepare(args: dict[str, Any]) -> None:
        upload(args, t["village"])
        if "file" in args:
            args["document_sha256"] = args.pop("file")
        args.pop("file_name", None)
        args.pop("media_type", None)

    return handle(spec, ctx, page, prepare)


@bp.get("/teams/<team_id>/assessments/reports/<sha256>")
@login_required
def report_document(team_id: str, sha256: str) -> Response:
    """A written report's document, its bytes checked against their hash; only one the
    team's reports cite. The read is recorded as an export by the account."""
    return report_sent(team_in_reach(team_id), sha256, "web")


def report_sent(t: dict[str, Any], sha256: str, via: str) -> Response:
    """The document of one of the team's (in reach) written reports, by its hash, its bytes
    checked and its read recorded as an export through ``via`` (web, api): for the page and
    the API alike."""
    cited = next(
        (
            r
            for r in zhucun().assessments.team_reports(UUID(t["team_id"]))
            if r["document_sha256"] == sha256.strip().lower()
        ),
        None,
    )
    if cited is None:
        raise EvidenceFileNotFoundError(sha256[:64])
    return send_stored(
        cited["document_sha256"],
        cited["title"],
        "application/octet-stream",
        ("written report", {"file": cited["document_sha256"], "team": t["team_id"]}),
        "取回书面述职报告 written report read",
        via,
    )


def _team_in_run(run_id: str, team_id: str | None) -> bool:
    teams = zhucun().assessments.show(UUID(run_id))["result"]["teams"]
    return any(t["team_id"] == team_id for t in teams)


@bp.post("/assessments/run")
@login_required
def run() -> Response | tuple[str, int]:
    """Run an assessment of the teams under a unit (officials, within their jurisdiction);
    a refused kind or period comes back beside its field, what was typed kept."""
    who = _who()
    if who.role not in OFFICIALS:
        refuse("role", _role_error(who.role, "考核", "run an assessment"))
    form = request.form
    unit = unit_in_reach(form.get("unit", "") or who.unit_code)
    kind_text = form.get("kind", "").strip()
    z = zhucun()
    meta = Meta(who.username, who.role.value, z.today(), _("Assessment run"), z.clock.now())
    labels = {"kind": _("Kind"), "period": _("Period")}
    try:
        if kind_text not in KINDS:
            raise InvalidInputError(
                "kind",
                f"考核类别 {kind_text!r} 不对：应为半年检查或年度考核",
                f"kind {kind_text!r} is invalid: half-year check or annual assessment",
            )
        period = form.get("period", "").strip()
        done = z.assessments.run(RunKind(kind_text), period, unit, None, meta)
    except ZhucunError as e:
        if isinstance(e, RoleNotAllowedError | OutsideJurisdictionError):
            raise
        errors, general = beside_fields([e], {"kind": "kind", "period": "period"}, labels)
        if general:
            errors["general"] = " ".join(general)
        return _index(errors), status_of(e)[0]
    shown = url_for("assessments.show", run_id=done["run_id"])
    flash_recorded(_("The assessment was run and recorded."), _("The assessment's page"), shown)
    return redirect(shown)


def _role_error(role: Role, zh: str, en: str) -> ZhucunError:
    return RoleNotAllowedError(role.zh, zh, en)


@bp.get("/assessments/<run_id>")
@login_required
def show(run_id: str) -> str:
    return _show(run_in_reach(run_id))


def _show(shown: dict[str, Any], errors: dict[str, str] | None = None) -> str:
    """The run page; ``errors`` a refused decision's messages by field, with ``proposal``
    the proposal it was about and ``general`` one beside no field of its form."""
    teams = sorted(
        shown["result"]["teams"],
        key=lambda t: (t.get("score") is None, -float(t.get("score") or 0), t["team_name"]),
    )
    proposed = proposals_in(shown)
    return render_template(
        "assessments/run.html",
        run=shown,
        teams=teams,
        proposals=proposed,
        errors=errors or {},
        **_helpers(),
    )


def proposals_in(shown: dict[str, Any]) -> list[dict[str, Any]]:
    """What a run in reach (``run_in_reach``) proposes for the teams shown, each with its
    decision if one was made: for the run page and the API alike."""
    own = {t["team_id"] for t in shown["result"]["teams"]}
    return [
        p
        for p in zhucun().assessments.proposals(UUID(shown["run_id"]))["proposals"]
        if p["team_id"] in own
    ]


@bp.post("/assessments/<run_id>/decide")
@login_required
def decide(run_id: str) -> Response | tuple[str, int]:
    """Decide one proposal of the run: the command ``decide_assessment_proposal`` as the
    account. A refusal comes back on the run page beside the proposal's field, writing
    nothing; a refusal of role or jurisdiction is a 403 page, recorded."""
    shown = run_in_reach(run_id)
    who = _who()
    if who.role not in DECIDERS:
        refuse("role", _role_error(who.role, "对考核建议作出决定", "decide a proposal"))
    form = request.form
    key = form.get("proposal", "")
    outcome = form.get("outcome", "").strip().lower()
    args: dict[str, Any] = {"run": shown["run_id"], "proposal": key}
    if outcome:
        args["outcome"] = outcome
    if form.get("why", "").strip():
        args["why"] = form["why"]
    if outcome == "amended":  # what changes, sent only with an amendment
        amend = {
            name: form[field]
            for name, field in (("reason", "reason_to"), ("until", "until"))
            if form.get(field, "").strip()
        }
        if amend:
            args["amend"] = amend
    z = zhucun()
    line = {
        "command": "decide_assessment_proposal",
        "args": args,
        "actor": who.username,
        "role": who.role.value,
        "occurred_on": z.today().isoformat(),
        "reason": _("Decision on an assessment's proposal"),
    }
    try:
        send_form(line, who)
    except FormRefused as e:
        errors, general = beside_fields(
            e.errors,
            {"outcome": "outcome", "amend": "amend", "why": "why", "until": "amend"},
            {
                "outcome": _("Decision on the proposal"),
                "why": _("Why (to amend or reject)"),
                "amend": _("Amended last day") if "until" in args.get("amend", {}) else "",
            },
        )
        if general:
            errors["general"] = " ".join(general)
        return _show(shown, {"proposal": key, **errors}), status_of(e.first)[0]
    page = url_for("assessments.show", run_id=shown["run_id"]) + "#" + _anchor(key)
    words = _("The decision was recorded: %(what)s", what=_(OUTCOMES.get(outcome, "")))
    flash_recorded(words, _("The assessment's page"), page)
    return redirect(page)


@bp.post("/assessments/<run_id>/publish")
@login_required
def publish(run_id: str) -> Response:
    shown = run_in_reach(run_id)
    who = _who()
    if who.role not in OFFICIALS:
        refuse("role", _role_error(who.role, "发布考核结果", "publish an assessment"))
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
    page = url_for("assessments.show", run_id=shown["run_id"])
    flash_recorded(_("The assessment was published."), _("The assessment's page"), page)
    return redirect(page)


@bp.get("/assessments/<run_id>/teams/<team_id>")
@login_required
def team(run_id: str, team_id: str) -> str:
    shown = run_in_reach(run_id)
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
    shown = run_in_reach(run_id)
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
    shown = run_in_reach(run_id)
    if _who().role not in REPLAYERS:
        refuse("role", _role_error(_who().role, "复算考核", "replay an assessment"))
    known_now = request.form.get("mode") == "known_now"
    found = replay(zhucun().assessments, UUID(shown["run_id"]), known_now=known_now)
    return render_template("assessments/replay.html", run=shown, replayed=found, **_helpers())
