# Shared by the benchmark scripts (sourced): a free loopback port, waiting for a started server, signing in.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_ready BASE_URL: until /ready answers (at most 20 s).
wait_ready() {
  for _ in $(seq 1 100); do curl -fsS "$1/ready" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "the server at $1 did not become ready"; return 1
}

# sign_in BASE_URL EMAIL PASSWORD COOKIE_JAR: signs in like a browser (the CSRF cookie from the form, then the
# session cookie) and prints the session cookie's value.
sign_in() {
  local csrf
  # The form goes to a file first: `curl | … | head` can end in SIGPIPE, which pipefail turns into a failure.
  curl -fsS -c "$4" -o "$4.form" "$1/login"
  csrf=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p;T;q' "$4.form")
  curl -fsS -b "$4" -c "$4" -o /dev/null --data-urlencode "_csrf=$csrf" --data-urlencode "email=$2" \
    --data-urlencode "password=$3" "$1/login"
  awk '$6 == "redress_session" {print $7}' "$4"
}

# need_wrk: wrk from Debian's packages, installed when missing.
need_wrk() {
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
    || { echo "wrk is needed: apt-get install wrk"; exit 1; }
}

# release_build PRODUCT…: builds the products in release mode in $SCRATCH (default .build) and prints the folder of
# the binaries.
release_build() {
  local scratch=${SCRATCH:-.build} product
  for product in "$@"; do
    swift build -c release --scratch-path "$scratch" --product "$product" >/dev/null || return 1
  done
  swift build -c release --scratch-path "$scratch" --show-bin-path
}
