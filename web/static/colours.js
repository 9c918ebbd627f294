// The one colour scale of every chart (web/charts.py defines it; the page carries it as JSON
// in #colour-scale). The treemap, the bars, the trend line, the funds and the grades read their
// colours here, so a link rate has the same colour wherever it is drawn.
(function () {
  "use strict";
  var node = document.getElementById("colour-scale");
  var s = node ? JSON.parse(node.textContent) : {
    good: "#2e7d32", fair: "#e08e0b", bad: "#b22222", none: "#9aa5b1", primary: "#0b5cad",
    badBelow: 0.9, fairBelow: 0.97,
    series: ["#0b5cad", "#e08e0b", "#2e7d32", "#b22222", "#9aa5b1"],
    grades: ["#2e7d32", "#7cb342", "#e08e0b", "#b22222", "#9aa5b1"]
  };
  // The colour of a link rate (0..1, or null: no households).
  s.rate = function (rate) {
    if (rate === null || rate === undefined) { return s.none; }
    if (rate < s.badBelow) { return s.bad; }
    if (rate < s.fairBelow) { return s.fair; }
    return s.good;
  };
  // Whether a figure reached what it is compared with: good or bad.
  s.reached = function (yes) { return yes ? s.good : s.bad; };
  s.grade = function (i) { return s.grades[Math.min(i, s.grades.length - 1)]; };
  window.zhucunColours = s;
})();
