/* tongcheng report: region map (choropleth, metro outlines, strongest links). */
(function (R) {
  'use strict';
  var el = document.getElementById('tc-map');
  var P = R.payload('map');
  if (!el || !P || !window.echarts) { return; }

  var PALETTE = ['#eff3ff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
  var LINK_COLOUR = '#3a3a3a';
  var FALLBACK_COLOUR = '#8a8a8a';  /* grey + dashed: estimated from distance */
  var NO_DATA_COLOUR = '#e9ecef';   /* units without a value of the indicator shown */
  var select = document.getElementById('tc-indicator');
  var desc = document.getElementById('tc-indicator-desc');
  var current = P['default'];

  echarts.registerMap('tc-region', P.geojson);
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  R.charts.map = chart;

  /* metro outlines use the same compact ring encoding as the GeoJSON (see _geo.py) */
  function decodeRing(text, offset) { return R.decodeRing(text, offset, P.scale); }

  function lang() { return R.lang(); }
  function indicator() {
    for (var i = 0; i < P.indicators.length; i++) {
      if (P.indicators[i].code === current) { return P.indicators[i]; }
    }
    return null;
  }
  function cityName(code) {
    var n = P.names[code];
    return n ? n[lang() === 'zh' ? 0 : 1] : code;
  }
  function metroByCode(code) {
    for (var i = 0; i < P.metros.length; i++) {
      if (P.metros[i].code === code) { return P.metros[i]; }
    }
    return null;
  }
  function indicatorName(ind) { return ind ? ind['name_' + lang()] : ''; }
  function unitSuffix(ind) {
    if (!ind || !ind.unit) { return ''; }
    return ' ' + (R.lang() === 'zh' && ind.unit_zh ? ind.unit_zh : ind.unit);
  }

  function seriesLabel(name) {
    if (name.indexOf('metro:') === 0) {
      var m = metroByCode(name.slice(6));
      return m ? m['name_' + lang()] : name;
    }
    if (name === 'links') { return R.t('map.links'); }
    if (name === 'links_fallback') { return R.t('map.links_fallback'); }
    return name;
  }

  function tooltip(p) {
    var esc = R.escapeHtml;
    if (p.seriesType === 'map' || p.componentType === 'geo') {
      var ind = indicator();
      var head = '<b>' + esc(cityName(p.name)) + '</b>';
      if (!ind) { return head; }
      var v = ind.values[p.name];
      var period = (ind.periods && ind.periods[p.name]) || ind.period;
      var text = v === null || v === undefined ? R.t('map.no_data')
        : R.fmt(v, ind.decimals) + unitSuffix(ind) + (period ? ' (' + period + ')' : '');
      return head + '<br>' + esc(indicatorName(ind)) + ': ' + esc(text);
    }
    if (p.seriesType === 'lines' && p.data && p.data.from) {
      return esc(cityName(p.data.from)) + ' — ' + esc(cityName(p.data.to)) + '<br>' +
        esc(R.t('map.link_value')) + ': ' + esc(R.fmt(p.data.value, P.link_decimals)) +
        (p.data.fallback ? '<br><i>' + esc(R.t('map.links_fallback')) + '</i>' : '');
    }
    return esc(seriesLabel(p.seriesName || ''));
  }

  function mapData() {
    var ind = indicator();
    if (!ind) { return []; }
    return Object.keys(ind.values).filter(function (k) { return ind.values[k] !== null; })
      .map(function (k) { return { name: k, value: ind.values[k] }; });
  }

  function visualMap() {
    var ind = indicator();
    var lo = ind && ind.min !== null ? ind.min : 0;
    var hi = ind && ind.max !== null ? ind.max : 1;
    if (hi === lo) { hi = lo + 1; }
    var colours = ind && ind.direction === -1 ? PALETTE.slice().reverse() : PALETTE;
    return {
      show: !!ind, type: 'continuous', seriesIndex: 0, min: lo, max: hi, calculable: true,
      left: 16, bottom: 20, inRange: { color: colours },
      text: [R.t('map.high'), R.t('map.low')],
      formatter: function (v) { return R.fmt(v, ind ? ind.decimals : 0) + unitSuffix(ind); }
    };
  }

  function legendNames() {
    var names = P.metros.map(function (m) { return 'metro:' + m.code; });
    if (P.links.some(function (l) { return !l.fallback; })) { names.push('links'); }
    if (P.links.some(function (l) { return l.fallback; })) { names.push('links_fallback'); }
    return names;
  }

  function linkSeries(id, fallback) {
    return {
      id: id, name: id, type: 'lines', coordinateSystem: 'geo', zlevel: 0, z: 4,
      lineStyle: { color: fallback ? FALLBACK_COLOUR : LINK_COLOUR, opacity: 0.75,
                   type: fallback ? 'dashed' : 'solid', curveness: 0.12 },
      emphasis: { lineStyle: { opacity: 1 } },
      data: P.links.filter(function (l) { return l.fallback === fallback; }).map(function (l) {
        return { coords: l.coords, value: l.value, from: l.from, to: l.to, fallback: l.fallback,
                 lineStyle: { width: l.width } };
      })
    };
  }

  function langOption() {
    return {
      legend: { formatter: seriesLabel },
      visualMap: visualMap(),
      toolbox: { feature: { saveAsImage: { title: R.t('map.save_image') } } },
      geo: { label: { formatter: function (p) { return cityName(p.name); } } }
    };
  }

  function option() {
    var series = [{ id: 'choropleth', name: 'choropleth', type: 'map', geoIndex: 0, data: mapData() }];
    P.metros.forEach(function (m) {
      series.push({
        id: 'metro:' + m.code, name: 'metro:' + m.code, type: 'lines', coordinateSystem: 'geo',
        polyline: true, z: 3, lineStyle: { color: m.colour, width: 2.5, opacity: 0.95 },
        data: m.paths.map(function (path) { return { coords: decodeRing(path[0], path[1]) }; })
      });
    });
    series.push(linkSeries('links', false));
    series.push(linkSeries('links_fallback', true));
    var base = {
      animationDuration: 300,
      tooltip: { trigger: 'item', formatter: tooltip, confine: true },
      /* drawn as HTML beside the map (never truncated or paged); ECharts keeps the selection */
      legend: { show: false, data: legendNames(), formatter: seriesLabel },
      toolbox: { right: 12, top: 8, feature: { saveAsImage: { name: 'tongcheng-map', pixelRatio: 2 } } },
      geo: {
        map: 'tc-region', roam: true, aspectScale: P.aspect, top: 40, bottom: 24,
        label: { show: true, fontSize: 11, color: '#222', textBorderColor: '#fff', textBorderWidth: 2 },
        itemStyle: { areaColor: NO_DATA_COLOUR, borderColor: '#ffffff', borderWidth: 1 },
        emphasis: { itemStyle: { areaColor: '#ffd54f' }, label: { show: true } },
        select: { disabled: true }
      },
      series: series
    };
    var extra = langOption();
    base.legend.formatter = extra.legend.formatter;
    base.visualMap = extra.visualMap;
    base.toolbox.feature.saveAsImage.title = extra.toolbox.feature.saveAsImage.title;
    base.geo.label.formatter = extra.geo.label.formatter;
    return base;
  }

  function describe() {
    if (!desc) { return; }
    var ind = indicator();
    desc.textContent = ind ? ind['description_' + lang()] || '' : '';
  }

  var legendBox = document.getElementById('tc-map-legend');
  var hidden = {};
  function swatch(cls, colour) {
    var s = document.createElement('span');
    s.className = cls;
    if (cls === 'tc-swatch') { s.style.background = colour; } else { s.style.borderTopColor = colour; }
    return s;
  }
  function legendItem(name, swatchEl, text, toggles) {
    var item = document.createElement(toggles ? 'button' : 'span');
    item.className = 'tc-legend-item';
    item.setAttribute('data-series', name);
    if (toggles) {
      item.type = 'button';
      item.setAttribute('aria-pressed', hidden[name] ? 'false' : 'true');
      item.addEventListener('click', function () {
        hidden[name] = !hidden[name];
        item.setAttribute('aria-pressed', hidden[name] ? 'false' : 'true');
        chart.dispatchAction({ type: 'legendToggleSelect', name: name });
      });
    }
    item.appendChild(swatchEl);
    var label = document.createElement('span'); label.textContent = text;
    item.appendChild(label);
    return item;
  }
  /* no data (grey), then each metro outline and the link layers, which the reader can hide */
  function drawLegend() {
    if (!legendBox) { return; }
    legendBox.textContent = '';
    if (indicator()) {
      legendBox.appendChild(legendItem('no_data', swatch('tc-swatch', NO_DATA_COLOUR), R.t('map.no_data'), false));
    }
    P.metros.forEach(function (m) {
      legendBox.appendChild(legendItem('metro:' + m.code, swatch('tc-swatch-line', m.colour), seriesLabel('metro:' + m.code), true));
    });
    legendNames().forEach(function (name) {
      if (name.indexOf('metro:') === 0) { return; }
      var fallback = name === 'links_fallback';
      legendBox.appendChild(legendItem(name, swatch('tc-swatch-line' + (fallback ? ' tc-swatch-dashed' : ''),
        fallback ? FALLBACK_COLOUR : LINK_COLOUR), seriesLabel(name), true));
    });
  }

  chart.on('finished', function () { el.setAttribute('data-rendered', '1'); });
  chart.setOption(option());
  describe();
  drawLegend();

  if (select) {
    select.addEventListener('change', function () {
      current = select.value;
      chart.setOption({ series: [{ id: 'choropleth', data: mapData() }], visualMap: visualMap() });
      describe();
    });
  }
  R.onLanguageChange(function () { chart.setOption(langOption()); describe(); drawLegend(); });
  window.addEventListener('resize', function () { chart.resize(); });
}(window.tongchengReport));
