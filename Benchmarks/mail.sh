#!/usr/bin/env bash
# Outbox → SMTP throughput (issue 6): queues COUNT e-mails (default 10,000) and lets the dispatcher deliver them to
# a real SMTP server on loopback (aiosmtpd, which writes each message to disk). Prints mails per second and the
# total time; asserts nothing. Loopback only; stops by itself.
#   Benchmarks/mail.sh [COUNT] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
connections=${2:-4}
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q aiosmtpd
swift build -c release --product RedressBench >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/redress-mailbench.XXXXXX)
sink=
trap 'kill -9 $sink 2>/dev/null || true; rm -rf "$work"' EXIT
python3 Tests/Support/Python/smtp_sink.py --dir "$work/mail" > "$work/sink.out" 2>/dev/null &
sink=$!
for _ in $(seq 100); do grep -q ready "$work/sink.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '{print $2}' "$work/sink.out")
BENCH_SMTP_URL="smtp://127.0.0.1:$port?connections=$connections" "$bin/RedressBench" mail "sqlite:$work/bench.sqlite" "$count"
echo "files received by the SMTP server: $(ls "$work/mail" | grep -c '\.eml$')"
