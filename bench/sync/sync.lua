-- wrk script: an initial sync-collection (empty token, ETags only) on the address book.
wrk.method = "REPORT"
wrk.headers["Depth"] = "1"
wrk.headers["Content-Type"] = "application/xml"
wrk.body = '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token></d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>'
if os.getenv("KITH_BENCH_AUTH") then
  wrk.headers["Authorization"] = os.getenv("KITH_BENCH_AUTH")
end
