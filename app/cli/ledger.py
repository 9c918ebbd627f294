"""``zhucun ledger``: the village work ledger (工作台账) of a unit on a day — a village's survey,
plans, measures (overdue ones marked), responsibility letters and funds, or the roll-up of the
villages under a township, a county or the city; ``zhucun funds``: the four-source funding
alone, with a village's entries; ``zhucun measures``: the measures of a village or of the
villages under a unit, with filters."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import click

from app.cli.common import (
    answer_for_unit,
    fail,
    file_option,
    known_text,
    opened,
    parse_as_of,
    parse_known_at,
    reader_options,
    two_clocks,
)
from app.cli.ledger_goals import attach, file_command, goal_lines, goal_rollup_lines


@click.group(invoke_without_command=True)
@click.option("--unit", "unit_code", metavar="CODE")
@two_clocks()
@file_option(
    "--xlsx", "Write the ledger workbook (工作台账) of every village under the unit to FILE."
)
@reader_options("exports")
@click.pass_context
def ledger(
    ctx: click.Context,
    unit_code: str | None,
    as_of: str | None,
    as_known_at: str | None,
    as_json: bool,
    xlsx: Path | None,
    as_actor: str | None,
    role: str | None,
) -> None:
    """The village work ledger: a village's survey, plans, measures, letters and 六有 goals,
    or the roll-up of the villages below; with --xlsx, the workbook of every village
    (recorded in the audit log as an export). `zhucun ledger attach` and `zhucun ledger
    file` keep and give back the evidence files."""
    if ctx.invoked_subcommand is not None:
        if unit_code or as_of or as_known_at or as_json or xlsx or as_actor or role:
            raise click.UsageError(
                f"the options of zhucun ledger go without {ctx.invoked_subcommand}"
            )
        return
    if unit_code is None:
        raise click.UsageError("Missing option '--unit'.")
    if xlsx is not None:
        if as_json:
            raise click.UsageError("--json and --xlsx are exclusive")
        _workbook(ctx, unit_code, (as_of, as_known_at), xlsx, who_reads=(as_actor, role))
        return
    answer_for_unit(
        ctx,
        unit_code,
        (as_of, as_known_at),
        as_json,
        lambda z, unit, day, moment: z.ledger(unit, day, moment),
        lambda z, data, day, moment: render_ledger(data, known_text(moment)),
    )


def _workbook(
    ctx: click.Context,
    unit_code: str,
    clocks: tuple[str | None, str | None],
    path: Path,
    who_reads: tuple[str | None, str | None],
) -> None:
    from app.audit.access import record_export, who
    from app.ledger.workbook import write_ledger_workbook

    reader, reader_role = who(*who_reads)
    day, moment = parse_as_of(clocks[0]), parse_known_at(clocks[1])
    with opened(ctx) as z:
        data = z.ledger_villages(unit_code, day, moment)
        if data is None:
            fail(f"找不到区划代码为 {unit_code} 的单位 / no unit with code {unit_code}")
        rows = write_ledger_workbook(path, data)
        given = {"unit": unit_code, "as_of": data["as_of"]}
        if moment is not None:
            given["as_known_at"] = moment.isoformat()
        record_export(z, reader, reader_role, "village work ledger", "xlsx", str(path), given, rows)
    click.echo(
        f"工作台账 ledger workbook of {data['name']} ({unit_code}), as of {data['as_of']}"
        f"{known_text(moment)}: {len(data['villages'])} village(s), {rows} row(s) -> {path}"
    )


# The titles of a ledger's sections, of a village and of a roll-up.
PLANS, MEASURES = "帮扶规划 plans", "帮扶措施 measures"
LETTERS = "工作目标责任书 responsibility letters"


def render_ledger(data: dict[str, Any], known: str = "") -> str:
    s = data["survey"]
    lines = [
        f"工作台账 village work ledger: {data['name']} ({data['unit']}), "
        f"as of {data['as_of']}{known}",
        "",
        "摸底排查 survey",
    ]
    if data["level"] != "village":
        lines.append(
            f"  村 villages            {s['villages']}, 已排查 surveyed {s['villages_surveyed']}, "
            f"已填登记表 forms {s['forms_registered']}"
        )
    else:
        lines += _form_lines(s)
    q, t = s["questionnaires"], s["statistics_tables"]
    lines += [
        f"  问卷和统计表 tables and questionnaires  {s['tables_and_questionnaires']} "
        f"(问卷 questionnaires {q['handed_out']} out / {q['returned']} back; "
        f"统计表 tables {t['handed_out']} out / {t['returned']} back)",
        f"  座谈会 symposiums       {s['symposiums']} "
        f"(集体会诊 collective consultations {s['collective_consultations']})",
        f"  走访户 households visited  {s['households_visited']}",
        f"  个别访谈 interviews     {s['interviews']}",
        f"  意见建议 opinions       {s['opinions']}",
        f"  突出问题 problems       {s['problems']}",
    ]
    causes = [(k, n) for k, n in s["problems_by_root_cause"].items() if n]
    if causes:
        from domain.ledger.findings import RootCause  # the ledger's domain: not for --help

        lines.append("  致贫根源 root causes")
        lines += [f"    {RootCause(k).zh} {k}: {n}" for k, n in causes]
    if data["level"] == "village":
        lines += _finding_lines(s)
        lines += _section(PLANS, data["plans"], _plan_lines)
        lines += _section(MEASURES, data["measures"], _measure_lines)
        lines += _section(LETTERS, data["letters"], _letter_lines)
        lines += goal_lines(data["six_haves"])
    else:
        lines += ["", PLANS, *_plan_rollup_lines(data["plans"])]
        lines += ["", MEASURES, *_measure_rollup_lines(data["measures"])]
        lines += ["", LETTERS, *_letter_rollup_lines(data["letters"])]
        lines += goal_rollup_lines(data["six_haves"])
    lines += ["", "四位一体资金 four-source funding", *fund_total_lines(data["funds"])]
    return "\n".join(lines)


def _form_lines(s: dict[str, Any]) -> list[str]:
    window = s["window"]
    out = [
        "  时段 window            "
        + (f"{window['first_day']} – {window['last_day']} ({window['set']})" if window else "—")
    ]
    f = s["form"]
    if f is None:
        return [*out, "  登记表 form            未填报 not registered"]
    return [
        *out,
        f"  登记表 form            revision {f['revision']}, {f['registered_on']}",
        f"    两委班子 committees   {f['committee_size']} members, "
        f"书记 secretary {f['secretary'] or '空缺 vacant'}, {f['assessment']}",
        f"    集体收入 income       {f['collective_income_yuan']} 元 yuan; "
        f"资产 assets {f['collective_assets_yuan']}; 负债 debts {f['collective_debts_yuan']}",
        f"    人均纯收入 per capita {f['per_capita_income_yuan']} 元 yuan",
        f"    主要问题 main problems {f['main_problems']}",
    ]


def _finding_lines(s: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if s["problem_list"]:
        out += ["", "问题与致贫根源 problems and their root causes"]
        for p in s["problem_list"]:
            cause = p["root_cause_zh"] + (
                f"（{p['root_cause_text']}）" if p["root_cause_text"] else ""
            )
            out.append(f"  {p['on']}  {p['description']}  — {cause} {p['root_cause']}  ({p['id']})")
            if p["opinions"]:
                out.append(f"    from opinions: {', '.join(p['opinions'])}")
    if s["opinion_list"]:
        out += ["", "意见建议 opinions"]
        out += [
            f"  {o['on']}  [{o['source']}, {o['category']}] {o['text']}  ({o['id']})"
            for o in s["opinion_list"]
        ]
    if s["class_cites"]:
        out += ["", f"村分类依据的问题 the village's class rests on: {', '.join(s['class_cites'])}"]
    return out


def _section(title: str, rows: list[dict[str, Any]], lines: Any) -> list[str]:
    """A section of a village's ledger: its title, then the ``lines`` of each row, or a dash."""
    return ["", title, *([line for row in rows for line in lines(row)] or ["  —"])]


