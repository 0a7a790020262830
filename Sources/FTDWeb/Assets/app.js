// The ftd dashboard's script: one ES module, written for this project (no third-party
// code). It picks the page from <body data-page="jobs|job|compare">, reads the JSON
// routes of the dashboard contract and builds the page with createElement, textContent
// and setAttribute only: no text from the API is ever parsed as markup.
//
// One file on purpose: the server compiles /assets/app.js into the binary by name, so
// the script needs no list of modules kept in step with Package.swift.
//
// Sections: pure functions (exported; Tests/Web/app-logic.test.mjs runs them under
// node) · DOM and network helpers · the SVG line chart · the jobs list · one job ·
// compare · start.

// ——— Pure functions: no DOM, no fetch, no clock unless passed in ———

export const TERMINAL_STATUSES = Object.freeze(["succeeded", "failed", "cancelled"]);
export const STATUSES = Object.freeze([
  "validating_files", "queued", "running", "paused", "succeeded", "failed", "cancelled",
]);

export function isTerminal(status) {
  return TERMINAL_STATUSES.includes(status);
}

/** Seconds between two live refreshes: half the daemon's poll interval, within 1…10 s. */
export function refreshSeconds(pollInterval) {
  const half = Number.isFinite(pollInterval) && pollInterval > 0 ? pollInterval / 2 : 10;
  return Math.min(Math.max(half, 1), 10);
}

/**
 * Exponential moving average with the start-up bias removed (as TensorBoard does), so the
 * first smoothed values are not dragged toward zero. `alpha` 0 returns the values as they
 * are; nulls stay null and do not break the average.
 */
export function ema(values, alpha) {
  const a = Math.min(Math.max(Number(alpha) || 0, 0), 0.999);
  const out = new Array(values.length);
  let last = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    last = last * a + (1 - a) * v;
    weight = weight * a + (1 - a);
    out[i] = a === 0 ? v : last / weight;
  }
  return out;
}

/**
 * Reduces points (parallel xs/ys, xs ascending) to at most about 4 per bucket for drawing:
 * each bucket keeps its first, last, lowest and highest point, in x order, so spikes
 * survive and the drawn line looks the same as the full one at that width.
 */
export function downsampleForDrawing(xs, ys, buckets) {
  const n = xs.length;
  if (n <= buckets * 4 || buckets < 1) return { xs: xs.slice(), ys: ys.slice() };
  const outX = [];
  const outY = [];
  const x0 = xs[0];
  const span = xs[n - 1] - x0 || 1;
  let i = 0;
  for (let b = 0; b < buckets && i < n; b += 1) {
    const end = b === buckets - 1 ? Infinity : x0 + (span * (b + 1)) / buckets;
    const start = i;
    let lo = i;
    let hi = i;
    while (i < n && xs[i] < end) {
      if (ys[i] < ys[lo]) lo = i;
      if (ys[i] > ys[hi]) hi = i;
      i += 1;
    }
    if (i === start) continue;
    const keep = [...new Set([start, lo, hi, i - 1])].sort((p, q) => p - q);
    for (const k of keep) {
      outX.push(xs[k]);
      outY.push(ys[k]);
    }
  }
  return { xs: outX, ys: outY };
}

/** About `count` round tick values covering [min, max] (1, 2 or 5 times a power of ten). */
export function niceTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  if (min > max) [min, max] = [max, min];
  const raw = (max - min) / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const step = (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * power;
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks = [];
  for (let v = first; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (ticks.length > 100) break;
  }
  return ticks;
}

/**
 * Ticks for a log axis over [min, max] (both > 0): powers of ten, with 2 and 5 between
 * them over up to three decades (a loss from 0.05 to 1.6 would otherwise get two ticks).
 */
