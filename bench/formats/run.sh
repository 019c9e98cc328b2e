#!/usr/bin/env bash
# Import benchmark (issue: formats). One run prints:
#   - 100k generated vCards imported end to end (`kith import`, process start to commit) into a
#     fresh SQLite database, against Python vobject parsing the same file (no database);
#   - a 30k-row LinkedIn Connections.csv imported end to end;
#   - the mbox header scan in MB/s and the LinkedIn parser alone.
# Usage: bash bench/formats/run.sh [CARDS]   (needs python3; installs vobject into a venv)
set -euo pipefail
cd "$(dirname "$0")/../.."
CARDS=${1:-100000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release -q -p kith-cli -p kith-formats
TARGET=${CARGO_TARGET_DIR:-target}
KITH=$TARGET/release/kith
BENCH=$TARGET/release/kith-formats-bench

$BENCH vcards --cards "$CARDS" --out "$WORK/cards.vcf"
start=$(date +%s.%N)
$KITH --db "sqlite://$WORK/vcard.db" import vcard "$WORK/cards.vcf" > "$WORK/vcard.out"
end=$(date +%s.%N)
kith_s=$(echo "$end - $start" | bc -l)
tail -n +2 "$WORK/vcard.out" | head -3
printf 'kith import: %d vCards into SQLite end to end in %.2f s\n' "$CARDS" "$kith_s"

VENV=${KITH_BENCH_VENV:-$HOME/.cache/kith-bench-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q vobject >/dev/null
py_s=$("$VENV/bin/python" - "$WORK/cards.vcf" <<'PY'
import sys, time, vobject
t = time.perf_counter()
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for card in vobject.readComponents(f):
        n += 1
print(f"{time.perf_counter() - t:.3f} {n}")
PY
)
read -r py_secs py_n <<< "$py_s"
printf 'python vobject: parsed %d vCards (no database) in %.2f s\n' "$py_n" "$py_secs"
printf 'kith end to end is %.0fx faster than vobject parsing alone\n' "$(echo "$py_secs / $kith_s" | bc -l)"

# LinkedIn: 30k rows end to end.
python3 - "$WORK/Connections.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write('\ufeffNotes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n')
    f.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
    months = ["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"]
    for i in range(30000):
        email = f"person{i}@example.com" if i % 7 == 0 else ""
        f.write(f'First{i},Last{i},https://www.linkedin.com/in/person-{i},{email},"Company {i % 500}, Inc.",Engineer,{1 + i % 28:02d} {months[i % 12]} {2010 + i % 15}\n')
PY
start=$(date +%s.%N)
$KITH --db "sqlite://$WORK/linkedin.db" import linkedin "$WORK/Connections.csv" > /dev/null
end=$(date +%s.%N)
printf 'kith import: 30000-row LinkedIn CSV into SQLite end to end in %.2f s\n' "$(echo "$end - $start" | bc -l)"

$BENCH mbox --mb 300
$BENCH linkedin --rows 30000
