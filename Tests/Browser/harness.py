"""The scene the browser tests and scripts/screenshots share: `ftd sim`, `ftd run` with the
dashboard on, and headless Chromium driven over WebDriver, all on 127.0.0.1.

Python standard library and Debian's python3-selenium only. Every process started here
is stopped by Scene.close(), which runs on success, on failure and on Ctrl-C/SIGTERM.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

# No request of ours may go through a proxy: not the test's own HTTP requests, not
# selenium's connection to chromedriver, not Chromium's.
for _name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

WAIT = 30  # seconds: the longest any single wait may take (a busy 2-core CI machine)


class Skip(Exception):
    """The browser cannot be started here: the tests are skipped, not failed."""


class SceneError(Exception):
    pass


def http(method, url, body=None, headers=None, timeout=WAIT):
    """(status, headers, bytes) of one request; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get_json(url):
    status, _, body = http("GET", url)
    if status != 200:
        raise SceneError(f"GET {url}: {status} {body[:300]!r}")
    return json.loads(body)


def eventually(what, condition, timeout=WAIT, interval=0.2):
    """Polls condition() until it returns something truthy, which it returns."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - reported if it never succeeds
            last_error = error
        if time.monotonic() > deadline:
            raise SceneError(f"timed out after {timeout}s waiting for {what}" + (f" ({last_error})" if last_error else ""))
        time.sleep(interval)


def find_browser():
    """(chromium, chromedriver) paths, or raises Skip saying what is missing."""
    chromium = os.environ.get("CHROMIUM_BIN") or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    driver = os.environ.get("CHROMEDRIVER_BIN") or shutil.which("chromedriver")
    if not chromium or not os.access(chromium, os.X_OK):
        raise Skip("no Chromium (install the Debian package chromium, or set CHROMIUM_BIN)")
    if not driver or not os.access(driver, os.X_OK):
        raise Skip("no chromedriver (install the Debian package chromium-driver, or set CHROMEDRIVER_BIN)")
    return chromium, driver


class Scene:
    """One simulator, one daemon with the dashboard, one browser."""

    def __init__(self, ftd, speed, finished_jobs, active_jobs, finished_steps=30, scenario="elle"):
        self.ftd = os.path.abspath(ftd)
        self.directory = tempfile.mkdtemp(prefix="ftd-browser-")
        self.processes = []
        self.driver = None
        self.sim_args = ["sim", "--port", "0", "--speed", str(speed), "--scenario", scenario,
                         "--finished-jobs", str(finished_jobs), "--finished-steps", str(finished_steps),
                         "--active-jobs", str(active_jobs)]
        self.sim = None  # http://127.0.0.1:PORT/v1
        # A second account, on Azure: the dashboard's account filter and column.
        self.azure_args = ["sim", "--port", "0", "--flavor", "azure", "--speed", str(speed),
                           "--scenario", "diverging", "--finished-jobs", "2", "--finished-steps", "10"]
        self.azure = None  # http://127.0.0.1:PORT (the resource's endpoint)
        self.base = None  # http://127.0.0.1:PORT/ (the dashboard)

    # Processes

    def _start(self, name, args, env=None):
        log = open(os.path.join(self.directory, name + ".log"), "wb")
        process = subprocess.Popen(
            [self.ftd] + args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            cwd=self.directory, env=env, start_new_session=True)
        log.close()
        self.processes.append((name, process))
        return process

    def log(self, name):
        try:
            with open(os.path.join(self.directory, name + ".log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def _announced(self, name, process, pattern):
        def find():
            if process.poll() is not None:
                raise SceneError(f"{name} exited with {process.returncode}:\n{self.log(name)[-3000:]}")
            match = re.search(pattern, self.log(name))
            return match and match.group(1)
        try:
            return eventually(f"{name} to announce its address", find, interval=0.1)
        except SceneError as error:
            raise SceneError(f"{error}\n--- {name} log ---\n{self.log(name)[-3000:]}") from None

    def start_sim(self):
        process = self._start("sim", self.sim_args)
        self.sim = self._announced("sim", process, r"serving on (http://127\.0\.0\.1:\d+/v1)")
        azure = self._start("azure", self.azure_args)
        self.azure = self._announced("azure", azure, r"serving on (http://127\.0\.0\.1:\d+)\s")

    def start_daemon(self):
        config = os.path.join(self.directory, "ftd.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"""[[accounts]]
name = "default"
base_url = "{self.sim}"
max_retries = 1

[[accounts]]
name = "azure-eu"
provider = "azure"
endpoint = "{self.azure}"
api_key_env = "AZURE_OPENAI_API_KEY"
max_retries = 1

[poll]
interval = 1
idle_interval = 1

[storage]
database = "{os.path.join(self.directory, 'state', 'ftd.sqlite3')}"

