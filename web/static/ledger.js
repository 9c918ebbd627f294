// The ledger pages' charts, drawn with the vendored ECharts as the unit page's charts are, in
// the one colour scale of web/static/colours.js.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var colours = window.zhucunColours;

  // Each chart is drawn the same way: into its box, if the page has one, from the rows the box
  // holds as JSON in its data attribute ``rowsKey``; ``option`` builds the chart from the box
  // and its rows, ``height`` the box's height in pixels. Once drawn, the box is marked
  // data-ready (the browser tests wait for it) and the chart follows the window's size.
  function draw(id, rowsKey, option, height) {
    var box = document.getElementById(id);
    if (!box) { return; }
    var rows = JSON.parse(box.dataset[rowsKey]);
    var drawn = echarts.init(box, null, { renderer: "svg" });
    drawn.setOption(option(box, rows));
    box.style.height = height(rows) + "px";
    drawn.resize();
    box.dataset.ready = "true";
    window.addEventListener("resize", function () { drawn.resize(); });
  }

  // The city's ledger page: each survey figure of the ledger as a share of the seed report's
  // (good where the report's figure is reached, bad where not).
  draw("seed-chart", "figures", function (box, rows) {
    return {
      animation: false,
      grid: { left: 8, right: 64, top: 16, bottom: 8, containLabel: true },
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
      yAxis: {
        type: "category", inverse: true, data: rows.map(function (r) { return r.label; }),
        axisLabel: { width: Math.max(60, Math.floor(box.clientWidth * 0.4)), overflow: "truncate", ellipsis: "…" }
      },
      series: [{
        type: "bar",
        data: rows.map(function (r) {
          var pct = Math.round(r.count / r.seed.number * 1000) / 10;
          return { value: pct, itemStyle: { color: colours.reached(r.seed.reached) } };
        }),
        label: { show: true, position: "right", formatter: function (p) { return p.value + "%"; } },
        markLine: { silent: true, symbol: "none", data: [{ xAxis: 100 }], lineStyle: { color: colours.primary } }
      }]
    };
  }, function (rows) { return Math.max(160, rows.length * 28 + 40); });

  // The funds by source (四位一体) of a village, or of the villages under a unit: per source,
  // the yuan allocated, spent and left, as grouped bars in the series colours of the one scale
  // (a balance below zero in its bad colour). The table beside it holds the same figures.
  draw("funds-chart", "rows", function (box, rows) {
    var yuan = function (v) {
      return Number(v).toLocaleString(document.documentElement.lang || undefined,
        { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    };
    var series = [
      { key: "allocated", name: box.dataset.allocated, color: colours.series[0] },
      { key: "spent", name: box.dataset.spent, color: colours.series[1] },
      { key: "balance", name: box.dataset.balance, color: colours.series[2] }
    ];
    return {
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
      xAxis: {
        type: "category", data: rows.map(function (r) { return r.source; }),
        axisLabel: { interval: 0, width: Math.max(40, Math.floor((box.clientWidth - 80) / Math.max(rows.length, 1))), overflow: "break" }
      },
      yAxis: {
        type: "value", name: box.dataset.unit,
        axisLabel: { formatter: function (v) { return yuan(v).replace(/\.00$/, ""); } }
      },
      series: series.map(function (s) {
        return {
          type: "bar", name: s.name, itemStyle: { color: s.color },
          data: rows.map(function (r) {
            var v = r[s.key];
            return s.key === "balance" && v < 0 ? { value: v, itemStyle: { color: colours.bad } } : v;
          })
        };
      })
    };
  }, function () { return 280; });
})();
