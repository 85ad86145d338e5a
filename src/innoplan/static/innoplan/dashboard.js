/* The dashboard's sparklines: each target card's approved figures, drawn with ECharts. */
(function () {
  'use strict';

  var COLOURS = {
    achieved: '#198754',
    on_track: '#198754',
    lagging: '#e0a100',
    severe: '#c8102e',
    no_data: '#8a929a'
  };

  function draw() {
    var source = document.getElementById('sparklines');
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll('[data-sparkline]').forEach(function (el) {
      var series = data[el.getAttribute('data-sparkline')];
      if (!series || !series.values.length) return;
      var colour = COLOURS[el.getAttribute('data-status')] || COLOURS.no_data;
      var chart = window.echarts.init(el, null, { renderer: 'svg' });
      chart.setOption({
        animation: false,
        grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: 'category', data: series.dates, show: false, boundaryGap: false },
        yAxis: { type: 'value', show: false, scale: true },
        series: [{
          type: 'line',
          data: series.values,
          symbol: series.values.length === 1 ? 'circle' : 'none',
          symbolSize: 6,
          lineStyle: { width: 2, color: colour },
          itemStyle: { color: colour },
          areaStyle: { color: colour, opacity: 0.12 },
          silent: true
        }]
      });
      charts.push(chart);
    });
    window.addEventListener('resize', function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
