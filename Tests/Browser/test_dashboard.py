#!/usr/bin/python3
"""The dashboard in a real browser (issue 14, "Tested in a real browser").

One `ftd sim` (a few finished jobs, Elle, a long-running active job, and two jobs with
hostile strings created through its API), one `ftd run` with `[http]`, one headless
Chromium; every check drives the pages as a person would and relies only on the DOM
contract the pages keep for these tests (ids and data-* attributes: body[data-ready],
tr[data-job-id], path[data-series][data-points], li[data-event-id], ...).
Run it with scripts/browser-test.

Environment: FTD_BIN (default .build/debug/ftd); FTD_BROWSER_TESTS=required makes a
browser that cannot start a failure instead of a skip; FTD_BROWSER_KEEP=1 keeps the temp
directory (logs, database) for a look after a failure.
"""

import json
import os
import re
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import WAIT, Scene, SceneError, Skip  # noqa: E402

SPEED = 60  # Elle and the hostile jobs finish in seconds; the long job makes 2 steps a second.
FINISHED_JOBS = 2
FINISHED_STEPS = 30
ACTIVE_JOBS = 1

# At most 64 characters (the API's limit for a suffix).
HOSTILE_SUFFIX = "<img src=x onerror=alert(1)><script>alert(2)</script>"
# An unknown role in a training file comes back in the job's error and its error event.
HOSTILE_ROLE = "<script>alert(3)</script><img src=x onerror=alert(4)>"

SCENE = None
JOBS = {}  # name -> job id: archive, archive2, long, elle, validated, xss_suffix, xss_event
WARNINGS = []  # console warnings seen on any page, reported at the end
UNATTRIBUTED = []  # console errors logged between tests


def setUpScene(scene):
    """Starts the browser first (a machine without one skips cheaply), then the simulator,
    creates the hostile jobs, starts the daemon and waits until it has stored them."""
    scene.start_browser()
    scene.start_sim()
    suffix_file = scene.upload("arith.jsonl", harness.chat_examples(10))
    JOBS["xss_suffix"] = scene.create_job(suffix_file, HOSTILE_SUFFIX)
    # Validation every 10 steps and at each epoch's end: the valid and full-valid series.
    JOBS["validated"] = scene.create_job(suffix_file, "validated",
                                         validation_file=scene.upload("valid.jsonl", harness.chat_examples(10)))
    bad = json.dumps({"messages": [{"role": HOSTILE_ROLE, "content": "hi"},
                                   {"role": "assistant", "content": "hello"}]}).encode() + b"\n"
    JOBS["xss_event"] = scene.create_job(scene.upload("bad-role.jsonl", bad), "xss-event")
    listed = scene.sim_request("GET", "/fine_tuning/jobs?limit=100")["data"]
    by_suffix = {job.get("user_provided_suffix"): job["id"] for job in listed}
    JOBS["archive"], JOBS["archive2"] = by_suffix["archive-1"], by_suffix["archive-2"]
    JOBS["long"], JOBS["elle"] = by_suffix["long-1"], by_suffix["elle"]
    scene.start_daemon()
    for name in ("archive", "archive2"):
        scene.wait_for_job(JOBS[name], ["succeeded"])
    scene.wait_for_job(JOBS["long"], ["running"])
    scene.wait_for_job(JOBS["xss_suffix"])
    scene.wait_for_job(JOBS["xss_event"], ["failed"])


