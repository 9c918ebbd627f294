"""Commands sent at the same moment: the store is set up once, a rule that reads one aggregate
to write another holds, and the loser of a race is refused cleanly or run again.

docs/adr/016-cross-aggregate-rules-under-concurrency.md lists the rules.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import BatchRefused, Zhucun, bootstrap
from app.commands import parse_command_line
from app.store.uow import UnitOfWork
from domain.errors import ConcurrentChangeError
from domain.units import unit_id
from tests.builders import (
    GROUP_A1,
    GROUP_A2,
    TOWNSHIP,
    VILLAGE_A,
    VILLAGE_B,
    apply,
    cmd,
    id_number,
    open_unit,
    small_network,
)
from tests.conftest import pg_url_for_new_schema
from tests.team_builders import CITY_AGRI, MEMBER, cid, team_network, tid

ZHUCUN = str(Path(sys.executable).with_name("zhucun"))
EMPTY_GROUP = VILLAGE_B + "009"
EMPTY_VILLAGE = "210521100203"


def _start_together(url: str, n: int, *args: str) -> list[subprocess.CompletedProcess[str]]:
    procs = [
        subprocess.Popen(
            [ZHUCUN, "--db", url, *(args or ("summary", "--unit", VILLAGE_A))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    done = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


# Ten processes hold about twenty-five connections: the server's limit (100) is shared.
@pytest.mark.postgres
@pytest.mark.parametrize("schema", ["fresh", "existing"])
def test_commands_started_together_on_postgresql_all_start(schema: str) -> None:
    url = pg_url_for_new_schema()
    if schema == "fresh":  # only init creates a store: ten of them set it up at once
        runs = _start_together(url, 10, "init")
        assert [(r.returncode, "Traceback" in r.stderr) for r in runs] == [(0, False)] * 10, [
            r.stderr.strip().splitlines()[-1:] for r in runs if r.returncode != 0
        ]
        return
    bootstrap(url).close()
    runs = _start_together(url, 10)
    # No unit yet: each says so (exit 1) rather than failing in the store's set-up.
    assert [(r.returncode, "Traceback" in r.stderr) for r in runs] == [(1, False)] * 10, [
        r.stderr.strip().splitlines()[-1:] for r in runs if r.returncode != 1
    ]
    assert all("210521100201" in r.stderr for r in runs)


def _events(z: Zhucun) -> int:
    return sum(len(page) for page in z.store.iter_log())


def _uow_running(z: Zhucun, line: dict[str, Any]) -> UnitOfWork:
    """A unit of work that has run ``line``, not committed: a command caught mid-flight."""
    uow = UnitOfWork(z.store)
    z.run_in(uow, [(1, parse_command_line(line))])
    return uow


def _household(group: str, n: int, **extra: Any) -> dict[str, Any]:
    return cmd(
        "register_household",
        on="2014-07-01",
        group=group,
        head_name="钱五",
        members=3,
        id_number=id_number(100 + n),
        **extra,
    )


# The commands that race in both orders.
CLOSE_GROUP = cmd("close_unit", on="2014-07-01", unit=EMPTY_GROUP)
MOVE_INTO_GROUP = cmd("move_household", on="2014-07-01", household="H:B1", group=EMPTY_GROUP)
CLOSE_VILLAGE = cmd("close_unit", on="2014-07-01", unit=EMPTY_VILLAGE)
OPEN_GROUP_IN_VILLAGE = open_unit(
    EMPTY_VILLAGE + "001", "丙村一组", "group", EMPTY_VILLAGE, on="2014-07-01"
)

# Each rule that reads an aggregate (or a read model) to write another: a command whose rule
# reads the state, and one that changes that state at the same moment.
RACES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "close a group / register a household into it": (CLOSE_GROUP, _household(EMPTY_GROUP, 1)),
    "register a household into a group / close the group": (
        _household(EMPTY_GROUP, 2),
        CLOSE_GROUP,
    ),
    "close a group / move a household into it": (CLOSE_GROUP, MOVE_INTO_GROUP),
    "move a household into a group / close the group": (MOVE_INTO_GROUP, CLOSE_GROUP),
    "close a village / open a group in it": (CLOSE_VILLAGE, OPEN_GROUP_IN_VILLAGE),
    "open a group in a village / close the village": (OPEN_GROUP_IN_VILLAGE, CLOSE_VILLAGE),
    "close a village / move a group into it": (
        CLOSE_VILLAGE,
        cmd("move_unit", on="2014-07-01", unit=EMPTY_GROUP, parent=EMPTY_VILLAGE),
    ),
    "merge a group / register a household into it": (
        cmd("merge_unit", on="2014-07-01", unit=GROUP_A2, into=GROUP_A1),
        _household(GROUP_A2, 3),
    ),
    "designate a central household / its party member dies": (
        cmd("designate_central_household", on="2014-07-01", party_member="M:2"),
        cmd("party_member_died", on="2014-07-01", party_member="M:2"),
    ),
    "link a household / its central household ends": (
        cmd("link_household", on="2014-07-01", household="H:A1b", central_household="CH"),
        cmd("end_central_household", on="2014-07-01", central_household="CH"),
    ),
    "a site's responsible party member / transferred out": (
        cmd(
            "assign_site_responsible", on="2014-07-02", unit=VILLAGE_A, name="", party_member="M:1"
        ),
        cmd("party_member_transferred_out", on="2014-07-02", party_member="M:1", destination="x"),
    ),
}


def _setting(z: Zhucun) -> dict[str, str]:
    net = small_network(z)
    apply(
        z,
        open_unit(EMPTY_GROUP, "乙村九组", "group", VILLAGE_B, on="2014-06-10"),
        open_unit(EMPTY_VILLAGE, "丙村", "village", TOWNSHIP, on="2014-06-10"),
        cmd(
            "party_member_joined",
            on="2014-06-10",
            name="李二",
            household=net.households["A1b"],
            id="00000000-0000-0000-0001-000000000002",
        ),
        cmd("open_site", on="2014-06-10", unit=VILLAGE_A, kind="station"),
    )
    names = {f"H:{k}": v for k, v in net.households.items()}
    names |= {"M:1": net.member, "M:2": "00000000-0000-0000-0001-000000000002"}
    names["CH"] = net.central_household
    return names


def _filled(line: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    args = {k: names.get(v, v) if isinstance(v, str) else v for k, v in line["args"].items()}
    return {**line, "args": args}


def cannot_both_commit(z: Zhucun, checker: dict[str, Any], changer: dict[str, Any]) -> None:
    """Both lines run on units of work of their own, each of which alone would be written;
    the changer commits first, and then the checker's commit is refused, writing nothing."""
    first = _uow_running(z, checker)
    second = _uow_running(z, changer)
    assert first.pending_count() and second.pending_count()
    second.commit()
    before = z.store.max_position()
    with pytest.raises(ConcurrentChangeError):
        first.commit()
    assert z.store.max_position() == before


