"""``POST /api/v1/commands``: one command, or a batch applied all or nothing, for the account
that sends it (docs/adr/042-api-commands-and-idempotency.md).

A command is the envelope of a line of ``zhucun apply`` (docs/commands.md section 2) without
``actor``, ``role`` and ``key``: the actor is the account (``g.principal``, however it was
authenticated), and a retry is told apart by the ``Idempotency-Key`` header. Each command is
read as ``apply`` reads a line (``parse_command_line``, ``every_refusal``) and runs through
the one role and jurisdiction check every write path goes through (``Zhucun.execute`` with the
account's reach, app/jurisdiction.py), on the value the command will use.

A request authenticated by the session cookie must carry the form's CSRF token in the
``X-CSRFToken`` header; one without a logged-in session (a bearer token) needs none, as no
browser sends such a request on another site's behalf.
"""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Blueprint, Response, current_app, g, request, session

from app.bootstrap import BatchRefused, BatchResult
from app.commands import COMMANDS, CommandLine, every_refusal, parse_command_line, read_json_line
from app.schemas import argument_label
from app.store.receipts import digest
from domain.account_errors import OutsideJurisdictionError, RoleNotAllowedError
from domain.errors import (
    ConcurrentChangeError,
    InvalidInputError,
    RequestInProgressError,
    RuleViolation,
    ZhucunError,
)
from domain.fields import field
from web.api_models import problem_body
from web.auth import accounts, address, csrf, login_required, principal
from web.deps import zhucun
from web.errors import PROBLEM_JSON, PROBLEM_TYPE, instance, refusal_members, status_of
from web.i18n import _, current_language

bp = Blueprint("api_commands", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # checked in the view, for requests a browser's session authenticates

ENVELOPE = ("command", "args", "occurred_on", "reason")
MOST_COMMANDS = 1000  # in one batch
# The draft's key is a string; here: 1 to 128 visible ASCII characters.
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,128}")
IDEMPOTENCY_HEADER = "Idempotency-Key"
# How long a retry waits for the answer of the same request still being processed.
WAIT_FOR_ANSWER_SECONDS = 5.0


def session_csrf() -> None:
    """A session's request needs the X-CSRFToken header (else a 400 problem); one a token
    authenticates does not, whatever cookie comes with it: the cookie is not read then. For
    every API route that writes (its blueprint exempt from the global check)."""
    by_session = g.get("bearer") is None and session.get("user") is not None
    if by_session and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


@bp.post("/commands")
@login_required
def commands() -> Response:
    who = principal()
    assert who is not None
    session_csrf()
    key = _idempotency_key()
    body = _body()
    try:
        items, batch = _commands_of(body)
    except _Invalid as e:
        return _refused(422, [(0, e.error)], False, [])
    refused: list[tuple[int, ZhucunError]] = [
        (i, e) for i, item in enumerate(items) for e in _every_refusal(item)
    ]
    if refused:
        return _refused(422, refused, batch, items)
    lines = [
        parse_command_line({**item, "actor": who.username, "role": who.role.value})
        for item in items
    ]
    z = zhucun()
    receipt = (f"api:{len(who.username)}:{who.username}:{key}", body) if key else None
    try:
        result = z.execute(lines, reach=who.reach(), receipt=receipt)
    except BatchRefused as e:
        error = e.error
        if isinstance(error, OutsideJurisdictionError | RoleNotAllowedError):
            why = "role" if isinstance(error, RoleNotAllowedError) else "jurisdiction"
            accounts().refuse(who, address(), request.method, request.full_path, why)
        return _refused(_status(error), [(e.line_no - 1, error)], batch, items)
    if receipt is not None and result.earlier is not None:
        return _earlier(receipt, result)
    text = current_app.json.dumps(_written(result, lines, batch))
    if receipt is not None:
        z.answered(receipt[0], 201, text, lines[0].meta(z.clock.now()))
    return _json(201, text)


