"""The blind spots and work gaps under a unit as a work list (``/units/<code>/gaps``), on both
engines: every row once across the pages, unit names with codes secondary, causes in the page's
language, each filter and sort, bad values named beside their fields (all at once, however
written), the jurisdiction, and the export to Excel recorded as an export."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.bootstrap import Zhucun
from app.store.clock import SettableClock
from tests.builders import COUNTY, GROUP_A1, TOWNSHIP, VILLAGE_A, VILLAGE_B, apply
from tests.ledger_builders import approve, measure, plan
from tests.web.builders import OTHER_COUNTY, OTHER_VILLAGE, events_named, web_network
from tests.web.conftest import login


@pytest.fixture
def county(zhucun: Zhucun, clock: SettableClock, client: FlaskClient) -> FlaskClient:
    clock.set(datetime(2017, 12, 31, 4, tzinfo=UTC))
    web_network(zhucun)
    apply(zhucun, plan(1), approve(1), measure(1))
    return login(client, "county_admin")


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="gap ([a-z_]+)">', html)


def text_of(html: str) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_list_names_units_and_says_causes_in_words(county: FlaskClient, zhucun: Zhucun):
    html = county.get(f"/units/{TOWNSHIP}/gaps").get_data(as_text=True)
    whole = zhucun.gaps(TOWNSHIP) or []
    assert len(rows(html)) == len(whole) > 5
    text = text_of(html)
    assert "甲村" in text and VILLAGE_A in text  # the name, the code beside it
    assert "户登记" in text or "登记户" in text  # an event, in words
    assert not re.search(r"\b(Registered|Joined|Opened|due_date_passed|term_ended)\b", text)


def test_every_row_comes_once_across_the_pages(
    county: FlaskClient, zhucun: Zhucun, monkeypatch: pytest.MonkeyPatch
):
    import app.gaps

    monkeypatch.setattr(app.gaps, "PAGE_SIZE", 2)
    seen: list[str] = []
    path: str | None = f"/units/{TOWNSHIP}/gaps?sort=subject"
    while path:
        html = county.get(path).get_data(as_text=True)
        seen += re.findall(r'<td><a class="subject" href="[^"]*">([^<]+)</a></td>', html)
        found = re.search(r'<a id="next-page" rel="next" href="([^"]+)"', html)
        path = found.group(1).replace("&amp;", "&") if found else None
    whole = zhucun.gaps(TOWNSHIP) or []
    assert sorted(seen) == sorted(g["subject"]["name"] for g in whole)
    assert seen == sorted(seen)  # sorted by subject across pages


def test_filters_by_type_unit_days_and_who_caused_it(county: FlaskClient, zhucun: Zhucun):
    whole = zhucun.gaps(TOWNSHIP) or []

    def listed(**args: str) -> list[str]:
        return rows(county.get(f"/units/{TOWNSHIP}/gaps", query_string=args).get_data(True))

    assert set(listed(type="overdue_measure")) == {"overdue_measure"}
    under_b = [g for g in whole if g["unit"].startswith(VILLAGE_B)]
    assert len(listed(unit=VILLAGE_B)) == len(under_b)
    later = [g for g in whole if g["since"] >= "2017-01-01"]
    assert len(listed(since_from="2017-01-01")) == len(later)
    actor = next(g["cause"]["actor"] for g in whole if g["cause"].get("actor"))
    assert len(listed(actor=actor)) == sum(g["cause"].get("actor") == actor for g in whole)


@pytest.mark.parametrize(
    ("args", "value"),
    [
        ({"type": " overdue_measure\t"}, "overdue_measure"),
        ({"unit": "２１０５２１１００２０２"}, VILLAGE_B),  # full-width digits
        ({"unit": f" {VILLAGE_B} "}, VILLAGE_B),
    ],
)
def test_padded_and_full_width_values_mean_the_same(
    county: FlaskClient, args: dict[str, str], value: str
):
    clean = {k: value for k in args}
    a = county.get(f"/units/{TOWNSHIP}/gaps", query_string=args)
    b = county.get(f"/units/{TOWNSHIP}/gaps", query_string=clean)
    assert a.status_code == b.status_code == 200
    assert rows(a.get_data(as_text=True)) == rows(b.get_data(as_text=True))


def test_bad_values_are_named_beside_their_fields_all_at_once(county: FlaskClient):
    response = county.get(
        f"/units/{TOWNSHIP}/gaps",
        query_string={
            "type": "nothing",
            "since_from": "2017-02-30",
            "sort": "sideways",
            "page": "0",
            "unit": OTHER_VILLAGE,  # a valid village, of another county
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for field in ("type", "since_from", "sort", "page", "unit"):
        assert f'id="{field}-error"' in html, field
    assert "不在本单位之下" in html and "丙村" not in text_of(html)  # nothing of theirs named


def test_another_county_s_list_is_refused(county: FlaskClient):
    assert county.get(f"/units/{OTHER_COUNTY}/gaps").status_code == 403
    assert county.get(f"/units/{OTHER_COUNTY}/gaps.xlsx").status_code == 403


def test_the_export_holds_every_row_of_the_filters_and_is_recorded(
    county: FlaskClient, zhucun: Zhucun
):
    before = len(events_named(zhucun, "DataAccess.Exported"))
    response = county.get(f"/units/{COUNTY}/gaps.xlsx", query_string={"unit": VILLAGE_A})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    expected = [g for g in zhucun.gaps(COUNTY) or [] if g["unit"].startswith(VILLAGE_A)]
    assert table[0][:3] == ("类型", "对象", "单位") and len(table) - 1 == len(expected)
    assert all(isinstance(r[4], datetime) for r in table[1:])  # days kept as days
    exported = events_named(zhucun, "DataAccess.Exported")
    assert len(exported) == before + 1
    assert exported[-1].rows == len(expected) and exported[-1].filters["unit"] == VILLAGE_A


def test_the_list_speaks_english_on_request(county: FlaskClient):
    text = text_of(county.get(f"/units/{TOWNSHIP}/gaps?lang=en").get_data(as_text=True))
    assert "Blind spots" in text and "Export to Excel" in text
    # Causes in English words; names of places and people stay as recorded.
    assert "household registered" in text or "unit opened" in text
    assert "登记户" not in text and "设立单位" not in text
    assert "盲点" not in text and "导出" not in text


def test_the_unit_page_links_to_the_whole_list_and_words_its_causes(county: FlaskClient):
    html = county.get(f"/units/{GROUP_A1}").get_data(as_text=True)
    assert f'href="/units/{GROUP_A1}/gaps' in html
    assert not re.search(r"<td[^>]*>\s*(Registered|Joined)\b", html)
