"""``zhucun assess``: assessment runs — run one for a period and a unit, publish it, list and
show runs, replay a run (reproduce it, or diff it against what is known now or against
another version of its rules), and trace a figure to the events behind it."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import click

from app.args import ascii_uuid, read_id, refuse
from app.cli.common import fail, opened, print_answer, show_answer
from app.cli.values import OneOf
from domain.fields import Field

KINDS = ("half_year", "annual")


@click.group()
def assess() -> None:
    """Assessments (考核): half-year checks and annual assessments of the work teams."""


def _new_id(value: str | None) -> UUID | None:
    """The id given to a new run (``--id``), stripped and in lower case; refused by its label
    unless it is a UUID in ASCII."""
    if value is None:
        return None
    text = value.strip().lower()
    try:
        return ascii_uuid(text)
    except ValueError:
        raise refuse(
            "id",
            f"不是有效的编号：{text[:40]!r}",
            f"is not a valid id: {text[:40]!r}",
            Field("考核编号", "assessment run id"),
        ) from None


def _who(actor: str | None, role: str | None) -> tuple[str, str]:
    from app.audit.access import who

    return who(actor, role)


_json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _by(fn: Any) -> Any:
    fn = click.option("--reason", "reason", metavar="TEXT", help="Why (recorded with it).")(fn)
    fn = click.option("--role", "role", metavar="ROLE", help="Their role (default $ZHUCUN_ROLE).")(
        fn
    )
    return click.option("--as", "actor", metavar="ACTOR", help="Who (default $ZHUCUN_ACTOR).")(fn)


@assess.command("run")
@click.option("--kind", type=OneOf("考核类型", "assessment kind", KINDS), required=True)
@click.option("--period", metavar="PERIOD", required=True, help="2014 (annual), 2014H1 or 2014H2.")
@click.option("--unit", "unit_code", metavar="CODE", required=True)
@click.option("--rules", "rules", metavar="NAME[@VERSION]", help="Default: the rules in force.")
@click.option(
    "--id", "run_id", metavar="UUID", help="The new run's id (default: a new random one)."
)
@_by
@_json_option
@click.pass_context
def run(
    ctx: click.Context,
    kind: str,
    period: str,
    unit_code: str,
    rules: str | None,
    run_id: str | None,
    actor: str | None,
    role: str | None,
    reason: str | None,
    as_json: bool,
) -> None:
    """Assess the teams serving under a unit in a period that has ended, as known now, and
    record the run (its log position, rule version and digest)."""
    from app.args import clean_text
    from domain.assessments.periods import RunKind
    from domain.base import Meta
    from domain.fields import ACTOR, REASON, ROLE

    given = _new_id(run_id)
    name, their_role = _who(actor, role)
    with opened(ctx) as z:
        now = z.clock.now()
        meta = Meta(
            clean_text("actor", name, ACTOR),
            clean_text("role", their_role, ROLE),
            z.today(),
            clean_text("reason", reason or "考核 assessment run", REASON),
            now,
        )
        done = z.assessments.run(RunKind(kind), period, unit_code.strip(), rules, meta, given)
        if as_json:
            print_answer(z, done)
            return
    s = done["summary"]
    grades = ", ".join(f"{g} {n}" for g, n in s["by_grade"].items())
    click.echo(
        f"考核 run {done['run_id']}: {done['kind']} {done['period']} of {done['unit']}, "
        f"as known at position {done['position']}, rules {done['rules']}\n"
        f"  teams {s['teams']}, assessed {s['assessed']} ({grades}); "
        f"criticised {len(s['criticised'])}, commended {len(s['commended'])} "
        f"(quota {s['commendation_quota']})\n"
        f"  digest {done['digest']}"
    )


@assess.command("publish")
@click.argument("run_id")
@_by
@click.pass_context
def publish(
    ctx: click.Context, run_id: str, actor: str | None, role: str | None, reason: str | None
) -> None:
    """Publish a run (once): the command publish_assessment_run."""
    from app.commands import parse_command_line

    name, their_role = _who(actor, role)
    with opened(ctx) as z:
        line = {
            "command": "publish_assessment_run",
            "args": {"run": run_id},
            "actor": name,
            "role": their_role,
            "occurred_on": z.today().isoformat(),
            "reason": reason or "发布考核结果 publish the assessment",
        }
        z.execute([parse_command_line(line)])
    click.echo(f"published {run_id} by {name}")


@assess.command("list")
@click.option("--unit", "unit_code", metavar="CODE")
@_json_option
@click.pass_context
def list_runs(ctx: click.Context, unit_code: str | None, as_json: bool) -> None:
    """The runs recorded: id, kind, period, unit, position, rule version, digest, published."""
    with opened(ctx) as z:
        rows = z.assessments.runs(unit_code.strip() if unit_code else None)
        if as_json:
            print_answer(z, rows)
            return
    for r in rows:
        published = (
            f"published {r['published_on']} by {r['published_by']}"
            if r["published"]
            else "not published"
        )
        click.echo(
            f"{r['run_id']}  {r['kind']:<9} {r['period']:<6} {r['unit']:<12} "
            f"@{r['position']:<8} {r['rules']}  {r['digest'][:16]}…  {published}"
        )
    click.echo(f"{len(rows)} run(s)", err=True)


@assess.command("show")
@click.argument("run_id")
@_json_option
@click.pass_context
def show(ctx: click.Context, run_id: str, as_json: bool) -> None:
    """A run: every team's figures, score, grade, criticisms and commendation."""
    with opened(ctx) as z:
        data = z.assessments.show(read_id("run", run_id))
        show_answer(z, data, as_json, render_run)


