"""End to end in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright): an
auditor opens the audit log from the navigation, sees the chain verified, filters the log
to one village's registered households, downloads the entries as an Excel workbook (which
opens, with every entry of the filters), and finds the export itself in the log. Screenshots
go to the test's output folder (``$ZHUCUN_TEST_OUTPUT`` if set, else the test's tmp_path)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.builders import VILLAGE_A
from tests.web.test_browser import browser, logged_in, pytestmark, server, shots  # noqa: F401


def test_an_auditor_filters_the_log_and_downloads_an_export(
    server: str,  # noqa: F811
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
    tmp_path: Path,
):
    wide = {"width": 1280, "height": 900}
    page = logged_in(browser, server, "city.auditor", viewport=wide, accept_downloads=True)

    page.click("#nav-audit")
    page.wait_for_url("**/audit")
    assert page.inner_text("h1") == "审计日志"
    # The chain is verified once the page has loaded (htmx), and says how far.
    page.wait_for_selector("#chain-state.ok")
    assert "完好" in page.inner_text("#chain-state")
    page.screenshot(path=shots / "1-audit-log.png", full_page=True)

    page.fill("#unit", VILLAGE_A)
    page.select_option("#type", "Household.Registered")
    page.click("#apply")
    page.wait_for_url("**type=Household.Registered**")
    assert "共 3 条" in page.inner_text("#total")
    rows = page.locator("#rows li.entry")
    assert rows.count() == 3
    for i in range(3):
        assert "登记户" in rows.nth(i).inner_text()
    page.screenshot(path=shots / "2-filtered.png", full_page=True)

    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.startswith("audit-log-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    log, about = openpyxl.load_workbook(saved).worksheets
    body = list(log.iter_rows(min_row=2, values_only=True))
    assert len(body) == 3 and all(row[11] == "Household.Registered" for row in body)
    filters = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row and row[0]}
    assert filters["unit"] == VILLAGE_A and filters["event"] == "Household.Registered"

    # The export is itself an entry of the log, with who, the format and the filters.
    page.goto(server + "/audit?type=DataAccess.Exported")
    entry = page.inner_text("#rows li.entry >> nth=-1")
    assert "导出数据" in entry and "city.auditor" in entry
    page.click("#rows li.entry >> nth=-1 >> summary")
    details = page.inner_text("#rows li.entry >> nth=-1 >> details")
    assert "Excel 工作簿" in details and "登记户" in details
    page.screenshot(path=shots / "3-the-export-recorded.png", full_page=True)
    page.context.close()
    assert len(list(shots.glob("*.png"))) == 3
