#!/usr/bin/env python3
"""A real SMTP server on loopback for Redress's tests (aiosmtpd).

Each message that arrives is written to DIR as NNNNNN.eml (exactly as received) and NNNNNN.json: the envelope
and the message as Python's own e-mail parser reads it (decoded subject, headers, text and HTML bodies), so the
tests check our MIME against an independent reader. Prints "ready PORT" on stdout once it accepts connections.

  smtp_sink.py --dir DIR [--port 0] [--tls none|starttls|implicit] [--cert C --key K] [--auth USER:PASS]
  smtp_sink.py --make-cert DIR      writes DIR/cert.pem and DIR/key.pem (self-signed, localhost + 127.0.0.1)
"""
import argparse
import email
import email.policy
import json
import asyncio
import itertools
import os
import signal
import socket
import ssl
import subprocess
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def make_cert(directory):
    os.makedirs(directory, exist_ok=True)
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(cert, flush=True)


class Sink:
    def __init__(self, directory, count_only=False):
        self.directory = directory
        self.count_only = count_only
        self.received = 0
        existing = [int(n[:6]) for n in os.listdir(directory) if n.endswith(".eml") and n[:6].isdigit()]
        self.counter = itertools.count(max(existing, default=0) + 1)

    async def handle_DATA(self, server, session, envelope):
        if self.count_only:  # benchmarks: accept and count, so the figure measures the sender
            self.received += 1
            return "250 OK"
        number = next(self.counter)
        head = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (envelope.mail_from, ", ".join(envelope.rcpt_tos))
        body = envelope.original_content or envelope.content
        if isinstance(body, str):
            body = body.encode("utf-8")
        path = os.path.join(self.directory, "%06d" % number)
        parsed = email.message_from_bytes(body, policy=email.policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        summary = {
            "envelopeFrom": envelope.mail_from,
            "envelopeTo": list(envelope.rcpt_tos),
            "subject": str(parsed["subject"] or ""),
            "from": str(parsed["from"] or ""),
            "to": str(parsed["to"] or ""),
            "replyTo": str(parsed["reply-to"] or ""),
            "messageId": str(parsed["message-id"] or ""),
            "date": str(parsed["date"] or ""),
            "contentType": parsed.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "defects": [str(d) for d in parsed.defects],
        }
        with open(path + ".eml.tmp", "wb") as f:
            f.write(head.encode("ascii") + body)
        with open(path + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.replace(path + ".eml.tmp", path + ".eml")
        os.replace(path + ".json.tmp", path + ".json")
        return "250 OK queued as %d" % number


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth")
    parser.add_argument("--make-cert")
    parser.add_argument("--count-only", action="store_true", help="accept and count only (benchmarks)")
    args = parser.parse_args()
    if args.make_cert:
        make_cert(args.make_cert)
        return
    os.makedirs(args.dir, exist_ok=True)
    port = args.port or free_port()
    kwargs = {}
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs.update(ssl_context=context)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=args.tls == "starttls")
    sink = Sink(args.dir, count_only=args.count_only)
    signal.signal(signal.SIGUSR1, lambda *a: print("received %d" % sink.received, flush=True))
    controller = Controller(sink, hostname="127.0.0.1", port=port, server_hostname="localhost",
                            ready_timeout=10, **kwargs)
    controller.start()
    print("ready %d" % port, flush=True)
    # Stopping is abrupt on purpose (like a mail server that goes away); every file is written whole before rename.
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    signal.signal(signal.SIGINT, lambda *a: os._exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
