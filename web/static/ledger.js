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
