"""The authorize page and the pages that end the flow, as chromium shows
them at 1280 and at 400 CSS pixels wide (a phone): what the page says,
whether its stylesheet loaded and applied, whether anything overflows, and
whether anything an app's owner typed ran. Reads {"base", "chromium",
"chromedriver", "shots", "apps": {label: {"key", "secret"}}, "approve"} on
stdin; prints what it saw as JSON. `shots`, when not null, is a folder for
full-page screenshots; `approve` names the app whose page is then
authorized (oob) to show the PIN page."""

import json
import os
import sys

from requests_oauthlib import OAuth1Session
from selenium.webdriver.common.by import By

from chromium import alert_present, browser, console_errors, screenshot, viewport

spec = json.load(sys.stdin)
B = spec["base"]

FACTS = """
const rect = e => {
  if (!e) return null;
  const r = e.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, width: r.width, height: r.height};
};
const on_top = e => {
  if (!e) return null;
  e.scrollIntoView({block: 'center'});
  const r = e.getBoundingClientRect();
  return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === e;
};
const sheets = [...document.styleSheets];
const allow = document.getElementById('allow');
const cancel = document.getElementById('cancel');
const icon = document.getElementById('app-icon');
return {
  title: document.title,
  text: document.body.innerText,
  inner_width: window.innerWidth,
  scroll_width: document.documentElement.scrollWidth,
  stylesheets: sheets.map(s => s.href),
  rules: sheets.reduce((n, s) => n + s.cssRules.length, 0),
  card: rect(document.querySelector('main')),
  allow: rect(allow),
  cancel: rect(cancel),
  allow_on_top: on_top(allow),
  allow_bg: allow && getComputedStyle(allow).backgroundColor,
  cancel_bg: cancel && getComputedStyle(cancel).backgroundColor,
  icon_loaded: icon ? icon.complete && icon.naturalWidth > 0 : null,
  scripts: document.scripts.length,
  foreign: document.querySelectorAll('img:not(#app-icon), b, iframe, object, embed').length,
  markers: ['pwned', 'pwned2', 'pwned3'].map(m => typeof window[m]),
};
"""


def look(driver, label):
    """The page's facts at both widths (and screenshots of it)."""
    out = {}
    for width, mobile in ((1280, False), (400, True)):
        viewport(driver, width, mobile)
        # An alert would block every command after it: look first.
        out["alert_%d" % width] = alert_present(driver)
        out[str(width)] = driver.execute_script(FACTS)
        if spec.get("shots"):
            screenshot(driver, os.path.join(spec["shots"], "%s-%d.png" % (label, width)))
    out["console_errors"] = console_errors(driver)
    return out


out = {}
with browser(spec["chromium"], spec["chromedriver"]) as driver:
    for label, app in spec["apps"].items():
        s = OAuth1Session(app["key"], client_secret=app["secret"], callback_uri="oob")
        s.fetch_request_token(B + "/oauth/request_token")
        driver.get(s.authorization_url(B + "/oauth/authorize"))
        out[label] = look(driver, label)
        if label == spec.get("approve"):
            viewport(driver, 1280, False)
            driver.find_element(By.ID, "allow").click()
            out["pin"] = look(driver, "pin")
    driver.get(B + "/oauth/authorize?oauth_token=unknown")
    out["invalid"] = look(driver, "invalid")
json.dump(out, sys.stdout)