def render_run(data: dict[str, Any]) -> str:
    r = data["result"]
    lines = [
        f"考核 {data['run_id']}  {data['kind']} {data['period']} ({r['first_day']} – "
        f"{r['last_day']}) of {data['unit']}",
        f"  as known at position {data['position']}, rules {data['rules']}",
        f"  digest {data['digest']}",
        f"  recorded by {data['recorded_by']} on {data['recorded_on']}; "
        + (
            f"published by {data['published_by']} on {data['published_on']}"
            if data["published"]
            else "not published"
        ),
    ]
    for t in r["teams"]:
        mark = " 通报表扬 commended" if t["commended"] else ""
        lines += [
            "",
            f"{t['team_name']} ({t['team_id']})  score {t['score']}  "
            f"{t['grade_zh'] or '—'} {t['grade'] or ''}{mark}",
        ]
        for name, f in t["inputs"].items():
            points = t["points"].get(name)
            lines.append(
                f"  {name:<26} {f['numerator']:>6} / {f['denominator']:<6} = {f['value'] or '—':>7}"
                + (f"   points {points}" if points is not None else "")
            )
        for c in t["criticisms"]:
            lines.append(f"  ⚑ 通报批评 criticism: {c['reason_zh']} / {c['reason']}")
    return "\n".join(lines)


@assess.command("replay")
@click.argument("run_id")
@click.option(
    "--known-now",
    "known_now",
    is_flag=True,
    help="The same period with everything recorded since: the diff.",
)
@click.option(
    "--rules", "rules", metavar="VERSION", help="What if: the same inputs under another version."
)
@_json_option
@click.pass_context
def replay(
    ctx: click.Context, run_id: str, known_now: bool, rules: str | None, as_json: bool
) -> None:
    """Recompute a run as known at its position under its rules: exit 0 "reproduced" when
    the result and digest are byte-identical (and the log up to it matches the audit chain),
    else exit 1 naming the first difference. --known-now and --rules print a diff."""
    from app.assessments.replay import replay as replay_run

    if known_now and rules:
        raise click.UsageError("--known-now and --rules are exclusive")
    with opened(ctx) as z:
        data = replay_run(z.assessments, read_id("run", run_id), known_now, rules)
        show_answer(z, data, as_json, render_replay)
    if data["mode"] == "reproduce" and not data["reproduced"]:
        raise SystemExit(1)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def render_replay(data: dict[str, Any]) -> str:
    if data["mode"] == "reproduce":
        chain = data["chain"]
        if data["reproduced"]:
            return (
                f"reproduced ✓ {data['run_id']} as known at position {data['position']} under "
                f"{data['rules']}\n  digest {data['digest']}\n"
                f"  audit chain verified to position {chain['verified_to']}"
            )
        lines = [f"NOT reproduced: {data['run_id']}"]
        first = data["first_difference"]
        if first is not None:
            lines.append(
                f"  first difference at {first['path']}: recorded {_json(first['recorded'])}"
                f", recomputed {_json(first['recomputed'])}"
            )
        if chain["problem"] is not None:
            lines.append(f"  audit chain: {chain['problem']['zh']} / {chain['problem']['en']}")
        lines.append(f"  digest recorded {data['digest']}, recomputed {data['recomputed_digest']}")
        return "\n".join(lines)
    d = data["diff"]
    head = (
        f"known now (position {data['recomputed_at']}) against the run at position "
        f"{data['position']}"
        if data["mode"] == "known_now"
        else f"under {data['recomputed_rules']} against {data['rules']}"
    )
    lines = [
        f"{data['run_id']}: {head}: {d['teams_changed']} team(s) differ, "
        f"{d['grades_changed']} grade(s)"
    ]
    for t in d["teams"]:
        lines.append(
            f"  {t['team_name']} ({t['team_id']}) {t['change']}: "
            f"score {t['score'][0]} → {t['score'][1]}, "
            f"grade {t['grade'][0]} → {t['grade'][1]}"
        )
        for name, f in t["inputs"].items():
            a, b = f["recorded"], f["recomputed"]
            lines.append(
                f"    {name}: {a['numerator']}/{a['denominator']} ({a['value']}) → "
                f"{b['numerator']}/{b['denominator']} ({b['value']})"
            )
        for e in t.get("events", []):
            lines.append(
                f"    #{e['position']} {e['what_zh']} / {e['what_en']} on {e['occurred_on']}, "
                f"by {e['actor']} ({e['role']}): {e['reason']}"
            )
        if t.get("more_events"):
            lines.append(f"    … and {t['more_events']} more event(s)")
    return "\n".join(lines)


