"""Templates' ``url_for``, remembered: the same link is built once, not once per row.

A unit page builds a hundred links or so, most of them the same few endpoints with the same
arguments, and Werkzeug's URL building is a costly part of rendering a row. A link within
the site depends only on the endpoint, its arguments and where the application is mounted
(the request's script root), so it is kept under those, for every request of the process.
A link asking for more (``_external``, ``_anchor``...), a blueprint-relative endpoint or an
argument that cannot be a key is built every time, as before.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask import url_for as flask_url_for

MOST = 8192  # links kept; past this the memory starts again


def init_app(app: Flask) -> None:
    kept: dict[tuple[Any, ...], str] = {}

    def url_for(endpoint: str, **values: Any) -> str:
        if endpoint.startswith(".") or any(k.startswith("_") for k in values):
            return flask_url_for(endpoint, **values)
        key = (request.script_root, endpoint, *sorted(values.items()))
        try:
            found = kept.get(key)
        except TypeError:  # an argument that cannot be a key (a list)
            return flask_url_for(endpoint, **values)
        if found is None:
            found = flask_url_for(endpoint, **values)
            if len(kept) >= MOST:
                kept.clear()
            kept[key] = found
        return found

    app.jinja_env.globals["url_for"] = url_for
