"""The web side: a Flask app factory, one blueprint per feature, and the JSON API under /api/v1.

``create_app()`` is the one wiring point for HTTP: it takes a ready ``Zhucun`` (tests, the
``zhucun serve`` command) or bootstraps one from ``ZHUCUN_DATABASE_URL`` (gunicorn:
``gunicorn -w 2 -b 0.0.0.0:8000 'web:create_app()'``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.bootstrap import Zhucun, bootstrap
from web import api, errors, i18n, summary
from web.deps import EXTENSION


def create_app(zhucun: Zhucun | None = None, config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        # None: the database URL comes from ZHUCUN_DATABASE_URL, else the embedded SQLite file.
        ZHUCUN_DATABASE_URL=None,
    )
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    if zhucun is None:
        zhucun = bootstrap(app.config["ZHUCUN_DATABASE_URL"])
    app.extensions[EXTENSION] = zhucun

    i18n.init_app(app)
    errors.init_app(app)
    app.register_blueprint(summary.bp)
    app.register_blueprint(api.bp)
    return app
