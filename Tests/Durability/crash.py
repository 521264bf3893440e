"""Crash durability (issue 9): a bounded load generator submits orders, reviews, dialog messages and complaints
against a running `redress serve`, while the server is killed with SIGKILL at random moments and restarted. At the
end every request that got a 2xx answer must be in the database, nothing may be applied twice, every outbox row is
sent or still pending, and the public counters (and the reports' hourly counters and daily roll-ups) equal a recount
from the rows.

    python3 crash.py REDRESS_BIN DATABASE_URL [--operations N] [--kills K] [--seconds S] [--workers W]

DATABASE_URL is `sqlite:/path/file.sqlite` (created) or `postgres://…/db` (a fresh database is created next to it).
Loopback only; bounded by N operations and S seconds. Prints its figures; exits 1 when a check fails.
"""
import argparse, json, os, random, signal, socket, sqlite3, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.parse, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("database")
parser.add_argument("--operations", type=int, default=300)
parser.add_argument("--kills", type=int, default=5)
parser.add_argument("--seconds", type=int, default=120)
parser.add_argument("--workers", type=int, default=4)
args = parser.parse_args()

work = tempfile.mkdtemp(prefix="redress-crash.")
binary = os.path.realpath(args.binary)
url = args.database
if url.startswith("postgres"):
    parts = urllib.parse.urlsplit(url)
    name = f"redress_crash_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    url = parts._replace(path="/" + name).geturl()
    engine = "postgres"
else:
    engine = "sqlite"


