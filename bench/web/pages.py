"""Times Kith's pages over HTTP: first load, load right after a change, median of 20."""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

base = urllib.parse.urlparse(sys.argv[1])
server_pid = sys.argv[2] if len(sys.argv) > 2 else None


def rss():
    """The server's resident memory now, and its peak so far."""
    if not server_pid:
        return ""
    with open(f"/proc/{server_pid}/status") as f:
        kb = {l.split(":")[0]: int(l.split()[1]) for l in f if l.startswith(("VmRSS", "VmHWM"))}
    return f"{kb['VmRSS'] / 1024:.0f} MB (peak so far {kb['VmHWM'] / 1024:.0f} MB)"
conn = http.client.HTTPConnection(base.hostname, base.port)


def get(path):
    t = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t) * 1000
    if r.status != 200:
        raise SystemExit(f"GET {path}: {r.status} {body[:300]!r}")
    return ms, body


def post_json(path, payload):
    conn.request("POST", path, body=json.dumps(payload), headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    body = r.read()
    if r.status >= 300:
        raise SystemExit(f"POST {path}: {r.status} {body[:300]!r}")
    return json.loads(body)


contact = json.loads(get("/api/v1/contacts?limit=1")[1])["items"][0]["id"]
pages = ["/", "/people", f"/people/{contact}", f"/api/v1/contacts/{contact}", "/api/v1/due",
         "/organizations", "/goals", "/people?sort=strength", "/insights"]
first = {}
for p in pages:
    first[p] = get(p)[0]
    print(f"resident memory after the first {p[:40]}: {rss()}")
# A change (logged through the API, as a phone or the CLI would) drops what was kept.
post_json("/api/v1/interactions", {"kind": "call", "direction": "outbound", "participants": [contact],
                                   "summary": "benchmark call", "notes": "",
                                   "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
after = {}
for p in pages:
    after[p] = get(p)[0]
    print(f"resident memory after {p[:40]} following a change: {rss()}")
print(f"{'page':34} {'first':>10} {'after a change':>15} {'median of 20':>13}")
for p in pages:
    runs = sorted(get(p)[0] for _ in range(20))
    print(f"{p[:34]:34} {first[p]:8.1f} ms {after[p]:12.1f} ms {statistics.median(runs):10.1f} ms")
