"""Duties and the 六有 goals: a poor village's target for each of the six haves, under the team
duty it falls under; evidence, a document with its stored file cited by SHA-256; a status
judged by a named official over the village on a day. Both engines and both clocks; every
refusal is named and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.ledger.goals import Duty, SixHave
from tests.builders import apply, cmd, refused, small_network
from tests.ledger_builders import MINUTES, RULES, evidence, goal, judge, ledger_of, sha
from tests.units import CITY, COUNTY, GROUP_A1, TOWNSHIP, VILLAGE_A, VILLAGE_B


def six_of(zhucun, code: str = VILLAGE_A, **when):
    return ledger_of(zhucun, code, **when)["six_haves"]


def goals_of(zhucun, **when) -> dict[str, dict]:
    return {g["goal"]: g for d in six_of(zhucun, **when)["duties"] for g in d["goals"]}


def with_goal(zhucun, *files: bytes) -> None:
    small_network(zhucun)
    for content in files or (MINUTES,):
        zhucun.attach_file(content)
    apply(zhucun, goal())


def test_the_four_duties_head_the_six_haves_each_item_under_one():
    assert [d.zh for d in Duty] == [
        "抓好班子、建好队伍",
        "谋好思路、富民强村",
        "建章立制、规范管理",
        "服务群众、促进和谐",
    ]
    assert {g.duty for g in SixHave} == set(Duty)  # every duty heads at least one item
    assert [g.zh for g in SixHave] == [
        "坚强有力的领导班子",
        "本领过硬的骨干队伍",
        "功能实用的服务场所",
        "形式多样的服务载体",
        "健全完善的制度机制",
        "群众满意的服务业绩",
    ]


def test_a_goal_is_listed_under_its_duty_with_target_status_judge_and_evidence(zhucun):
    with_goal(zhucun)
    apply(zhucun, evidence(), judge("under_way"), judge("met", on="2014-12-01", note="验收合格"))
    six = six_of(zhucun, as_of=date(2015, 1, 1))
    assert [d["duty"] for d in six["duties"]] == [d.value for d in Duty]
    leadership = six["duties"][0]
    assert (leadership["zh"], [g["goal"] for g in leadership["goals"]]) == (
        "抓好班子、建好队伍",
        ["leadership_team", "backbone_team"],
    )
    g, unset = leadership["goals"]
    assert (g["set"], g["set_on"], g["target"], g["revision"]) == (
        True,
        "2014-07-01",
        "两委班子配齐配强，书记 45 岁以下",
        1,
    )
    assert (g["status"], g["status_zh"]) == ("met", "已达到")
    assert g["judgement"] == {
        "on": "2014-12-01",
        "status": "met",
        "status_zh": "已达到",
        "judged_by": "王部长",
        "judge_unit": TOWNSHIP,
        "note": "验收合格",
    }
    assert [j["status"] for j in g["judgements"]] == ["under_way", "met"]
    assert g["evidence"] == [
        {
            "added_on": "2014-08-01",
            "title": "两委班子调整会议记录",
            "kind": "minutes",
            "kind_zh": "会议记录",
            "dated": "2014-07-30",
            "file": sha(MINUTES),
            "size": len(MINUTES),
            "media_type": "text/plain",
            "file_name": "会议记录.txt",
        }
    ]
    assert unset == {
        "goal": "backbone_team",
        "zh": "本领过硬的骨干队伍",
        "en": unset["en"],
        "set": False,
    }
    assert (six["goals_set"], six["met"]) == (1, 1)


def test_as_of_a_day_the_target_status_and_evidence_are_those_of_that_day(zhucun):
    with_goal(zhucun)
    apply(
        zhucun,
        evidence(),
        judge("under_way"),
        goal(on="2014-10-01", target="班子配齐，发展党员 3 名"),
        judge("met", on="2014-12-01"),
    )
    assert goals_of(zhucun, as_of=date(2014, 6, 30))["leadership_team"]["set"] is False
    first = goals_of(zhucun, as_of=date(2014, 7, 31))["leadership_team"]
    assert (first["revision"], first["status"], first["status_zh"], first["evidence"]) == (
        1,
        None,
        "未评定",
        [],
    )
    autumn = goals_of(zhucun, as_of=date(2014, 10, 1))["leadership_team"]
    assert (autumn["revision"], autumn["target"], autumn["status"]) == (
        2,
        "班子配齐，发展党员 3 名",
        "under_way",
    )
    assert len(autumn["evidence"]) == 1
    assert goals_of(zhucun)["leadership_team"]["status"] == "met"


def test_as_known_at_a_moment_a_late_judgement_is_not_known_before_it_was_recorded(zhucun, clock):
    with_goal(zhucun)
    apply(zhucun, evidence(), judge("under_way"))
    before = clock.now()
    clock.advance(timedelta(days=1))
    apply(zhucun, judge("met", on="2014-09-02"))  # recorded later, about an earlier day
    day = date(2014, 12, 31)
    assert goals_of(zhucun, as_of=day, as_known_at=before)["leadership_team"]["status"] == (
        "under_way"
    )
    assert goals_of(zhucun, as_of=day)["leadership_team"]["status"] == "met"


def test_the_roll_up_counts_villages_per_item_and_status(zhucun):
    with_goal(zhucun, MINUTES, RULES)
    apply(
        zhucun,
        cmd("declare_poor_village", on="2014-03-01", unit=VILLAGE_B),
        goal("rules_and_mechanisms"),
        goal(village=VILLAGE_B),
        evidence(),
        judge("met"),
        judge("under_way", village=VILLAGE_B),
    )
    for code in (TOWNSHIP, COUNTY, CITY):
        up = six_of(zhucun, code, as_of=date(2014, 12, 31))
        assert (up["villages_with_goals"], up["villages_all_met"]) == (2, 0)
        assert up["by_goal"]["leadership_team"] == {
            "not_set": 0,
            "unjudged": 0,
            "not_started": 0,
            "under_way": 1,
            "met": 1,
        }
        assert up["by_goal"]["rules_and_mechanisms"] == {
            "not_set": 1,
            "unjudged": 1,
            "not_started": 0,
            "under_way": 0,
            "met": 0,
        }
        assert up["by_goal"]["service_venue"]["not_set"] == 2
    before = six_of(zhucun, COUNTY, as_of=date(2014, 8, 31))["by_goal"]["leadership_team"]
    assert (before["unjudged"], before["met"]) == (2, 0)


def test_a_village_that_met_all_six_counts_above(zhucun):
    small_network(zhucun)
    zhucun.attach_file(MINUTES)
    lines = []
    for item in SixHave:
        lines += [goal(item.value), evidence(item.value), judge("met", item.value)]
    apply(zhucun, *lines)
    assert six_of(zhucun, COUNTY)["villages_all_met"] == 1


def test_a_goal_is_set_for_a_poor_village_only(zhucun):
    small_network(zhucun)
    r = refused(zhucun, goal(village=VILLAGE_B))  # never declared poor
    assert (r.error.code, r.error.field) == ("village_not_poor", "village")
    r = refused(zhucun, goal(on="2014-02-28"))  # poor from 2014-03-01
    assert (r.error.code, r.error.field) == ("village_not_poor", "village")
    apply(zhucun, cmd("exit_poverty", on="2016-01-01", unit=VILLAGE_A))
    r = refused(zhucun, goal(on="2016-01-02"))
    assert (r.error.code, r.error.field) == ("village_not_poor", "village")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (TOWNSHIP, "not_a_village"),
        (GROUP_A1, "not_a_village"),
        ("210521100299", "unit_not_found"),
    ],
)
def test_goals_evidence_and_judgements_are_for_a_village(zhucun, code, error):
    with_goal(zhucun)
    for line in (goal(village=code), evidence(village=code), judge("met", village=code)):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == (error, "village")


def test_an_unknown_item_of_the_six_is_refused_and_a_known_one_in_any_case_is_read(zhucun):
    small_network(zhucun)
    for name in ("strong_team", "六有", "", "leadership"):
        r = refused(zhucun, goal(name))
        assert (r.error.code, r.error.field) == ("invalid_input", "goal")
    apply(zhucun, goal(" Leadership_Team\t"))
    assert goals_of(zhucun)["leadership_team"]["set"]


def test_evidence_and_judgements_need_the_goal_set(zhucun):
    with_goal(zhucun)
    for line in (evidence("service_venue"), judge("under_way", "service_venue")):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("six_have_goal_not_set", "goal")


def test_a_judgement_or_evidence_dated_before_the_goal_was_set_is_refused(zhucun):
    with_goal(zhucun)
    for line in (
        judge("under_way", on="2014-06-30"),
        evidence(on="2014-06-30", dated="2014-06-01"),
        goal(on="2014-06-30", target="改"),
    ):
        r = refused(zhucun, line)
        assert (r.error.code, r.error.field) == ("dated_before_goal_set", "occurred_on")


def test_evidence_without_a_file_is_refused(zhucun):
    with_goal(zhucun)
    for blank in (None, "", "   "):
        r = refused(zhucun, evidence(file=blank))
        assert (r.error.code, r.error.field) == ("evidence_without_file", "file")


@pytest.mark.parametrize("part", ["title", "kind", "dated"])
def test_evidence_without_its_document_is_refused_naming_the_missing_part(zhucun, part):
    with_goal(zhucun)
    for blank in (None, " "):
        r = refused(zhucun, evidence(**{part: blank}))
        assert (r.error.code, r.error.field) == ("evidence_without_document", part)


def test_evidence_citing_a_file_the_store_does_not_hold_is_refused(zhucun):
    with_goal(zhucun)
    r = refused(zhucun, evidence(content=RULES))  # never attached
    assert (r.error.code, r.error.field) == ("evidence_file_not_found", "file")
    assert sha(RULES) in r.error.en


def test_evidence_in_a_fresh_store_without_any_file_is_refused(zhucun):
    small_network(zhucun)
    apply(zhucun, goal())
    r = refused(zhucun, evidence())
    assert (r.error.code, r.error.field) == ("evidence_file_not_found", "file")


def test_a_files_hash_is_read_in_any_case_padding_or_width(zhucun):
    with_goal(zhucun, MINUTES, RULES)
    wide = sha(RULES).translate(
        str.maketrans("0123456789abcdef", "０１２３４５６７８９ａｂｃｄｅｆ")
    )
    apply(zhucun, evidence(file=" " + sha(MINUTES).upper() + "\n"))
    apply(zhucun, evidence("leadership_team", RULES, file=wide))
    files = [e["file"] for e in goals_of(zhucun)["leadership_team"]["evidence"]]
    assert files == [sha(MINUTES), sha(RULES)]


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        # A file that is not a SHA-256.
        ({"file": "abc"}, "invalid_input", "file"),
        ({"file": sha(MINUTES)[:-1]}, "invalid_input", "file"),
        ({"file": sha(MINUTES) + "0"}, "invalid_input", "file"),
        ({"file": "g" * 64}, "invalid_input", "file"),
        ({"file": "sha256:" + "0" * 57}, "invalid_input", "file"),
        # A document dated after the day it is added.
        ({"dated": "2014-08-02"}, "document_dated_after_evidence", "dated"),
        # A file name or media type that cannot be one.
        ({"file_name": "../etc/passwd"}, "invalid_input", "file_name"),
        ({"file_name": "a\\b.pdf"}, "invalid_input", "file_name"),
        ({"file_name": ".."}, "invalid_input", "file_name"),
        ({"media_type": "pdf"}, "invalid_input", "media_type"),
        ({"media_type": "application/"}, "invalid_input", "media_type"),
        ({"media_type": "text/html; charset=utf-8"}, "invalid_input", "media_type"),
    ],
)
def test_evidence_is_refused_naming_the_field_at_fault(zhucun, changes, code, field):
    with_goal(zhucun)
    r = refused(zhucun, evidence(**changes))
    assert (r.error.code, r.error.field) == (code, field)


def test_the_same_file_is_evidence_once_per_goal_and_may_serve_another(zhucun):
    with_goal(zhucun)
    apply(zhucun, evidence())
    r = refused(zhucun, evidence(on="2014-08-02", title="再次登记"))
    assert (r.error.code, r.error.field) == ("evidence_already_cited", "file")
    apply(zhucun, goal("rules_and_mechanisms"), evidence("rules_and_mechanisms"))
    assert len(goals_of(zhucun)["rules_and_mechanisms"]["evidence"]) == 1


def test_a_media_type_is_taken_as_given_or_guessed_from_the_name(zhucun):
    with_goal(zhucun, MINUTES, RULES)
    apply(
        zhucun,
        evidence(file_name="记录.DOCX"),
        evidence(content=RULES, file_name="村规", media_type=" Application/PDF "),
    )
    types = [e["media_type"] for e in goals_of(zhucun)["leadership_team"]["evidence"]]
    assert types == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    ]


def test_a_status_judged_by_nobody_is_refused(zhucun):
    with_goal(zhucun)
    for nobody in (None, "", " \u3000"):
        r = refused(zhucun, judge("under_way", judged_by=nobody))
        assert (r.error.code, r.error.field) == ("status_without_judge", "judged_by")


@pytest.mark.parametrize("unit", [VILLAGE_A, VILLAGE_B, GROUP_A1])
def test_a_judge_of_a_unit_not_over_the_village_is_refused(zhucun, unit):
    with_goal(zhucun)
    r = refused(zhucun, judge("under_way", judge_unit=unit))
    assert (r.error.code, r.error.field) == ("judge_not_over_village", "judge_unit")


def test_a_judge_of_the_township_county_or_city_may_judge(zhucun):
    with_goal(zhucun)
    apply(
        zhucun,
        *(
            judge("under_way", on=f"2014-09-0{n}", judge_unit=u)
            for n, u in enumerate((TOWNSHIP, COUNTY, CITY), 1)
        ),
    )
    units = [j["judge_unit"] for j in goals_of(zhucun)["leadership_team"]["judgements"]]
    assert units == [TOWNSHIP, COUNTY, CITY]
    r = refused(zhucun, judge("under_way", judge_unit="210599"))
    assert (r.error.code, r.error.field) == ("unit_not_found", "judge_unit")


def test_a_goal_is_judged_met_only_on_evidence_added_by_that_day(zhucun):
    with_goal(zhucun)
    r = refused(zhucun, judge("met"))
    assert (r.error.code, r.error.field) == ("met_without_evidence", "status")
    apply(zhucun, evidence(on="2014-09-10"))
    r = refused(zhucun, judge("met", on="2014-09-09"))
    assert (r.error.code, r.error.field) == ("met_without_evidence", "status")
    apply(zhucun, judge("met", on="2014-09-10"))


def test_an_unknown_status_is_refused(zhucun):
    with_goal(zhucun)
    for status in ("done", "达到", ""):
        r = refused(zhucun, judge(status))
        assert (r.error.code, r.error.field) == ("invalid_input", "status")


def test_goals_rebuilt_from_the_log_equal_what_the_increments_built(zhucun):
    with_goal(zhucun)
    apply(zhucun, evidence())
    six_of(zhucun)
    apply(zhucun, judge("met"), goal(on="2014-10-01", target="改"))
    before = zhucun.projections.checksum()
    zhucun.projections.rebuild()
    assert zhucun.projections.checksum() == before
    assert goals_of(zhucun)["leadership_team"]["status"] == "met"