class DashboardTestCase(unittest.TestCase):
    longMessage = True

    @property
    def driver(self):
        return SCENE.driver

    def setUp(self):
        from selenium.common.exceptions import NoAlertPresentException
        try:  # an alert a failed test left open would fail every test after it
            self.driver.switch_to.alert.dismiss()
        except NoAlertPresentException:
            pass
        self.console = []
        self.requests = []  # (url, method, type) of every request the page made
        self._drain(into_test=False)

    # Logs

    def _drain(self, into_test=True):
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "WARNING":
                WARNINGS.append((self.id().split(".")[-1], entry["message"]))
            if into_test:
                self.console.append(entry)
            elif entry["level"] == "SEVERE":
                UNATTRIBUTED.append(entry["message"])
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message.get("method") == "Network.requestWillBeSent":
                request = params["request"]
                self.requests.append((request["url"], request["method"], params.get("type")))
            elif message.get("method") == "Network.webSocketCreated":
                self.requests.append((params["url"], "GET", "WebSocket"))

    def assertHygiene(self):
        """(g) No console errors, and no request left 127.0.0.1, on the pages this test saw."""
        self._drain()
        errors = [e["message"] for e in self.console if e["level"] == "SEVERE"]
        self.assertEqual(errors, [], "the browser console has errors")
        outside = []
        for url, method, kind in self.requests:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue  # never leaves the machine (CSP decides whether it is allowed)
            if parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname != "127.0.0.1":
                outside.append(f"{method} {url} ({kind})")
        self.assertEqual(outside, [], "requests went somewhere else than 127.0.0.1")

    # Pages

    def visit(self, path):
        self._drain()
        self.driver.get(urllib.parse.urljoin(SCENE.base, path))
        self.waitReady()

    def waitReady(self):
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return !!document.body && document.body.dataset.ready === '1'"),
            f"body[data-ready=\"1\"] never came on {self.driver.current_url}")

    def waitFor(self, what, condition, timeout=WAIT):
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda d: condition(), what)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def css(self, selector):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def click(self, selector):
        """Clicks the element as a person would, finding it again if the page redrew it
        (the list redraws its rows while a job is active)."""
        from selenium.common.exceptions import StaleElementReferenceException

        def attempt():
            try:
                found = self.css(selector)
                if not found:
                    return False
                self.js("arguments[0].scrollIntoView({block: 'center'})", found[0])
                found[0].click()
                return True
            except StaleElementReferenceException:
                return False
        self.waitFor(f"a click on {selector}", attempt)

    def rawSeries(self, chart, series):
        """The data-points of a chart's raw (unsmoothed) path of that series, or None."""
        return self.js(
            "const p = document.querySelector(`svg#${arguments[0]} path[data-series=\"${arguments[1]}\"]"
            ":not([data-smoothed])`); return p ? Number(p.getAttribute('data-points')) : null;",
            chart, series)

    def maxPointsRequested(self, job_id):
        """The max_points the page asked for with its job's history, from the network log."""
        self._drain()
        pattern = re.compile(r"/api/jobs/default/" + re.escape(job_id) + r"\?(?:.*&)?max_points=(\d+)")
        found = [int(m.group(1)) for url, _, _ in self.requests for m in [pattern.search(url)] if m]
        self.assertTrue(found, f"the page never requested /api/jobs/default/{job_id}?max_points=N "
                               f"(requests: {[u for u, _, _ in self.requests]})")
        return found[-1]

    def assertNoInjection(self, where):
        from selenium.common.exceptions import NoAlertPresentException
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            self.fail(f"{where}: an alert dialog opened ({text!r}): a hostile string became script")
        except NoAlertPresentException:
            pass
        injected = self.js("""
            return {
              img: document.querySelectorAll('img[src="x"]').length,
              handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
              scripts: [...document.scripts].filter(s => !s.src || new URL(s.src).pathname.indexOf('/assets/') !== 0)
                                            .map(s => s.outerHTML.slice(0, 120)),
            };""")
        self.assertEqual(injected["img"], 0, f"{where}: an <img src=x> was injected")
        self.assertEqual(injected["handlers"], 0, f"{where}: an element with an inline event handler was injected")
        self.assertEqual(injected["scripts"], [], f"{where}: a script element was injected")


