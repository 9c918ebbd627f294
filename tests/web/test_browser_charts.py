"""The unit page's charts in a real headless Chromium (Debian's /usr/bin/chromium driven by
Playwright), over the web tests' network with one more township of a long name whose villages
have groups of very different sizes: the treemap's legend says what its colours mean and
uses the one scale of every chart; its labels fit their boxes (tiny boxes unlabelled, long
names cut, the full name in the tooltip); a click on a box draws the map of that unit in
place (no page load, the address takes ``?map=``), the trail and the browser's back go up
again and a reload keeps it; the trend's time axis runs from the first to the last point with
a figure and its value axis fits the figures, in zh-CN months; and no label of any bar chart
leaves its drawing at 390 px or at desktop width. Screenshots go to the test's output folder
(``$ZHUCUN_TEST_OUTPUT`` if set, else the test's tmp_path)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import Zhucun
from tests.builders import CITY, COUNTY, TOWNSHIP, VILLAGE_A, apply, cmd, household, open_unit
from tests.web.builders import ACCOUNTS
from tests.web.ledger_data import ledger_network_with_funds
from tests.web.test_browser import (  # noqa: F401
    _small_network,
    browser,
    logged_in,
    pytestmark,
    served,
    shots,
)
from web.charts import BAD, FAIR, GOOD, NONE, SERIES

LONG_TOWNSHIP = COUNTY + "203"
LONG_NAME = "草河口镇东营坊满族朝鲜族联合乡镇街道办事处"
VILLAGES = [LONG_TOWNSHIP + f"{200 + i:03d}" for i in range(1, 4)]


def _long_names(z: Zhucun) -> None:
    """The small network, and a township of a long name: three villages, the first with a
    group of 40 households and groups of one, so that some boxes are tiny."""
    _small_network(z)
    lines = [
        open_unit(LONG_TOWNSHIP, LONG_NAME, "township", COUNTY),
        *(
            open_unit(v, f"东营坊第{i + 1}行政村民委员会", "village", LONG_TOWNSHIP)
            for i, v in enumerate(VILLAGES)
        ),
    ]
    serial = 100
    for i, village in enumerate(VILLAGES):
        for g in range(1, 5 if i == 0 else 2):
            group = f"{village}{g:03d}"
            lines.append(open_unit(group, f"第{g}村民小组长名称组", "group", village))
            for _n in range(40 if g == 1 else 1):
                serial += 1
                lines.append(household(serial, group, f"户主{serial}", 3, on="2015-02-10"))
    apply(z, *lines)
    apply(z, cmd("declare_poor_village", on="2015-03-01", unit=VILLAGES[1]))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    yield from served(tmp_path, _long_names)


def county_admin(chromium: Any, server: str, **context: Any) -> Any:
    """A page logged in as the county's administrator, on the county's dashboard."""
    return logged_in(chromium, server, ACCOUNTS["county_admin"][0], f"**/units/{COUNTY}", **context)


def wide(width: int) -> dict[str, Any]:
    return {"viewport": {"width": width, "height": 900}}


# Every text of a chart's drawing that is shown, with its box and the drawing's box.
TEXT_BOXES = """(id) => {
  const svg = document.querySelector('#' + id + ' svg');
  const outer = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll('text'))
    .filter(t => t.textContent.trim() && getComputedStyle(t).display !== 'none'
                 && t.getAttribute('opacity') !== '0')
    .map(t => { const b = t.getBoundingClientRect();
                return {text: t.textContent, left: b.left, right: b.right, top: b.top,
                        bottom: b.bottom, svgLeft: outer.left, svgRight: outer.right,
                        svgTop: outer.top, svgBottom: outer.bottom}; });
}"""


# The box ECharts laid out for the unit of that code on the treemap.
FIND_TILE = """(code) => {
  const d = echarts.getInstanceByDom(document.getElementById('network-map'));
  let found = null;
  d.getModel().getSeriesByIndex(0).getData().tree.root.eachNode(n => {
    const o = n.getModel().option;
    if (o && o.code === code) { found = n.getLayout(); }
  });
  return found;
}"""


SERIES_TOP = 4  # the treemap series' top margin (web/static/dashboard.js)


def settled(page: Any) -> None:
    """Wait until every chart of the page is drawn or hidden: a chart hidden late (the trend,
    with no figure) moves those below it, and a click aimed before would miss."""
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-url]'))"
        ".every(b => b.hidden || b.dataset.ready === 'true')"
    )


PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError
ROOT_IS = "(code) => document.getElementById('network-map').dataset.root === code"


def map_of(page: Any, code: str) -> None:
    """Wait until the treemap shows the units below ``code``."""
    page.wait_for_function(ROOT_IS, arg=code)


def clipped(page: Any, chart: str) -> list[str]:
    """The texts of the chart that reach beyond its drawing (1 px of rounding allowed)."""
    return [
        t["text"]
        for t in page.evaluate(TEXT_BOXES, chart)
        if t["left"] < t["svgLeft"] - 1
        or t["right"] > t["svgRight"] + 1
        or t["top"] < t["svgTop"] - 1
        or t["bottom"] > t["svgBottom"] + 1
    ]


def test_the_treemap_has_a_legend_of_the_one_scale_and_labels_that_fit(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    page = county_admin(browser, server, **wide(1280))
    page.wait_for_selector("#network-map[data-ready='true'] svg")
    page.screenshot(path=shots / "1-treemap.png", full_page=True)
    legend = page.inner_text("#map-legend")
    assert "联系率" in legend and "低于90%" in legend and "97%及以上" in legend, legend
    assert "无住户" in legend, legend
    swatches = page.eval_on_selector_all(
        "#map-legend .swatch", "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )

    def rgb(hex_: str) -> str:
        return "rgb({}, {}, {})".format(*(int(hex_[i : i + 2], 16) for i in (1, 3, 5)))

    assert swatches == [rgb(BAD), rgb(FAIR), rgb(GOOD), rgb(NONE)]
    # The tiles are painted from the same scale: every fill of a tile is one of its colours.
    fills = set(
        page.eval_on_selector_all(
            "#network-map svg path", "els => els.map(e => e.getAttribute('fill'))"
        )
    )
    tile_colours = {f.lower() for f in fills if f and f.startswith("#")}
    assert tile_colours and tile_colours <= {BAD, FAIR, GOOD, NONE, "#fff", "#ffffff"}, fills
    # At this width the long township's name fits its box whole.
    texts = [t["text"] for t in page.evaluate(TEXT_BOXES, "network-map")]
    assert LONG_NAME in texts, texts
    # Labels do not overlap each other or leave their drawing.
    assert clipped(page, "network-map") == []
    boxes = page.evaluate(TEXT_BOXES, "network-map")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a["right"], b["right"]) - max(a["left"], b["left"])
            overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert overlap_x <= 1 or overlap_y <= 1, (a["text"], b["text"])
    # The bars use the same scale: the township below 90 % is painted in the bad colour.
    bar_fills = page.eval_on_selector_all(
        "#link-rate-chart svg path",
        "els => els.map(e => (e.getAttribute('fill') || '').toLowerCase())",
    )
    assert BAD in bar_fills


def test_a_click_on_the_treemap_draws_that_unit_in_place_and_back_goes_up(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    page = county_admin(browser, server, **wide(1280))
    page.wait_for_selector("#network-map[data-ready='true'] svg")
    settled(page)
    page.evaluate("window.notReloaded = true")
    assert page.inner_text("#map-trail").strip() == "本溪满族自治县"
    # Click the middle of the long township's name band. Its box is laid out below the
    # series' 4 px top margin; a click a few pixels into it may land on the border between
    # tiles, which belongs to no unit.
    box = page.evaluate(FIND_TILE, LONG_TOWNSHIP)
    page.locator("#network-map").scroll_into_view_if_needed()
    rect = page.eval_on_selector("#network-map", "e => e.getBoundingClientRect().toJSON()")
    band = box["y"] + box["borderWidth"] + box["upperHeight"] / 2
    # On a loaded machine a click may be lost before the chart's handler sees it (seen twice
    # in full runs, never alone): it is tried again, up to three times, only while the page
    # has not asked for the township's map (a second click on a map already drawn would land
    # on a village). The drill must then show.
    asked: list[str] = []
    wanted = f"/units/{LONG_TOWNSHIP}/network.json"

    def note(request: Any) -> None:
        if wanted in request.url:
            asked.append(request.url)

    page.on("request", note)
    for _ in range(3):
        page.mouse.click(rect["x"] + box["x"] + box["width"] / 2, rect["y"] + SERIES_TOP + band)
        try:
            page.wait_for_function(ROOT_IS, arg=LONG_TOWNSHIP, timeout=5000)
            break
        except PlaywrightTimeout:
            if asked:
                break  # asked for: the drill is on its way, map_of waits for it
    map_of(page, LONG_TOWNSHIP)
    page.wait_for_selector("#network-map[data-ready='true'] svg")
    page.screenshot(path=shots / "2-drilled.png", full_page=True)
    assert page.evaluate("window.notReloaded") is True  # no page load
    assert page.url.endswith(f"/units/{COUNTY}?map={LONG_TOWNSHIP}#network")
    assert page.inner_text("h1") == "本溪满族自治县"  # the page around stays
    trail = page.inner_text("#map-trail")
    assert trail.startswith("本溪满族自治县 › " + LONG_NAME), trail
    texts = " ".join(t["text"] for t in page.evaluate(TEXT_BOXES, "network-map"))
    assert "东营坊第1" in texts and "小市镇" not in texts
    assert page.get_attribute("#map-open", "href").endswith(f"/units/{LONG_TOWNSHIP}")

    # The browser's back: the county's map again, still without a page load.
    page.go_back()
    map_of(page, COUNTY)
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith(f"/units/{COUNTY}") or page.url.endswith(f"/units/{COUNTY}#network")
    # Forward, then the trail's link goes up.
    page.go_forward()
    map_of(page, LONG_TOWNSHIP)
    page.click(f"#map-trail a[data-code='{COUNTY}']")
    map_of(page, COUNTY)
    assert page.evaluate("window.notReloaded") is True
    # A reload of a drilled address shows the map of that unit.
    page.goto(server + f"/units/{COUNTY}?map={TOWNSHIP}")
    map_of(page, TOWNSHIP)
    assert page.inner_text("#map-trail").startswith("本溪满族自治县 › 小市镇")


def test_without_javascript_the_units_below_are_links_to_their_pages(
    server: str,
    browser: object,  # noqa: F811
):
    page = county_admin(browser, server, java_script_enabled=False)
    href = page.get_attribute(f"#child-{LONG_TOWNSHIP} a", "href")
    assert href is not None and href.endswith(f"/units/{LONG_TOWNSHIP}")
    assert page.is_hidden("#map-trail")


def test_the_trend_runs_from_the_first_figure_to_the_last_in_zh_cn_months(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
):
    page = county_admin(browser, server, **wide(1280))
    page.goto(server + f"/units/{LONG_TOWNSHIP}")
    page.wait_for_selector("#trend-chart[data-ready='true'] svg")
    page.screenshot(path=shots / "3-trend.png", full_page=True)
    trend = page.eval_on_selector("#trend-chart", "e => ({...e.dataset})")
    # The township opened in 2014, its first households came in February 2015: the axis
    # begins at the first point with a figure (a month's end in 2015), not at the opening,
    # and ends at the day shown.
    points = page.evaluate(
        "(url) => fetch(url).then(r => r.json())", f"/units/{LONG_TOWNSHIP}/trend.json"
    )["points"]
    figures = [p["day"] for p in points if p["link_rate"] is not None]
    assert points[0]["day"].startswith("2014") and points[0]["link_rate"] is None
    assert (
        (trend["first"], trend["last"])
        == (figures[0], figures[-1])
        == (
            figures[0],
            "2016-12-31",
        )
    ), trend
    assert figures[0].startswith("2015-0"), figures
    # No household is linked: 0 % throughout, and the value axis fits it (0 to 5 %).
    assert (float(trend["min"]), float(trend["max"])) == (0, 5), trend
    labels = [t["text"] for t in page.evaluate(TEXT_BOXES, "trend-chart")]
    months = [t for t in labels if re.fullmatch(r"20\d\d年\d{1,2}月", t)]
    assert months, labels
    assert not [t for t in labels if re.search(r"[A-Za-z]", t)], labels
    # The tooltip says the day in zh-CN.
    page.locator("#trend-chart").scroll_into_view_if_needed()
    rect = page.eval_on_selector("#trend-chart", "e => e.getBoundingClientRect().toJSON()")
    page.mouse.move(rect["x"] + rect["width"] * 0.6, rect["y"] + rect["height"] / 2)
    page.wait_for_timeout(300)
    tip = page.inner_text("#trend-chart")
    assert re.search(r"20\d\d年\d{1,2}月\d{1,2}日", tip), tip


@pytest.mark.parametrize("width", [390, 1280])
def test_no_label_of_a_bar_chart_or_the_treemap_leaves_its_drawing(
    server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
    width: int,
):
    page = county_admin(browser, server, **wide(width))
    for chart in ("link-rate-chart", "network-map", "trend-chart"):
        page.wait_for_selector(f"#{chart}[data-ready='true'] svg")
    page.screenshot(path=shots / f"4-county-{width}.png", full_page=True)
    for chart in ("link-rate-chart", "network-map", "trend-chart"):
        assert clipped(page, chart) == [], chart
    # The long name is on the bar chart's axis and on the map, cut to fit on a phone.
    names = [t["text"] for t in page.evaluate(TEXT_BOXES, "link-rate-chart")]
    assert any(n.startswith("草河口镇") for n in names), names
    tiles = [t["text"] for t in page.evaluate(TEXT_BOXES, "network-map")]
    if width == 390:
        assert any(n.startswith("草河口镇") and n.endswith("…") for n in names), names
        # On the narrow map some village names are cut to their box.
        assert any(n.startswith("东营坊第") and n.endswith("…") for n in tiles), tiles
    # The full name is in the tooltip of its box.
    box = page.evaluate(FIND_TILE, LONG_TOWNSHIP)
    page.locator("#network-map").scroll_into_view_if_needed()
    rect = page.eval_on_selector("#network-map", "e => e.getBoundingClientRect().toJSON()")
    page.mouse.move(rect["x"] + box["x"] + box["width"] / 2, rect["y"] + box["y"] + 8)
    page.wait_for_timeout(300)
    assert LONG_NAME in page.inner_text("#network-map")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.fixture
def ledger_server(tmp_path: Path) -> Iterator[str]:
    yield from served(tmp_path, ledger_network_with_funds)


@pytest.mark.parametrize("width", [390, 1280])
def test_no_label_of_the_ledgers_bar_charts_leaves_its_drawing(
    ledger_server: str,
    browser: object,  # noqa: F811
    shots: Path,  # noqa: F811
    width: int,
):
    """The city's survey beside the seed report (long labels, shares above 100 %) and a
    village's funds by source (large sums of yuan), in the one scale's colours."""
    page = logged_in(browser, ledger_server, ACCOUNTS["city_admin"][0], **wide(width))
    page.goto(ledger_server + f"/units/{CITY}/ledger")
    page.wait_for_selector("#seed-chart[data-ready='true'] svg")
    page.screenshot(path=shots / f"5-seed-{width}.png", full_page=True)
    assert clipped(page, "seed-chart") == []
    page.goto(ledger_server + f"/units/{VILLAGE_A}/ledger?tab=funds")
    page.wait_for_selector("#funds-chart[data-ready='true'] svg")
    page.screenshot(path=shots / f"6-funds-{width}.png", full_page=True)
    assert clipped(page, "funds-chart") == []
    fills = page.eval_on_selector_all(
        "#funds-chart svg path", "els => els.map(e => (e.getAttribute('fill') || '').toLowerCase())"
    )
    assert set(SERIES[:3]) <= set(fills), fills
