// Draws the statistics page's and the dashboard's charts from the same figures their
// tables show. Without JavaScript (or if ECharts fails) the tables remain: every figure is
// readable anyway. A bar whose row links to its cases opens them when clicked; once a chart
// is drawn, its data table folds away (one click to open it again).
(function () {
  "use strict";
  function fold(el) {
    var card = el.closest(".chart-card");
    var table = card && card.querySelector("details.chart-data");
    if (table) { table.removeAttribute("open"); }
  }
  function draw() {
    var holder = document.getElementById("stats-chart");
    if (!holder || !window.echarts) { return; }
    var data = JSON.parse(holder.textContent);
    var red = "#9e1b1b", grey = "#9aa0a6";
    var names = data.trend_names || ["本期批次", "上年同月批次"];
    var trendEl = document.getElementById("chart-trend");
    if (trendEl && data.trend) {
      var months = data.trend.map(function (t) { return t.month; });
      echarts.init(trendEl).setOption({
        tooltip: { trigger: "axis" }, legend: { data: names },
        grid: { left: 40, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: months }, yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: names[0], type: "line", data: data.trend.map(function (t) { return t.batches; }), itemStyle: { color: red } },
          { name: names[1], type: "line", data: data.trend.map(function (t) { return t.last_year_batches; }), itemStyle: { color: grey }, lineStyle: { type: "dashed" } }
        ]
      });
      fold(trendEl);
    }
    Object.keys(data.breakdowns || {}).forEach(function (key) {
      var el = document.getElementById("chart-" + key);
      if (!el) { return; }
      var rows = data.breakdowns[key].rows.slice().reverse();
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 110, right: 30, top: 10, bottom: 20 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { width: 100, overflow: "truncate" } },
        series: [{ type: "bar", data: rows.map(function (r) { return r.batches; }), itemStyle: { color: red }, label: { show: true, position: "right" },
                   cursor: rows.some(function (r) { return r.href; }) ? "pointer" : "default" }]
      });
      chart.on("click", function (p) {
        var row = rows[p.dataIndex];
        if (row && row.href) { window.location.href = row.href; }
      });
      fold(el);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
