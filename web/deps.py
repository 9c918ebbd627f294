"""What a route needs from the application, looked up on the current app."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import cast

from flask import Flask, current_app, g, request

from app.args import FULL_WIDTH_DIGITS
from app.bootstrap import Zhucun
from domain.errors import InvalidInputError

EXTENSION = "zhucun"  # key of the Zhucun instance in app.extensions


def zhucun() -> Zhucun:
    return cast(Zhucun, current_app.extensions[EXTENSION])


def init_app(app: Flask) -> None:
    """One look at the read models per request (``Projections.one_look``): registered before
    any other hook, so that the account's lookup is the look the page's reads then trust."""

    @app.before_request
    def _look() -> None:
        if request.endpoint == "static":  # a file of the app's own: no read model, no account
            return
        look: AbstractContextManager[None] = zhucun().projections.one_look()
        look.__enter__()
        g.zhucun_look = look

    @app.teardown_request
    def _end_look(_error: BaseException | None) -> None:
        look = g.pop("zhucun_look", None)
        if look is not None:
            look.__exit__(None, None, None)


def unit_code(value: str, field: str = "unit") -> str:
    """A unit code as typed in a URL: digits only (full-width ones read as digits), 6 to 15
    of them; normalised as a command's codes are (app/args.py)."""
    code = value.strip().translate(FULL_WIDTH_DIGITS)
    if not (code.isascii() and code.isdigit() and 6 <= len(code) <= 15):
        raise InvalidInputError(
            field,
            f"区划代码 {value!r} 不对：应为 6 至 15 位数字",
            f"unit code {value!r} is invalid: it has 6 to 15 digits",
        )
    return code
