// Pure functions of the dashboard: no DOM, no fetch, no clock unless passed in.
// app.js and the pages import them; Tests/Web/app-logic.test.mjs tests them with node.

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

/** Ticks for a log axis over [min, max] (both > 0): powers of ten, with 2 and 5 when few. */
export function logTicks(min, max) {
  if (!(min > 0) || !(max > 0)) return [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const multipliers = hi - lo <= 2 ? [1, 2, 5] : [1];
  const ticks = [];
  for (let e = lo; e <= hi; e += 1) {
    for (const m of multipliers) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
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

/** The events of a refresh that are not shown yet (a refresh may overlap the shown ones). */
export function unseenEvents(candidates, shown) {
  const known = new Set(shown.map((e) => e.cursor || e.id));
  return candidates.filter((e) => !known.has(e.cursor || e.id));
}
