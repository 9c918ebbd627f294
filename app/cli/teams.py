"""``zhucun teams`` and ``zhucun residency``: the work teams' roster on a day, and their month
in the village."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import click

from app.cli.common import (
    answer_for_unit,
    fail,
    known_text,
    opened,
    parse_known_at,
    print_answer,
    two_clocks,
)
from app.cli.values import BadValue


@click.command()
@click.option("--unit", "unit_code", metavar="CODE", required=True)
@two_clocks("The roster on that day (default: today).")
@click.pass_context
def teams(
    ctx: click.Context, unit_code: str, as_of: str | None, as_known_at: str | None, as_json: bool
) -> None:
    """Work teams serving in villages under a unit on a day: unit, village, leader, members."""
    answer_for_unit(
        ctx,
        unit_code,
        (as_of, as_known_at),
        as_json,
        lambda z, unit, day, moment: z.teams(unit, day, moment),
        lambda z, data, day, moment: render_roster(
            data, (day or z.today()).isoformat(), known_text(moment)
        ),
    )


def render_roster(roster: list[dict[str, Any]], day: str, known: str = "") -> str:
    lines = [f"驻村工作队 work teams on {day}{known}: {len(roster)}"]
    for t in roster:
        village_class = t["village_class"] or "未分类 unclassified"
        lines += [
            "",
            f"{t['team_name']}  ({t['team_id']})",
            f"  派出单位 unit     {t['unit_name']} ({t['unit_code']}), "
            f"{t['unit_level_zh']} {t['unit_level']}, {t['unit_sector_zh']} {t['unit_sector']}",
            f"  村 village        {t['village_name']} ({t['village']}), {village_class}",
            f"  驻村期 term       {t['term_start']} – {t['term_end']}"
            + (f", ended {t['ended_on']}" if t["ended_on"] else ""),
        ]
        for m in t["members"]:
            role = "队长 leader" if m["leader"] else "队员 member"
            party = "党员" if m["party_member"] else "非党员"
            lines.append(f"  {role:<16}{m['name']}  {m['rank_zh']} {m['rank']}  {party}")
        for f in t["flags"]:
            lines.append(f"  ⚑ {f['code']}: {f['zh']} / {f['en']}")
    return "\n".join(lines)


@click.command()
@click.option("--team", "team_id", metavar="ID", help="One team.")
@click.option("--unit", "unit_code", metavar="CODE", help="The teams serving under a unit.")
@click.option("--month", metavar="YYYY-MM", required=True)
@click.option(
    "--as-known-at",
    "as_known_at",
    metavar="TIMESTAMP",
    help="As the system knew it at that moment (as for zhucun teams).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def residency(
    ctx: click.Context,
    team_id: str | None,
    unit_code: str | None,
    month: str,
    as_known_at: str | None,
    as_json: bool,
) -> None:
    """Days in the village in a month, per member and team, and who was not regularly resident."""

    moment = parse_known_at(as_known_at)

    if (team_id is None) == (unit_code is None):
        raise click.UsageError("give one of --team and --unit / 二者选一")
    try:
        team = UUID(team_id) if team_id else None
    except ValueError:
        raise BadValue(f"{team_id!r} 不是 id / is not an id") from None
    with opened(ctx) as z:
        data = z.residency(month, unit_code, team, moment)
        if data is None:
            fail(
                f"找不到工作队 {team_id} / no team {team_id}"
                if team_id
                else f"找不到区划代码为 {unit_code} 的单位 / no unit with code {unit_code}"
            )
            return
        if as_json:
            print_answer(z, data)
            return
        click.echo(render_residency(data, month, known_text(moment)))


def render_residency(report: list[dict[str, Any]], month: str, known: str = "") -> str:
    lines = [f"驻村情况 residency, {month}{known}: {len(report)} teams"]
    header = "签到 in  请假 leave  不明 unaccounted  脱岗 absent"
    for t in report:
        lines += ["", f"{t['team_name']}  ({t['team_id']})", f"  {'':<14}{header}"]
        for m in t["members"]:
            mark = "  ⚑ 未经常性驻村 not regularly resident" if m["not_regularly_resident"] else ""
            lines.append(
                f"  {m['name']:<12}{m['days_checked_in']:>7}{m['days_on_leave']:>11}"
                f"{m['days_unaccounted']:>17}{m['absences_found']:>11}{mark}"
            )
    return "\n".join(lines)