class Dashboard(DashboardTestCase):

    def test_a_list_shows_the_jobs(self):
        # Asked before the page: a job finished by then shows as finished on it (one that
        # finishes later may still read "running" on a page drawn before).
        api = {job["id"]: job for job in SCENE.jobs()}
        self.visit("/")
        shown = self.waitFor("a row for every job of /api/jobs", lambda: (
            lambda ids: ids if set(api) <= set(ids) else None)(
            self.js("return [...document.querySelectorAll('tr[data-job-id]')].map(r => r.dataset.jobId)")))
        self.assertEqual(sorted(shown), sorted(api), "the rows are not the jobs /api/jobs returns")
        # One snapshot in one script: the page redraws its rows while jobs are active, so
        # element handles kept across calls would go stale.
        rows = self.js("""
            const rows = {};
            for (const r of document.querySelectorAll('tr[data-job-id]')) {
              const s = r.querySelector('[data-field="status"]'), a = r.querySelector('a.job-link');
              rows[r.dataset.jobId] = {status: s && s.textContent.trim(),
                                       href: a && new URL(a.href).pathname};
            }
            return rows;""")
        for job_id, job in api.items():
            word = rows[job_id]["status"]
            self.assertIsNotNone(word, f"row {job_id} has no [data-field=status]")
            if job["status"] in ("succeeded", "failed", "cancelled"):
                self.assertIn(job["status"], word.lower(), f"row {job_id} shows the wrong status")
            else:
                self.assertRegex(word.lower(), "validating|queued|running|paused|succeeded|failed|cancelled")
            self.assertEqual(rows[job_id]["href"], f"/jobs/{job['account']}/{job_id}", f"row {job_id}: a.job-link")
        self.assertHygiene()

    def test_b_job_page_draws_both_charts_with_every_point(self):
        SCENE.wait_for_job(JOBS["validated"], ["succeeded"])
        for name in ("archive", "validated"):
            with self.subTest(job=name):
                self.checkCharts(JOBS[name], with_validation=name == "validated")
        self.assertHygiene()

    def checkCharts(self, job_id, with_validation):
        self.visit(f"/jobs/default/{job_id}")
        self.assertIn(job_id, self.css("h1")[0].text if self.css("h1") else "", "h1 holds the job id")
        max_points = self.maxPointsRequested(job_id)
        steps = SCENE.api(f"api/jobs/default/{job_id}?max_points={max_points}")["steps"]
        self.assertGreaterEqual(len(steps), FINISHED_STEPS, "the finished job has its steps stored")
        for chart, field in (("loss-chart", "loss"), ("accuracy-chart", "mean_token_accuracy")):
            for series in ("train", "valid", "full_valid"):
                expected = sum(1 for s in steps if s.get(f"{series}_{field}") is not None)
                if series != "train":
                    self.assertEqual(expected > 0, with_validation, f"{job_id} has {series} points")
                if expected:
                    drawn = self.waitFor(f"svg#{chart} path[data-series={series}]",
                                         lambda: self.rawSeries(chart, series))
                    self.assertEqual(drawn, expected, f"svg#{chart}: points of the {series} series")
                else:
                    self.assertIn(self.rawSeries(chart, series), (None, 0), f"svg#{chart} draws an absent series")
        self.assertTrue(self.css('svg#loss-chart path[data-series="train"][data-smoothed="1"]'),
                        "the loss chart has no smoothed train line")

    def test_c_messages_panel_shows_steps_and_filters(self):
        job_id = JOBS["archive"]
        self.visit(f"/jobs/default/{job_id}")

        def items():
            return self.js("return [...document.querySelectorAll('#messages ol#message-list li[data-event-id]')]"
                           ".map(li => li.textContent)")
        every = self.waitFor("the step messages in #message-list", lambda: (
            lambda texts: texts if any("Step 1/" in t for t in texts) else None)(items()))
        self.assertTrue(any(f"Step {FINISHED_STEPS}/{FINISHED_STEPS}" in t for t in every), "the last step's message")

        from selenium.webdriver.support.ui import Select
        level = Select(self.css("select#level-filter")[0])
        level.select_by_value("error")  # this job succeeded: no error events
        self.waitFor("the level filter 'error' to empty the list", lambda: len(items()) == 0)
        level.select_by_value("info")
        self.waitFor("the level filter 'info' to show the step messages again",
                     lambda: any("Step 1/" in t for t in items()))
        level.select_by_value("")
        self.waitFor("all messages again with every level", lambda: len(items()) == len(every))

        # What a person types to find the first step, a space and a slash included.
        search = self.css("input#message-filter")[0]
        search.send_keys("Step 1/")
        try:
            only = self.waitFor("the text filter to leave one message", lambda: (
                lambda texts: texts if texts and all("Step 1/" in t for t in texts) else None)(items()))
        except Exception:
            self._drain()
            asked = [u for u, _, _ in self.requests if "/events" in u][-1:]
            self.fail(f"the text filter 'Step 1/' left {len(items())} messages, not the one of step 1 "
                      f"(the page asked {asked})")
        self.assertEqual(len(only), 1, "the text filter 'Step 1/' matches exactly step 1")
        search.clear()
        self.js("arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", search)
        self.waitFor("all messages again after clearing the filter", lambda: len(items()) == len(every))
        self.assertHygiene()

    def test_d_a_new_step_appears_live_without_reload(self):
        job_id = JOBS["long"]
        self.visit(f"/jobs/default/{job_id}")
        max_points = self.maxPointsRequested(job_id)
        points = self.waitFor("the live job's train series", lambda: self.rawSeries("loss-chart", "train"))
        updates = int(self.js("return document.body.dataset.updates || '0'"))
        self.js("window.__ftdNoReload = 'still here';")
        started = time.monotonic()
        if points < max_points:
            grown = self.waitFor(f"the train series to grow beyond {points} points",
                                 lambda: (self.rawSeries("loss-chart", "train") or 0) > points and
                                 self.rawSeries("loss-chart", "train"))
        else:  # downsampled to max_points: the count stays; the page counts its updates
            grown = self.waitFor("body.dataset.updates to grow",
                                 lambda: int(self.js("return document.body.dataset.updates || '0'")) > updates)
        print(f"\n    live: {points} -> {grown} points in {time.monotonic() - started:.1f}s", end=" ", file=sys.stderr)
        # The page counts an update once all of it is drawn, which may be a moment after the chart.
        self.waitFor("body.dataset.updates to count the live update",
                     lambda: int(self.js("return document.body.dataset.updates || '0'")) > updates)
        self.assertEqual(self.js("return window.__ftdNoReload"), "still here", "the page was reloaded")
        self.assertHygiene()

    def test_e_compare_overlays_two_curves(self):
        first, second = JOBS["archive"], JOBS["archive2"]
        self.visit("/")
        for job_id in (first, second):
            self.click(f'tr[data-job-id="{job_id}"] input.select-job')
            self.waitFor(f"{job_id} to stay selected", lambda: self.js(
                "const b = document.querySelector(arguments[0]); return b && b.checked;",
                f'tr[data-job-id="{job_id}"] input.select-job'))
        self.waitFor("button#compare-selected to be enabled",
                     lambda: self.js("const b = document.querySelector('button#compare-selected');"
                                     "return b && !b.disabled;"))
        self.click("button#compare-selected")
        self.waitFor("the compare page", lambda: urllib.parse.urlsplit(self.driver.current_url).path == "/compare")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.driver.current_url).query)
        self.assertEqual(set(query.get("jobs", [""])[0].split(",")), {first, second})
        self.waitReady()
        paths = self.waitFor("two curves in svg#compare-chart", lambda: (
            lambda ids: ids if len(ids) >= 2 else None)(
            self.js("return [...document.querySelectorAll('svg#compare-chart path[data-job-id]')]"
                    ".map(p => p.dataset.jobId)")))
        self.assertEqual(sorted(paths), sorted([first, second]), "one path per compared job")
        self.assertTrue(self.css("table#compare-settings"), "table#compare-settings")
        # The two archive jobs were trained on different models: that row is marked.
        self.assertTrue(self.css("table#compare-settings tr.differs"), "no differing row marked")
        self.assertHygiene()

    def test_f_hostile_strings_stay_text(self):
        suffix_job, event_job = JOBS["xss_suffix"], JOBS["xss_event"]
        self.visit("/")
        self.waitFor("the hostile job's row", lambda: self.css(f'tr[data-job-id="{suffix_job}"]'))
        self.assertNoInjection("/")
        self.assertIn(HOSTILE_SUFFIX, self.js("return document.body.innerText"), "the suffix is shown as text on /")

        self.visit(f"/jobs/default/{suffix_job}")
        self.assertNoInjection(f"the page of {suffix_job}")
        self.waitFor("the hostile suffix shown as text",
                     lambda: HOSTILE_SUFFIX in self.js("return document.body.innerText"))

        self.visit(f"/jobs/default/{event_job}")
        self.waitFor("the hostile error message shown as text (its event, its error)",
                     lambda: HOSTILE_ROLE in self.js("return document.body.innerText"))
        messages = self.js("return [...document.querySelectorAll('li[data-event-id]')].map(li => li.textContent)")
        self.assertTrue(any(HOSTILE_ROLE in m for m in messages), "the error event holds the hostile role as text")
        self.assertNoInjection(f"the page of {event_job}")
        self.assertHygiene()

    def test_g_no_console_errors_and_nothing_leaves_the_machine(self):
        for path in ("/", f"/jobs/default/{JOBS['elle']}", f"/jobs/default/{JOBS['long']}",
                     f"/compare?jobs={JOBS['archive']},{JOBS['elle']}"):
            self.visit(path)
            self._drain()
            self.assertTrue(any(urllib.parse.urlsplit(u).path.startswith("/api/") for u, _, _ in self.requests),
                            f"{path}: the network log shows no request for the page's data")
            self.assertHygiene()
            self.requests, self.console = [], []
        self.assertEqual(UNATTRIBUTED, [], "console errors logged between tests")

    def test_h_pages_send_the_content_security_policy(self):
        for path in ("/", f"/jobs/default/{JOBS['archive']}", f"/compare?jobs={JOBS['archive']},{JOBS['elle']}",
                     "/assets/app.js"):
            status, headers, _ = harness.http("GET", urllib.parse.urljoin(SCENE.base, path))
            self.assertEqual(status, 200, path)
            policy = headers.get("Content-Security-Policy") or ""
            self.assertIn("default-src 'self'", policy, f"{path}: Content-Security-Policy")
        self.assertNotIn("unsafe-inline", policy)

    def test_i_the_account_filter_lists_one_accounts_jobs(self):
        azure = {job["id"] for job in SCENE.api("/api/jobs?account=azure-eu")}
        self.assertEqual(len(azure), 3, "the Azure account's three jobs are not stored")
        self.visit("/")
        self.waitFor("the account filter", lambda: self.js(
            "return document.querySelector('#account-filter') !== null"))
        options = self.js("return [...document.querySelectorAll('#account-filter option')].map(o => o.value)")
        self.assertEqual(options, ["", "default", "azure-eu"])
        self.js("""const s = document.querySelector('#account-filter');
                   s.value = 'azure-eu'; s.dispatchEvent(new Event('change'));""")
        shown = self.waitFor("only the Azure account's rows", lambda: (
            lambda ids: ids if ids and set(ids) == azure else None)(
            self.js("return [...document.querySelectorAll('tr[data-job-id]')].map(r => r.dataset.jobId)")))
        self.assertEqual(set(shown), azure)
        self.assertIn("account=azure-eu", self.driver.current_url)
        link = self.js("return new URL(document.querySelector('tr[data-job-id] a.job-link').href).pathname")
        self.assertTrue(link.startswith("/jobs/azure-eu/ftjob-"), link)
        self.assertHygiene()

    def test_j_the_cost_shows_in_the_list_and_the_job_facts(self):
        elle = JOBS["elle"]
        SCENE.wait_for_job(elle, ["succeeded"])
        jobs = {job["id"]: job for job in SCENE.jobs()}
        job = jobs[elle]
        # Elle trains gpt-3.5-turbo-0125, which has a list price: its cost is known.
        self.assertIsInstance(job.get("cost_usd"), float, "/api/jobs has no cost_usd for Elle")
        self.assertFalse(job["cost_estimated"])
        expected = dollars(job["cost_usd"])
        self.visit("/")
        shown = self.waitFor(f"the cost {expected} in Elle's row", lambda: self.js(
            "const c = document.querySelector(`tr[data-job-id=\"${arguments[0]}\"] [data-field=\"cost\"]`);"
            "return c && c.textContent.trim() === arguments[1] ? c.textContent.trim() : null;", elle, expected))
        self.assertEqual(shown, expected)
        # An Azure account's job is priced from [prices] only: none here, so no cost.
        azure = [job_id for job_id, j in jobs.items() if j["account"] == "azure-eu"]
        self.assertTrue(azure and all(jobs[a]["cost_usd"] is None for a in azure), "an Azure job was priced")
        self.assertEqual(self.js(
            "const c = document.querySelector(`tr[data-job-id=\"${arguments[0]}\"] [data-field=\"cost\"]`);"
            "return c && c.textContent.trim();", azure[0]), "—")

        self.visit(f"/jobs/default/{elle}")
        fact = self.waitFor("the Cost fact", lambda: self.js(
            "const d = document.querySelector('#facts [data-field=\"cost\"]');"
            "return d && d.textContent.trim() !== '—' ? d.textContent.trim() : null;"))
        self.assertEqual(fact, expected, "#facts [data-field=cost]")
        self.assertHygiene()

    def test_k_an_alert_shows_in_the_list_and_on_the_job_page(self):
        # The Azure simulator's diverging job: its train loss climbs, then reads nan.
        def diverged():
            for job in SCENE.api("/api/jobs?account=azure-eu"):
                detail = SCENE.api(f"/api/jobs/azure-eu/{job['id']}")
                if detail.get("alerts"):
                    return job["id"], detail["alerts"]
            return None
        job_id, alerts = self.waitFor("the diverging job's alert", diverged)
        self.assertEqual([a["kind"] for a in alerts], ["loss_diverged"])
        self.visit("/")
        mark = self.waitFor("the alert mark in its row", lambda: self.js(
            "const m = document.querySelector(`tr[data-job-id=\"${arguments[0]}\"] [data-field=\"alerts\"]`);"
            "return m && m.title;", job_id))
        self.assertEqual(mark, "Alerts: Loss diverged")
        # A job without an alert has no mark.
        self.assertEqual(self.js(
            "return document.querySelector(`tr[data-job-id=\"${arguments[0]}\"] [data-field=\"alerts\"]`);",
            JOBS["elle"]), None)

        self.visit(f"/jobs/azure-eu/{job_id}")
        item = self.waitFor("the Alerts panel's item", lambda: self.js(
            "const li = document.querySelector('#alert-list li[data-alert-kind=\"loss_diverged\"]');"
            "return li && {kind: li.querySelector('.alert-kind').textContent,"
            "              message: li.querySelector('.message').textContent,"
            "              children: li.querySelector('.message').children.length};"))
        self.assertEqual(item["kind"], "Loss diverged")
        self.assertEqual(item["message"], alerts[0]["detail"])
        self.assertEqual(item["children"], 0, "the detail is not plain text")
        self.visit(f"/jobs/default/{JOBS['elle']}")
        self.waitFor("Elle's empty Alerts panel", lambda: self.js(
            "const li = document.querySelector('#alert-list li.muted');"
            "return li && li.textContent === 'No alert for this job.';"))
        self.assertHygiene()


