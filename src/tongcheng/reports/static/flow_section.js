/* tongcheng report: commuting flows (lines between units) and the delineation by the OECD 15 % rule. */
(function (R) {
  'use strict';
  var P = R.payload('flows');
  if (!P || !window.echarts) { return; }
  if (!echarts.getMap('tc-region')) {
    var M = R.payload('map');
    if (!M || !M.geojson) { return; }
    echarts.registerMap('tc-region', M.geojson);
  }
  var ASPECT = (R.payload('map') || {}).aspect || 0.85;
  var PALETTE = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d',
                 '#1f78b4', '#b2df8a', '#fb9a99'];
  var NONE = '#e0e0e0';
  var FLOW_COLOUR = '#c62828';

  function lang() { return R.lang(); }
  function name(code) {
    var n = P.names[code];
    return n ? n[lang() === 'zh' ? 0 : 1] : code;
  }
  function metroName(code) {
    var n = P.metros[code];
    return n ? n[lang() === 'zh' ? 0 : 1] : code;
  }
  function decodeRing(text, offset) { return R.decodeRing(text, offset, 1024); }
  function geo() {
    return {
      map: 'tc-region', roam: true, aspectScale: ASPECT, top: 40, bottom: 24,
      label: { show: false },
      itemStyle: { areaColor: '#f3f3f3', borderColor: '#bdbdbd', borderWidth: 0.8 },
      emphasis: { itemStyle: { areaColor: '#ffe082' }, label: { show: true, formatter: function (p) { return name(p.name); } } },
      select: { disabled: true }
    };
  }
  function rendered(el, chart) { chart.on('finished', function () { el.setAttribute('data-rendered', '1'); }); }

  /* ---------------------------------------------------------------- flow map */
  var flowEl = document.getElementById('tc-flow-map');
  if (flowEl) {
    var flowChart = echarts.init(flowEl, null, { renderer: 'canvas' });
    R.charts.flows = flowChart;
    rendered(flowEl, flowChart);
    var lines = P.flows.filter(function (f) { return P.points[f[0]] && P.points[f[1]]; }).map(function (f) {
      return { from: f[0], to: f[1], value: f[2], coords: [P.points[f[0]], P.points[f[1]]],
               lineStyle: { width: f[3] } };
    });
    var used = {};
    lines.forEach(function (l) { used[l.from] = true; used[l.to] = true; });
    var nodes = Object.keys(used).map(function (c) { return { name: c, value: P.points[c] }; });
    var flowTooltip = function (p) {
      var esc = R.escapeHtml;
      if (p.seriesType === 'lines') {
        return esc(name(p.data.from)) + ' → ' + esc(name(p.data.to)) + '<br>' +
          esc(R.t('flow.commuters')) + ': ' + esc(R.fmt(p.data.value, 0));
      }
      return '<b>' + esc(name(p.name)) + '</b>';
    };
    flowChart.setOption({
      animation: false,
      tooltip: { trigger: 'item', formatter: flowTooltip, confine: true },
      geo: geo(),
      series: [
        { id: 'flows', name: 'flows', type: 'lines', coordinateSystem: 'geo', z: 4,
          symbol: ['none', 'arrow'], symbolSize: 7,
          lineStyle: { color: FLOW_COLOUR, opacity: 0.6, curveness: 0.2 }, data: lines },
        { id: 'nodes', name: 'nodes', type: 'scatter', coordinateSystem: 'geo', z: 5, symbolSize: 6,
          itemStyle: { color: '#263238' }, data: nodes }
      ]
    });
    window.addEventListener('resize', function () { flowChart.resize(); });
  }

  /* ---------------------------------------------------------- delineation map */
  var delEl = document.getElementById('tc-delin-map');
  if (delEl) {
    var delChart = echarts.init(delEl, null, { renderer: 'canvas' });
    R.charts.delineation = delChart;
    rendered(delEl, delChart);
    var metroCodes = Object.keys(P.cores).sort();
    var colourOf = {};
    metroCodes.forEach(function (m, i) { colourOf[m] = PALETTE[i % PALETTE.length]; });
    var M2 = R.payload('map') || {};
    var features = ((M2.geojson || {}).features || []).map(function (f) { return f.properties.name; });
    var regions = features.map(function (code) {
      var m = P.delineated[code];
      return { name: code, itemStyle: { areaColor: m ? colourOf[m] : NONE } };
    });
    var outlineSeries = Object.keys(P.outlines).sort().map(function (m) {
      return { id: 'plan:' + m, name: 'plan:' + m, type: 'lines', coordinateSystem: 'geo', polyline: true, z: 6,
               silent: true, lineStyle: { color: colourOf[m] || '#424242', width: 2.5, type: 'dashed', opacity: 0.95 },
               data: P.outlines[m].map(function (p) { return { coords: decodeRing(p[0], p[1]) }; }) };
    });
    var delTooltip = function (p) {
      var esc = R.escapeHtml, m = P.delineated[p.name];
      return '<b>' + esc(name(p.name)) + '</b><br>' + esc(m ? metroName(m) : R.t('flow.not_member'));
    };
    var legendData = metroCodes.map(function (m) { return { name: m, itemStyle: { color: colourOf[m] } }; });
    var delOption = function () {
      return {
        animation: false,
        tooltip: { trigger: 'item', formatter: delTooltip, confine: true },
        legend: { top: 8, left: 16, data: legendData.map(function (d) { return d.name; }),
                  formatter: function (m) { return metroName(m); } },
        geo: geo(),
        series: [{ id: 'delineated', name: 'delineated', type: 'map', geoIndex: 0,
                   data: regions.map(function (r) { return { name: r.name, value: P.delineated[r.name] ? 1 : 0 }; }) }]
          .concat(metroCodes.map(function (m) {
            return { id: 'legend:' + m, name: m, type: 'scatter', coordinateSystem: 'geo', data: [],
                     itemStyle: { color: colourOf[m] } };
          }))
          .concat(outlineSeries)
      };
    };
    var opt = delOption();
    opt.geo.regions = regions;
    delChart.setOption(opt);
    R.onLanguageChange(function () {
      delChart.setOption({ legend: { formatter: function (m) { return metroName(m); } } });
    });
    window.addEventListener('resize', function () { delChart.resize(); });
  }
}(window.tongchengReport));
