"""Assessment rule sets are data: each file under rules/assessment/ is valid under its JSON
Schema and reads as a rule set; adopting one records the whole document, revising it takes
the next version; every refusal names its error, on both engines, and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from domain.assessments.errors import (
    EffectiveBeforeAdoptedError,
    InvalidAssessmentRulesError,
    RulesVersionNotNextError,
    UnknownAssessmentInputError,
    WeightsDoNotSumError,
)
from domain.assessments.rules import read_rules
from tests.assess_builders import RULES_FILE, RULES_NAME, adopt, rules_document
from tests.builders import cmd, refused, small_network

SCHEMA = json.loads((RULES_FILE / "schema.json").read_text(encoding="utf-8"))
FILES = sorted(p for p in RULES_FILE.glob("*.json") if p.name != "schema.json")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_rule_set_file_is_valid_under_the_schema_and_reads_as_rules(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    rules = read_rules(doc)
    assert path.name == f"{rules.name}.v{rules.version}.json"
    assert sum(w.weight for w in rules.inputs) == 100


def _without(key: str) -> dict[str, Any]:
    doc = rules_document()
    del doc[key]
    return doc


BAD = {
    "a weight written as a float": rules_document(
        inputs=[{"input": "days_checked_in", "weight": 99.5, "full_marks_at": "100"}]
    ),
    "a threshold written as a number": rules_document(
        grades=[
            {"grade": "good", "zh": "好", "at_least": 80},
            {"grade": "fail", "zh": "差", "at_least": "0"},
        ]
    ),
    "an unknown key": rules_document(extra=1),
    "no grades": _without("grades"),
    "an unknown input": rules_document(
        inputs=[{"input": "days_in_village", "weight": 100, "full_marks_at": "100"}]
    ),
    "an unknown reason": rules_document(criticism=[{"reason": "lazy", "months_at_least": 1}]),
    "a name in capitals": rules_document(name="Benxi-2014"),
}

# What the schema lets by: blank words, characters no stored text may hold.
HIDDEN = {
    "a title of nothing but spaces": rules_document(title={"zh": "  ", "en": "x"}),
    "a NUL in the title": rules_document(title={"zh": "考核\x00办法", "en": "x"}),
    "a right-to-left override in a grade": rules_document(
        grades=[
            {"grade": "good", "zh": "良\u202e好", "at_least": "60"},
            {"grade": "fail", "zh": "差", "at_least": "0"},
        ]
    ),
}


@pytest.mark.parametrize("doc", BAD.values(), ids=list(BAD))
def test_what_the_schema_refuses_the_domain_refuses_too(doc):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)
    with pytest.raises((InvalidAssessmentRulesError, UnknownAssessmentInputError)):
        read_rules(doc)


def test_weights_that_do_not_add_up_to_100_are_refused_by_name_on_the_command(zhucun):
    small_network(zhucun)
    doc = rules_document(
        inputs=[
            {"input": "days_checked_in", "weight": 60, "full_marks_at": "100"},
            {"input": "satisfaction", "weight": 30, "full_marks_at": "100"},
        ]
    )
    jsonschema.validate(doc, SCHEMA)  # the schema says it in words; the domain checks it
    e = refused(zhucun, cmd("adopt_assessment_rules", rules=doc, effective_from="2014-01-01"))
    assert isinstance(e.error, WeightsDoNotSumError)
    assert "90" in e.error.en and e.error.field == "rules"


@pytest.mark.parametrize("doc", [*BAD.values(), *HIDDEN.values()], ids=[*BAD, *HIDDEN])
def test_a_malformed_rule_set_is_refused_and_nothing_is_written(zhucun, doc):
    small_network(zhucun)
    e = refused(zhucun, cmd("adopt_assessment_rules", rules=doc, effective_from="2014-01-01"))
    assert isinstance(e.error, InvalidAssessmentRulesError | UnknownAssessmentInputError)


def test_adopting_then_revising_records_each_version_with_its_whole_document(zhucun):
    small_network(zhucun)
    adopt(zhucun)
    adopt(
        zhucun,
        version=2,
        effective_from="2015-01-01",
        commendation={"grade": "good", "quota_percent": "10"},
    )
    found = zhucun.assessments.rule_sets()
    assert [(r["name"], r["version"], r["effective_from"]) for r in found] == [
        (RULES_NAME, 1, "2014-01-01"),
        (RULES_NAME, 2, "2015-01-01"),
    ]
    assert found[1]["content"]["commendation"] == {"grade": "good", "quota_percent": "10"}
    assert found[0]["content"] == rules_document()


@pytest.mark.parametrize("version", [1, 3])
def test_a_version_other_than_the_next_is_refused(zhucun, version):
    small_network(zhucun)
    adopt(zhucun)
    e = refused(
        zhucun,
        cmd("adopt_assessment_rules", rules=rules_document(version), effective_from="2015-01-01"),
    )
    assert isinstance(e.error, RulesVersionNotNextError)
    assert "2" in e.error.en


def test_a_first_version_numbered_2_is_refused(zhucun):
    small_network(zhucun)
    e = refused(
        zhucun, cmd("adopt_assessment_rules", rules=rules_document(2), effective_from="2014-01-01")
    )
    assert isinstance(e.error, RulesVersionNotNextError)


def test_a_revision_taking_effect_before_the_previous_version_is_refused(zhucun):
    small_network(zhucun)
    adopt(zhucun, effective_from="2015-01-01")
    e = refused(
        zhucun,
        cmd("adopt_assessment_rules", rules=rules_document(2), effective_from="2014-12-31"),
    )
    assert isinstance(e.error, EffectiveBeforeAdoptedError)


def test_rules_must_be_an_object(zhucun):
    small_network(zhucun)
    e = refused(zhucun, cmd("adopt_assessment_rules", rules="benxi", effective_from="2014-01-01"))
    assert e.error.field == "rules"