def _plan_lines(p: dict[str, Any]) -> list[str]:
    a = p["approval"]
    if p["approved"]:
        state = f"已批准 approved {a['on']} by {a['approver']} ({a['approver_unit']})"
    elif a is not None:
        state = (
            f"待再批准 revision {p['revision']} awaits approval "
            f"(revision {a['revision']} approved {a['on']})"
        )
    else:
        state = "未批准 not approved"
    return [
        f"  {p['year']} {p['kind_zh']} {p['kind']}: {p['title']}  "
        f"(revision {p['revision']}, {p['revised_on']}, 起草 {p['drafted_by']}; {state})"
        f"  ({p['id']})",
        *(f"    {i['key']}  [{_category_zh(i['category'])}] {i['text']}" for i in p["items"]),
    ]


def _measure_lines(m: dict[str, Any]) -> list[str]:
    overdue = "  逾期 OVERDUE" if m["overdue"] else ""
    because = f"（{m['because']}）" if m["because"] else ""
    sources = ", ".join(m["sources"]) or "—"
    return [
        f"  {m['due_on']}  [{m['category_zh']}] {m['title']}  {m['status_zh']} "
        f"{m['status']}{because}{overdue}",
        f"    责任人 responsible {m['responsible']}; 预算 budget {m['budget_yuan']} 元 yuan "
        f"({sources}); plan item {m['item']}  ({m['id']})",
        *(f"    {n['on']}  {n['note']}" for n in m["progress"]),
    ]