export function logTicks(min, max) {
  if (!(min > 0) || !(max > 0)) return [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const multipliers = hi - lo <= 3 ? [1, 2, 5] : [1];
  const ticks = [];
  for (let e = lo; e <= hi; e += 1) {
    for (const m of multipliers) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

/**
 * Unix seconds as an ISO 8601 time, or null when they are no time a Date can hold: an
 * API's `created_at` of 99999999999999 would make toISOString throw, and one such job
 * must not stop the whole list from drawing.
 */
export function isoTime(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return null;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A short human duration: "45s", "3m 05s", "2h 04m", "3d 4h". Null for unknown. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null;
  let s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const pad = (n) => String(n).padStart(2, "0");
  const m = Math.floor(s / 60);
  s %= 60;
  if (m < 60) return `${m}m ${pad(s)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/** "5 minutes ago", "in 3 hours", "just now": `then` and `now` in unix seconds. */
export function formatRelative(then, now) {
  if (!Number.isFinite(then) || !Number.isFinite(now)) return "";
  const delta = then - now;
  const abs = Math.abs(delta);
  if (abs < 10) return "just now";
  const units = [
    [60, "second", 1],
    [3600, "minute", 60],
    [86400, "hour", 3600],
    [86400 * 30, "day", 86400],
    [86400 * 365, "month", 86400 * 30],
    [Infinity, "year", 86400 * 365],
  ];
  for (const [limit, name, size] of units) {
    if (abs < limit) {
      const n = Math.floor(abs / size);
      const word = `${n} ${name}${n === 1 ? "" : "s"}`;
      return delta < 0 ? `${word} ago` : `in ${word}`;
    }
  }
  return "";
}

/** A metric value for people: 4 significant digits, no exponent for ordinary losses. */
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** Whole numbers with thin grouping: 1234567 → "1,234,567". */
export function formatInteger(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return Math.round(value).toLocaleString("en-US");
}

/**
 * A job's training cost for people: "$12.34" to the cent with thousands grouped, "~$1.20"
 * for ftd submit's estimate, "<$0.01" for a cost that rounds to nothing, "—" when unknown.
 */
export function formatCost(usd, estimated = false) {
  if (usd === null || usd === undefined || typeof usd !== "number" || !Number.isFinite(usd)) return "—";
  const sign = usd < 0 ? "-" : "";
  const magnitude = Math.abs(usd);
  const text = magnitude > 0 && magnitude < 0.005
    ? "<$0.01"
    : "$" + magnitude.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (estimated === true ? "~" : "") + sign + text;
}

/**
 * The best checkpoint: lowest metrics.valid_loss when any checkpoint has one, otherwise
 * lowest metrics.train_loss. Returns its id, or null.
 */
export function bestCheckpointID(checkpoints) {
  const pick = (key) => {
    let best = null;
    for (const c of checkpoints || []) {
      const v = c && c.metrics ? c.metrics[key] : null;
      if (typeof v === "number" && Number.isFinite(v) && (best === null || v < best.v)) {
        best = { id: c.id, v };
      }
    }
    return best;
  };
  const best = pick("valid_loss") || pick("train_loss");
  return best ? best.id : null;
}

/**
 * How long each observed state lasted. Transitions ascend by observed_at; the last state
 * lasts until `now` unless it is terminal (then it has no duration).
 */
export function stateDurations(transitions, now) {
  const list = transitions || [];
  return list.map((t, i) => {
    const next = list[i + 1];
    let seconds = null;
    let ongoing = false;
    if (next) seconds = next.observed_at - t.observed_at;
    else if (!isTerminal(t.to)) {
      seconds = now - t.observed_at;
      ongoing = true;
    }
    return { from: t.from, to: t.to, at: t.observed_at, seconds, ongoing };
  });
}

/** One series out of the steps: the steps where `key` has a number, as parallel arrays. */
export function seriesFromSteps(steps, key) {
  const xs = [];
  const ys = [];
  for (const s of steps || []) {
    const v = s[key];
    if (typeof v === "number" && Number.isFinite(v)) {
      xs.push(s.step);
      ys.push(v);
    }
  }
  return { xs, ys };
}

/** Index of the largest x ≤ step in ascending xs, or -1. */
export function indexAtOrBefore(xs, step) {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= step) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Index of the x nearest to `step` in ascending xs, or -1 when empty. */
export function nearestIndex(xs, step) {
  if (xs.length === 0) return -1;
  const i = indexAtOrBefore(xs, step);
  if (i < 0) return 0;
  if (i === xs.length - 1) return i;
  return step - xs[i] <= xs[i + 1] - step ? i : i + 1;
}

/** True when the values, as shown, are not all the same. */
export function valuesDiffer(values) {
  return new Set(values.map((v) => String(v))).size > 1;
}

/** Job ids out of `?jobs=a,b,c`: trimmed, deduplicated, empty ones dropped. */
export function parseJobList(text) {
  const seen = new Set();
  for (const part of String(text || "").split(",")) {
    const id = part.trim();
    if (id) seen.add(id);
  }
  return [...seen];
}

/** The hyperparameters wherever the job object holds them (method.<type>.hyperparameters first). */
export function hyperparameters(job) {
  if (!job) return {};
  const method = job.method;
  if (method && method.type && method[method.type] && method[method.type].hyperparameters) {
    return method[method.type].hyperparameters;
  }
  return job.hyperparameters || {};
}

/** The last number of a series of steps, or null. */
export function lastValue(steps, key) {
  for (let i = (steps || []).length - 1; i >= 0; i -= 1) {
    const v = steps[i][key];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return null;
}

/**
 * `a=1&b=x%20y` from an object, leaving out empty values. encodeURIComponent, not
 * URLSearchParams: that writes a space as "+", which the server reads as a plus sign.
 */
export function queryString(values) {
  return Object.entries(values)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
}

/** The events of a refresh that are not shown yet (a refresh may overlap the shown ones). */
export function unseenEvents(candidates, shown) {
  const known = new Set(shown.map((e) => e.cursor || e.id));
  return candidates.filter((e) => !known.has(e.cursor || e.id));
}

// ——— DOM and network helpers ———

// Job data only ever reaches the page as text nodes and
// attribute values (textContent / setAttribute), never as markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

function applyAttributes(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "dataset") {
      for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) el.dataset[k] = String(v);
    } else if (key === "text") {
      el.textContent = String(value);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

/** h("a", {href, class}, "text", child…): an element built without markup. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttributes(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttributes(el, attrs);
  append(el, children);
  return el;
}

function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A failure worth showing to a person: the server's problem message or the network's. */
class LoadError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "LoadError";
    this.status = status;
  }
}

/** GET a JSON route of this server; throws LoadError with a readable message. */
async function getJSON(url, { signal } = {}) {
  let response;
  try {
    response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal,
    });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new LoadError(`Could not reach ftd (${url.split("?")[0]}): the daemon may be stopped or the network down.`, 0);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const detail = body && typeof body.error === "string" ? body.error : response.statusText || "request failed";
    throw new LoadError(`${response.status}: ${detail}`, response.status);
  }
  if (body === null) throw new LoadError(`${url.split("?")[0]} answered something that is not JSON.`, response.status);
  return body;
}

/** A readable message for any failure (never a stack trace). */
function describeError(error) {
  if (error instanceof LoadError) return error.message;
  if (error && typeof error.message === "string") return `Something went wrong drawing this page: ${error.message}`;
  return "Something went wrong drawing this page.";
}

/** The page-wide message box (role=alert), created on demand at the top of <main>. */
function showError(error, where) {
  const box = ensureBox("page-error", "error", where);
  box.textContent = describeError(error);
  box.hidden = false;
}

function clearError() {
  const box = document.getElementById("page-error");
  if (box) box.hidden = true;
}

/** A quiet notice for live updates that failed; cleared on the next success. */
function showNotice(text) {
  const box = ensureBox("live-notice", "notice");
  box.textContent = text;
  box.hidden = false;
}

function clearNotice() {
  const box = document.getElementById("live-notice");
  if (box) box.hidden = true;
}

function ensureBox(id, className, where) {
  let box = document.getElementById(id);
  if (!box) {
    box = h("div", { id, class: className, role: className === "error" ? "alert" : "status" });
    const main = where || document.querySelector("main") || document.body;
    main.insertBefore(box, main.firstChild);
  }
  return box;
}

function markReady() {
  document.body.dataset.ready = "1";
  // For scripts/bench and the browser tests: when the first data was drawn.
  if (typeof performance !== "undefined" && performance.mark) performance.mark("ftd-ready");
}

/** Counts the live updates that changed something (the browser tests wait on it). */
function bumpUpdates() {
  const n = Number(document.body.dataset.updates || "0") + 1;
  document.body.dataset.updates = String(n);
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** An absolute local time for a title attribute: "2024-05-13 02:09:44". */
function absoluteTime(seconds) {
  if (!isoTime(seconds)) return "";
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A `<time>` element: relative text, absolute time in its title and datetime. */
function timeElement(seconds, relativeText) {
  const iso = isoTime(seconds);
  if (!iso) return h("span", { class: "muted" }, "—");
  return h(
    "time",
    { datetime: iso, title: absoluteTime(seconds) },
    relativeText,
  );
}

/** A status badge: the word, and a colour from its class. */
function statusBadge(status, attrs = {}) {
  const word = String(status || "unknown");
  const known = /^[a-z_]+$/.test(word) ? word : "unknown";
  return h("span", { class: `status status-${known}`, ...attrs }, word);
}

/** Calls `fn` once `ms` after the last call. */
function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Runs `tick` every `seconds` while `shouldContinue()` holds; never overlaps two ticks and
 * never lets a failure escape (the tick reports its own errors).
 */
function startPolling(seconds, tick, shouldContinue) {
  let stopped = false;
  const loop = async () => {
    if (stopped || !shouldContinue()) return;
    try {
      await tick();
    } catch (error) {
      showNotice(`Live update failed: ${describeError(error)} Retrying.`);
    }
    if (!stopped && shouldContinue()) setTimeout(loop, seconds * 1000);
  };
  setTimeout(loop, seconds * 1000);
  return () => {
    stopped = true;
  };
}

/** Copies text, with navigator.clipboard when the page may use it, else selects it. */
async function copyText(text, fallbackElement) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused: fall through to selecting the text so Ctrl+C works.
    }
  }
  if (fallbackElement) {
    const range = document.createRange();
    range.selectNodeContents(fallbackElement);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  return false;
}

/** Reads a saved preference (smoothing, log scale); storage may be disabled. */
function loadSetting(key, fallback) {
  try {
    const v = window.localStorage.getItem(`ftd.${key}`);
    return v === null ? fallback : JSON.parse(v);
  } catch {
    return fallback;
  }
}

function saveSetting(key, value) {
  try {
    window.localStorage.setItem(`ftd.${key}`, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the setting lasts only for this page.
  }
}

/** The page's header: the product name linking home, and a title area. */
function pageFrame(...headerExtras) {
  const main = h("main", { id: "main" });
  const header = h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: "/" }, h("img", { src: "/assets/icon.svg", alt: "", width: "20", height: "20" }), "ftd"),
    h("nav", { "aria-label": "Pages" }, h("a", { href: "/" }, "Jobs")),
    ...headerExtras,
  );
  document.body.append(header, main);
  return main;
}

// ——— The SVG line chart ———

// A line chart drawn in SVG: one <path> per series (its points live only in the `d`
// string), axes with round ticks, optional EMA smoothing with the raw line faint behind,
// a log scale, a cursor that pointer and keyboard move, and markers for sparse series.


const MARGIN = { left: 56, right: 14, top: 12, bottom: 30 };
let chartCount = 0;

class LineChart {
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
      // Labels at the ends are anchored inward so that they are not cut off.
      const anchor = x > plot.x1 - 24 ? "end" : x < plot.x0 + 24 ? "start" : "middle";
      grid.append(
        s("line", { class: "x-tick", x1: x, x2: x, y1: plot.y1, y2: plot.y1 + 5 }),
        s("text", { class: "tick", x, y: plot.y1 + 18, "text-anchor": anchor }, String(v)),
      );
    }
    grid.append(
      s("line", { class: "axis", x1: plot.x0, x2: plot.x1, y1: plot.y1, y2: plot.y1 }),
      s("line", { class: "axis", x1: plot.x0, x2: plot.x0, y1: plot.y0, y2: plot.y1 }),
      s("text", { class: "axis-label", x: 4, y: plot.y1 + 18, "text-anchor": "start" }, "step"),
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

// ——— The jobs list (/) ———

// Newest first, 50 a page, filter and search kept in the URL, live rows.


const PAGE_SIZE = 50;

async function showJobsPage(info) {
  document.title = "Jobs · ftd";
  const main = pageFrame();
  const params = new URLSearchParams(location.search);
  const state = {
    status: STATUSES.includes(params.get("status")) ? params.get("status") : "",
    q: params.get("q") || "",
    account: params.get("account") || "",
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    jobs: [],
    total: 0,
    generation: 0,
    selected: new Set(),
    signature: "",
  };

  const statusFilter = h("select", { id: "status-filter", name: "status" },
    h("option", { value: "" }, "All statuses"),
    STATUSES.map((st) => h("option", { value: st }, st.replace(/_/g, " "))));
  statusFilter.value = state.status;
  const search = h("input", {
    id: "search", type: "search", name: "q", placeholder: "id, suffix or model", autocomplete: "off",
    spellcheck: "false",
  });
  search.value = state.q;
  const accounts = Array.isArray(info.accounts) ? info.accounts : [];
  const accountFilter = accounts.length > 1
    ? h("select", { id: "account-filter", name: "account" },
      h("option", { value: "" }, "All accounts"), accounts.map((a) => h("option", { value: a }, a)))
    : null;
  if (accountFilter) accountFilter.value = state.account;
  const compareButton = h("button", { id: "compare-selected", type: "button", disabled: true }, "Compare");
  const selectionNote = h("span", { class: "muted", id: "selection-note" }, "Select two or more jobs to compare");

  const tbody = h("tbody");
  const table = h("table", { id: "jobs", class: "data" },
    h("caption", { class: "visually-hidden" }, "Fine-tuning jobs, newest first"),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Select")),
      h("th", { scope: "col" }, "Status"),
      h("th", { scope: "col" }, "Job"),
      h("th", { scope: "col" }, "Account"),
      h("th", { scope: "col" }, "Model → fine-tuned model"),
      h("th", { scope: "col" }, "Created"),
      h("th", { scope: "col" }, "Duration"),
      h("th", { scope: "col" }, "Progress"),
      h("th", { scope: "col", class: "num" }, "Train loss"),
      h("th", { scope: "col", class: "num" }, "Cost"))),
    tbody);
  const emptyNote = h("p", { class: "empty", hidden: true });
  const prev = h("button", { id: "prev-page", type: "button" }, "← Newer");
  const next = h("button", { id: "next-page", type: "button" }, "Older →");
  const pageInfo = h("span", { id: "page-info", "aria-live": "polite" });

  main.append(
    h("div", { class: "page-head" }, h("h1", {}, "Fine-tuning jobs")),
    h("form", { class: "toolbar", role: "search", onsubmit: (e) => e.preventDefault() },
      h("label", {}, h("span", {}, "Status"), statusFilter),
      accountFilter ? h("label", {}, h("span", {}, "Account"), accountFilter) : null,
      h("label", { class: "grow" }, h("span", {}, "Search"), search),
      h("div", { class: "compare-box" }, compareButton, selectionNote)),
    h("div", { class: "table-wrap" }, table),
    emptyNote,
    h("nav", { class: "pager", "aria-label": "Pages of jobs" }, prev, pageInfo, next),
  );

  function writeURL() {
    const query = queryString({
      status: state.status, account: state.account, q: state.q, page: state.page > 1 ? state.page : null,
    });
    history.replaceState(null, "", query ? `/?${query}` : "/");
  }

  function overviewURL() {
    return `/api/overview?${queryString({
      status: state.status, account: state.account, q: state.q,
      limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE,
    })}`;
  }

  async function load({ live = false } = {}) {
    const generation = (state.generation += 1);
    const data = await getJSON(overviewURL());
    if (generation !== state.generation) return false; // a newer request answers instead
    const jobs = Array.isArray(data.jobs) ? data.jobs : [];
    const signature = JSON.stringify([data.total, jobs]);
    const changed = signature !== state.signature;
    state.signature = signature;
    state.jobs = jobs;
    state.total = Number(data.total) || 0;
    const lastPage = Math.max(1, Math.ceil(state.total / PAGE_SIZE));
    if (state.page > lastPage && state.total > 0 && !live) {
      state.page = lastPage;
      writeURL();
      return load();
    }
    drawRows();
    if (live && changed) bumpUpdates();
    return changed;
  }

  function drawRows() {
    const now = nowSeconds();
    const focused = document.activeElement;
    const focusedRow = focused && focused.closest ? focused.closest("tr[data-job-id]") : null;
    const focusKey = focusedRow ? { id: focusedRow.dataset.jobId, cls: focused.className } : null;
    const rows = state.jobs.map((job) => jobRow(job, now));
    tbody.replaceChildren(...rows);
    if (focusKey) {
      const row = rows.find((r) => r.dataset.jobId === focusKey.id);
      const target = row && focusKey.cls ? row.querySelector(`.${focusKey.cls.split(" ")[0]}`) : null;
      if (target) target.focus();
    }
    const first = state.total === 0 ? 0 : (state.page - 1) * PAGE_SIZE + 1;
    const last = (state.page - 1) * PAGE_SIZE + state.jobs.length;
    pageInfo.textContent = state.total === 0 ? "No jobs" : `${formatInteger(first)}–${formatInteger(last)} of ${formatInteger(state.total)}`;
    prev.disabled = state.page <= 1;
    next.disabled = last >= state.total;
    emptyNote.hidden = state.jobs.length > 0;
    emptyNote.textContent = state.status || state.q || state.account
      ? "No job matches this filter."
      : "No jobs yet. ftd shows every fine-tuning job of the account once it has polled it.";
  }

  function jobRow(job, now) {
    const id = String(job.id);
    const account = String(job.account || "default");
    const checkbox = h("input", {
      type: "checkbox", class: "select-job", value: id, "aria-label": `Select ${id} to compare`,
    });
    checkbox.checked = state.selected.has(selectionKey(account, id));
    checkbox.addEventListener("change", () => {
      const key = selectionKey(account, id);
      if (checkbox.checked) state.selected.add(key);
      else state.selected.delete(key);
      updateCompareButton();
    });

    const active = !isTerminal(job.status);
    const end = Number.isFinite(job.finished_at) ? job.finished_at : active ? now : null;
    const seconds = Number.isFinite(job.created_at) && end !== null ? end - job.created_at : null;
    const duration = formatDuration(seconds);

    const steps = Number.isFinite(job.steps) ? job.steps : 0;
    const total = Number.isFinite(job.total_steps) ? job.total_steps : null;
    const progress = h("div", { class: "progress" });
    if (total) {
      const bar = h("progress", { max: String(total), value: String(Math.min(steps, total)), "aria-label": `${steps} of ${total} steps` });
      progress.append(h("span", { class: "num" }, `${formatInteger(steps)} / ${formatInteger(total)}`), bar);
    } else if (steps > 0) {
      progress.append(h("span", { class: "num" }, `${formatInteger(steps)} steps`));
    } else {
      progress.append(h("span", { class: "muted" }, "—"));
    }
    if (job.status === "running" && Number.isFinite(job.estimated_finish)) {
      progress.append(h("span", { class: "eta" }, "ETA ", timeElement(job.estimated_finish, formatRelative(job.estimated_finish, now))));
    }

    const loss = h("div", { class: "loss" },
      h("span", { class: "num" }, formatNumber(job.last_train_loss)),
      sparkline(Array.isArray(job.spark) ? job.spark : []));

    const models = h("div", { class: "models" }, h("span", { class: "model" }, String(job.model || "—")));
    if (job.fine_tuned_model) {
      models.append(h("span", { class: "arrow", "aria-hidden": "true" }, " → "),
        h("span", { class: "visually-hidden" }, " fine-tuned as "),
        h("span", { class: "model ft" }, String(job.fine_tuned_model)));
    }

    const row = h("tr", { dataset: { jobId: id, status: job.status } },
      h("td", { class: "select" }, checkbox),
      h("td", {}, statusBadge(job.status, { "data-field": "status" }), alertMark(job.alerts)),
      h("td", { class: "job" },
        h("a", { class: "job-link", href: `/jobs/${encodeURIComponent(account)}/${encodeURIComponent(id)}` }, id),
        h("span", { class: "suffix", "data-field": "suffix" }, job.suffix ? String(job.suffix) : "")),
      h("td", {}, account),
      h("td", {}, models),
      h("td", { class: "nowrap" }, timeElement(job.created_at, formatRelative(job.created_at, now))),
      h("td", { class: "nowrap" }, duration ? h("span", { title: active ? "elapsed so far" : "created to finished" }, active ? `${duration} so far` : duration) : "—"),
      h("td", {}, progress),
      h("td", { class: "num" }, loss),
      h("td", {
        class: "num nowrap", "data-field": "cost",
        title: job.cost_estimated === true ? "estimated by ftd submit from the training file" : null,
      }, formatCost(job.cost_usd, job.cost_estimated)));
    if (job.error && job.error.message) row.title = `Error: ${job.error.message}`;
    return row;
  }

  function updateCompareButton() {
    const n = state.selected.size;
    compareButton.disabled = n < 2;
    compareButton.textContent = n >= 2 ? `Compare ${n} jobs` : "Compare";
    selectionNote.textContent = n === 0 ? "Select two or more jobs to compare" : n === 1 ? "1 selected: pick one more" : `${n} selected`;
  }

  compareButton.addEventListener("click", () => {
    if (state.selected.size < 2) return;
    const ids = [...state.selected].map((key) => encodeURIComponent(key)).join(",");
    location.assign(`/compare?jobs=${ids}`);
  });

  async function reload() {
    writeURL();
    try {
      await load();
      clearError();
    } catch (error) {
      showError(error);
    }
  }

  statusFilter.addEventListener("change", () => {
    state.status = statusFilter.value;
    state.page = 1;
    reload();
  });
  if (accountFilter) {
    accountFilter.addEventListener("change", () => {
      state.account = accountFilter.value;
      state.page = 1;
      reload();
    });
  }
  const searchChanged = debounce(() => {
    if (search.value.trim() === state.q) return;
    state.q = search.value.trim();
    state.page = 1;
    reload();
  }, 250);
  search.addEventListener("input", searchChanged);
  prev.addEventListener("click", () => {
    if (state.page > 1) {
      state.page -= 1;
      reload();
    }
  });
  next.addEventListener("click", () => {
    state.page += 1;
    reload();
  });

  try {
    await load();
  } catch (error) {
    showError(error, main);
  }
  updateCompareButton();
  markReady();

  // Live rows: refetch the current page while any shown job is still active, and the
  // first page now and then besides, so that a job started meanwhile appears on a list
  // left open all day.
  const seconds = refreshSeconds(Number(info.poll_interval));
  const quietEvery = Math.max(1, Math.round(30 / seconds));
  let ticks = 0;
  const tick = async () => {
    ticks += 1;
    const active = state.jobs.some((job) => !isTerminal(job.status));
    if (active || (state.page === 1 && ticks % quietEvery === 0)) {
      try {
        await load({ live: true });
        clearNotice();
      } catch (error) {
        showNotice(`Live update failed: ${describeError(error)} Retrying.`);
      }
    }
    setTimeout(tick, seconds * 1000);
  };
  setTimeout(tick, seconds * 1000);
}

function selectionKey(account, id) {
  return account === "default" ? id : `${account}/${id}`;
}

/** An 80×20 sparkline of the train loss: one path, no axes. */
function sparkline(values) {
  const width = 80;
  const height = 20;
  const svg = s("svg", { class: "spark", viewBox: `0 0 ${width} ${height}`, width, height, "aria-hidden": "true", focusable: "false" });
  const numbers = values.filter((v) => typeof v === "number" && Number.isFinite(v));
  if (numbers.length < 2) return svg;
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const span = max - min || 1;
  const d = numbers.map((v, i) => {
    const x = (i / (numbers.length - 1)) * (width - 2) + 1;
    const y = height - 2 - ((v - min) / span) * (height - 4);
    return `${i === 0 ? "M" : "L"}${x.toFixed(1)} ${y.toFixed(1)}`;
  }).join("");
  svg.appendChild(s("path", { d }));
  return svg;
}

// ——— One job (/jobs/{account}/{id}) ———

// Facts, timeline, Loss and Token accuracy charts with a
// shared cursor, checkpoints, the Messages panel (paged, filtered by the server) and hook
// runs. While the job is active the page refreshes itself.


/** Steps asked of the server per chart refresh: plenty for any screen, cheap to draw. */
const MAX_POINTS = 2000;
/** Events fetched per page of the Messages panel. */
const EVENT_PAGE = 200;
/** At most this many messages are in the DOM at once, however many pages were loaded. */
const EVENT_WINDOW = 600;

const SERIES = [
  { key: "train", label: "train", className: "s-train" },
  { key: "valid", label: "valid", className: "s-valid" },
  { key: "full_valid", label: "full valid", className: "s-full-valid" },
];

async function showJobPage(info) {
  const match = location.pathname.match(/^\/jobs\/([^/]+)\/([^/]+)\/?$/);
  const main = pageFrame();
  if (!match) {
    showError(new Error("this address names no job; expected /jobs/ACCOUNT/ID."), main);
    markReady();
    return;
  }
  const account = decodeURIComponent(match[1]);
  const id = decodeURIComponent(match[2]);
  const base = `/api/jobs/${encodeURIComponent(account)}/${encodeURIComponent(id)}`;
  document.title = `${id} · ftd`;

  const view = buildLayout(main, id);
  const state = {
    history: null, job: null, historySignature: "", jobSignature: "",
    events: [], next: null, total: 0, atNewest: true, eventGeneration: 0,
  };

  // Charts, with a cursor shared between them.
  const charts = {};
  const moveCursor = (step) => {
    charts.loss.setCursor(step);
    charts.accuracy.setCursor(step);
    drawReadout(view.readout, charts, step);
  };
  charts.loss = new LineChart(view.lossSVG, { label: "Loss against step", onCursor: moveCursor, describedBy: "cursor-readout" });
  charts.accuracy = new LineChart(view.accuracySVG, { label: "Token accuracy against step", onCursor: moveCursor, describedBy: "cursor-readout" });
  const smoothing = clampSmoothing(loadSetting("smoothing", 0.6));
  view.smoothing.value = String(smoothing);
  view.smoothingOutput.textContent = smoothing.toFixed(2);
  view.logScale.checked = Boolean(loadSetting("logScale", false));
  for (const chart of Object.values(charts)) chart.smoothing = smoothing;
  charts.loss.logScale = view.logScale.checked;

  view.smoothing.addEventListener("input", () => {
    const value = clampSmoothing(Number(view.smoothing.value));
    view.smoothingOutput.textContent = value.toFixed(2);
    for (const chart of Object.values(charts)) {
      chart.smoothing = value;
      chart.render();
    }
    drawReadout(view.readout, charts, charts.loss.cursor);
    saveSetting("smoothing", value);
  });
  view.logScale.addEventListener("change", () => {
    charts.loss.logScale = view.logScale.checked;
    charts.loss.render();
    saveSetting("logScale", view.logScale.checked);
  });
  for (const button of view.toggles) {
    button.addEventListener("click", () => {
      const key = button.dataset.series;
      const hide = button.getAttribute("aria-pressed") === "true";
      button.setAttribute("aria-pressed", hide ? "false" : "true");
      for (const chart of Object.values(charts)) {
        if (hide) chart.hidden.add(key);
        else chart.hidden.delete(key);
        chart.render();
      }
      drawReadout(view.readout, charts, charts.loss.cursor);
    });
  }

  function drawCharts() {
    const steps = state.history.steps || [];
    const pick = (suffix) => SERIES.map((x) => ({
      ...x,
      ...seriesFromSteps(steps, `${x.key}_${suffix}`),
      smooth: x.key === "train" ? true : undefined,
      attrs: { "data-series": x.key },
    }));
    charts.loss.setSeries(pick("loss"));
    charts.accuracy.setSeries(pick("mean_token_accuracy"));
    charts.loss.render();
    charts.accuracy.render();
    for (const button of view.toggles) {
      const has = charts.loss.series.concat(charts.accuracy.series)
        .some((x) => x.key === button.dataset.series && x.xs.length > 0);
      button.classList.toggle("no-data", !has);
      button.title = has ? "" : "No points for this series yet";
    }
    drawReadout(view.readout, charts, charts.loss.cursor);
  }

  // History (summary, steps, transitions, checkpoints, hook runs) and the raw job object.
  async function loadHistory() {
    const history = await getJSON(`${base}?max_points=${MAX_POINTS}`);
    const signature = JSON.stringify(history);
    if (signature === state.historySignature) return false;
    state.historySignature = signature;
    const previous = state.history;
    state.history = history;
    const stepsChanged = !previous || JSON.stringify(previous.steps) !== JSON.stringify(history.steps);
    drawHeader(view, history.job, state.job, account);
    drawTimeline(view.timeline, history.transitions || [], history.job);
    if (stepsChanged) drawCharts();
    drawCheckpoints(view.checkpoints, history.checkpoints || []);
    drawHookRuns(view.hookRuns, history.hook_runs || []);
    drawAlerts(view.alerts, history.alerts || []);
    drawFacts(view.facts, state.job, history, account);
    return true;
  }

  async function loadJob() {
    try {
      const job = await getJSON(`${base}/job`);
      const signature = JSON.stringify(job);
      if (signature === state.jobSignature) return false;
      state.jobSignature = signature;
      state.job = job;
    } catch (error) {
      state.job = null;
      view.factsNote.textContent = `The job's full record could not be read (${describeError(error)}); the facts below come from its summary.`;
      view.factsNote.hidden = false;
      if (state.history) drawFacts(view.facts, null, state.history, account);
      return false;
    }
    view.factsNote.hidden = true;
    if (state.history) {
      drawFacts(view.facts, state.job, state.history, account);
      drawHeader(view, state.history.job, state.job, account);
    }
    return true;
  }

  // Messages: server-side filter and paging; the DOM holds at most EVENT_WINDOW rows.
  const eventQuery = (extra) => `${base}/events?${queryString({
    ...extra, level: view.levelFilter.value, q: view.messageFilter.value.trim(),
  })}`;

  async function loadNewestEvents() {
    const generation = (state.eventGeneration += 1);
    view.messageStatus.textContent = "Loading messages…";
    const data = await getJSON(eventQuery({ limit: String(EVENT_PAGE) }));
    if (generation !== state.eventGeneration) return;
    state.events = data.events || [];
    state.next = data.next || null;
    state.total = Number(data.total) || 0;
    state.atNewest = true;
    clear(view.messageList).append(...state.events.map(eventRow));
    drawMessageStatus();
  }

  async function loadOlderEvents() {
    if (!state.next) return;
    const generation = state.eventGeneration;
    view.moreMessages.disabled = true;
    try {
      const data = await getJSON(eventQuery({ limit: String(EVENT_PAGE), before: state.next }));
      if (generation !== state.eventGeneration) return;
      const older = data.events || [];
      state.events = state.events.concat(older);
      state.next = data.next || null;
      state.total = Number(data.total) || state.total;
      view.messageList.append(...older.map(eventRow));
      const extra = state.events.length - EVENT_WINDOW;
      if (extra > 0) {
        // Drop the newest rows from the top: the window slides toward older messages.
        state.events = state.events.slice(extra);
        for (let i = 0; i < extra && view.messageList.firstChild; i += 1) view.messageList.firstChild.remove();
        state.atNewest = false;
      }
      clearError();
    } catch (error) {
      showError(error);
    } finally {
      drawMessageStatus();
    }
  }

  async function loadLiveEvents() {
    if (!state.atNewest) return false;
    if (state.events.length === 0) {
      const before = state.total;
      await loadNewestEvents();
      return state.total !== before;
    }
    const generation = state.eventGeneration;
    const data = await getJSON(eventQuery({ limit: "1000", after: state.events[0].cursor }));
    if (generation !== state.eventGeneration) return false;
    const newer = unseenEvents(data.events || [], state.events);
    if (newer.length === 0) {
      state.total = Number(data.total) || state.total;
      drawMessageStatus();
      return false;
    }
    state.events = newer.concat(state.events);
    view.messageList.prepend(...newer.map(eventRow));
    state.total = Number(data.total) || state.total + newer.length;
    const extra = state.events.length - EVENT_WINDOW;
    if (extra > 0) {
      state.events = state.events.slice(0, EVENT_WINDOW);
      for (let i = 0; i < extra && view.messageList.lastChild; i += 1) view.messageList.lastChild.remove();
      state.next = state.events[state.events.length - 1].cursor;
    }
    drawMessageStatus();
    return true;
  }

  function drawMessageStatus() {
    const shown = state.events.length;
    view.messageStatus.textContent = state.total === 0
      ? (view.levelFilter.value || view.messageFilter.value.trim() ? "No message matches this filter." : "No messages yet.")
      : `Showing ${formatInteger(shown)} of ${formatInteger(state.total)} messages${state.atNewest ? ", newest first" : " (older ones)"}.`;
    view.moreMessages.hidden = !state.next;
    view.moreMessages.disabled = false;
    view.newestMessages.hidden = state.atNewest;
  }

  const reloadEvents = async () => {
    try {
      await loadNewestEvents();
      clearError();
    } catch (error) {
      showError(error);
      view.messageStatus.textContent = "";
    }
  };
  view.levelFilter.addEventListener("change", reloadEvents);
  view.messageFilter.addEventListener("input", debounce(reloadEvents, 300));
  view.moreMessages.addEventListener("click", loadOlderEvents);
  view.newestMessages.addEventListener("click", reloadEvents);

  // First draw: the three requests at once; one failing does not hide the others' data.
  const [historyResult, , eventsResult] = await Promise.allSettled([
    loadHistory(), loadJob(), loadNewestEvents(),
  ]);
  if (historyResult.status === "rejected") {
    showError(historyResult.reason, main);
    view.sections.forEach((section) => { section.hidden = true; });
    markReady();
    return;
  }
  if (eventsResult.status === "rejected") {
    view.messageStatus.textContent = `Messages could not be loaded: ${describeError(eventsResult.reason)}`;
  }
  markReady();

  // Live: while the job is not terminal, refetch steps, facts and new messages.
  const seconds = refreshSeconds(Number(info.poll_interval));
  const active = () => state.history && !isTerminal(state.history.job.status);
  const tick = async () => {
    if (!active()) return;
    try {
      const historyChanged = await loadHistory();
      const jobChanged = historyChanged ? await loadJob() : false;
      const eventsChanged = await loadLiveEvents();
      clearNotice();
      if (historyChanged || jobChanged || eventsChanged) bumpUpdates();
    } catch (error) {
      showNotice(`Live update failed: ${describeError(error)} Retrying.`);
    }
    if (active()) setTimeout(tick, seconds * 1000);
    else view.liveNote.textContent = "";
  };
  if (active()) {
    view.liveNote.textContent = `Live: refreshes every ${formatDuration(seconds)}`;
    setTimeout(tick, seconds * 1000);
  }
}

function clampSmoothing(value) {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 0.99) : 0.6;
}

