"""The API's description (OpenAPI 3.1): here only its shared frame (the info, the security
schemes, the language parameter, the path of this description itself, and the schemas of the
problem details and the freshness every answer shares, written from their definitions in
web/api_models.py); the summary's and the reads' parts are generated from
their typed answers (web/openapi_reads.py, ``with_reads``), the commands' part from their
models (web/openapi_commands.py).

It says what the API really answers, and schemathesis holds it to that with every check it has
(tests/web/test_openapi_schemathesis.py): the session cookie as the security scheme, 401 and
403 as problem details, 405 with ``Allow`` for any other method.
"""

from __future__ import annotations

from typing import Any

import msgspec

from web import openapi_commands, openapi_uploads
from web.api_models import Freshness, Problem
from web.i18n import LANGUAGES
from web.openapi_reads import with_reads
from web.openapi_work import WORK_READS

SESSION_COOKIE = "session"  # Flask's default name, kept in web/auth.py's settings


def model_schemas() -> dict[str, Any]:
    """The JSON Schemas of the parts every answer shares, written from the definitions the
    answers are built with (web/api_models.py)."""
    _, schemas = msgspec.json.schema_components(
        [Freshness, Problem], ref_template="#/components/schemas/{name}"
    )
    return schemas


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
    return openapi_uploads.extend(
        openapi_commands.extend(with_reads(_frame(), LANG_PARAMETER, WORK_READS))
    )


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
            "schemas": model_schemas(),
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
