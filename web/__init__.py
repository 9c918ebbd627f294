"""The web side: a Flask app factory, one blueprint per feature, and the JSON API under /api/v1.

``create_app()`` is the one wiring point for HTTP: it takes a ready ``Zhucun`` (tests, the
``zhucun serve`` command) or bootstraps one from ``ZHUCUN_DATABASE_URL`` (gunicorn:
``gunicorn -w 2 -b 0.0.0.0:8000 'web:create_app()'``). Every page but the login page needs a
logged-in account (see ``web/auth.py`` and docs/web.md).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from app.accounts import Accounts
from app.bootstrap import WEB_WAIT, Zhucun, bootstrap, catch_up_wait
from web import (
    accounts,
    api,
    api_commands,
    api_reads,
    api_uploads,
    api_work,
    assessments,
    assets,
    audit,
    auth,
    charts,
    dashboard,
    deps,
    errors,
    gaps,
    history,
    i18n,
    imports,
    ledger,
    links,
    people,
    proxies,
    records,
    search,
    status,
    summary,
    table_export,
    teams,
)
from web.deps import EXTENSION


def create_app(zhucun: Zhucun | None = None, config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        # None: the database URL comes from ZHUCUN_DATABASE_URL, else the embedded SQLite file.
        ZHUCUN_DATABASE_URL=None,
        # Reverse proxies whose X-Forwarded-For is believed (web/proxies.py): none by default.
        ZHUCUN_TRUSTED_PROXIES=os.environ.get(proxies.SETTING, ""),
        # Seconds a page waits for the read models to catch up (None: no bound); what is
        # left goes on in a thread of this process (docs/projections.md).
        ZHUCUN_CATCH_UP_WAIT=catch_up_wait(WEB_WAIT),
        **auth.session_settings(),
    )
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    if zhucun is None:
        zhucun = bootstrap(app.config["ZHUCUN_DATABASE_URL"])
    app.extensions[EXTENSION] = zhucun
    zhucun.projections.wait = app.config["ZHUCUN_CATCH_UP_WAIT"]
    zhucun.projections.background = True

    deps.init_app(app)
    i18n.init_app(app)
    assets.init_app(app)
    links.init_app(app)
    charts.init_app(app)
    table_export.init_app(app)
    errors.init_app(app)
    status.init_app(app)
    auth.init_app(app, app.config.get("ZHUCUN_ACCOUNTS") or Accounts(zhucun))
    # The pages and the API, in this order (the audit log's blueprint comes with its own setup).
    blueprints = (dashboard, summary, accounts, api, api_commands, api_reads, api_work, api_uploads)
    for module in (*blueprints, teams, history, records, people):
        app.register_blueprint(module.bp)
    audit.init_app(app)
    for module in (ledger, search, gaps, imports, assessments):
        app.register_blueprint(module.bp)
    trusted = proxies.parse_networks(app.config["ZHUCUN_TRUSTED_PROXIES"])
    if trusted:
        app.wsgi_app = proxies.TrustedProxies(app.wsgi_app, trusted)  # type: ignore[method-assign]
    if os.environ.get("ZHUCUN_PROXIES"):
        app.logger.warning(
            "ZHUCUN_PROXIES is no longer read: name the proxies in %s", proxies.SETTING
        )
    return app
