"""The audit log page: who did what, when it happened, when it was recorded and why, inside
the account's jurisdiction, filtered as ``zhucun audit log`` filters (docs/audit.md) and
paged with the total; each entry in the page's language with a link to what it is about;
exports to Excel and CSV, written and recorded by the command line's own export
(``app.audit.export``); and the state of the hash chain (``audit verify``) with its head as a
checkpoint to keep."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import NotFound

from app.audit.chain import Verdict, checkpoint, verify
from app.audit.entries import AuditFilter
from app.audit.export import Reader, export_log
from app.audit.log import Page, counted_page
from app.audit.objects import pages_of
from app.audit.words import details_in_words, value_in_words
from app.audit.xlsx import TooManyRowsError
from app.describe import WORDS
from app.store.clock import CHINA_TZ
from domain.accounts import Role
from domain.errors import InvalidInputError
from web.audit_filters import Asked, read_filters
from web.auth import principal, roles_required
from web.deps import zhucun
from web.i18n import current_language, fmt_datetime

bp = Blueprint("audit", __name__)

# Auditors, inspectors and the administrators of the city and the counties.
AUDIT_ROLES = (Role.AUDITOR, Role.INSPECTOR, Role.CITY_ADMIN, Role.COUNTY_ADMIN)
WHAT = ("查看审计日志", "read the audit log")
PAGE_SIZE = 50
PAGES_AROUND = 3  # page links either side of the current one
TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
TYPES["csv"] = "text/csv; charset=utf-8"
# A verification of the whole chain reads the whole log (seconds on the demo): its verdict
# is kept this long, and asked again at most this often.
VERDICT_KEPT = timedelta(minutes=5)
VERIFY_AGAIN_AFTER = timedelta(seconds=10)
EXTENSION = "zhucun_audit_chain"

audited = roles_required(*AUDIT_ROLES, what_zh=WHAT[0], what_en=WHAT[1])


@bp.get("/audit")
@audited
def index() -> tuple[str, int]:
    asked = read_filters(request.args, PAGE_SIZE)
    page = None
    if not asked.errors:
        z = zhucun()
        page = counted_page(z.store, z.engine, asked.filter, head=z.projections.head())
    return _render(asked, page), asked.status


@bp.post("/audit/export/<fmt>")
@audited
def export(fmt: str) -> Response | tuple[str, int]:
    """The entries of the filters (every page) as an Excel workbook or CSV, recorded as
    ``DataAccess.Exported`` by the account, exactly as the command line's exports are."""
    if fmt not in TYPES:
        raise NotFound()
    asked = read_filters(request.form, PAGE_SIZE)
    if asked.errors:
        return _render(asked, None), asked.status
    return log_exported(asked.filter, fmt, asked.reason, "web")


def log_exported(f: AuditFilter, fmt: str, reason: str, via: str) -> Response:
    """Every entry of the filters as an Excel workbook or CSV (``fmt``), recorded as
    ``DataAccess.Exported`` by the account with its ``reason``, through ``via`` (web, api): for
    the page and the API alike."""
    who = principal()
    assert who is not None
    z = zhucun()
    now = z.clock.now().astimezone(CHINA_TZ)
    name = f"audit-log-{now:%Y%m%d-%H%M%S}.{fmt}"
    fd, path = tempfile.mkstemp(prefix="zhucun-audit-", suffix=f".{fmt}")
    os.close(fd)
    try:
        try:
            export_log(
                z,
                replace(f, limit=None, page=None),
                fmt,
                Path(path),
                Reader(who.username, who.role.value, reason),
                target=f"{via}:{name}",
                head=z.projections.head(),
            )
        except TooManyRowsError:
            raise InvalidInputError(
                "xlsx",
                "超过 Excel 工作表的行数上限：请缩小筛选范围，或导出 CSV",
                "more rows than an Excel sheet holds: narrow the filters, or export CSV",
            ) from None
        data = open(path, "rb")  # noqa: SIM115 - closed by the response
    finally:
        os.unlink(path)  # the open file stays readable until the response has sent it
    return send_file(data, mimetype=TYPES[fmt], as_attachment=True, download_name=name)


@bp.get("/audit/chain")
@audited
def chain() -> str:
    """The hash chain verified (re-read, recomputed, compared: ``zhucun audit verify``),
    or the verdict of a verification of the last few minutes; ``?again=1`` verifies now."""
    return render_template("audit/chain.html", **chain_verdict(request.args.get("again") == "1"))


