"""Delivers one message (stdin) over LMTP with Python's smtplib, as an MTA would, and prints what happened as JSON.

usage: lmtp_client.py PORT SENDER RECIPIENT [RECIPIENT...]
"""
import json
import smtplib
import sys

port, sender, recipients = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
message = sys.stdin.buffer.read()
out = {}
client = smtplib.LMTP("127.0.0.1", port)
code, text = client.ehlo_or_helo_if_needed() or (0, b"")
out["lhlo"] = client.ehlo_resp.decode() if client.ehlo_resp else ""
try:
    refused = client.sendmail(sender, recipients, message)
    out["refused"] = {address: [code, text.decode()] for address, (code, text) in refused.items()}
except smtplib.SMTPRecipientsRefused as error:
    out["refused"] = {address: [code, text.decode()] for address, (code, text) in error.recipients.items()}
    out["error"] = "all refused"
except smtplib.SMTPDataError as error:
    out["error"] = f"{error.smtp_code} {error.smtp_error.decode()}"
client.quit()
print(json.dumps(out))
