"""Chinese first, English on request, through Flask-Babel message catalogues.

Code and templates write the English text and mark it with ``_()``; the Chinese is in
``web/translations/zh/LC_MESSAGES/messages.po`` (compiled ``.mo`` committed beside it).
A page's language: ``?lang=en|zh`` (remembered in a cookie), else the cookie, else Chinese.
An API message's language: ``?lang=``, else Accept-Language, else Chinese.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, g, request
from flask_babel import (
    Babel,
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_translations,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LOCALES = {"zh": "zh_CN", "en": "en"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"

LEVELS = {
    "province": _l("Province"),
    "city": _l("City"),
    "county": _l("County"),
    "township": _l("Township"),
    "village": _l("Village"),
    "group": _l("Villager group"),
}


def N_(text: str) -> str:
    """Mark a text for the catalogue where it is written; it is translated where shown."""
    return text


ROLES = {
    "city_admin": _l("City administrator"),
    "county_admin": _l("County administrator"),
    "township_officer": _l("Township officer"),
    "team_member": _l("Team member"),
    "inspector": _l("Inspector"),
    "auditor": _l("Auditor (read-only)"),
}


def page_language() -> str:
    """The language of an HTML page: asked for in the URL, else remembered, else Chinese."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else DEFAULT_LANGUAGE


def api_language() -> str:
    """The language of an API message: ``?lang=``, else Accept-Language, else Chinese."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    if request.accept_languages:
        return request.accept_languages.best_match(LANGUAGES, DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


def current_language() -> str:
    lang = g.get("lang")  # one look at the request's globals: pages ask for it at every figure
    if lang is None:
        lang = g.lang = api_language() if request.path.startswith("/api/") else page_language()
    return str(lang)


def select_locale() -> str:
    return LOCALES[current_language()]


@contextmanager
def in_chinese() -> Iterator[None]:
    with force_locale(LOCALES["zh"]):
        yield


def level_label(level: str) -> str:
    return str(LEVELS.get(level, level))


def role_label(role: str) -> str:
    return str(ROLES.get(str(role), role))


def number(value: float | int | None) -> str:
    return "–" if value is None else _number_in(value, current_language())


def percent(value: float | None) -> str:
    return "–" if value is None else _percent_in(value, current_language())


# A page shows the same few counts and rates many times, and Babel's formatting of each is
# the costly part of a figure (as of a date, below).
@lru_cache(maxsize=8192, typed=True)
def _number_in(value: float | int, lang: str) -> str:
    return str(format_decimal(value))


@lru_cache(maxsize=8192, typed=True)
def _percent_in(value: float, lang: str) -> str:
    return str(format_percent(value, "#,##0.0%"))


def fmt_date(value: date | str | None) -> str:
    if value is None:
        return "–"
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return _date_in(d, current_language())


@lru_cache(maxsize=4096)
def _date_in(d: date, lang: str) -> str:
    # Long lists repeat the same few days; Babel's formatting is the costly part of a row.
    return str(format_date(d, "medium"))


def fmt_month(value: str | date) -> str:
    """A month the page's way: 2014年6月, June 2014 (``value``: YYYY-MM or a day in it)."""
    day = date.fromisoformat(f"{value}-01") if isinstance(value, str) else value
    pattern = "y年M月" if current_language() == "zh" else "LLLL y"
    return str(format_date(day, pattern))


def fmt_datetime(value: datetime | str) -> str:
    """A moment in Beijing time, the page's way: 2014年6月6日 10:03:04, Jun 6, 2014, 10:03:04 AM."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return str(format_datetime(moment, "medium"))


def page_gettext(message: str) -> str:
    """A template's ``_()``: the catalogue of the page's language, looked up once a request.

    Flask-Babel's own finds the request's catalogue again at every call, and a page of lists
    calls it a few hundred times. Templates are rendered in the page's language (never
    inside ``in_chinese()``, which code uses to word a refusal in both languages)."""
    found = g.get("catalogue")
    if found is None:
        found = g.catalogue = get_translations()
    return str(found.ugettext(message))


def page_ngettext(singular: str, plural: str, n: int) -> str:
    found = g.get("catalogue")
    if found is None:
        found = g.catalogue = get_translations()
    return str(found.ungettext(singular, plural, n))


def language_url(lang: str) -> str:
    """This page again, in another language."""
    args = request.args.to_dict()
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"


def _remember_language(response: Response) -> Response:
    asked = request.args.get("lang")
    if request.path.startswith("/api/"):
        return response
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", LOCALES[DEFAULT_LANGUAGE])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=page_gettext, ngettext=page_ngettext, newstyle=True
    )
    app.jinja_env.globals.update(
        level_label=level_label,
        role_label=role_label,
        language_url=language_url,
        LANGUAGES=LANGUAGES,
        number=number,
        percent=percent,
        fmt_date=fmt_date,
        fmt_datetime=fmt_datetime,
        fmt_month=fmt_month,
    )
    app.context_processor(lambda: {"lang": current_language()})
    app.after_request(_remember_language)


__all__ = ["LEVELS", "N_", "_", "_l", "current_language", "in_chinese", "init_app", "level_label"]