@pytest.mark.parametrize("race", list(RACES))
def test_a_rule_read_by_one_command_and_changed_by_another_cannot_both_commit(
    zhucun: Zhucun, race: str
) -> None:
    names = _setting(zhucun)
    checker, changer = (_filled(line, names) for line in RACES[race])
    cannot_both_commit(zhucun, checker, changer)


TEAM_RACES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "dispatch a team to a village / the village is classified": (
        cmd("dispatch_team", on="2014-07-01", unit=CITY_AGRI, village=VILLAGE_B),
        cmd(
            "classify_village",
            on="2014-07-01",
            village=VILLAGE_B,
            problem="weak_committees",
            finding="x",
        ),
    ),
    "a member visits a household / it moves out": (
        cmd("visit_household", on="2014-07-01", cadre=cid(MEMBER), household="H:A1b"),
        cmd("household_left", on="2014-07-01", household="H:A1b", how="moved_out"),
    ),
    "a member checks in / leaves the team": (
        cmd("check_in", on="2014-07-01", cadre=cid(MEMBER)),
        cmd("leave_team", on="2014-07-01", team=tid(1), cadre=cid(MEMBER), how="recalled"),
    ),
}


@pytest.mark.parametrize("race", list(TEAM_RACES))
def test_a_team_rule_read_by_one_command_and_changed_by_another_cannot_both_commit(
    zhucun: Zhucun, race: str
) -> None:
    net = team_network(zhucun)
    names = {f"H:{k}": v for k, v in net.households.items()}
    checker, changer = (_filled(line, names) for line in TEAM_RACES[race])
    cannot_both_commit(zhucun, checker, changer)


