"""Lines for the ledger's tests (survey, plans, measures, letters, funds), written as users
write them."""

from __future__ import annotations

from typing import Any

from app.bootstrap import Zhucun
from tests.builders import TOWNSHIP, VILLAGE_A, apply, cmd
from tests.team_builders import team_network

FORM: dict[str, Any] = {
    "village": VILLAGE_A,
    "committee_size": 5,
    "secretary": "刘书记",
    "assessment": "weak_and_lax",
    "collective_income": 12000,
    "collective_assets": "350000.50",
    "collective_debts": 80000,
    "per_capita_income": 4120.5,
    "main_problems": "集体经济空壳，道路不通，班子年龄偏大",
}


def ledger_of(z: Zhucun, code: str = VILLAGE_A, **when: Any) -> dict[str, Any]:
    """The ledger of the unit ``code`` as of ``when`` (a day, a moment known): it must have one."""
    found = z.ledger(code, **when)
    assert found is not None
    return found


def oid(n: int) -> str:
    return f"00000000-0000-0000-0005-{n:012d}"


def pid(n: int) -> str:
    return f"00000000-0000-0000-0006-{n:012d}"


def form(on: str = "2014-06-10", **changes: Any) -> dict[str, Any]:
    return cmd("register_village_form", on=on, **(FORM | changes))


def period(first_day: str = "2014-06-01", last_day: str = "2014-06-30") -> dict[str, Any]:
    """Village A's survey window, set on its last day of June."""
    window = {"first_day": first_day, "last_day": last_day}
    return cmd("set_survey_period", on="2014-06-30", village=VILLAGE_A, **window)


def tables(on: str = "2014-06-05", **args: Any) -> dict[str, Any]:
    values = {"village": VILLAGE_A, "kind": "questionnaire", "handed_out": 60, "returned": 58}
    return cmd("record_survey_tables", on=on, **(values | args))


def symposium(on: str = "2014-06-08", **args: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "village": VILLAGE_A,
        "township_leaders": 2,
        "committee_members": 5,
        "party_members": 12,
        "villager_representatives": 15,
        "collective_consultation": True,
        "topic": "分析致贫原因",
    }
    return cmd("hold_symposium", on=on, **(values | args))


def interview(on: str = "2014-06-09", **args: Any) -> dict[str, Any]:
    values = {
        "village": VILLAGE_A,
        "interviewee": "王大",
        "interviewee_category": "party_member",
        "interviewer": "张队长",
        "note": "谈种植结构",
    }
    return cmd("hold_interview", on=on, **(values | args))


def opinion(n: int, on: str = "2014-06-09", **args: Any) -> dict[str, Any]:
    values = {
        "village": VILLAGE_A,
        "text": "希望修通村路",
        "source": "symposium",
        "category": "conditions",
        "id": oid(n),
    }
    return cmd("collect_opinion", on=on, **(values | args))


def problem(n: int, on: str = "2014-06-12", **args: Any) -> dict[str, Any]:
    values = {
        "village": VILLAGE_A,
        "description": "村路不通，农产品运不出去",
        "root_cause": "poor_infrastructure",
        "opinions": [oid(1)],
        "id": pid(n),
    }
    return cmd("record_survey_problem", on=on, **(values | args))


def survey(*, statistics: bool = False) -> list[dict[str, Any]]:
    """Village A's survey begun: its form, its questionnaires (and, with ``statistics``, a
    statistics table), a symposium and an interview."""
    counted = [tables(kind="statistics_table", handed_out=20, returned=20)] if statistics else []
    return [form(), tables(), *counted, symposium(), interview()]


# -- plans ------------------------------------------------------------------------------------


def plid(n: int) -> str:
    return f"00000000-0000-0000-0007-{n:012d}"


ITEMS: list[dict[str, Any]] = [
    {"key": "A1", "text": "调整村两委班子，发展年轻党员 3 名", "category": "committees"},
    {"key": "B1", "text": "修通村路 4 公里", "category": "conditions"},
    {
        "key": "C1",
        "text": "建成食用菌大棚 10 个，集体年收入 5 万元",
        "category": "collective_economy",
    },
]


def plan(n: int, on: str = "2014-07-01", **args: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "village": VILLAGE_A,
        "kind": "annual",
        "year": 2014,
        "title": "2014 年度帮扶计划",
        "drafted_by": "张队长",
        "items": ITEMS,
        "id": plid(n),
    }
    return cmd("draft_plan", on=on, **(values | args))


def revise(n: int, on: str = "2014-07-10", **args: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "plan": plid(n),
        "title": "2014 年度帮扶计划（修订）",
        "revised_by": "李队员",
        "items": [*ITEMS, {"key": "D1", "text": "发展养殖户 20 户", "category": "income"}],
    }
    return cmd("revise_plan", on=on, **(values | args))


def approve(n: int, on: str = "2014-07-15", **args: Any) -> dict[str, Any]:
    values = {"plan": plid(n), "approver": "王镇长", "approver_unit": TOWNSHIP}
    return cmd("approve_plan", on=on, actor="wang.township", **(values | args))


