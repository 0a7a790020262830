// Compare (/compare?jobs=ID,ID,…): the jobs' train-loss curves on one chart, and their
// settings side by side with the rows that differ marked.

import { LineChart } from "./chart.js";
import {
  clear, describeError, getJSON, h, loadSetting, markReady, nowSeconds, pageFrame, saveSetting,
  showError, statusBadge,
} from "./dom.js";
import {
  bestCheckpointID, formatDuration, formatInteger, formatNumber, hyperparameters, isTerminal,
  lastValue, parseJobList, seriesFromSteps, valuesDiffer,
} from "./logic.js";

const MAX_POINTS = 1000;
const PALETTE_SIZE = 8;

export async function showComparePage() {
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
    const [history, job] = await Promise.allSettled([getJSON(`${base}?max_points=${MAX_POINTS}`), getJSON(`${base}/job`)]);
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
      drawReadout(readout, chart, step);
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
    drawReadout(readout, chart, chart.cursor);
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
      drawReadout(readout, chart, chart.cursor);
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
  drawReadout(readout, chart, null);
  markReady();
}

function label(j) {
  const suffix = j.history.job.suffix || (j.job && (j.job.suffix || j.job.user_provided_suffix));
  return suffix ? `${j.id} (${suffix})` : j.id;
}

function clampSmoothing(value) {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 0.99) : 0.6;
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

function drawReadout(box, chart, step) {
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