@bp.get("/audit/checkpoint.json")
@audited
def checkpoint_json() -> Response:
    """The chain's head as a checkpoint, as ``zhucun audit checkpoint --out FILE`` writes
    it: kept outside the system, ``zhucun audit verify --checkpoint FILE`` later shows the
    log was not altered up to it."""
    z = zhucun()
    z.projections.head()
    cp = checkpoint(z.engine, z.clock.now())
    body = json.dumps(cp.as_dict(), ensure_ascii=False, indent=2) + "\n"
    name = f"checkpoint-{cp.position}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- the page -------------------------------------------------------------------------------


def _render(asked: Asked, page: Page | None) -> str:
    lang = current_language()
    rows = _in_words(page.rows, lang) if page is not None else []
    total = page.total if page is not None and page.total is not None else 0
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template(
        "audit/index.html",
        asked=asked,
        rows=rows,
        total=total,
        shown=page is not None,
        pages=pages,
        numbers=_numbers(asked.page, pages),
        first=(asked.page - 1) * PAGE_SIZE + 1,
        types=[(t, value_in_words("event", t, lang)) for t in WORDS],
        **chain_verdict(False, verify_now=False),
    )


def _in_words(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Each entry as the page shows it, in its language."""
    z = zhucun()
    where = pages_of(z.engine, rows)
    out = []
    for r in rows:
        out.append(
            r
            | {
                "what": r["what_zh"] if lang == "zh" else r["what_en"],
                "recorded": fmt_datetime(r["recorded_at"]),
                "role_words": value_in_words("role", r["role"], lang),
                "actor_words": value_in_words("actor", r["actor_name"], lang),
                "reason_words": value_in_words("reason", r["reason"], lang),
                "fields": details_in_words(r["details"], lang),
                "subject_words": _subject_name(r["subject_name"], lang),
                "link": _link(where.get(r["subject"])),
            }
        )
    return out


# The page of each kind of subject, and the name of its key in the page's address.
PAGE_OF = {
    "unit": ("dashboard.unit", "code"),
    "household": ("history.household", "household_id"),
    "central_household": ("people.central_household", "ch_id"),
    "team": ("teams.team", "team_id"),
    "cadre": ("history.cadre", "cadre_id"),
    "party_member": ("history.subject", "subject"),
    "site": ("history.subject", "subject"),
}


def _link(page: tuple[str, str] | None) -> str | None:
    if page is None:
        return None
    endpoint, name = PAGE_OF[page[0]]
    values: dict[str, Any] = {name: page[1]}
    return url_for(endpoint, **values)


def _subject_name(name: str, lang: str) -> str:
    """The read models name a head of household and a central household in Chinese."""
    if lang == "zh":
        return name
    for zh, en in (("户主 ", "head of household "), ("中心户 户主 ", "central household of ")):
        if name.startswith(zh):
            return en + name[len(zh) :]
    return name


def _numbers(current: int, pages: int) -> list[int]:
    """The page numbers to link to: the first, the last, and a few around the current."""
    around = range(max(1, current - PAGES_AROUND), min(pages, current + PAGES_AROUND) + 1)
    return sorted({1, pages, *around})


# -- the chain ------------------------------------------------------------------------------


@dataclass
class _Kept:
    lock: threading.Lock = field(default_factory=threading.Lock)
    verdict: Verdict | None = None
    at: datetime | None = None


def chain_verdict(again: bool, verify_now: bool = True) -> dict[str, Any]:
    """The latest verdict (verified now when there is none, it is old, or asked again), for
    the chain's page and the API alike."""
    kept: _Kept = current_app.extensions.setdefault(EXTENSION, _Kept())
    z = zhucun()
    now = z.clock.now()
    old = kept.at is None or now - kept.at > (VERIFY_AGAIN_AFTER if again else VERDICT_KEPT)
    if verify_now and old:
        with kept.lock:  # requests arriving meanwhile take the verdict of this one
            if kept.at is None or z.clock.now() - kept.at > VERIFY_AGAIN_AFTER:
                z.projections.head()  # the chain brought to the log's head first
                # Walked in order here: no processes forked from a server's threads.
                verdict = verify(z.store, z.engine, segments=0)
                kept.verdict, kept.at = verdict, z.clock.now()
    at = kept.at
    z.projections.head()  # the chain's head is the log's
    head = checkpoint(z.engine, z.clock.now())
    return {
        "verdict": kept.verdict,
        "at": at,
        "verified_at": fmt_datetime(at) if at else None,
        "since": head.position - kept.verdict.head_position if kept.verdict else 0,
        "head": head,
        "head_time": fmt_datetime(head.time),
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _may_read_audit() -> dict[str, Any]:
        who = principal()
        return {"may_read_audit": who is not None and who.role in AUDIT_ROLES}
