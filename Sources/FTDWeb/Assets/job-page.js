// One job (/jobs/{account}/{id}): facts, timeline, Loss and Token accuracy charts with a
// shared cursor, checkpoints, the Messages panel (paged, filtered by the server) and hook
// runs. While the job is active the page refreshes itself.

import { LineChart } from "./chart.js";
import {
  bumpUpdates, clear, clearError, clearNotice, copyText, debounce, describeError, getJSON, h,
  loadSetting, markReady, nowSeconds, pageFrame, saveSetting, showError, showNotice, statusBadge,
  timeElement, absoluteTime,
} from "./dom.js";
import {
  bestCheckpointID, formatDuration, formatInteger, formatNumber, formatRelative, hyperparameters,
  isTerminal, refreshSeconds, unseenEvents, seriesFromSteps, stateDurations,
} from "./logic.js";

/** Steps asked of the server per chart refresh: plenty for any screen, cheap to draw. */
export const MAX_POINTS = 2000;
/** Events fetched per page of the Messages panel. */
const EVENT_PAGE = 200;
/** At most this many messages are in the DOM at once, however many pages were loaded. */
const EVENT_WINDOW = 600;

const SERIES = [
  { key: "train", label: "train", className: "s-train" },
  { key: "valid", label: "valid", className: "s-valid" },
  { key: "full_valid", label: "full valid", className: "s-full-valid" },
];

export async function showJobPage(info) {
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
  const eventQuery = (extra) => {
    const p = new URLSearchParams(extra);
    if (view.levelFilter.value) p.set("level", view.levelFilter.value);
    const q = view.messageFilter.value.trim();
    if (q) p.set("q", q);
    return `${base}/events?${p.toString()}`;
  };

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

  main.append(
    h("div", { class: "columns" }, factsSection, timelineSection),
    chartsSection, checkpointsSection, messagesSection, hooksSection);
  view.sections = [factsSection, timelineSection, chartsSection, checkpointsSection, messagesSection, hooksSection];
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
