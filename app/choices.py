"""A form's valid choices narrowed to what the user typed: the type-ahead of the web's forms
(docs/adr/037). The choices are already in memory (those the form may name on its day), so the
search box's rule (projections/search.py ``closeness``: a part of the name, the start of its
pinyin or of its initials) is applied to them rather than asked of the database."""

from __future__ import annotations

from projections.search import closeness, normalised

SHOWN_AT_MOST = 20  # the matches a type-ahead list offers
QUERY_MAX = 40  # as the search box


def narrowed(
    options: list[dict[str, str]], text: str, kept: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """Of a field's valid choices (``{"value", "label"}``), the at most ``SHOWN_AT_MOST`` that
    match ``text`` as the search box matches names, nearest first, else in their order;
    without a text the first ones. The choices already made (``kept``) stay offered, first."""
    query = normalised(text)[:QUERY_MAX]
    if query:
        near = ((closeness(query, o["label"]), i) for i, o in enumerate(options))
        ranked = sorted((r, i) for r, i in near if r is not None)
        out = [options[i] for _, i in ranked[:SHOWN_AT_MOST]]
    else:
        out = options[:SHOWN_AT_MOST]
    return [o for o in options if o["value"] in kept and o not in out] + out
