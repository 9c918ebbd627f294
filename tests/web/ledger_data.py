"""The web tests' network (tests/web/builders.py) with a village work ledger: village A
surveyed, planned (one plan approved, one drafted by the township officer's account, one
drafted by the team member's), with measures in every status, two of them overdue at the end
of 2016, and a responsibility letter; and a plan, approved, with a measure in the other
county's village, for the hostile cases."""

from __future__ import annotations

from app.bootstrap import Zhucun
from tests.builders import VILLAGE_B, apply
from tests.ledger_builders import (
    MINUTES,
    allocation,
    approve,
    evidence,
    expenditure,
    goal,
    judge,
    letter,
    measure,
    msid,
    opinion,
    plan,
    plid,
    problem,
    progress,
    reversal,
    status,
    survey,
)
from tests.web.builders import OTHER_TOWNSHIP, OTHER_VILLAGE, WebNet, web_network

# Village A's measures: (number, item, title, due on); 1 is under way and 2 planned, both
# overdue on 2016-12-31; 4 is planned, due later; 5 done; 6 dropped.
ROAD, MUSHROOMS, YOUNG, BRANCH, CATTLE = 1, 2, 4, 5, 6
OWN_PLAN = 2  # drafted by the township officer's account: not theirs to approve
MEMBERS_PLAN = 4  # drafted by the team member's account, awaiting approval
OTHER_PLAN, OTHER_MEASURE = 3, 3  # the other county's village


def ledger_network(z: Zhucun) -> WebNet:
    net = web_network(z)
    apply(
        z,
        *survey(statistics=True),
        opinion(1),
        opinion(2, text="希望发展食用菌", category="collective_economy"),
        problem(1),
        plan(1),
        approve(1),
        measure(ROAD),
        measure(MUSHROOMS, item="C1", title="建食用菌大棚 10 个", due_on="2016-12-01"),
        measure(YOUNG, item="A1", title="发展年轻党员 3 名", due_on="2017-06-30"),
        measure(BRANCH, item="A1", title="调整村党支部班子", due_on="2015-06-30", budget=0),
        measure(CATTLE, item="C1", title="养牛合作社", due_on="2015-12-31"),
        status(ROAD, "under_way"),
        progress(ROAD),
        status(BRANCH, "under_way"),
        status(BRANCH, "done", on="2014-12-01"),
        status(CATTLE, "dropped", because="资金未到位"),
        letter(1),
        plan(OWN_PLAN, kind="three_year", title="三年帮扶目标", actor="township.officer"),
        plan(
            MEMBERS_PLAN,
            on="2016-12-01",
            year=2016,
            title="2016 年度帮扶计划",
            actor="team.member",
            role="team_member",
        ),
        opinion(3, village=OTHER_VILLAGE),
        plan(OTHER_PLAN, village=OTHER_VILLAGE),
        approve(OTHER_PLAN, approver_unit=OTHER_TOWNSHIP),
        measure(OTHER_MEASURE, village=OTHER_VILLAGE, plan=plid(OTHER_PLAN)),
    )
    return net


# Village A's 六有 goals and funds (ledger_network_with_funds), and village B's plan and measure
# (inside the township officer's jurisdiction, for the ownership cases).
B_PLAN, B_MEASURE = 5, 7


def ledger_network_with_funds(z: Zhucun) -> WebNet:
    """``ledger_network`` and: village A's goal of a strong leadership team set, its minutes
    attached as evidence (a stored file) and judged under way by the township; a goal of a
    service venue set, neither evidenced nor judged; 100,000 yuan fiscal allocated for the
    approved plan and 2,500.50 urban-rural for the road, 30,000 fiscal spent on the road and
    100 more spent and reversed; and in village B an approved plan with a measure."""
    net = ledger_network(z)
    z.attach_file(MINUTES)
    apply(
        z,
        goal(),
        evidence(),
        judge("under_way"),
        goal("service_venue", target="村级活动场所 200 平方米"),
        allocation(),
        allocation("JZ-002", source="urban_rural", amount="2500.50", measure=msid(ROAD), plan=None),
        expenditure(measure=msid(ROAD)),
        expenditure("ZC-002", amount=100, on="2014-08-20", measure=msid(ROAD)),
        reversal("ZC-002", on="2014-08-21", because="重复记账"),
        plan(B_PLAN, village=VILLAGE_B, title="乙村 2014 年度帮扶计划"),
        approve(B_PLAN),
        measure(B_MEASURE, village=VILLAGE_B, plan=plid(B_PLAN), title="乙村修桥"),
    )
    return net
