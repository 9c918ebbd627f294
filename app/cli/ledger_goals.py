"""The 六有 part of ``zhucun ledger``: a village's goals under the four duties, or the roll-up
counting villages per item and status; and the evidence files, kept by their SHA-256 (ADR
025): ``zhucun ledger attach FILE`` stores one and prints the arguments an evidence line
cites it by, ``zhucun ledger file SHA256 --out PATH`` writes one back out (recorded as an
export: evidence may hold personal data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from app.cli.common import file_option, opened, print_json, reader_options
from app.cli.values import ExistingFile

DEFAULT_REASON = "取回证据文件 evidence file read"
STATUS_WORDS = {
    "not_set": "未设定 not set",
    "unjudged": "未评定 unjudged",
    "not_started": "未开始 not started",
    "under_way": "推进中 under way",
    "met": "已达到 met",
}


def goal_lines(six: dict[str, Any]) -> list[str]:
    out = [
        "",
        f"职责与六有 duties and the six haves  "
        f"(设定 set {six['goals_set']}/6, 已达到 met {six['met']})",
    ]
    for duty in six["duties"]:
        out.append(f"  {duty['zh']} {duty['en']}")
        for g in duty["goals"]:
            if not g["set"]:
                out.append(f"    {g['zh']} {g['goal']}: {STATUS_WORDS['not_set']}")
                continue
            out.append(
                f"    {g['zh']} {g['goal']}: {g['target']}  "
                f"(设定 set {g['set_on']}, revision {g['revision']})"
            )
            j = g["judgement"]
            if j is None:
                out.append(f"      状态 status {STATUS_WORDS['unjudged']}")
            else:
                note = f"（{j['note']}）" if j["note"] else ""
                out.append(
                    f"      状态 status {STATUS_WORDS[j['status']]} — {j['judged_by']} "
                    f"({j['judge_unit']}) {j['on']}{note}"
                )
            for e in g["evidence"]:
                out.append(
                    f"      证据 evidence {e['dated']} [{e['kind_zh']} {e['kind']}] {e['title']}: "
                    f"{e['file_name']} ({e['media_type']}, {e['size']} bytes) "
                    f"sha256 {e['file']}"
                )
    return out


def goal_rollup_lines(six: dict[str, Any]) -> list[str]:
    from domain.ledger.goals import SixHave  # the ledger's domain: not for --help

    out = [
        "",
        "六有 the six haves",
        f"  有六有目标的村 villages with goals {six['villages_with_goals']}, "
        f"六有全部达到 all six met {six['villages_all_met']}",
    ]
    for goal, counts in six["by_goal"].items():
        shown = ", ".join(f"{STATUS_WORDS[k]} {n}" for k, n in counts.items())
        out.append(f"  {SixHave(goal).zh} {goal}: {shown}")
    return out


@click.command("attach")
@click.argument("path", type=ExistingFile("附件文件", "file to attach"))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def attach(ctx: click.Context, path: Path, as_json: bool) -> None:
    """Keep FILE in the store by its SHA-256 (the same bytes are kept once) and print the
    arguments an `add_six_have_evidence` line cites it by."""
    from app.ledger.files import guess_media_type
    from app.store.files import max_file_bytes
    from domain.ledger.errors import FileTooLargeError

    most = max_file_bytes()
    size = path.stat().st_size
    if size > most:  # refused before the bytes are read
        raise FileTooLargeError(size, most)
    content = path.read_bytes()
    with opened(ctx) as z:
        stored = z.attach_file(content)
    cite = {
        "file": stored["file"],
        "file_name": path.name,
        "media_type": guess_media_type(path.name),
    }
    if as_json:
        print_json({**cite, "size": stored["size"], "new": stored["new"]})
        return
    state = "已存入 stored" if stored["new"] else "已存在 already stored"
    click.echo(f"{state}: {stored['file']} ({stored['size']} bytes)")
    args = ", ".join(f'"{k}": "{v}"' for k, v in cite.items())
    click.echo(f"引用 cite it as: {args}")


@click.command("file")
@click.argument("sha256")
@file_option("--out", "Write the file's bytes to PATH.", required=True)
@reader_options("reads")
@click.option("--reason", "reason", default=DEFAULT_REASON, show_default=True)
@click.pass_context
def file_command(
    ctx: click.Context,
    sha256: str,
    out: Path,
    as_actor: str | None,
    role: str | None,
    reason: str,
) -> None:
    """Write the stored file SHA256 to PATH, its bytes checked against the hash first. Each
    such read is recorded (DataAccess.Exported): evidence may hold personal data."""
    from app.audit.access import record_export, who
    from app.ledger.files import file_hash
    from domain.ledger.errors import EvidenceWithoutFileError

    wanted = file_hash(sha256)
    if wanted is None:
        raise EvidenceWithoutFileError()
    reader, reader_role = who(as_actor, role)
    with opened(ctx) as z:
        content = z.stored_file(wanted)
        out.write_bytes(content)
        record_export(
            z,
            reader,
            reader_role,
            "evidence file",
            "file",
            str(out),
            {"file": wanted},
            1,
            reason=reason,
        )
    click.echo(f"{len(content)} bytes written to {out}", err=True)
