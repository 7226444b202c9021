"""Signs requests with requests-oauthlib and prints them as raw HTTP/1.1.

Reads {"cases": [...]} as JSON on stdin (secrets never go on a command
line); each case names the credentials, the URL, the method, a form body
and where the OAuth parameters go (header, query or body). Prints a JSON
object of case name to base64 of the request as it would go on the wire.
Nothing is sent: the requests are only prepared, as requests would send
them.
"""

import base64
import json
import sys
from urllib.parse import urlsplit

import requests
from oauthlib.oauth1 import (
    SIGNATURE_TYPE_AUTH_HEADER,
    SIGNATURE_TYPE_BODY,
    SIGNATURE_TYPE_QUERY,
)
from requests_oauthlib import OAuth1

PLACEMENT = {
    "header": SIGNATURE_TYPE_AUTH_HEADER,
    "query": SIGNATURE_TYPE_QUERY,
    "body": SIGNATURE_TYPE_BODY,
}


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def raw(prepared):
    """The prepared request as HTTP/1.1 bytes."""
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{prepared.method} {prepared.path_url} HTTP/1.1", f"Host: {url.netloc}"]
    lines += [f"{k}: {text(v)}" for k, v in prepared.headers.items()]
    if body and "Content-Length" not in prepared.headers:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def main():
    spec = json.load(sys.stdin)
    out = {}
    for case in spec["cases"]:
        auth = OAuth1(
            case["key"],
            client_secret=case["secret"],
            resource_owner_key=case.get("token"),
            resource_owner_secret=case.get("token_secret"),
            callback_uri=case.get("callback"),
            signature_type=PLACEMENT[case["placement"]],
            timestamp=case.get("timestamp"),
        )
        request = requests.Request(
            case["method"], case["url"], data=case.get("body") or None, auth=auth
        )
        out[case["name"]] = base64.b64encode(raw(request.prepare())).decode()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
