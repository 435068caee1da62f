/* tongcheng report: one-hour circles — banded travel time from a core, with the circle's outline. */
(function (R) {
  'use strict';
  var el = document.getElementById('tc-iso-map');
  var P = R.payload('isochrone');
  if (!el || !P || !window.echarts) { return; }

  /* the region map is registered by map.js; register it here only if that section is absent */
  if (!echarts.getMap('tc-region')) {
    var M = R.payload('map');
    if (!M || !M.geojson) { return; }
    echarts.registerMap('tc-region', M.geojson);
  }
  var COLOURS = ['#1a9850', '#91cf60', '#d9ef8b', '#fee08b', '#fc8d59'];
  var NO_DATA = -1;  /* display only: cities without a time get this value and the grey piece */
  var NO_DATA_COLOUR = '#d9d9d9';
  var OUTLINE_COLOUR = '#c62828';
  var coreSelect = document.getElementById('tc-iso-core');
  var modeSelect = document.getElementById('tc-iso-mode');
  var note = document.getElementById('tc-iso-note');
  var summary = document.getElementById('tc-iso-summary');
  var state = { core: P['default'].core, mode: P['default'].mode };

  var chart = echarts.init(el, null, { renderer: 'canvas' });
  R.charts.isochrone = chart;

  function decodeRing(text, offset) { return R.decodeRing(text, offset, 1024); }
  function lang() { return R.lang(); }
  function name(code) {
    var n = P.names[code];
    return n ? n[lang() === 'zh' ? 0 : 1] : code;
  }
  function view() { return P.views[state.core + '|' + state.mode] || { status: 'no_data' }; }
  function mode() {
    for (var i = 0; i < P.modes.length; i++) { if (P.modes[i].key === state.mode) { return P.modes[i]; } }
    return null;
  }
  function minutesLabel() { return ' ' + R.t('iso.minutes'); }

  function pieces() {
    var out = [], lo = 0;
    P.bands.forEach(function (hi, i) {
      out.push({ gte: i === 0 ? 0 : undefined, gt: i === 0 ? undefined : lo, lte: hi,
                 label: lo + '–' + hi + minutesLabel(), color: COLOURS[i % COLOURS.length] });
      lo = hi;
    });
    out.push({ gt: lo, label: '> ' + lo + minutesLabel(), color: COLOURS[COLOURS.length - 1] });
    out.push({ value: NO_DATA, label: R.t('map.no_data'), color: NO_DATA_COLOUR });
    return out.map(function (p) {
      var q = {};
      Object.keys(p).forEach(function (k) { if (p[k] !== undefined) { q[k] = p[k]; } });
      return q;
    });
  }

  function mapData() {
    var v = view(), minutes = v.minutes || {};
    return Object.keys(P.names).map(function (code) {
      var m = minutes[code];
      return { name: code, value: m === undefined || m === null ? NO_DATA : m };
    });
  }

  function outlineData() {
    var v = view();
    return (v.outline || []).map(function (p) { return { coords: decodeRing(p[0], p[1]) }; });
  }

  function tooltip(p) {
    var esc = R.escapeHtml;
    if (p.seriesType === 'map') {
      var head = '<b>' + esc(name(p.name)) + '</b>';
      var text = p.value === NO_DATA || p.value === undefined || isNaN(p.value)
        ? R.t('map.no_data') : R.fmt(p.value, 0) + minutesLabel();
      return head + '<br>' + esc(name(state.core)) + ': ' + esc(text);
    }
    return esc(R.t('iso.outline'));
  }

  function describe() {
    var v = view(), m = mode();
    if (note) {
      note.hidden = v.status === 'ok';
      note.textContent = v.status === 'ok' ? ''
        : R.t(m && m.timetable ? 'iso.no_timetable' : 'iso.no_times');
    }
    if (summary) {
      if (v.status !== 'ok') { summary.textContent = ''; return; }
      var parts = [R.t('iso.within') + ': ' + R.t('iso.units') + ' ' + R.fmt(v.n, 0),
                   R.t('iso.population') + ' ' + R.fmt(v.population, 0),
                   R.t('iso.area') + ' ' + R.fmt(v.area, 0) + ' km²'];
      if (v.share !== null && v.share !== undefined) {
        parts.push(R.t('iso.share') + ' ' + R.fmt(v.share, 1) + '%');
      }
      summary.textContent = parts.join(' · ');
    }
  }

  function langOption() {
    return {
      visualMap: { pieces: pieces() },
      legend: { formatter: function () { return R.t('iso.outline'); } },
      geo: { label: { formatter: function (p) { return name(p.name); } } }
    };
  }

  function option() {
    var extra = langOption();
    return {
      animationDuration: 300,
      tooltip: { trigger: 'item', formatter: tooltip, confine: true },
      legend: { data: ['outline'], top: 8, left: 16, formatter: extra.legend.formatter },
      visualMap: { type: 'piecewise', seriesIndex: 0, left: 16, bottom: 20, pieces: extra.visualMap.pieces },
      geo: {
        map: 'tc-region', roam: true, aspectScale: (R.payload('map') || {}).aspect || 0.85, top: 48, bottom: 24,
        label: { show: true, fontSize: 11, color: '#222', textBorderColor: '#fff', textBorderWidth: 2,
                 formatter: extra.geo.label.formatter },
        itemStyle: { areaColor: NO_DATA_COLOUR, borderColor: '#ffffff', borderWidth: 1 },
        emphasis: { itemStyle: { areaColor: '#ffd54f' }, label: { show: true } },
        select: { disabled: true }
      },
      series: [
        { id: 'bands', name: 'bands', type: 'map', geoIndex: 0, data: mapData() },
        { id: 'outline', name: 'outline', type: 'lines', coordinateSystem: 'geo', polyline: true, z: 5,
          lineStyle: { color: OUTLINE_COLOUR, width: 3, opacity: 0.95 }, data: outlineData() }
      ]
    };
  }

  function redraw() {
    chart.setOption({ series: [{ id: 'bands', data: mapData() }, { id: 'outline', data: outlineData() }] });
    describe();
  }

  chart.on('finished', function () { el.setAttribute('data-rendered', '1'); });
  chart.setOption(option());
  describe();
  if (coreSelect) {
    coreSelect.addEventListener('change', function () { state.core = coreSelect.value; redraw(); });
  }
  if (modeSelect) {
    modeSelect.addEventListener('change', function () { state.mode = modeSelect.value; redraw(); });
  }
  R.onLanguageChange(function () { chart.setOption(langOption()); describe(); });
  window.addEventListener('resize', function () { chart.resize(); });
}(window.tongchengReport));
