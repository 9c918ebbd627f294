"""``zhucun import``: a workbook or CSV file of one kind of row (households, party members...)
applied all or nothing, and ``zhucun import --template KIND`` writing the kind's template
(app/imports, ADR 044)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from app.cli.common import file_option, opened, print_json
from app.cli.values import OneOf

KIND_NAMES = (
    "households, party_members, central_households, cadres, dispatching_units, service_sites, units"
)


@click.command("import")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", metavar="KIND", help=f"What the rows are: {KIND_NAMES}.")
@click.option("--template", metavar="KIND", help="Write KIND's template workbook to --out.")
@file_option("--out", "Where --template writes.")
@click.option(
    "--lang",
    type=OneOf("模板语言", "template language", ["zh", "en"]),
    default="zh",
    help="The template's headers.",
)
@click.option("--actor", metavar="NAME", help="Who imports (recorded on every row).")
@click.option("--role", default="operator", show_default=True, help="The importer's role.")
@click.option(
    "--on", "occurred_on", metavar="DATE", help="Date of rows that give none (default: today)."
)
@click.option("--reason", metavar="TEXT", help="Reason of rows that give none.")
@file_option("--error-workbook", "On refusal, write the file back here with its errors marked.")
@click.option("--json", "as_json", is_flag=True, help="Print the result (or the errors) as JSON.")
@click.pass_context
def import_rows(
    ctx: click.Context,
    file: Path | None,
    kind: str | None,
    template: str | None,
    out: Path | None,
    lang: str,
    actor: str | None,
    role: str,
    occurred_on: str | None,
    reason: str | None,
    error_workbook: Path | None,
    as_json: bool,
) -> None:
    """Import FILE (.xlsx or .csv) of one KIND of row, all or nothing; rows imported before
    are skipped. On refusal nothing is written, every error is listed by row and column,
    and --error-workbook gives the file back with its errors marked."""
    from app.args import parse_date
    from app.imports.marked import marked_copy
    from app.imports.marked import template as template_of
    from app.imports.run import Envelope, ImportRefused, import_file, kind_named

    if template is not None:
        if out is None:
            raise click.UsageError("--template needs --out FILE.xlsx")
        out.write_bytes(template_of(kind_named(template), lang))
        click.echo(f"wrote the template of {kind_named(template).name} to {out}")
        return
    if file is None or kind is None or actor is None:
        raise click.UsageError("give FILE, --kind and --actor (or --template KIND --out FILE)")
    content = file.read_bytes()
    envelope = Envelope(
        actor, role, parse_date(occurred_on, "occurred_on") if occurred_on else None, reason or ""
    )
    with opened(ctx) as z:
        try:
            result = import_file(z, kind, file.name, content, envelope)
        except ImportRefused as refused:
            if error_workbook is not None:
                error_workbook.write_bytes(marked_copy(refused, file.name, content))
            _refusal(refused.errors, as_json, error_workbook)
            sys.exit(1)
    if as_json:
        print_json(result.as_dict())
        return
    click.echo(
        f"imported {result.applied} row(s) of {result.kind}, {result.events} event(s)"
        + (f", skipped {result.skipped} imported before" if result.skipped else "")
    )


def _refusal(errors: list[Any], as_json: bool, marked: Path | None) -> None:
    if as_json:
        print_json({"refused": True, "errors": [e.as_dict() for e in errors]})
    for e in errors:
        where = f"row {e.row}" + (f", column {e.column} ({e.column_label})" if e.column else "")
        click.echo(f"{where}: {e.code} [{e.field}]: {e.zh} / {e.en}", err=True)
    click.echo(
        "nothing was written"
        + (f"; the file with its errors marked: {marked}" if marked is not None else ""),
        err=True,
    )