def _race(make: Callable[[], Zhucun], lines: list[dict[str, Any]]) -> list[BaseException | int]:
    """Send each line from its own thread and store connection, at the same moment."""
    stores = [make() for _ in lines]
    gate = threading.Barrier(len(lines))
    out: list[BaseException | int] = [0] * len(lines)

    def send(i: int) -> None:
        gate.wait()
        try:
            out[i] = apply(stores[i], lines[i]).applied
        except BaseException as e:
            out[i] = e

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(lines))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    return out


def test_closing_a_group_while_a_household_is_registered_into_it_leaves_one_of_them(
    zhucun: Zhucun, db_url: str, clock: Any
) -> None:
    small_network(zhucun)
    for round_ in range(6):
        group = VILLAGE_B + f"{round_ + 10:03d}"
        apply(zhucun, open_unit(group, f"乙村{round_}", "group", VILLAGE_B, on="2014-06-10"))
        got = _race(
            lambda: bootstrap(db_url, clock),
            [cmd("close_unit", on="2014-07-01", unit=group), _household(group, round_)],
        )
        # Each either applied or was refused by name, with its line: never a traceback.
        for g in got:
            assert g == 1 or isinstance(g, BatchRefused), repr(g)
        refused = [g.error.code for g in got if isinstance(g, BatchRefused)]
        assert len(refused) == 1, (round_, refused)
        assert refused[0] in ("unit_closed", "unit_has_active_children"), refused
        closed = zhucun.store.load(unit_id(group)).is_closed
        assert closed == (refused[0] == "unit_closed")
        assert bool(zhucun._open_children(group)) == (not closed), round_


def test_two_identical_lines_with_one_key_at_the_same_moment_are_applied_once(
    zhucun: Zhucun, db_url: str, clock: Any
) -> None:
    small_network(zhucun)
    for round_ in range(4):
        line = _household(
            GROUP_A1,
            20 + round_,
            key=f"race-{round_}",
            id=f"00000000-0000-0000-0000-0000000009{round_:02d}",
        )
        got = _race(lambda: bootstrap(db_url, clock), [line, line, line])
        # One applied it; the others found it applied (skipped, 0 applied): no "already used".
        assert sorted(g if isinstance(g, int) else repr(g) for g in got) == [0, 0, 1], got
    assert json.dumps(zhucun.summary(VILLAGE_A), default=str)


def test_a_batch_that_keeps_losing_races_is_refused_with_its_line_and_writes_nothing(
    zhucun: Zhucun, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _setting(zhucun)
    run = zhucun._run
    racers = iter(range(100))

    def run_then_another_writer_lands(
        uow: UnitOfWork, lines: Any, reach: Any = None, receipt: Any = None
    ) -> Any:
        result = run(uow, lines, reach, receipt)
        n = next(racers)  # another clerk renames the group between this run and its commit
        other = UnitOfWork(zhucun.store)
        rename = cmd("rename_unit", on="2014-07-01", unit=EMPTY_GROUP, name=f"乙村九组{n}")
        run(other, [(1, parse_command_line(rename))])
        other.commit()
        return result

    monkeypatch.setattr(zhucun, "_run", run_then_another_writer_lands)
    before = _events(zhucun)
    with pytest.raises(BatchRefused) as info:
        apply(
            zhucun,
            cmd("rename_unit", unit=VILLAGE_A, name="新甲村"),
            _filled(_household(EMPTY_GROUP, 5), names),
        )
    tries = next(racers)
    assert info.value.line_no == 1 and info.value.error.code == "concurrent_change"
    assert str(info.value).startswith("line 1: ")
    # Every try ran on what the last racer wrote; only the racers' renames were written.
    assert _events(zhucun) == before + tries
    assert tries == 5
