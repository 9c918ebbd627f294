"""The commands' part of the API's description (OpenAPI 3.1), generated, not written by hand.

Each command's request body is a msgspec model made here from the command's own definition
(app/schemas.py, ADR 039): the envelope of a line of ``zhucun apply`` tagged by ``command``,
its ``args`` the JSON Schema of the command's arguments. ``msgspec.json.schema_components``
turns them into components and one union discriminated by ``command`` (a ``oneOf``: the tags
make the choices exclusive). The answers and the problem details are described beside them;
schemathesis holds ``POST /api/v1/commands`` to all of it
(tests/web/test_api_commands_schemathesis.py).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Union

import msgspec

from app.commands import COMMANDS
from domain.fields import REASON
from web.api_commands import IDEMPOTENCY_HEADER, MOST_COMMANDS

REF = "#/components/schemas/{name}"
# Kept identical wherever the API's description declares it (bearer tokens: web/auth.py).
BEARER_SCHEME: dict[str, Any] = {"type": "http", "scheme": "bearer"}
CSRF_SCHEME: dict[str, Any] = {
    "type": "apiKey",
    "in": "header",
    "name": "X-CSRFToken",
    "description": "表单的 CSRF 令牌（任一页面表单中的 csrf_token），凭会话 cookie 发送命令时必带 "
    "/ the CSRF token of the session (the csrf_token of any page's form); required with the "
    "session cookie, not with a bearer token",
}


def _model_name(command: str) -> str:
    return "Command_" + command


def command_models() -> list[type[msgspec.Struct]]:
    """One model per command: the envelope, tagged by the command's name."""
    models = []
    for name, spec in COMMANDS.items():
        args_schema = {k: v for k, v in spec.json_schema().items() if k != "$schema"}
        args_schema.pop("type", None)
        models.append(
            msgspec.defstruct(
                _model_name(name),
                [
                    (
                        "args",
                        Annotated[dict[str, Any], msgspec.Meta(extra_json_schema=args_schema)],
                    ),
                    (
                        "occurred_on",
                        Annotated[
                            date,
                            msgspec.Meta(
                                description="发生日期，不晚于今天（北京时间） / the effective "
                                "date, never after today (Beijing time)"
                            ),
                        ],
                    ),
                    (
                        "reason",
                        Annotated[
                            str,
                            msgspec.Meta(
                                min_length=1,
                                max_length=REASON.max_length,
                                description="事由 / why this was done",
                            ),
                        ],
                    ),
                ],
                tag_field="command",
                tag=name,
                forbid_unknown_fields=True,
            )
        )
    return models


def request_components() -> tuple[dict[str, Any], dict[str, Any]]:
    """The request body's schema, and the components it refers to."""
    models = command_models()
    union: Any = Union[tuple(models)]  # noqa: UP007  (a union made at run time)
    batch = msgspec.defstruct(
        "CommandBatch",
        [
            (
                "commands",
                Annotated[
                    list[union],
                    msgspec.Meta(
                        min_length=1,
                        max_length=MOST_COMMANDS,
                        description="一批命令，全部写入或都不写入 / a batch: all written or none",
                    ),
                ],
            )
        ],
        forbid_unknown_fields=True,
    )
    (one, _batch), components = msgspec.json.schema_components([union, batch], ref_template=REF)
    one = {"oneOf": one.pop("anyOf"), **one}
    for schema in components.values():
        for value in schema.get("properties", {}).values():
            items = value.get("items", {})
            if "anyOf" in items and "discriminator" in items:
                value["items"] = {"oneOf": items.pop("anyOf"), **items}
    components["Command"] = one
    for name, spec in COMMANDS.items():
        model = components[_model_name(name)]
        model["title"] = name
        model["description"] = f"{spec.zh} / {spec.en}"
    body = {
        "oneOf": [{"$ref": REF.format(name="Command")}, {"$ref": REF.format(name="CommandBatch")}]
    }
    return body, components


def _text(zh: str, en: str) -> dict[str, Any]:
    return {"type": "string", "description": f"{zh} / {en}"}


FIELD_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["code", "field", "label_zh", "label_en", "zh", "en"],
    "properties": {
        "code": _text("拒绝的代码", "the refusal's stable code"),
        "field": _text("字段名", "the field's name"),
        "label_zh": _text("字段的中文名称", "the field's label in Chinese"),
        "label_en": _text("字段的英文名称", "the field's label in English"),
        "zh": _text("中文说明", "the message in Chinese"),
        "en": _text("英文说明", "the message in English"),
        "index": {
            "type": "integer",
            "minimum": 0,
            "description": "批中命令的序号（从 0 起），仅批量时给出 / the command's index in the "
            "batch, from 0; given for a batch only",
        },
    },
}

COMMANDS_PROBLEM: dict[str, Any] = {
    "allOf": [{"$ref": REF.format(name="Problem")}],
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": REF.format(name="FieldError")},
            "description": "每一处错误 / every error found",
        },
        "index": {
            "type": "integer",
            "minimum": 0,
            "description": "批中第一条出错命令的序号（从 0 起） / the index of the first failing "
            "command of a batch, from 0",
        },
    },
}

