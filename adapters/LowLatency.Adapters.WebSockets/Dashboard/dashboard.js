'use strict';
// LowLatency dashboard: one WebSocket (JSON frames), reconnect with capped exponential backoff and jitter,
// 1 s OHLC+VWAP bars drawn on canvas, pipeline and per-stage figures. No dependencies.
(() => {
  const MAX_BARS = 60;
  const MAX_CHARTS = 4;
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;

  const params = new URLSearchParams(location.search);
  const state = {
    socket: null,
    topics: new Map(),      // name -> { id, name, fields, keys }
    bars: new Map(),        // symbol -> [{ t, open, high, low, close, vwap, volume }]
    stages: new Map(),      // stage index -> values
    chosen: null,           // null: the server's default feed (busiest symbols)
    updates: 0,
    barUpdates: 0,
    attempt: 0,
    reconnects: 0,
    everConnected: false,
    dirty: false,
  };
  window.lowlatency = state; // for people poking around in the console, and for the browser tests

  const $ = (id) => document.getElementById(id);

  function socketUrl() {
    const url = new URL(params.get('ws') || 'ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (params.get('token')) url.searchParams.set('token', params.get('token'));
    return url.href;
  }

  function setStatus(kind, detail) {
    const el = $('status');
    el.textContent = kind;
    el.className = 'status ' + kind;
    el.dataset.state = kind;
    $('status-detail').textContent = detail || '';
  }

  function connect() {
    setStatus(state.everConnected ? 'reconnecting' : 'connecting', state.attempt > 0 ? `attempt ${state.attempt + 1}` : '');
    const socket = new WebSocket(socketUrl());
    state.socket = socket;
    socket.onmessage = (e) => onMessage(JSON.parse(e.data));
    socket.onclose = (e) => {
      if (state.socket !== socket) return;
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** state.attempt) * (0.5 + Math.random() / 2);
      state.attempt++;
      setStatus(state.everConnected ? 'reconnecting' : 'closed',
        `${e.code}${e.reason ? ' ' + e.reason : ''} · retry in ${(delay / 1000).toFixed(1)} s`);
      setTimeout(connect, delay);
    };
  }

  function subscribe() {
    if (state.chosen === null || !state.socket || state.socket.readyState !== WebSocket.OPEN) return;
    // An explicit subscription replaces the default feed: ask for the figures too.
    for (const name of ['pipeline', 'stages']) {
      if (state.topics.has(name)) state.socket.send(JSON.stringify({ op: 'subscribe', topic: name }));
    }
    const bars = barTopic();
    if (bars) state.socket.send(JSON.stringify({ op: 'subscribe', topic: bars.name, keys: state.chosen }));
  }

  function barTopic() {
    for (const t of state.topics.values()) {
      if (t.fields.includes('open') && t.fields.includes('close')) return t;
    }
    return null;
  }

  function onMessage(msg) {
    if (msg.type === 'hello') {
      state.topics = new Map(msg.topics.map((t) => [t.name, t]));
      if (state.everConnected) state.reconnects++;
      state.everConnected = true;
      state.attempt = 0;
      setStatus('live', `connection ${msg.id}` + (state.reconnects ? ` · reconnected ${state.reconnects}×` : ''));
      document.body.dataset.reconnects = state.reconnects;
      subscribe();
      return;
    }
    if (msg.type !== 'updates') return;
    for (const u of msg.items) {
      state.updates++;
      if (u.topic === 'pipeline') onPipeline(u);
      else if (u.topic === 'stages') state.stages.set(u.key, u);
      else if ('open' in u && 'close' in u) onBar(u);
    }
    $('updates').textContent = fmtCount(state.updates);
    state.dirty = true;
  }

  function onPipeline(u) {
    $('events-per-second').textContent = fmtCount(u.events_per_second);
    $('published').textContent = fmtCount(u.published);
    $('occupancy').textContent = fmtCount(u.occupancy);
    $('dropped').textContent = fmtCount(u.dropped);
    $('late').textContent = fmtCount(u.late);
  }

  function onBar(u) {
    let series = state.bars.get(u.key);
    if (!series) state.bars.set(u.key, (series = []));
    const bar = { t: u.time, open: u.open, high: u.high, low: u.low, close: u.close, vwap: u.vwap, volume: u.volume };
    const last = series[series.length - 1];
    if (last && last.t === bar.t) series[series.length - 1] = bar;          // a newer version of the same window
    else if (!last || last.t < bar.t) series.push(bar);
    if (series.length > MAX_BARS) series.shift();
    state.barUpdates++;
    document.body.dataset.barUpdates = state.barUpdates;
  }

  function shownSymbols() {
    if (state.chosen !== null) return state.chosen.slice(0, MAX_CHARTS);
    // Default feed: the symbols that updated most recently (the server sends the busiest).
    return [...state.bars.entries()]
      .sort((a, b) => (b[1].at(-1)?.t ?? 0) - (a[1].at(-1)?.t ?? 0) || a[0] - b[0])
      .slice(0, MAX_CHARTS).map((e) => e[0]).sort((a, b) => a - b);
  }

  function render() {
    requestAnimationFrame(render);
    if (!state.dirty) return;
    state.dirty = false;
    renderCharts();
    renderStages();
  }

  function renderCharts() {
    const host = $('charts');
    const symbols = shownSymbols();
    const wanted = symbols.map(String).join(',');
    if (host.dataset.symbols !== wanted) {
      host.dataset.symbols = wanted;
      host.replaceChildren(...symbols.map((s) => {
        const box = document.createElement('div');
        box.className = 'chart';
        box.dataset.symbol = s;
        box.innerHTML = `<div class="chart-title"><b>symbol ${s}</b><span></span></div><canvas></canvas>`;
        return box;
      }));
    }
    for (const box of host.children) {
      const series = state.bars.get(Number(box.dataset.symbol)) || [];
      const last = series.at(-1);
      box.querySelector('span').textContent = last
        ? `O ${fmtPrice(last.open)} H ${fmtPrice(last.high)} L ${fmtPrice(last.low)} C ${fmtPrice(last.close)} · VWAP ${fmtPrice(last.vwap)} · vol ${fmtCount(last.volume)}`
        : 'waiting for bars';
      box.dataset.bars = series.length;
      drawBars(box.querySelector('canvas'), series);
    }
  }

  function drawBars(canvas, series) {
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    const css = getComputedStyle(document.documentElement);
    const axis = 58, top = 6, bottom = 18;
    const plotW = w - axis, plotH = h - top - bottom;
    g.strokeStyle = css.getPropertyValue('--line');
    g.lineWidth = 1;
    if (series.length === 0) return;

    let lo = Infinity, hi = -Infinity;
    for (const b of series) { lo = Math.min(lo, b.low, b.vwap ?? b.low); hi = Math.max(hi, b.high, b.vwap ?? b.high); }
    if (hi === lo) { hi += 0.5; lo -= 0.5; }
    const pad = (hi - lo) * 0.08; lo -= pad; hi += pad;
    const y = (p) => top + (hi - p) / (hi - lo) * plotH;
    // At least 20 slots so a young chart is not one fat candle; new bars enter on the right.
    const slots = Math.min(MAX_BARS, Math.max(20, series.length));
    const step = plotW / slots;
    const x = (i) => (slots - series.length + i + 0.5) * step;

    // Grid and price axis.
    g.fillStyle = css.getPropertyValue('--muted');
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    for (let k = 0; k <= 4; k++) {
      const p = lo + (hi - lo) * k / 4, yy = Math.round(y(p)) + 0.5;
      g.beginPath(); g.moveTo(0, yy); g.lineTo(plotW, yy); g.stroke();
      g.fillText(fmtPrice(p), plotW + 6, yy);
    }

    // Candles.
    const body = Math.max(1, step * 0.6);
    series.forEach((b, i) => {
      const up = b.close >= b.open;
      g.strokeStyle = g.fillStyle = css.getPropertyValue(up ? '--up' : '--down');
      const cx = Math.round(x(i)) + 0.5;
      g.beginPath(); g.moveTo(cx, y(b.high)); g.lineTo(cx, y(b.low)); g.stroke();
      const y0 = y(Math.max(b.open, b.close)), y1 = y(Math.min(b.open, b.close));
      g.fillRect(cx - body / 2, y0, body, Math.max(1, y1 - y0));
    });

    // VWAP line.
    g.strokeStyle = css.getPropertyValue('--vwap');
    g.lineWidth = 1.5;
    g.beginPath();
    series.forEach((b, i) => (i === 0 ? g.moveTo(x(i), y(b.vwap)) : g.lineTo(x(i), y(b.vwap))));
    g.stroke();

    // Time of the first and last bar.
    g.fillStyle = css.getPropertyValue('--muted');
    g.textBaseline = 'alphabetic';
    const lastLabel = fmtTime(series.at(-1).t);
    const lastX = plotW - g.measureText(lastLabel).width;
    g.fillText(lastLabel, lastX, h - 4);
    const firstLabel = fmtTime(series[0].t), firstX = Math.max(0, x(0) - step / 2);
    if (firstX + g.measureText(firstLabel).width + 12 < lastX) g.fillText(firstLabel, firstX, h - 4);
  }

  function renderStages() {
    const names = state.topics.get('stages')?.keys || {};
    const rows = [...state.stages.entries()].sort((a, b) => a[0] - b[0]).map(([key, s]) =>
      `<tr><td>${escapeHtml(names[key] ?? String(key))}</td><td>${fmtCount(s.events_per_second)}</td><td>${fmtCount(s.processed)}</td>` +
      `<td>${fmtCount(s.lag)}</td><td>${fmtNs(s.p50_ns)}</td><td>${fmtNs(s.p99_ns)}</td><td>${fmtNs(s.p999_ns)}</td><td>${fmtNs(s.max_ns)}</td></tr>`);
    $('stages').tBodies[0].innerHTML = rows.join('');
  }

  function fmtCount(v) {
    if (v === null || v === undefined) return '–';
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(2) + ' G';
    if (a >= 1e6) return (v / 1e6).toFixed(2) + ' M';
    if (a >= 1e4) return (v / 1e3).toFixed(1) + ' k';
    return String(Math.round(v));
  }

  function fmtNs(v) {
    if (v === null || v === undefined) return '–';
    if (v >= 1e9) return (v / 1e9).toFixed(2) + ' s';
    if (v >= 1e6) return (v / 1e6).toFixed(2) + ' ms';
    if (v >= 1e3) return (v / 1e3).toFixed(1) + ' µs';
    return Math.round(v) + ' ns';
  }

  const fmtPrice = (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(Math.abs(v) >= 1000 ? 1 : 2));
  const fmtTime = (ns) => new Date(ns / 1e6).toISOString().slice(11, 19);
  const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  $('symbols-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const keys = $('symbols').value.split(/[\s,]+/).filter(Boolean).map(Number).filter(Number.isInteger);
    const wasChosen = state.chosen !== null;
    state.chosen = keys.length ? keys : null;
    state.bars.clear();
    state.dirty = true;
    const bars = barTopic();
    if (state.chosen === null) {
      // Back to the default feed: only a new connection has it.
      if (wasChosen && state.socket) { state.attempt = 0; state.socket.close(1000, 'back to the default feed'); }
    } else {
      if (wasChosen && bars && state.socket?.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify({ op: 'unsubscribe', topic: bars.name }));
      subscribe();
    }
  });

  if (params.get('symbols')) {
    state.chosen = params.get('symbols').split(',').map(Number).filter(Number.isInteger);
    $('symbols').value = state.chosen.join(',');
  }
  $('footer').textContent = `WebSocket ${socketUrl().replace(/token=[^&]+/, 'token=…')} · JSON frames`;
  requestAnimationFrame(render);
  connect();
})();
