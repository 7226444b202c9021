"""The 3-legged flow as a person runs it in chromium: the app (its OAuth
1.0a side played by requests-oauthlib) gets a request token for a callback
on a listener here, the browser opens the authorize page, picks a user and
clicks Authorize (or Cancel), the listener receives the callback, and the
app trades it for an access token and calls verify_credentials with it.

Reads {"base", "chromium", "chromedriver"} on stdin, prints
{"callback": URL} (to be registered on the app), then reads {"key",
"secret", "user"} (the user's ID to pick); prints what it saw as JSON."""

import http.server
import json
import sys
import threading
import urllib.parse

from requests_oauthlib import OAuth1Session
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from chromium import browser, console_errors

spec = json.loads(sys.stdin.readline())
B = spec["base"]

received = []


class Callback(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        # The browser asks for /favicon.ico too.
        if not self.path.startswith("/cb?"):
            self.send_error(404)
            return
        received.append(self.path)
        body = b"<!DOCTYPE html><link rel=icon href=data:,><title>Back</title><p>Back at the app."
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
threading.Thread(target=listener.serve_forever, daemon=True).start()
callback = "http://127.0.0.1:%d/cb?from=browser" % listener.server_port
print(json.dumps({"callback": callback}), flush=True)
app = json.loads(sys.stdin.readline())


def start():
    s = OAuth1Session(app["key"], client_secret=app["secret"], callback_uri=callback)
    rt = s.fetch_request_token(B + "/oauth/request_token")
    return s, rt["oauth_token"], s.authorization_url(B + "/oauth/authorize")


def click_and_wait(driver, button):
    """Clicks `button` and returns the query the listener then received."""
    before = len(received)
    driver.find_element(By.ID, button).click()
    WebDriverWait(driver, 10).until(lambda d: len(received) > before)
    path = received[-1]
    return path, dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))


out = {"callback": callback}
with browser(spec["chromium"], spec["chromedriver"]) as driver:
    # Authorize as the user picked.
    s, token, url = start()
    driver.get(url)
    picker = Select(driver.find_element(By.ID, "user"))
    out["preselected"] = picker.first_selected_option.get_attribute("value")
    out["choices"] = [o.text for o in picker.options]
    picker.select_by_value(app["user"])
    path, query = click_and_wait(driver, "allow")
    out["allow"] = {"path": path, "query": query, "token": token}
    s.parse_authorization_response(urllib.parse.urljoin(callback, path))
    tokens = s.fetch_access_token(B + "/oauth/access_token")
    out["access"] = {k: tokens[k] for k in ("user_id", "screen_name")}
    user = OAuth1Session(
        app["key"],
        client_secret=app["secret"],
        resource_owner_key=tokens["oauth_token"],
        resource_owner_secret=tokens["oauth_token_secret"],
    )
    r = user.get(B + "/1.1/account/verify_credentials.json")
    out["verify"] = {"status": r.status_code, "body": r.json()}
    # Cancel.
    s, token, url = start()
    driver.get(url)
    path, query = click_and_wait(driver, "cancel")
    out["cancel"] = {"path": path, "query": query, "token": token}
    out["console_errors"] = console_errors(driver)
listener.shutdown()
json.dump(out, sys.stdout)
