// cogload report charts: a small SVG renderer with no dependencies, so the
// page opens offline. It reads the chart data embedded next to the
// summary (#cogload-charts) and fills every figure[data-chart]. Each SVG
// carries data-points="N" (points drawn) so tests can see it drew data.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 640, H = 300, M = { l: 56, r: 16, t: 16, b: 40 };
  var COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];
  var CLASS_COLORS = { ok: "#16a34a", throttle: "#d97706", auth: "#7c3aed", validation: "#0891b2",
    server: "#dc2626", delivery: "#db2777", trigger: "#be185d", limit: "#b45309",
    transport: "#4b5563", http: "#4b5563", unknown: "#9ca3af" };

  window.addEventListener("error", function (e) {
    document.body.setAttribute("data-js-error", String(e.message || e));
  });

  function el(name, attrs, parent) {
    var n = document.createElementNS(NS, name);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) n.setAttribute(k, attrs[k]); }
    if (parent) parent.appendChild(n);
    return n;
  }
  function text(parent, x, y, s, attrs) {
    var a = attrs || {};
    a.x = x; a.y = y;
    var t = el("text", a, parent);
    t.textContent = s;
    return t;
  }
  function svgFor(fig) {
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "class": "plot" });
    fig.insertBefore(svg, fig.querySelector("figcaption"));
    return svg;
  }
  // niceStep picks 1, 2 or 5 × 10^k so about n ticks cover span.
  function niceStep(span, n) {
    if (!(span > 0)) return 1;
    var raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }
  function fmtNum(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(1) + "M";
    if (a >= 1e4) return (v / 1e3).toFixed(0) + "k";
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1).replace(/\.0$/, "");
    return v.toFixed(2).replace(/\.?0+$/, "");
  }
  function fmtSecs(s) {
    if (s < 120) return fmtNum(s) + "s";
    if (s < 7200) return fmtNum(s / 60) + "m";
    return fmtNum(s / 3600) + "h";
  }
  function noData(svg, msg) {
    svg.setAttribute("data-points", "0");
    text(svg, W / 2, H / 2, msg || "no data", { "text-anchor": "middle", "class": "empty" });
  }

  // lineChart draws series [{name, color, dash, xs, ys}] on linear axes
  // (or the percentile axis when opt.pctl).
  function lineChart(fig, series, opt) {
    var svg = svgFor(fig), pts = 0, xmin = Infinity, xmax = -Infinity, ymax = 0;
    series.forEach(function (s) {
      for (var i = 0; i < s.xs.length; i++) {
        if (!isFinite(s.xs[i]) || !isFinite(s.ys[i])) continue;
        xmin = Math.min(xmin, s.xs[i]); xmax = Math.max(xmax, s.xs[i]); ymax = Math.max(ymax, s.ys[i]);
      }
    });
    if (xmin === Infinity) { noData(svg); return; }
    if (opt.pctl) { xmin = 0; xmax = Math.max(Math.ceil(xmax), 2); }
    if (xmax === xmin) xmax = xmin + 1;
    var ystep = niceStep(ymax || 1, 5), ytop = Math.ceil((ymax || 1) / ystep) * ystep;
    var items = series.map(function (s) { return { name: s.name, color: s.color, dash: s.dash }; });
    var lay = legendLayout(items), top = Math.max(M.t, lay.height + 6);
    var pw = W - M.l - M.r, ph = H - top - M.b;
    function sx(x) { return M.l + (x - xmin) / (xmax - xmin) * pw; }
    function sy(y) { return top + ph - y / ytop * ph; }
    var axes = el("g", { "class": "axes" }, svg);
    for (var y = 0; y <= ytop + ystep / 2; y += ystep) {
      el("line", { x1: M.l, x2: W - M.r, y1: sy(y), y2: sy(y), "class": "grid" }, axes);
      text(axes, M.l - 6, sy(y) + 4, fmtNum(y), { "text-anchor": "end" });
    }
    if (opt.pctl) {
      var labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"];
      for (var k = 0; k <= xmax && k < labels.length; k++) {
        el("line", { x1: sx(k), x2: sx(k), y1: top, y2: top + ph, "class": "grid" }, axes);
        text(axes, sx(k), H - M.b + 16, labels[k], { "text-anchor": "middle" });
      }
    } else {
      var xstep = niceStep(xmax - xmin, 8);
      for (var x = Math.ceil(xmin / xstep) * xstep; x <= xmax + 1e-9; x += xstep) {
        el("line", { x1: sx(x), x2: sx(x), y1: top, y2: top + ph, "class": "grid" }, axes);
        text(axes, sx(x), H - M.b + 16, fmtSecs(x), { "text-anchor": "middle" });
      }
    }
    text(axes, M.l + pw / 2, H - 6, opt.xLabel, { "text-anchor": "middle", "class": "label" });
    text(axes, 14, top + ph / 2, opt.yLabel, { "text-anchor": "middle", "class": "label",
      transform: "rotate(-90 14 " + (top + ph / 2) + ")" });
    el("rect", { x: M.l, y: top, width: pw, height: ph, "class": "frame" }, axes);
    series.forEach(function (s) {
      var d = "", n = 0;
      for (var i = 0; i < s.xs.length; i++) {
        if (!isFinite(s.xs[i]) || !isFinite(s.ys[i])) continue;
        d += (n ? "L" : "M") + sx(s.xs[i]).toFixed(1) + " " + sy(s.ys[i]).toFixed(1);
        n++;
      }
      if (!n) return;
      if (n === 1) d += "h1";
      var p = el("path", { d: d, fill: "none", stroke: s.color, "stroke-width": s.width || 1.6,
        "class": "series", "data-series": s.name }, svg);
      if (s.dash) p.setAttribute("stroke-dasharray", "5 3");
      el("title", {}, p).textContent = s.name;
      pts += n;
    });
    legend(svg, items, lay);
    svg.setAttribute("data-points", String(pts));
  }

  // legendLayout places legend entries left to right above the plot,
  // wrapping at the right edge; it returns the positions and the height.
  function legendLayout(items) {
    var x = M.l, y = 12, pos = [];
    items.forEach(function (it) {
      var w = 32 + it.name.length * 6.9;
      if (x + w > W - M.r && x > M.l) { x = M.l; y += 14; }
      pos.push({ x: x, y: y });
      x += w;
    });
    return { pos: pos, height: items.length ? y + 8 : 0 };
  }

  function legend(svg, items, layout) {
    var g = el("g", { "class": "legend" }, svg);
    items.forEach(function (it, i) {
      var p = layout.pos[i];
      var l = el("line", { x1: p.x, x2: p.x + 18, y1: p.y - 4, y2: p.y - 4, stroke: it.color, "stroke-width": 2.5 }, g);
      if (it.dash) l.setAttribute("stroke-dasharray", "5 3");
      text(g, p.x + 22, p.y, it.name);
    });
  }

  // barChart draws horizontal bars grouped by outcome, one bar per run.
  function barChart(fig, runs) {
    var names = [], classes = {};
    runs.forEach(function (r) {
      r.outcomes.forEach(function (o) {
        if (names.indexOf(o.outcome) < 0) names.push(o.outcome);
        classes[o.outcome] = o.class;
      });
    });
    var svg = svgFor(fig);
    if (!names.length) { noData(svg); return; }
    var per = runs.length;
    var items = per > 1 ? runs.map(function (r, i) { return { name: r.label, color: COLORS[i % COLORS.length] }; }) : [];
    var lay = legendLayout(items), top = Math.max(8, lay.height + 6);
    var rowH = Math.max(6, Math.min(18, (H - top - 8) / (names.length * per + names.length)));
    var needed = top + names.length * (per * rowH + rowH * 0.6) + 8;
    svg.setAttribute("viewBox", "0 0 " + W + " " + Math.max(160, needed));
    var left = 210, right = 110, pw = W - left - right, y = top, pts = 0;
    names.forEach(function (name) {
      text(svg, left - 8, y + per * rowH / 2 + 4, name.length > 32 ? name.slice(0, 31) + "…" : name, { "text-anchor": "end" });
      runs.forEach(function (r, i) {
        var o = null;
        r.outcomes.forEach(function (x) { if (x.outcome === name) o = x; });
        var share = o ? o.share : 0;
        var color = per > 1 ? COLORS[i % COLORS.length] : (CLASS_COLORS[classes[name]] || "#6b7280");
        var bar = el("rect", { x: left, y: y + i * rowH, width: Math.max(share * pw, share > 0 ? 1 : 0),
          height: rowH - 2, fill: color, "class": "bar", "data-outcome": name }, svg);
        el("title", {}, bar).textContent = (per > 1 ? r.label + ": " : "") + name + " " + (o ? o.count : 0);
        text(svg, left + share * pw + 4, y + i * rowH + rowH - 4,
          (100 * share).toFixed(2) + "%" + (o && per === 1 ? " (" + fmtNum(o.count) + ")" : ""), { "class": "small" });
        pts++;
      });
      y += per * rowH + rowH * 0.6;
    });
    legend(svg, items, lay);
    svg.setAttribute("data-points", String(pts));
  }

  function pctlX(p) { return Math.log10(100 / Math.max(100 - p, 1e-9)); }

  // arr tolerates a missing column (older or hand-made data).
  function arr(a) { return Array.isArray(a) ? a : []; }

  function draw(data) {
    var cmp = data.kind === "compare";
    var runs = arr(data.runs).map(function (r) {
      return { label: String(r.label), t: arr(r.t), p50: arr(r.p50), p99: arr(r.p99), target: arr(r.target),
        rate: arr(r.rate), throttled: arr(r.throttled), errors: arr(r.errors),
        percentiles: arr(r.percentiles), outcomes: arr(r.outcomes) };
    });
    document.querySelectorAll("figure[data-chart]").forEach(function (fig) {
      // One broken chart must not take the others with it; the error is
      // still reported on <body> for tests.
      try { drawChart(fig, cmp, runs); } catch (e) {
        document.body.setAttribute("data-js-error", String(e && e.message || e));
      }
    });
  }

  function drawChart(fig, cmp, runs) {
    var kind = fig.getAttribute("data-chart"), s = [];
    if (kind === "latency") {
      runs.forEach(function (r, i) {
        var c = COLORS[i % COLORS.length];
        if (cmp) {
          s.push({ name: r.label + " p99", color: c, xs: r.t, ys: r.p99 });
          s.push({ name: r.label + " p50", color: c, dash: true, xs: r.t, ys: r.p50 });
        } else {
          s.push({ name: "p50", color: COLORS[0], xs: r.t, ys: r.p50 });
          s.push({ name: "p99", color: COLORS[1], xs: r.t, ys: r.p99 });
        }
      });
      lineChart(fig, s, { xLabel: "time since start", yLabel: "latency (ms)" });
    } else if (kind === "rate") {
      runs.forEach(function (r, i) {
        var c = COLORS[i % COLORS.length];
        if (cmp) {
          s.push({ name: r.label + " achieved", color: c, xs: r.t, ys: r.rate });
          s.push({ name: r.label + " throttled", color: c, dash: true, xs: r.t, ys: r.throttled });
        } else {
          // Target last, dashed, so it stays visible where achieved
          // matches it exactly.
          s.push({ name: "achieved", color: COLORS[0], xs: r.t, ys: r.rate });
          s.push({ name: "throttled/s", color: COLORS[3], xs: r.t, ys: r.throttled });
          s.push({ name: "errors/s", color: COLORS[1], xs: r.t, ys: r.errors });
          s.push({ name: "target", color: "#111827", dash: true, width: 1.2, xs: r.t, ys: r.target });
        }
      });
      lineChart(fig, s, { xLabel: "time since start", yLabel: "requests per second" });
    } else if (kind === "percentiles") {
      runs.forEach(function (r, i) {
        s.push({ name: cmp ? r.label : "latency", color: COLORS[i % COLORS.length],
          xs: r.percentiles.map(function (p) { return pctlX(p[0]); }),
          ys: r.percentiles.map(function (p) { return p[1]; }) });
      });
      lineChart(fig, s, { pctl: true, xLabel: "percentile", yLabel: "latency (ms)" });
    } else if (kind === "outcomes") {
      barChart(fig, runs);
    }
  }

  var src = document.getElementById("cogload-charts");
  draw(JSON.parse(src.textContent));
  document.body.setAttribute("data-rendered", "ok");
})();
