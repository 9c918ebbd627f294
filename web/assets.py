"""Where the vendored front-end files are (see web/static/vendor/README.md)."""

from __future__ import annotations

from flask import Flask

ECHARTS = "vendor/echarts-6.1.0/echarts.min.js"
HTMX = "vendor/htmx.org-2.0.11/htmx.min.js"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(echarts_js=ECHARTS, htmx_js=HTMX)