[http]
listen = "127.0.0.1:0"
""")
        env = dict(os.environ, OPENAI_API_KEY="sk-test", AZURE_OPENAI_API_KEY="azure-test")
        env.pop("OPENAI_BASE_URL", None)
        process = self._start("daemon", ["run", "--config", config], env=env)
        # `ftd run` logs "dashboard on http://HOST:PORT/" (stderr, with its other log lines).
        self.base = self._announced("daemon", process, r"dashboard on (http://127\.0\.0\.1:\d+/)")

    def start_browser(self, dark=False):
        """Headless Chromium; raises Skip when it (or chromedriver, or selenium) cannot start."""
        chromium, chromedriver = find_browser()
        try:
            from selenium import webdriver
            from selenium.common.exceptions import WebDriverException
            from selenium.webdriver.chrome.service import Service
        except ImportError as error:
            raise Skip(f"selenium is not importable by {sys.executable} ({error}; install python3-selenium)")
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-proxy-server",
                         "--window-size=1280,900", "--disable-dev-shm-usage", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-default-apps", "--disable-sync", "--hide-scrollbars",
                         "--force-device-scale-factor=1", f"--user-data-dir={self.directory}/chromium"):
            options.add_argument(argument)
        if dark:
            options.add_argument("--force-dark-mode")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # An alert() stays open and makes the next command fail with UnexpectedAlertPresent.
        options.set_capability("unhandledPromptBehavior", "ignore")
        class LoopbackService(Service):
            """chromedriver asked at 127.0.0.1, not at whatever "localhost" resolves to."""

            @property
            def service_url(self):
                return f"http://127.0.0.1:{self.port}"

        service = LoopbackService(chromedriver, log_path=os.path.join(self.directory, "chromedriver.log"))
        try:
            self.driver = webdriver.Chrome(service=service, options=options)
        except WebDriverException as error:
            try:
                service.stop()
            except Exception:  # noqa: BLE001
                pass
            raise Skip(f"Chromium or chromedriver did not start: {str(error.msg or error).strip().splitlines()[0]}")
        self.driver.set_page_load_timeout(WAIT)
        self.driver.set_script_timeout(WAIT)
        # The first tab starts on Chromium's own new-tab page (chrome://…): leave it, and
        # forget its log, so that the logs hold only what the dashboard's pages did.
        self.driver.get("about:blank")
        self.driver.get_log("performance")
        self.driver.get_log("browser")
        return self.driver

    def close(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception:  # noqa: BLE001 - the browser may already be gone
                try:
                    self.driver.service.stop()
                except Exception:  # noqa: BLE001
                    pass
            self.driver = None
        for _, process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        self.processes = []
        if os.environ.get("FTD_BROWSER_KEEP"):
            print(f"kept {self.directory}", file=sys.stderr)
        else:
            shutil.rmtree(self.directory, ignore_errors=True)

    # The simulator's API, as a user creating jobs would call it

    def sim_request(self, method, path, body=None, content_type="application/json"):
        headers = {"Authorization": "Bearer sk-test"}
        if body is not None:
            headers["Content-Type"] = content_type
        status, _, data = http(method, self.sim + path, body, headers)
        if status != 200:
            raise SceneError(f"{method} {path} on the simulator: {status} {data[:300]!r}")
        return json.loads(data)

    def upload(self, filename, content):
        """Uploads a fine-tuning file and waits until the simulator has processed it."""
        boundary = "ftdbrowsertest7f3a"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                f"Content-Type: application/jsonl\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        file = self.sim_request("POST", "/files", body, f"multipart/form-data; boundary={boundary}")
        eventually(f"file {file['id']} to be processed",
                   lambda: self.sim_request("GET", "/files/" + file["id"])["status"] == "processed")
        return file["id"]

    def create_job(self, training_file, suffix, model="gpt-4o-mini-2024-07-18", validation_file=None):
        body = {"model": model, "training_file": training_file, "suffix": suffix}
        if validation_file:
            body["validation_file"] = validation_file
        return self.sim_request("POST", "/fine_tuning/jobs", json.dumps(body).encode())["id"]

    # The dashboard

    def api(self, path):
        return get_json(urllib.parse.urljoin(self.base, path))

    def jobs(self):
        return self.api("api/jobs")

    def wait_for_job(self, job_id, statuses=None, timeout=60):
        def stored():
            job = next((j for j in self.jobs() if j["id"] == job_id), None)
            return job if job and (statuses is None or job["status"] in statuses) else None
        return eventually(f"the daemon to store {job_id}" + (f" as {'/'.join(statuses)}" if statuses else ""),
                          stored, timeout=timeout, interval=0.3)


def chat_examples(count):
    lines = []
    for n in range(count):
        lines.append(json.dumps({"messages": [
            {"role": "user", "content": f"What is {n} + {n}?"},
            {"role": "assistant", "content": f"{n + n}"}]}))
    return ("\n".join(lines) + "\n").encode()


def install_signal_handlers():
    """SIGINT, SIGTERM and SIGHUP end the run like Ctrl-C does, so every `finally` cleans
    up (SIGINT too: a shell starts background commands with it ignored)."""
    def interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)
