// The grades of a unit's teams over the years: stacked bars, one colour per grade (best green,
// worst red: the grades of the one colour scale, web/static/colours.js), from the figures the
// page holds.
(function () {
  "use strict";
  var box = document.getElementById("grades-chart");
  if (!box || typeof echarts === "undefined") { return; }
  var data = JSON.parse(box.dataset.grades);
  var drawn = echarts.init(box, null, { renderer: "svg" });
  drawn.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map(function (s, i) {
      return {
        name: s.name, type: "bar", stack: "grades", data: s.counts,
        itemStyle: { color: window.zhucunColours.grade(i) },
        label: { show: true, formatter: function (p) { return p.value || ""; } }
      };
    })
  });
  box.dataset.ready = "true";
  window.addEventListener("resize", function () { drawn.resize(); });
})();
