"""The import use case: a file's rows checked and applied as one batch, all or nothing.

Each row becomes the line ``zhucun apply`` would run (app/commands.py): first every row is
read by its command's schema, every refusal of every row at once (``every_refusal``), and
rows that say the same thing twice are refused; only a file that reads well is run, through
``Zhucun.execute`` with the account's reach (the one jurisdiction check, app/jurisdiction.py,
on the values as normalised), its rules in row order, stopping at the first refusal. Each
row carries a key from its kind and natural key, so a row applied before is skipped and
said to be (app/store/receipts.py). A refusal writes nothing and says, for each error, the
row and column of the file and why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from app.bootstrap import BatchRefused
from app.commands import COMMANDS, CommandLine, every_refusal, parse_command_line
from app.imports.kinds import KINDS, ImportKind
from app.imports.sheet import Table, file_refused, read_table
from app.store.receipts import receipt_id
from domain.errors import InvalidInputError, ZhucunError
from projections.collector import collector_paused

if TYPE_CHECKING:
    from app.bootstrap import Zhucun
    from app.jurisdiction import Reach


@dataclass(frozen=True)
class RowError:
    """One refusal, placed: the file's row and column (1-based; no column when the error
    names none of the file's), and why in zh and en."""

    row: int
    column: int | None
    column_label: str  # the column's header in Chinese ("" when it names none)
    column_label_en: str
    field: str
    code: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class ImportRefused(Exception):
    """The file refused; nothing of it was written. ``errors``, each placed in the file."""

    def __init__(self, kind: ImportKind, table: Table, errors: list[RowError]) -> None:
        first = errors[0]
        super().__init__(f"row {first.row}: {first.en}")
        self.kind, self.table, self.errors = kind, table, errors


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    applied: int = 0
    skipped: int = 0  # rows applied by an earlier import of the same rows
    events: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)  # per row: row, ids or skipped

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Envelope:
    """Who imports, and the date and reason of rows that give none."""

    actor: str
    role: str = "operator"
    occurred_on: date | None = None
    reason: str = ""


def kind_named(name: str) -> ImportKind:
    kind = KINDS.get(name.strip().lower())
    if kind is None:
        names = ", ".join(KINDS)
        raise InvalidInputError(
            "kind",
            f"未知的导入类型 {name[:40]!r}，可用：{names}",
            f"unknown kind {name[:40]!r}; one of: {names}",
        )
    return kind


def import_file(
    z: Zhucun,
    kind_name: str,
    filename: str,
    content: bytes,
    envelope: Envelope,
    reach: Reach | None = None,
) -> ImportResult:
    """Check every row of the file, then apply them all or none (``ImportRefused``)."""
    kind = kind_named(kind_name)
    table = read_table(kind, filename, content)
    if not table.rows:
        raise file_refused("文件中只有表头，没有数据行", "the file has a header row and no rows")
    day = (envelope.occurred_on or z.today()).isoformat()
    reason = envelope.reason or f"导入{kind.zh}：{filename[:200]}"
    errors: list[RowError] = []
    lines: list[tuple[int, CommandLine]] = []
    rows_of_key: dict[str, int] = {}
    receipts: list[UUID] = []  # each row's, loaded together: a file imported again
    made: list[UUID] = []  # what the rows create: looked for together
    spec = COMMANDS[kind.command]
    for row, values in table.rows:
        args = {
            c.name: values[c.name] for c in kind.columns if c.arg is not None and c.name in values
        }
        obj = {
            "command": kind.command,
            "args": args,
            "actor": envelope.actor,
            "role": envelope.role,
            "occurred_on": values.get("occurred_on", day),
            "reason": values.get("reason", reason),
        }
        try:
            read = spec.model.read(args)
            key = kind.key({n: getattr(read, n) for n in kind.natural_key})
            if kind.creates_id:
                read.id = kind.subject_id(key)  # type: ignore[attr-defined]
            # The line as read: a row typed padded or in full-width digits is the row typed
            # plainly, and its receipt's digest says so (a re-import finds it the same).
            plain = {n: _plain(getattr(read, n)) for n, _ in spec.model.arguments()}
            line = parse_command_line({**obj, "args": plain, "key": key})
        except ZhucunError as e:
            # Every refusal of the row at once, each by its column.
            refused: list[ZhucunError] = [*every_refusal(obj)] or [e]
            errors += [placed(kind, table, row, r) for r in refused]
            continue
        if key in rows_of_key:
            errors.append(_repeated(kind, table, row, rows_of_key[key]))
            continue
        rows_of_key[key] = row
        if kind.creates_id:
            made.append(read.id)  # type: ignore[attr-defined]
        receipts.append(receipt_id(key))
        lines.append((row, dataclasses.replace(line, read=read)))
    if errors:
        raise ImportRefused(kind, table, errors)
    try:
        # Every row's aggregates stay in the unit of work to the end, none of them in a
        # cycle: the cyclic collector would walk a heap that only grows (as the demo's load).
        with collector_paused():
            done = z.execute(lines, bulk=True, reach=reach, look_ahead=(receipts, made))
    except BatchRefused as e:
        raise ImportRefused(kind, table, [placed(kind, table, e.line_no, e.error)]) from None
    result = ImportResult(kind.name, len(lines), done.applied, done.skipped, done.events)
    for out in done.results:
        row = out.pop("line")
        result.results.append({"row": row, **out})
    return result


def _repeated(kind: ImportKind, table: Table, row: int, first: int) -> RowError:
    words_zh, words_en = _key_words(kind, "zh"), _key_words(kind, "en")
    return placed(
        kind,
        table,
        row,
        InvalidInputError(
            kind.natural_key[0],
            f"与第 {first} 行重复（同一{words_zh}）",
            f"repeats row {first} (the same {words_en})",
        ),
    )


def _plain(value: Any) -> Any:
    """A value read, as JSON would carry it."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, UUID | date):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _key_words(kind: ImportKind, lang: str) -> str:
    by_name = {c.name: c for c in kind.columns}
    return ("、" if lang == "zh" else ", ").join(by_name[n].header(lang) for n in kind.natural_key)


def placed(kind: ImportKind, table: Table, row: int, error: ZhucunError) -> RowError:
    """The error at its row and, when it names a column of the file, that column."""
    name = error.field
    column = table.position(name)
    named = next((c for c in kind.columns if c.name == name), None)
    zh, en = (named.zh, named.en) if named is not None else ("", "")
    return RowError(row, column, zh, en, name, error.code, error.zh, error.en)
