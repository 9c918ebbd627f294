"""The audit log page shows every entry in words (app/audit/words.py, app/describe.py): each
kind of event of the domain has its words, each field of each event its label, and each
value of the domain's fixed lists its Chinese, so that a Chinese page shows no event name,
field name or list value in English."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from enum import StrEnum
from typing import Any

import domain
from app.audit.words import FIELDS, HIDDEN, VALUES, details_in_words, value_in_words
from app.describe import META_FIELDS, WORDS
from domain.base import NetworkAggregate

BASES = {name for name, kind in vars(NetworkAggregate).items() if inspect.isclass(kind)}


def _events() -> dict[str, set[str]]:
    """Every event of the domain (``Aggregate.Event``) and its own fields."""
    out: dict[str, set[str]] = {}
    for found in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(found.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, NetworkAggregate) or cls is NetworkAggregate:
                continue
            kinds = {
                name: event
                for name, event in vars(cls).items()
                if inspect.isclass(event) and issubclass(event, NetworkAggregate.Event)
            }
            for name, event in kinds.items():
                # The bases the others stand on (``Event``, ``Created``, ``SetsFields``,
                # ``FromAddress``) are never recorded themselves; the library gives each
                # aggregate its own copy of the bases ``NetworkAggregate`` defines.
                if name in BASES or any(
                    o is not event and issubclass(o, event) for o in kinds.values()
                ):
                    continue
                fields: set[str] = set()
                for base in event.__mro__:
                    for field, kind in vars(base).get("__annotations__", {}).items():
                        if "ClassVar" not in str(kind):
                            fields.add(field)
                out[f"{cls.__name__}.{name}"] = fields - META_FIELDS
    return out


def test_every_kind_of_event_has_its_words() -> None:
    events = _events()
    assert len(events) > 60
    assert sorted(set(events) - set(WORDS)) == []


def test_every_field_of_every_event_has_a_label_in_both_languages() -> None:
    unlabelled = {
        (event, field)
        for event, fields in _events().items()
        for field in fields
        if field not in FIELDS and field not in HIDDEN
    }
    assert sorted(unlabelled) == []
    for zh, en in FIELDS.values():
        assert zh and en and not zh.isascii()


def test_every_value_of_a_listed_field_has_its_chinese() -> None:
    for field, values in VALUES.items():
        for value, (zh, en) in values.items():
            assert zh and en, (field, value)
            assert not zh.isascii(), (field, value, zh)


def test_values_lists_and_amounts_read_in_the_page_s_language() -> None:
    fields: dict[str, Any] = {
        "level": "village",
        "young": True,
        "budget_fen": 1234567,
        "sources": "['fiscal', 'party_fee']",
        "filters": {"event": "Household.Registered", "backdated_only": "True"},
        "flag": "sector_mismatch",
        "flag_zh": "派出单位的系统与村的类别不符",
        "flag_en": "the unit's sector does not suit the village",
    }
    assert details_in_words(fields, "zh") == [
        ("层级", "村"),
        ("年轻干部", "是"),
        ("预算（元）", "12,345.67"),
        ("资金来源", "财政投入；党费补贴"),
        ("筛选条件", "事项：登记户；只看补录：是"),
        ("标记", "派出单位的系统与村的类别不符"),
    ]
    english = dict(details_in_words(fields, "en"))
    assert english["level"] == "village" and english["flag"].startswith("the unit's sector")
    assert english["filters"] == "event：household registered；back-dated only：yes"
    assert value_in_words("role", "county_admin", "zh") == "县(区)管理员"
    assert value_in_words("problem", "no such value", "zh") == "no such value"  # as recorded


def test_the_domain_s_lists_are_all_known_where_their_fields_are_shown() -> None:
    from domain.cadres import Sector
    from domain.levels import Level

    for enum, field in ((Sector, "sector"), (Level, "level")):
        members: list[StrEnum] = list(enum)
        assert {m.value for m in members} <= set(VALUES[field])