def dollars(usd):
    """The page's formatCost for a known, final cost."""
    if 0 < usd < 0.005:
        return "<$0.01"
    return f"${usd:,.2f}"


def main():
    global SCENE
    harness.install_signal_handlers()
    ftd = os.environ.get("FTD_BIN", ".build/debug/ftd")
    if not os.access(ftd, os.X_OK):
        print(f"browser tests: no ftd at {ftd} (build it, or set FTD_BIN)", file=sys.stderr)
        return 1
    started = time.monotonic()
    SCENE = Scene(ftd, SPEED, FINISHED_JOBS, ACTIVE_JOBS, FINISHED_STEPS)
    try:
        try:
            setUpScene(SCENE)
        except Skip as reason:
            if os.environ.get("FTD_BROWSER_TESTS") == "required":
                print(f"browser tests: the browser is required (FTD_BROWSER_TESTS=required): {reason}",
                      file=sys.stderr)
                return 1
            print(f"SKIPPED: browser tests: {reason}")
            return 0
        except SceneError as error:
            print(f"browser tests: the scene did not start: {error}", file=sys.stderr)
            return 1
        print(f"browser tests: dashboard {SCENE.base}, simulator {SCENE.sim}, jobs ready after "
              f"{time.monotonic() - started:.1f}s", file=sys.stderr)
        program = unittest.main(module=__name__, argv=[sys.argv[0], "-v"] + sys.argv[1:], exit=False)
        result = program.result
        if WARNINGS:
            print(f"browser tests: {len(WARNINGS)} console warning(s):", file=sys.stderr)
            for test, message in WARNINGS[:20]:
                print(f"  [{test}] {message}", file=sys.stderr)
        if not result.wasSuccessful():
            print("--- daemon log (last lines) ---\n" + "\n".join(SCENE.log("daemon").splitlines()[-25:]),
                  file=sys.stderr)
        print(f"browser tests: {result.testsRun} run in {time.monotonic() - started:.1f}s", file=sys.stderr)
        return 0 if result.wasSuccessful() and result.testsRun > 0 else 1
    except KeyboardInterrupt:
        print("browser tests: interrupted", file=sys.stderr)
        return 130
    finally:
        SCENE.close()


if __name__ == "__main__":
    sys.exit(main())