function buildLayout(main, id) {
  const view = {};
  view.title = h("h1", {}, id);
  view.subtitle = h("p", { class: "subtitle" });
  view.liveNote = h("span", { class: "live", "aria-live": "polite" });
  main.append(h("div", { class: "page-head" }, view.title, view.subtitle, view.liveNote));

  view.factsNote = h("p", { class: "notice", hidden: true });
  view.facts = h("dl", { id: "facts", class: "facts" });
  view.timeline = h("ol", { id: "timeline", class: "timeline" });
  const factsSection = h("section", { class: "panel", "aria-labelledby": "facts-title" },
    h("h2", { id: "facts-title" }, "Facts"), view.factsNote, view.facts);
  const timelineSection = h("section", { class: "panel", "aria-labelledby": "timeline-title" },
    h("h2", { id: "timeline-title" }, "Status timeline"), view.timeline);

  view.smoothing = h("input", { id: "smoothing", type: "range", min: "0", max: "0.99", step: "0.01" });
  view.smoothingOutput = h("output", { for: "smoothing", class: "num" });
  view.logScale = h("input", { id: "log-scale", type: "checkbox" });
  view.toggles = SERIES.map((x) => h("button", {
    type: "button", class: `series-toggle ${x.className}`, "data-series": x.key, "aria-pressed": "true",
  }, h("span", { class: "swatch", "aria-hidden": "true" }), x.label));
  view.lossSVG = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  view.lossSVG.id = "loss-chart";
  view.lossSVG.setAttribute("class", "chart");
  view.accuracySVG = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  view.accuracySVG.id = "accuracy-chart";
  view.accuracySVG.setAttribute("class", "chart");
  view.readout = h("div", { id: "cursor-readout", class: "readout", "aria-live": "polite" });
  const chartsSection = h("section", { class: "panel charts", "aria-labelledby": "charts-title" },
    h("h2", { id: "charts-title" }, "Metrics"),
    h("div", { class: "chart-controls" },
      h("label", {}, h("span", {}, "Smoothing"), view.smoothing, view.smoothingOutput),
      h("label", { class: "check" }, view.logScale, h("span", {}, "Log scale (loss)")),
      h("div", { class: "legend", role: "group", "aria-label": "Series shown" }, view.toggles)),
    view.readout,
    h("div", { class: "chart-grid" },
      h("figure", {}, h("figcaption", {}, "Loss"), view.lossSVG),
      h("figure", {}, h("figcaption", {}, "Token accuracy"), view.accuracySVG)));

  view.checkpoints = h("table", { id: "checkpoints", class: "data" });
  const checkpointsSection = h("section", { class: "panel", "aria-labelledby": "checkpoints-title" },
    h("h2", { id: "checkpoints-title" }, "Checkpoints"), h("div", { class: "table-wrap" }, view.checkpoints));

  view.levelFilter = h("select", { id: "level-filter" },
    h("option", { value: "" }, "All levels"), ["info", "warn", "error"].map((l) => h("option", { value: l }, l)));
  view.messageFilter = h("input", { id: "message-filter", type: "search", placeholder: "text in the message", autocomplete: "off" });
  view.messageStatus = h("p", { class: "muted", "aria-live": "polite" });
  view.messageList = h("ol", { id: "message-list", class: "messages" });
  view.moreMessages = h("button", { id: "more-messages", type: "button", hidden: true }, "Load older");
  view.newestMessages = h("button", { id: "newest-messages", type: "button", hidden: true }, "Back to newest");
  const messagesSection = h("section", { id: "messages", class: "panel", "aria-labelledby": "messages-title" },
    h("h2", { id: "messages-title" }, "Messages"),
    h("form", { class: "toolbar", role: "search", onsubmit: (e) => e.preventDefault() },
      h("label", {}, h("span", {}, "Level"), view.levelFilter),
      h("label", { class: "grow" }, h("span", {}, "Filter"), view.messageFilter)),
    view.messageStatus, view.newestMessages, view.messageList, view.moreMessages);

  view.hookRuns = h("table", { id: "hook-runs", class: "data" });
  const hooksSection = h("section", { class: "panel", "aria-labelledby": "hooks-title" },
    h("h2", { id: "hooks-title" }, "Hook runs"), h("div", { class: "table-wrap" }, view.hookRuns));

  view.alerts = h("ol", { id: "alert-list", class: "alerts" });
  const alertsSection = h("section", { id: "alerts", class: "panel", "aria-labelledby": "alerts-title" },
    h("h2", { id: "alerts-title" }, "Alerts"), view.alerts);

  main.append(
    h("div", { class: "columns" }, factsSection, timelineSection),
    alertsSection, chartsSection, checkpointsSection, messagesSection, hooksSection);
  view.sections = [factsSection, timelineSection, alertsSection, chartsSection, checkpointsSection, messagesSection, hooksSection];
  return view;
}

