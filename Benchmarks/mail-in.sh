#!/usr/bin/env bash
# Mail into cases (issue 19): messages per second through LMTP and IMAP, the p50/p99 from hand-over to the stored
# answer, and the server's memory while it takes a 25 MB message. Release build, SQLite; asserts nothing.
#   Benchmarks/mail-in.sh [COUNT] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
bin=$(release_build redress)
python3 Benchmarks/mail-in.py "$bin/redress" "${1:-1000}" "${2:-4}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
