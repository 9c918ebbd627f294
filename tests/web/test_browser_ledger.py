"""End to end in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright), over
the web tests' network with a village work ledger (tests/web/ledger_data.py): the city's
administrator sees the survey beside the seed report's figures; a township officer opens a
village's ledger from the township's and approves a plan; a team member, on a phone, opens
the measures board, notes a measure's progress from it, sees it on the board and downloads
the workbook. Screenshots go to the test's output folder (``$ZHUCUN_TEST_OUTPUT`` if set, else
the test's tmp_path)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders import TOWNSHIP, VILLAGE_A
from tests.ledger_builders import msid, plid
from tests.web.builders import ACCOUNTS, PASSWORD
from tests.web.ledger_data import MEMBERS_PLAN, MUSHROOMS, ledger_network
from tests.web.test_browser import browser, pytestmark, served, shots  # noqa: F401

PLAN, MEASURE = plid(MEMBERS_PLAN), msid(MUSHROOMS)


@pytest.fixture
def ledger_server(tmp_path: Path) -> Iterator[str]:
    yield from served(tmp_path, ledger_network)


def logged_in(chromium: Any, server: str, role: str, **context: object) -> Any:
    page = chromium.new_context(**context).new_page()
    page.goto(server + "/login")
    page.fill("#username", ACCOUNTS[role][0])
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/units/**")
    return page


def test_a_plan_is_approved_and_a_measures_progress_noted_from_the_board(
    ledger_server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    wide = {"viewport": {"width": 1280, "height": 900}}

    # The city's ledger: its survey beside the seed report's figures, drawn and in a table.
    city = logged_in(browser, ledger_server, "city_admin", **wide)
    city.click("#nav-ledger")
    city.wait_for_selector("#seed-chart[data-ready='true'] svg")
    row = city.inner_text("#figure-tables_and_questionnaires")
    assert "4,200 余" in row and "尚未" in row
    city.screenshot(path=shots / "1-city-ledger-beside-the-seed.png", full_page=True)

    # A township officer opens village A's ledger from the township's and approves a plan.
    page = logged_in(browser, ledger_server, "township_officer", **wide)
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
    member = logged_in(browser, ledger_server, "team_member", **phone)
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
