#!/usr/bin/env bash
# Load figures for the main read and write endpoints (issue 9), to compare later changes against: for each, wrk's
# requests/s, p50, p99 and non-2xx answers, then the server's peak memory. A fresh shop is seeded through the API
# (orders, reviews, a dialog on each held one). Loopback only; every run is bounded by SECONDS. Asserts nothing.
#   Benchmarks/load.sh [SECONDS] [CONNECTIONS] [DATABASE_URL]     (default 10 s, 16 connections, a new SQLite file)
# SCRATCH picks the build directory (default .build); a release build is made there, unless REDRESS_BIN names a
# binary to use as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
root=$(pwd)
seconds=${1:-10}
connections=${2:-16}
need_wrk
if [ -n "${REDRESS_BIN:-}" ]; then
  bin=$(realpath "$REDRESS_BIN")   # the test command's quick run uses the debug build it already has
else
  bin=$(release_build redress)/redress
fi
work=$(mktemp -d /tmp/redress-load.XXXXXX)
server=
# Stop the server and wait for it (it may still be writing mail files), then remove its directory.
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null; rm -rf "$work" || true' EXIT
db=${3:-sqlite:$work/load.sqlite}
slug="load-$RANDOM"
"$bin" migrate --database "$db" >/dev/null 2>&1
key=$("$bin" shop create --database "$db" --name "Load Shop" --slug "$slug" | sed -n 's/^API key (shown once): //p')
password="load-password-2026"
REDRESS_STAFF_PASSWORD=$password "$bin" staff create --database "$db" --shop "$slug" --email "owner@$slug.test" \
  --name Owner --role owner >/dev/null

port=$(free_port)
(cd "$work" && exec "$bin" serve --no-migrate --database "$db" --port "$port" >"$work/server.log" 2>&1) &
server=$!
base="http://127.0.0.1:$port"
wait_ready "$base"
echo "== seeding $slug: 300 orders and reviews, a dialog on each held review"
python3 "$root/Benchmarks/load/seed.py" "$base" "$key" 300 > "$work/seed.txt"
# sed stops at the first match itself (a `| head` could end the pipeline in SIGPIPE under pipefail).
dialog=$(sed -n 's/^dialog=//p;T;q' "$work/seed.txt")
review=$(sed -n 's/^review=//p;T;q' "$work/seed.txt")
session=$(sign_in "$base" "owner@$slug.test" "$password" "$work/cookies")

printf '%-58s %10s %9s %9s %8s\n' "endpoint" "req/s" "p50" "p99" "non-2xx"
measure() {
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" 2>&1)
  local rps p50 p99 bad
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf '%-58s %10s %9s %9s %8s\n' "$name" "$rps" "$p50" "$p99" "${bad:-0}"
}
auth="Authorization: Bearer $key"
measure "GET /health" "$base/health"
measure "GET /api/v1/public/shops/{slug}/summary" "$base/api/v1/public/shops/$slug/summary"
measure "GET /api/v1/public/shops/{slug}/reviews" "$base/api/v1/public/shops/$slug/reviews"
measure "GET /shops/{slug} (profile page)" "$base/shops/$slug"
measure "GET /api/v1/reviews" -H "$auth" "$base/api/v1/reviews"
measure "GET /api/v1/reviews/{id}" -H "$auth" "$base/api/v1/reviews/$review"
measure "GET /api/v1/dialogs/{id}" -H "$auth" "$base/api/v1/dialogs/$dialog"
measure "GET /panel/dialogs (staff page)" -H "Cookie: redress_session=$session" "$base/panel/dialogs"
measure "GET /api/v1/complaints" -H "$auth" "$base/api/v1/complaints"
measure "GET /api/v1/reports/complaints" -H "$auth" "$base/api/v1/reports/complaints"
export LOAD_AUTH="Bearer $key" LOAD_RUN="r$RANDOM"
LOAD_PATH=/api/v1/orders LOAD_BODY='{"externalId":"{id}","placedAt":"2026-11-20T10:00:00Z","customer":{"email":"c{id}@example.com","name":"Klient","locale":"pl"},"items":[{"productId":"P-1","name":"Kubek","quantity":1,"unitPrice":19.99,"currency":"PLN"}]}' \
  measure "POST /api/v1/orders" -s "$root/Benchmarks/load/post.lua" "$base"
LOAD_PATH=/api/v1/complaints LOAD_BODY='{"email":"c{id}@example.com","customerName":"Klient {id}","claimType":"non_conformity","category":"defective","description":"Ucho kubka odpadło ({id}).","requestedRemedy":"refund","partyType":"consumer","channel":"phone"}' \
  measure "POST /api/v1/complaints (entered by staff)" -s "$root/Benchmarks/load/post.lua" "$base"
LOAD_PATH="/api/v1/dialogs/$dialog/messages" LOAD_BODY='{"body":"Dzień dobry, sprawdzamy ({id})."}' \
  measure "POST /api/v1/dialogs/{id}/messages" -s "$root/Benchmarks/load/post.lua" "$base"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
echo "database: $db; $connections connections, ${seconds}s each; machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
