"""The one colour scale of every chart (ADR 038): the bands of a link rate, the colours of
good, fair and bad, and the colours of series that are neither. Defined here once; the pages
carry it as JSON (``base.html``) for ``web/static/colours.js``, which the treemap, the bars,
the trend line and the grades read, and the legends are drawn from the same bands."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

GOOD = "#2e7d32"
FAIR = "#e08e0b"
BAD = "#b22222"
NONE = "#9aa5b1"
PRIMARY = "#0b5cad"

# A link rate below 90 % is bad, below 97 % fair, else good; a unit without households has none.
BAD_BELOW = 0.9
FAIR_BELOW = 0.97

# Series that are no judgement (allocated, spent, left; the trend's line), in order.
SERIES = [PRIMARY, FAIR, GOOD, BAD, NONE]
# Grades best first: green to red, then grey for "not graded".
GRADES = [GOOD, "#7cb342", FAIR, BAD, NONE]


def rate_bands() -> list[dict[str, Any]]:
    """The legend's rows, worst first, each with its colour and its words in the page's
    language."""
    return [
        {"key": "bad", "colour": BAD, "label": _l("below %(pct)s", pct=_pct(BAD_BELOW))},
        {
            "key": "fair",
            "colour": FAIR,
            "label": _l("%(low)s to %(high)s", low=_pct(BAD_BELOW), high=_pct(FAIR_BELOW)),
        },
        {"key": "good", "colour": GOOD, "label": _l("%(pct)s or more", pct=_pct(FAIR_BELOW))},
        {"key": "none", "colour": NONE, "label": _l("no households")},
    ]


def _pct(rate: float) -> str:
    return f"{round(rate * 100)}%"


def scale_json() -> str:
    """The scale as the pages carry it for the charts' script."""
    return json.dumps(
        {
            "good": GOOD,
            "fair": FAIR,
            "bad": BAD,
            "none": NONE,
            "primary": PRIMARY,
            "badBelow": BAD_BELOW,
            "fairBelow": FAIR_BELOW,
            "series": SERIES,
            "grades": GRADES,
        },
        separators=(",", ":"),
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(colour_scale=scale_json, rate_bands=rate_bands)
