"""The refusal catalogue: one table in the code, printed as docs/errors.md."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from domain import catalogue
from domain.errors import CATALOGUE, RuleViolation, ZhucunError

DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"


def test_the_errors_page_is_printed_from_the_catalogue():
    assert DOC.read_text(encoding="utf-8") == catalogue.markdown(), (
        "docs/errors.md differs from the catalogue: python -m domain.catalogue > docs/errors.md"
    )


@pytest.mark.parametrize("cls", CATALOGUE, ids=lambda cls: cls.__name__)
def test_every_refusal_is_a_class_under_its_own_name(cls):
    assert getattr(importlib.import_module(cls.__module__), cls.__name__) is cls
    assert issubclass(cls, ZhucunError)


def test_no_two_refusals_share_a_code_but_a_narrower_kind_of_the_same():
    seen: dict[str, type[ZhucunError]] = {}
    for cls in CATALOGUE:
        if cls.code in seen:
            assert issubclass(cls, seen[cls.code]), cls.__name__
        seen.setdefault(cls.code, cls)


def test_a_refusal_fills_its_sentences_and_names_its_field():
    from domain.errors import HouseholdEndedError, NotTeamMemberError

    e = HouseholdEndedError("李四", "2015-03-01", field="ch_household")
    assert isinstance(e, RuleViolation)
    assert e.as_dict() == {
        "error": "household_ended",
        "field": "ch_household",
        "zh": "户主为李四的户已于 2015-03-01 迁出或注销，不能再办理",
        "en": "the household of 李四 left on 2015-03-01; nothing more can be done on it",
    }
    assert str(NotTeamMemberError("王五", "2015-03-01")) == (
        "2015-03-01 那天 王五 不是任何驻村工作队的在队队员 / "
        "王五 was not a serving member of any work team on 2015-03-01"
    )


def test_a_refusal_takes_the_arguments_of_its_row_and_no_others():
    from domain.errors import CadreNotFoundError

    with pytest.raises(TypeError):
        CadreNotFoundError()
    with pytest.raises(TypeError):
        CadreNotFoundError("c1", "cadre", "one too many")
