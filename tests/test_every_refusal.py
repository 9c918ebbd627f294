"""Reading a line for every refusal at once (app.commands.every_refusal, the web forms' first
step) and narrowing a form's choices to what was typed (app.choices.narrowed): the refusals
are those the command gives, one per malformed argument, without running anything; the
matches follow the search box's rule."""

from __future__ import annotations

from app.choices import SHOWN_AT_MOST, narrowed
from app.commands import every_refusal


def _line(command: str, **args: object) -> dict[str, object]:
    return {"command": command, "args": args, "reason": "r", "occurred_on": "2016-01-01"}


def test_every_malformed_argument_is_named_once_in_the_commands_order():
    found = every_refusal(_line("register_household", group="12", members="x"))
    assert [(e.field, e.zh) for e in found] == [
        ("group", "村民小组（group）应为 6、9、12 或 15 位数字组成的区划代码"),
        ("head_name", "户主姓名（head_name）为必填项"),
        ("members", "家庭人口（members）应为整数"),
        ("id_number", "户主身份证号（id_number）为必填项"),
    ]


def test_a_missing_reason_and_a_day_that_is_not_one_are_refused_with_the_arguments():
    line = _line("link_household", household="x") | {"reason": " ", "occurred_on": "2016-13-01"}
    assert [e.field for e in every_refusal(line)] == [
        "household",
        "central_household",
        "reason",
        "occurred_on",
    ]


def test_a_line_that_reads_well_has_no_refusal_and_nothing_is_run():
    line = _line(
        "link_household",
        household="00000000-0000-0000-0000-000000000001",
        central_household="00000000-0000-0000-0000-000000000002",
    )
    assert every_refusal(line) == []


def test_an_unknown_command_gives_only_the_envelopes_refusals():
    assert [e.field for e in every_refusal({"command": "nothing", "args": {}})] == [
        "reason",
        "occurred_on",
    ]


OPTIONS = [
    {"value": str(i), "label": name} for i, name in enumerate(["王桂兰 (一组)", "王刚", "李明"])
]


def test_choices_are_narrowed_by_name_pinyin_and_initials_nearest_first():
    assert [o["label"] for o in narrowed(OPTIONS, "wgl")] == ["王桂兰 (一组)"]
    assert [o["label"] for o in narrowed(OPTIONS, "王")] == ["王桂兰 (一组)", "王刚"]
    assert [o["label"] for o in narrowed(OPTIONS, "  LI ")] == ["李明"]
    assert narrowed(OPTIONS, "zz") == []


def test_at_most_twenty_are_offered_and_the_choice_made_stays():
    many = [{"value": str(i), "label": f"刘{i:02d}"} for i in range(30)]
    assert len(narrowed(many, "")) == SHOWN_AT_MOST == len(narrowed(many, "liu"))
    kept = narrowed(many, "", kept=("29",))
    assert kept[0]["value"] == "29" and len(kept) == SHOWN_AT_MOST + 1
