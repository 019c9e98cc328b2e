"""CardDAV benchmark driver: the same requests against any server (standard library only).

Usage: bench.py NAME BOOK_URL [USER PASSWORD] [--cards N] [--preloaded K]
Cards 0..K are already in the book (written to the server's folder store by run.sh: PUTting
10,000 cards into Radicale or Xandikos takes most of an hour); the rest are PUT here.
Prints one JSON line: PUT/s over the last 1,000 PUTs (one client, one keep-alive connection,
into a book that already holds the cards before them), the time of an initial
sync-collection (empty token, ETags only) and of a multiget of 500 cards with their data
(each run five times: the median, and the first run on its own).
"""

import base64
import http.client
import json
import re
import sys
import time
import urllib.parse


def card(i):
    """The i-th generated card (run.sh writes the same bytes when it preloads a folder store)."""
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"UID:bench-{i:06d}\r\nFN:Person {i:06d}\r\nN:{i:06d};Person;;;\r\n"
        f"EMAIL;TYPE=INTERNET:person{i}@example.org\r\nTEL;TYPE=CELL:+1 555 {i:07d}\r\n"
        f"ORG:Company {i % 500}\r\nTITLE:Engineer\r\nNOTE:Met at conference {i % 37}\r\n"
        "END:VCARD\r\n"
    )


SYNC = (
    '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
    "<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>"
    "<d:prop><d:getetag/></d:prop></d:sync-collection>"
)


def main():
    def option(name, default):
        if name in sys.argv:
            return int(sys.argv[sys.argv.index(name) + 1])
        return default

    cards = option("--cards", 10000)
    preloaded = option("--preloaded", 0)
    values = {str(cards), str(preloaded)}
    args = []
    skip = False
    for a in sys.argv[1:]:
        if skip:
            skip = False
            continue
        if a in ("--cards", "--preloaded"):
            skip = True
            continue
        args.append(a)
    del values
    name, url = args[0], args[1]
    headers = {}
    if len(args) >= 4:
        token = base64.b64encode(f"{args[2]}:{args[3]}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    u = urllib.parse.urlparse(url)
    book = u.path if u.path.endswith("/") else u.path + "/"
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)

    def request(method, path, body=None, extra=None):
        h = dict(headers)
        h.update(extra or {})
        conn.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=h)
        r = conn.getresponse()
        return r.status, r.read()

    measured = min(1000, cards - preloaded)
    started = time.perf_counter()
    for i in range(preloaded, cards):
        if i == cards - measured:
            started = time.perf_counter()
        status, body = request(
            "PUT",
            f"{book}bench-{i:06d}.vcf",
            card(i),
            {"Content-Type": "text/vcard; charset=utf-8", "If-None-Match": "*"},
        )
        if status not in (201, 204):
            sys.exit(f"{name}: PUT {i} gave {status}: {body[:300]!r}")
    put_seconds = time.perf_counter() - started
    if measured <= 0:
        sys.exit(f"{name}: nothing to PUT (cards {cards}, preloaded {preloaded})")

    def timed(body):
        """Runs a REPORT five times: (first, median) seconds and the last reply."""
        times = []
        for _ in range(5):
            started = time.perf_counter()
            reply = request("REPORT", book, body, {"Depth": "1", "Content-Type": "application/xml"})
            times.append(time.perf_counter() - started)
        return times[0], sorted(times)[2], reply

    sync_first, sync_seconds, (status, body) = timed(SYNC.format(token=""))
    if status != 207:
        sys.exit(f"{name}: sync-collection gave {status}: {body[:300]!r}")
    text = body.decode()
    members = len(re.findall(r"<(?:\w+:)?href>[^<]*\.vcf</(?:\w+:)?href>", text))
    if members != cards:
        sys.exit(f"{name}: initial sync listed {members} cards, expected {cards}")

    hrefs = "".join(f"<d:href>{book}bench-{i:06d}.vcf</d:href>" for i in range(0, cards, max(1, cards // 500))[:500])
    multiget = (
        '<?xml version="1.0" encoding="utf-8"?><c:addressbook-multiget xmlns:d="DAV:" '
        'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/></d:prop>'
        f"{hrefs}</c:addressbook-multiget>"
    )
    multiget_first, multiget_seconds, (status, body) = timed(multiget)
    got = body.decode().count("BEGIN:VCARD")
    if status != 207 or got != 500:
        sys.exit(f"{name}: multiget gave {status} with {got} cards")

    print(
        json.dumps(
            {
                "server": name,
                "cards": cards,
                "put_per_s": round(measured / put_seconds, 1),
                "initial_sync_ms": round(sync_seconds * 1000, 1),
                "initial_sync_first_ms": round(sync_first * 1000, 1),
                "multiget_500_ms": round(multiget_seconds * 1000, 1),
                "multiget_500_first_ms": round(multiget_first * 1000, 1),
            }
        )
    )


def preload(folder, count):
    """Writes cards 0..count into a folder store, as the server would store them."""
    import os

    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        with open(os.path.join(folder, f"bench-{i:06d}.vcf"), "w", newline="") as f:
            f.write(card(i))


if __name__ == "__main__":
    if sys.argv[1] == "preload":
        preload(sys.argv[2], int(sys.argv[3]))
    else:
        main()
