// The dashboard's pure functions (the exported part of Sources/FTDWeb/Assets/app.js),
// with node's own test runner: `node --test Tests/Web/`. No package, no network. In
// node the module only defines: it starts a page only where `window` and `document` exist.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bestCheckpointID, downsampleForDrawing, ema, formatCost, formatDuration, formatNumber, formatRelative,
  hyperparameters, indexAtOrBefore, isoTime, isTerminal, lastValue, logTicks, nearestIndex, niceTicks,
  parseJobList, queryString, refreshSeconds, seriesFromSteps, stateDurations, unseenEvents, valuesDiffer,
} from "../../Sources/FTDWeb/Assets/app.js";

test("ema with alpha 0 returns the values unchanged", () => {
  assert.deepEqual(ema([3, 1, 2], 0), [3, 1, 2]);
});

test("ema removes the start-up bias: a constant series stays constant", () => {
  for (const v of ema([5, 5, 5, 5], 0.9)) assert.ok(Math.abs(v - 5) < 1e-12);
});

test("ema smooths toward the running average and keeps nulls as gaps", () => {
  const out = ema([0, null, 10], 0.5);
  assert.equal(out[0], 0);
  assert.equal(out[1], null);
  // weights 0.5 (old) and 0.5 (new), debiased by 0.75: (0*0.25 + 10*0.5) / 0.75
  assert.ok(Math.abs(out[2] - 10 * 0.5 / 0.75) < 1e-12);
});

test("downsampleForDrawing keeps short series whole", () => {
  const xs = [1, 2, 3];
  assert.deepEqual(downsampleForDrawing(xs, [3, 2, 1], 10), { xs, ys: [3, 2, 1] });
});

test("downsampleForDrawing keeps first, last and every bucket's spike", () => {
  const n = 100_000;
  const xs = Array.from({ length: n }, (_, i) => i + 1);
  const ys = xs.map((x) => 1 / x);
  ys[54_321] = 50; // a spike
  ys[77_777] = -3; // a dip
  const out = downsampleForDrawing(xs, ys, 500);
  assert.ok(out.xs.length <= 500 * 4, `${out.xs.length} points`);
  assert.equal(out.xs[0], 1);
  assert.equal(out.xs[out.xs.length - 1], n);
  assert.ok(out.ys.includes(50));
  assert.ok(out.ys.includes(-3));
  for (let i = 1; i < out.xs.length; i += 1) assert.ok(out.xs[i] > out.xs[i - 1], "x ascending");
});

test("niceTicks are round numbers covering the range", () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 100, 4), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(3, 3, 5).length > 0, true);
  assert.deepEqual(niceTicks(0.013, 0.0472, 4), [0.02, 0.03, 0.04]);
});

test("logTicks are powers of ten, with 2 and 5 over a short range", () => {
  assert.deepEqual(logTicks(0.001, 10), [0.001, 0.01, 0.1, 1, 10]);
  assert.deepEqual(logTicks(0.15, 3), [0.2, 0.5, 1, 2]);
  assert.deepEqual(logTicks(0.045, 1.7), [0.05, 0.1, 0.2, 0.5, 1]);
  assert.deepEqual(logTicks(0, 3), []);
});

test("formatDuration", () => {
  const cases = [[0, "0s"], [45, "45s"], [185, "3m 05s"], [3600 * 2 + 240, "2h 04m"], [86400 * 3 + 3600 * 4, "3d 4h"]];
  for (const [seconds, text] of cases) assert.equal(formatDuration(seconds), text);
  assert.equal(formatDuration(null), null);
});

test("formatRelative", () => {
  assert.equal(formatRelative(1000, 1003), "just now");
  assert.equal(formatRelative(1000, 1000 + 300), "5 minutes ago");
  assert.equal(formatRelative(1000 + 3600, 1000), "in 1 hour");
  assert.equal(formatRelative(0, 86400 * 2), "2 days ago");
});

test("formatNumber", () => {
  assert.equal(formatNumber(1.23456), "1.235");
  assert.equal(formatNumber(0.00123456), "0.001235");
  assert.equal(formatNumber(null), "—");
  assert.equal(formatNumber(0), "0");
});

test("bestCheckpointID prefers the lowest valid loss, else the lowest train loss", () => {
  const withValid = [
    { id: "a", metrics: { train_loss: 0.1, valid_loss: 0.5 } },
    { id: "b", metrics: { train_loss: 0.3, valid_loss: 0.4 } },
    { id: "c", metrics: { train_loss: 0.05 } },
  ];
  assert.equal(bestCheckpointID(withValid), "b");
  const trainOnly = [{ id: "a", metrics: { train_loss: 0.3 } }, { id: "b", metrics: { train_loss: 0.2 } }];
  assert.equal(bestCheckpointID(trainOnly), "b");
  assert.equal(bestCheckpointID([]), null);
  assert.equal(bestCheckpointID([{ id: "x", metrics: {} }]), null);
});