function drawHeader(view, summary, job, account) {
  const suffix = summary.suffix ?? (job ? job.suffix ?? job.user_provided_suffix : null);
  clear(view.subtitle).append(
    statusBadge(summary.status),
    ...(suffix ? [h("span", { class: "suffix" }, String(suffix))] : []),
    h("span", { class: "muted" }, `account ${account}`));
}

function drawFacts(dl, job, history, account) {
  const summary = history.job || {};
  const j = job || {};
  const now = nowSeconds();
  const value = (key) => (j[key] !== undefined && j[key] !== null ? j[key] : summary[key]);
  const suffix = value("suffix") ?? j.user_provided_suffix ?? null;
  const status = value("status");
  const hp = hyperparameters(job);
  const created = value("created_at");
  const finished = value("finished_at");
  const started = firstRunning(history.transitions);
  const steps = history.steps || [];
  const lastStep = steps.length ? steps[steps.length - 1] : null;
  const duration = Number.isFinite(created)
    ? formatDuration((Number.isFinite(finished) ? finished : isTerminal(status) ? null : now) - created)
    : null;

  const rows = [];
  const add = (label, content, field) => {
    const dd = h("dd", field ? { "data-field": field } : {});
    if (content === null || content === undefined || content === "") dd.append(h("span", { class: "muted" }, "—"));
    else dd.append(...[content].flat());
    rows.push(h("div", { class: "fact" }, h("dt", {}, label), dd));
  };
  const when = (t) => (Number.isFinite(t) ? [timeElement(t, absoluteTime(t)), h("span", { class: "muted" }, ` (${formatRelative(t, now)})`)] : null);

  add("Status", statusBadge(status), "status");
  add("Account", account);
  add("Base model", value("model") ? h("code", {}, String(value("model"))) : null, "model");
  add("Fine-tuned model", value("fine_tuned_model") ? copyable(String(value("fine_tuned_model"))) : null, "fine_tuned_model");
  add("Suffix", suffix ? String(suffix) : null, "suffix");
  if (j.method && j.method.type) add("Method", String(j.method.type));
  for (const key of Object.keys(hp)) add(key.replace(/_/g, " "), String(hp[key]), `hp-${key}`);
  add("Training file", j.training_file ? h("code", {}, String(j.training_file)) : null, "training_file");
  add("Validation file", j.validation_file ? h("code", {}, String(j.validation_file)) : null, "validation_file");
  add("Trained tokens", Number.isFinite(value("trained_tokens")) ? formatInteger(value("trained_tokens")) : null, "trained_tokens");
  // ftd's figure, from the summary (the job as the API sent it has no cost).
  const cost = Number.isFinite(summary.cost_usd) ? [formatCost(summary.cost_usd, summary.cost_estimated)] : null;
  if (cost && summary.cost_estimated === true) {
    cost.push(h("span", { class: "muted" }, " (estimated from the training file by ftd submit)"));
  }
  add("Cost", cost, "cost");
  add("Seed", j.seed !== undefined && j.seed !== null ? String(j.seed) : null, "seed");
  add("Steps", lastStep
    ? `${formatInteger(lastStep.step)}${Number.isFinite(lastStep.total_steps) ? ` of ${formatInteger(lastStep.total_steps)}` : ""}`
    : null, "steps");
  add("Created", when(created), "created_at");
  if (started) add("Started running", when(started));
  add("Finished", when(finished), "finished_at");
  add(isTerminal(status) ? "Duration" : "Elapsed", duration, "duration");
  if (!isTerminal(status) && Number.isFinite(j.estimated_finish)) add("Estimated finish", when(j.estimated_finish), "estimated_finish");
  const error = value("error");
  if (error && (error.message || error.code)) {
    add("Error", h("span", { class: "error-text" },
      [error.code, error.message].filter(Boolean).join(": ") + (error.param ? ` (param: ${error.param})` : "")), "error");
  }
  if (j.metadata && typeof j.metadata === "object" && Object.keys(j.metadata).length) {
    add("Metadata", Object.entries(j.metadata).map(([k, v]) => `${k}=${v}`).join(", "));
  }
  clear(dl).append(...rows);
}

