"""Cursor paging of the JSON API's reads: ``limit`` rows a page, and an opaque ``cursor``
for the page after, handed out in the answer's ``next``.

Keyset paging: each read orders its rows by a key that names a row for good (a unit's code,
a household's id, a log position), and a cursor holds the key of the last row given. The
next page is the rows whose key comes after it, computed afresh: a row recorded meanwhile
takes its place in the order and no row is given twice or skipped. The cursor is signed
with the application's secret key (itsdangerous, which Flask signs its sessions with) and
bound to the path and the query it was given for: one that was not handed out, or is sent
with another query, finds no page (404); one that is not even of the cursor's form is
invalid input (400), as the description says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from domain.errors import InvalidInputError, NotFoundError

LIMIT_DEFAULT = 100
LIMIT_MAX = 1000
CURSOR = re.compile(r"[A-Za-z0-9_.\-]{1,2000}")
LIMIT = re.compile(r"[0-9]{1,4}")
SALT = "zhucun-api-cursor"
# Not part of what a cursor is bound to: the page's own arguments and the language.
PAGE_ARGS = ("cursor", "limit", "lang")

Key = tuple[str | int, ...]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=SALT)


def _query() -> list[list[str]]:
    """The path's query, what the cursor is bound to: every argument but the page's own."""
    return sorted([k, v] for k, v in request.args.items(multi=True) if k not in PAGE_ARGS)


def limit_asked() -> int:
    text = request.args.get("limit")
    if text is None:
        return LIMIT_DEFAULT
    if not LIMIT.fullmatch(text) or not 1 <= int(text) <= LIMIT_MAX:
        raise InvalidInputError(
            "limit",
            f"limit {text!r} 不对：应为 1 至 {LIMIT_MAX} 的整数",
            f"limit {text!r} is invalid: a whole number from 1 to {LIMIT_MAX}",
        )
    return int(text)


def after_asked() -> Key | None:
    """The key of the last row of the page before, from ``?cursor=``; None for the first."""
    text = request.args.get("cursor")
    if text is None:
        return None
    if not CURSOR.fullmatch(text):
        raise InvalidInputError(
            "cursor",
            f"cursor {text!r} 不对：应原样使用上一页答复中的 next",
            f"cursor {text!r} is invalid: send the previous answer's next as it is",
        )
    try:
        data = _serializer().loads(text)
    except BadSignature:
        data = None
    ok = (
        isinstance(data, dict)
        and data.get("p") == request.path
        and data.get("q") == _query()
        and isinstance(data.get("k"), list)
        and all(isinstance(x, str | int) and not isinstance(x, bool) for x in data["k"])
    )
    if not ok:
        raise NotFoundError(
            "cursor",
            "cursor 不是本查询答复中给出的，找不到这一页",
            "cursor was not given out for this query: there is no such page",
        )
    assert isinstance(data, dict)
    return tuple(data["k"])


def cursor_for(key: Key) -> str:
    return str(_serializer().dumps({"p": request.path, "q": _query(), "k": list(key)}))


def page(
    rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Key]
) -> tuple[list[dict[str, Any]], str | None]:
    """The page asked for of ``rows`` in the order of ``key``, and the next page's cursor
    (None on the last page)."""
    limit, after = limit_asked(), after_asked()
    ordered = sorted(rows, key=key)
    if after is not None:
        ordered = [r for r in ordered if key(r) > after]
    shown = ordered[:limit]
    return shown, cursor_for(key(shown[-1])) if len(ordered) > limit else None


def position_page(
    fetch: Callable[[int, int | None], tuple[list[dict[str, Any]], bool]],
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of rows in log order, fetched by ``fetch(limit, after_position)``, which
    answers the rows and whether more follow: the log's own paging (history, audit log)."""
    limit, after = limit_asked(), after_asked()
    if after is not None and (len(after) != 1 or not isinstance(after[0], int)):
        raise NotFoundError(
            "cursor",
            "cursor 不是本查询答复中给出的，找不到这一页",
            "cursor was not given out for this query: there is no such page",
        )
    rows, more = fetch(limit, int(after[0]) if after else None)
    return rows, cursor_for((int(rows[-1]["position"]),)) if more and rows else None