test("stateDurations: each state lasts until the next; an active last state until now", () => {
  const transitions = [
    { from: null, to: "validating_files", observed_at: 100 },
    { from: "validating_files", to: "queued", observed_at: 130 },
    { from: "queued", to: "running", observed_at: 200 },
  ];
  const out = stateDurations(transitions, 500);
  assert.deepEqual(out.map((t) => t.seconds), [30, 70, 300]);
  assert.equal(out[2].ongoing, true);
  const done = stateDurations([...transitions, { from: "running", to: "succeeded", observed_at: 900 }], 1000);
  assert.equal(done[3].seconds, null);
  assert.equal(done[2].seconds, 700);
});

test("seriesFromSteps keeps only the steps that have the metric", () => {
  const steps = [
    { step: 1, train_loss: 2, valid_loss: null },
    { step: 2, train_loss: 1.5, valid_loss: 1.7 },
    { step: 3, train_loss: 1 },
  ];
  assert.deepEqual(seriesFromSteps(steps, "valid_loss"), { xs: [2], ys: [1.7] });
  assert.deepEqual(seriesFromSteps(steps, "train_loss").xs, [1, 2, 3]);
  assert.equal(lastValue(steps, "valid_loss"), 1.7);
  assert.equal(lastValue(steps, "full_valid_loss"), null);
});

test("indexAtOrBefore and nearestIndex", () => {
  const xs = [10, 20, 30];
  assert.equal(indexAtOrBefore(xs, 5), -1);
  assert.equal(indexAtOrBefore(xs, 20), 1);
  assert.equal(indexAtOrBefore(xs, 29), 1);
  assert.equal(indexAtOrBefore(xs, 99), 2);
  assert.equal(nearestIndex(xs, 24), 1);
  assert.equal(nearestIndex(xs, 26), 2);
  assert.equal(nearestIndex(xs, 0), 0);
  assert.equal(nearestIndex([], 3), -1);
});

test("refreshSeconds is half the poll interval within 1…10", () => {
  assert.equal(refreshSeconds(30), 10);
  assert.equal(refreshSeconds(8), 4);
  assert.equal(refreshSeconds(1), 1);
  assert.equal(refreshSeconds(undefined), 10);
});

test("isTerminal, valuesDiffer, parseJobList, hyperparameters, unseenEvents", () => {
  assert.ok(isTerminal("cancelled") && !isTerminal("paused"));
  assert.equal(valuesDiffer(["3", "3"]), false);
  assert.equal(valuesDiffer(["3", "—"]), true);
  assert.deepEqual(parseJobList(" ftjob-a, ftjob-b,,ftjob-a "), ["ftjob-a", "ftjob-b"]);
  assert.deepEqual(hyperparameters({ method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 3 } } } }), { n_epochs: 3 });
  assert.deepEqual(hyperparameters({ hyperparameters: { n_epochs: 2 } }), { n_epochs: 2 });
  assert.deepEqual(hyperparameters(null), {});
  const shown = [{ cursor: "10.1" }, { cursor: "9.1" }];
  assert.deepEqual(unseenEvents([{ cursor: "11.1" }, { cursor: "10.1" }], shown), [{ cursor: "11.1" }]);
});

test("queryString encodes a space as %20 and leaves out empty values", () => {
  assert.equal(queryString({ q: "Step 1", level: "", after: null, limit: 200 }), "q=Step%201&limit=200");
  assert.equal(queryString({ q: "a&b=c/d+e" }), "q=a%26b%3Dc%2Fd%2Be");
});

test("isoTime: a time a Date cannot hold is null, not a RangeError", () => {
  assert.equal(isoTime(0), "1970-01-01T00:00:00.000Z");
  assert.equal(isoTime(1_700_000_000), "2023-11-14T22:13:20.000Z");
  // A hostile or broken API's created_at: valid JSON, valid Int64, beyond Date's range.
  assert.equal(isoTime(99_999_999_999_999), null);
  assert.equal(isoTime(-99_999_999_999_999), null);
  for (const v of [null, undefined, NaN, Infinity, "1700000000", {}]) assert.equal(isoTime(v), null);
});

test("formatCost shows dollars to the cent, grouped, an estimate with ~, and unknown as a dash", () => {
  assert.equal(formatCost(3.703701), "$3.70");
  assert.equal(formatCost(1234.565), "$1,234.57");
  assert.equal(formatCost(0.07936, true), "~$0.08");
  assert.equal(formatCost(0), "$0.00");
  assert.equal(formatCost(0.000008), "<$0.01");
  assert.equal(formatCost(null), "—");
  assert.equal(formatCost(undefined, true), "—");
  assert.equal(formatCost("3.5"), "—");
});
