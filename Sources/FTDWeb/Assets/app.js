// The dashboard's script: one entry module that picks the page from
// <body data-page="jobs|job|compare"> and draws it from the JSON routes.

import { describeError, getJSON, h, showError } from "./dom.js";
import { showJobsPage } from "./jobs-page.js";
import { showJobPage } from "./job-page.js";
import { showComparePage } from "./compare-page.js";

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

// Nothing escapes to the console: any failure becomes a message on the page.
window.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  showError(event.reason);
});

start().catch((error) => {
  const box = h("div", { class: "error", role: "alert" }, describeError(error));
  document.body.prepend(box);
});
