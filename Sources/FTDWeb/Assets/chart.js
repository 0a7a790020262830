// A line chart drawn in SVG: one <path> per series (its points live only in the `d`
// string), axes with round ticks, optional EMA smoothing with the raw line faint behind,
// a log scale, a cursor that pointer and keyboard move, and markers for sparse series.

import { s, clear } from "./dom.js";
import {
  downsampleForDrawing, ema, formatNumber, indexAtOrBefore, logTicks, nearestIndex, niceTicks,
} from "./logic.js";

const MARGIN = { left: 56, right: 14, top: 12, bottom: 30 };
let chartCount = 0;

export class LineChart {
  /**
   * @param {SVGSVGElement} svg
   * @param {object} options  label (for screen readers), smoothedOnly (draw only the
   *   smoothed line, as the compare chart does), format (y values), onCursor(step|null)
   */
  constructor(svg, options = {}) {
    this.svg = svg;
    this.options = options;
    this.series = [];
    this.smoothing = 0;
    this.logScale = false;
    this.hidden = new Set();
    this.cursor = null;
    this.id = `chart${(chartCount += 1)}`;
    this.layout = null;
    svg.setAttribute("tabindex", "0");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-roledescription", "chart");
    if (options.label) svg.setAttribute("aria-label", `${options.label}. Left and right arrow keys move the cursor.`);
    if (options.describedBy) svg.setAttribute("aria-describedby", options.describedBy);
    svg.addEventListener("pointermove", (event) => this.pointerMoved(event));
    svg.addEventListener("pointerdown", (event) => this.pointerMoved(event));
    svg.addEventListener("keydown", (event) => this.keyPressed(event));
    this.lastWidth = 0;
    if (typeof ResizeObserver === "function") {
      let pending = false;
      new ResizeObserver(() => {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          const width = Math.round(this.svg.getBoundingClientRect().width);
          if (width > 0 && width !== this.lastWidth) this.render();
        });
      }).observe(svg);
    }
  }

  /**
   * series: [{key, label, className, xs, ys, smooth (bool), attrs (extra attributes of
   * its path, e.g. data-series or data-job-id)}]
   */
  setSeries(series) {
    this.series = series;
    this.cache = new Map();
  }

  visibleSeries() {
    return this.series.filter((x) => !this.hidden.has(x.key) && x.xs.length > 0);
  }

  smoothedYs(series) {
    const key = `${series.key}:${this.smoothing}`;
    if (!this.cache.has(key)) this.cache.set(key, ema(series.ys, this.smoothing));
    return this.cache.get(key);
  }

  /** The steps the cursor moves between: those of the series with the most points. */
  stepGrid() {
    let grid = [];
    for (const x of this.visibleSeries()) if (x.xs.length > grid.length) grid = x.xs;
    return grid;
  }

  render() {
    const svg = this.svg;
    const box = svg.getBoundingClientRect();
    const width = Math.max(Math.round(box.width) || 640, 200);
    const height = Math.max(Math.round(box.height) || 260, 120);
    this.lastWidth = Math.round(box.width);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    clear(svg);
    const plot = {
      x0: MARGIN.left, x1: width - MARGIN.right, y0: MARGIN.top, y1: height - MARGIN.bottom,
    };
    const visible = this.visibleSeries();
    if (visible.length === 0) {
      this.layout = null;
      svg.appendChild(s("text", { class: "chart-empty", x: width / 2, y: height / 2, "text-anchor": "middle" },
        this.series.some((x) => x.xs.length > 0) ? "Every series is hidden" : "No data yet"));
      return;
    }

    let xMin = Infinity;
    let xMax = -Infinity;
    let yMin = Infinity;
    let yMax = -Infinity;
    const log = this.logScale;
    for (const x of visible) {
      xMin = Math.min(xMin, x.xs[0]);
      xMax = Math.max(xMax, x.xs[x.xs.length - 1]);
      const lists = this.options.smoothedOnly ? [this.smoothedYs(x)] : [x.ys];
      for (const ys of lists) {
        for (const v of ys) {
          if (v === null || !Number.isFinite(v) || (log && v <= 0)) continue;
          if (v < yMin) yMin = v;
          if (v > yMax) yMax = v;
        }
      }
    }
    if (!Number.isFinite(yMin)) {
      yMin = log ? 0.1 : 0;
      yMax = 1;
    }
    if (xMin === xMax) {
      xMin -= 1;
      xMax += 1;
    }
    let yTicks;
    let ty;
    if (log) {
      if (yMin === yMax) {
        yMin /= 2;
        yMax *= 2;
      }
      const lo = Math.log10(yMin);
      const hi = Math.log10(yMax);
      const pad = (hi - lo) * 0.05;
      const a = lo - pad;
      const b = hi + pad;
      ty = (v) => plot.y1 - ((Math.log10(v) - a) / (b - a)) * (plot.y1 - plot.y0);
      yTicks = logTicks(10 ** a, 10 ** b);
      if (yTicks.length < 2) yTicks = [yMin, yMax];
    } else {
      const pad = (yMax - yMin) * 0.05 || Math.abs(yMax) * 0.05 || 0.5;
      let a = yMin - pad;
      let b = yMax + pad;
      if (yMin >= 0 && a < 0) a = 0;
      yTicks = niceTicks(a, b, 5);
      a = Math.min(a, yTicks[0]);
      b = Math.max(b, yTicks[yTicks.length - 1]);
      ty = (v) => plot.y1 - ((v - a) / (b - a)) * (plot.y1 - plot.y0);
    }
    const tx = (x) => plot.x0 + ((x - xMin) / (xMax - xMin)) * (plot.x1 - plot.x0);
    this.layout = { plot, tx, ty, xMin, xMax, width, height };

    // Axes and grid.
    const grid = s("g", { class: "grid", "aria-hidden": "true" });
    for (const v of yTicks) {
      const y = round(ty(v));
      grid.append(
        s("line", { x1: plot.x0, x2: plot.x1, y1: y, y2: y }),
        s("text", { class: "tick", x: plot.x0 - 6, y: y + 4, "text-anchor": "end" }, formatNumber(v, 3)),
      );
    }
    const xTicks = niceTicks(xMin, xMax, Math.max(2, Math.floor((plot.x1 - plot.x0) / 90)))
      .filter((v) => Number.isInteger(v) && v >= xMin && v <= xMax);
    for (const v of xTicks) {
      const x = round(tx(v));
      grid.append(
        s("line", { class: "x-tick", x1: x, x2: x, y1: plot.y1, y2: plot.y1 + 5 }),
        s("text", { class: "tick", x, y: plot.y1 + 18, "text-anchor": "middle" }, String(v)),
      );
    }
    grid.append(
      s("line", { class: "axis", x1: plot.x0, x2: plot.x1, y1: plot.y1, y2: plot.y1 }),
      s("line", { class: "axis", x1: plot.x0, x2: plot.x0, y1: plot.y0, y2: plot.y1 }),
      s("text", { class: "axis-label", x: plot.x1, y: height - 2, "text-anchor": "end" }, "step"),
    );
    svg.appendChild(grid);

    // Markers make sparse series' points visible without a DOM node per point.
    const defs = s("defs");
    svg.appendChild(defs);

    const lines = s("g", { class: "series" });
    const buckets = Math.max(50, Math.round(plot.x1 - plot.x0));
    for (const x of visible) {
      const sparse = isSparse(x);
      const smoothedDrawn = hasSmoothedLine(x);
      if (!this.options.smoothedOnly || !smoothedDrawn) {
        const raw = s("path", {
          class: `line ${x.className} ${smoothedDrawn && !this.options.smoothedOnly ? "raw" : "solid"}`,
          d: pathData(x.xs, x.ys, tx, ty, log, buckets),
          "data-points": x.xs.length,
          ...x.attrs,
        });
        if (sparse && x.xs.length <= 400) {
          const markerID = `${this.id}-${x.key}-dot`.replace(/[^A-Za-z0-9_-]/g, "_");
          defs.appendChild(s("marker", {
            id: markerID, class: `dot ${x.className}`, viewBox: "0 0 10 10", refX: "5", refY: "5",
            markerWidth: "5", markerHeight: "5", markerUnits: "strokeWidth",
          }, s("circle", { cx: "5", cy: "5", r: "4" })));
          for (const where of ["marker-start", "marker-mid", "marker-end"]) raw.setAttribute(where, `url(#${markerID})`);
        }
        lines.appendChild(raw);
      }
      if (smoothedDrawn) {
        lines.appendChild(s("path", {
          class: `line ${x.className} smooth`,
          d: pathData(x.xs, this.smoothedYs(x), tx, ty, log, buckets),
          "data-smoothed": "1",
          ...(this.options.smoothedOnly ? { "data-points": x.xs.length } : {}),
          ...x.attrs,
        }));
      }
    }
    svg.appendChild(lines);
    this.cursorLayer = s("g", { class: "cursor", "aria-hidden": "true" });
    svg.appendChild(this.cursorLayer);
    this.drawCursor();
  }

  /** The value of every series at `step` (the last point at or before it). */
  valuesAt(step) {
    return this.series.map((x) => {
      const i = indexAtOrBefore(x.xs, step);
      if (i < 0) return { key: x.key, label: x.label, className: x.className, value: null, step: null, hidden: this.hidden.has(x.key) };
      const smoothed = this.smoothing > 0 && hasSmoothedLine(x) ? this.smoothedYs(x)[i] : null;
      return {
        key: x.key, label: x.label, className: x.className, value: x.ys[i], smoothed, step: x.xs[i],
        hidden: this.hidden.has(x.key),
      };
    });
  }

  setCursor(step) {
    this.cursor = step;
    this.drawCursor();
  }

  drawCursor() {
    if (!this.cursorLayer) return;
    clear(this.cursorLayer);
    if (this.cursor === null || !this.layout) return;
    const { plot, tx, ty, xMin, xMax } = this.layout;
    if (this.cursor < xMin || this.cursor > xMax) return;
    const x = round(tx(this.cursor));
    this.cursorLayer.appendChild(s("line", { x1: x, x2: x, y1: plot.y0, y2: plot.y1 }));
    for (const v of this.valuesAt(this.cursor)) {
      if (v.hidden || v.value === null || v.step !== this.cursor) continue;
      const shown = this.options.smoothedOnly && v.smoothed !== null ? v.smoothed : v.value;
      if (this.logScale && shown <= 0) continue;
      this.cursorLayer.appendChild(s("circle", { class: `dot ${v.className}`, cx: x, cy: round(ty(shown)), r: 4 }));
    }
  }

  pointerMoved(event) {
    if (!this.layout) return;
    const box = this.svg.getBoundingClientRect();
    if (box.width === 0) return;
    const { plot, xMin, xMax, width } = this.layout;
    const px = ((event.clientX - box.left) / box.width) * width;
    const fraction = Math.min(Math.max((px - plot.x0) / (plot.x1 - plot.x0), 0), 1);
    const grid = this.stepGrid();
    const i = nearestIndex(grid, xMin + fraction * (xMax - xMin));
    if (i >= 0) this.moveCursor(grid[i]);
  }

  keyPressed(event) {
    const grid = this.stepGrid();
    if (grid.length === 0) return;
    let i = this.cursor === null ? -1 : nearestIndex(grid, this.cursor);
    const jump = event.shiftKey ? Math.max(1, Math.round(grid.length / 20)) : 1;
    switch (event.key) {
      case "ArrowRight": i = i < 0 ? 0 : Math.min(grid.length - 1, i + jump); break;
      case "ArrowLeft": i = i < 0 ? grid.length - 1 : Math.max(0, i - jump); break;
      case "Home": i = 0; break;
      case "End": i = grid.length - 1; break;
      case "Escape": this.moveCursor(null); return;
      default: return;
    }
    event.preventDefault();
    this.moveCursor(grid[i]);
  }

  moveCursor(step) {
    if (this.options.onCursor) this.options.onCursor(step);
    else this.setCursor(step);
  }
}

/** Few points: drawn solid with a dot at each, not smoothed unless asked to be. */
function isSparse(series) {
  return series.xs.length <= 60;
}

/** smooth: true always smooths; undefined smooths dense series; false never. */
function hasSmoothedLine(series) {
  return series.smooth === true || (series.smooth !== false && !isSparse(series));
}

function round(v) {
  return Math.round(v * 10) / 10;
}

/** The `d` string of a polyline; gaps (null, or ≤ 0 on a log scale) start a new piece. */
function pathData(xs, ys, tx, ty, log, buckets) {
  const keptX = [];
  const keptY = [];
  for (let i = 0; i < xs.length; i += 1) {
    const v = ys[i];
    if (v === null || !Number.isFinite(v) || (log && v <= 0)) continue;
    keptX.push(xs[i]);
    keptY.push(v);
  }
  const drawn = downsampleForDrawing(keptX, keptY, buckets);
  const parts = [];
  for (let i = 0; i < drawn.xs.length; i += 1) {
    parts.push(`${i === 0 ? "M" : "L"}${round(tx(drawn.xs[i]))} ${round(ty(drawn.ys[i]))}`);
  }
  if (drawn.xs.length === 1) parts.push("h0.01");
  return parts.join("");
}
