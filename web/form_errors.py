"""A form's refusals, all at once and each beside its field, named by the field's label on
the page (never by the command's argument name), in the page's language.

A form is read as the command it stands for (``app.commands.every_refusal``): every missing
or badly written argument is found in one reading, so the user corrects them together. Only
when the form reads well is the command run; a refusal by the rules (a household already
linked) then comes back beside its field the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from flask import flash

from app.accounts import Principal
from app.bootstrap import BatchRefused
from app.commands import every_refusal, parse_command_line
from domain.account_errors import OutsideJurisdictionError, RoleNotAllowedError
from domain.errors import ZhucunError
from domain.fields import ARGUMENTS, field
from web.auth import refuse
from web.deps import zhucun
from web.i18n import current_language

# A command's argument name as a refusal adds it after the label: "（household）", " (lat)".
_NAMES = "|".join(sorted((re.escape(n) for n in ARGUMENTS), key=len, reverse=True))
_KEYS = {"zh": re.compile(f"（(?:{_NAMES})）"), "en": re.compile(rf" \((?:{_NAMES})\)")}


def worded(error: ZhucunError, label: str | None) -> str:
    """The refusal's text in the page's language, its field named by ``label`` (the form's)
    in place of the command's label and argument name ("户（household）为必填项" → "户为必填项");
    any other argument name it holds after a label is left out ("latitude (lat)")."""
    lang = "zh" if current_language() == "zh" else "en"
    text = error.message(lang)
    name = error.field or ""
    own = field(name)
    said = own.label(name, lang)
    if name and label and text.startswith(said):
        text = label + ("" if lang == "zh" else " ") + text[len(said) :].lstrip()
    if name:  # the field's own name, even where it is no argument of a command ("reason")
        text = text.replace(f"（{name}）" if lang == "zh" else f" ({name})", "")
    return _KEYS[lang].sub("", text)


def beside_fields(
    refusals: Iterable[ZhucunError], beside: Mapping[str, str], labels: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Each refusal beside the form field it concerns (``beside``: the command's argument →
    the form's field; ``labels``: the form's field → its label on the page), the first of
    each field; a refusal of no field of the form above the form."""
    errors: dict[str, str] = {}
    general: list[str] = []
    for error in refusals:
        at = beside.get(error.field or "")
        text = worded(error, labels.get(at or ""))
        if at is None:
            general.append(text)
        elif at not in errors:
            errors[at] = text
    return errors, general


def flash_recorded(text: str, page: str, href: str) -> None:
    """After saving: what was recorded, in words, and the page where it shows (its name and
    address), shown at the top of the next page (web/templates/base.html)."""
    flash({"text": text, "page": page, "href": href}, "recorded")  # type: ignore[arg-type]


class FormRefused(Exception):
    """A form's line refused: every malformed part found in one reading, or else the one
    refusal of the command when it ran; the first sets the page's status."""

    def __init__(self, errors: Sequence[ZhucunError]) -> None:
        super().__init__(errors[0])
        self.errors = list(errors)
        self.first = errors[0]


@contextmanager
def form_refusals(refused: Sequence[ZhucunError]) -> Iterator[None]:
    """Run the block (a form's command, sent) only if ``refused`` is empty; a refusal, the
    first of ``refused`` or the command's, comes out as ``FormRefused`` to show beside the
    fields, but a refusal of the user's role or reach is a 403 page, recorded, never beside a
    field."""
    try:
        if refused:
            raise refused[0]
        yield
    except (BatchRefused, ZhucunError) as e:
        error = e.error if isinstance(e, BatchRefused) else e
        if isinstance(error, RoleNotAllowedError | OutsideJurisdictionError):
            refuse("role" if isinstance(error, RoleNotAllowedError) else "jurisdiction", error)
        raise FormRefused(refused or [error]) from None


def send_form(line: dict[str, Any], who: Principal) -> None:
    """Send a form's command line, if it reads well; else ``FormRefused``."""
    with form_refusals(every_refusal(line)):
        zhucun().execute([parse_command_line(line)], reach=who.reach())