@assess.command("explain")
@click.argument("run_id")
@click.option("--team", "team_id", metavar="ID", required=True)
@click.option("--input", "name", metavar="NAME", required=True)
@click.option("--member", "member", metavar="ID", help="One member's figure.")
@_json_option
@click.pass_context
def explain(
    ctx: click.Context, run_id: str, team_id: str, name: str, member: str | None, as_json: bool
) -> None:
    """The events behind one figure of a run: positions, days, whose, who recorded them."""
    with opened(ctx) as z:
        data = z.assessments.explain(
            read_id("run", run_id),
            read_id("team", team_id),
            name.strip(),
            read_id("member", member) if member else None,
        )
        show_answer(z, data, as_json, render_explain)


def render_explain(data: dict[str, Any]) -> str:
    f = data["figure"] or {}
    lines = [
        f"{data['input']} of {data['team_name']} ({data['team_id']}) in {data['period']}, "
        f"as known at position {data['position']}: "
        f"{f.get('numerator')} / {f.get('denominator')} = {f.get('value')}"
    ]
    for m in data.get("months", []):
        ok = "resident" if m["regularly_resident"] else "NOT regularly resident"
        lines.append(
            f"  {m['month']} {m['name']}: {m['days_checked_in']} of {m['days_required']} days "
            f"required ({m['days_served']} served) — {ok}"
        )
    for e in data.get("entries", []):
        extra = f" household {e['household_id']}" if "household_id" in e else ""
        if "spot_check_id" in e:
            extra += f" on spot check {e['spot_check_id']}"
        lines.append(
            f"  #{e['position']} {e['day']} {e['name']}{extra} (recorded by {e['recorded_by']})"
        )
    for m in data.get("measures", []):
        lines.append(
            f"  measure {m['title']} due {m['due_on']}: {m['status']} "
            f"(#{', #'.join(map(str, m['positions']))})"
        )
    for e in data.get("evaluation", []):
        lines.append(
            f"  #{e['position']} {e['day']}: attendance {e['attendance']}, 满意 {e['satisfied']}, "
            f"基本满意 {e['basically_satisfied']}, 不满意 {e['dissatisfied']} "
            f"(recorded by {e['recorded_by']})"
        )
    return "\n".join(lines)


@assess.command("rules")
@_json_option
@click.pass_context
def rules_list(ctx: click.Context, as_json: bool) -> None:
    """The assessment rule sets adopted, every version, with the day each took effect."""
    with opened(ctx) as z:
        rows = z.assessments.rule_sets()
        if as_json:
            print_answer(z, rows)
            return
    for r in rows:
        click.echo(
            f"{r['name']}@{r['version']}  effective from {r['effective_from']}, adopted by "
            f"{r['adopted_by']} on {r['adopted_on']} (position {r['position']})"
        )
    if not rows:
        fail("没有考核规则 / no assessment rules adopted")


