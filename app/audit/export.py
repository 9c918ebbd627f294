"""The audit log written to a file an auditor can file away (an Excel workbook, CSV or JSON),
and the record of it: one export use case for the command line (``zhucun audit log --xlsx``,
``--csv --out``, ``--json --out``) and the web's audit log page, recorded alike
(docs/audit.md, "Reads are recorded too")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from app.audit.access import record_export, record_personal_data_view
from app.audit.chain import checkpoint
from app.audit.log import AuditFilter, audit_rows, write_csv
from app.audit.xlsx import write_xlsx
from app.bootstrap import Zhucun
from app.store.clock import CHINA_TZ

FORMATS = ("xlsx", "csv", "json")
WHAT = "audit log"
DEFAULT_REASON = "审计导出 audit export"  # as the command line's --reason has it


@dataclass(frozen=True)
class Reader:
    """Who exports or reads, as recorded: the actor and role, their reason, and the grounds
    on which identity numbers are shown in full (``unmask_grant``), if they are."""

    actor: str
    role: str
    reason: str
    grounds: dict[str, str] = field(default_factory=dict)


@dataclass
class Written:
    """What an export wrote: how many entries, whether it stopped at the filter's limit with
    more to follow, and the log position of its last entry."""

    count: int = 0
    more: bool = False
    last: int | None = None


def export_log(
    z: Zhucun,
    f: AuditFilter,
    fmt: str,
    path: Path,
    reader: Reader,
    target: str | None = None,
    head: int | None = None,
) -> Written:
    """Write the entries matching ``f`` (up to its limit) to ``path`` in ``fmt`` and record
    the export as ``target`` (default: the path): ``DataAccess.Exported``, and
    ``DataAccess.PersonalDataViewed`` when identity numbers are in full (``f.unmasked``). A
    refused export (too many rows for a sheet) leaves no file and records nothing."""
    assert fmt in FORMATS, fmt
    written = Written()
    rows = _counted(z, f, written, head)
    if fmt == "xlsx":
        head_now = checkpoint(z.engine, z.clock.now())
        exported_at = z.clock.now().astimezone(CHINA_TZ).isoformat(timespec="seconds")
        by = f"{reader.actor} ({reader.role})"
        write_xlsx(path, rows, f.given(), head_now, by, exported_at)
    elif fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            write_csv(out, rows)
    else:
        text = json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n"
        path.write_text(text, "utf-8", newline="")
    record_read(z, f, reader, written.count, fmt, target or str(path))
    return written


def record_read(
    z: Zhucun,
    f: AuditFilter,
    reader: Reader,
    count: int,
    fmt: str | None = None,
    target: str | None = None,
) -> None:
    """Record a read of the audit log: an export to ``target`` in ``fmt`` (if any), and a
    view of personal data when identity numbers were shown in full."""
    scope = f.given() | reader.grounds
    if fmt is not None and target is not None:
        record_export(
            z, reader.actor, reader.role, WHAT, fmt, target, scope, count, f.unmasked, reader.reason
        )
    if f.unmasked:
        record_personal_data_view(
            z,
            reader.actor,
            reader.role,
            UUID(f.subject) if f.subject else None,
            what=WHAT,
            entries=count,
            unmasked=True,
            scope=scope,
            reason=reader.reason,
        )


def _counted(
    z: Zhucun, f: AuditFilter, written: Written, head: int | None
) -> Iterator[dict[str, Any]]:
    """The matching rows up to the filter's limit, counted into ``written`` as they go."""
    for n, row in enumerate(audit_rows(z.store, z.engine, f, one_more=True, head=head)):
        if f.limit is not None and n >= f.limit:
            written.more = True
            return
        written.count = n + 1
        written.last = row["position"]
        yield row
