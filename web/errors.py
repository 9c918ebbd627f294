"""Refusals and HTTP errors, mapped to a status and rendered in one place.

Pages get an HTML page with the message in both languages; the API gets
``application/problem+json`` (RFC 9457) with the message in the asked language and both
languages as extension members.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from domain.account_errors import (
    LoginFailedError,
    OutsideJurisdictionError,
    RoleNotAllowedError,
    TooManyFailedLoginsError,
)
from domain.errors import (
    ConcurrentChangeError,
    InvalidInputError,
    NotFoundError,
    RuleViolation,
    ZhucunError,
)
from web.api_models import problem_body
from web.i18n import N_, _, current_language, in_chinese

PROBLEM_JSON = "application/problem+json"
# A problem type names the refusal's stable code; tag URIs (RFC 4151) need not resolve.
PROBLEM_TYPE = "tag:zhucun.example,2014:problem:{code}"

# (class, HTTP status, title); the first match wins, so subclasses come first.
STATUS: list[tuple[type[ZhucunError], int, str]] = [
    (TooManyFailedLoginsError, 429, N_("Too many failed logins")),
    (LoginFailedError, 401, N_("Login failed")),
    (OutsideJurisdictionError, 403, N_("Forbidden")),
    (RoleNotAllowedError, 403, N_("Forbidden")),
    (NotFoundError, 404, N_("Not found")),
    (InvalidInputError, 400, N_("Invalid input")),
    (ConcurrentChangeError, 409, N_("Please try again")),
    (RuleViolation, 422, N_("Refused by a rule")),
]

# English text of the messages for plain HTTP errors, by status (translated in the catalogue).
HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: (
        N_("Bad request"),
        N_("The request could not be understood; reload the page and try again."),
    ),
    401: (N_("Please log in"), N_("This page needs a logged-in account.")),
    403: (N_("Forbidden"), N_("This account may not open this page or do this.")),
    404: (N_("Page not found"), N_("There is no page at this address.")),
    405: (N_("Not allowed"), N_("This page cannot be used that way.")),
    500: (
        N_("Something went wrong on our side"),
        N_("The error has been logged; please try again later."),
    ),
}


def status_of(error: ZhucunError) -> tuple[int, str]:
    for cls, status, title in STATUS:
        if isinstance(error, cls):
            return status, title
    return 400, "Invalid input"


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(
    status: int, title: str, detail: str, type_: str = "about:blank", **extensions: Any
) -> Response:
    body = problem_body(status, title, detail, type_, instance=instance(), **extensions)
    response = current_app.response_class(
        current_app.json.dumps(body), status=status, mimetype=PROBLEM_JSON
    )
    response.headers["Content-Language"] = current_language()
    return response


def refusal_problem(status: int, title: str, error: ZhucunError) -> Response:
    """A refusal as the API answers it: a problem of the error's type, its message in the
    page's language, and its members (``refusal_members``)."""
    return problem(
        status,
        title,
        error.message(current_language()),
        PROBLEM_TYPE.format(code=error.code),
        **refusal_members(error),
    )


def refusal_members(error: Any) -> dict[str, Any]:
    """What a problem says of a refusal beside its message: the code, the field, and the
    sentence in Chinese and in English."""
    return {"code": error.code, "field": error.field, "zh": error.zh, "en": error.en}


def instance() -> str:
    """The request's path as a URI reference (RFC 3986): whatever was asked for, even a path
    with spaces, quotes or non-ASCII characters, comes back percent-encoded."""
    return quote(request.path, safe="/:@!$&'()*+,;=-._~")


def error_page(status: int, title_en: str, zh: str, en: str) -> tuple[str, int]:
    messages = [("zh", zh), ("en", en)]
    if current_language() == "en":
        messages.reverse()
    return render_template(
        "errors/error.html", status=status, title=_(title_en), messages=messages
    ), status


def handle_refusal(error: ZhucunError) -> Response | tuple[str, int]:
    status, title = status_of(error)
    if is_api_request():
        return refusal_problem(status, _(title), error)
    return error_page(status, title, error.zh, error.en)


def handle_http_error(error: HTTPException) -> Response | HTTPException:
    status = error.code or 500
    if status < 400:  # redirects and the like are not errors
        return error
    title_en, detail_en = HTTP_MESSAGES.get(status, (error.name, error.description or error.name))
    with in_chinese():
        zh = _(detail_en)
    if is_api_request():
        detail = zh if current_language() == "zh" else detail_en
        response = problem(status, _(title_en), detail)
    else:
        page, _status = error_page(status, title_en, zh, detail_en)
        response = current_app.response_class(page, status=status, mimetype="text/html")
    # What the error itself says must go with it, as werkzeug would send it: ``Allow`` on a
    # 405 (RFC 9110), ``Retry-After`` and the like.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(ZhucunError, handle_refusal)
    app.register_error_handler(HTTPException, handle_http_error)
