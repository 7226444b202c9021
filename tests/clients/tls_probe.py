"""Connects to `appctl serve --tls` with Python's ssl module (OpenSSL), with
hostname checking on, and sends one request per probe. Reads {"port", "ca",
"probes": [{"connect", "name", "raw"}]} on stdin: `connect` is the address
dialled, `name` the server_hostname (sent as SNI and checked against the
certificate), `ca` the CA file to trust (null: the system's trust only),
`raw` the request to send (default: a GET of /tls-probe). Prints, per
probe, the response or the error, and the SHA-256 of the certificate."""

import hashlib
import json
import socket
import ssl
import sys

spec = json.load(sys.stdin)
if spec["ca"]:
    ctx = ssl.create_default_context(cafile=spec["ca"])
else:
    ctx = ssl.create_default_context()
assert ctx.check_hostname and ctx.verify_mode == ssl.CERT_REQUIRED
out = []
for p in spec["probes"]:
    host = "[%s]" % p["name"] if ":" in p["name"] else p["name"]
    raw = p.get("raw") or (
        "GET /tls-probe HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % host
    )
    seen = {}
    try:
        with socket.create_connection((p["connect"], spec["port"]), timeout=20) as tcp:
            with ctx.wrap_socket(tcp, server_hostname=p["name"]) as tls:
                seen["version"] = tls.version()
                seen["cert_sha256"] = hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()
                tls.sendall(raw.encode("latin-1"))
                got = b""
                while True:
                    try:
                        chunk = tls.recv(65536)
                    except (ssl.SSLEOFError, ConnectionResetError):
                        break
                    if not chunk:
                        break
                    got += chunk
        text = got.decode("latin-1")
        seen["ok"] = True
        seen["status"] = int(text.split(" ")[1]) if text.startswith("HTTP/1.1 ") else 0
        seen["response"] = text
    except ssl.SSLCertVerificationError as e:
        seen.update(ok=False, error="verify", verify_code=e.verify_code, message=e.verify_message)
    except (OSError, ssl.SSLError) as e:
        seen.update(ok=False, error=type(e).__name__, message=str(e))
    out.append(seen)
json.dump(out, sys.stdout)
