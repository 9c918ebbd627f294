"""End to end in a real headless Chromium: a county administrator runs the annual assessment
of 2014 from the navigation, sees the ranking with the team's grade and the criticism in
words, publishes it, opens the team's score by input and the check-ins behind a figure, and
sees the grades over the years drawn; an auditor replays the run and reads "reproduced".
An inspector records a spot check from the team's page, ticking an inspector of another unit
and the members found present and absent on the day's roster, and finds it with the team's
assessments; the official accepts the run's criticism and the page names who decided."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.accounts import Accounts
from app.bootstrap import Zhucun
from tests.assess_builders import assessed_team
from tests.team_builders import LEADER, MEMBER, cid, tid
from tests.web.builders import ACCOUNTS, FAST_HASHER, PASSWORD, other_county
from tests.web.test_browser import browser, logged_in, pytestmark, served, shots  # noqa: F401


def _assessed(z: Zhucun) -> None:
    team = assessed_team(z)
    other_county(z)
    accounts = Accounts(z, hasher=FAST_HASHER)
    for role, (username, unit) in ACCOUNTS.items():
        accounts.add(username, role, unit, PASSWORD, team=team if role == "team_member" else None)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    yield from served(tmp_path, _assessed)


def _log_in(chromium: object, server: str, username: str) -> object:
    return logged_in(chromium, server, username, viewport={"width": 1280, "height": 900})


def test_an_official_runs_publishes_and_traces_and_an_auditor_replays(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    page: object = _log_in(browser, server, "county.admin")
    page.click("#nav-assessments")  # type: ignore[attr-defined]
    page.wait_for_url("**/assessments")  # type: ignore[attr-defined]
    page.select_option("#run-form select[name=kind]", "annual")  # type: ignore[attr-defined]
    page.fill("#run-form input[name=period]", "2014")  # type: ignore[attr-defined]
    page.click("#run-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#ranking")  # type: ignore[attr-defined]
    ranking = page.inner_text("#ranking")  # type: ignore[attr-defined]
    assert "本溪市农委驻甲村工作队" in ranking and "不合格" in ranking
    assert "没有做到经常性驻村" in ranking
    page.screenshot(path=shots / "1-ranking.png", full_page=True)  # type: ignore[attr-defined]
    run_url = page.url  # type: ignore[attr-defined]

    page.click("#publish-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#published")  # type: ignore[attr-defined]
    assert "county.admin" in page.inner_text("#published")  # type: ignore[attr-defined]

    page.click("#ranking a")  # type: ignore[attr-defined]
    page.wait_for_selector("#inputs")  # type: ignore[attr-defined]
    assert "269 / 280" in page.inner_text("#input-days_checked_in")  # type: ignore[attr-defined]
    page.click("#input-days_checked_in a.trace")  # type: ignore[attr-defined]
    page.wait_for_selector("#entries")  # type: ignore[attr-defined]
    assert page.locator("#entries tbody tr").count() == 269  # type: ignore[attr-defined]
    page.screenshot(path=shots / "2-trace.png")  # type: ignore[attr-defined]

    page.goto(server + "/assessments")  # type: ignore[attr-defined]
    page.wait_for_selector("#grades-chart[data-ready='true'] svg")  # type: ignore[attr-defined]
    page.screenshot(path=shots / "3-grades-over-the-years.png", full_page=True)  # type: ignore[attr-defined]

    auditor: object = _log_in(browser, server, "city.auditor")
    auditor.goto(run_url)  # type: ignore[attr-defined]
    auditor.click("#replay")  # type: ignore[attr-defined]
    auditor.wait_for_selector("#reproduced")  # type: ignore[attr-defined]
    assert "复算一致" in auditor.inner_text("#reproduced")  # type: ignore[attr-defined]
    auditor.screenshot(path=shots / "4-reproduced.png")  # type: ignore[attr-defined]


def test_an_inspector_records_a_spot_check_and_an_official_accepts_a_proposal(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    team = tid(1)
    inspector: object = _log_in(browser, server, "county.inspector")
    inspector.goto(f"{server}/teams/{team}")  # type: ignore[attr-defined]
    inspector.click("text=登记不定期抽查")  # type: ignore[attr-defined]
    inspector.wait_for_selector("#record-form")  # type: ignore[attr-defined]
    inspector.fill("#occurred_on", "2014-09-17")  # type: ignore[attr-defined]
    inspector.click("#refresh-choices")  # type: ignore[attr-defined]
    inspector.wait_for_selector("#choices-day")  # type: ignore[attr-defined]
    inspector.check(f"#inspectors input[value='{cid(6)}']")  # type: ignore[attr-defined]
    inspector.check(f"#present input[value='{cid(LEADER)}']")  # type: ignore[attr-defined]
    inspector.check(f"#absent input[value='{cid(MEMBER)}']")  # type: ignore[attr-defined]
    inspector.fill("#findings", "李队员不在村，未请假")  # type: ignore[attr-defined]
    inspector.screenshot(path=shots / "1-spot-check-form.png", full_page=True)  # type: ignore[attr-defined]
    inspector.click("button.primary.big")  # type: ignore[attr-defined]
    inspector.wait_for_url(f"**/teams/{team}")  # type: ignore[attr-defined]
    inspector.goto(f"{server}/teams/{team}/assessments")  # type: ignore[attr-defined]
    row = inspector.inner_text("#spot-checks tbody tr")  # type: ignore[attr-defined]
    assert "2014年9月17日" in row and "孙科长" in row and "李队员" in row
    inspector.screenshot(path=shots / "2-spot-checks.png", full_page=True)  # type: ignore[attr-defined]

    page: object = _log_in(browser, server, "county.admin")
    page.goto(server + "/assessments")  # type: ignore[attr-defined]
    page.select_option("#run-form select[name=kind]", "annual")  # type: ignore[attr-defined]
    page.fill("#run-form input[name=period]", "2014")  # type: ignore[attr-defined]
    page.click("#run-form button")  # type: ignore[attr-defined]
    page.wait_for_selector("#ranking")  # type: ignore[attr-defined]
    page.click("#publish-form button")  # type: ignore[attr-defined]
    page.wait_for_selector(".decide-form")  # type: ignore[attr-defined]
    item = f"#proposal-criticism-{team}-not_regularly_resident"
    assert "尚未决定" in page.inner_text(item)  # type: ignore[attr-defined]
    page.screenshot(path=shots / "3-proposals.png", full_page=True)  # type: ignore[attr-defined]
    page.check(f"{item} input[name=outcome][value=accepted]")  # type: ignore[attr-defined]
    page.click(f"{item} .decide-form button")  # type: ignore[attr-defined]
    page.wait_for_selector(f"{item}-decision")  # type: ignore[attr-defined]
    decided = page.inner_text(f"{item}-decision")  # type: ignore[attr-defined]
    assert "已接受" in decided and "county.admin" in decided
    page.screenshot(path=shots / "4-decided.png", full_page=True)  # type: ignore[attr-defined]
    page.goto(server + "/assessments")  # type: ignore[attr-defined]
    assert "没有做到经常性驻村（已接受）" in page.inner_text("#criticised")  # type: ignore[attr-defined]
