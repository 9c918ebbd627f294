"""What ``zhucun apply`` reads, tried with hostile input: each is refused by name, in Chinese
and English, writing nothing — never a traceback — and what is merely written differently
(a byte order mark, CRLF line ends, padded or full-width values, U+2028 inside a string) is
read as the value it stands for."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.bootstrap import BatchRefused, Zhucun
from domain.errors import InvalidInputError
from tests.builders import CITY, GROUP_A1, apply, cmd, id_number, small_network


def refused(z: Zhucun, text: str) -> BatchRefused:
    before = z.store.max_position()
    with pytest.raises(BatchRefused) as info:
        z.apply_text(text)
    assert z.store.max_position() == before, "a refused batch writes nothing"
    error = info.value.error
    assert error.zh and error.en and error.field
    return info.value


def line(**fields: Any) -> str:
    return json.dumps({**cmd("rename_unit", unit=CITY, name="本溪", on="2016-12-30"), **fields})


@pytest.mark.parametrize(
    ("text", "field", "en"),
    [
        ('{"command": "rename_unit", "command": "open_unit"}', "line", "appears twice"),
        ("[" * 100_000 + "]" * 100_000, "line", "nested too deeply"),
        ('{"command": "rename_unit", "args": {"n": ' + "9" * 5000 + "}}", "line", "too long"),
        ('{"command": "rename_unit", "args": {"lat": NaN}}', "line", "not a number JSON allows"),
        ("{not json", "line", "not valid JSON"),
        ("[1, 2]", "line", "JSON object"),
        (line(reason=7), "reason", "must be a string"),
        (line(actor=["a"]), "actor", "must be a string"),
        (line(occurred_on=20161230), "occurred_on", "date string"),
        (line(occurred_on="2016-02-30"), "occurred_on", "not a valid date"),
        (line(occurred_on="0001-01-01"), "occurred_on", "between 1900-01-01"),
        (line(reason="x" * 2001), "reason", "at most 2000"),
        (line(actor="x" * 101), "actor", "at most 100"),
        (line(actor="li\u0000clerk"), "actor", "U+0000"),
        (line(args={"unit": CITY, "name": "本溪\u202e"}), "name", "U+202E"),
        (line(args={"unit": CITY, "name": 42}), "name", "must be a string"),
        (line(args={"unit": "２１０５００x", "name": "本溪"}), "unit", "6, 9, 12 or 15 digits"),
        (line(args={"unit": "²10500", "name": "本溪"}), "unit", "6, 9, 12 or 15 digits"),
        (line(key=""), "key", "must"),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else str(v),
)
def test_hostile_input_is_refused_by_name_and_writes_nothing(
    zhucun: Zhucun, text: str, field: str, en: str
) -> None:
    small_network(zhucun)
    error = refused(zhucun, text).error
    assert error.field == field, error
    assert en in error.en, error.en


def test_a_blank_key_is_refused_as_such(zhucun: Zhucun) -> None:
    small_network(zhucun)
    error = refused(zhucun, line(key="   ")).error
    assert error.field == "key" and isinstance(error, InvalidInputError)


def test_lines_end_at_newline_only_so_u2028_inside_a_string_is_text(zhucun: Zhucun) -> None:
    small_network(zhucun)
    reason = "第一行\u2028第二行\u2029第三行"
    raw = line(reason=reason).replace("\\u2028", "\u2028").replace("\\u2029", "\u2029")
    assert "\u2028" in raw and zhucun.apply_text(raw).applied == 1
    assert zhucun.history_of_unit(CITY)[-1]["reason"] == reason
    # U+0085 is a control character: refused in the reason, not taken for a line end.
    raw = line(reason="a\u0085b").replace("\\u0085", "\u0085")
    assert refused(zhucun, raw).error.field == "reason"


def test_a_byte_order_mark_and_crlf_line_ends_are_read_as_plain_lines(zhucun: Zhucun) -> None:
    small_network(zhucun)
    text = "\ufeff" + line() + "\r\n" + line(args={"unit": CITY, "name": "本溪市"}) + "\r\n"
    assert zhucun.apply_text(text).applied == 2


def test_padded_and_full_width_values_are_the_values_they_stand_for(zhucun: Zhucun) -> None:
    small_network(zhucun)
    apply(
        zhucun,
        cmd(
            "register_household",
            on="2016-12-30",
            group=" ２１０５２１１００２０１００１\t",
            head_name="  王五\n",
            members=2,
            id_number=" " + id_number(42).replace("1", "１") + " ",
            id="  00000000-0000-0000-0000-0000000000AA ",
        ),
    )
    households = zhucun.households(GROUP_A1)
    assert households is not None
    found = [h for h in households["households"] if h["id"].endswith("0aa")]
    assert found and found[0]["name"] == "王五"


def test_a_wrong_type_says_what_type_not_that_the_field_is_missing(zhucun: Zhucun) -> None:
    small_network(zhucun)
    error = refused(zhucun, line(args={"unit": CITY, "name": None})).error
    assert "is required" in error.en
    error = refused(zhucun, line(args={"unit": CITY, "name": {"zh": "本溪"}})).error
    assert "must be a string" in error.en
