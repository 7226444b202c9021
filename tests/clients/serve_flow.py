"""Runs the OAuth 1.0a 3-legged flow against `appctl serve` with
requests-oauthlib: request token, the authorize step (approved at once by
`--approve-as`, or through the page's form as a browser would post it,
Authorize or Cancel), access token, then signed calls. Reads {"base",
"key", "secret", "callback", "mode", "user", "keep"} on stdin; prints what it saw
as JSON."""

import json
import re
import sys

import requests
from requests_oauthlib import OAuth1Session

spec = json.load(sys.stdin)
B = spec["base"]
out = {}
s = OAuth1Session(spec["key"], client_secret=spec["secret"], callback_uri=spec["callback"])
rt = s.fetch_request_token(B + "/oauth/request_token")
out["confirmed"] = rt.get("oauth_callback_confirmed")
url = s.authorization_url(B + "/oauth/authorize")
if spec["mode"] == "approve-as":
    r = requests.get(url, allow_redirects=False)
else:
    page = requests.get(url)
    out["page_status"] = page.status_code
    out["page_headers"] = dict(page.headers)
    out["page"] = page.text
    csrf = re.search(r'name="authenticity_token" value="([^"]+)"', page.text).group(1)
    form = {"authenticity_token": csrf, "oauth_token": rt["oauth_token"], "user": spec["user"]}
    form["cancel" if spec["mode"] == "cancel" else "allow"] = "x"
    r = requests.post(B + "/oauth/authorize", data=form, allow_redirects=False)
    # The same form again: the request token is no longer pending.
    again = requests.post(B + "/oauth/authorize", data=form, allow_redirects=False)
    out["again_status"] = again.status_code
out["redirect_status"] = r.status_code
location = r.headers.get("Location", "")
out["location"] = location
if spec["mode"] != "cancel":
    verifier = s.parse_authorization_response(location)["oauth_verifier"]
    tokens = s.fetch_access_token(B + "/oauth/access_token")
    out["user_id"] = tokens["user_id"]
    out["screen_name"] = tokens["screen_name"]
    user = OAuth1Session(
        spec["key"],
        client_secret=spec["secret"],
        resource_owner_key=tokens["oauth_token"],
        resource_owner_secret=tokens["oauth_token_secret"],
    )
    r = user.get(B + "/1.1/account/verify_credentials.json")
    out["v1"] = {"status": r.status_code, "level": r.headers.get("x-access-level"), "body": r.json()}
    r = user.get(B + "/2/users/me")
    out["me"] = {"status": r.status_code, "body": r.json()}
    out["token"] = tokens["oauth_token"]
    out["token_secret"] = tokens["oauth_token_secret"]
    if spec.get("keep"):
        json.dump(out, sys.stdout)
        sys.exit(0)
    # The verifier is single use.
    try:
        s.fetch_access_token(B + "/oauth/access_token", verifier=verifier)
        out["reuse"] = "accepted"
    except Exception as e:  # requests-oauthlib raises on a non-200 answer
        out["reuse"] = type(e).__name__
    r = user.post(B + "/1.1/oauth/invalidate_token")
    out["invalidate"] = r.status_code
    r = user.get(B + "/1.1/account/verify_credentials.json")
    out["after_invalidate"] = {"status": r.status_code, "body": r.json()}
json.dump(out, sys.stdout)
