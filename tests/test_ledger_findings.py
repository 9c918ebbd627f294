"""What a survey found: opinions, problems with their root causes and the opinions they came
from, and the problems a village's class cites. Both engines; every refusal is named and
writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from tests.builders import TOWNSHIP, VILLAGE_A, VILLAGE_B, apply, cmd
from tests.ledger_builders import ledger_of, oid, opinion, pid, problem
from tests.team_builders import refused, team_network


def survey_of(zhucun, code: str = VILLAGE_A, **when):
    return ledger_of(zhucun, code, **when)["survey"]


def classify(on: str = "2014-06-20", **args):
    values = {"village": VILLAGE_A, "problem": "lagging_development", "finding": "摸底排查"}
    return cmd("classify_village", on=on, **(values | args))


def test_opinions_and_problems_are_listed_with_their_roots_and_sources(zhucun):
    team_network(zhucun)
    apply(
        zhucun,
        opinion(1),
        opinion(2, source="household_visit", category="income", text="想学养殖技术"),
        problem(1, opinions=[oid(1), oid(2), oid(1)]),  # an id given twice counts once
        problem(
            2,
            description="因病致贫户多",
            root_cause="other",
            root_cause_text="地方病",
            opinions=None,
        ),
    )
    s = survey_of(zhucun)
    assert s["opinions"] == 2
    assert s["opinions_by_source"]["household_visit"] == 1
    assert s["opinions_by_category"] == {
        "committees": 0,
        "conditions": 1,
        "collective_economy": 0,
        "income": 1,
        "other": 0,
    }
    assert [o["id"] for o in s["opinion_list"]] == [oid(1), oid(2)]
    first, second = s["problem_list"]
    assert first["id"] == pid(1) and first["opinions"] == [oid(1), oid(2)]
    assert (first["root_cause"], first["root_cause_zh"]) == ("poor_infrastructure", "基础设施薄弱")
    assert (second["root_cause"], second["root_cause_text"], second["opinions"]) == (
        "other",
        "地方病",
        [],
    )
    assert s["problems_by_root_cause"]["poor_infrastructure"] == 1
    assert s["problems_by_root_cause"]["other"] == 1
    assert survey_of(zhucun, as_of=date(2014, 6, 11))["problems"] == 0
    assert survey_of(zhucun, TOWNSHIP)["problems"] == 2


def test_a_problem_citing_an_unknown_opinion_is_refused(zhucun):
    team_network(zhucun)
    r = refused(zhucun, problem(1, opinions=[oid(9)]))
    assert (r.error.code, r.error.field) == ("opinion_not_found", "opinions")
    assert oid(9) in r.error.en


def test_a_problem_citing_an_opinion_of_another_village_is_refused(zhucun):
    team_network(zhucun)
    apply(zhucun, opinion(1, village=VILLAGE_B))
    r = refused(zhucun, problem(1, opinions=[oid(1)]))
    assert (r.error.code, r.error.field) == ("opinion_of_other_village", "opinions")
    assert VILLAGE_B in r.error.zh


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        pytest.param(
            {"root_cause": None}, "invalid_input", "root_cause", id="without_a_root_cause"
        ),
        pytest.param(
            {"root_cause": "bad_luck"}, "invalid_input", "root_cause", id="a_root_cause_not_listed"
        ),
        pytest.param(
            {"root_cause": "other"},
            "root_cause_unexplained",
            "root_cause_text",
            id="a_root_cause_of_other_not_put_in_words",
        ),
        pytest.param(
            {"opinions": oid(1)}, "invalid_input", "opinions", id="the_opinions_not_a_list"
        ),
        pytest.param(
            {"opinions": ["not-an-id"]}, "invalid_input", "opinions", id="an_opinion_not_an_id"
        ),
    ],
)
def test_a_problem_is_refused_naming_the_field_at_fault(zhucun, changes, code, field):
    team_network(zhucun)
    apply(zhucun, opinion(1))
    r = refused(zhucun, problem(1, **changes))
    assert (r.error.code, r.error.field) == (code, field)


def test_an_opinion_or_problem_id_is_used_once(zhucun):
    team_network(zhucun)
    apply(zhucun, opinion(1), problem(1))
    r = refused(zhucun, opinion(2, id=pid(1)))
    assert (r.error.code, r.error.field) == ("duplicate_id", "id")
    r = refused(zhucun, problem(2, id=oid(1)))
    assert (r.error.code, r.error.field) == ("duplicate_id", "id")


def test_an_opinion_needs_its_text_source_and_category(zhucun):
    team_network(zhucun)
    for field, value in (("text", " "), ("source", "rumour"), ("category", "misc")):
        r = refused(zhucun, opinion(1, **{field: value}))
        assert (r.error.code, r.error.field) == ("invalid_input", field)


# -- the class of a village cites the problems it rests on ----------------------------------------


def test_a_class_cites_the_problems_it_rests_on_until_the_next_class(zhucun):
    team_network(zhucun)
    apply(zhucun, opinion(1), problem(1), problem(2, opinions=[]))
    apply(zhucun, classify(problems=[pid(2), pid(1)]))
    assert survey_of(zhucun)["class_cites"] == [pid(2), pid(1)]
    assert survey_of(zhucun, as_of=date(2014, 6, 19))["class_cites"] == []
    apply(zhucun, classify(on="2014-09-01", problem="weak_committees"))
    assert survey_of(zhucun)["class_cites"] == []
    assert survey_of(zhucun, as_of=date(2014, 8, 31))["class_cites"] == [pid(2), pid(1)]
    assert zhucun.teams(VILLAGE_A)  # the class itself is the teams' as before


def test_a_class_without_problems_is_recorded_as_before(zhucun):
    team_network(zhucun)  # classifies village A with no problems cited
    apply(zhucun, classify())
    assert survey_of(zhucun)["class_cites"] == []


def test_a_class_citing_an_unknown_problem_is_refused(zhucun):
    team_network(zhucun)
    r = refused(zhucun, classify(problems=[pid(7)]))
    assert (r.error.code, r.error.field) == ("survey_problem_not_found", "problems")


def test_a_class_citing_a_problem_of_another_village_is_refused(zhucun):
    team_network(zhucun)
    apply(zhucun, opinion(1, village=VILLAGE_B), problem(1, village=VILLAGE_B))
    r = refused(zhucun, classify(problems=[pid(1)]))
    assert (r.error.code, r.error.field) == ("problem_of_other_village", "problems")


def test_the_ledger_read_model_rebuilt_from_the_log_equals_what_the_increments_built(zhucun):
    team_network(zhucun)
    apply(zhucun, opinion(1), problem(1))
    survey_of(zhucun)  # read, so the increments were applied page by page
    apply(zhucun, classify(problems=[pid(1)]), opinion(2, village=VILLAGE_B))
    before = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == before
    assert survey_of(zhucun)["class_cites"] == [pid(1)]
