"""What the web writes outside ``POST /api/v1/commands``, through the API (ADR 046): a file
kept by its content's SHA-256 for an evidence or a written report to cite (as the ledger's and
the report's forms keep their uploads, ADR 025/030), a spreadsheet imported all or nothing
(as the import page does, ADR 044), the import's templates, and an assessment run and replayed
(as the assessment pages do: neither is a command).

A file comes as ``multipart/form-data`` (its part named ``file``, as the forms send it) or as
the request's raw body (its name in ``?name=``). The limits, the checks and the refusals are
the pages': the same size limit, the same role and jurisdiction checks, every row error of a
refused import at once (422) with nothing written. A session's request needs the CSRF header,
a token's does not (web/api_commands.py, ``session_csrf``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, Literal, TypeVar, cast
from urllib.parse import quote
from uuid import UUID

import msgspec
from flask import Blueprint, Response, abort, current_app, request
from msgspec import UNSET, UnsetType
from werkzeug.exceptions import NotFound

from app.args import parse_date
from app.assessments.replay import replay
from app.imports.kinds import KINDS, ImportKind
from app.imports.marked import marked_copy, template
from app.imports.run import Envelope, ImportRefused, import_file
from app.jurisdiction import COMMAND_ROLES
from app.ledger.files import guess_media_type
from app.store.files import max_file_bytes
from domain.assessments.periods import RunKind
from domain.base import Meta
from domain.errors import InvalidInputError
from domain.fields import REASON
from domain.ledger.errors import FileTooLargeError
from web.api_clocks import code_in_reach, plain_id, uuid_of
from web.api_commands import BadRequest, session_csrf
from web.api_models import freshness, problem_body
from web.api_reads import audit_filter
from web.assessments import OFFICIALS, REPLAYERS, _role_error, run_in_reach
from web.audit import TYPES as EXPORT_TYPES
from web.audit import audited, log_exported
from web.audit_filters import export_reason
from web.auth import csrf, login_required, principal, refuse
from web.deps import zhucun
from web.errors import PROBLEM_JSON, PROBLEM_TYPE, instance, refusal_members, refusal_problem
from web.i18n import _, current_language
from web.imports import kinds_allowed
from web.table_export import XLSX

bp = Blueprint("api_uploads", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # checked in each view, for requests a browser's session authenticates

# Who may keep a file: who may send a command that cites one.
FILE_ROLES = COMMAND_ROLES["add_six_have_evidence"] | COMMAND_ROLES["submit_written_report"]
NAME_MAX = 255
F = TypeVar("F", bound=Callable[..., Any])
S = TypeVar("S", bound=msgspec.Struct)


def _unprocessable(view: F) -> F:
    """A write's refused field (a file missing or too large, a kind, a period, a code
    written amiss) answers 422, as a command's does; a body that is no JSON object stays a
    bad request (400)."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except InvalidInputError as e:
            if isinstance(e, BadRequest):
                raise
            return refusal_problem(422, _("Invalid input"), e)

    return cast(F, checked)


def _who() -> Any:
    who = principal()
    assert who is not None
    return who


def _sent(name_needed: bool) -> tuple[str, bytes]:
    """The file sent: the ``file`` part of a form, or the raw body; named by ``?name=`` if
    given, else by the part's own name. Refused by name when there is none, its name is
    empty or too long, or it is larger than the store takes."""
    most = max_file_bytes()
    asked = request.args.get("name")
    if request.mimetype == "multipart/form-data":
        part = request.files.get("file")
        if part is None or not part.filename:
            raise InvalidInputError("file", "请选择要上传的文件", "choose the file to send")
        name = part.filename if asked is None else asked
        content = part.stream.read(most + 1)
    else:
        name = asked or ""
        content = request.stream.read(most + 1)  # never more than the limit, and one byte
        if not content:
            raise InvalidInputError("file", "请求体为空：没有文件", "the body is empty: no file")
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    too_long = max(len(name), len(asked or "")) > NAME_MAX
    if ((name_needed or asked is not None) and not name) or too_long:
        raise InvalidInputError(
            "name",
            f"文件名应为 1 至 {NAME_MAX} 个字符（?name=，或表单中文件的名称）",
            f"the file's name must be 1 to {NAME_MAX} characters (?name=, or the form part's)",
        )
    if len(content) > most:
        raise FileTooLargeError(request.content_length or len(content), most)
    return name, content


