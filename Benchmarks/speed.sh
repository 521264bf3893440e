#!/usr/bin/env bash
# Where users wait (issue 18), as ratios measured in one run against the framework's own ceiling: `/health` on the
# same binary. A shop with COMPLAINTS complaints (default 10,000) and a mediated review per 3 orders of 150 is made;
# then, with wrk (SECONDS each, default 10):
#   - the three busiest pages beside their JSON twins (queue page / complaints list, Open Dialogs / dialogs list,
#     public profile / public reviews), 16 connections: req/s, p50, p99, the page's share of its twin;
#   - complaint creates at 16 and at 1 connection, as a share of /health;
#   - a mixed load: staff browsing the queue page (8 connections) while creates (4) and dialog replies (4) arrive;
#     the page's p99 and the server's memory (RSS without the mapped database file).
# Asserts nothing: it prints the figures and the machine.
#   Benchmarks/speed.sh [SECONDS] [DATABASE_URL] [COMPLAINTS]     (default a new SQLite file; or a postgres:// URL)
# SCRATCH picks the build directory (default .build); REDRESS_SQLITE_SYNCHRONOUS=normal relaxes SQLite's commits.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
root=$(pwd)
seconds=${1:-10}
complaints=${3:-10000}
need_wrk
bin=$(release_build redress RedressBench)
work=$(mktemp -d /tmp/redress-speed.XXXXXX)
server=
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null; rm -rf "$work" || true' EXIT
db=${2:-sqlite:$work/speed.sqlite}
echo "== a shop with $complaints complaints ($db)"
"$bin/RedressBench" complaints "$db" "$complaints" 0 > "$work/generate.log"
key=$(sed -n 's/^apiKey=//p' "$work/generate.log")
login=$(sed -n 's/^login=//p' "$work/generate.log")
password=$(sed -n 's/^password=//p' "$work/generate.log")
slug=$(sed -n 's/^slug=//p' "$work/generate.log")

port=$(free_port)
base="http://127.0.0.1:$port"
(cd "$work" && exec "$bin/redress" serve --no-migrate --database "$db" --port "$port" --role web >"$work/server.log" 2>&1) &
server=$!
wait_ready "$base"
python3 "$root/Benchmarks/load/seed.py" "$base" "$key" 150 > "$work/seed.txt"
dialog=$(sed -n 's/^dialog=//p;T;q' "$work/seed.txt")
session=$(sign_in "$base" "$login" "$password" "$work/cookies")
cookie="Cookie: redress_session=$session"
auth="Authorization: Bearer $key"

# run NAME CONNECTIONS WRK-ARGUMENTS…: one wrk run; sets rps, p50, p99, bad.
run() {
  local name=$1 connections=$2; shift 2
  local out
  out=$(wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"${seconds}s" --latency "$@" 2>&1)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}'); bad=${bad:-0}
  printf '%-52s %4s %10s %9s %9s %7s\n' "$name" "$connections" "$rps" "$p50" "$p99" "$bad"
}
share() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * a / b; else print "-" }'; }

printf '%-52s %4s %10s %9s %9s %7s\n' "request" "conn" "req/s" "p50" "p99" "non-2xx"
run "GET /health (the ceiling)" 16 "$base/health"; health=$rps
for pair in "/panel/complaints|/api/v1/complaints|$cookie|$auth" \
            "/panel/dialogs|/api/v1/dialogs|$cookie|$auth" \
            "/shops/$slug|/api/v1/public/shops/$slug/reviews|X-Bench: page|X-Bench: json"; do
  IFS='|' read -r page twin page_header twin_header <<< "$pair"
  run "GET $twin (JSON twin)" 16 -H "$twin_header" "$base$twin"; json=$rps
  run "GET $page (page)" 16 -H "$page_header" "$base$page"
  echo "    the page makes $(share "$rps" "$json") of its JSON twin's requests; p99 $p99"
done

export LOAD_AUTH="Bearer $key" LOAD_RUN="s$RANDOM"
create_body='{"email":"c{id}@example.com","customerName":"Klient {id}","claimType":"non_conformity","category":"defective","description":"Ucho kubka odpadło ({id}).","requestedRemedy":"refund","partyType":"consumer","channel":"phone"}'
LOAD_PATH=/api/v1/complaints LOAD_BODY=$create_body run "POST /api/v1/complaints (create)" 16 -s "$root/Benchmarks/load/post.lua" "$base"
echo "    creates at 16 connections: $(share "$rps" "$health") of /health"
LOAD_PATH=/api/v1/complaints LOAD_BODY=$create_body run "POST /api/v1/complaints (create)" 1 -s "$root/Benchmarks/load/post.lua" "$base"

echo "== mixed load: the queue page (8 connections) while creates (4) and dialog replies (4) arrive"
LOAD_RUN="m$RANDOM" LOAD_PATH=/api/v1/complaints LOAD_BODY=$create_body \
  wrk -t1 -c4 -d"${seconds}s" -s "$root/Benchmarks/load/post.lua" "$base" > "$work/mixed-create.txt" 2>&1 &
creates=$!
LOAD_RUN="d$RANDOM" LOAD_PATH="/api/v1/dialogs/$dialog/messages" LOAD_BODY='{"body":"Dzień dobry, sprawdzamy ({id})."}' \
  wrk -t1 -c4 -d"${seconds}s" -s "$root/Benchmarks/load/post.lua" "$base" > "$work/mixed-reply.txt" 2>&1 &
replies=$!
run "GET /panel/complaints under writes" 8 -H "$cookie" "$base/panel/complaints"
wait $creates $replies
echo "    meanwhile: $(awk '/Requests\/sec/ {print $2}' "$work/mixed-create.txt") creates/s, $(awk '/Requests\/sec/ {print $2}' "$work/mixed-reply.txt") replies/s"

# Resident memory without the pages of the database file that SQLite maps (mmap_size): those are the page cache.
file=${db#sqlite:}
rss=$(awk -v file="$file" '/^[0-9a-f]+-[0-9a-f]+ / { mapped = (index($0, file) > 0) } /^Rss:/ { total += $2; if (mapped) db += $2 }
  END { printf "%.1f MiB (%.1f MiB more of the mapped database file)", (total - db) / 1024, db / 1024 }' "/proc/$server/smaps")
echo "server memory: $rss; peak RSS $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$server/status")"
echo "database: $db; SQLite commits: ${REDRESS_SQLITE_SYNCHRONOUS:-full}; ${seconds}s per run; machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
