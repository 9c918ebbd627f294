"""The overspend rule under concurrency (ADR 016, ADR 026): writers racing for a village's money
of one source write the same account, so only one of them can commit; the other runs again
on what won and is refused by the rule itself, by name. A rule that reads a measure (dropped
or not) is guarded by the read set. Both engines."""

from __future__ import annotations

from typing import Any

import pytest

from app.bootstrap import BatchRefused, bootstrap
from tests.builders import VILLAGE_A, apply
from tests.ledger_builders import allocation, approve, expenditure, measure, plan, reversal, status
from tests.team_builders import team_network
from tests.test_concurrency import _race, cannot_both_commit

RACES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "two expenditures of the last money": (
        expenditure("ZC-101", amount=600),
        expenditure("ZC-102", amount=600),
    ),
    "two entries with one voucher": (
        expenditure("ZC-101", amount=1),
        allocation("ZC-101", amount=1),
    ),
    "an expenditure / the reversal of the allocation it needs": (
        expenditure("ZC-101", amount=600),
        reversal("JZ-001", on="2014-08-10"),
    ),
    "an expenditure on a measure / the measure is dropped": (
        expenditure("ZC-101", amount=600),
        status(1, "dropped", on="2014-08-10", because="取消"),
    ),
    "an allocation to a measure / the measure is dropped": (
        allocation("JZ-101", measure="00000000-0000-0000-0008-000000000001", plan=None),
        status(1, "dropped", on="2014-08-10", because="取消"),
    ),
}


def funded(zhucun) -> None:
    team_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1), allocation(amount=1000))


@pytest.mark.parametrize("race", list(RACES))
def test_two_commands_racing_over_a_villages_funds_cannot_both_commit(zhucun, race: str):
    funded(zhucun)
    cannot_both_commit(zhucun, *RACES[race])


def test_two_writers_racing_to_overspend_leave_one_expenditure(db_url: str, clock: Any) -> None:
    z = bootstrap(db_url, clock)
    funded(z)
    for round_ in range(4):
        # Each round, 1000 yuan are left and two writers race to spend 600 of them each.
        left = (z.funds(VILLAGE_A) or {})["by_source"]["fiscal"]["balance_fen"]
        if left < 100_000:
            apply(z, allocation(f"JZ-2{round_}", amount=(100_000 - left) // 100))
        got = _race(
            lambda: bootstrap(db_url, clock),
            [expenditure(f"ZC-{round_}A", amount=600), expenditure(f"ZC-{round_}B", amount=600)],
        )
        for g in got:
            assert g == 1 or isinstance(g, BatchRefused), repr(g)
        refused = [g.error.code for g in got if isinstance(g, BatchRefused)]
        assert refused == ["funds_overspent"], (round_, got)
        fiscal = (z.funds(VILLAGE_A) or {})["by_source"]["fiscal"]
        assert fiscal["spent_fen"] == 60_000 * (round_ + 1), round_
        assert fiscal["balance_fen"] >= 0
    z.close()
