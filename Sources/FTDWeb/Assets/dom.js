// DOM and network helpers. Job data only ever reaches the page as text nodes and
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
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttributes(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttributes(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A failure worth showing to a person: the server's problem message or the network's. */
export class LoadError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "LoadError";
    this.status = status;
  }
}

/** GET a JSON route of this server; throws LoadError with a readable message. */
export async function getJSON(url, { signal } = {}) {
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
export function describeError(error) {
  if (error instanceof LoadError) return error.message;
  if (error && typeof error.message === "string") return `Something went wrong drawing this page: ${error.message}`;
  return "Something went wrong drawing this page.";
}

/** The page-wide message box (role=alert), created on demand at the top of <main>. */
export function showError(error, where) {
  const box = ensureBox("page-error", "error", where);
  box.textContent = describeError(error);
  box.hidden = false;
}

export function clearError() {
  const box = document.getElementById("page-error");
  if (box) box.hidden = true;
}

/** A quiet notice for live updates that failed; cleared on the next success. */
export function showNotice(text) {
  const box = ensureBox("live-notice", "notice");
  box.textContent = text;
  box.hidden = false;
}

export function clearNotice() {
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

export function markReady() {
  document.body.dataset.ready = "1";
}

/** Counts the live updates that changed something (the browser tests wait on it). */
export function bumpUpdates() {
  const n = Number(document.body.dataset.updates || "0") + 1;
  document.body.dataset.updates = String(n);
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** An absolute local time for a title attribute: "2024-05-13 02:09:44". */
export function absoluteTime(seconds) {
  if (!Number.isFinite(seconds)) return "";
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A `<time>` element: relative text, absolute time in its title and datetime. */
export function timeElement(seconds, relativeText) {
  if (!Number.isFinite(seconds)) return h("span", { class: "muted" }, "—");
  return h(
    "time",
    { datetime: new Date(seconds * 1000).toISOString(), title: absoluteTime(seconds) },
    relativeText,
  );
}

/** A status badge: the word, and a colour from its class. */
export function statusBadge(status, attrs = {}) {
  const word = String(status || "unknown");
  const known = /^[a-z_]+$/.test(word) ? word : "unknown";
  return h("span", { class: `status status-${known}`, ...attrs }, word);
}

/** Calls `fn` once `ms` after the last call. */
export function debounce(fn, ms) {
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
export function startPolling(seconds, tick, shouldContinue) {
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
export async function copyText(text, fallbackElement) {
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
export function loadSetting(key, fallback) {
  try {
    const v = window.localStorage.getItem(`ftd.${key}`);
    return v === null ? fallback : JSON.parse(v);
  } catch {
    return fallback;
  }
}

export function saveSetting(key, value) {
  try {
    window.localStorage.setItem(`ftd.${key}`, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the setting lasts only for this page.
  }
}

/** The page's header: the product name linking home, and a title area. */
export function pageFrame(...headerExtras) {
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
