"""What a route needs from the application, looked up on the current app."""

from __future__ import annotations

from typing import cast

from flask import current_app

from app.args import FULL_WIDTH_DIGITS
from app.bootstrap import Zhucun
from domain.errors import InvalidInputError

EXTENSION = "zhucun"  # key of the Zhucun instance in app.extensions


def zhucun() -> Zhucun:
    return cast(Zhucun, current_app.extensions[EXTENSION])


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
