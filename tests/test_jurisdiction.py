"""The one jurisdiction check, tried as an attacker would: for every role that writes, every
command it may send and every code or id the command names, a valid value of another
jurisdiction is sent as it is, padded (space, tab, newline, ideographic space, both ends),
upper-cased (ids) or in full-width digits (codes). Every variant names the same record once
normalised, so each must be refused as outside the jurisdiction — by the field's label only,
naming nothing from outside — and write nothing. The same command with the account's own
values is not refused for jurisdiction (so the refusals above are not an accident of the
templates), and a role may send only the commands of its role. Both engines."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from app.bootstrap import BatchRefused, Zhucun, bootstrap
from app.commands import COMMANDS, CommandLine, parse_command_line
from app.jurisdiction import COMMAND_ROLES, IDS, UNIT_CODES, Reach
from app.store.clock import SettableClock
from app.store.uow import UnitOfWork
from domain.account_errors import NotInJurisdictionError, RoleNotAllowedError
from domain.accounts import Role
from domain.party import central_household_id
from tests.builders import COUNTY, GROUP_A1, GROUP_A2, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply, cmd
from tests.builders import id_number as idn
from tests.conftest import pg_url_for_new_schema
from tests.ledger_builders import ITEMS, msid, oid, pid, plid
from tests.team_builders import CITY_AGRI, CLERK, MEMBER, cid, lid, team_network, tid
from tests.web.builders import OTHER_COUNTY, OTHER_GROUP, OTHER_TOWNSHIP, OTHER_VILLAGE
from tests.web.builders import other_county as open_other_county

ON = "2014-06-01"
TOWNSHIP_2 = "210521101"  # a second township of the same county
VILLAGE_C, GROUP_C1 = TOWNSHIP_2 + "201", TOWNSHIP_2 + "201001"


def uid(kind: int, n: int) -> str:
    return f"00000000-0000-0000-{kind:04d}-{n:012d}"


# Records of other jurisdictions, one set per kind of outsider.
OTHER_COUNTY_SET = {
    "unit": OTHER_VILLAGE,
    "group": OTHER_GROUP,
    "parent": OTHER_TOWNSHIP,
    "household": uid(9, 1),
    "party_member": uid(9, 2),
    "central_household": str(central_household_id(UUID(uid(9, 1)))),
    "team": tid(3),
    "cadre": cid(7),
    "leave": lid(3),
    "opinion": oid(3),
    "problem": pid(3),
    "plan": plid(3),
    "measure": msid(3),
    "approver_unit": OTHER_TOWNSHIP,
}
OTHER_TOWNSHIP_SET = {
    "unit": VILLAGE_C,
    "group": GROUP_C1,
    "parent": VILLAGE_C,
    "household": uid(9, 11),
    "party_member": uid(9, 12),
    "central_household": str(central_household_id(UUID(uid(9, 11)))),
    "team": tid(4),
    "cadre": cid(6),
    "leave": lid(4),
    "opinion": oid(4),
    "problem": pid(4),
    "plan": plid(4),
    "measure": msid(4),
    "approver_unit": COUNTY,  # above the township: not the officer's to approve for
}
OTHER_TEAM_SET = {  # village B: the same township, another team
    "unit": VILLAGE_B,
    "group": VILLAGE_B + "001",
    "parent": VILLAGE_B,
    "household": "00000000-0000-0000-0000-000000000004",
    "team": tid(2),
    "cadre": cid(CLERK),
    "leave": lid(2),
    "opinion": oid(2),
    "problem": pid(2),
    "plan": plid(2),
    "measure": msid(2),
}
OUTSIDE_NAMES = (
    "桓仁",
    "丙村",
    "丁村",
    "外县户",
    "外镇户",
    "外县党员",
    "外镇党员",
    "周科员",
    "孙科长",
)

REACHES = {
    "county_admin": (Reach(Role.COUNTY_ADMIN, COUNTY), OTHER_COUNTY_SET),
    "township_officer": (Reach(Role.TOWNSHIP_OFFICER, TOWNSHIP), OTHER_TOWNSHIP_SET),
    "team_member": (Reach(Role.TEAM_MEMBER, VILLAGE_A, UUID(tid(1))), OTHER_TEAM_SET),
    "inspector": (Reach(Role.INSPECTOR, COUNTY), OTHER_COUNTY_SET),
}

CH_A = str(central_household_id(UUID("00000000-0000-0000-0000-000000000001")))
HH_A, HH_A2, PM_A = (
    "00000000-0000-0000-0000-000000000001",
    "00000000-0000-0000-0000-000000000002",
    "00000000-0000-0000-0001-000000000001",
)

# Each command with its own jurisdiction's values, and which of its arguments name records
# (the argument, and the kind of record the outsider's value is taken from).
TEMPLATES: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "open_unit": (
        {"code": VILLAGE_A + "009", "name": "新组", "level": "group", "parent": VILLAGE_A},
        {"parent": "parent", "code": "group"},
    ),
    "rename_unit": ({"unit": GROUP_A1, "name": "新名"}, {"unit": "unit"}),
    "assign_rectification": (
        {
            "type": "unlinked_household",
            "subject": HH_A2,
            "unit": VILLAGE_A,
            "assignee": "王五",
            "due_on": "2017-01-31",
        },
        {"unit": "unit"},
    ),
    "move_unit": ({"unit": GROUP_A2, "parent": VILLAGE_A}, {"unit": "group", "parent": "unit"}),
    "merge_unit": ({"unit": GROUP_A2, "into": GROUP_A1}, {"unit": "group", "into": "group"}),
    "close_unit": ({"unit": GROUP_A2}, {"unit": "group"}),
    "declare_poor_village": ({"unit": VILLAGE_A}, {"unit": "unit"}),
    "exit_poverty": ({"unit": VILLAGE_A}, {"unit": "unit"}),
    "register_household": (
        {"group": GROUP_A1, "head_name": "新户", "members": 3, "id_number": idn(77)},
        {"group": "group", "id": "household"},
    ),
    "move_household": (
        {"household": HH_A2, "group": GROUP_A2},
        {"household": "household", "group": "group"},
    ),
    "household_left": ({"household": HH_A2, "how": "moved_out"}, {"household": "household"}),
    "link_household": (
        {"household": HH_A2, "central_household": CH_A},
        {"household": "household", "central_household": "central_household"},
    ),
    "unlink_household": ({"household": HH_A2}, {"household": "household"}),
    "party_member_joined": (
        {"name": "新党员", "household": HH_A2},
        {"household": "household", "id": "party_member"},
    ),
    "party_member_transferred_out": ({"party_member": PM_A}, {"party_member": "party_member"}),
    "party_member_died": ({"party_member": PM_A}, {"party_member": "party_member"}),
    "designate_central_household": ({"party_member": PM_A}, {"party_member": "party_member"}),
    "change_central_party_member": (
        {"central_household": CH_A, "party_member": PM_A},
        {"central_household": "central_household", "party_member": "party_member"},
    ),
    "end_central_household": (
        {"central_household": CH_A},
        {"central_household": "central_household"},
    ),
    "open_site": ({"unit": GROUP_A1, "kind": "point"}, {"unit": "group"}),
    "assign_site_responsible": (
        {"unit": GROUP_A1, "name": "负责人", "party_member": PM_A},
        {"unit": "group", "party_member": "party_member"},
    ),
    "close_site": ({"unit": GROUP_A1}, {"unit": "group"}),
    "approve_leave": ({"leave": lid(1)}, {"leave": "leave"}),
    "reject_leave": ({"leave": lid(1)}, {"leave": "leave"}),
    "classify_village": (
        {
            "village": VILLAGE_A,
            "problem": "weak_committees",
            "finding": "两委软弱",
            "problems": [pid(1)],
        },
        {"village": "unit", "problems": "problem"},
    ),
    "change_cadre_rank": ({"cadre": cid(MEMBER), "rank": "section"}, {"cadre": "cadre"}),
    "cadre_joined_party": ({"cadre": cid(MEMBER)}, {"cadre": "cadre"}),
    "cadre_left_party": ({"cadre": cid(MEMBER)}, {"cadre": "cadre"}),
    "set_cadre_flags": ({"cadre": cid(MEMBER), "young": True}, {"cadre": "cadre"}),
    "dispatch_team": (
        {"unit": CITY_AGRI, "village": VILLAGE_A},
        {"village": "unit", "id": "team"},
    ),
    "join_team": ({"team": tid(1), "cadre": cid(MEMBER)}, {"team": "team", "cadre": "cadre"}),
    "change_team_leader": (
        {"team": tid(1), "cadre": cid(MEMBER)},
        {"team": "team", "cadre": "cadre"},
    ),
    "leave_team": (
        {"team": tid(1), "cadre": cid(MEMBER), "how": "recalled"},
        {"team": "team", "cadre": "cadre"},
    ),
    "extend_team_term": ({"team": tid(1), "until": "2018-12-31"}, {"team": "team"}),
    "end_team_term": ({"team": tid(1), "successor": tid(1)}, {"team": "team", "successor": "team"}),
    "check_in": ({"cadre": cid(MEMBER)}, {"cadre": "cadre"}),
    "request_leave": (
        {"cadre": cid(MEMBER), "first_day": "2014-06-10", "last_day": "2014-06-11"},
        {"cadre": "cadre", "id": "leave"},
    ),
    "record_absence": ({"cadre": cid(MEMBER)}, {"cadre": "cadre"}),
    "write_diary": ({"cadre": cid(MEMBER), "text": "走访"}, {"cadre": "cadre"}),
    "visit_household": (
        {"cadre": cid(MEMBER), "household": HH_A},
        {"cadre": "cadre", "household": "household"},
    ),
    # -- the village work ledger: the survey --
    "register_village_form": (
        {
            "village": VILLAGE_A,
            "committee_size": 5,
            "assessment": "average",
            "collective_income": 0,
            "collective_assets": 0,
            "collective_debts": 0,
            "per_capita_income": 3000,
            "main_problems": "缺资金",
        },
        {"village": "unit"},
    ),
    "set_survey_period": (
        {"village": VILLAGE_A, "first_day": "2014-06-01", "last_day": "2014-06-30"},
        {"village": "unit"},
    ),
    "record_survey_tables": (
        {"village": VILLAGE_A, "kind": "questionnaire", "handed_out": 5, "returned": 5},
        {"village": "unit"},
    ),
    "hold_symposium": (
        {"village": VILLAGE_A, "party_members": 3, "topic": "座谈"},
        {"village": "unit"},
    ),
    "hold_interview": (
        {
            "village": VILLAGE_A,
            "interviewee": "王大",
            "interviewee_category": "villager",
            "interviewer": "李队员",
        },
        {"village": "unit"},
    ),
    "collect_opinion": (
        {"village": VILLAGE_A, "text": "修路", "source": "interview", "category": "conditions"},
        {"village": "unit", "id": "opinion"},
    ),
    "record_survey_problem": (
        {
            "village": VILLAGE_A,
            "description": "路不通",
            "root_cause": "poor_infrastructure",
            "opinions": [oid(1)],
        },
        {"village": "unit", "opinions": "opinion", "id": "problem"},
    ),
    # -- the village work ledger: plans --
    "draft_plan": (
        {
            "village": VILLAGE_A,
            "kind": "annual",
            "year": 2016,
            "title": "2016 年度帮扶计划",
            "drafted_by": "李队员",
            "items": ITEMS,
        },
        {"village": "unit", "id": "plan"},
    ),
    "revise_plan": (
        {"plan": plid(1), "title": "修订", "revised_by": "李队员", "items": ITEMS},
        {"plan": "plan"},
    ),
    "approve_plan": (
        {"plan": plid(1), "approver": "王镇长", "approver_unit": TOWNSHIP},
        {"plan": "plan", "approver_unit": "approver_unit"},
    ),
    # -- the village work ledger: measures --
    "plan_measure": (
        {
            "village": VILLAGE_A,
            "plan": plid(1),
            "item": "B1",
            "title": "修路",
            "responsible": "李队员",
            "due_on": "2017-06-30",
            "budget": 1000,
            "sources": ["fiscal"],
        },
        {"village": "unit", "plan": "plan", "id": "measure"},
    ),
    "set_measure_status": (
        {"measure": msid(1), "status": "under_way"},
        {"measure": "measure"},
    ),
    "note_measure_progress": ({"measure": msid(1), "note": "进展"}, {"measure": "measure"}),
    # -- the village work ledger: responsibility letters --
    "sign_responsibility_letter": (
        {
            "unit": CITY_AGRI,
            "village": VILLAGE_A,
            "team": tid(1),
            "unit_signatory": "农委主任",
            "village_signatory": "刘书记",
            "term_starts_on": "2016-12-30",
            "term_ends_on": "2017-12-31",
            "targets": [{"text": "修路", "plan": plid(1), "item": "B1"}],
        },
        {"village": "unit", "team": "team"},
    ),
    # -- assessments --
    "submit_written_report": (
        {
            "team": tid(1),
            "year": 2016,
            "bodies": ["dispatching_unit"],
            "title": "述职报告",
            "document_sha256": "ab" * 32,
        },
        {"team": "team"},
    ),
    "record_evaluation": (
        {"team": tid(1), "year": 2016, "attendance": 30, "votes": {"satisfied": 20}},
        {"team": "team"},
    ),
    # No run in this store: a run of another unit is refused in tests/test_assess_runs.py.
    "publish_assessment_run": ({"run": uid(12, 1)}, {"run": "run"}),
    "decide_assessment_proposal": (
        {"run": uid(12, 1), "proposal": f"criticism:{tid(1)}:poorly_rated", "outcome": "accepted"},
        {"run": "run"},
    ),
    "record_spot_check": (
        {"team": tid(1), "inspectors": [cid(MEMBER)], "absent": [cid(MEMBER)]},
        {"team": "team"},
    ),
    # -- the village work ledger: the six haves --
    "set_six_have_goal": (
        {"village": VILLAGE_A, "goal": "service_venue", "target": "建成为民服务站"},
        {"village": "unit"},
    ),
    "add_six_have_evidence": (
        {
            "village": VILLAGE_A,
            "goal": "service_venue",
            "title": "验收记录",
            "kind": "report",
            "dated": "2016-12-30",
            "file": "0" * 64,
        },
        {"village": "unit"},
    ),
    "judge_six_have_goal": (
        {
            "village": VILLAGE_A,
            "goal": "service_venue",
            "status": "under_way",
            "judged_by": "王部长",
            "judge_unit": TOWNSHIP,
        },
        {"village": "unit"},
    ),
    # -- the village work ledger: four-source funding --
    "allocate_funds": (
        {
            "village": VILLAGE_A,
            "source": "fiscal",
            "amount": 100,
            "voucher": "JZ-9",
            "allocated_by": "县财政局",
            "plan": plid(1),
            "measure": msid(1),
        },
        {"village": "unit", "plan": "plan", "measure": "measure"},
    ),
    "record_expenditure": (
        {
            "village": VILLAGE_A,
            "source": "fiscal",
            "amount": 1,
            "voucher": "ZC-9",
            "measure": msid(1),
            "payee": "施工队",
            "purpose": "工程款",
        },
        {"village": "unit", "measure": "measure"},
    ),
    "reverse_fund_entry": (
        {"village": VILLAGE_A, "source": "fiscal", "voucher": "JZ-9", "because": "录错"},
        {"village": "unit"},
    ),
    "withdraw_survey_activity": (
        {"village": VILLAGE_A, "activity": 2, "note": "登记重复"},
        {"village": "unit"},
    ),
}
CITY_ONLY = {
    "register_dispatching_unit",
    "register_cadre",
    "record_correction",
    "adopt_assessment_rules",
}


def variants(value: str) -> list[str]:
    """The same value as an attacker may write it."""
    out = [value, " " + value, "\t" + value, value + "\n", " \t" + value + "\n ", "\u3000" + value]
    if value.isdigit():
        out.append(value.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    else:
        out.append(value.upper())
    return out


def build(z: Zhucun) -> None:
    team_network(z)
    open_other_county(z)
    apply(
        z,
        cmd(
            "open_unit",
            on="2014-01-01",
            code=TOWNSHIP_2,
            name="丁镇",
            level="township",
            parent=COUNTY,
        ),
        cmd(
            "open_unit",
            on="2014-01-01",
            code=VILLAGE_C,
            name="丁村",
            level="village",
            parent=TOWNSHIP_2,
        ),
        cmd(
            "open_unit",
            on="2014-01-01",
            code=GROUP_C1,
            name="丁村一组",
            level="group",
            parent=VILLAGE_C,
        ),
    )
    for n, group, head in ((1, OTHER_GROUP, "外县户"), (11, GROUP_C1, "外镇户")):
        apply(
            z,
            cmd(
                "register_household",
                group=group,
                head_name=head,
                members=3,
                id_number=idn(n + 50),
                id=uid(9, n),
            ),
            cmd(
                "party_member_joined",
                name=head.replace("户", "党员"),
                household=uid(9, n),
                id=uid(9, n + 1),
            ),
            cmd("designate_central_household", on="2014-06-02", party_member=uid(9, n + 1)),
        )
    apply(
        z,
        cmd("dispatch_team", on=ON, unit=CITY_AGRI, village=VILLAGE_B, id=tid(2)),
        cmd("join_team", on=ON, team=tid(2), cadre=cid(CLERK)),
        cmd("dispatch_team", on=ON, unit="COUNTY-AGRI", village=OTHER_VILLAGE, id=tid(3)),
        cmd("join_team", on=ON, team=tid(3), cadre=cid(7)),
        cmd("dispatch_team", on=ON, unit="COUNTY-AGRI", village=VILLAGE_C, id=tid(4)),
        cmd("join_team", on=ON, team=tid(4), cadre=cid(6)),
    )
    # An opinion and a problem found in each village: A (n=1), B (2), the other county's (3)
    # and the other township's (4).
    for n, village in enumerate((VILLAGE_A, VILLAGE_B, OTHER_VILLAGE, VILLAGE_C), 1):
        apply(
            z,
            cmd(
                "collect_opinion",
                on="2014-06-15",
                village=village,
                text="修路",
                source="symposium",
                category="conditions",
                id=oid(n),
            ),
            cmd(
                "record_survey_problem",
                on="2014-06-16",
                village=village,
                description="路不通",
                root_cause="poor_infrastructure",
                opinions=[oid(n)],
                id=pid(n),
            ),
            cmd(
                "draft_plan",
                on="2014-07-01",
                village=village,
                kind="annual",
                year=2014,
                title="帮扶计划",
                drafted_by="起草人",
                items=ITEMS,
                id=plid(n),
            ),
            cmd(
                "approve_plan",
                on="2014-07-05",
                actor="approver",
                plan=plid(n),
                approver="批准人",
                approver_unit=village[:9],
            ),
            cmd(
                "plan_measure",
                on="2014-08-01",
                village=village,
                plan=plid(n),
                item="B1",
                title="修路",
                responsible="责任人",
                due_on="2014-10-31",
                budget=0,
                id=msid(n),
            ),
        )
    leave = {"first_day": "2014-07-01", "last_day": "2014-07-02"}
    apply(
        z,
        cmd("request_leave", on="2014-06-20", cadre=cid(MEMBER), id=lid(1), **leave),
        cmd("request_leave", on="2014-06-20", cadre=cid(CLERK), id=lid(2), **leave),
        cmd("request_leave", on="2014-06-20", cadre=cid(7), id=lid(3), **leave),
        cmd("request_leave", on="2014-06-20", cadre=cid(6), id=lid(4), **leave),
    )


ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def built_store(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Zhucun:
    """The store of ``build`` on one engine, for a module's tests to share."""
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('jurisdiction')}/zhucun.db"
    else:
        url = pg_url_for_new_schema()
    z = bootstrap(url, SettableClock(datetime(2016, 12, 31, 4, 0, tzinfo=UTC)))
    build(z)
    return z


