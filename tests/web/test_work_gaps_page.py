"""The unit page shows the ledger's work gaps wherever it shows blind spots: counted by type,
listed with their subject and what began them, in Chinese and in English. Both engines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.builders import TOWNSHIP, VILLAGE_A, apply
from tests.ledger_builders import approve, measure, msid, plan
from tests.team_builders import tid
from tests.web.builders import web_network
from tests.web.conftest import login
from tests.web.test_dashboard import figure
from web.dashboard import GAP_LABELS, WORK_GAP_CAUSES
from web.i18n import _, in_chinese


@pytest.fixture
def county(zhucun: Zhucun, clock: SettableClock, client: FlaskClient) -> FlaskClient:
    """Today is 2017-12-31: the team of village A (2014-06-01 to 2017-05-31) has lapsed, its
    measure due on 2014-10-31 is still planned, and nothing else of its ledger is recorded."""
    clock.set(datetime(2017, 12, 31, 4, tzinfo=UTC))
    web_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1))
    return login(client, "county_admin")


WORK = [
    "poor_village_without_survey",
    "poor_village_without_plan",
    "poor_village_without_letter",
    "overdue_measure",
    "lapsed_team_term",
]


def test_the_village_page_counts_and_lists_its_work_gaps(county: FlaskClient, zhucun: Zhucun):
    html = county.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    for kind in WORK:
        assert figure(html, f"gaps-{kind}").endswith(" 1 "), kind
    gaps = figure(html, "gaps")
    assert "逾期的帮扶措施 硬化村路一期 2 公里" in gaps
    assert "完成期限为 2014年10月31日" in gaps
    assert "驻村期于 2017年5月31日 届满" in gaps
    assert "本年度自 2017年1月1日 起尚无批准的年度计划" in gaps
    assert "于 2014年3月1日 认定为贫困村" in gaps
    assert "due_date_passed" not in gaps and "term_ended" not in gaps
    assert f'<a class="subject" href="/teams/{tid(1)}">' in html
    road = f"/units/{VILLAGE_A}/ledger?tab=measures#measure-{msid(1)}"
    assert f'<a class="subject" href="{road}">硬化村路一期 2 公里</a>' in html
    assert f'href="/units/{VILLAGE_A}/ledger?tab=letters">甲村</a>' in html
    assert county.get(road.split("#")[0]).status_code == 200


def test_in_english_the_work_gaps_read_in_english(county: FlaskClient):
    html = county.get(f"/units/{VILLAGE_A}?lang=en").get_data(as_text=True)
    gaps = figure(html, "gaps")
    assert "Measures past their due date" in gaps and "due on Oct 31, 2014" in gaps
    assert "the term ended on May 31, 2017" in gaps
    assert "逾期" not in gaps


def test_a_work_gap_type_link_lists_that_type_alone(county: FlaskClient):
    html = county.get(f"/units/{VILLAGE_A}").get_data(as_text=True)
    assert f'href="/units/{VILLAGE_A}?gap=lapsed_team_term#gap-list"' in html
    only = county.get(f"/units/{VILLAGE_A}?gap=lapsed_team_term").get_data(as_text=True)
    rows = figure(only, "gaps")
    assert "本溪市农委驻甲村工作队" in rows and "硬化村路" not in rows


def test_the_units_above_count_the_work_gaps_of_their_villages(county: FlaskClient, zhucun: Zhucun):
    html = county.get(f"/units/{TOWNSHIP}").get_data(as_text=True)
    assert figure(html, "gaps-overdue_measure").endswith(" 1 ")
    coverage = zhucun.coverage(VILLAGE_A)
    assert coverage is not None
    assert figure(html, f"child-{VILLAGE_A}").endswith(f" {sum(coverage['gaps'].values())} ")


def test_a_page_kept_in_memory_follows_a_back_dated_measure_status(
    county: FlaskClient, zhucun: Zhucun
):
    from tests.ledger_builders import status

    before = county.get(f"/units/{VILLAGE_A}?as_of=2015-01-01").get_data(as_text=True)
    assert figure(before, "gaps-overdue_measure").endswith(" 1 ")
    apply(zhucun, status(1, "dropped", on="2014-12-01", because="并入二期"))
    after = county.get(f"/units/{VILLAGE_A}?as_of=2015-01-01").get_data(as_text=True)
    assert figure(after, "gaps-overdue_measure").endswith(" 0 ")


def test_every_work_gap_label_has_a_chinese_text(app):
    texts = [*GAP_LABELS.values(), *WORK_GAP_CAUSES.values()]
    with app.test_request_context("/"), in_chinese():
        missing = [t for t in texts if _(t) == t]
    assert missing == []
