// Draws the statistics page's charts from the same figures its tables show. Without
// JavaScript (or if ECharts fails) the tables remain: every figure is readable anyway.
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("stats-chart");
    if (!holder || !window.echarts) { return; }
    var data = JSON.parse(holder.textContent);
    var red = "#9e1b1b", grey = "#9aa0a6";
    var trendEl = document.getElementById("chart-trend");
    if (trendEl) {
      var months = data.trend.map(function (t) { return t.month; });
      echarts.init(trendEl).setOption({
        tooltip: { trigger: "axis" }, legend: { data: ["本期批次", "上年同月批次"] },
        grid: { left: 40, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: months }, yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "本期批次", type: "line", data: data.trend.map(function (t) { return t.batches; }), itemStyle: { color: red } },
          { name: "上年同月批次", type: "line", data: data.trend.map(function (t) { return t.last_year_batches; }), itemStyle: { color: grey }, lineStyle: { type: "dashed" } }
        ]
      });
    }
    Object.keys(data.breakdowns).forEach(function (key) {
      var el = document.getElementById("chart-" + key);
      if (!el) { return; }
      var rows = data.breakdowns[key].rows.slice().reverse();
      echarts.init(el).setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 110, right: 30, top: 10, bottom: 20 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { width: 100, overflow: "truncate" } },
        series: [{ type: "bar", data: rows.map(function (r) { return r.batches; }), itemStyle: { color: red }, label: { show: true, position: "right" } }]
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