def engines_store_fixture(then: Callable[[Zhucun], Any] | None = None) -> Any:
    """A module's ``store`` fixture: ``built_store`` on each engine, then ``then`` (if any);
    closed after the module."""

    @pytest.fixture(scope="module", params=ENGINES)
    def store(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Zhucun]:
        z = built_store(request.param, tmp_path_factory)
        if then is not None:
            then(z)
        yield z
        z.close()

    return store


store = engines_store_fixture()


def line_of(reach: Reach, command: str, args: dict[str, Any]) -> CommandLine:
    return parse_command_line(
        {
            "command": command,
            "args": args,
            "actor": "attacker",
            "role": reach.role.value,
            "occurred_on": "2016-12-30",
            "reason": "test",
        }
    )


def send(z: Zhucun, reach: Reach, command: str, args: dict[str, Any]) -> None:
    z.execute([line_of(reach, command, args)], reach=reach)


CASES = [
    pytest.param(role, command, arg, kind, id=f"{role}-{command}-{arg}")
    for role, (reach, outside) in REACHES.items()
    for command, (_, refs) in TEMPLATES.items()
    if reach.role in COMMAND_ROLES[command]
    for arg, kind in refs.items()
    if kind in outside
]


@pytest.mark.parametrize(("role", "command", "arg", "kind"), CASES)
def test_another_jurisdictions_value_in_any_disguise_is_refused_naming_nothing_of_it(
    store: Zhucun, role: str, command: str, arg: str, kind: str
) -> None:
    reach, outside = REACHES[role]
    template, _ = TEMPLATES[command]
    before = store.store.max_position()
    for value in variants(outside[kind]):
        sent = [value] if isinstance(template.get(arg), list) else value  # a list of ids
        with pytest.raises(BatchRefused) as info:
            send(store, reach, command, {**template, arg: sent})
        error = info.value.error
        assert isinstance(error, NotInJurisdictionError), (repr(value), error)
        assert error.field == arg
        said = error.zh + error.en
        assert outside[kind] not in said and not any(name in said for name in OUTSIDE_NAMES)
        assert not any(code in said for code in (OTHER_COUNTY, TOWNSHIP_2, VILLAGE_B))
    assert store.store.max_position() == before, "a refused command writes nothing"


