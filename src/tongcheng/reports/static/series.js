/* tongcheng report: time series of unit indicators with several periods (ECharts line chart). */
(function (R) {
  'use strict';
  var el = document.getElementById('tc-series-chart');
  var P = R.payload('series');
  if (!el || !P || !window.echarts || !P.indicators.length) { return; }

  var pickIndicator = document.getElementById('tc-series-indicator');
  var pickUnits = document.getElementById('tc-series-units');
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  R.charts.series = chart;
  var current = P.indicators[0].code;
  var chosenByReader = false;

  function indicator() {
    for (var i = 0; i < P.indicators.length; i++) {
      if (P.indicators[i].code === current) { return P.indicators[i]; }
    }
    return P.indicators[0];
  }
  function unitName(code) {
    var n = P.names[code];
    return n ? n[R.lang() === 'zh' ? 0 : 1] : code;
  }
  function unitSuffix(ind) {
    if (!ind.unit) { return ''; }
    return ' ' + (R.lang() === 'zh' && ind.unit_zh ? ind.unit_zh : ind.unit);
  }
  function latest(values) {
    for (var i = values.length - 1; i >= 0; i--) { if (values[i] !== null) { return values[i]; } }
    return null;
  }
  /* the units with the largest latest values, when the reader has not picked any */
  function defaultUnits(ind) {
    return Object.keys(ind.values).filter(function (c) { return latest(ind.values[c]) !== null; })
      .sort(function (a, b) { return latest(ind.values[b]) - latest(ind.values[a]); })
      .slice(0, P.default_units);
  }
  function selectedUnits() {
    return Array.prototype.filter.call(pickUnits.options, function (o) { return o.selected; })
      .map(function (o) { return o.value; });
  }
  function markUnits(codes) {
    Array.prototype.forEach.call(pickUnits.options, function (o) {
      o.selected = codes.indexOf(o.value) !== -1;
    });
  }

  function option() {
    var ind = indicator();
    var units = selectedUnits().filter(function (c) { return ind.values[c]; });
    var rows = Math.ceil(units.length / 4);
    return {
      animationDuration: 300,
      tooltip: {
        trigger: 'axis', confine: true,
        valueFormatter: function (v) { return R.fmt(v, ind.decimals) + unitSuffix(ind); }
      },
      legend: { type: 'plain', bottom: 4, left: 16, right: 16, data: units.map(unitName) },
      toolbox: { right: 12, top: 4, feature: { saveAsImage: { name: 'tongcheng-series', title: R.t('map.save_image') } } },
      grid: { left: 72, right: 40, top: 40, bottom: 40 + 22 * rows },
      xAxis: { type: 'category', data: ind.periods, boundaryGap: false },
      yAxis: { type: 'value', scale: true, name: (R.lang() === 'zh' && ind.unit_zh ? ind.unit_zh : ind.unit) || '',
               axisLabel: { formatter: function (v) { return R.fmt(v, Math.min(ind.decimals, 2)); } } },
      series: units.map(function (c) {
        return { id: c, name: unitName(c), type: 'line', connectNulls: false, symbolSize: 7,
                 data: ind.values[c] };
      })
    };
  }

  function draw() { chart.setOption(option(), { notMerge: true }); }

  chart.on('finished', function () { el.setAttribute('data-rendered', '1'); });
  markUnits(defaultUnits(indicator()));
  draw();
  pickIndicator.addEventListener('change', function () {
    current = pickIndicator.value;
    var ind = indicator();
    var keep = selectedUnits().filter(function (c) { return ind.values[c]; });
    if (!chosenByReader || !keep.length) { markUnits(defaultUnits(ind)); }
    draw();
  });
  pickUnits.addEventListener('change', function () { chosenByReader = true; draw(); });
  R.onLanguageChange(draw);
  window.addEventListener('resize', function () { chart.resize(); });
}(window.tongchengReport));