# -- reading the request ------------------------------------------------------------------------


def _idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise _bad_request(
            IDEMPOTENCY_HEADER,
            "Idempotency-Key 应为 1 至 128 个可见的 ASCII 字符",
            "Idempotency-Key must be 1 to 128 visible ASCII characters",
        )
    return key


def _body() -> Any:
    raw = request.get_data(cache=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_request("body", "请求体不是 UTF-8 文字", "the body is not UTF-8 text") from None
    try:
        return read_json_line(text)
    except InvalidInputError as e:
        raise _bad_request("body", e.zh, e.en) from None


class BadRequest(InvalidInputError):
    """A body that is no JSON at all, or a malformed header: 400, not a field's refusal."""


def _bad_request(name: str, zh: str, en: str) -> BadRequest:
    return BadRequest(name, zh, en)


def _commands_of(body: Any) -> tuple[list[Any], bool]:
    """The commands sent, and whether they came as a batch."""
    if isinstance(body, dict) and "commands" in body:
        extra = sorted(set(body) - {"commands"})
        items = body["commands"]
        if extra:
            names = ", ".join(extra)
            raise _Invalid(
                InvalidInputError(extra[0], f"未知字段：{names}", f"unknown field(s): {names}")
            )
        if not isinstance(items, list) or not items:
            raise _invalid("commands", "应为非空的命令列表", "must be a non-empty list of commands")
        if len(items) > MOST_COMMANDS:
            raise _invalid(
                "commands",
                f"一次至多 {MOST_COMMANDS} 条命令",
                f"holds at most {MOST_COMMANDS} commands",
            )
        return items, True
    return [body], False


class _Invalid(Exception):
    def __init__(self, error: InvalidInputError) -> None:
        self.error = error


def _invalid(name: str, zh: str, en: str) -> _Invalid:
    label = field(name)
    return _Invalid(
        InvalidInputError(name, f"{label.label(name, 'zh')}{zh}", f"{label.label(name, 'en')} {en}")
    )


def _every_refusal(item: Any) -> list[InvalidInputError]:
    """Every refusal of one command as sent, each by its field: the envelope's, then each
    argument's, as ``zhucun apply`` reads them."""
    if not isinstance(item, dict):
        return [
            InvalidInputError(
                "command", "每条命令应为一个 JSON 对象", "each command must be a JSON object"
            )
        ]
    found: list[InvalidInputError] = []
    for name in ("actor", "role", "key"):
        if name in item:
            found.append(
                InvalidInputError(
                    name,
                    f"不接受 {name}：办理人即发送请求的账号，重试请用 Idempotency-Key 请求头",
                    f"{name} is not taken: the actor is the account that sends the request; "
                    "a retry is marked by the Idempotency-Key header",
                )
            )
    unknown = sorted(set(item) - {*ENVELOPE, "actor", "role", "key"})
    if unknown:
        names = ", ".join(unknown)
        found.append(
            InvalidInputError(unknown[0], f"未知字段：{names}", f"unknown field(s): {names}")
        )
    if found:
        return found
    line = {**item, "actor": "api", "role": "api"}
    found = every_refusal(line)
    named = {e.field for e in found}
    try:
        parse_command_line(line)
    except InvalidInputError as e:
        if e.field not in named:
            found.insert(0, e)
    spec = COMMANDS.get(str(item.get("command", "")).strip())
    args = item.get("args")
    if spec is not None and isinstance(args, dict):
        extra = sorted(set(args) - spec.model.__names__)
        if extra:
            names = ", ".join(extra)
            found.append(
                InvalidInputError(extra[0], f"未知参数：{names}", f"unknown argument(s): {names}")
            )
    return found


# -- answers ------------------------------------------------------------------------------------


def _json(status: int, text: str, mimetype: str = "application/json") -> Response:
    return current_app.response_class(text, status=status, mimetype=mimetype)


def _status(error: ZhucunError) -> int:
    if isinstance(error, ConcurrentChangeError | RequestInProgressError):
        return 409
    status = status_of(error)[0]
    return 422 if status == 400 else status


def _label(item: Any, name: str, lang: str) -> str:
    """The field's label: the command's argument's, else the envelope's."""
    sent = item.get("command") if isinstance(item, dict) else None
    spec = COMMANDS.get(sent.strip()) if isinstance(sent, str) else None
    if spec is not None:
        for arg_name, arg in spec.model.arguments():
            if arg_name == name:
                return argument_label(name, arg, lang)
    known = field(name)
    return known.zh if lang == "zh" else known.en


def _error(index: int, error: ZhucunError, batch: bool, items: list[Any]) -> dict[str, Any]:
    item = items[index] if 0 <= index < len(items) else None
    out: dict[str, Any] = {
        "code": error.code,
        "field": error.field,
        "label_zh": _label(item, error.field, "zh"),
        "label_en": _label(item, error.field, "en"),
        "zh": error.zh,
        "en": error.en,
    }
    if batch:
        out["index"] = index
    return out


def _refused(
    status: int, refused: list[tuple[int, ZhucunError]], batch: bool, items: list[Any]
) -> Response:
    first_index, first = refused[0]
    title = {403: _("Forbidden"), 409: _("Please try again"), 404: _("Not found")}.get(
        status, _("Refused by a rule") if isinstance(first, RuleViolation) else _("Invalid input")
    )
    body = problem_body(
        status,
        title,
        first.message(current_language()),
        PROBLEM_TYPE.format(code=first.code),
        instance=instance(),
        **refusal_members(first),
        errors=[_error(i, e, batch, items) for i, e in refused],
    )
    if batch:
        body["index"] = first_index
    response = _json(status, current_app.json.dumps(body), PROBLEM_JSON)
    response.headers["Content-Language"] = current_language()
    return response


def _written(result: BatchResult, lines: list[CommandLine], batch: bool) -> dict[str, Any]:
    """The answer of a request that wrote: each event with its place in the log, and the
    position a read must reach to see them all (``position``)."""
    z = zhucun()
    mine = {(e.originator_id, e.originator_version) for e in result.written}
    logged = [
        le
        for le in z.store.events_of(e.originator_id for e in result.written)
        if (le.event.originator_id, le.event.originator_version) in mine
    ]
    events = [
        {
            "id": str(le.event.originator_id),
            "version": le.event.originator_version,
            "type": type(le.event).__qualname__,
            "position": le.position,
            "recorded_at": le.event.timestamp.isoformat(),
        }
        for le in logged
    ]
    results = [
        {k: v for k, v in r.items() if k != "line"} | {"index": r["line"] - 1}
        for r in result.results
    ]
    return {
        "applied": result.applied,
        "events": events,
        "position": max((le.position for le in logged), default=z.store.max_position()),
        "results": results if batch else results[:1],
    }


def _earlier(receipt: tuple[str, Any], result: BatchResult) -> Response:
    """A request whose key was received before: the same body gets the first answer; another
    body is refused; a first request still being processed is waited for, a little."""
    earlier = result.earlier
    assert earlier is not None
    if earlier.digest != digest("request", receipt[1]):
        reused = RuleViolation(
            IDEMPOTENCY_HEADER,
            "此 Idempotency-Key 已用于另一个请求：请换一个键",
            "this Idempotency-Key was already used for a different request: use a new key",
        )
        return _refused(422, [(0, reused)], False, [])
    z = zhucun()
    deadline = time.monotonic() + WAIT_FOR_ANSWER_SECONDS
    answer = getattr(earlier, "answer", None)
    while answer is None and time.monotonic() < deadline:
        time.sleep(0.05)
        answer = getattr(z.store.load(earlier.id), "answer", None)
    if answer is None:
        response = _refused(409, [(0, RequestInProgressError())], False, [])
        response.headers["Retry-After"] = "1"
        return response
    status, text = answer
    return _json(status, text)