function firstRunning(transitions) {
  const t = (transitions || []).find((x) => x.to === "running");
  return t ? t.observed_at : null;
}

/** A model name with a button that copies it. */
function copyable(text) {
  const code = h("code", { class: "copy-text" }, text);
  const button = h("button", { type: "button", class: "copy", "aria-label": `Copy ${text}` }, "Copy");
  button.addEventListener("click", async () => {
    const copied = await copyText(text, code);
    button.textContent = copied ? "Copied" : "Selected: press Ctrl+C";
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  });
  return h("span", { class: "copyable" }, code, button);
}

function drawTimeline(ol, transitions, summary) {
  const now = nowSeconds();
  const items = stateDurations(transitions, now).map((t) => h("li", { "data-status": t.to },
    statusBadge(t.to),
    " ",
    timeElement(t.at, absoluteTime(t.at)),
    h("span", { class: "lasted" }, t.seconds === null
      ? (isTerminal(t.to) ? "final" : "")
      : t.ongoing ? `${formatDuration(t.seconds)} so far` : `lasted ${formatDuration(t.seconds)}`)));
  if (items.length === 0) {
    items.push(h("li", { class: "muted" }, `No transition observed yet (the job is ${summary.status}).`));
  }
  clear(ol).append(...items);
}

const METRIC_COLUMNS = [
  ["train_loss", "Train loss"], ["train_mean_token_accuracy", "Train acc."],
  ["valid_loss", "Valid loss"], ["valid_mean_token_accuracy", "Valid acc."],
  ["full_valid_loss", "Full valid loss"], ["full_valid_mean_token_accuracy", "Full valid acc."],
];

