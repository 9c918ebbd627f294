"""The API's description (OpenAPI 3.1): the summary's part written by hand, the reads' part
generated from their typed answers (web/openapi_reads.py, ``with_reads``), and the commands'
part from their models (web/openapi_commands.py).

It says what the API really answers, and schemathesis holds it to that with every check it has
(tests/web/test_openapi_schemathesis.py): the session cookie as the security scheme, 401 and
403 as problem details, 405 with ``Allow`` for any other method.
"""

from __future__ import annotations

from typing import Any

from web import openapi_commands
from web.i18n import LANGUAGES, _, in_chinese
from web.openapi_reads import with_reads
from web.summary import ROWS

PROBLEM_RESPONSE = {"$ref": "#/components/responses/Problem"}
SESSION_COOKIE = "session"  # Flask's default name, kept in web/auth.py's settings


def _summary_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "unit": {
            "type": "string",
            "pattern": "^[0-9]{6,15}$",
            "description": "区划代码 / unit code",
            "examples": ["210500"],
        },
        "name": {"type": "string", "description": "单位名称 / name", "examples": ["本溪市"]},
        "level": {
            "type": "string",
            "enum": ["province", "city", "county", "township", "village", "group"],
            "description": "层级 / level",
        },
    }
    with in_chinese():
        zh = {text: _(text) for _group, rows in ROWS for _f, *texts in rows for text in texts}
    for _group, rows in ROWS:
        for field, label, note in rows:
            properties[field] = {
                "type": "integer",
                "minimum": 0,
                "description": f"{zh[label]}（{zh[note]}） / {label} ({note})",
            }
    required = list(properties)
    properties["as_of"] = {
        "type": "string",
        "format": "date",
        "description": "统计所依的日期，仅在请求带 as_of 或 as_known_at 时给出 / the day counted, "
        "given only when as_of or as_known_at was asked",
    }
    properties["as_known_at"] = {
        "type": ["string", "null"],
        "description": "所知的时刻（UTC），null 即现在；仅在请求带 as_of 或 as_known_at 时给出 "
        "/ the moment known at (UTC), null for now; given only when as_of or as_known_at "
        "was asked",
    }
    properties["freshness"] = {"$ref": "#/components/schemas/Freshness"}
    required.append("freshness")
    return {
        "type": "object",
        "description": "本单位及其全部下级单位的统计：现状，或某日、某时刻所知的情况 / counts for "
        "the unit and everything under it: as they stand now, or on a day as known at a moment",
        "required": required,
        "properties": properties,
    }


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
    return openapi_commands.extend(with_reads(_summary_document(), LANG_PARAMETER))


def _summary_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "zhucun 驻村 API",
            "version": "1",
            "description": "驻村工作队与六级便民服务网络 / village-resident work teams and the "
            "six-level convenience service network.",
        },
        "paths": {
            "/api/v1/summary/{code}": {
                "get": {
                    "operationId": "getSummary",
                    "summary": "单位概况 / summary of a unit and everything under it",
                    "security": [{"session": []}, {"bearerAuth": []}],
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "description": "区划代码 / unit code (city 210500, county 6 digits, "
                            "township 9, village 12, villager group 15)",
                            "schema": {"type": "string", "pattern": "^[0-9]{6,15}$"},
                            "example": "210500",
                        },
                        {
                            "name": "as_of",
                            "in": "query",
                            "required": False,
                            "description": "哪一天的情况（默认今天）/ the network as it was on "
                            "that day (default: today), from 1900-01-01 to today; another day "
                            "finds nothing (404)",
                            "schema": {
                                "type": "string",
                                "format": "date",
                                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                            },
                            "example": "2014-12-31",
                        },
                        {
                            "name": "as_known_at",
                            "in": "query",
                            "required": False,
                            "description": "系统在那一刻所知（北京时间，除非写明时区；只写日期即"
                            "当天结束）/ what the system knew at that moment (Beijing time "
                            "unless a zone is given; a date alone means the end of that day), from "
                            "1970 to today; another moment finds nothing (404)",
                            "schema": {
                                "type": "string",
                                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}"
                                "(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?$",
                            },
                            "example": "2016-12-31T12:00:00+08:00",
                        },
                        LANG_PARAMETER,
                    ],
                    "responses": {
                        "200": {
                            "description": "the summary",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Summary"}
                                }
                            },
                        },
                        "400": PROBLEM_RESPONSE,
                        "401": {"$ref": "#/components/responses/LoginNeeded"},
                        "403": {"$ref": "#/components/responses/Forbidden"},
                        "404": PROBLEM_RESPONSE,
                    },
                },
            },
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
                "Summary": _summary_schema(),
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