@assess.command("spot-checks")
@click.option("--unit", "unit_code", metavar="CODE", help="Teams in villages under this unit.")
@click.option("--team", "team_id", metavar="ID", help="One team's.")
@_json_option
@click.pass_context
def spot_checks(
    ctx: click.Context, unit_code: str | None, team_id: str | None, as_json: bool
) -> None:
    """Spot checks recorded (record_spot_check): day, team, inspectors, members found present
    and absent, findings."""
    team = read_id("team", team_id) if team_id else None
    with opened(ctx) as z:
        rows = z.assessments.spot_checks(unit_code.strip() if unit_code else None, team)
        if as_json:
            print_answer(z, rows)
            return
    for r in rows:
        inspectors = ", ".join(i["name"] for i in r["inspectors"])
        click.echo(
            f"{r['day']}  {r['spot_check_id']}  {r['team_name']} ({r['village']})  "
            f"inspectors {inspectors}; present {len(r['present'])}, absent {len(r['absent'])}"
            + (f"  — {r['findings']}" if r["findings"] else "")
        )
    click.echo(f"{len(rows)} spot check(s)", err=True)


@assess.command("proposals")
@click.argument("run_id")
@_json_option
@click.pass_context
def proposals(ctx: click.Context, run_id: str, as_json: bool) -> None:
    """What a run proposes (commendations, priority posting or promotion, criticisms,
    extensions of a unit's term), each with its decision if one was made."""
    with opened(ctx) as z:
        data = z.assessments.proposals(read_id("run", run_id))
        show_answer(z, data, as_json, render_proposals)


def render_proposals(data: dict[str, Any]) -> str:
    state = "published" if data["published"] else "NOT published"
    lines = [
        f"run {data['run_id']}: {data['kind']} {data['period']} of {data['unit']} ({state}), "
        f"{len(data['proposals'])} proposal(s), {data['undecided']} undecided"
    ]
    for p in data["proposals"]:
        what = p["team_name"]
        if p["kind"] == "priority_posting":
            what += f" / {p['name']}"
        if p["kind"] == "criticism":
            what += f" — {p['reason']} ({p['reason_zh']})"
        if p["kind"] == "extension":
            what += f" — term {p['term_ends_on']} → {p['until']}"
        d = p["decision"]
        decided = (
            f"{d['outcome']} by {d['decided_by']} on {d['decided_on']}"
            + (f" ({d['why']})" if d["why"] else "")
            if d
            else "undecided"
        )
        lines.append(f"  {p['proposal']}\n    {p['kind']}: {what}  [{decided}]")
    return "\n".join(lines)


@assess.command("decide")
@click.argument("run_id")
@click.argument("proposal")
@click.option("--accept", "outcome", flag_value="accepted", help="Accept the proposal.")
@click.option("--amend", "outcome", flag_value="amended", help="Amend it (with --why).")
@click.option("--reject", "outcome", flag_value="rejected", help="Reject it (with --why).")
@click.option("--reason-to", "reason_to", metavar="REASON", help="An amended criticism's reason.")
@click.option("--until", "until", metavar="DATE", help="An amended extension's last day.")
@click.option("--why", "why", metavar="TEXT", help="Why amended or rejected.")
@_by
@_json_option
@click.pass_context
def decide(
    ctx: click.Context,
    run_id: str,
    proposal: str,
    outcome: str | None,
    reason_to: str | None,
    until: str | None,
    why: str | None,
    actor: str | None,
    role: str | None,
    reason: str | None,
    as_json: bool,
) -> None:
    """Decide one proposal of a published run (the command decide_assessment_proposal):
    --accept, --amend (--reason-to or --until) or --reject, with --why for the last two."""
    from app.commands import parse_command_line

    if outcome is None:
        fail("give --accept, --amend or --reject / 请选择 --accept、--amend 或 --reject")
    amend = {k: v for k, v in (("reason", reason_to), ("until", until)) if v is not None}
    name, their_role = _who(actor, role)
    with opened(ctx) as z:
        line = {
            "command": "decide_assessment_proposal",
            "args": {
                "run": run_id,
                "proposal": proposal,
                "outcome": outcome,
                **({"amend": amend} if amend else {}),
                **({"why": why} if why else {}),
            },
            "actor": name,
            "role": their_role,
            "occurred_on": z.today().isoformat(),
            "reason": reason or why or "考核结果的决定 decision on an assessment",
        }
        done = z.execute([parse_command_line(line)])
        answer = done.results[0]
        if as_json:
            print_answer(z, answer)
            return
    click.echo(f"{outcome} {proposal} of run {run_id} by {name}")


__all__ = ["assess"]
