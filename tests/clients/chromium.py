"""Debian's chromium driven by Selenium through Debian's chromedriver, both
at the paths given (nothing is downloaded), headless in a fresh profile,
with no connection of its own to anywhere: the machines the tests run on
have no network but loopback."""

import base64
import contextlib
import shutil
import tempfile

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def browser(chromium, chromedriver):
    profile = tempfile.mkdtemp(prefix="appctl-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in FLAGS + ["--user-data-dir=" + profile, "--window-size=1280,900"]:
        opts.add_argument(flag)
    # The console, to see that the page's CSP refused nothing it needs.
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=opts)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def viewport(driver, width, mobile):
    """Emulates a screen `width` CSS pixels wide; `mobile` as a phone does
    (a page without a viewport meta tag is then laid out 980 px wide)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile},
    )


def alert_present(driver):
    try:
        driver.switch_to.alert
        return True
    except NoAlertPresentException:
        return False


def console_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def screenshot(driver, path):
    """The whole page, not only the viewport."""
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