@bp.post("/files")
@login_required
@_unprocessable
def files() -> tuple[dict[str, Any], int]:
    """Keep a file by its SHA-256, once: the hash an evidence (``add_six_have_evidence``,
    ``file``) or a written report (``submit_written_report``, ``document_sha256``) then cites
    through ``POST /commands``. The same bytes sent again answer the same."""
    session_csrf()
    who = _who()
    if who.role not in FILE_ROLES:
        refuse("role", _role_error(who.role, "上传文件", "send a file"))
    name, content = _sent(name_needed=False)
    stored = zhucun().attach_file(content)
    kept: dict[str, Any] = {"file": stored["file"], "size": stored["size"]}
    if name:
        kept |= {"file_name": name, "media_type": guess_media_type(name)}
    return kept, 201


# -- spreadsheet import ---------------------------------------------------------------------


def _kind(name: str) -> ImportKind:
    """A kind the account's role may import: one it may not is refused (403, recorded) where
    the page, which does not offer it, answers 404; a kind that does not exist, 404."""
    found = KINDS.get(name.strip().lower())
    if found is None:
        abort(404)
    if found not in kinds_allowed():
        who = _who()
        refuse("role", _role_error(who.role, f"导入{found.zh}", f"import {found.en}"))
    return found


@bp.get("/imports")
@login_required
def import_kinds() -> dict[str, Any]:
    """The kinds of rows the account's role may import, as the import page lists them."""
    rows = [{"kind": k.name, "command": k.command, "zh": k.zh, "en": k.en} for k in kinds_allowed()]
    return {"rows": rows, "freshness": freshness(zhucun())}


@bp.get("/imports/<kind>/template.xlsx")
@login_required
def import_template(kind: str) -> Response:
    found = _kind(kind)
    return Response(
        template(found, "zh" if current_language() == "zh" else "en"),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="import-{found.name}.xlsx"'},
    )


@bp.post("/imports/<kind>")
@login_required
@_unprocessable
def import_rows(kind: str) -> Response | tuple[dict[str, Any], int]:
    """Import a workbook (.xlsx) or CSV file of the kind, all or nothing, as the import page
    does: every row checked first; a refused file answers 422 with every error placed by row
    and column, and nothing is written. A file imported again applies only its new rows."""
    session_csrf()
    found = _kind(kind)
    who = _who()
    name, content = _sent(name_needed=True)
    values = request.form if request.mimetype == "multipart/form-data" else request.args
    day = values.get("occurred_on", "").strip()
    envelope = Envelope(
        who.username,
        who.role.value,
        parse_date(day, "occurred_on") if day else None,
        values.get("reason", "").strip(),
    )
    try:
        result = import_file(zhucun(), found.name, name, content, envelope, reach=who.reach())
    except ImportRefused as refused:
        if request.accept_mimetypes.best_match([PROBLEM_JSON, XLSX]) == XLSX:
            return _marked_workbook(refused, name, content)
        return _import_refused(refused)
    return {**result.as_dict(), "freshness": freshness(zhucun())}, 200


def _marked_workbook(refused: ImportRefused, name: str, content: bytes) -> Response:
    """The officials' habit, as the import page gives it: their own workbook back with an
    error column and the bad cells marked (asked for with ``Accept`` of a workbook)."""
    stem = name.rsplit(".", 1)[0]
    response = Response(marked_copy(refused, name, content), status=422, mimetype=XLSX)
    # RFC 6266's filename* for the Chinese stem; the plain one for clients that lack it.
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"errors.xlsx\"; filename*=UTF-8''{quote(stem)}-errors.xlsx"
    )
    return response


def _import_refused(refused: ImportRefused) -> Response:
    first = refused.errors[0]
    body = problem_body(
        422,
        _("Refused by a rule"),
        first.zh if current_language() == "zh" else first.en,
        PROBLEM_TYPE.format(code=first.code),
        instance=instance(),
        **refusal_members(first),
        errors=[e.as_dict() for e in refused.errors],
    )
    response = current_app.response_class(
        current_app.json.dumps(body), status=422, mimetype=PROBLEM_JSON
    )
    response.headers["Content-Language"] = current_language()
    return response


# -- the audit log's export ------------------------------------------------------------------


@bp.post("/audit/export/<fmt>")
@audited
def audit_export(fmt: str) -> Response:
    """Every entry of the filters (the audit log's, as query parameters) as an Excel workbook
    or CSV, recorded as an export by the account with its ``reason``, as the page's export."""
    if fmt not in EXPORT_TYPES:
        raise NotFound()
    session_csrf()
    z = zhucun()
    f = audit_filter(z)
    return log_exported(f, fmt, export_reason(request.args.get("reason", "")), "api")


# -- assessments ----------------------------------------------------------------------------


class RunRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """运行一次考核 / run an assessment of the teams under a unit"""

    kind: Annotated[
        Literal["half_year", "annual"],
        msgspec.Meta(description="半年检查或年度考核 / half-year check or annual assessment"),
    ]
    period: Annotated[
        str,
        msgspec.Meta(
            pattern="^[0-9]{4}(H[12])?$",
            description="考核期：年度 2016，半年 2016H1 或 2016H2（须已结束）/ the period: 2016 "
            "for a year, 2016H1 or 2016H2 for a half year (ended by today)",
        ),
    ]
    unit: (
        Annotated[
            str,
            # Described, and checked after the jurisdiction's check (ADR 043): another
            # county's code, however written, is refused as outside it.
            msgspec.Meta(
                description="单位（默认本账号的）/ the unit (default: own)",
                extra_json_schema={"pattern": "^[0-9]{6,15}$"},
            ),
        ]
        | UnsetType
    ) = UNSET
    run_id: (
        Annotated[
            str,
            msgspec.Meta(
                extra_json_schema={"format": "uuid"},
                description="考核的编号（重试时同一编号不会再写入）/ the run's id: a retry with it "
                "writes nothing again",
            ),
        ]
        | UnsetType
    ) = UNSET
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=REASON.max_length)] | UnsetType = (
        UNSET
    )


class ReplayRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """复算 / replay: as recorded (the default), or with everything known now"""

    known_now: bool = False


# The JSON bodies' fields by their labels, for their refusals.
BODY_LABELS = {
    "kind": ("考核类别", "kind of assessment"),
    "period": ("考核期", "period"),
    "unit": ("单位", "unit"),
    "run_id": ("考核编号", "run's id"),
    "reason": ("事由", "reason"),
    "known_now": ("按现在所知复算", "replay with what is known now"),
}


def _refused_field(text: str) -> InvalidInputError:
    """msgspec's refusal of a body, by the field's label in both languages."""
    named = re.search(r"at `\$\.(\w+)|field `(\w+)`", text)
    name = next((n for n in named.groups() if n), "body") if named else "body"
    if text.startswith("Object contains unknown field"):
        return InvalidInputError(name, f"未知字段：{name}", f"unknown field: {name}")
    zh, en = BODY_LABELS.get(name, (name, name))
    if text.startswith("Object missing required field"):
        return InvalidInputError(name, f"{zh}（{name}）必填", f"{en} ({name}) is required")
    return InvalidInputError(
        name,
        f"{zh}（{name}）的值不对，应如接口说明所写",
        f"{en} ({name}) is invalid: {text.split(' - at ')[0]}",
    )


def _body(model: type[S]) -> S:
    """The request's JSON body read through its model (an empty body: the model's defaults,
    when it has them); a body that is no JSON at all is a bad request (400), one the model
    refuses names the field (422)."""
    raw = request.get_data(cache=True) or b"{}"
    try:
        return msgspec.json.decode(raw, type=model)
    except msgspec.ValidationError as e:
        raise _refused_field(str(e)) from None
    except msgspec.DecodeError:
        raise BadRequest("body", "请求体不是 JSON", "the body is not JSON") from None


@bp.post("/assessments")
@login_required
@_unprocessable
def run_assessment() -> tuple[dict[str, Any], int]:
    """Run an assessment of the teams under a unit, as the assessments page does (officials,
    within their jurisdiction). ``run_id``, if sent, names the run: a retry with the same id
    is refused and writes nothing."""
    session_csrf()
    who = _who()
    if who.role not in OFFICIALS:
        refuse("role", _role_error(who.role, "考核", "run an assessment"))
    sent = _body(RunRequest)
    unit = code_in_reach(who.unit_code if sent.unit is UNSET else sent.unit, field="unit")
    run_id = None
    if sent.run_id:
        run_id = uuid_of(sent.run_id, "run_id")
        plain_id(sent.run_id, "run_id")
    z = zhucun()
    reason = sent.reason or _("Assessment run")
    meta = Meta(who.username, who.role.value, z.today(), reason, z.clock.now())
    done = z.assessments.run(RunKind(sent.kind), sent.period, unit, None, meta, run_id)
    return {**done, "freshness": freshness(z)}, 201


@bp.post("/assessments/<run_id>/replay")
@login_required
@_unprocessable
def replay_assessment(run_id: str) -> dict[str, Any]:
    """Recompute a run as the assessment page's replay does: as it was (reproduced or the
    difference), or with ``{"known_now": true}`` everything known now. Writes nothing."""
    session_csrf()
    shown = run_in_reach(str(uuid_of(run_id, "run")))
    plain_id(run_id, "run")
    who = _who()
    if who.role not in REPLAYERS:
        refuse("role", _role_error(who.role, "复算考核", "replay an assessment"))
    known_now = _body(ReplayRequest).known_now
    z = zhucun()
    found = replay(z.assessments, UUID(shown["run_id"]), known_now=known_now)
    return {**found, "freshness": freshness(z)}
