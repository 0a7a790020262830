#!/usr/bin/python3
"""scripts/bench-page.py URL RUNS: loads a dashboard page in headless Chromium RUNS times
and prints the median milliseconds from the start of the navigation until the page has
drawn its data (body[data-ready="1"]), then "ok". Used by scripts/bench."""
import os
import statistics
import sys
import time

for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
    os.environ.pop(name, None)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

url, runs = sys.argv[1], int(sys.argv[2])
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-proxy-server",
                 "--window-size=1280,900", "--disable-dev-shm-usage"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    times = []
    for _ in range(runs + 1):  # the first load warms Chromium's caches and is not counted
        driver.get("about:blank")
        start = time.monotonic()
        driver.get(url)
        deadline = start + 30
        while driver.execute_script('return document.body && document.body.dataset.ready') != "1":
            if time.monotonic() > deadline:
                print("0 failed")
                sys.exit(1)
            time.sleep(0.005)
        # Navigation Timing: from the navigation's start to now, in the page's own clock.
        times.append(driver.execute_script("return performance.now()"))
    print(f"{statistics.median(times[1:]):.0f} ok")
finally:
    driver.quit()