function drawCheckpoints(table, checkpoints) {
  const best = bestCheckpointID(checkpoints);
  const columns = METRIC_COLUMNS.filter(([key]) => checkpoints.some((c) => c.metrics && Number.isFinite(c.metrics[key])));
  const head = h("thead", {}, h("tr", {},
    h("th", { scope: "col", class: "num" }, "Step"),
    h("th", { scope: "col" }, "Model"),
    columns.map(([, label]) => h("th", { scope: "col", class: "num" }, label)),
    h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Best"))));
  const sorted = checkpoints.slice().sort((a, b) => (b.step_number || 0) - (a.step_number || 0));
  const rows = sorted.map((c) => {
    const isBest = c.id === best;
    return h("tr", { "data-checkpoint-id": String(c.id), "data-best": isBest ? "1" : null, class: isBest ? "best" : null },
      h("td", { class: "num" }, formatInteger(c.step_number)),
      h("td", {}, c.fine_tuned_model_checkpoint ? copyable(String(c.fine_tuned_model_checkpoint)) : "—"),
      columns.map(([key]) => h("td", { class: "num" }, formatNumber(c.metrics ? c.metrics[key] : null))),
      h("td", {}, isBest ? h("span", { class: "best-mark", title: "lowest validation loss, else lowest train loss" }, "★ best") : ""));
  });
  const body = h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: String(columns.length + 3), class: "muted" }, "No checkpoints yet.")));
  clear(table).append(h("caption", { class: "visually-hidden" }, "Checkpoints, newest first"), head, body);
}

