#!/usr/bin/env bash
# Report benchmarks (issue 8): one shop with REVIEWS reviews (default 1,000,000 over 400 days, a tenth with a dialog)
# and COMPLAINTS complaints (default 100,000 over 365 days, with decisions, replies, surveys, products) in SQLite,
# written in the order they arrive as in a real shop.
# Prints p50/p99 and requests/s of every report page and API call (default period and 12 months) under wrk, with
# one connection and with four, and the server's peak memory. Asserts nothing; loopback only, bounded in time.
#   Benchmarks/reports.sh [REVIEWS] [COMPLAINTS] [SECONDS]
# BENCH_DIR keeps the generated database for another run; SCRATCH picks the build directory (default .build);
# BENCH_DB=postgres://… measures on PostgreSQL instead of a SQLite file (an empty database; keep BENCH_DIR with it).
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
reviews=${1:-1000000}
complaints=${2:-100000}
seconds=${3:-10}
need_wrk
bin=$(release_build redress RedressBench)
work=${BENCH_DIR:-$(mktemp -d /tmp/redress-rbench.XXXXXX)}
mkdir -p "$work"
server=
# Stop the server and wait for it, then remove its directory unless BENCH_DIR keeps it.
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null; [ -n "${BENCH_DIR:-}" ] || rm -rf "$work" || true' EXIT
db=${BENCH_DB:-sqlite:$work/bench.sqlite}
if [ ! -f "$work/generate.log" ]; then
  echo "== generating $reviews reviews and $complaints complaints in one shop"
  "$bin/RedressBench" reports "$db" "$reviews" "$complaints" | tee "$work/generate.log.part"
  mv "$work/generate.log.part" "$work/generate.log"
else
  echo "== reusing $work"
fi
key=$(sed -n 's/^apiKey=//p' "$work/generate.log" | tail -n1)
login=$(sed -n 's/^login=//p' "$work/generate.log")
password=$(sed -n 's/^password=//p' "$work/generate.log")
[ -f "$work/bench.sqlite" ] && ls -la "$work/bench.sqlite" | awk '{print "database file: " $5/1048576 " MiB"}'

port=$(free_port)
(cd "$work" && exec "$bin/redress" serve --database "$db" --port "$port" --role web >"$work/server.log" 2>&1) &
server=$!
wait_ready "http://127.0.0.1:$port"
session=$(sign_in "http://127.0.0.1:$port" "$login" "$password" "$work/cookies")

run() {
  local title=$1; shift
  echo "== $title"
  curl -fsS -o /dev/null -w "  one request: %{http_code} in %{time_total}s, %{size_download} bytes\n" "$@"
  wrk -t1 -c1 -d"${seconds}s" --latency "$@" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx" | sed 's/^/  one connection: /' || true
  wrk -t2 -c4 -d"${seconds}s" --latency "$@" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx" | sed 's/^/  four connections: /' || true
  sleep 3  # requests wrk left in flight finish before the next measurement starts
}
base="http://127.0.0.1:$port"
page=(-H "Cookie: redress_session=$session")
api=(-H "Authorization: Bearer $key")
run "GET /panel/reports (last 30 days vs the 30 before: every table and chart)" "${page[@]}" "$base/panel/reports"
run "GET /panel/reports?preset=12m" "${page[@]}" "$base/panel/reports?preset=12m"
run "GET /panel/reports/export/monthly?preset=12m (CSV)" "${page[@]}" "$base/panel/reports/export/monthly?preset=12m"
run "GET /api/v1/reports/complaints (30 days, groupBy=month)" "${api[@]}" "$base/api/v1/reports/complaints"
run "GET /api/v1/reports/complaints?preset=12m&groupBy=week" "${api[@]}" "$base/api/v1/reports/complaints?preset=12m&groupBy=week"
run "GET /api/v1/reports/mediation (30 days, groupBy=month)" "${api[@]}" "$base/api/v1/reports/mediation"
run "GET /api/v1/reports/mediation?preset=12m&groupBy=day" "${api[@]}" "$base/api/v1/reports/mediation?preset=12m&groupBy=day"
run "GET /api/v1/reports/mediation?groupBy=product" "${api[@]}" "$base/api/v1/reports/mediation?groupBy=product"
run "GET /api/v1/reports/mediation?preset=12m&groupBy=product" "${api[@]}" "$base/api/v1/reports/mediation?preset=12m&groupBy=product"
run "GET /api/v1/reports/complaints?preset=12m&groupBy=product" "${api[@]}" "$base/api/v1/reports/complaints?preset=12m&groupBy=product"
run "GET /api/v1/reports/complaints?preset=12m&groupBy=agent" "${api[@]}" "$base/api/v1/reports/complaints?preset=12m&groupBy=agent"
run "GET /api/v1/reports/complaints?preset=3m&groupBy=day" "${api[@]}" "$base/api/v1/reports/complaints?preset=3m&groupBy=day"
run "GET /panel/reports?preset=3m" "${page[@]}" "$base/panel/reports?preset=3m"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
