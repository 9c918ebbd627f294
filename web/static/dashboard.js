// Link rate by child unit: a bar chart drawn with the vendored ECharts from the page's JSON.
(function () {
  "use strict";
  var box = document.getElementById("link-rate-chart");
  if (!box || typeof echarts === "undefined") { return; }
  fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (data) {
      var rows = data.children.filter(function (c) { return c.link_rate !== null; });
      var chart = echarts.init(box, null, { renderer: "svg" });
      chart.setOption({
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
      chart.resize();
      box.dataset.ready = "true";
      window.addEventListener("resize", function () { chart.resize(); });
    })
    .catch(function () { box.hidden = true; });
})();
