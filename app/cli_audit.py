"""``zhucun audit``: tamper evidence for the stored log (docs/audit.md)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from uuid import UUID

import click

from app.audit import checkpoint, parse_checkpoints, verify
from app.audit_log import BACKDATED_DAYS, AuditFilter, as_csv, audit_rows


@click.group()
def audit() -> None:
    """Audit trail: checkpoints of the hash chain over the log, and verifying the log."""


@audit.command("checkpoint")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the checkpoint to FILE (JSON), to keep outside the system.",
)
@click.pass_context
def audit_checkpoint(ctx: click.Context, out: Path | None) -> None:
    """Print the chain's head (position, link, time) as one line of JSON.

    Keep it where the system's operators cannot rewrite it (print it, mail it, file it);
    lines appended to one file make a series that `audit verify --checkpoint` reads.
    """
    from app.cli import opened

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
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Checkpoint file(s) from `audit checkpoint` (a JSON object, a list, or JSON lines).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def audit_verify(ctx: click.Context, checkpoint_file: Path | None, as_json: bool) -> None:
    """Re-read the whole log, recompute the hash chain and compare it with the stored chain
    (and the checkpoints). Exit 0 if intact; else name the first position where a stored
    event was changed, deleted, inserted or reordered, and exit 1."""
    from app.cli import opened, print_json

    with opened(ctx) as z:
        cps = (
            parse_checkpoints(checkpoint_file.read_text("utf-8"))
            if checkpoint_file is not None
            else []
        )
        verdict = verify(z.store, z.engine, cps)
    if as_json:
        print_json(verdict.as_dict())
    elif verdict.problem is None:
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
    if verdict.problem is not None:
        p = verdict.problem
        click.echo(f"TAMPERED {p.kind} at position {p.position}: {p.zh} / {p.en}", err=True)
        sys.exit(1)


@audit.command("log")
@click.option("--unit", "unit", metavar="CODE", help="That unit and everything under it.")
@click.option("--actor", "actor", metavar="ID", help="Entries recorded by this actor.")
@click.option("--type", "event", metavar="EVENT", help="An event type, e.g. Household.Registered.")
@click.option(
    "--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Occurred on or after."
)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Occurred on or before.")
@click.option("--subject", "subject", metavar="ID", help="Entries about this aggregate id.")
@click.option(
    "--recorded-from", type=click.DateTime(["%Y-%m-%d"]), help="Recorded on or after (Beijing)."
)
@click.option(
    "--recorded-to", type=click.DateTime(["%Y-%m-%d"]), help="Recorded on or before (Beijing)."
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N rows.")
@click.option(
    "--backdated-days",
    type=click.IntRange(min=0),
    default=BACKDATED_DAYS,
    show_default=True,
    help="Flag entries that occurred more than this many days before they were recorded.",
)
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv_", is_flag=True)
@click.pass_context
def audit_log(
    ctx: click.Context,
    unit: str | None,
    actor: str | None,
    event: str | None,
    date_from: datetime | None,
    date_to: datetime | None,
    subject: str | None,
    recorded_from: datetime | None,
    recorded_to: datetime | None,
    limit: int | None,
    backdated_days: int,
    as_json: bool,
    as_csv_: bool,
) -> None:
    """Every matching entry of the log: position, recorded at, occurred on (flagged when
    back-dated), actor and role, what happened (zh / en), subject, details, reason."""
    from app.cli import opened, print_json

    try:
        subject = str(UUID(subject)) if subject else None
    except ValueError:
        raise click.BadParameter(f"not an id: {subject!r}", param_hint="--subject") from None
    if as_json and as_csv_:
        raise click.UsageError("--json and --csv are exclusive")
    f = AuditFilter(
        unit=unit,
        actor=actor,
        event=event,
        occurred_from=date_from.date() if date_from else None,
        occurred_to=date_to.date() if date_to else None,
        recorded_from=recorded_from.date() if recorded_from else None,
        recorded_to=recorded_to.date() if recorded_to else None,
        subject=subject,
        limit=limit,
        backdated_days=backdated_days,
    )
    with opened(ctx) as z:
        z.projections.catch_up()
        rows = list(audit_rows(z.store, z.engine, f))
    if as_json:
        print_json(rows)
    elif as_csv_:
        click.echo(as_csv(rows), nl=False)
    else:
        for r in rows:
            flag = " [补录 back-dated]" if r["backdated"] else ""
            click.echo(
                f"#{r['position']} recorded {r['recorded_at']} occurred {r['occurred_on']}{flag} "
                f"{r['actor']} ({r['role']}): {r['what_zh']} / {r['what_en']} "
                f"{r['subject']} {json.dumps(r['details'], ensure_ascii=False)} "
                f"reason: {r['reason']}"
            )
    click.echo(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}", err=True)
