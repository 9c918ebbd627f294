// The city's ledger page: each survey figure of the ledger as a share of the seed report's,
// drawn with the vendored ECharts as the unit page's charts are (same colours: green where the
// report's figure is reached, red where not).
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var box = document.getElementById("seed-chart");
  if (!box) { return; }
  var rows = JSON.parse(box.dataset.figures);
  var drawn = echarts.init(box, null, { renderer: "svg" });
  drawn.setOption({
    animation: false,
    grid: { left: 8, right: 48, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      formatter: function (items) {
        var r = rows[items[0].dataIndex];
        var esc = echarts.format.encodeHTML;
        return esc(r.label) + "<br>" + box.dataset.ledger + " " + r.count +
          "<br>" + box.dataset.report + " " + (r.seed.more_than ? "> " : "") + r.seed.number;
      }
    },
    xAxis: {
      type: "value", min: 0, axisLabel: { formatter: "{value}%" },
      max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); }
    },
    yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
    series: [{
      type: "bar",
      data: rows.map(function (r) {
        var pct = Math.round(r.count / r.seed.number * 1000) / 10;
        return { value: pct, itemStyle: { color: r.seed.reached ? "#2e7d32" : "#c0392b" } };
      }),
      label: { show: true, position: "right", formatter: function (p) { return p.value + "%"; } },
      markLine: { silent: true, symbol: "none", data: [{ xAxis: 100 }], lineStyle: { color: "#0b5cad" } }
    }]
  });
  box.style.height = Math.max(160, rows.length * 28 + 40) + "px";
  drawn.resize();
  box.dataset.ready = "true";
  window.addEventListener("resize", function () { drawn.resize(); });
})();

// The funds by source (四位一体) of a village, or of the villages under a unit: per source, the
// yuan allocated, spent and left, as grouped bars in the unit page's colours (blue, amber,
// green; a balance below zero in red). The table beside it holds the same figures.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var box = document.getElementById("funds-chart");
  if (!box) { return; }
  var rows = JSON.parse(box.dataset.rows);
  var yuan = function (v) {
    return Number(v).toLocaleString(document.documentElement.lang || undefined,
      { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  };
  var series = [
    { key: "allocated", name: box.dataset.allocated, color: "#0b5cad" },
    { key: "spent", name: box.dataset.spent, color: "#e08e0b" },
    { key: "balance", name: box.dataset.balance, color: "#2e7d32" }
  ];
  var drawn = echarts.init(box, null, { renderer: "svg" });
  drawn.setOption({
    animation: false,
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      formatter: function (items) {
        var esc = echarts.format.encodeHTML;
        return esc(rows[items[0].dataIndex].source) + items.map(function (i) {
          return "<br>" + esc(i.seriesName) + " " + yuan(i.value) + " " + esc(box.dataset.unit);
        }).join("");
      }
    },
    xAxis: { type: "category", data: rows.map(function (r) { return r.source; }) },
    yAxis: { type: "value", name: box.dataset.unit },
    series: series.map(function (s) {
      return {
        type: "bar", name: s.name, itemStyle: { color: s.color },
        data: rows.map(function (r) {
          var v = r[s.key];
          return s.key === "balance" && v < 0 ? { value: v, itemStyle: { color: "#c0392b" } } : v;
        })
      };
    })
  });
  box.style.height = "280px";
  drawn.resize();
  box.dataset.ready = "true";
  window.addEventListener("resize", function () { drawn.resize(); });
})();
