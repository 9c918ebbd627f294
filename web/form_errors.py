"""A form's refusals, all at once and each beside its field, named by the field's label on
the page (never by the command's argument name), in the page's language.

A form is read as the command it stands for (``app.commands.every_refusal``): every missing
or badly written argument is found in one reading, so the user corrects them together. Only
when the form reads well is the command run; a refusal by the rules (a household already
linked) then comes back beside its field the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from flask import flash

from domain.errors import ZhucunError
from domain.fields import ARGUMENTS, field
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
