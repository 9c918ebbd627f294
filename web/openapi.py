"""The API's description (OpenAPI 3.1): here only its shared frame (the info, the security
schemes, the problem details and the freshness every answer shares, the language parameter,
the path of this description itself); the summary's and the reads' parts are generated from
their typed answers (web/openapi_reads.py, ``with_reads``), the commands' part from their
models (web/openapi_commands.py).

It says what the API really answers, and schemathesis holds it to that with every check it has
(tests/web/test_openapi_schemathesis.py): the session cookie as the security scheme, 401 and
403 as problem details, 405 with ``Allow`` for any other method.
"""

from __future__ import annotations

from typing import Any

from web import openapi_commands
from web.i18n import LANGUAGES
from web.openapi_reads import with_reads

SESSION_COOKIE = "session"  # Flask's default name, kept in web/auth.py's settings


def _count(zh: str, en: str) -> dict[str, Any]:
    return {"type": "integer", "minimum": 0, "description": f"{zh} / {en}"}


FRESHNESS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "读模型读到日志的哪里 / how far into the log the read models' answer reaches",
    "required": ["position", "head", "behind", "lag_seconds", "stopped"],
    "properties": {
        "position": _count(
            "各读模型都已处理到的日志位置", "the log position every read model reached"
        ),
        "head": _count("日志最后一条事件的位置", "the position of the log's last event"),
        "behind": _count("尚未反映在答复中的事件数", "events not yet in the answer"),
        "lag_seconds": {
            "type": "number",
            "minimum": 0,
            "description": "其中最早一条记录至今的秒数 / seconds since the first of those was "
            "recorded",
        },
        "stopped": {
            "type": "object",
            "description": "因无法处理某事件而停止的读模型 / read models stopped by an event "
            "they could not apply",
            "additionalProperties": {
                "type": "object",
                "required": ["position", "error"],
                "properties": {
                    "position": _count("停在此事件之前", "stopped before this event"),
                    "error": {"type": "string", "description": "错误 / the error"},
                },
            },
        },
    },
}


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details, with the message in both languages",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri-reference",
            "description": "tag:zhucun.example,2014:problem:CODE for a refusal, "
            "about:blank for a plain HTTP error",
        },
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "in the asked language"},
        "instance": {"type": "string", "format": "uri-reference"},
        "code": {
            "type": "string",
            "description": "stable machine-readable code of the refusal",
            "examples": ["unit_not_found", "invalid_input"],
        },
        "field": {"type": "string", "description": "the input the refusal concerns"},
        "zh": {"type": "string", "description": "中文说明"},
        "en": {"type": "string", "description": "English message"},
    },
}

LANG_PARAMETER: dict[str, Any] = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "language of error messages: "
    + " or ".join(LANGUAGES)
    + "; any other value is ignored (then Accept-Language, else zh)",
    "schema": {"type": "string", "examples": list(LANGUAGES)},
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def openapi_document() -> dict[str, Any]:
    return openapi_commands.extend(with_reads(_frame(), LANG_PARAMETER))


def _frame() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "zhucun 驻村 API",
            "version": "1",
            "description": "驻村工作队与六级便民服务网络 / village-resident work teams and the "
            "six-level convenience service network.",
        },
        "paths": {
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "本说明 / this description",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "the OpenAPI document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                },
            },
        },
        "security": [{"session": []}, {"bearerAuth": []}],
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": SESSION_COOKIE,
                    "description": "登录后的会话 cookie（在 /login 登录）；退出登录、修改密码或停用"
                    "账号后失效 / the session cookie set by logging in at /login; it ends at "
                    "logout, a new password or the account's suspension",
                },
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "个人 API 令牌（zct_…，`zhucun users token add` 或"
                    "“我的账号”页生成） / a personal API token (zct_…), made with "
                    "`zhucun users token add` or on the account page; it acts with its "
                    "account's role and jurisdiction",
                },
            },
            "schemas": {
                "Freshness": FRESHNESS_SCHEMA,
                "Problem": PROBLEM_SCHEMA,
            },
            "responses": {
                "Problem": _problem("refused or not found"),
                "LoginNeeded": _problem(
                    "未登录，或会话已结束 / no session, or the session has ended"
                ),
                "Forbidden": _problem(
                    "不在本账号的管辖范围内 / outside the account's jurisdiction"
                ),
            },
        },
    }
