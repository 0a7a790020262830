// The jobs list (/): newest first, 50 a page, filter and search kept in the URL, live rows.

import {
  bumpUpdates, clearError, clearNotice, debounce, describeError, getJSON, h, markReady,
  nowSeconds, pageFrame, s, showError, showNotice, statusBadge, timeElement,
} from "./dom.js";
import {
  STATUSES, formatDuration, formatInteger, formatNumber, formatRelative, isTerminal, refreshSeconds,
} from "./logic.js";

const PAGE_SIZE = 50;

export async function showJobsPage(info) {
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
      h("th", { scope: "col", class: "num" }, "Train loss"))),
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
    const p = new URLSearchParams();
    if (state.status) p.set("status", state.status);
    if (state.account) p.set("account", state.account);
    if (state.q) p.set("q", state.q);
    if (state.page > 1) p.set("page", String(state.page));
    const query = p.toString();
    history.replaceState(null, "", query ? `/?${query}` : "/");
  }

  function overviewURL() {
    const p = new URLSearchParams();
    if (state.status) p.set("status", state.status);
    if (state.account) p.set("account", state.account);
    if (state.q) p.set("q", state.q);
    p.set("limit", String(PAGE_SIZE));
    p.set("offset", String((state.page - 1) * PAGE_SIZE));
    return `/api/overview?${p.toString()}`;
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
      h("td", {}, statusBadge(job.status, { "data-field": "status" })),
      h("td", { class: "job" },
        h("a", { class: "job-link", href: `/jobs/${encodeURIComponent(account)}/${encodeURIComponent(id)}` }, id),
        h("span", { class: "suffix", "data-field": "suffix" }, job.suffix ? String(job.suffix) : "")),
      h("td", {}, account),
      h("td", {}, models),
      h("td", { class: "nowrap" }, timeElement(job.created_at, formatRelative(job.created_at, now))),
      h("td", { class: "nowrap" }, duration ? h("span", { title: active ? "elapsed so far" : "created to finished" }, active ? `${duration} so far` : duration) : "—"),
      h("td", {}, progress),
      h("td", { class: "num" }, loss));
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

  // Live rows: refetch the current page while any shown job is still active.
  const seconds = refreshSeconds(Number(info.poll_interval));
  const tick = async () => {
    if (state.jobs.some((job) => !isTerminal(job.status))) {
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
export function sparkline(values) {
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

