#!/usr/bin/env bash
# Review benchmarks (issue 4): 1,000,000 reviews and 100,000 open dialogs in SQLite; p50/p99 of the public summary
# and of GET /api/v1/reviews?stars=1 under wrk, and the time of one timed-work pass that publishes 10,000 due
# reviews. Prints the figures; asserts nothing. Loopback only, bounded in time.
#   Benchmarks/reviews.sh [REVIEWS] [DIALOGS] [DUE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
reviews=${1:-1000000}
dialogs=${2:-100000}
due=${3:-10000}
seconds=${4:-10}
need_wrk
bin=$(release_build redress RedressBench)
# BENCH_DIR keeps the generated database for another run (it is reused when it exists).
work=${BENCH_DIR:-$(mktemp -d /tmp/redress-bench.XXXXXX)}
mkdir -p "$work"
server=
# Stop the server and wait for it, then remove its directory unless BENCH_DIR keeps it.
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null; [ -n "${BENCH_DIR:-}" ] || rm -rf "$work" || true' EXIT
db="sqlite:$work/bench.sqlite"

if [ ! -f "$work/generate.log" ]; then
  echo "== generating $reviews reviews, $dialogs open dialogs, $due due"
  "$bin/RedressBench" generate "$db" "$reviews" "$dialogs" "$due" | tee "$work/generate.log"
  cp "$work/bench.sqlite" "$work/before-pass.sqlite"
else
  echo "== reusing $work"
  cp "$work/before-pass.sqlite" "$work/bench.sqlite"; rm -f "$work/bench.sqlite-wal" "$work/bench.sqlite-shm"
fi
slug=$(sed -n 's/^slug=//p' "$work/generate.log")
key=$(sed -n 's/^apiKey=//p' "$work/generate.log")
ls -la "$work/bench.sqlite" | awk '{print "database file: " $5/1048576 " MiB"}'

port=$(free_port)
(cd "$work" && exec "$bin/redress" serve --database "$db" --port "$port" --role web >"$work/server.log" 2>&1) &
server=$!
wait_ready "http://127.0.0.1:$port"

run() {
  echo "== $1 (wrk -t2 -c16 and -t1 -c1, ${seconds}s each)"
  shift
  wrk -t2 -c16 -d"${seconds}s" --latency "$@" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx" || true
  wrk -t1 -c1 -d"${seconds}s" --latency "$@" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx" | sed 's/^/  one connection: /' || true
}
run "GET /api/v1/public/shops/$slug/summary" "http://127.0.0.1:$port/api/v1/public/shops/$slug/summary"
run "GET /api/v1/reviews?stars=1" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/reviews?stars=1"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
kill $server; wait $server 2>/dev/null || true

echo "== timed-work pass"
"$bin/RedressBench" publish-pass "$db"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
