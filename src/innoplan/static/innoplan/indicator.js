/* The indicator page's chart: approved figures, the linear required path and the target. */
(function () {
  'use strict';

  function number(value) {
    return value === null || value === undefined ? '—' : value.toLocaleString();
  }

  function draw() {
    var el = document.getElementById('indicator-chart');
    var source = document.getElementById('indicator-chart-data');
    if (!el || !source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var series = [{
      name: data.labels.history,
      type: 'line',
      data: data.history,
      symbolSize: 7,
      lineStyle: { width: 3, color: '#0f3d7a' },
      itemStyle: { color: '#0f3d7a' },
      z: 3
    }];
    if (data.required.length) {
      series.push({
        name: data.labels.required,
        type: 'line',
        data: data.required,
        symbol: 'none',
        connectNulls: false,
        lineStyle: { width: 2, type: 'dashed', color: '#8a929a' },
        itemStyle: { color: '#8a929a' }
      });
    }
    if (data.target !== null) {
      series.push({
        name: data.labels.target,
        type: 'line',
        data: [],
        itemStyle: { color: '#c8102e' },
        lineStyle: { color: '#c8102e' },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { formatter: data.labels.target + ' ' + number(data.target) + ' ' + data.unit, position: 'insideEndTop' },
          lineStyle: { color: '#c8102e', width: 2 },
          data: [{ yAxis: data.target }]
        }
      });
    }
    var chart = window.echarts.init(el, null, { renderer: 'svg' });
    chart.setOption({
      animation: false,
      grid: { left: 60, right: 24, top: 40, bottom: 40 },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: function (value) { return number(value) + ' ' + data.unit; }
      },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: data.unit, scale: false },
      series: series
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
