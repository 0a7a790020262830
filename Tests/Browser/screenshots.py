#!/usr/bin/python3
"""Renders the dashboard to PNG for the README (scripts/screenshots): the jobs list, a
finished job's charts (light, and dark), and that job compared with another, at 1280x900, from
`ftd sim` and `ftd run` on 127.0.0.1 as in the browser tests.

Usage: screenshots.py [OUTPUT_DIR]   (default docs/screenshots; FTD_BIN as for the tests)
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import WAIT, Scene, SceneError, Skip  # noqa: E402


def settle(driver):
    """Waits for body[data-ready] and two frames, so the charts are painted."""
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return !!document.body && document.body.dataset.ready === '1'"))
    driver.execute_async_script(
        "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));")


def shoot(driver, url, path, top=None, hover=None):
    """Opens url, scrolls the panel of the element `top` (CSS) to the top, hovers over `hover` (CSS) a
    little right of its middle, and saves the viewport."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    driver.get(url)
    settle(driver)
    if top:
        driver.execute_script("const e = document.querySelector(arguments[0]);"
                              "const p = e && (e.closest('section') || e);"
                              "if (p) window.scrollTo(0, p.getBoundingClientRect().top + scrollY - 12);", top)
    if hover:
        target = driver.find_elements(By.CSS_SELECTOR, hover)
        if target:
            ActionChains(driver).move_to_element_with_offset(
                target[0], int(target[0].size["width"] * 0.12), 0).perform()
    settle(driver)
    driver.save_screenshot(path)
    print(f"wrote {path}")


def main():
    harness.install_signal_handlers()
    ftd = os.environ.get("FTD_BIN", ".build/debug/ftd")
    out = sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"
    os.makedirs(out, exist_ok=True)
    scene = Scene(ftd, speed=60, finished_jobs=3, active_jobs=1, finished_steps=90)
    try:
        driver = scene.start_browser()
        # Exactly 1280x900 CSS pixels (the window size includes what headless Chromium
        # keeps of its frame).
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        scene.start_sim()
        listed = scene.sim_request("GET", "/fine_tuning/jobs?limit=100")["data"]
        ids = {job.get("user_provided_suffix"): job["id"] for job in listed}
        scene.start_daemon()
        # Finished jobs of days ago: the simulator's clock runs ahead of the browser's at
        # --speed, so a job finished just now in it would read "finished in 5 minutes".
        for name in ("archive-1", "archive-2", "archive-3", "elle"):
            scene.wait_for_job(ids[name], ["succeeded"], timeout=90)
        scene.wait_for_job(ids["long-1"], ["running"])
        job, other = ids["archive-3"], ids["archive-1"]
        shoot(driver, scene.base, os.path.join(out, "jobs.png"))
        shoot(driver, f"{scene.base}jobs/default/{job}", os.path.join(out, "job.png"),
              top="svg#loss-chart", hover="svg#loss-chart")
        shoot(driver, f"{scene.base}compare?jobs={job},{other}", os.path.join(out, "compare.png"))
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        shoot(driver, f"{scene.base}jobs/default/{job}", os.path.join(out, "job-dark.png"),
              top="svg#loss-chart", hover="svg#loss-chart")
        return 0
    except Skip as reason:
        print(f"screenshots: the browser cannot start: {reason}", file=sys.stderr)
        return 1
    except SceneError as error:
        print(f"screenshots: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        scene.close()


if __name__ == "__main__":
    sys.exit(main())