# -- measures ---------------------------------------------------------------------------------


def msid(n: int) -> str:
    return f"00000000-0000-0000-0008-{n:012d}"


def measure(n: int, on: str = "2014-08-01", **args: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "village": VILLAGE_A,
        "plan": plid(1),
        "item": "B1",
        "title": "硬化村路一期 2 公里",
        "responsible": "张队长",
        "due_on": "2014-10-31",
        "budget": "400000.00",
        "sources": ["fiscal", "urban_rural"],
        "id": msid(n),
    }
    return cmd("plan_measure", on=on, **(values | args))


def planned() -> list[dict[str, Any]]:
    """Village A's plan 1, approved, with its measure 1."""
    return [plan(1), approve(1), measure(1)]


def status(n: int, to: str, on: str = "2014-09-01", **args: Any) -> dict[str, Any]:
    return cmd("set_measure_status", on=on, **({"measure": msid(n), "status": to} | args))


def progress(n: int, note: str = "路基完成", on: str = "2014-09-15") -> dict[str, Any]:
    return cmd("note_measure_progress", on=on, measure=msid(n), note=note)


# -- responsibility letters -------------------------------------------------------------------


def ltid(n: int) -> str:
    return f"00000000-0000-0000-0009-{n:012d}"


def letter(n: int, on: str = "2014-07-20", **args: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "unit": "CITY-AGRI",
        "village": VILLAGE_A,
        "team": "00000000-0000-0000-0003-000000000001",
        "unit_signatory": "农委主任",
        "village_signatory": "刘书记",
        "term_starts_on": "2014-07-20",
        "term_ends_on": "2016-06-30",
        "targets": [
            {"text": "两年内硬化村路 4 公里", "plan": plid(1), "item": "B1"},
            {"text": "集体年收入 5 万元", "plan": plid(1), "item": "C1"},
        ],
        "id": ltid(n),
    }
    return cmd("sign_responsibility_letter", on=on, **(values | args))


# -- duties and the 六有 goals ----------------------------------------------------------------

MINUTES = "甲村两委班子调整会议记录\n2014-07-30\n".encode()
RULES = "甲村村规民约（2014 年修订）\n".encode()


def sha(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


def goal(name: str = "leadership_team", on: str = "2014-07-01", **args: Any) -> dict[str, Any]:
    values = {"village": VILLAGE_A, "goal": name, "target": "两委班子配齐配强，书记 45 岁以下"}
    return cmd("set_six_have_goal", on=on, **(values | args))


def evidence(
    name: str = "leadership_team", content: bytes = MINUTES, on: str = "2014-08-01", **args: Any
) -> dict[str, Any]:
    values = {
        "village": VILLAGE_A,
        "goal": name,
        "title": "两委班子调整会议记录",
        "kind": "minutes",
        "dated": "2014-07-30",
        "file": sha(content),
        "file_name": "会议记录.txt",
    }
    return cmd("add_six_have_evidence", on=on, **(values | args))


def judge(
    status: str, name: str = "leadership_team", on: str = "2014-09-01", **args: Any
) -> dict[str, Any]:
    values = {
        "village": VILLAGE_A,
        "goal": name,
        "status": status,
        "judged_by": "王部长",
        "judge_unit": TOWNSHIP,
    }
    return cmd("judge_six_have_goal", on=on, actor="wang.township", **(values | args))


# -- four-source funding ----------------------------------------------------------------------


def allocation(voucher: str = "JZ-001", on: str = "2014-08-01", **args: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "village": VILLAGE_A,
        "source": "fiscal",
        "amount": "100000.00",
        "voucher": voucher,
        "allocated_by": "本溪满族自治县财政局",
        "document": "本县财发〔2014〕12号",
        "plan": plid(1),
    }
    return cmd("allocate_funds", on=on, **(values | args))


def expenditure(voucher: str = "ZC-001", on: str = "2014-08-15", **args: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "village": VILLAGE_A,
        "source": "fiscal",
        "amount": "30000.00",
        "voucher": voucher,
        "measure": msid(1),
        "payee": "本溪路桥公司",
        "purpose": "村路路基工程款",
    }
    return cmd("record_expenditure", on=on, role="team_member", **(values | args))


def reversal(voucher: str, on: str = "2014-09-01", **args: Any) -> dict[str, Any]:
    values = {"village": VILLAGE_A, "source": "fiscal", "voucher": voucher, "because": "金额录错"}
    return cmd("reverse_fund_entry", on=on, **(values | args))


def funded_village(z: Zhucun) -> None:
    """The team network; village A's approved plan and measure 1; 100,000 yuan fiscal and
    2,500.50 urban-rural (for measure 1) allocated; 30,000 spent on 2014-08-15, and 100 on
    08-20 reversed on 08-21."""
    team_network(z)
    apply(
        z,
        *planned(),
        allocation(),
        allocation("JZ-002", source="urban_rural", amount="2500.50", measure=msid(1), plan=None),
        expenditure(),
        expenditure("ZC-002", amount=100, on="2014-08-20"),
        reversal("ZC-002", on="2014-08-21", because="重复记账"),
    )
