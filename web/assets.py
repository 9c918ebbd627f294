"""Where the vendored front-end files are (see web/static/vendor/README.md)."""

from __future__ import annotations

from flask import Flask, redirect, url_for

ECHARTS = "vendor/echarts-6.1.0/echarts.min.js"
HTMX = "vendor/htmx.org-2.0.11/htmx.min.js"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(echarts_js=ECHARTS, htmx_js=HTMX)
    # Browsers ask for /favicon.ico whatever the page says: the same icon.
    app.add_url_rule(
        "/favicon.ico", "favicon", lambda: redirect(url_for("static", filename="favicon.svg"))
    )
