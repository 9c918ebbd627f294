"""Every event the domain can record has its words in Chinese and English (``app/describe.py``):
the history, the audit log and their exports never show an event's class name instead."""

from __future__ import annotations

import importlib
import pkgutil

import domain
from app.describe import WORDS
from domain.base import NetworkAggregate


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


BASES = {name for name, kind in vars(NetworkAggregate).items() if isinstance(kind, type)}


def recordable_events() -> set[str]:
    """The concrete event classes declared in the domain's aggregates (not the bases
    ``NetworkAggregate`` defines, which the library copies into every aggregate, nor a base
    the aggregate's own events share)."""
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    names = set()
    for aggregate in _subclasses(NetworkAggregate):
        for name, value in vars(aggregate).items():
            if (
                isinstance(value, type)
                and issubclass(value, NetworkAggregate.Event)
                and name not in BASES
                and not value.__subclasses__()
            ):
                names.add(value.__qualname__)
    return names


def test_every_event_has_words_in_both_languages():
    events = recordable_events()
    assert len(events) > 60
    missing = sorted(events - set(WORDS))
    assert not missing, f"no words for: {missing}"
    for name in events:
        zh, en = WORDS[name]
        assert zh and not zh.isascii(), name
        assert en and en.isascii(), name
