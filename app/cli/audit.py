"""``zhucun audit``: tamper evidence for the stored log (docs/audit.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import click

from app.cli.common import (
    MAX_POSITION,
    Query,
    file_option,
    opened,
    print_answer,
    reader_options,
)
from app.cli.values import BadValue, Day, ExistingFile, WholeNumber

# The audit tools (app.audit: the event store, the read models) are imported by the command
# that runs, not by ``zhucun --help``. The default of ``--backdated-days`` as its help shows
# it: app.audit.entries.BACKDATED_DAYS (tests/test_cli.py holds them equal).
BACKDATED_DAYS = 7


@click.group()
def audit() -> None:
    """Audit trail: checkpoints of the hash chain over the log, and verifying the log."""


@audit.command("checkpoint")
@file_option("--out", "Also write the checkpoint to FILE (JSON), to keep outside the system.")
@click.pass_context
def audit_checkpoint(ctx: click.Context, out: Path | None) -> None:
    """Print the chain's head (position, link, time) as one line of JSON.

    Keep it where the system's operators cannot rewrite it (print it, mail it, file it);
    lines appended to one file make a series that `audit verify --checkpoint` reads.
    """
    from app.audit.chain import checkpoint

    with opened(ctx) as z:
        z.projections.catch_up()
        cp = checkpoint(z.engine, z.clock.now())
    line = json.dumps(cp.as_dict(), ensure_ascii=False)
    if out is not None:
        out.write_text(json.dumps(cp.as_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")
        click.echo(f"checkpoint written to {out}", err=True)
    click.echo(line)


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=ExistingFile("检查点文件", "checkpoint file"),
    default=None,
    help="Checkpoint file(s) from `audit checkpoint` (a JSON object, a list, or JSON lines).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def audit_verify(ctx: click.Context, checkpoint_file: Path | None, as_json: bool) -> None:
    """Re-read the whole log, recompute the hash chain and compare it with the stored chain
    (and the checkpoints). Exit 0 if intact; else name the first position where a stored
    event was changed, deleted, inserted or reordered, and exit 1."""
    from app.audit.chain import parse_checkpoints, verify

    with opened(ctx) as z:
        cps = (
            parse_checkpoints(checkpoint_file.read_text("utf-8"))
            if checkpoint_file is not None
            else []
        )
        verdict = verify(z.store, z.engine, cps)
        if as_json:
            print_answer(z, verdict.as_dict())
    if not as_json and verdict.ok:
        click.echo(
            f"OK: {verdict.events} event(s), head position {verdict.head_position}, "
            f"head link {verdict.head_link}"
        )
        if verdict.pending:
            click.echo(
                f"  {verdict.pending} event(s) after position {verdict.chained_to} "
                "not chained yet (they are chained as the read models catch up)"
            )
        if verdict.checkpoints:
            click.echo(f"  matches {verdict.checkpoints} checkpoint(s)")
        if verdict.runs_checked:
            click.echo(f"  {verdict.runs_checked} published assessment run(s) intact")
    if verdict.problem is not None:
        p = verdict.problem
        click.echo(f"TAMPERED {p.kind} at position {p.position}: {p.zh} / {p.en}", err=True)
    for r in verdict.run_problems:
        click.echo(f"TAMPERED run {r.run_id} {r.kind}: {r.zh} / {r.en}", err=True)
    if not verdict.ok:
        sys.exit(1)


def _date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _uuid(value: str | None, option: str) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise BadValue(f"不是编号 / not an id: {value!r}", param_hint=f"'{option}'") from None


DEFAULT_REASON = "审计导出 audit export"


def _position_option(name: str, zh: str, en: str, low: int, help: str) -> Callable[[Query], Query]:
    """A position in the log, or a count of its rows: up to the largest a log holds."""
    return click.option(name, type=WholeNumber(zh, en, low, MAX_POSITION), help=help)


@audit.command("log")
@click.option("--unit", "unit", metavar="CODE", help="What lies in that unit's subtree.")
@click.option("--team", "team", metavar="ID", help="A team: its events, its members' months.")
@click.option("--person", "person", metavar="ID|NAME", help="A person as actor or as subject.")
@click.option("--actor", "actor", metavar="ID", help="Entries recorded by this actor.")
@click.option("--subject", "subject", metavar="ID", help="Entries about this aggregate id.")
@click.option("--type", "event", metavar="EVENT", help="An event type, e.g. Household.Registered.")
@click.option(
    "--from", "date_from", type=Day("发生日期起", "occurred from"), help="Occurred on or after."
)
@click.option(
    "--to", "date_to", type=Day("发生日期止", "occurred to"), help="Occurred on or before."
)
@click.option(
    "--recorded-from",
    type=Day("记录日期起", "recorded from"),
    help="Recorded on or after (Beijing).",
)
@click.option(
    "--recorded-to", type=Day("记录日期止", "recorded to"), help="Recorded on or before (Beijing)."
)
@_position_option("--after", "日志位置", "log position", 0, "After this position.")
@_position_option("--limit", "行数上限", "row limit", 1, "At most N rows.")
@_position_option("--page", "页码", "page", 1, "Page K of --limit rows.")
@click.option(
    "--backdated-days",
    type=WholeNumber("补记天数", "backdated days", 0, 36_500),
    default=None,
    help="Flag entries that occurred more than this many days before they were recorded "
    f"(default: the rule set's, {BACKDATED_DAYS}).",
)
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv_", is_flag=True)
@file_option("--xlsx", "Write an Excel workbook to FILE (entries, filters, chain head).")
@file_option("--out", "Write the --json or --csv output to FILE instead of stdout.")
@click.option(
    "--show-identity",
    is_flag=True,
    help="Identity numbers in full: for the operating-system users listed in "
    "/etc/zhucun/unmask-users, or with --unmask-override (docs/audit.md).",
)
@click.option(
    "--unmask-override",
    is_flag=True,
    help="With --show-identity and a --reason: unmask though not listed; recorded as an override.",
)
@reader_options("reads")
@click.option("--reason", "reason", default=DEFAULT_REASON, show_default=True)
@click.option("--backdated-only", is_flag=True, help="Only entries flagged back-dated.")
@click.option("--corrections-only", is_flag=True, help="Only corrections.")
@click.pass_context
def audit_log(
    ctx: click.Context,
    unit: str | None,
    team: str | None,
    person: str | None,
    actor: str | None,
    subject: str | None,
    event: str | None,
    date_from: datetime | None,
    date_to: datetime | None,
    recorded_from: datetime | None,
    recorded_to: datetime | None,
    after: int | None,
    limit: int | None,
    page: int | None,
    backdated_days: int | None,
    as_json: bool,
    as_csv_: bool,
    xlsx: Path | None,
    out: Path | None,
    show_identity: bool,
    unmask_override: bool,
    as_actor: str | None,
    role: str | None,
    reason: str,
    backdated_only: bool = False,
    corrections_only: bool = False,
) -> None:
    """Every matching entry of the log: position, recorded at, occurred on, flags
    (back-dated, correction, corrected), actor (name, role, unit), what happened (zh / en),
    subject, details, reason. Paged with --limit and --after or --page."""
    from app.audit.access import unmask_grant, who
    from app.audit.export import Reader, export_log, record_read
    from app.audit.log import AuditFilter, Page, as_csv, audit_page
    from domain.access import check_may_unmask

    subject_id = _uuid(subject, "--subject")
    team_id = _uuid(team, "--team")
    if sum((as_json, as_csv_, xlsx is not None)) > 1:
        raise click.UsageError("--json, --csv and --xlsx are exclusive")
    if out is not None and not (as_json or as_csv_):
        raise click.UsageError("--out goes with --json or --csv (--xlsx names its own file)")
    if page is not None and limit is None:
        raise click.UsageError("--page needs --limit (the page size)")
    if page is not None and after is not None:
        raise click.UsageError("give --after or --page, not both")
    if unmask_override and not show_identity:
        raise click.UsageError("--unmask-override goes with --show-identity")
    reader, reader_role = who(as_actor, role)
    grounds: dict[str, str] = {}
    if show_identity:  # refused before the store is opened: nothing read, nothing written
        reader_role, grounds = unmask_grant(
            reader_role, unmask_override, reason.strip() not in ("", DEFAULT_REASON)
        )
        check_may_unmask(reader_role)
    by = Reader(reader, reader_role, reason, grounds)
    with opened(ctx) as z:
        f = AuditFilter(
            unit=unit,
            team=team_id,
            person=person,
            actor=actor,
            event=event,
            occurred_from=_date(date_from),
            occurred_to=_date(date_to),
            recorded_from=_date(recorded_from),
            recorded_to=_date(recorded_to),
            subject=str(subject_id) if subject_id else None,
            after=after,
            limit=limit,
            page=page,
            backdated_days=(
                backdated_days if backdated_days is not None else z.rules.backdated_after_days
            ),
            unmasked=show_identity,
            backdated_only=backdated_only,
            corrections_only=corrections_only,
        )
        z.projections.catch_up()
        target = xlsx or out
        if target is not None:
            fmt = "xlsx" if xlsx is not None else ("json" if as_json else "csv")
            written = export_log(z, f, fmt, target, by)
            count, more, last = written.count, written.more, written.last
        else:
            result = audit_page(z.store, z.engine, f)
            rows, more, last = result.rows, result.more, result.last_position
            count = len(rows)
            if as_json:
                print_answer(z, rows)
            elif as_csv_:
                click.echo(as_csv(rows), nl=False)
            else:
                click.echo("".join(_text_line(r) + "\n" for r in rows), nl=False)
            record_read(z, f, by, count)
    written_to = f" written to {target}" if target is not None else ""
    click.echo(f"{count} entr{'y' if count == 1 else 'ies'}{written_to}", err=True)
    if more:
        hint = Page([], more, last).next_hint(f)
        click.echo(f"more entries follow; next page: {hint}", err=True)


def _text_line(r: dict[str, Any]) -> str:
    from app.audit.log import flags_text

    flags = flags_text(r)
    who = r["actor_name"] if r["actor_name"] == r["actor"] else f"{r['actor_name']} [{r['actor']}]"
    unit = f", {r['actor_unit']}" if r["actor_unit"] else ""
    subject = f"{r['subject_name']} {r['subject']}" if r["subject_name"] else r["subject"]
    return (
        f"#{r['position']} recorded {r['recorded_at']} occurred {r['occurred_on']}"
        + (f" {flags}" if flags else "")
        + f" {who} ({r['role']}{unit}): {r['what_zh']} / {r['what_en']} {subject} "
        f"{json.dumps(r['details'], ensure_ascii=False)} reason: {r['reason']}"
    )
