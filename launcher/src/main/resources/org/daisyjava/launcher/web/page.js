// The run page: draws the run document (RunDocument.java) - embedded in report.html, or polled
// from /api/run every second on the live page. Block maps are downsampled grids with one state
// character per cell (d done, p partly done, r running, w waiting, f failed, o orphaned); the
// page shows a 2-D slice over the last two axes, and a slider per other axis moves the slice
// (its position is kept in the address's #fragment, so a link shows the same slice).
(function () {
  'use strict';
  var COLORS = { d: '#2e9e44', p: '#9fd4a6', r: '#2f6fdf', w: '#d9dde3', f: '#d6333a', o: '#f0a020' };
  var NAMES = { d: 'done', p: 'partly done', r: 'running', w: 'waiting', f: 'failed', o: 'orphaned' };
  var TASK_COLORS = ['#2f6fdf', '#d6333a', '#2e9e44', '#8a4fd8', '#f0a020', '#1aa3a3', '#a0522d', '#e05bb0'];
  var embedded = JSON.parse(document.getElementById('run-data').textContent);
  var live = embedded === null;
  var doc = null;
  var slices = readHash();

  function el(tag, attrs) {
    var e = document.createElement(tag);
    for (var k in (attrs || {})) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) { continue; }
      e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in (attrs || {})) { e.setAttribute(k, attrs[k]); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
  function duration(s) {
    if (s === null || s === undefined || s < 0) { return '-'; }
    s = Math.round(s);
    if (s < 60) { return s + 's'; }
    if (s < 3600) { return Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's'; }
    return Math.floor(s / 3600) + 'h' + String(Math.floor(s / 60) % 60).padStart(2, '0') + 'm';
  }
  function cpu(s) { return s === null ? '-' : s < 600 ? s.toFixed(1) + 's' : duration(s); }
  function memory(bytes) {
    if (bytes === null) { return '-'; }
    var mib = bytes / 1048576;
    return mib < 10240 ? Math.round(mib) + ' MiB' : (mib / 1024).toFixed(1) + ' GiB';
  }
  function ms(v) { return v >= 10000 ? (v / 1000).toFixed(0) + 's' : v >= 100 ? v.toFixed(0) + 'ms' : v.toFixed(1) + 'ms'; }

  function readHash() {
    var out = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var m = /^s(\d+)=([\d.]+)$/.exec(part);
      if (m) { out[m[1]] = m[2].split('.').map(Number); }
    });
    return out;
  }
  function writeHash() {
    var parts = [];
    for (var k in slices) { parts.push('s' + k + '=' + slices[k].join('.')); }
    history.replaceState(null, '', '#' + parts.join('&'));
  }
  window.addEventListener('hashchange', function () { slices = readHash(); if (doc) { drawMaps(doc); } });

  function drawHeader(d) {
    document.body.setAttribute('data-state', d.state);
    document.title = d.name + ' (' + d.state + ') - daisy-java';
    document.getElementById('run-name').textContent = d.name;
    var badge = document.getElementById('run-state');
    badge.textContent = d.state;
    badge.className = 'badge ' + d.state;
    document.getElementById('run-meta').textContent = 'started ' + d.started + ' \u00b7 ' + duration(d.elapsed_seconds)
      + ' \u00b7 backend ' + d.backend + ' \u00b7 run dir ' + d.run_dir;
    document.getElementById('footer').textContent = live
      ? 'live page, updated every second (read-only)' : 'report written ' + d.written + ' (self-contained)';
  }

  function drawTasks(d) {
    var t = clear(document.getElementById('tasks'));
    t.appendChild(el('tr', {}, el('th', { text: 'task' }), el('th', { text: 'progress' }), el('th', { text: 'completed' }),
      el('th', { text: 'total' }), el('th', { text: 'running' }), el('th', { text: 'skipped' }), el('th', { text: 'failed' }),
      el('th', { text: 'orphaned' }), el('th', { text: 'retries' }), el('th', { text: 'workers' }),
      el('th', { text: 'blocks/s' }), el('th', { text: 'ETA' })));
    d.tasks.forEach(function (k) {
      var bar = el('span', { 'class': 'bar' });
      [['d', k.completed], ['f', k.failed], ['o', k.orphaned], ['r', k.running]].forEach(function (p) {
        bar.appendChild(el('span', { style: 'width:' + (100 * p[1] / Math.max(1, k.total)) + '%;background:' + COLORS[p[0]] }));
      });
      function count(name) { return el('td', { id: 'count-' + k.name + '-' + name, 'data-count': name, text: k[name] }); }
      t.appendChild(el('tr', { 'data-task': k.name }, el('td', { text: k.name }), el('td', {}, bar), count('completed'),
        count('total'), count('running'), count('skipped'), count('failed'), count('orphaned'), count('retries'),
        el('td', { text: k.workers }), el('td', { text: k.blocks_per_second }),
        el('td', { text: k.finished ? 'done' : duration(k.eta_seconds) })));
    });
  }

  // blocks/s per task over time, from the completed counts of the series
  function drawThroughput(d) {
    var box = clear(document.getElementById('throughput'));
    var W = 560, H = 170, L = 44, B = 20;
    var lines = [], maxT = 1, maxY = 1;
    d.tasks.forEach(function (k) {
      var s = k.series, pts = [];
      for (var i = 1; i < s.t.length; i++) {
        var dt = s.t[i] - s.t[i - 1];
        if (dt > 0) { pts.push([s.t[i], (s.done[i] - s.done[i - 1]) / dt]); }
      }
      pts.forEach(function (p) { maxT = Math.max(maxT, p[0]); maxY = Math.max(maxY, p[1]); });
      lines.push(pts);
    });
    var g = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H });
    g.appendChild(svg('line', { x1: L, y1: H - B, x2: W, y2: H - B, stroke: '#999' }));
    g.appendChild(svg('line', { x1: L, y1: 4, x2: L, y2: H - B, stroke: '#999' }));
    var top = svg('text', { x: 2, y: 12 }); top.textContent = Math.round(maxY) + '/s'; g.appendChild(top);
    var right = svg('text', { x: W - 40, y: H - 4 }); right.textContent = duration(maxT); g.appendChild(right);
    lines.forEach(function (pts, i) {
      if (pts.length === 0) { return; }
      var path = pts.map(function (p, j) {
        return (j ? 'L' : 'M') + (L + (W - L - 4) * p[0] / maxT).toFixed(1) + ' ' + (H - B - (H - B - 6) * p[1] / maxY).toFixed(1);
      }).join(' ');
      g.appendChild(svg('path', { d: path, fill: 'none', stroke: TASK_COLORS[i % TASK_COLORS.length], 'stroke-width': 1.5 }));
    });
    box.appendChild(g);
    var legend = el('div', { 'class': 'legend' });
    d.tasks.forEach(function (k, i) {
      legend.appendChild(el('span', {}, el('i', { style: 'background:' + TASK_COLORS[i % TASK_COLORS.length] }), k.name));
    });
    box.appendChild(legend);
  }

  // the 2-D slice of a task's cells at the slider positions: rows = axis n-2, columns = axis n-1
  function slice(map, pos) {
    var c = map.cells, n = c.length;
    var rows = n >= 2 ? c[n - 2] : 1, cols = c[n - 1];
    var base = 0, stride = 1, strides = [];
    for (var a = n - 1; a >= 0; a--) { strides[a] = stride; stride *= c[a]; }
    for (a = 0; a < n - 2; a++) { base += (pos[a] || 0) * strides[a]; }
    var out = [];
    for (var r = 0; r < rows; r++) {
      out.push(map.states.substr(base + r * (n >= 2 ? strides[n - 2] : 0), cols));
    }
    return out;
  }

  function drawMaps(d) {
    var legend = clear(document.getElementById('legend'));
    'drpwfo'.split('').forEach(function (s) {
      legend.appendChild(el('span', {}, el('i', { style: 'background:' + COLORS[s] }), NAMES[s]));
    });
    var box = clear(document.getElementById('maps'));
    d.tasks.forEach(function (k, ti) {
      var map = k.map, n = map.cells.length;
      var pos = slices[ti] || [];
      for (var a = 0; a < n - 2; a++) { pos[a] = Math.min(pos[a] || 0, map.cells[a] - 1); }
      var rowsOf = slice(map, pos);
      var rows = rowsOf.length, cols = rowsOf[0].length;
      var size = Math.max(1, Math.min(40, Math.floor(Math.min(520 / cols, 320 / rows))));
      var canvas = el('canvas', { width: cols * size, height: rows * size, id: 'map-' + ti });
      var ctx = canvas.getContext('2d');
      var counts = { d: 0, p: 0, r: 0, w: 0, f: 0, o: 0 };
      for (var r = 0; r < rows; r++) {
        for (var c = 0; c < cols; c++) {
          var s = rowsOf[r].charAt(c);
          counts[s]++;
          ctx.fillStyle = COLORS[s];
          ctx.fillRect(c * size, r * size, size > 3 ? size - 1 : size, size > 3 ? size - 1 : size);
        }
      }
      var controls = el('div', { 'class': 'controls' });
      for (a = 0; a < n - 2; a++) {
        (function (axis) {
          var input = el('input', { type: 'range', min: 0, max: map.cells[axis] - 1, value: pos[axis],
            id: 'slider-' + ti + '-' + axis, 'aria-label': 'axis ' + axis });
          input.addEventListener('input', function () {
            pos[axis] = Number(input.value);
            slices[ti] = pos;
            writeHash();
            drawMaps(doc);
          });
          controls.appendChild(el('label', {}, 'axis ' + axis + ' ', input, ' ' + pos[axis] + ' / ' + (map.cells[axis] - 1) + '  '));
        })(a);
      }
      var scale = map.grid.map(function (g, i) { return g / map.cells[i]; });
      var down = scale.some(function (x) { return x > 1; });
      var summary = el('div', { 'class': 'small slice-summary', id: 'slice-' + ti, 'data-pos': pos.join('.'),
        'data-counts': JSON.stringify(counts) },
        'grid ' + map.grid.join('\u00d7') + ' blocks' + (down ? ', shown as ' + map.cells.join('\u00d7') + ' cells' : '')
        + ' \u00b7 slice: ' + 'drpwfo'.split('').filter(function (s) { return counts[s] > 0; })
          .map(function (s) { return NAMES[s] + ' ' + counts[s]; }).join(', '));
      box.appendChild(el('div', { 'class': 'map' }, el('b', { text: k.name }), controls, canvas, summary));
    });
  }

  function drawDurations(d) {
    var t = clear(document.getElementById('durations'));
    t.appendChild(el('tr', {}, el('th', { text: 'task' }), el('th', { text: 'blocks run' }), el('th', { text: 'p50' }),
      el('th', { text: 'p90' }), el('th', { text: 'p99' }), el('th', { text: 'max' }), el('th', { text: 'mean' }),
      el('th', { text: 'trend' }), el('th', { text: 'concurrency mean/max' }), el('th', { text: 'retries' })));
    var hist = clear(document.getElementById('histograms'));
    d.tasks.forEach(function (k, i) {
      var s = d.statistics.tasks[k.name], du = s.duration_ms;
      t.appendChild(el('tr', {}, el('td', { text: k.name }), el('td', { text: s.blocks_run }), el('td', { text: ms(du.p50) }),
        el('td', { text: ms(du.p90) }), el('td', { text: ms(du.p99) }), el('td', { text: ms(du.max) }),
        el('td', { text: ms(du.mean) }), el('td', { text: (s.trend_ms_per_min >= 0 ? '+' : '') + s.trend_ms_per_min.toFixed(1) + ' ms/min' }),
        el('td', { text: s.concurrency.mean.toFixed(1) + ' / ' + s.concurrency.max }), el('td', { text: s.retries })));
      var bins = k.histogram.bins, maxC = Math.max.apply(null, bins.concat([1]));
      var W = 260, H = 70, g = svg('svg', { width: W, height: H + 16 });
      bins.forEach(function (b, j) {
        var h = H * b / maxC;
        g.appendChild(svg('rect', { x: j * W / bins.length, y: H - h, width: W / bins.length - 1, height: h,
          fill: TASK_COLORS[i % TASK_COLORS.length] }));
      });
      var lo = svg('text', { x: 0, y: H + 13 }); lo.textContent = ms(k.histogram.min_ms); g.appendChild(lo);
      var hi = svg('text', { x: W - 50, y: H + 13 }); hi.textContent = ms(k.histogram.max_ms); g.appendChild(hi);
      hist.appendChild(el('div', { 'class': 'map' }, el('div', { 'class': 'small', text: k.name + ' (log scale)' }), g));
    });
  }

  function drawWorkers(d) {
    var t = clear(document.getElementById('workers'));
    t.appendChild(el('tr', {}, el('th', { text: 'id' }), el('th', { 'class': 'text', text: 'task' }),
      el('th', { 'class': 'text', text: 'host' }), el('th', { 'class': 'text', text: 'job' }), el('th', { text: 'current block' }),
      el('th', { text: 'blocks' }), el('th', { text: 'failed' }), el('th', { text: 'busy' }), el('th', { text: 'cpu' }), el('th', { text: 'peak memory' }), el('th', { text: 'last block' }), el('th', { text: 'last heard' }),
      el('th', { 'class': 'text', text: 'state' }), el('th', { 'class': 'text', text: 'log' })));
    d.workers.forEach(function (w) {
      var log = w.log ? (live ? el('a', { href: 'log?worker=' + w.id, text: 'log' }) : el('span', { 'class': 'small', text: w.log })) : '-';
      t.appendChild(el('tr', { 'data-worker': w.id }, el('td', { text: w.id }), el('td', { 'class': 'text', text: w.task }),
        el('td', { 'class': 'text', text: w.host }), el('td', { 'class': 'text', text: w.job || '-' }),
        el('td', { text: w.current_block === null ? '-' : w.current_block }), el('td', { text: w.blocks }),
        el('td', { text: w.failed }), el('td', { text: Math.round(100 * w.busy_fraction) + '%' }),
        el('td', { 'class': 'cpu', text: cpu(w.cpu_seconds) }), el('td', { 'class': 'peak', text: memory(w.peak_rss_bytes) }),
        el('td', { text: w.connected ? duration(w.idle_seconds) + ' ago' : '-' }),
        el('td', { text: w.connected ? duration(w.heard_seconds) + ' ago' : '-' }),
        el('td', { 'class': 'text', text: w.connected ? 'connected' : (w.lost ? 'lost: ' : 'left: ') + w.reason }),
        el('td', { 'class': 'text' }, log)));
    });
    // timeline: one bar per worker from join to leave (red if lost)
    var box = clear(document.getElementById('timeline'));
    if (d.workers.length === 0) { return; }
    var shown = d.workers.slice(0, 60), W = 560, rowH = 6, H = shown.length * rowH + 16, end = Math.max(1, d.elapsed_seconds);
    var g = svg('svg', { width: W, height: H });
    shown.forEach(function (w, i) {
      var x0 = W * w.joined_seconds / end, x1 = W * (w.left_seconds === null ? end : w.left_seconds) / end;
      g.appendChild(svg('rect', { x: x0, y: i * rowH, width: Math.max(1, x1 - x0), height: rowH - 1,
        fill: w.lost ? COLORS.f : w.connected ? COLORS.r : COLORS.d }));
    });
    var label = svg('text', { x: W - 40, y: H - 3 }); label.textContent = duration(end); g.appendChild(label);
    box.appendChild(g);
  }

  function drawFailures(d) {
    var box = clear(document.getElementById('failures'));
    if (d.failures.length === 0) { box.appendChild(el('div', { 'class': 'small', text: 'none' })); return; }
    d.failures.forEach(function (f) {
      var what = f.task + (f.block_id === null ? '' : ' block ' + f.block_id + ' (' + f.attempts + ' attempt' + (f.attempts === 1 ? '' : 's') + ')');
      box.appendChild(el('div', { 'class': 'failure' }, el('b', { text: what }), el('pre', { text: f.error }),
        f.worker ? el('div', { 'class': 'small', text: 'on ' + f.worker }) : null,
        f.log_tail ? el('details', {}, el('summary', { text: 'log tail' }), el('pre', { text: f.log_tail })) : null));
    });
  }

  function draw(d) {
    doc = d;
    drawHeader(d);
    drawTasks(d);
    drawThroughput(d);
    drawMaps(d);
    drawDurations(d);
    drawWorkers(d);
    drawFailures(d);
  }

  function poll() {
    fetch('api/run', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (d) {
      draw(d);
      if (d.state === 'running') { setTimeout(poll, 1000); }
    }).catch(function () {
      var badge = document.getElementById('run-state');
      badge.textContent = 'not reachable (the run may have ended; see report.html)';
      badge.className = 'badge';
      setTimeout(poll, 3000);
    });
  }

  if (live) { poll(); } else { draw(embedded); }
})();
