#!/usr/bin/env bash
# Outbox → SMTP throughput (issue 6): queues COUNT e-mails (default 10,000) and lets the dispatcher deliver them to
# a real SMTP server on loopback (aiosmtpd), twice: once to a server that only accepts and counts (the figure of the
# sender), once to one that parses every message with Python's e-mail package and writes it to disk (the tests'
# server, which is then the slower side). Prints mails per second and the total time; asserts nothing.
#   Benchmarks/mail.sh [COUNT] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
count=${1:-10000}
connections=${2:-4}
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q aiosmtpd
bin=$(release_build RedressBench)
work=$(mktemp -d /tmp/redress-mailbench.XXXXXX)
sink=
trap 'kill -9 $sink 2>/dev/null || true; rm -rf "$work"' EXIT
for mode in --count-only --write; do
  rm -rf "$work/mail" "$work/bench.sqlite"* "$work/sink.out"
  extra=$([ "$mode" = --count-only ] && echo --count-only || true)
  python3 Tests/Support/Python/smtp_sink.py --dir "$work/mail" $extra > "$work/sink.out" 2>/dev/null &
  sink=$!
  for _ in $(seq 100); do grep -q ready "$work/sink.out" 2>/dev/null && break; sleep 0.1; done
  port=$(awk 'NR==1 {print $2}' "$work/sink.out")
  echo "== $count mails, $connections SMTP sessions, server ${mode#--}"
  BENCH_SMTP_URL="smtp://127.0.0.1:$port?connections=$connections" "$bin/RedressBench" mail "sqlite:$work/bench.sqlite" "$count"
  kill -9 $sink 2>/dev/null || true
  wait $sink 2>/dev/null || true
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
