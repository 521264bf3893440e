#!/usr/bin/env bash
# Complaint benchmarks (issue 7): COUNT complaints (default 50,000) in SQLite, DUE of them (default 10,000) past
# their answer date. Prints p50/p99 of the staff queue page (/panel/complaints, signed in) and of the API list under
# wrk, then the time of the timed-work pass that marks the DUE complaints deemed accepted. Asserts nothing.
#   Benchmarks/complaints.sh [COUNT] [DUE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
count=${1:-50000}
due=${2:-10000}
seconds=${3:-10}
need_wrk
bin=$(release_build redress RedressBench)
work=$(mktemp -d /tmp/redress-cbench.XXXXXX)
server=
# Stop the server and wait for it (it may still be writing mail files), then remove its directory.
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null; rm -rf "$work" || true' EXIT
db="sqlite:$work/bench.sqlite"
echo "== generating $count complaints, $due past their answer date"
"$bin/RedressBench" complaints "$db" "$count" "$due" | tee "$work/generate.log"
key=$(sed -n 's/^apiKey=//p' "$work/generate.log")
login=$(sed -n 's/^login=//p' "$work/generate.log")
password=$(sed -n 's/^password=//p' "$work/generate.log")

port=$(free_port)
(cd "$work" && exec "$bin/redress" serve --database "$db" --port "$port" --role web >"$work/server.log" 2>&1) &
server=$!
wait_ready "http://127.0.0.1:$port"
session=$(sign_in "http://127.0.0.1:$port" "$login" "$password" "$work/cookies")

run() {
  echo "== $1 (wrk -t2 -c16 and -t1 -c1, ${seconds}s each)"
  shift
  wrk -t2 -c16 -d"${seconds}s" --latency "$@" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx" || true
  wrk -t1 -c1 -d"${seconds}s" --latency "$@" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx" | sed 's/^/  one connection: /' || true
}
run "GET /panel/complaints (queue page, 50 rows)" -H "Cookie: redress_session=$session" "http://127.0.0.1:$port/panel/complaints"
run "GET /api/v1/complaints?overdue=true" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/complaints?overdue=true"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
kill $server; wait $server 2>/dev/null || true

echo "== timed-work pass (deemed acceptance of $due complaints)"
"$bin/RedressBench" deadline-pass "$db"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
