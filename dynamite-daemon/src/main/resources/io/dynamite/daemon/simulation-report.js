"use strict";
(function () {
const D = JSON.parse(document.getElementById("sim-data").textContent);
const NS = "http://www.w3.org/2000/svg";
const DUR = D.duration;
const M = {l: 60, r: 14, t: 8, b: 24};
let win = {a: 0, b: DUR};

// ---------------------------------------------------------------- series
function pairs(flat) {
  const n = flat.length / 2, t = new Float64Array(n), v = new Float64Array(n);
  for (let i = 0; i < n; i++) { t[i] = flat[2 * i]; v[i] = flat[2 * i + 1]; }
  return {t: t, v: v, step: true};
}
function line(o) { return {t: Float64Array.from(o.t), v: Float64Array.from(o.v.map(x => x === null ? NaN : x)), step: false}; }
function scaled(s, f) { return {t: s.t, v: s.v.map(x => x * f), step: s.step}; }
/** first index i with t[i] >= x */
function lower(t, x) { let lo = 0, hi = t.length; while (lo < hi) { const m = (lo + hi) >> 1; if (t[m] < x) lo = m + 1; else hi = m; } return lo; }
function valueAt(s, x) {
  const t = s.t, n = t.length;
  if (n === 0) return NaN;
  if (x <= t[0]) return s.v[0];
  if (x >= t[n - 1]) return s.v[n - 1];
  const i = lower(t, x);
  if (t[i] === x) return s.v[i];
  if (s.step) return s.v[i - 1];
  const f = (x - t[i - 1]) / (t[i] - t[i - 1]);
  return s.v[i - 1] + f * (s.v[i] - s.v[i - 1]);
}
/** The points of s within [a, b], with the values at a and b as end points. */
function slice(s, a, b) {
  const i0 = lower(s.t, a), i1 = lower(s.t, b);
  const t = [a], v = [valueAt(s, a)];
  for (let i = i0; i < i1; i++) { if (s.t[i] > a) { t.push(s.t[i]); v.push(s.v[i]); } }
  t.push(b); v.push(valueAt(s, b));
  return {t: t, v: v, step: s.step};
}

const demand = line(D.demand);
const needed = pairs(D.needed);
const runs = D.runs.map(function (r) {
  const serving = pairs(r.serving);
  // utilization = demand / (serving x capacity) on the union of demand rows and serving changes
  const ut = [], uv = [];
  let j = 0;
  const dt = demand.t;
  for (let i = 0; i < serving.t.length; i++) {
    const from = serving.t[i], to = i + 1 < serving.t.length ? serving.t[i + 1] : DUR;
    const c = serving.v[i] * D.capacity;
    const u = x => { const d = valueAt(demand, x); return c > 0 ? Math.min(2, d / c) * 100 : (d > 0 ? 200 : 0); };
    ut.push(from); uv.push(u(from));
    while (j < dt.length && dt[j] <= from) j++;
    while (j < dt.length && dt[j] < to) { ut.push(dt[j]); uv.push(u(dt[j])); j++; }
    ut.push(to); uv.push(u(to));
  }
  return {
    label: r.label, color: r.color, kind: r.kind,
    provisioned: pairs(r.provisioned), serving: serving,
    capacity: scaled(serving, D.capacity * D.slo),
    utilization: {t: Float64Array.from(ut), v: Float64Array.from(uv), step: false},
    latency: r.latency ? line(r.latency) : null,
    violations: r.violations, violationSeconds: r.violation, decisions: r.decisions, omitted: r.decisionsOmitted
  };
});

// ---------------------------------------------------------------- drawing helpers
function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
function clear(svg) { while (svg.firstChild) svg.removeChild(svg.firstChild); }
function size(svg) { const r = svg.getBoundingClientRect(); return {w: Math.max(320, Math.round(r.width)), h: Math.round(r.height) || 230}; }
function pad2(x) { return (x < 10 ? "0" : "") + x; }
function clock(t, span) {
  const s = Math.round(t), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  let text = (DUR > 86400 ? "d" + d + " " + pad2(h) : String(h + d * 24)) + ":" + pad2(m);
  if (span !== undefined && span < 600) text += ":" + pad2(sec);
  return text;
}
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600];
function timeStep(span, px) {
  const want = Math.max(2, Math.floor(px / 90));
  for (const s of STEPS) if (span / s <= want) return s;
  return 604800 * Math.ceil(span / 604800 / want);
}
function niceStep(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
function axisText(v) { return v >= 1000 ? Math.round(v).toLocaleString("en-US") : String(+v.toPrecision(3)); }
/** The frame of a chart: scales, grid, axes. */
function frame(svg, yMax, unit) {
  clear(svg);
  const sz = size(svg);
  svg.setAttribute("viewBox", "0 0 " + sz.w + " " + sz.h);
  const pw = sz.w - M.l - M.r, ph = sz.h - M.t - M.b;
  const step = niceStep((yMax > 0 ? yMax * 1.05 : 1) / 4), ticks = Math.max(1, Math.ceil((yMax > 0 ? yMax * 1.05 : 1) / step));
  const top = step * ticks;
  const f = {svg: svg, w: sz.w, h: sz.h, pw: pw, ph: ph, top: top,
    x: t => M.l + pw * (t - win.a) / (win.b - win.a),
    y: v => M.t + ph - ph * Math.max(0, Math.min(1, v / top)),
    t: x => win.a + (x - M.l) / pw * (win.b - win.a)};
  const g = el("g", {"class": "axes"}, svg);
  for (let i = 0; i <= ticks; i++) {
    const y = f.y(step * i);
    el("line", {"class": "grid", x1: M.l, x2: M.l + pw, y1: y, y2: y}, g);
    el("text", {"class": "ax", x: M.l - 6, y: y + 4, "text-anchor": "end"}, g).textContent = axisText(step * i);
  }
  el("text", {"class": "ax", x: 12, y: M.t + ph / 2, transform: "rotate(-90 12 " + (M.t + ph / 2) + ")", "text-anchor": "middle"}, g).textContent = unit;
  xAxis(f, g, M.t + ph);
  const clip = "clip-" + svg.id;
  const defs = el("defs", {}, svg);
  el("rect", {x: M.l, y: M.t - 6, width: pw, height: ph + 6}, el("clipPath", {id: clip}, defs));
  f.plot = el("g", {"clip-path": "url(#" + clip + ")"}, svg);
  el("rect", {"class": "frame", x: M.l, y: M.t, width: pw, height: ph}, svg);
  return f;
}
function xAxis(f, g, y0) {
  const span = win.b - win.a, step = timeStep(span, f.pw);
  for (let t = Math.ceil(win.a / step) * step; t <= win.b + 1e-9; t += step) {
    const x = f.x(t);
    el("line", {"class": "tick", x1: x, x2: x, y1: y0, y2: y0 + 4}, g);
    el("text", {"class": "ax x", x: x, y: y0 + 17, "text-anchor": "middle"}, g).textContent = clock(t, span);
  }
}
/** The path of a series over the window: every point, or a min/max envelope per pixel when denser. */
function pathOf(f, s) {
  const p = slice(s, win.a, win.b), n = p.t.length, cols = f.pw;
  const out = [];
  const put = (x, y) => out.push((out.length ? "L" : "M") + x.toFixed(1) + "," + y.toFixed(1));
  if (n <= 2 * cols) {
    let prevY = null;
    for (let i = 0; i < n; i++) {
      if (isNaN(p.v[i])) continue;
      const x = f.x(p.t[i]), y = f.y(p.v[i]);
      if (s.step && prevY !== null) put(x, prevY);
      put(x, y);
      prevY = y;
    }
    return out.join("");
  }
  let col = -1, lo = 0, hi = 0, last = 0;
  const flush = () => { if (col >= 0) { const x = M.l + col + 0.5; put(x, f.y(lo)); put(x, f.y(hi)); put(x, f.y(last)); } };
  for (let i = 0; i < n; i++) {
    const v = p.v[i];
    if (isNaN(v)) continue;
    const c = Math.min(cols - 1, Math.max(0, Math.floor(f.x(p.t[i]) - M.l)));
    if (c !== col) { flush(); col = c; lo = hi = v; }
    lo = Math.min(lo, v); hi = Math.max(hi, v); last = v;
  }
  flush();
  return out.join("");
}
function maxIn(s) { const p = slice(s, win.a, win.b); let m = 0; for (const v of p.v) if (v > m && isFinite(v)) m = v; return m; }
function series(f, s, cls, attrs) {
  const a = Object.assign({"class": "series " + cls, fill: "none", d: pathOf(f, s) || "M0,0"}, attrs);
  return el("path", a, f.plot);
}
function legend(id, items) {
  const box = document.getElementById(id);
  box.innerHTML = "";
  for (const it of items) {
    const s = document.createElement("span");
    const i = document.createElement("i");
    i.style.background = it.color;
    if (it.dashed) i.style.opacity = ".6";
    s.appendChild(i);
    s.appendChild(document.createTextNode(it.text));
    box.appendChild(s);
  }
}

// ---------------------------------------------------------------- charts
function drawDemand() {
  const svg = document.getElementById("chart-demand");
  let top = maxIn(demand);
  runs.forEach(r => top = Math.max(top, maxIn(r.capacity)));
  const f = frame(svg, top, "demand");
  const d = pathOf(f, demand);
  el("path", {"class": "series demand-area", d: d + "L" + f.x(win.b) + "," + f.y(0) + "L" + f.x(win.a) + "," + f.y(0) + "Z",
    fill: "#94a3b8", "fill-opacity": "0.35", stroke: "none"}, f.plot);
  series(f, demand, "demand", {stroke: "#64748b", "stroke-width": 1, "data-series": "demand"});
  runs.forEach((r, i) => series(f, r.capacity, "capacity", {stroke: r.color, "stroke-width": 1.6, "data-run": i, "data-series": "capacity"}));
  legend("legend-demand", [{color: "#94a3b8", text: "demand"}].concat(runs.map(r => ({color: r.color,
    text: r.label + ": serving capacity at " + Math.round(D.slo * 100) + " %"}))));
  return f;
}
const MAX_MARKERS = 3000;
function drawInstances() {
  const svg = document.getElementById("chart-instances");
  let top = maxIn(needed);
  runs.forEach(r => { top = Math.max(top, maxIn(r.provisioned)); r.decisions.forEach(d => { if (d[0] >= win.a && d[0] <= win.b && d[4] !== null) top = Math.max(top, d[4]); }); });
  const f = frame(svg, top, "instances");
  series(f, needed, "needed", {stroke: "#334155", "stroke-width": 1.2, "stroke-dasharray": "5 3", "data-series": "needed"});
  runs.forEach((r, i) => series(f, r.provisioned, "provisioned", {stroke: r.color, "stroke-width": 1.6, "data-run": i, "data-series": "provisioned"}));
  let shown = 0, hidden = 0;
  runs.forEach((r, i) => {
    const g = el("g", {"class": "markers", "data-run": i}, f.plot);
    for (const d of r.decisions) {
      if (d[0] < win.a || d[0] > win.b) continue;
      if (shown >= MAX_MARKERS) { hidden++; continue; }
      shown++;
      const x = f.x(d[0]), y = f.y(d[4] !== null ? d[4] : d[3]);
      let m;
      if (d[2] === "R") {
        m = el("circle", {cx: x.toFixed(1), cy: y.toFixed(1), r: 3.5, fill: "#fff", stroke: r.color, "stroke-width": 1.3}, g);
      } else {
        const s = 5, up = d[1] >= 0;
        const pts = up ? [x, y - s, x - s, y + s * 0.8, x + s, y + s * 0.8] : [x, y + s, x - s, y - s * 0.8, x + s, y - s * 0.8];
        m = el("path", {d: "M" + pts[0].toFixed(1) + "," + pts[1].toFixed(1) + "L" + pts[2].toFixed(1) + "," + pts[3].toFixed(1)
          + "L" + pts[4].toFixed(1) + "," + pts[5].toFixed(1) + "Z", fill: r.color, stroke: "#fff", "stroke-width": 0.6}, g);
      }
      m.setAttribute("class", "marker " + (d[2] === "R" ? "refused" : d[1] >= 0 ? "up" : "down"));
      el("title", {}, m).textContent = describe(r, d);
    }
  });
  svg.dataset.markers = String(shown);
  svg.dataset.hiddenMarkers = String(hidden);
  legend("legend-instances", [{color: "#334155", dashed: true, text: "needed at the objective"}].concat(runs.map(r => ({color: r.color,
    text: r.label + ": provisioned; \u25B2\u25BC scaled, \u25CB refused"}))).concat(hidden ? [{color: "#fff",
    text: hidden + " markers not drawn: zoom in"}] : []));
  return f;
}
function describe(r, d) {
  const to = d[4] === null ? "" : " \u2192 " + d[4];
  const rep = d[7] > 0 ? " (and " + d[7] + " more refusals in a row)" : "";
  return clock(d[0], 1) + "  " + r.label + "  " + d[5] + "\n" + (d[2] === "S" ? "SCALED" : "REFUSED") + " " + d[3] + to + rep + "\n" + d[6];
}
function drawUtilization() {
  const svg = document.getElementById("chart-utilization");
  let top = D.slo * 100;
  runs.forEach(r => top = Math.max(top, maxIn(r.utilization)));
  const f = frame(svg, top, "%");
  runs.forEach((r, i) => series(f, r.utilization, "utilization", {stroke: r.color, "stroke-width": 1.1, "data-run": i, "data-series": "utilization"}));
  const y = f.y(D.slo * 100);
  el("line", {"class": "objective", x1: M.l, x2: M.l + f.pw, y1: y, y2: y, stroke: "#dc2626", "stroke-width": 1.2, "stroke-dasharray": "6 4"}, f.plot);
  legend("legend-utilization", runs.map(r => ({color: r.color, text: r.label + ": offered utilization"}))
    .concat([{color: "#dc2626", text: "objective " + Math.round(D.slo * 100) + " %"}]));
  return f;
}
function drawLatency() {
  if (D.latencyTarget === null) return null;
  document.getElementById("latency-block").hidden = false;
  const svg = document.getElementById("chart-latency");
  let top = D.latencyTarget;
  runs.forEach(r => top = Math.max(top, Math.min(maxIn(r.latency), D.latencyTarget * 4)));
  const f = frame(svg, top, "ms");
  runs.forEach((r, i) => series(f, r.latency, "latency", {stroke: r.color, "stroke-width": 1.1, "data-run": i, "data-series": "latency"}));
  const y = f.y(D.latencyTarget);
  el("line", {x1: M.l, x2: M.l + f.pw, y1: y, y2: y, stroke: "#dc2626", "stroke-width": 1.2, "stroke-dasharray": "6 4"}, f.plot);
  legend("legend-latency", runs.map(r => ({color: r.color, text: r.label + ": latency (M/M/c)"}))
    .concat([{color: "#dc2626", text: "target " + D.latencyTarget + " ms"}]));
  return f;
}
function drawViolations() {
  const svg = document.getElementById("chart-violations");
  clear(svg);
  const rowH = 34, h = M.t + runs.length * rowH + M.b;
  svg.style.height = h + "px";
  const w = size(svg).w, pw = w - M.l - M.r;
  svg.setAttribute("viewBox", "0 0 " + w + " " + h);
  const x = t => M.l + pw * (Math.max(win.a, Math.min(win.b, t)) - win.a) / (win.b - win.a);
  runs.forEach((r, i) => {
    const y = M.t + i * rowH;
    el("text", {"class": "ax", x: M.l, y: y + 11}, svg).textContent = r.label + ": " + Math.round(r.violationSeconds).toLocaleString("en-US") + " s";
    el("rect", {x: M.l, y: y + 15, width: pw, height: rowH - 19, fill: "#f1f5f9"}, svg);
    const g = el("g", {"class": "violations", "data-run": i}, svg);
    for (const v of r.violations) {
      if (v[1] < win.a || v[0] > win.b) continue;
      const x0 = x(v[0]), x1 = x(v[1]);
      const rect = el("rect", {x: x0.toFixed(1), y: y + 15, width: Math.max(0.8, x1 - x0).toFixed(1), height: rowH - 19, fill: r.color}, g);
      el("title", {}, rect).textContent = r.label + ": missed from " + clock(v[0], 1) + " to " + clock(v[1], 1);
    }
  });
  const g = el("g", {}, svg);
  const f = {pw: pw, x: t => M.l + pw * (t - win.a) / (win.b - win.a)};
  xAxis(f, g, M.t + runs.length * rowH);
}
function drawOverview() {
  const svg = document.getElementById("chart-overview");
  clear(svg);
  const sz = size(svg), pw = sz.w - M.l - M.r, ph = sz.h - 6;
  svg.setAttribute("viewBox", "0 0 " + sz.w + " " + sz.h);
  let top = 0;
  for (const v of demand.v) top = Math.max(top, v);
  top = top || 1;
  const cols = pw, env = new Float64Array(cols);
  for (let i = 0; i < demand.t.length; i++) { const c = Math.min(cols - 1, Math.floor(demand.t[i] / DUR * cols)); env[c] = Math.max(env[c], demand.v[i]); }
  let d = "M" + M.l + "," + (3 + ph);
  for (let c = 0; c < cols; c++) d += "L" + (M.l + c + 0.5) + "," + (3 + ph - ph * env[c] / top).toFixed(1);
  d += "L" + (M.l + pw) + "," + (3 + ph) + "Z";
  el("path", {d: d, fill: "#94a3b8", "fill-opacity": "0.5", stroke: "#64748b", "stroke-width": 0.5}, svg);
  el("rect", {"class": "window", x: (M.l + pw * win.a / DUR).toFixed(1), y: 1, width: Math.max(2, pw * (win.b - win.a) / DUR).toFixed(1),
    height: sz.h - 2, fill: "#2563eb", "fill-opacity": 0.15, stroke: "#2563eb"}, svg);
  svg.onclick = e => {
    if (svg.dataset.dragged === "1") { svg.dataset.dragged = ""; return; }
    const r = svg.getBoundingClientRect(), t = (e.clientX - r.left - M.l) / pw * DUR, half = (win.b - win.a) / 2;
    setWindow(t - half, t + half);
  };
  dragSelect(svg, x => (x - M.l) / pw * DUR);
}
function drawTable() {
  const body = document.querySelector("#decisions tbody");
  body.innerHTML = "";
  const rows = [];
  runs.forEach(r => r.decisions.forEach(d => { if (d[0] >= win.a && d[0] <= win.b) rows.push([r, d]); }));
  rows.sort((x, y) => x[1][0] - y[1][0]);
  const LIMIT = 200;
  for (const [r, d] of rows.slice(0, LIMIT)) {
    const tr = document.createElement("tr");
    const cells = [clock(d[0], 1), r.label, d[5], d[2] === "S" ? "scaled" : "refused" + (d[7] ? " (+" + d[7] + ")" : ""),
      d[3] + (d[4] === null ? "" : " \u2192 " + d[4]), d[6]];
    cells.forEach((c, i) => { const td = document.createElement("td"); td.textContent = c; if (i === 1) td.style.color = r.color; tr.appendChild(td); });
    body.appendChild(tr);
  }
  const omitted = runs.reduce((s, r) => s + r.omitted, 0);
  document.getElementById("decisions-note").textContent = rows.length + " decision(s) that were not holds in this window"
    + (rows.length > LIMIT ? "; the first " + LIMIT + " are listed, zoom in for the others" : "")
    + ". A streak of refusals of one policy is shown once, with how many followed."
    + (omitted ? " " + omitted + " later decision(s) are not in this page." : "");
}
function drawDays() {
  const box = document.getElementById("days");
  if (DUR <= 2 * 86400 || box.childElementCount) return;
  const days = Math.ceil(DUR / 86400);
  for (let d = 0; d < days; d++) {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = "d" + d; b.title = "Show day " + d;
    b.onclick = () => setWindow(d * 86400, Math.min(DUR, (d + 1) * 86400));
    box.appendChild(b);
  }
}

// ---------------------------------------------------------------- window and interaction
let charts = {};
function draw() {
  charts = {demand: drawDemand(), instances: drawInstances(), utilization: drawUtilization(), latency: drawLatency()};
  drawViolations();
  drawOverview();
  drawTable();
  drawDays();
  document.getElementById("range").textContent = clock(win.a, win.b - win.a) + " \u2013 " + clock(win.b, win.b - win.a)
    + (win.a === 0 && win.b === DUR ? " (whole trace)" : "");
  document.body.dataset.window = Math.round(win.a) + "-" + Math.round(win.b);
}
function setWindow(a, b, keepHash) {
  const minSpan = Math.min(DUR, Math.max(10, D.step * 10));
  let span = Math.max(minSpan, Math.min(DUR, b - a));
  a = Math.max(0, Math.min(DUR - span, a));
  win = {a: a, b: a + span};
  if (!keepHash && history.replaceState) {
    try { history.replaceState(null, "", (win.a === 0 && win.b === DUR) ? location.pathname : "#t=" + Math.round(win.a) + "-" + Math.round(win.b)); } catch (e) { /* file: pages may refuse */ }
  }
  draw();
}
function zoom(factor, center) {
  const c = center === undefined ? (win.a + win.b) / 2 : center;
  setWindow(c - (c - win.a) * factor, c + (win.b - c) * factor);
}
function dragSelect(svg, toTime) {
  let start = null, rect = null;
  svg.onmousedown = e => {
    if (e.button !== 0) return;
    const r = svg.getBoundingClientRect();
    start = e.clientX - r.left;
    rect = el("rect", {"class": "sel", x: start, y: 0, width: 0, height: r.height}, svg);
    e.preventDefault();
  };
  svg.onmousemove = e => {
    if (start === null) return;
    const x = e.clientX - svg.getBoundingClientRect().left;
    rect.setAttribute("x", Math.min(start, x));
    rect.setAttribute("width", Math.abs(x - start));
  };
  const end = e => {
    if (start === null) return;
    const x = e.clientX - svg.getBoundingClientRect().left;
    const a = toTime(Math.min(start, x)), b = toTime(Math.max(start, x));
    const moved = Math.abs(x - start) > 4;
    start = null;
    if (rect) rect.remove();
    if (moved) { svg.dataset.dragged = "1"; setWindow(a, b); }
  };
  svg.onmouseup = end;
  svg.onmouseleave = e => { if (start !== null) end(e); };
}
const tip = document.getElementById("tip");
function hover(svg, name) {
  svg.addEventListener("mousemove", e => {
    const f = charts[name];
    if (!f) return;
    const marker = e.target.closest ? e.target.closest(".marker") : null;
    let text;
    if (marker) {
      text = marker.querySelector("title").textContent;
    } else {
      const r = svg.getBoundingClientRect(), t = f.t(e.clientX - r.left);
      if (t < win.a || t > win.b) { tip.hidden = true; return; }
      const lines = [clock(t, 1) + "   demand " + axisText(valueAt(demand, t)) + ", needed " + valueAt(needed, t)];
      runs.forEach(run => {
        const s = valueAt(run.serving, t), d = valueAt(demand, t);
        lines.push(run.label + ": " + valueAt(run.provisioned, t) + " provisioned, " + s + " serving, "
          + (s > 0 ? Math.round(100 * d / (s * D.capacity)) + " %" : "no capacity"));
      });
      text = lines.join("\n");
    }
    tip.textContent = text;
    tip.hidden = false;
    const x = Math.min(window.innerWidth - 470, e.clientX + 14);
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = (e.clientY + 16) + "px";
  });
  svg.addEventListener("mouseleave", () => { tip.hidden = true; });
  svg.addEventListener("wheel", e => {
    const f = charts[name];
    if (!f) return;
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, Math.max(win.a, Math.min(win.b, f.t(e.clientX - r.left))));
  }, {passive: false});
  svg.addEventListener("dblclick", () => setWindow(0, DUR));
  dragSelect(svg, x => charts[name].t(x));
}
for (const name of ["demand", "instances", "utilization", "latency"]) hover(document.getElementById("chart-" + name), name);
document.getElementById("zoom-in").onclick = () => zoom(0.5);
document.getElementById("zoom-out").onclick = () => zoom(2);
document.getElementById("reset").onclick = () => setWindow(0, DUR);
document.getElementById("pan-left").onclick = () => { const s = win.b - win.a; setWindow(win.a - s / 2, win.b - s / 2); };
document.getElementById("pan-right").onclick = () => { const s = win.b - win.a; setWindow(win.a + s / 2, win.b + s / 2); };
let resizing = null;
window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(draw, 150); });

// the window from the address (#t=FROM-TO, seconds), so a view can be shared
const m = /^#t=([0-9.]+)-([0-9.]+)$/.exec(location.hash);
if (m) setWindow(parseFloat(m[1]), parseFloat(m[2]), true); else draw();
document.body.dataset.rendered = "1";
})();