def _letter_lines(x: dict[str, Any]) -> list[str]:
    force = "有效 in force" if x["in_force"] else "不在期限内 not in force"
    return [
        f"  {x['signed_on']}  派出单位 unit {x['unit']} ({x['unit_signatory']}) — "
        f"村 village ({x['village_signatory']}); 期限 term {x['term_starts_on']} – "
        f"{x['term_ends_on']}, {force}  ({x['id']})",
        *(f"    目标 target {t['item']}: {t['text']}" for t in x["targets"]),
    ]


def _plan_rollup_lines(plans: dict[str, Any]) -> list[str]:
    return [
        f"  规划 plans              {plans['plans']}, 已批准 approved {plans['plans_approved']} "
        f"(villages with an approved plan {plans['villages_with_an_approved_plan']})",
    ]


def _measure_rollup_lines(measures: dict[str, Any]) -> list[str]:
    s = measures["by_status"]
    return [
        f"  措施 measures           {measures['measures']} (计划 planned {s['planned']}, "
        f"实施中 under way {s['under_way']}, 已完成 done {s['done']}, "
        f"已放弃 dropped {s['dropped']}); 逾期 overdue {measures['overdue']}",
        f"  预算 budget             {measures['budget_yuan']} 元 yuan",
    ]


def _letter_rollup_lines(letters: dict[str, Any]) -> list[str]:
    return [
        f"  责任书 letters          {letters['letters']}, 有效 in force {letters['in_force']} "
        f"(villages with a letter {letters['villages_with_a_letter']})",
    ]


def _category_zh(category: str) -> str:
    from domain.ledger.plans import MeasureCategory  # the ledger's domain: not for --help

    return MeasureCategory(category).zh


ledger.add_command(attach)
ledger.add_command(file_command)


# -- four-source funding (四位一体资金) --------------------------------------------------------


@click.command()
@click.option("--unit", "unit_code", metavar="CODE", required=True)
@two_clocks()
@click.option(
    "--source",
    metavar="SOURCE",
    help="collective_self_raised, fiscal, party_fee or urban_rural: that source alone.",
)
@click.option("--measure", metavar="ID", help="The funds of that measure alone.")
@click.pass_context
def funds(
    ctx: click.Context,
    unit_code: str,
    as_of: str | None,
    as_known_at: str | None,
    as_json: bool,
    source: str | None,
    measure: str | None,
) -> None:
    """Four-source funding: allocated, spent and left per source, for a village with its
    entries, or for the villages under a township, a county or the city."""

    answer_for_unit(
        ctx,
        unit_code,
        (as_of, as_known_at),
        as_json,
        lambda z, unit, day, moment: z.funds(unit, day, moment, source, measure),
        lambda z, data, day, moment: render_funds(data, known_text(moment)),
    )


