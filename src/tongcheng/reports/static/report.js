/* tongcheng report runtime: language switch, tables, payload access. No network. */
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('tc-data').textContent);
  var root = document.documentElement;
  var state = { lang: DATA.lang, listeners: [] };

  function t(key, lang) {
    var table = DATA.strings[lang || state.lang] || {};
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
  }

  function isMissing(v) {
    return v === null || v === undefined || (typeof v === 'number' && !isFinite(v));
  }

  function fmt(v, decimals) {
    if (isMissing(v)) { return t('table.missing'); }
    var d = decimals === undefined || decimals === null ? 0 : decimals;
    return Number(v).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function payload(key) {
    var parts = String(key).split('.');
    var value = DATA.payloads[parts.shift()];
    while (parts.length && value !== undefined && value !== null) { value = value[parts.shift()]; }
    return value;
  }

  function langFromHash() {
    var h = (window.location.hash || '').replace(/^#/, '');
    return Object.prototype.hasOwnProperty.call(DATA.strings, h) ? h : null;
  }

  function writeHash(lang) {
    if (window.location.hash === '#' + lang) { return; }
    try { window.history.replaceState(null, '', '#' + lang); }
    catch (e) { window.location.hash = lang; }
  }

  function swapTexts(lang) {
    var nodes = document.querySelectorAll('[data-zh][data-en]');
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var text = el.getAttribute('data-' + lang);
      var attr = el.getAttribute('data-i18n-attr');
      if (attr) { el.setAttribute(attr, text); } else { el.textContent = text; }
    }
  }

  function setLang(lang, opts) {
    if (!Object.prototype.hasOwnProperty.call(DATA.strings, lang)) { return; }
    var changed = lang !== state.lang;
    state.lang = lang;
    root.setAttribute('data-lang', lang);
    root.setAttribute('lang', lang === 'zh' ? 'zh-CN' : lang);
    document.title = DATA.title[lang];
    swapTexts(lang);
    var buttons = document.querySelectorAll('[data-set-lang]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-set-lang') === lang));
    }
    if (opts && opts.hash) { writeHash(lang); }
    if (changed || (opts && opts.force)) {
      state.listeners.forEach(function (fn) {
        try { fn(lang); } catch (e) { console.error(e); }
      });
    }
  }

  /* ---------- tables ---------- */

  function cellFor(kind, value, decimals, names) {
    var td = document.createElement('td');
    if (kind === 'num') {
      td.className = isMissing(value) ? 'num missing' : 'num';
      td.setAttribute('data-v', isMissing(value) ? '' : String(value));
      td.textContent = fmt(value, decimals);
    } else if (kind === 'name') {
      /* a code looked up in the payload's names, or [zh, en] inline */
      var code = typeof value === 'string' ? value : '';
      var pair = code ? (names && names[code]) || [code, code] : value;
      var zh = document.createElement('span'); zh.className = 'l-zh'; zh.lang = 'zh-CN';
      zh.textContent = pair[0];
      var en = document.createElement('span'); en.className = 'l-en'; en.lang = 'en';
      en.textContent = pair[1];
      td.appendChild(zh); td.appendChild(en);
      if (code) { td.title = code; }
      td.setAttribute('data-f', (pair[0] + ' ' + pair[1] + ' ' + code).toLowerCase());
    } else {
      td.textContent = isMissing(value) ? t('table.missing') : String(value);
    }
    return td;
  }

  /* where a value comes from: "period · vintage · source" as its tooltip; another period than
     the column's latest is also shown as a superscript */
  function markProvenance(td, col, i, sources) {
    if (!col.prov || td.getAttribute('data-v') === '') { return; }
    var k = col.pi ? col.pi[i] : 0;
    var entry = k === null || k === undefined ? null : col.prov[k];
    if (!entry) { return; }
    td.title = [entry[0], entry[1], (sources || [])[entry[2]]].filter(function (x) { return !!x; }).join(' · ');
    if (entry[0] !== col.latest) {
      var sup = document.createElement('sup'); sup.className = 'tc-period'; sup.textContent = entry[0];
      td.appendChild(sup);
    }
  }

  function fillTable(table) {
    var spec = payload(table.getAttribute('data-payload'));
    if (!spec || !spec.rows) { return; }
    var tbody = table.tBodies[0] || table.appendChild(document.createElement('tbody'));
    var frag = document.createDocumentFragment();
    spec.rows.forEach(function (row, i) {
      var tr = document.createElement('tr');
      row.forEach(function (value, j) {
        var col = spec.columns[j] || {};
        var td = cellFor(col.kind || 'text', value, col.decimals, spec.names);
        if (col.kind === 'num') { markProvenance(td, col, i, spec.sources); }
        tr.appendChild(td);
      });
      frag.appendChild(tr);
    });
    tbody.appendChild(frag);
  }

  function cellKey(td, kind) {
    if (kind === 'num') {
      var v = td.getAttribute('data-v');
      return v === null || v === '' ? null : Number(v);
    }
    var own = td.querySelector('.l-' + state.lang);
    return (own ? own.textContent : td.textContent).trim();
  }

  function sortBy(table, th) {
    var ths = Array.prototype.slice.call(th.parentNode.children);
    var index = ths.indexOf(th);
    var kind = th.getAttribute('data-kind') || 'text';
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    ths.forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var collator = new Intl.Collator(state.lang === 'zh' ? 'zh-CN' : 'en', { numeric: true });
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows).map(function (tr, i) {
      return { tr: tr, i: i, k: cellKey(tr.cells[index], kind) };
    });
    rows.sort(function (a, b) {
      if (a.k === null && b.k === null) { return a.i - b.i; }
      if (a.k === null) { return 1; }   /* missing values last either way */
      if (b.k === null) { return -1; }
      var c = kind === 'num' ? a.k - b.k : collator.compare(a.k, b.k);
      return c === 0 ? a.i - b.i : dir * c;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r.tr); });
    tbody.appendChild(frag);
  }

  function makeSortable(table) {
    var ths = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(ths, function (th) {
      th.addEventListener('click', function () { sortBy(table, th); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, th); }
      });
    });
  }

  function countRows(tableId) {
    var table = document.getElementById(tableId);
    var n = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) { if (!tr.hidden) { n++; } });
    var counters = document.querySelectorAll('.tc-rowcount[data-table="' + tableId + '"]');
    Array.prototype.forEach.call(counters, function (c) { c.textContent = fmt(n, 0); });
  }

  function attachFilter(input) {
    var tableId = input.getAttribute('data-table');
    var table = document.getElementById(tableId);
    if (!table) { return; }
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
        if (!tr._tcText) {
          var parts = [];
          Array.prototype.forEach.call(tr.cells, function (td) {
            parts.push(td.getAttribute('data-f') || td.textContent.toLowerCase());
          });
          tr._tcText = parts.join(' ');
        }
        tr.hidden = q !== '' && tr._tcText.indexOf(q) === -1;
      });
      countRows(tableId);
    });
  }

  /* ---------- boot ---------- */

  document.querySelectorAll('table[data-payload]').forEach(function (table) {
    fillTable(table);
    if (table.id) { countRows(table.id); }
  });
  document.querySelectorAll('table.tc-sortable').forEach(makeSortable);
  document.querySelectorAll('input.tc-filter').forEach(attachFilter);

  document.querySelectorAll('[data-set-lang]').forEach(function (btn) {
    btn.addEventListener('click', function () {
      setLang(btn.getAttribute('data-set-lang'), { hash: true });
    });
  });
  document.querySelectorAll('a[data-target]').forEach(function (a) {
    a.addEventListener('click', function (e) {
      var target = document.getElementById(a.getAttribute('data-target'));
      if (target) { e.preventDefault(); target.scrollIntoView(); }
    });
  });
  window.addEventListener('hashchange', function () {
    var lang = langFromHash();
    if (lang) { setLang(lang); }
  });

  /* compact ring encoding of _geo.py: zig-zag deltas in pairs of characters, 1/scale degrees */
  function decodeRing(text, offset, scale) {
    var x = offset[0], y = offset[1], out = [], k = scale || 1024;
    for (var i = 0; i < text.length; i += 2) {
      var cx = text.charCodeAt(i) - 64, cy = text.charCodeAt(i + 1) - 64;
      x += (cx >> 1) ^ -(cx & 1);
      y += (cy >> 1) ^ -(cy & 1);
      out.push([x / k, y / k]);
    }
    return out;
  }

  window.tongchengReport = {
    data: DATA,
    decodeRing: decodeRing,
    charts: {},
    ready: false,
    lang: function () { return state.lang; },
    setLang: function (lang) { setLang(lang, { hash: true }); },
    t: t,
    fmt: fmt,
    escapeHtml: escapeHtml,
    payload: payload,
    onLanguageChange: function (fn) { state.listeners.push(fn); },
    finish: function () { this.ready = true; root.setAttribute('data-ready', '1'); }
  };
  setLang(langFromHash() || state.lang, { force: true });
}());
