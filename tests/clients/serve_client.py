"""Drives `appctl serve` with requests-oauthlib: the app-only bearer token
(fetched twice, then invalidated and fetched again), then signed calls to
both identity endpoints with an access token, and a replayed request.
Reads {"base", "key", "secret", "token", "token_secret"} on stdin and
prints what it saw as JSON."""

import json
import os
import sys

import requests
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth1, OAuth1Session, OAuth2Session

os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback
spec = json.load(sys.stdin)
B = spec["base"]
out = {}


def bearer():
    s = OAuth2Session(client=BackendApplicationClient(client_id=spec["key"]))
    return s.fetch_token(
        token_url=B + "/oauth2/token",
        client_id=spec["key"],
        client_secret=spec["secret"],
    )


def seen(r):
    return {
        "status": r.status_code,
        "level": r.headers.get("x-access-level"),
        "body": r.json() if r.content else None,
    }


first = bearer()
out["bearer_type"] = first["token_type"]
out["bearer_same"] = bearer()["access_token"] == first["access_token"]
hdr = {"Authorization": "Bearer " + first["access_token"]}
out["bearer_me"] = seen(requests.get(B + "/2/users/me", headers=hdr))
out["bearer_v1"] = seen(requests.get(B + "/1.1/account/verify_credentials.json", headers=hdr))
r = requests.post(
    B + "/oauth2/invalidate_token",
    auth=(spec["key"], spec["secret"]),
    data={"access_token": first["access_token"]},
)
out["invalidate"] = seen(r)
out["invalidated_v1"] = seen(
    requests.get(B + "/1.1/account/verify_credentials.json", headers=hdr)
)
out["bearer_new"] = bearer()["access_token"] != first["access_token"]
out["bad_secret"] = seen(
    requests.post(
        B + "/oauth2/token",
        auth=(spec["key"], "wrong"),
        data={"grant_type": "client_credentials"},
    )
)

user = OAuth1Session(
    spec["key"],
    client_secret=spec["secret"],
    resource_owner_key=spec["token"],
    resource_owner_secret=spec["token_secret"],
)
out["v1"] = seen(
    user.get(B + "/1.1/account/verify_credentials.json?include_email=true&skip_status=true")
)
out["me"] = seen(user.get(B + "/2/users/me"))

# The same signed request twice: the nonce is refused the second time.
prepared = requests.Request(
    "GET",
    B + "/1.1/account/verify_credentials.json",
    auth=OAuth1(spec["key"], spec["secret"], spec["token"], spec["token_secret"]),
).prepare()
with requests.Session() as s:
    out["once"] = seen(s.send(prepared))
    out["replayed"] = seen(s.send(prepared))
json.dump(out, sys.stdout)
