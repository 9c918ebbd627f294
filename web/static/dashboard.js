// The unit page's charts, drawn with the vendored ECharts from the JSON the page links to.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }

  // The chart in the box of that id, if the page has one: ``draw`` sets its options from the
  // JSON at the box's data-url. A box whose data cannot be had is hidden.
  function chart(id, draw) {
    var box = document.getElementById(id);
    if (!box) { return; }
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var drawn = echarts.init(box, null, { renderer: "svg" });
        draw(drawn, data, box);
        box.dataset.ready = "true";
        window.addEventListener("resize", function () { drawn.resize(); });
      })
      .catch(function () { box.hidden = true; });
  }

  // Link rate by child unit: a bar chart.
  chart("link-rate-chart", function (drawn, data, box) {
    var rows = data.children.filter(function (c) { return c.link_rate !== null; });
    drawn.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return v.toFixed(1) + "%"; }
      },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: rows.map(function (c) { return c.name; }) },
      series: [{
        name: box.dataset.label,
        type: "bar",
        data: rows.map(function (c) {
          var pct = Math.round(c.link_rate * 1000) / 10;
          return { value: pct, itemStyle: { color: pct < 95 ? "#c0392b" : "#2e7d32" } };
        }),
        label: { show: true, position: "right", formatter: function (p) { return p.value + "%"; } }
      }]
    });
    box.style.height = Math.max(160, rows.length * 28 + 40) + "px";
    drawn.resize();
  });

  // The network below the unit as a treemap: boxes sized by households, coloured by link rate.
  function colour(rate) {
    if (rate === null) { return "#9aa5b1"; }
    if (rate < 0.9) { return "#b22222"; }
    if (rate < 0.97) { return "#e08e0b"; }
    return "#2e7d32";
  }
  function pct(rate) {
    return rate === null || rate === undefined ? "–" : (Math.round(rate * 1000) / 10) + "%";
  }
  chart("network-map", function (drawn, data, box) {
    function item(n) {
      return {
        name: n.name,
        value: Math.max(n.households, 1),
        code: n.code,
        rate: n.link_rate,
        gaps: n.gaps,
        households: n.households,
        link: box.dataset.page.replace("CODE", n.code),
        itemStyle: { color: colour(n.link_rate) },
        children: n.children.length ? n.children.map(item) : undefined
      };
    }
    drawn.setOption({
      animation: false,
      tooltip: {
        formatter: function (p) {
          var d = p.data;
          var esc = echarts.format.encodeHTML;
          return esc(d.name) + " " + d.code + "<br>" + box.dataset.households + " " + d.households +
            "<br>" + box.dataset.rate + " " + pct(d.rate) + "<br>" + box.dataset.gaps + " " + d.gaps;
        }
      },
      series: [{
        type: "treemap",
        data: data.tree.children.map(item),
        roam: false,
        top: 4, bottom: 4, left: 0, right: 0,
        nodeClick: "link",
        linkTarget: "_self",
        breadcrumb: { show: false },
        leafDepth: 2,
        drillDownIcon: "",
        label: {
          color: "#fff", textBorderWidth: 0, textShadowBlur: 0,
          formatter: function (p) { return p.name + "\n" + pct(p.data.rate); }
        },
        levels: [
          {},
          { itemStyle: { borderColor: "#fff", borderWidth: 3, gapWidth: 3 },
            upperLabel: { show: true, height: 22, color: "#fff", textBorderWidth: 0 } },
          { itemStyle: { borderColor: "#fff", borderWidth: 1, gapWidth: 1 } }
        ]
      }]
    });
  });

  // The unit's link rate over time: a line from its opening to the day shown.
  chart("trend-chart", function (drawn, data, box) {
    drawn.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "–" : v + "%"; } },
      xAxis: { type: "category", data: data.points.map(function (p) { return p.day; }) },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{
        name: box.dataset.label,
        type: "line",
        step: "end",
        data: data.points.map(function (p) {
          return p.link_rate === null ? null : Math.round(p.link_rate * 1000) / 10;
        }),
        itemStyle: { color: "#0b5cad" }
      }]
    });
  });
})();
