#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document (issue 9): schemathesis (PyPI) generates positive and negative data for
# every operation of /openapi.json on a running server with a seeded shop and its API key, and fails on any 5xx, any
# response that does not match its documented schema, status code or content type. Bounded by MAX_EXAMPLES per
# operation (default 10 in the test command; more for a long run). Prints schemathesis' summary and its seed.
#   Tests/Fuzz/schemathesis.sh REDRESS_BIN [MAX_EXAMPLES]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:?path to the redress binary}")
examples=${2:-10}
work=$(mktemp -d /tmp/redress-fuzz.XXXXXX)
server=
# Stop the server and wait for it (it may still be writing mail files), then remove its directory.
trap 'kill $server 2>/dev/null && wait $server 2>/dev/null; rm -rf "$work" || true' EXIT
db="sqlite:$work/fuzz.sqlite"
"$bin" migrate --database "$db" >/dev/null 2>&1
key=$("$bin" shop create --database "$db" --name "Fuzz Shop" --slug fuzz | sed -n 's/^API key (shown once): //p')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work" && exec "$bin" serve --no-migrate --database "$db" --port "$port" >"$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
python3 "$root/Benchmarks/load/seed.py" "http://127.0.0.1:$port" "$key" 20 >/dev/null
fuzz() {
  python3 -c "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())" run "http://127.0.0.1:$port/openapi.json" --header "Authorization: Bearer $key" --max-examples "$examples" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --workers 1 --no-color > "$work/schemathesis.txt" 2>&1
}
# An error inside the tool itself (hypothesis describing a filter lambda hits CPython 3.11's "AST constructor recursion
# depth mismatch" when two worker threads parse at once: in CI at stops 28 and 30, in about half of the runs with
# --workers 2 here, in none of three with one worker), with no check failed, is not a finding about the API: one
# worker, and up to three runs, said aloud. A failed check fails at once.
attempt=1
until fuzz; do
  if grep -q "= FAILURES =" "$work/schemathesis.txt" || ! grep -q "^Runtime Error" "$work/schemathesis.txt" \
     || [ "$attempt" -ge 3 ]; then
    grep -v "^ *$" "$work/schemathesis.txt" | cut -c1-300 | head -150; exit 1
  fi
  attempt=$((attempt + 1))
  echo "schemathesis stopped on an internal error, no check failed; run $attempt of 3:"
  grep -A1 "^Runtime Error" "$work/schemathesis.txt" | cut -c1-200 | head -4
done
sed -n '/SUMMARY/,$p' "$work/schemathesis.txt"
# Logs carry ids, never the key, customer data or SQL, whatever the requests held.
for secret in "$key" "@example.com" "SELECT " "INSERT INTO" "Paczka dotarła"; do
  if grep -qF -- "$secret" "$work/server.log"; then echo "the server log contains '$secret'"; exit 1; fi
done
if grep -q "Internal Server Error\|error redress" "$work/server.log"; then
  echo "the server logged an error during the fuzzing run:"; grep "error redress" "$work/server.log" | head -20; exit 1
fi
