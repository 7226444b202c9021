"""Runs tweepy against `appctl serve --tls`: OAuth1UserHandler 3-legged
(get_authorization_url, the authorize URL approved at once by
`--approve-as`, get_access_token with the verifier), then
API(auth).verify_credentials() with the token it got; and OAuth2AppHandler,
whose bearer token API then presents. tweepy's URLs are fixed to
https://api.twitter.com, so every request to that host is sent to the
server by rewriting its host and port at the transport (HTTPAdapter.send,
after the request was signed): the signature stays made for
api.twitter.com. The CA is trusted through REQUESTS_CA_BUNDLE. Reads
{"port", "ca", "key", "secret", "callback"} on stdin; prints what it saw as
JSON."""

import json
import os
import sys
import urllib.parse

spec = json.load(sys.stdin)
# requests reads it at each request; set before tweepy makes a session.
os.environ["REQUESTS_CA_BUNDLE"] = spec["ca"]

import requests  # noqa: E402
import requests.adapters  # noqa: E402
import tweepy  # noqa: E402

called = []
real_send = requests.adapters.HTTPAdapter.send


def send(self, request, **kwargs):
    u = urllib.parse.urlsplit(request.url)
    called.append("%s %s://%s%s" % (request.method, u.scheme, u.netloc, u.path))
    if u.hostname == "api.twitter.com":
        request.url = urllib.parse.urlunsplit(
            (u.scheme, "127.0.0.1:%d" % spec["port"], u.path, u.query, u.fragment)
        )
    return real_send(self, request, **kwargs)


requests.adapters.HTTPAdapter.send = send


def failure(e):
    return {
        "type": type(e).__name__,
        "codes": getattr(e, "api_codes", None),
        "status": getattr(getattr(e, "response", None), "status_code", None),
        "message": str(e),
    }


out = {"tweepy": tweepy.__version__}
auth = tweepy.OAuth1UserHandler(spec["key"], spec["secret"], callback=spec["callback"])
try:
    url = auth.get_authorization_url()
except tweepy.TweepyException as e:
    out["request_token"] = failure(e)
    out["called"] = called
    json.dump(out, sys.stdout)
    sys.exit(0)
out["authorize_url"] = url.split("?")[0]
# The page a person would open; --approve-as answers it at once.
r = requests.get(url, allow_redirects=False)
out["authorize_status"] = r.status_code
location = r.headers.get("Location", "")
out["callback"] = location.split("?")[0]
query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
token, secret = auth.get_access_token(query["oauth_verifier"])
out["access_token_prefix"] = token.split("-")[0]
user = tweepy.API(auth).verify_credentials()
out["user"] = {"id_str": user.id_str, "screen_name": user.screen_name}

app = tweepy.OAuth2AppHandler(spec["key"], spec["secret"])
out["bearer_starts"] = app._bearer_token[:21]
try:
    tweepy.API(app).verify_credentials()
    out["bearer_on_user_context"] = "accepted"
except tweepy.TweepyException as e:
    out["bearer_on_user_context"] = failure(e)
out["called"] = called
json.dump(out, sys.stdout)
