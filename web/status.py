"""The state of the read models as every page shows it: a read model stopped by an event it
cannot apply (projections/runner.py) is named in a banner, so nobody takes its figures for
today's; so are read models a page read behind the log's head, their catch-up cut short by
its bound (``Projections.wait``) and going on in the background."""

from __future__ import annotations

from typing import Any

from flask import Flask

from web.deps import zhucun
from web.i18n import N_, _

# What each read model answers, as a reader knows it.
MODEL_LABELS = {
    "network": N_("units, households and party members"),
    "coverage": N_("coverage and blind spots"),
    "teams": N_("work teams and residency"),
    "audit": N_("the audit chain"),
    "audit_index": N_("the audit log's filters"),
    "accounts": N_("accounts"),
}


def stopped_models() -> list[dict[str, Any]]:
    """The read models stopped by an event, each with what it answers and where it stopped,
    as the page's own read of the read models found them (no query of its own)."""
    return [
        {"label": _(MODEL_LABELS.get(name, name)), "position": position}
        for name, position in sorted(zhucun().projections.stopped.items())
    ]


def catching_up() -> dict[str, int] | None:
    """Where the page's read stood and how many events it had yet to take in, if any (the
    request's own look at the read models: no query of its own)."""
    position, head = zhucun().projections.behind()
    return {"position": position, "behind": head - position} if position < head else None


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"stopped_models": stopped_models, "catching_up": catching_up})
