"""End to end in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright), over
the web tests' network with a village work ledger (tests/web/ledger_data.py): the city's
administrator sees the survey beside the seed report's figures; a township officer opens a
village's ledger from the township's and approves a plan; a team member, on a phone, opens
the measures board, notes a measure's progress from it, sees it on the board and downloads
the workbook; and a team member attaches a file as evidence for a 六有 goal, downloads it
back, records an expenditure, sees it in the funds chart, and is refused an overspend beside
the amount. Screenshots go to the test's output folder (``$ZHUCUN_TEST_OUTPUT`` if set, else
the test's tmp_path)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders import TOWNSHIP, VILLAGE_A
from tests.ledger_builders import msid, plid
from tests.web.builders import ACCOUNTS
from tests.web.ledger_data import (
    MEMBERS_PLAN,
    MUSHROOMS,
    ROAD,
    ledger_network,
    ledger_network_with_funds,
)
from tests.web.test_browser import browser, logged_in, pytestmark, served, shots  # noqa: F401

PLAN, MEASURE = plid(MEMBERS_PLAN), msid(MUSHROOMS)


@pytest.fixture
def ledger_server(tmp_path: Path) -> Iterator[str]:
    yield from served(tmp_path, ledger_network)


@pytest.fixture
def funds_server(tmp_path: Path) -> Iterator[str]:
    yield from served(tmp_path, ledger_network_with_funds)


def logged_in_as(chromium: Any, server: str, role: str, **context: object) -> Any:
    return logged_in(chromium, server, ACCOUNTS[role][0], **context)


def test_a_plan_is_approved_and_a_measures_progress_noted_from_the_board(
    ledger_server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    wide = {"viewport": {"width": 1280, "height": 900}}

    # The city's ledger: its survey beside the seed report's figures, drawn and in a table.
    city = logged_in_as(browser, ledger_server, "city_admin", **wide)
    city.click("#nav-ledger")
    city.wait_for_selector("#seed-chart[data-ready='true'] svg")
    row = city.inner_text("#figure-tables_and_questionnaires")
    assert "4,200 余" in row and "尚未" in row
    city.screenshot(path=shots / "1-city-ledger-beside-the-seed.png", full_page=True)

    # A township officer opens village A's ledger from the township's and approves a plan.
    page = logged_in_as(browser, ledger_server, "township_officer", **wide)
    page.click("#nav-ledger")
    page.wait_for_url(f"**/units/{TOWNSHIP}/ledger")
    page.click(f"#village-{VILLAGE_A} a")
    page.wait_for_url(f"**/units/{VILLAGE_A}/ledger")
    page.click("#tab-plans")
    assert "未批准" in page.inner_text(f"#plan-{PLAN}")
    page.click(f"#plan-{PLAN} a.approve")
    page.wait_for_url("**/ledger/record/approve-plan?plan=*")
    assert page.input_value("#plan") == PLAN
    assert page.input_value("#approver_unit") == TOWNSHIP
    page.fill("#approver", "王镇长")
    page.screenshot(path=shots / "2-approve-a-plan.png", full_page=True)
    page.click("#record-form button.primary")
    page.wait_for_url(f"**/units/{VILLAGE_A}/ledger?tab=plans")
    assert "已记录：批准规划" in page.inner_text("p.flash")
    assert "由王镇长批准" in page.inner_text(f"#plan-{PLAN}")
    page.screenshot(path=shots / "3-plan-approved.png", full_page=True)

    # A team member, on a phone, notes a measure's progress from the board and sees it there.
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "accept_downloads": True}
    member = logged_in_as(browser, ledger_server, "team_member", **phone)
    member.click("#nav-ledger")
    member.wait_for_url(f"**/units/{VILLAGE_A}/ledger")
    with member.expect_download() as download:
        member.click("#download-workbook")
    assert download.value.suggested_filename == f"ledger-{VILLAGE_A}-2016-12-31.xlsx"
    member.click("#measures-board")
    member.wait_for_url(f"**/units/{VILLAGE_A}/measures")
    card = f"#column-planned #measure-{MEASURE}"
    assert "已逾期" in member.inner_text(card)
    member.click(f"{card} a.note-progress")
    member.wait_for_url("**/note-measure-progress?**")
    assert member.input_value("#measure") == MEASURE
    member.fill("#note", "菌棒已采购，大棚开工")
    member.click("#record-form button.primary")
    member.wait_for_url(f"**/units/{VILLAGE_A}/measures")
    assert "菌棒已采购，大棚开工" in member.inner_text(card)
    width = member.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the board is {width} px wide on a 390 px phone"
    member.screenshot(path=shots / "4-progress-on-the-board.png", full_page=True)
    assert len(list(shots.glob("*.png"))) == 4


def spent_in_chart(page: Any) -> list[float]:
    """The yuan spent per source as the drawn chart holds them."""
    return list(
        page.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('funds-chart'))"
            ".getOption().series[1].data.map(d => typeof d === 'object' ? d.value : d)"
        )
    )


def spend_on_the_road(page: Any, amount: str, voucher: str, purpose: str) -> None:
    """Send the expenditure form: fiscal money for the road measure, paid to the road builder."""
    page.select_option("#source", "fiscal")
    page.fill("#amount", amount)
    page.fill("#voucher", voucher)
    page.select_option("#measure", msid(ROAD))
    page.fill("#payee", "本溪路桥公司")
    page.fill("#purpose", purpose)
    page.click("#record-form button.primary")


def test_a_team_member_attaches_evidence_and_records_an_expenditure_the_chart_shows(
    funds_server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
    tmp_path: Path,
):
    wide = {"viewport": {"width": 1280, "height": 900}, "accept_downloads": True}
    page = logged_in_as(browser, funds_server, "team_member", **wide)
    page.click("#nav-ledger")
    page.wait_for_url(f"**/units/{VILLAGE_A}/ledger")

    # The 六有 tab: the service venue has a goal and no evidence; attach a photograph.
    page.click("#tab-goals")
    page.wait_for_url("**/ledger?tab=goals")
    assert "当日尚无证据" in page.inner_text("#goal-service_venue")
    page.click("#goal-service_venue a.add-evidence")
    page.wait_for_url("**/add-six-have-evidence?goal=service_venue")
    assert page.input_value("#goal") == "service_venue"
    photo = tmp_path / "活动场所.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 village venue photograph " * 20)
    page.fill("#title", "村级活动场所竣工照片")
    page.select_option("#kind", "photo")
    page.fill("#dated", "2016-12-30")
    page.set_input_files("#file", str(photo))
    page.screenshot(path=shots / "5-evidence-form.png", full_page=True)
    page.click("#record-form button.primary")
    page.wait_for_url("**/ledger?tab=goals")
    card = page.inner_text("#goal-service_venue")
    assert "村级活动场所竣工照片" in card and "照片" in card and "2016年12月30日" in card
    with page.expect_download() as download:
        page.click("#goal-service_venue a.download")
    assert download.value.suggested_filename == "活动场所.jpg"
    assert Path(download.value.path()).read_bytes() == photo.read_bytes()
    page.screenshot(path=shots / "6-evidence-on-the-goal.png", full_page=True)

    # The funds tab: 30,000 yuan spent from the fiscal allocation; spend 20,000.50 more.
    page.click("#tab-funds")
    page.wait_for_selector("#funds-chart[data-ready='true'] svg")
    assert spent_in_chart(page) == [0, 30000, 0, 0]
    page.click("#form-record-expenditure")
    page.wait_for_url("**/record-expenditure")
    spend_on_the_road(page, "20,000.50", "ZC-003", "路面工程款")
    page.wait_for_url("**/ledger?tab=funds")
    assert "已记录：登记资金支出" in page.inner_text("p.flash")
    assert "50,000.50" in page.inner_text("#source-fiscal")
    page.wait_for_selector("#funds-chart[data-ready='true'] svg")
    assert spent_in_chart(page) == [0, 50000.5, 0, 0]
    page.screenshot(path=shots / "7-expenditure-in-the-chart.png", full_page=True)

    # Spending more than is left is refused beside the amount, and nothing is recorded.
    page.click("#form-record-expenditure")
    spend_on_the_road(page, "50000", "ZC-004", "超支")
    assert "支出不能超过拨入" in page.inner_text("#amount-error")
    page.screenshot(path=shots / "8-overspend-refused.png", full_page=True)
    assert len(list(shots.glob("*.png"))) == 4