def sql(query):
    """Rows of a query run straight on the database, bypassing the server."""
    if engine == "sqlite":
        connection = sqlite3.connect(url.removeprefix("sqlite:"))
        try:
            return [tuple(row) for row in connection.execute(query).fetchall()]
        finally:
            connection.close()
    out = subprocess.run(["psql", url, "-At", "-F", "\t", "-c", query], check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def run(*command):
    return subprocess.run([binary, *command], check=True, capture_output=True, text=True, cwd=work).stdout


run("migrate", "--database", url)
slug = f"crash-{os.getpid()}"
created = run("shop", "create", "--database", url, "--name", "Crash Shop", "--slug", slug)
key = next(line.split(": ", 1)[1] for line in created.splitlines() if line.startswith("API key"))
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
port = sock.getsockname()[1]
sock.close()
base = f"http://127.0.0.1:{port}"
server = None
server_lock = threading.Lock()


def start_server():
    global server
    log = open(os.path.join(work, "server.log"), "a")
    server = subprocess.Popen([binary, "serve", "--no-migrate", "--database", url, "--port", str(port), "--role", "all"],
                              cwd=work, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/ready", timeout=1).read()
            return
        except Exception:
            time.sleep(0.05)
    raise SystemExit("the server did not become ready; see " + work + "/server.log")


def call(method, path, body=None, auth=True):
    """(status, json), or (None, None) when the connection broke during the request: the outcome is then unknown.
    A refused connection (the server is restarting) applied nothing, so it waits and tries again."""
    for _ in range(400):
        request = urllib.request.Request(base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", "Bearer " + key)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, None
        except urllib.error.URLError as error:
            if isinstance(error.reason, ConnectionRefusedError):
                time.sleep(0.05)
                continue
            return None, None
        except Exception:
            return None, None
    return None, None


acknowledged = {"orders": set(), "reviews": set(), "messages": [], "complaints": set()}
unknown = {"orders": 0, "reviews": 0, "messages": [], "complaints": []}
dialogs = []
lock = threading.Lock()
counter = iter(range(10**9))
deadline = time.time() + args.seconds


def operation(number):
    kind = number % 4
    marker = f"op-{number}"
    if kind in (0, 1):  # an order, its review link and a review (a held one gets a dialog)
        external = f"C-{number}"
        order = {
            "externalId": external, "placedAt": "2026-11-01T10:00:00Z", "deliveredAt": "2026-11-03T10:00:00Z",
            "customer": {"email": f"{marker}@example.com", "name": "Klient", "locale": "pl"},
            "items": [{"productId": "P-1", "name": "Kubek", "quantity": 1, "unitPrice": 19.99, "currency": "PLN"}]}
        # Orders are idempotent on externalId: after an unknown outcome the same order is sent again (200 or 201).
        for _ in range(5):
            status, _ = call("POST", "/api/v1/orders", order)
            if status is not None:
                break
            with lock: unknown["orders"] += 1
        with lock:
            if status in (200, 201): acknowledged["orders"].add(external)
        if status not in (200, 201):
            return
        status, link = call("POST", f"/api/v1/orders/{external}/review-invitation")
        if status != 201:
            return
        rating = 2 if kind == 0 else 5
        status, review = call("POST", f"/api/v1/customer/{link['token']}/review",
                              {"rating": rating, "title": marker, "body": f"Recenzja {marker}: kubek dotarł."}, auth=False)
        with lock:
            if status == 201: acknowledged["reviews"].add(review["reviewId"])
            elif status is None: unknown["reviews"] += 1
        if status == 201 and rating == 2:
            status, opened = call("POST", f"/api/v1/reviews/{review['reviewId']}/dialog")
            if status == 201:
                with lock: dialogs.append(opened["dialogId"])
    elif kind == 2:  # a reply in a dialog
        with lock:
            dialog = random.choice(dialogs) if dialogs else None
        if dialog is None:
            return
        body = f"Wiadomość {marker}"
        status, _ = call("POST", f"/api/v1/dialogs/{dialog}/messages", {"body": body})
        with lock:
            if status == 201: acknowledged["messages"].append(body)
            elif status is None: unknown["messages"].append(body)
    else:  # a complaint entered by the shop
        description = f"Reklamacja {marker}: ucho odpadło."
        status, filed = call("POST", "/api/v1/complaints", {
            "email": f"{marker}@example.com", "customerName": "Klient", "claimType": "non_conformity",
            "category": "defective", "description": description, "requestedRemedy": "refund",
            "partyType": "consumer", "channel": "phone"})
        with lock:
            if status == 201: acknowledged["complaints"].add(description)
            elif status is None: unknown["complaints"].append(description)


def worker():
    while time.time() < deadline:
        number = next(counter)
        if number >= args.operations:
            return
        operation(number)


start_server()
threads = [threading.Thread(target=worker) for _ in range(args.workers)]
for thread in threads: thread.start()
kills = 0
while any(thread.is_alive() for thread in threads) and kills < args.kills:
    time.sleep(random.uniform(0.15, 0.8))
    if not any(thread.is_alive() for thread in threads):
        break
    server.send_signal(signal.SIGKILL)
    server.wait()
    kills += 1
    start_server()
for thread in threads: thread.join()
# Let timed work and the outbox catch up, then stop the server cleanly.
time.sleep(3)
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)

failures = []
def check(condition, text):
    if not condition: failures.append(text)

orders = {row[0] for row in sql(f"SELECT o.external_id FROM orders o JOIN shops s ON s.id = o.shop_id WHERE s.slug = '{slug}'")}
check(acknowledged["orders"] <= orders, f"orders acknowledged but missing: {sorted(acknowledged['orders'] - orders)[:5]}")
reviews = {row[0] for row in sql("SELECT id FROM reviews")}
check(acknowledged["reviews"] <= reviews, f"reviews acknowledged but missing: {sorted(acknowledged['reviews'] - reviews)[:5]}")
counts = {row[0]: int(row[1]) for row in sql("SELECT body, COUNT(*) FROM dialog_messages GROUP BY body")}
missing_messages = [body for body in acknowledged["messages"] if counts.get(body, 0) != 1]
check(not missing_messages, f"messages acknowledged but not there exactly once: {missing_messages[:5]}")
check(all(counts.get(body, 0) <= 1 for body in unknown["messages"]), "a message with an unknown outcome was applied twice")
complaints = {row[0]: int(row[1]) for row in sql("SELECT description, COUNT(*) FROM complaints GROUP BY description")}
missing_complaints = [text for text in acknowledged["complaints"] if complaints.get(text, 0) != 1]
check(not missing_complaints, f"complaints acknowledged but not there exactly once: {missing_complaints[:5]}")
check(all(count == 1 for count in complaints.values()), "a complaint was applied twice")
references = sql("SELECT shop_id, reference, COUNT(*) FROM complaints GROUP BY shop_id, reference HAVING COUNT(*) > 1")
check(not references, f"complaint references used twice: {references[:5]}")
reviews_per_order = sql("SELECT order_id FROM reviews GROUP BY order_id HAVING COUNT(*) > 1")
check(not reviews_per_order, "an order has two reviews")
outbox = sql("SELECT COUNT(*), SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), "
             "SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), "
             "SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END) FROM outbox")[0]
total, sent, pending, failed = (int(value or 0) for value in outbox)
check(sent + pending == total and failed == 0, f"outbox rows neither sent nor pending: {total - sent - pending}")
# The public counters against the rows (R13): published reviews by rating, reviews held now.
shop_id = sql(f"SELECT id FROM shops WHERE slug = '{slug}'")[0][0]
counters = {(row[0], row[1]): int(row[2]) for row in sql(
    f"SELECT day, metric, SUM(count) FROM review_daily_counts WHERE shop_id = '{shop_id}' GROUP BY day, metric")}
published = {}
for day, metric in counters:
    if metric.startswith("published_"):
        published[metric] = published.get(metric, 0) + counters[(day, metric)]
recount = {f"published_{row[0]}": int(row[1]) for row in sql(
    f"SELECT rating, COUNT(*) FROM reviews WHERE shop_id = '{shop_id}' AND status = 'published' GROUP BY rating")}
check({k: v for k, v in published.items() if v} == recount, f"published counters {published} != recount {recount}")
standby = counters.get(("all", "standby"), 0)
standby_rows = int(sql(f"SELECT COUNT(*) FROM reviews WHERE shop_id = '{shop_id}' AND status = 'standby'")[0][0])
check(standby == standby_rows, f"standby counter {standby} != {standby_rows} rows")
hourly = int(sql(f"SELECT COALESCE(SUM(count), 0) FROM review_hourly_counts WHERE shop_id = '{shop_id}'")[0][0])
check(hourly == len(reviews), f"hourly report counters {hourly} != {len(reviews)} reviews")
# The reports' daily roll-ups of complaints, dialogs and review products equal a recount from the rows.
verified = subprocess.run([binary, "reports", "verify", "--database", url, "--shop", slug],
                          capture_output=True, text=True, cwd=work)
check(verified.returncode == 0 and "all equal" in verified.stdout,
      f"report roll-up counters differ from a recount: {verified.stdout[-2000:]}{verified.stderr[-500:]}")
rollup_line = verified.stdout.strip().splitlines()[-1] if verified.stdout.strip() else "?"

# Logs carry ids, never keys, customer tokens, e-mail addresses or SQL.
log_text = open(os.path.join(work, "server.log"), encoding="utf-8", errors="replace").read()
for secret, what in [(key, "the API key"), ("@example.com", "an e-mail address"), ("SELECT ", "SQL"),
                     ("INSERT INTO", "SQL"), ("Recenzja op-", "review text")]:
    check(secret not in log_text, f"the server log contains {what}")

print(f"crash durability on {engine}: {kills} SIGKILLs; "
      f"acknowledged: {len(acknowledged['orders'])} orders, {len(acknowledged['reviews'])} reviews, "
      f"{len(acknowledged['messages'])} messages, {len(acknowledged['complaints'])} complaints — all found once; "
      f"unknown outcome (connection cut): {unknown['orders']} orders (sent again), {unknown['reviews']} reviews, "
      f"{len(unknown['messages'])} messages, {len(unknown['complaints'])} complaints; "
      f"outbox {total} rows: {sent} sent, {pending} pending; counters equal a recount: "
      f"{'yes' if not any('counter' in f for f in failures) else 'no'} (report roll-ups: {rollup_line})")
if engine == "postgres":
    subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {urllib.parse.urlsplit(url).path[1:]}"])
if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    print("server log: " + work + "/server.log")
    sys.exit(1)
