"""Batches are all or nothing; a command retried with the same key is applied once."""

from __future__ import annotations

import pytest

from app.bootstrap import BatchRefused
from tests.builders import GROUP_A1, VILLAGE_A, apply, cmd, hid, household, id_number, small_network


def test_a_batch_with_one_bad_line_writes_nothing_and_names_the_line(zhucun):
    small_network(zhucun)
    before = zhucun.store.max_position()
    with pytest.raises(BatchRefused) as info:
        apply(
            zhucun,
            household(11, GROUP_A1, "钱五", 3),
            cmd("rename_unit", unit=VILLAGE_A, name="新甲村"),
            cmd("open_site", unit=VILLAGE_A, kind="point"),
        )
    assert info.value.line_no == 3
    assert zhucun.store.max_position() == before
    assert zhucun.summary(VILLAGE_A)["households"] == 3


def test_later_lines_of_a_batch_see_what_earlier_lines_did(zhucun):
    small_network(zhucun)
    r = apply(
        zhucun,
        household(12, GROUP_A1, "钱五", 3),
        cmd("party_member_joined", name="钱五", household=hid(12)),
        cmd("open_site", unit=VILLAGE_A, kind="station"),
        cmd("assign_site_responsible", unit=VILLAGE_A, name="钱五"),
    )
    assert r.applied == 4 and r.events == 4


def test_a_retried_command_with_the_same_key_is_applied_once(zhucun):
    small_network(zhucun)
    line = household(13, GROUP_A1, "钱五", 3, key="hh-qian-wu")
    first = apply(zhucun, line)
    after_first = zhucun.store.max_position()
    second = apply(zhucun, line)
    assert (first.applied, first.skipped) == (1, 0)
    assert (second.applied, second.skipped) == (0, 1)
    assert zhucun.store.max_position() == after_first
    assert zhucun.summary(VILLAGE_A)["households"] == 4


def test_a_key_reused_for_another_command_is_refused(zhucun):
    small_network(zhucun)
    apply(zhucun, cmd("rename_unit", key="k1", unit=VILLAGE_A, name="新甲村"))
    with pytest.raises(BatchRefused) as info:
        apply(zhucun, cmd("rename_unit", key="k1", unit=VILLAGE_A, name="又一个名字"))
    assert info.value.error.field == "key"


def test_every_event_says_who_when_and_why(zhucun, clock):
    small_network(zhucun)
    rows = zhucun.history_of_unit(VILLAGE_A)
    opened = rows[0]
    assert opened["event"] == "Unit.Opened"
    assert opened["actor"] == "li.clerk" and opened["role"] == "township_officer"
    assert opened["occurred_on"] == "2014-01-01"
    assert opened["recorded_at"].startswith("2016-12-31T04:00")
    assert opened["reason"] == "test"
    assert [r["position"] for r in rows] == sorted(r["position"] for r in rows)


def test_identity_numbers_are_masked_in_history(zhucun):
    net = small_network(zhucun)
    from uuid import UUID

    rows = zhucun.history_of_id(UUID(net.households["A1"]))
    shown = rows[0]["details"]["id_number"]
    assert shown != id_number(1) and shown.startswith("2105") and shown.endswith(id_number(1)[-4:])
    assert "*" in shown