def render_funds(data: dict[str, Any], known: str = "") -> str:
    only = [f"{k} {data[k]}" for k in ("source", "measure") if data[k]]
    lines = [
        f"四位一体资金 four-source funding: {data['name']} ({data['unit']}), "
        f"as of {data['as_of']}{known}" + (f" — {', '.join(only)}" if only else ""),
        "",
        *fund_total_lines(data),
    ]
    if data["level"] != "village":
        lines.append(f"  村 villages {data['villages']}, 有拨款 funded {data['villages_funded']}")
        return "\n".join(lines)
    lines += ["", "明细 entries"]
    for e in data["entries"] or [None]:
        if e is None:
            lines.append("  —")
            continue
        party = (
            f"{e['allocated_by']} {e['document']}".strip()
            if e["entry"] == "allocation"
            else f"{e['payee']}: {e['purpose']}"
        )
        undone = e["reversed"]
        lines.append(
            f"  {e['on']}  {e['entry_zh']} {e['entry']}  {e['source_zh']} {e['source']}  "
            f"凭证 voucher {e['voucher']}  {e['amount_yuan']} 元 yuan  {party}"
            + (f"  已冲销 REVERSED {undone['on']}（{undone['because']}）" if undone else "")
        )
        if e["measure"]:
            lines.append(f"    措施 measure {e['measure']}")
    if data["measures"]:
        lines += ["", "按措施 by measure"]
        lines += [
            f"  {m['title']}  预算 budget {m['budget_yuan']}; 拨入 allocated "
            f"{m['allocated_yuan']}; 支出 spent {m['spent_yuan']}  ({m['measure']})"
            for m in data["measures"]
        ]
    return "\n".join(lines)


def fund_total_lines(totals: dict[str, Any]) -> list[str]:
    """Allocated, spent and left per source and in total, in yuan, in columns."""
    rows = [("来源 source", "拨入 allocated", "支出 spent", "余额 balance")]
    for source, t in [*totals["by_source"].items(), ("", totals["total"])]:
        label = f"{t['source_zh']} {source}" if source else "合计 total"
        rows.append((label, t["allocated_yuan"], t["spent_yuan"], t["balance_yuan"]))
    return [
        "  " + _padded(label, 30) + "".join(_padded(n, 18, right=True) for n in numbers)
        for label, *numbers in rows
    ]


def _padded(text: str, width: int, right: bool = False) -> str:
    """``text`` filled with spaces to ``width`` columns of a terminal (a Chinese character
    takes two)."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    fill = " " * max(0, width - len(text) - wide)
    return fill + text if right else text + fill


# -- zhucun measures ---------------------------------------------------------------------------


@click.command()
@click.option("--unit", "unit_code", metavar="CODE", required=True)
@click.option("--status", metavar="S", help="planned, under_way, done or dropped (that day).")
@click.option("--overdue", is_flag=True, help="Only the measures overdue that day.")
@click.option("--category", metavar="C", help="committees, conditions, collective_economy, income.")
@click.option("--responsible", metavar="NAME", help="Only those this person answers for.")
@two_clocks("Status on that day (default: today).")
@click.pass_context
def measures(
    ctx: click.Context,
    unit_code: str,
    status: str | None,
    overdue: bool,
    category: str | None,
    responsible: str | None,
    as_of: str | None,
    as_known_at: str | None,
    as_json: bool,
) -> None:
    """The measures (帮扶措施) of a village, or of every village under a unit: status on the
    day, overdue and by how many days, budget and funds."""
    answer_for_unit(
        ctx,
        unit_code,
        (as_of, as_known_at),
        as_json,
        lambda z, unit, day, moment: z.measures(
            unit, day, moment, status, overdue, category, responsible
        ),
        lambda z, data, day, moment: render_measures(data, known_text(moment)),
    )


def render_measures(data: dict[str, Any], known: str = "") -> str:
    lines = [
        f"帮扶措施 measures: {data['name']} ({data['unit']}), as of {data['as_of']}{known}",
    ]
    for m in data["measures"]:
        late = f"  逾期 OVERDUE {m['days_overdue']} 天 days" if m["overdue"] else ""
        lines.append(
            f"  {m['due_on']}  {m['village_name']} {m['village']}  [{m['category_zh']}] "
            f"{m['title']}  {m['status_zh']} {m['status']}{late}"
        )
        lines.append(
            f"    责任人 responsible {m['responsible']}; 预算 budget {m['budget_yuan']}, "
            f"拨入 allocated {m['allocated_yuan']}, 支出 spent {m['spent_yuan']} 元 yuan"
            f"  ({m['id']})"
        )
    lines.append(
        f"{data['count']} 项 measure(s), 逾期 overdue {data['overdue']}; "
        f"预算 budget {data['budget_yuan']}, 拨入 allocated {data['allocated_yuan']}, "
        f"支出 spent {data['spent_yuan']} 元 yuan"
    )
    return "\n".join(lines)