@pytest.mark.parametrize(
    ("role", "command"),
    [
        pytest.param(role, command, id=f"{role}-{command}")
        for role, (reach, _) in REACHES.items()
        for command in TEMPLATES
        if reach.role in COMMAND_ROLES[command]
    ],
)
def test_the_accounts_own_values_pass_the_jurisdiction_check(
    store: Zhucun, role: str, command: str
) -> None:
    reach, _ = REACHES[role]
    template, _ = TEMPLATES[command]
    try:  # run, never committed: the module's store stays as built
        store.run_in(UnitOfWork(store.store), [(1, line_of(reach, command, template))], reach)
    except BatchRefused as e:  # the domain may refuse (already done...), never jurisdiction
        assert not isinstance(e.error, NotInJurisdictionError | RoleNotAllowedError), e.error


@pytest.mark.parametrize("role", list(REACHES))
def test_a_role_may_send_only_the_commands_of_its_role(store: Zhucun, role: str) -> None:
    reach, _ = REACHES[role]
    before = store.store.max_position()
    for command in sorted(set(COMMANDS) - {c for c, r in COMMAND_ROLES.items() if reach.role in r}):
        template = TEMPLATES.get(command, ({}, {}))[0]
        with pytest.raises(BatchRefused) as info:
            send(store, reach, command, template)
        assert isinstance(info.value.error, RoleNotAllowedError), (command, info.value.error)
    assert store.store.max_position() == before


