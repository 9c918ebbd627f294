// The unit page's charts, drawn with the vendored ECharts from the JSON the page links to, in
// the colours of web/static/colours.js (one scale for every chart).
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var colours = window.zhucunColours;
  var lang = document.documentElement.lang || "zh-CN";
  var zh = lang.indexOf("zh") === 0;
  var esc = echarts.format.encodeHTML;

  // The chart in the box of that id, if the page has one: ``draw`` sets its options from the
  // JSON at ``url`` (the box's data-url by default). A box whose data cannot be had is hidden.
  function chart(id, draw, then) {
    var box = document.getElementById(id);
    if (!box) { return null; }
    var drawn = null;
    function load(url, then) {
      box.dataset.ready = "false";
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          if (!drawn) {
            drawn = echarts.init(box, null, { renderer: "svg" });
            window.addEventListener("resize", function () {
              drawn.resize();
              if (drawn.refit) { drawn.refit(); }
            });
          }
          if (draw(drawn, data, box) !== false && then) { then(data); }
          box.dataset.ready = "true";
        })
        .catch(function () { box.hidden = true; });
    }
    return { box: box, load: load, first: load(box.dataset.url, then) };
  }

  function pct(rate) {
    return rate === null || rate === undefined ? "–" : (Math.round(rate * 1000) / 10) + "%";
  }

  // How wide a text is drawn at ``size`` px: CJK characters a full em, others about half.
  function textWidth(text, size) {
    var w = 0;
    for (var i = 0; i < text.length; i += 1) {
      w += text.charCodeAt(i) > 0x2e80 ? size : size * 0.6;
    }
    return w;
  }
  // ``text`` cut to fit ``width`` px, with an ellipsis; "" when not even two characters fit.
  function fit(text, width, size) {
    if (textWidth(text, size) <= width) { return text; }
    for (var n = text.length - 1; n >= 2; n -= 1) {
      var cut = text.slice(0, n) + "…";
      if (textWidth(cut, size) <= width) { return cut; }
    }
    return "";
  }

  // Link rate by child unit: a bar chart. Long names are cut to 40 % of the width (the full
  // name in the tooltip) and the bar's own figure has room on the right.
  chart("link-rate-chart", function (drawn, data, box) {
    var rows = data.children.filter(function (c) { return c.link_rate !== null; });
    var nameWidth = Math.max(60, Math.floor(box.clientWidth * 0.4));
    drawn.setOption({
      animation: false,
      grid: { left: 8, right: 56, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var r = rows[items[0].dataIndex];
          return esc(r.name) + "<br>" + esc(box.dataset.label) + " " + pct(r.link_rate);
        }
      },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: {
        type: "category", inverse: true, data: rows.map(function (c) { return c.name; }),
        axisLabel: { width: nameWidth, overflow: "truncate", ellipsis: "…" }
      },
      series: [{
        name: box.dataset.label,
        type: "bar",
        data: rows.map(function (c) {
          return {
            value: Math.round(c.link_rate * 1000) / 10,
            itemStyle: { color: colours.rate(c.link_rate) }
          };
        }),
        label: { show: true, position: "right", formatter: function (p) { return p.value + "%"; } }
      }]
    });
    box.style.height = Math.max(160, rows.length * 28 + 40) + "px";
    drawn.resize();
  });

  // The network below the unit as a treemap: boxes sized by households, coloured by link rate.
  // A click on a box draws the map again for that unit, in place (the address takes
  // ``?map=CODE``, so reloading or going back shows the same); the trail above goes back up.
  var map = document.getElementById("network-map");
  if (map) {
    var trail = document.getElementById("map-trail");
    var pageUnit = map.dataset.unit;
    var pageUrl = function (code) { return map.dataset.page.replace("CODE", code); };
    var mapUrl = function (code) {
      var u = new URL(window.location.href);
      if (code === pageUnit) { u.searchParams.delete("map"); } else { u.searchParams.set("map", code); }
      u.hash = "network";
      return u.pathname + u.search + u.hash;
    };

    var item = function (n) {
      return {
        name: n.name,
        value: Math.max(n.households, 1),
        code: n.code,
        rate: n.link_rate,
        gaps: n.gaps,
        households: n.households,
        leaf: !n.children.length,
        itemStyle: { color: colours.rate(n.link_rate) },
        children: n.children.length ? n.children.map(item) : undefined
      };
    };

    // Labels that fit their box: the name cut with an ellipsis where it is too long, the rate
    // only where there is room for a second line, nothing on a box too small for two
    // characters (the full name is in the tooltip). Measured on the boxes ECharts has laid
    // out, and again after a resize.
    var shown = {};
    var labelsFitted = function (drawn) {
      var series = drawn.getModel().getSeriesByIndex(0);
      if (!series) { return false; }
      var changed = false;
      series.getData().tree.root.eachNode(function (node) {
        var layout = node.getLayout();
        var d = node.getModel().option;
        if (!layout || !d || d.code === undefined) { return; }
        var w = layout.width - 8;
        var parent = node.children && node.children.length > 0;
        var name = layout.height < (parent ? 14 : 18) ? "" : fit(d.name, w, 12);
        var withRate = !parent && name !== "" && layout.height >= 44 &&
          w >= textWidth(pct(d.rate), 12);
        var text = name === "" ? "" : name + (withRate ? "\n" + pct(d.rate) : "");
        if (shown[d.code] !== text) {
          shown[d.code] = text;
          changed = true;
        }
      });
      return changed;
    };
    var label = function (p) {
      return p.data && shown[p.data.code] !== undefined ? shown[p.data.code] : "";
    };

    var draw = function (drawn, data) {
      if (!data.tree.children.length && data.unit !== pageUnit) {
        // A unit with nothing below it has no map: its page instead.
        window.location.href = pageUrl(data.unit);
        return false;
      }
      shown = {};
      var options = {
        animation: false,
        tooltip: {
          formatter: function (p) {
            var d = p.data;
            if (!d) { return ""; }
            return esc(d.name) + " " + d.code + "<br>" + esc(map.dataset.households) + " " +
              d.households + "<br>" + esc(map.dataset.rate) + " " + pct(d.rate) + "<br>" +
              esc(map.dataset.gaps) + " " + d.gaps;
          }
        },
        series: [{
          type: "treemap",
          data: data.tree.children.map(item),
          roam: false,
          top: 4, bottom: 4, left: 0, right: 0,
          nodeClick: false,
          breadcrumb: { show: false },
          leafDepth: 2,
          drillDownIcon: "",
          label: {
            color: "#fff", textBorderWidth: 0, textShadowBlur: 0, fontSize: 12, lineHeight: 18,
            overflow: "truncate", ellipsis: "…", formatter: label
          },
          levels: [
            {},
            { itemStyle: { borderColor: "#fff", borderWidth: 3, gapWidth: 3 },
              upperLabel: {
                show: true, height: 22, color: "#fff", textBorderWidth: 0, fontSize: 12,
                overflow: "truncate", ellipsis: "…", formatter: label
              } },
            { itemStyle: { borderColor: "#fff", borderWidth: 1, gapWidth: 1 } }
          ]
        }]
      };
      drawn.setOption(options, true);
      drawn.refit = function () {
        if (labelsFitted(drawn)) { drawn.setOption(options, true); }
      };
      drawn.refit();
      map.dataset.root = data.unit;
      return true;
    };

    // The trail above the map: the page's unit, the units between, the unit shown.
    var showTrail = function (data) {
      if (!trail) { return; }
      var above = data.trail || [];
      var from = above.map(function (a) { return a.code; }).indexOf(pageUnit);
      var steps = from < 0 ? [] : above.slice(from);
      steps.push({ code: data.unit, name: data.tree.name });
      trail.textContent = "";
      steps.forEach(function (s, i) {
        if (i) { trail.appendChild(document.createTextNode(" › ")); }
        var last = i === steps.length - 1;
        var el = document.createElement(last ? "span" : "a");
        el.textContent = s.name;
        if (last) {
          el.setAttribute("aria-current", "location");
        } else {
          el.href = mapUrl(s.code);
          el.dataset.code = s.code;
        }
        trail.appendChild(el);
      });
      if (data.unit !== pageUnit) {
        trail.appendChild(document.createTextNode(" · "));
        var open = document.createElement("a");
        open.href = pageUrl(data.unit);
        open.id = "map-open";
        open.textContent = map.dataset.open;
        trail.appendChild(open);
      }
      trail.hidden = false;
    };

    var asked = new URL(window.location.href).searchParams.get("map") || pageUnit;
    var baseUrl = map.dataset.url;
    var dataUrl = function (code) { return baseUrl.replace("/" + pageUnit + "/", "/" + code + "/"); };
    map.dataset.url = dataUrl(asked);
    var treemap = chart("network-map", draw, function (data) {
      showTrail(data);
      echarts.getInstanceByDom(map).on("click", function (p) {
        if (p.data && p.data.code) { showUnit(p.data.code, true); }
      });
    });
    var showUnit = function (code, push) {
      return treemap.load(dataUrl(code), function (data) {
        if (push) { window.history.pushState({ map: code }, "", mapUrl(code)); }
        showTrail(data);
      });
    };
    if (trail) {
      trail.addEventListener("click", function (e) {
        var a = e.target.closest("a[data-code]");
        if (!a) { return; }
        e.preventDefault();
        showUnit(a.dataset.code, true);
      });
    }
    window.addEventListener("popstate", function () {
      var code = new URL(window.location.href).searchParams.get("map") || pageUnit;
      if (code !== map.dataset.root) { showUnit(code, false); }
    });
  }

  // A day as the page's language writes it, in Beijing time: 2014年6月30日 / Jun 30, 2014.
  var dayFormat = new Intl.DateTimeFormat(lang, {
    timeZone: "Asia/Shanghai", year: "numeric", month: zh ? "long" : "short", day: "numeric"
  });
  var monthFormat = new Intl.DateTimeFormat(lang, {
    timeZone: "Asia/Shanghai", year: "numeric", month: zh ? "long" : "short"
  });
  var yearFormat = new Intl.DateTimeFormat(lang, { timeZone: "Asia/Shanghai", year: "numeric" });
  var beijing = function (iso) { return new Date(iso + "T00:00:00+08:00").getTime(); };

  // The unit's link rate over time: a line on a time axis from the first to the last point
  // with a figure, the value axis around the figures (5 % steps, a little room above and
  // below, never beyond 0–100 %).
  chart("trend-chart", function (drawn, data, box) {
    var withFigure = data.points.filter(function (p) { return p.link_rate !== null; });
    var points = withFigure.map(function (p) {
      return [beijing(p.day), Math.round(p.link_rate * 1000) / 10];
    });
    if (!points.length) { box.hidden = true; return; }
    var values = points.map(function (p) { return p[1]; });
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    var pad = Math.max(1, (high - low) * 0.1);
    var first = points[0][0];
    var last = points[points.length - 1][0];
    var years = (last - first) / (365.25 * 86400000);
    box.dataset.first = withFigure[0].day;
    box.dataset.last = withFigure[withFigure.length - 1].day;
    drawn.setOption({
      animation: false,
      grid: { left: 8, right: 32, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var p = items[0];
          return dayFormat.format(new Date(p.value[0])) + "<br>" + esc(box.dataset.label) + " " +
            p.value[1] + "%";
        }
      },
      xAxis: {
        type: "time", min: first, max: last === first ? first + 86400000 * 31 : last,
        minInterval: 86400000 * 28, splitNumber: box.clientWidth < 500 ? 3 : 6,
        axisLabel: {
          hideOverlap: true,
          formatter: function (v) {
            return (years > 4 ? yearFormat : monthFormat).format(new Date(v));
          }
        }
      },
      yAxis: {
        type: "value",
        min: Math.max(0, Math.floor((low - pad) / 5) * 5),
        max: Math.min(100, Math.ceil((high + pad) / 5) * 5),
        axisLabel: { formatter: "{value}%" }
      },
      series: [{
        name: box.dataset.label,
        type: "line",
        step: "end",
        data: points,
        itemStyle: { color: colours.primary }
      }]
    });
    box.dataset.min = String(drawn.getOption().yAxis[0].min);
    box.dataset.max = String(drawn.getOption().yAxis[0].max);
  });
})();
