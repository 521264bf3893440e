"""Several instances on one PostgreSQL database (issue 9): two `redress serve` processes, the test alternating
between them. Sessions work on both; concurrent replies to one dialog are all kept once; concurrent decisions on one
complaint leave exactly one decision (the others get 409 with a clear message); timed work running in both publishes
each held review and sends each mail exactly once; stopping one instance mid-run loses nothing acknowledged.

    python3 instances.py REDRESS_BIN POSTGRES_URL [--reviews N]

Prints its figures; exits 1 when a check fails. Loopback only, bounded.
"""
import argparse, concurrent.futures, http.cookiejar, json, os, re, signal, socket, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("database")
parser.add_argument("--reviews", type=int, default=30)
args = parser.parse_args()
binary = os.path.realpath(args.binary)
work = tempfile.mkdtemp(prefix="redress-instances.")
parts = urllib.parse.urlsplit(args.database)
name = f"redress_instances_{os.getpid()}"
admin = parts._replace(path="/postgres").geturl()
subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
url = parts._replace(path="/" + name).geturl()


def sql(query):
    out = subprocess.run(["psql", url, "-At", "-F", "\t", "-c", query], check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def run(*command, env=None):
    return subprocess.run([binary, *command], check=True, capture_output=True, text=True, cwd=work,
                          env={**os.environ, **(env or {})}).stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


run("migrate", "--database", url)
slug = "instances"
key = next(line.split(": ", 1)[1] for line in run("shop", "create", "--database", url, "--name", "Two", "--slug", slug)
           .splitlines() if line.startswith("API key"))
run("staff", "create", "--database", url, "--shop", slug, "--email", "owner@two.test", "--name", "Owner", "--role",
    "owner", env={"REDRESS_STAFF_PASSWORD": "two-instances-2026"})
servers = {}


def start(label):
    port = free_port()
    log = open(os.path.join(work, f"{label}.log"), "a")
    process = subprocess.Popen([binary, "serve", "--no-migrate", "--database", url, "--port", str(port), "--role", "all",
                                "--test-clock"], cwd=work, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/ready", timeout=1).read()
            break
        except Exception:
            time.sleep(0.05)
    servers[label] = (process, base)
    return base


def call(base, method, path, body=None, headers=None, auth=True):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if auth:
        request.add_header("Authorization", "Bearer " + key)
    for header, value in (headers or {}).items():
        request.add_header(header, value)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            text = response.read()
            return response.status, json.loads(text) if text.startswith(b"{") else text.decode()
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text.startswith(b"{") else text.decode()


failures = []
def check(condition, text):
    if not condition:
        failures.append(text)


a, b = start("a"), start("b")
both = [a, b]

# Sessions live in the database: signed in on A, the cookie works on B.
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
form = opener.open(a + "/login").read().decode()
csrf = re.search(r'name="_csrf" value="([^"]+)"', form).group(1)
opener.open(a + "/login", urllib.parse.urlencode({"_csrf": csrf, "email": "owner@two.test",
                                                  "password": "two-instances-2026"}).encode())
session = next(cookie.value for cookie in jar if cookie.name == "redress_session")
status, page = call(b, "GET", "/panel/dialogs", headers={"Cookie": f"redress_session={session}"}, auth=False)
check(status == 200 and "Owner" in page, f"a session from A on B: {status}")

# Held reviews, alternating instances.
reviews, tokens = [], []
for i in range(args.reviews):
    base = both[i % 2]
    external = f"T-{i}"
    call(base, "POST", "/api/v1/orders", {
        "externalId": external, "placedAt": "2026-11-01T10:00:00Z", "deliveredAt": "2026-11-02T08:00:00Z",
        "customer": {"email": f"t{i}@example.com", "name": "Klient", "locale": "pl"},
        "items": [{"productId": "P-1", "name": "Kubek", "quantity": 1, "unitPrice": 19.99, "currency": "PLN"}]})
    token = call(base, "POST", f"/api/v1/orders/{external}/review-invitation")[1]["token"]
    status, review = call(both[(i + 1) % 2], "POST", f"/api/v1/customer/{token}/review",
                          {"rating": 2, "title": "Źle", "body": "Kubek przyszedł pęknięty, pudełko zgniecione."}, auth=False)
    check(status == 201 and review["status"] == "standby", f"review {i}: {status}")
    reviews.append(review["reviewId"])
    tokens.append(token)

# Twenty replies to one dialog at once through both instances: all kept, once each.
status, opened = call(a, "POST", f"/api/v1/reviews/{reviews[0]}/dialog")
dialog = opened["dialogId"]
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    answers = list(pool.map(lambda n: call(both[n % 2], "POST", f"/api/v1/dialogs/{dialog}/messages",
                                           {"body": f"Odpowiedź {n}"})[0], range(20)))
stored = {row[0]: int(row[1]) for row in sql(f"SELECT body, COUNT(*) FROM dialog_messages WHERE dialog_id = '{dialog}' GROUP BY body")}
# Each reply moves the dialog (whose turn, last message) under optimistic locking: a reply that lost the race is
# refused with 409 and a message, and is not stored; every accepted one is stored once.
check(set(answers) <= {201, 409} and answers.count(201) >= 1, f"concurrent replies: {answers}")
check(all(stored.get(f"Odpowiedź {n}", 0) == (1 if code == 201 else 0) for n, code in enumerate(answers)),
      f"replies stored {stored} for answers {answers}")

# Concurrent decisions on one complaint: exactly one wins, the others are told why.
status, filed = call(a, "POST", "/api/v1/complaints", {
    "email": "c@example.com", "customerName": "Klient", "claimType": "non_conformity", "category": "defective",
    "description": "Ucho odpadło.", "requestedRemedy": "refund", "partyType": "consumer", "channel": "phone"})
reference = filed["reference"]
with concurrent.futures.ThreadPoolExecutor(6) as pool:
    decided = list(pool.map(lambda n: call(both[n % 2], "POST", f"/api/v1/complaints/{reference}/decision",
                                           {"outcome": "accepted", "remedy": "refund"}), range(6)))
codes = [code for code, _ in decided]
decisions = int(sql(f"SELECT COUNT(*) FROM complaint_decisions d JOIN complaints c ON c.id = d.complaint_id "
                    f"WHERE c.reference = '{reference}'")[0][0])
check(codes.count(201) == 1 and codes.count(409) == 5, f"concurrent decisions: {codes}")
check(decisions == 1, f"decisions stored: {decisions}")
messages = {body.get("detail") for code, body in decided if code == 409 and isinstance(body, dict)}
check(all(messages), f"409 without a message: {messages}")

# Timed work in both instances at once: both clocks move eight days on together and both run the due work at the
# same moment; every held review without a dialog is published once.
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    moved = list(pool.map(lambda base: call(base, "POST", "/api/v1/test-clock", {"advanceBy": "P8D"}, auth=False)[0], both))
check(moved == [200, 200], f"test clocks: {moved}")
time.sleep(2)
published = {row[0]: int(row[1]) for row in sql(
    "SELECT subject_id, COUNT(*) FROM audit_log WHERE action = 'review.published' GROUP BY subject_id")}
expected = set(reviews[1:])
check(set(published) == expected and all(n == 1 for n in published.values()),
      f"published once each: {len(published)} of {len(expected)}, counts {set(published.values())}")
mails = int(sql("SELECT COUNT(*) FROM outbox WHERE kind = 'reviewPublished'")[0][0])
check(mails == len(expected), f"'published' e-mails queued: {mails} for {len(expected)} reviews")

# One instance stops in the middle of a stream of orders sent to both; every acknowledged order is kept.
def order(n):
    try:
        status, _ = call(both[n % 2], "POST", "/api/v1/orders", {
            "externalId": f"S-{n}", "placedAt": "2026-11-01T10:00:00Z",
            "customer": {"email": f"s{n}@example.com", "name": "Klient", "locale": "pl"},
            "items": [{"productId": "P-1", "name": "Kubek", "quantity": 1, "unitPrice": 19.99, "currency": "PLN"}]})
    except Exception:
        status = None  # B is gone: refused
    return f"S-{n}", status
stopper = concurrent.futures.ThreadPoolExecutor(1)
stopper.submit(lambda: (time.sleep(0.3), servers["b"][0].send_signal(signal.SIGTERM)))
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    outcomes = list(pool.map(order, range(200)))
acknowledged = [external for external, status in outcomes if status in (200, 201)]
refused = sum(1 for _, status in outcomes if status is None)
servers["b"][0].wait(timeout=30)
kept = {row[0] for row in sql("SELECT external_id FROM orders WHERE external_id LIKE 'S-%'")}
check(set(acknowledged) <= kept, f"orders acknowledged and lost: {sorted(set(acknowledged) - kept)[:5]}")
# The outbox: every row sent or pending, none twice (a row is claimed by one instance at a time).
rows = sql("SELECT COUNT(*), SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END) FROM outbox")[0]
total, sent, failed = (int(value or 0) for value in rows)
check(failed == 0, f"outbox rows failed: {failed}")

servers["a"][0].send_signal(signal.SIGTERM)
servers["a"][0].wait(timeout=30)
subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name}"])
print(f"two instances on PostgreSQL: session from A worked on B; 20 concurrent replies to one dialog: "
      f"{answers.count(201)} stored once each, {answers.count(409)} × 409 and not stored; "
      f"6 concurrent decisions → {codes.count(201)} accepted, {codes.count(409)} × 409; "
      f"{len(published)} held reviews published once each by timed work racing in both; "
      f"{len(acknowledged)} orders acknowledged while B stopped mid-run ({refused} refused by the stopped one), all kept; "
      f"outbox {total} rows, {sent} sent, none failed")
if failures:
    print("FAILED:\n  " + "\n  ".join(failures) + f"\nlogs in {work}")
    sys.exit(1)