def test_every_command_has_roles_and_every_reference_argument_is_checked() -> None:
    assert set(COMMAND_ROLES) == set(COMMANDS)
    assert set(TEMPLATES) | CITY_ONLY == set(COMMANDS)
    for command, spec in COMMANDS.items():
        for arg in spec.args:
            name = arg.rstrip("?")
            refs = TEMPLATES.get(command, ({}, {}))[1]
            if name in refs:
                assert name in UNIT_CODES | IDS


def test_an_account_below_the_city_may_not_name_a_record_that_has_no_place(store: Zhucun) -> None:
    reach = Reach(Role.CITY_ADMIN, COUNTY)  # not city-level: a county bound city_admin role
    before = store.store.max_position()
    with pytest.raises(BatchRefused) as info:
        send(
            store,
            reach,
            "register_dispatching_unit",
            {"code": "X-1", "name": "某局", "level": "county", "sector": "other"},
        )
    assert isinstance(info.value.error, NotInJurisdictionError)
    assert store.store.max_position() == before


def test_the_command_line_operator_has_no_reach_and_no_limit(store: Zhucun) -> None:
    """``zhucun apply`` runs without a reach: the operator holds the store itself."""
    result = store.apply_text(
        json.dumps(
            cmd("rename_unit", unit=OTHER_GROUP, name="丙村第一组", on="2016-12-30"),
            ensure_ascii=False,
        )
    )
    assert result.applied == 1