function drawHookRuns(table, runs) {
  const head = h("thead", {}, h("tr", {},
    ["Hook", "Attempt", "Status", "Exit code", "Started", "Duration", "Delivery"].map((t) => h("th", { scope: "col" }, t))));
  const rows = runs.slice().reverse().map((r) => h("tr", {},
    h("td", {}, String(r.hook)),
    h("td", { class: "num" }, String(r.attempt)),
    h("td", {}, statusBadge(r.status)),
    h("td", { class: "num" }, r.exit_code === null || r.exit_code === undefined ? (r.timed_out ? "killed (timeout)" : "—") : String(r.exit_code)),
    h("td", { class: "nowrap" }, timeElement(r.started_at, absoluteTime(r.started_at))),
    h("td", { class: "num" }, Number.isFinite(r.duration_ms) ? `${formatInteger(r.duration_ms)} ms` : "—"),
    h("td", {}, h("code", {}, String(r.delivery_id || "")))));
  const body = h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: "7", class: "muted" }, "No hook ran for this job.")));
  clear(table).append(h("caption", { class: "visually-hidden" }, "Hook runs, newest first"), head, body);
}

// Alerts (SPEC section 10): what no status change announced, in the order they fired.
// The detail is text from the API's numbers and checkpoint names: text nodes only.
const alertTitles = {
  queued_too_long: "Queued too long",
  stalled: "Stalled",
  loss_diverged: "Loss diverged",
  overfitting: "Overfitting",
};

function drawAlerts(list, alerts) {
  const items = alerts.map((a) => h("li", { "data-alert-kind": String(a.kind) },
    h("span", { class: "alert-kind" }, alertTitles[a.kind] || String(a.kind)),
    timeElement(a.observed_at, absoluteTime(a.observed_at)),
    h("span", { class: "message" }, String(a.detail ?? ""))));
  clear(list).append(...(items.length ? items : [h("li", { class: "muted" }, "No alert for this job.")]));
}

function alertMark(kinds) {
  if (!Array.isArray(kinds) || kinds.length === 0) return null;
  const names = kinds.map((k) => alertTitles[k] || String(k)).join(", ");
  return h("span", { class: "alert-mark", title: `Alerts: ${names}`, "data-field": "alerts" },
    h("span", { "aria-hidden": "true" }, "⚠"),
    h("span", { class: "visually-hidden" }, ` alerts: ${names}`));
}

function eventRow(event) {
  const level = ["info", "warn", "error"].includes(event.level) ? event.level : "other";
  return h("li", { "data-event-id": String(event.id), class: `level-${level}` },
    h("span", { class: `level level-${level}` }, String(event.level || "?")),
    timeElement(event.created_at, absoluteTime(event.created_at)),
    h("span", { class: "message" },
      event.type && event.type !== "message" ? h("span", { class: "type" }, String(event.type)) : null,
      String(event.message ?? "")));
}

function drawReadout(box, charts, step) {
  clear(box);
  if (step === null || step === undefined) {
    box.append(h("span", { class: "muted" }, "Hover over a chart, or focus it and use ← →, to read every series at a step."));
    return;
  }
  box.append(h("strong", {}, `Step ${formatInteger(step)}`));
  for (const [name, chart] of [["loss", charts.loss], ["accuracy", charts.accuracy]]) {
    for (const v of chart.valuesAt(step)) {
      if (v.hidden || v.value === null) continue;
      const text = `${v.label} ${name} ${formatNumber(v.value)}`
        + (v.smoothed !== null && v.smoothed !== undefined ? ` (smoothed ${formatNumber(v.smoothed)})` : "")
        + (v.step !== step ? ` at step ${formatInteger(v.step)}` : "");
      box.append(h("span", { class: `reading ${v.className}` }, h("span", { class: "swatch", "aria-hidden": "true" }), text));
    }
  }
}

// ——— Compare (/compare?jobs=…) ———

// The jobs' train-loss curves on one chart, and their
// settings side by side with the rows that differ marked.


const COMPARE_MAX_POINTS = 1000;
const PALETTE_SIZE = 8;

async function showComparePage() {
  document.title = "Compare · ftd";
  const main = pageFrame();
  const keys = parseJobList(new URLSearchParams(location.search).get("jobs"));
  main.append(h("div", { class: "page-head" }, h("h1", {}, "Compare jobs")));
  if (keys.length === 0) {
    main.append(h("p", { class: "empty" }, "No jobs to compare: pick two or more on the ", h("a", { href: "/" }, "jobs list"), "."));
    markReady();
    return;
  }

  const jobs = await Promise.all(keys.map(async (key, index) => {
    const slash = key.indexOf("/");
    const account = slash > 0 ? key.slice(0, slash) : "default";
    const id = slash > 0 ? key.slice(slash + 1) : key;
    const base = `/api/jobs/${encodeURIComponent(account)}/${encodeURIComponent(id)}`;
    const [history, job] = await Promise.allSettled([getJSON(`${base}?max_points=${COMPARE_MAX_POINTS}`), getJSON(`${base}/job`)]);
    return {
      key, account, id, index,
      history: history.status === "fulfilled" ? history.value : null,
      job: job.status === "fulfilled" ? job.value : null,
      error: history.status === "rejected" ? history.reason : null,
    };
  }));
  const failed = jobs.filter((j) => j.error);
  if (failed.length) {
    main.append(h("div", { class: "error", role: "alert" },
      failed.map((j) => h("p", {}, `${j.id}: ${describeError(j.error)}`))));
  }
  const shown = jobs.filter((j) => j.history);
  if (shown.length === 0) {
    markReady();
    return;
  }

  // The chart.
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.id = "compare-chart";
  svg.setAttribute("class", "chart tall");
  const readout = h("div", { id: "cursor-readout", class: "readout", "aria-live": "polite" });
  const smoothingValue = clampSmoothing(loadSetting("smoothing", 0.6));
  const slider = h("input", { id: "smoothing", type: "range", min: "0", max: "0.99", step: "0.01" });
  slider.value = String(smoothingValue);
  const output = h("output", { for: "smoothing", class: "num" }, smoothingValue.toFixed(2));
  const logScale = h("input", { id: "log-scale", type: "checkbox" });
  logScale.checked = Boolean(loadSetting("logScale", false));
  const toggles = shown.map((j) => h("button", {
    type: "button", class: `series-toggle c${j.index % PALETTE_SIZE}`, "data-job-id": j.id, "aria-pressed": "true",
  }, h("span", { class: "swatch", "aria-hidden": "true" }), label(j)));

  const chart = new LineChart(svg, {
    label: "Train loss of the compared jobs against step",
    smoothedOnly: true,
    describedBy: "cursor-readout",
    onCursor: (step) => {
      chart.setCursor(step);
      drawCompareReadout(readout, chart, step);
    },
  });
  chart.smoothing = smoothingValue;
  chart.logScale = logScale.checked;
  chart.setSeries(shown.map((j) => ({
    key: j.key, label: label(j), className: `c${j.index % PALETTE_SIZE}`,
    ...seriesFromSteps(j.history.steps, "train_loss"),
    smooth: true,
    attrs: { "data-job-id": j.id },
  })));

  slider.addEventListener("input", () => {
    chart.smoothing = clampSmoothing(Number(slider.value));
    output.textContent = chart.smoothing.toFixed(2);
    chart.render();
    drawCompareReadout(readout, chart, chart.cursor);
    saveSetting("smoothing", chart.smoothing);
  });
  logScale.addEventListener("change", () => {
    chart.logScale = logScale.checked;
    chart.render();
    saveSetting("logScale", logScale.checked);
  });
  toggles.forEach((button, i) => {
    button.addEventListener("click", () => {
      const hide = button.getAttribute("aria-pressed") === "true";
      button.setAttribute("aria-pressed", hide ? "false" : "true");
      if (hide) chart.hidden.add(shown[i].key);
      else chart.hidden.delete(shown[i].key);
      chart.render();
      drawCompareReadout(readout, chart, chart.cursor);
    });
  });

  main.append(h("section", { class: "panel charts", "aria-labelledby": "chart-title" },
    h("h2", { id: "chart-title" }, "Train loss"),
    h("div", { class: "chart-controls" },
      h("label", {}, h("span", {}, "Smoothing"), slider, output),
      h("label", { class: "check" }, logScale, h("span", {}, "Log scale")),
      h("div", { class: "legend", role: "group", "aria-label": "Jobs shown" }, toggles)),
    readout,
    h("figure", {}, svg)));

  // The settings, one column per job.
  main.append(h("section", { class: "panel", "aria-labelledby": "settings-title" },
    h("h2", { id: "settings-title" }, "Settings side by side"),
    h("p", { class: "muted" }, "Rows whose values differ are marked ≠."),
    h("div", { class: "table-wrap" }, settingsTable(shown))));

  chart.render();
  drawCompareReadout(readout, chart, null);
  markReady();
}