WRITTEN: dict[str, Any] = {
    "type": "object",
    "required": ["applied", "events", "position", "results"],
    "properties": {
        "applied": {
            "type": "integer",
            "minimum": 0,
            "description": "办理的命令数 / commands applied",
        },
        "events": {
            "type": "array",
            "description": "写入的事件 / the events written",
            "items": {
                "type": "object",
                "required": ["id", "version", "type", "position", "recorded_at"],
                "properties": {
                    "id": {
                        "type": "string",
                        "format": "uuid",
                        "description": "记录的 id / the record's id",
                    },
                    "version": {"type": "integer", "minimum": 1},
                    "type": _text("事件类型", "the event's type"),
                    "position": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "日志位置 / log position",
                    },
                    "recorded_at": {
                        "type": "string",
                        "format": "date-time",
                        "description": "记录时间（UTC） / when it was recorded (UTC)",
                    },
                },
            },
        },
        "position": {
            "type": "integer",
            "minimum": 0,
            "description": "读模型到达此日志位置即反映本次写入"
            "（见各读取答复的 freshness.position） / the log position a read model must "
            "reach to show this write (see freshness.position in every read)",
        },
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["index"],
                "properties": {"index": {"type": "integer", "minimum": 0}},
            },
            "description": "每条命令的结果 / what each command answered",
        },
    },
}


def _problem(description: str, schema: str = "CommandsProblem") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": REF.format(name=schema)}}},
    }


def commands_path() -> dict[str, Any]:
    body, _components = request_components()
    return {
        "post": {
            "operationId": "postCommands",
            "summary": "办理一条命令或一批命令 / apply one command, or a batch all or nothing",
            "description": "办理人即发送请求的账号；每条命令须在本账号的角色与管辖范围之内。"
            "凭会话 cookie 发送时须带 X-CSRFToken 请求头；凭 bearer 令牌时不必。"
            " / The actor is the account that sends the request; each command must be one its "
            "role may send, on what lies in its jurisdiction. With the session cookie the "
            "X-CSRFToken header is required; with a bearer token it is not.",
            "security": [{"session": [], "csrfToken": []}, {"bearerAuth": []}],
            "parameters": [
                {
                    "name": IDEMPOTENCY_HEADER,
                    "in": "header",
                    "required": False,
                    "description": "幂等键（每个账号各自一套）：同键同请求体的重试得到第一次的"
                    "答复，不再写入；同键不同请求体被拒绝（422） / idempotency key, per "
                    "account: a retry with the same key and body gets the first answer and "
                    "writes nothing; the same key with another body is refused (422)",
                    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,128}$"},
                },
                {"$ref": "#/components/parameters/lang"},
            ],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {
                "201": {
                    "description": "已写入 / written",
                    "content": {
                        "application/json": {"schema": {"$ref": REF.format(name="Written")}}
                    },
                },
                "400": _problem(
                    "请求体不是 JSON，请求头不对，或缺少 CSRF 令牌 / the body is not JSON, a "
                    "header is malformed, or the CSRF token is missing",
                    "Problem",
                ),
                "401": _problem(
                    "未登录，或会话已结束 / no session, or the session has ended", "Problem"
                ),
                "403": _problem(
                    "角色不能办理，或不在管辖范围内（不提及范围外的任何对象） / the role may not "
                    "send it, or it is outside the jurisdiction (naming nothing outside it)"
                ),
                "404": _problem("所指的对象不存在 / what a command names does not exist"),
                "409": _problem(
                    "与同时的修改冲突，或同键的请求仍在办理中：请重试 / a concurrent change, or "
                    "the request with this key still being processed: retry"
                ),
                "422": _problem(
                    "每一处字段错误，或规则拒绝，或幂等键已用于另一请求体 / every field error, a "
                    "rule's refusal, or the idempotency key used with another body"
                ),
                "429": _problem(
                    "登录失败次数过多（登录限制；本端点自身不限流） / too many failed logins (the "
                    "login limit; this endpoint has no rate limit of its own)",
                    "Problem",
                ),
            },
        }
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """The API's description with the commands' part added."""
    _body, components = request_components()
    document["paths"]["/api/v1/commands"] = commands_path()
    parts = document["components"]
    parts["securitySchemes"]["bearerAuth"] = dict(BEARER_SCHEME)
    parts["securitySchemes"]["csrfToken"] = CSRF_SCHEME
    parts.setdefault("parameters", {})["lang"] = {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "错误信息的语言 / language of error messages: zh or en",
        "schema": {"type": "string", "examples": ["zh", "en"]},
    }
    parts["schemas"] |= components | {
        "Written": WRITTEN,
        "FieldError": FIELD_ERROR,
        "CommandsProblem": COMMANDS_PROBLEM,
    }
    return document
