"""Mail into cases, measured (issue 19): COUNT mixed messages (new complaints with and without a photo, replies to
the shop's mails by plus-address, out-of-office replies, unreadable mail) through LMTP with smtplib over CONNECTIONS
sessions, then the same kind of mailbox through IMAP from a Dovecot on loopback; and the server's memory while it
takes one 25 MB message. Prints messages per second, the p50/p99 from handing a message over to its LMTP answer
(which comes after the commit: the time to the thread entry), and the peak RSS. Asserts nothing.

usage: mail-in.py REDRESS_BIN COUNT CONNECTIONS
"""
import base64
import concurrent.futures
import json
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

bin_path, count, connections = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


def message(index, to):
    kind = index % 10
    head = (f"From: Klient {index} <klient{index % 200}@example.com>\r\nTo: {to}\r\n"
            f"Message-ID: <bench-{index}-{time.time_ns()}@example.com>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0100\r\n"
            "MIME-Version: 1.0\r\n")
    if kind == 9:
        return head + "Subject: Nieobecność\r\nAuto-Submitted: auto-replied\r\n\r\nJestem na urlopie.\r\n"
    if kind == 8:
        return "garbage without headers " * 10
    if kind in (0, 1, 2):
        return (head + f"Subject: Reklamacja {index}\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\nKubek pękł, zdjęcie w załączniku.\r\n--b\r\n"
                "Content-Type: image/png\r\nContent-Disposition: attachment; filename=kubek.png\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(PNG).decode() + "\r\n--b--\r\n")
    return (head + f"Subject: Re: reklamacja {index}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "Dziękuję za odpowiedź.\r\n\r\nW dniu 6 gru 2026 o 10:00 Sklep napisał(a):\r\n> Prosimy o zdjęcie.\r\n")


def rss_peak(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


work = tempfile.mkdtemp(prefix="redress-mailin-")
db = f"sqlite:{work}/bench.sqlite"
created = subprocess.run([bin_path, "shop", "create", "--database", db, "--name", "Bench", "--slug", "bench"],
                         capture_output=True, text=True, check=True).stdout
key = created.split("API key (shown once): ")[1].split()[0]
subprocess.run([bin_path, "mail", "address", "--database", db, "--shop", "bench", "--address", "reklamacje@bench.example"],
               check=True, capture_output=True)
port, lmtp_port = free_port(), free_port()
server = subprocess.Popen([bin_path, "serve", "--database", db, "--port", str(port), "--lmtp", f"127.0.0.1:{lmtp_port}",
                           "--mail-dir", f"{work}/mail-out", "--allow-private-webhook-targets"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "LOG_LEVEL": "error"})
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1)
            break
        except Exception:
            time.sleep(0.2)

    # LMTP
    latencies = []

    def deliver(chunk):
        client = smtplib.LMTP("127.0.0.1", lmtp_port)
        mine = []
        for index in chunk:
            body = message(index, "reklamacje@bench.example").encode()
            started = time.perf_counter()
            client.sendmail(f"klient{index % 200}@example.com", ["reklamacje@bench.example"], body)
            mine.append(time.perf_counter() - started)
        client.quit()
        return mine

    chunks = [list(range(i, count, connections)) for i in range(connections)]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        for part in pool.map(deliver, chunks):
            latencies += part
    elapsed = time.perf_counter() - started
    print(f"LMTP: {count} messages over {connections} sessions in {elapsed:.2f} s = {count / elapsed:.0f} messages/s; "
          f"hand-over to stored answer p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms")

    # One 25 MB message (a 24 MB photo, base64): the server's peak memory before and after.
    before = rss_peak(server.pid)
    big = ("From: klient1@example.com\r\nTo: reklamacje@bench.example\r\nSubject: Duże zdjęcie\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nZdjęcie.\r\n--b\r\n"
           "Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(b"\xff\xd8\xff" + os.urandom(18 << 20)).decode().replace("\n", "\r\n") + "--b--\r\n")
    started = time.perf_counter()
    client = smtplib.LMTP("127.0.0.1", lmtp_port)
    client.sendmail("klient1@example.com", ["reklamacje@bench.example"], big.encode())
    client.quit()
    print(f"one {len(big) / 1e6:.1f} MB message: stored in {time.perf_counter() - started:.2f} s; "
          f"server peak RSS {before:.0f} MiB before, {rss_peak(server.pid):.0f} MiB after")

    # IMAP: a Dovecot mailbox filled with the same mix, polled by the worker.
    if shutil.which("dovecot"):
        dv = f"{work}/dv"
        os.chmod(work, 0o755)   # Dovecot's auth process (another user) reads the passwd file in it
        os.makedirs(f"{dv}/mail", mode=0o777)
        os.chmod(f"{dv}/mail", 0o777)
        imap_port = free_port()
        with open(f"{dv}/passwd", "w") as f:
            f.write("shop:{PLAIN}pass::::\n")
        with open(f"{dv}/dovecot.conf", "w") as f:
            f.write(f"""base_dir = {dv}/run
state_dir = {dv}/state
log_path = {dv}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_failure_delay = 0
mail_location = maildir:{dv}/mail/%u
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dv}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={dv}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
}}
""")
        dovecot = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", f"{dv}/dovecot.conf"])
        try:
            import imaplib
            for _ in range(100):
                try:
                    box = imaplib.IMAP4("127.0.0.1", imap_port)
                    box.login("shop", "pass")
                    break
                except (OSError, imaplib.IMAP4.error):
                    time.sleep(0.1)
            for index in range(count):
                box.append("INBOX", None, imaplib.Time2Internaldate(time.time() - 60),
                           message(count + index, "reklamacje@bench.example").encode())
            box.logout()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/shop/mailbox", method="PUT",
                data=json.dumps({"imapUrl": f"imap+plain://shop:pass@127.0.0.1:{imap_port}/INBOX"}).encode(),
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            urllib.request.urlopen(request)
            # Timed from the first stored message (the worker's round comes within 5 s of PUT) to the last.
            deadline = time.perf_counter() + 300
            started, first = None, 0
            while time.perf_counter() < deadline:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/shop/mailbox",
                                                 headers={"Authorization": f"Bearer {key}"})
                uid = json.load(urllib.request.urlopen(request)).get("lastUid", 0)
                if uid > 0 and started is None:
                    started, first = time.perf_counter(), uid
                if uid >= count:
                    break
                time.sleep(0.02)
            elapsed = time.perf_counter() - (started or time.perf_counter())
            print(f"IMAP: {count - first} messages polled from Dovecot in {elapsed:.2f} s = "
                  f"{(count - first) / max(elapsed, 1e-9):.0f} messages/s (one session: fetch, store, record, mark seen, one by one)")
        finally:
            dovecot.terminate()
            dovecot.wait(10)
finally:
    server.terminate()
    server.wait(30)
    shutil.rmtree(work, ignore_errors=True)
