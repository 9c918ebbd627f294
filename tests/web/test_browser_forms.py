"""Forms that help, end to end in headless Chromium: a township officer picks a household by
typing its head's pinyin initials (htmx fills the list with the matches among the households
the form may link), links it, reads what was recorded and follows the link to the household's
page; a form sent with several bad fields shows every error beside its field, in Chinese, and
keeps what was typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import Zhucun
from tests.builders import GROUP_A1, VILLAGE_A, apply, hid, household
from tests.web.builders import web_network
from tests.web.test_browser import browser, logged_in, pytestmark, served, shots  # noqa: F401

FOUND = 31  # 王桂兰's household, found by "wgl"
OTHERS = [f"刘{n:02d}" for n in range(25)]  # a long list: more than the 20 shown at once


def _village(z: Zhucun) -> None:
    web_network(z)
    apply(
        z,
        household(FOUND, GROUP_A1, "王桂兰", 3),
        *(household(40 + i, GROUP_A1, name, 2) for i, name in enumerate(OTHERS)),
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    yield from served(tmp_path, _village)


def test_a_household_is_picked_by_its_initials_in_the_link_form_and_linked(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    page: Any = logged_in(browser, server, "township.officer")
    page.goto(f"{server}/units/{VILLAGE_A}/record/link-household")
    assert page.locator("#household option").count() <= 21  # 20 and "choose"
    page.fill("#household-q", "wgl")
    page.wait_for_selector(f'#household option[value="{hid(FOUND)}"][selected]', state="attached")
    assert page.locator("#household option").count() == 1  # the one match, chosen
    assert page.input_value("#household") == hid(FOUND)
    assert page.inner_text("#household option") == "王桂兰 (甲村一组)"
    page.screenshot(path=shots / "1-found-by-initials.png", full_page=True)
    assert page.input_value("#central_household") != ""  # the village's one: chosen already
    page.click("button.primary")
    page.wait_for_url(f"**/units/{VILLAGE_A}/record/link-household")
    said = page.inner_text("p.flash.recorded")
    assert said.startswith("已记录：联系户挂靠中心户（户：王桂兰 (甲村一组)；党员中心户：")
    page.screenshot(path=shots / "2-recorded.png", full_page=True)
    page.click("p.flash.recorded a.where")
    page.wait_for_url(f"**/households/{hid(FOUND)}")
    linked = page.inner_text("#household div:has(> dt:text-is('挂靠党员中心户')) dd")
    assert linked.strip() == "是"
    page.close()


def test_a_form_with_several_bad_fields_shows_every_error_beside_its_field_in_chinese(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    page: Any = logged_in(browser, server, "township.officer")
    page.goto(f"{server}/units/{GROUP_A1}/record/register-household")
    assert page.input_value("#group") == GROUP_A1  # opened from the group: that group
    page.fill("#members", "0")
    page.fill("#reason", "")
    page.click("button.primary")
    page.wait_for_selector("#field-head_name .error")
    errors = {
        field: page.inner_text(f"#field-{field} p.error")
        for field in ("head_name", "members", "id_number", "reason")
    }
    assert errors["head_name"] == "户主为必填项"
    assert errors["members"] == "人口应在 1 至 999 之间"
    assert errors["id_number"] == "户主身份证号为必填项"
    assert errors["reason"] == "事由为必填项"
    assert page.input_value("#members") == "0"  # what was typed is kept
    assert not any(c.isascii() and c.isalpha() for t in errors.values() for c in t)
    page.screenshot(path=shots / "3-every-error.png", full_page=True)
    page.close()