function label(j) {
  const suffix = j.history.job.suffix || (j.job && (j.job.suffix || j.job.user_provided_suffix));
  return suffix ? `${j.id} (${suffix})` : j.id;
}


function settingsTable(jobs) {
  const now = nowSeconds();
  const rows = [
    ["Status", (j) => j.history.job.status, (j) => statusBadge(j.history.job.status)],
    ["Model", (j) => j.history.job.model],
    ["Fine-tuned model", (j) => j.history.job.fine_tuned_model],
    ["Suffix", (j) => j.history.job.suffix ?? (j.job ? j.job.user_provided_suffix ?? j.job.suffix : null)],
    ["Method", (j) => (j.job && j.job.method ? j.job.method.type : null)],
    ["n_epochs", (j) => hyperparameters(j.job).n_epochs],
    ["batch_size", (j) => hyperparameters(j.job).batch_size],
    ["learning_rate_multiplier", (j) => hyperparameters(j.job).learning_rate_multiplier],
    ["Training file", (j) => (j.job ? j.job.training_file : null)],
    ["Validation file", (j) => (j.job ? j.job.validation_file : null)],
    ["Seed", (j) => (j.job ? j.job.seed : null)],
    ["Trained tokens", (j) => (Number.isFinite(j.history.job.trained_tokens) ? formatInteger(j.history.job.trained_tokens) : null)],
    ["Cost", (j) => (Number.isFinite(j.history.job.cost_usd) ? formatCost(j.history.job.cost_usd, j.history.job.cost_estimated) : null)],
    ["Steps", (j) => {
      const steps = j.history.steps || [];
      const last = steps[steps.length - 1];
      return last ? `${formatInteger(last.step)}${Number.isFinite(last.total_steps) ? ` of ${formatInteger(last.total_steps)}` : ""}` : null;
    }],
    ["Duration", (j) => {
      const job = j.history.job;
      if (!Number.isFinite(job.created_at)) return null;
      const end = Number.isFinite(job.finished_at) ? job.finished_at : isTerminal(job.status) ? null : now;
      return end === null ? null : `${formatDuration(end - job.created_at)}${Number.isFinite(job.finished_at) ? "" : " so far"}`;
    }],
    ["Final train loss", (j) => formatNumber(j.history.job.last_train_loss ?? lastValue(j.history.steps, "train_loss"))],
    ["Final valid loss", (j) => formatNumber(lastValue(j.history.steps, "valid_loss"))],
    ["Best checkpoint", (j) => {
      const id = bestCheckpointID(j.history.checkpoints);
      const c = (j.history.checkpoints || []).find((x) => x.id === id);
      if (!c) return null;
      const m = c.metrics || {};
      const v = Number.isFinite(m.valid_loss) ? `valid loss ${formatNumber(m.valid_loss)}` : `train loss ${formatNumber(m.train_loss)}`;
      return `step ${formatInteger(c.step_number)}, ${v}`;
    }],
  ];
  const head = h("thead", {}, h("tr", {},
    h("th", { scope: "col" }, "Setting"),
    jobs.map((j) => h("th", { scope: "col", "data-job-id": j.id },
      h("span", { class: `swatch c${j.index % PALETTE_SIZE}`, "aria-hidden": "true" }),
      h("a", { href: `/jobs/${encodeURIComponent(j.account)}/${encodeURIComponent(j.id)}` }, j.id)))));
  const body = h("tbody");
  for (const [name, valueOf, render] of rows) {
    const values = jobs.map((j) => {
      const v = valueOf(j);
      return v === null || v === undefined || v === "" ? "—" : String(v);
    });
    const differs = valuesDiffer(values);
    body.append(h("tr", { class: differs ? "differs" : null, "data-setting": name },
      h("th", { scope: "row" }, name, differs ? h("span", { class: "differs-mark", title: "values differ" }, " ≠") : null),
      jobs.map((j, i) => h("td", {}, render && values[i] !== "—" ? render(j) : values[i]))));
  }
  return h("table", { id: "compare-settings", class: "data settings" }, head, body);
}

function drawCompareReadout(box, chart, step) {
  clear(box);
  if (step === null || step === undefined) {
    box.append(h("span", { class: "muted" }, "Hover over the chart, or focus it and use ← →, to read each job's loss at a step."));
    return;
  }
  box.append(h("strong", {}, `Step ${formatInteger(step)}`));
  for (const v of chart.valuesAt(step)) {
    if (v.hidden || v.value === null) continue;
    const shown = v.smoothed ?? v.value;
    box.append(h("span", { class: `reading ${v.className}` }, h("span", { class: "swatch", "aria-hidden": "true" }),
      `${v.label} ${formatNumber(shown)}${v.step !== step ? ` at step ${formatInteger(v.step)}` : ""}`));
  }
}

// ——— Start: pick the page from <body data-page> and draw it ———

const pages = { jobs: showJobsPage, job: showJobPage, compare: showComparePage };

async function start() {
  document.body.dataset.updates = "0";
  const show = pages[document.body.dataset.page] || showJobsPage;
  let info = { poll_interval: 30, accounts: ["default"], read_only: true, version: "" };
  try {
    info = { ...info, ...(await getJSON("/api/info")) };
  } catch (error) {
    // The page can still be drawn with the defaults; say why live updates may lag.
    showError(error);
  }
  try {
    await show(info);
  } catch (error) {
    showError(error);
    document.body.dataset.ready = "1";
  }
  if (info.version) {
    document.body.appendChild(
      h("footer", { class: "site" }, `ftd ${info.version}`, info.read_only ? " · read-only" : ""),
    );
  }
}

// Imported by node for its tests, the module only defines; in a page it starts.
if (typeof window !== "undefined" && typeof document !== "undefined") {
  // Nothing escapes to the console: any failure becomes a message on the page.
  window.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    showError(event.reason);
  });
  start().catch((error) => {
    const box = h("div", { class: "error", role: "alert" }, describeError(error));
    document.body.prepend(box);
  });
}
