"""Acts on a test mailbox as a mail client would, with Python's imaplib (never our code).

usage: imap_tool.py PORT USER PASSWORD append EPOCH < message   # APPEND with that INTERNALDATE
       imap_tool.py PORT USER PASSWORD seen                     # prints how many messages are \\Seen
       imap_tool.py PORT USER PASSWORD unsee                    # removes \\Seen from every message
"""
import imaplib
import ssl
import sys

port, user, password, action = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
client = imaplib.IMAP4("127.0.0.1", port)
client.starttls(ssl_context=ssl._create_unverified_context())
client.login(user, password)
if action == "append":
    status, data = client.append("INBOX", None, imaplib.Time2Internaldate(float(sys.argv[5])), sys.stdin.buffer.read())
    assert status == "OK", data
    print(data[0].decode())
elif action == "seen":
    client.select("INBOX")
    status, data = client.search(None, "SEEN")
    print(len(data[0].split()))
elif action == "unsee":
    client.select("INBOX")
    client.store("1:*", "-FLAGS", "(\\Seen)")
    print("ok")
client.logout()
