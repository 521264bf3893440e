#!/usr/bin/env python3
"""Generated mail for the MIME reader's differential tests (issue 19, SPEC E11).

    mime_corpus.py DIR COUNT SEED

writes DIR/N.eml (the raw bytes) and DIR/N.json (what Python's own `email` package reads from those bytes:
the oracle). Messages vary in structure (plain, alternative, mixed with attachments, related with inline images,
attached messages, nested multiparts), charsets (E11), transfer encodings, RFC 2047 subjects and names, RFC 2231
and Outlook-style file names, and line ends (CRLF or LF)."""
import base64
import email
import email.policy
import json
import pathlib
import random
import sys
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid
import datetime

TEXTS = {
    "pl": ["Dzień dobry, zamówienie nr 12345 przyszło uszkodzone.", "Proszę o zwrot pieniędzy - żółć, gęś, źdźbło.",
           "Zażółć gęślą jaźń. ĄĘÓŁŚŻŹĆŃ ąęółśżźćń"],
    "el": ["Καλησπέρα, η παραγγελία μου ήρθε σπασμένη.", "Θέλω επιστροφή χρημάτων, ευχαριστώ.", "ΑΒΓΔ αβγδ άέήίόύώ"],
    "es": ["Buenos días, el pedido llegó roto.", "¿Podrían devolverme el dinero? Señor Núñez, año.", "ÁÉÍÓÚ ñ ü ¡¿"],
    "en": ["Hello, the parcel arrived broken.", "Please refund me. Order #5521.", "Plain ASCII text only."],
}
CHARSETS = {
    "utf-8": ["pl", "el", "es", "en"], "iso-8859-2": ["pl", "en"], "windows-1250": ["pl", "en"],
    "iso-8859-7": ["el", "en"], "windows-1253": ["el", "en"], "iso-8859-1": ["es", "en"],
    "windows-1252": ["es", "en"], "iso-8859-15": ["es", "en"], "us-ascii": ["en"],
}
TRICKY = ["From the start of a line", "--not-a-boundary", ".", "a = b and =41 stays", "trailing spaces   ",
          "x" * 120, "tab\tin the middle", "", "=?utf-8?q?not_a_word_in_a_body?="]
NAMES = ["Jan Kowalski", "Zofia Wąsik-Żółtowska", "Νίκος Παπαδόπουλος", "José Núñez", "O'Brien, Pat",
         "Müller \"Max\""]
FILES = ["zdjęcie paczki.jpg", "faktura.pdf", "φωτογραφία.png", "recibo año.txt", "plain.bin",
         "a very long file name that goes past the line length of a header " * 2 + ".dat"]


def text_for(rng, charset):
    language = rng.choice(CHARSETS[charset])
    lines = rng.sample(TEXTS[language], k=rng.randint(1, 3))
    if charset in ("utf-8", "us-ascii") or rng.random() < 0.5:
        lines += rng.sample(TRICKY, k=rng.randint(0, 3))
    return "\n".join(lines) + ("\n" if rng.random() < 0.7 else "")


def text_part(rng, subtype="plain"):
    charset = rng.choice(list(CHARSETS))
    body = text_for(rng, charset)
    if subtype == "html":
        body = "<p>" + body.replace("\n", "<br>\n") + "</p>\n"
    cte = rng.choice(["quoted-printable", "base64", "8bit"] + (["7bit"] if charset == "us-ascii" else []))
    if charset == "us-ascii" and cte == "8bit":
        cte = "7bit"
    part = MIMEText("", subtype, charset if charset != "us-ascii" else "us-ascii")
    del part["Content-Transfer-Encoding"]
    raw = body.encode(charset)
    if cte == "base64":
        payload = base64.encodebytes(raw).decode("ascii")
    elif cte == "quoted-printable":
        import quopri
        payload = quopri.encodestring(raw).decode("ascii")
    else:
        payload = raw.decode(charset)
    part.set_payload(payload)
    part["Content-Transfer-Encoding"] = cte
    if cte == "8bit":
        # Raw bytes of the charset, written back as they are by the bytes generator.
        part.set_payload(raw.decode("ascii", "surrogateescape"))
    return part


def attachment(rng):
    data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3000)))
    kind = rng.choice([("image", "jpeg"), ("application", "pdf"), ("image", "png"), ("application", "octet-stream")])
    part = MIMEBase(*kind)
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    name = rng.choice(FILES)
    style = rng.randint(0, 3)
    if style == 0:
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))  # RFC 2231
    elif style == 1:
        # Outlook: an encoded word in a quoted parameter.
        encoded = Header(name, "utf-8").encode().replace("\n", "")
        part["Content-Disposition"] = f'attachment; filename="{encoded}"'
    elif style == 2:
        part.add_header("Content-Disposition", "attachment")
        part.set_param("name", name.encode("ascii", "replace").decode("ascii"))
    else:
        # Long RFC 2231 name in continuations.
        quoted = "".join(f"%{b:02X}" for b in name.encode("utf-8"))
        chunks = [quoted[i:i + 30] for i in range(0, len(quoted), 30)]
        params = "; ".join(f"filename*{i}*={'utf-8' + chr(39) * 2 if i == 0 else ''}{chunk}"
                           for i, chunk in enumerate(chunks))
        part["Content-Disposition"] = f"attachment; {params}"
    return part


def body(rng, depth=0):
    shape = rng.choice(["plain", "alternative", "mixed", "related", "message", "nested"] if depth < 2 else ["plain"])
    if shape == "plain":
        return text_part(rng)
    if shape == "alternative":
        outer = MIMEMultipart("alternative")
        outer.attach(text_part(rng))
        outer.attach(text_part(rng, "html"))
        return outer
    if shape == "related":
        outer = MIMEMultipart("related")
        outer.attach(text_part(rng, "html"))
        image = attachment(rng)
        del image["Content-Disposition"]
        image.add_header("Content-Disposition", "inline")
        image["Content-ID"] = make_msgid(domain="img.example")
        outer.attach(image)
        return outer
    if shape == "message":
        outer = MIMEMultipart("mixed")
        outer.attach(text_part(rng))
        inner = message(rng, depth + 1)
        wrapper = MIMEBase("message", "rfc822")
        wrapper.set_payload([inner])
        outer.attach(wrapper)
        return outer
    outer = MIMEMultipart(rng.choice(["mixed", "mixed", "alternative"]) if shape == "nested" else "mixed")
    outer.attach(body(rng, depth + 1))
    for _ in range(rng.randint(1, 3)):
        outer.attach(attachment(rng))
    return outer


def address(rng):
    name = rng.choice(NAMES)
    local = rng.choice(["jan", "z.wasik", "nikos", "jose", "pat+tag", "max"])
    if rng.random() < 0.2:
        return f"{local}@example.pl"
    charset = "utf-8"
    if rng.random() < 0.4:
        try:
            name.encode("iso-8859-2")
            charset = "iso-8859-2"
        except UnicodeEncodeError:
            pass
    return email.utils.formataddr((name, f"{local}@example.pl"), charset=charset)


def message(rng, depth=0):
    msg = body(rng, depth)
    subject_charset = rng.choice(["utf-8", "iso-8859-2", "windows-1250", "iso-8859-7", "iso-8859-1"])
    language = rng.choice(CHARSETS[subject_charset])
    subject = rng.choice(TEXTS[language])[:rng.randint(5, 60)]
    if rng.random() < 0.3:
        subject = "Re: [RC-2026-000123] " + subject
    msg["Subject"] = Header(subject, subject_charset).encode() if rng.random() < 0.8 else subject.encode(
        "ascii", "replace").decode("ascii")
    msg["From"] = address(rng)
    msg["To"] = ", ".join(address(rng) for _ in range(rng.randint(1, 3)))
    msg["Message-ID"] = make_msgid(domain="mail.example.pl")
    if rng.random() < 0.5:
        earlier = [make_msgid(domain="shop.example") for _ in range(rng.randint(1, 4))]
        msg["In-Reply-To"] = earlier[-1]
        msg["References"] = " ".join(earlier)
    when = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=rng.choice([-5, 0, 1, 2]))))
    msg["Date"] = format_datetime(when + datetime.timedelta(seconds=rng.randint(0, 365 * 86400)))
    if "MIME-Version" not in msg:
        msg["MIME-Version"] = "1.0"
    return msg


def oracle(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)

    def content(part):
        if part is None:
            return None
        try:
            return part.get_content().replace("\r\n", "\n")
        except Exception:
            return None

    text_body = msg.get_body(preferencelist=("plain",))
    html_body = msg.get_body(preferencelist=("html",))
    attachments, messages = [], []

    def walk(part):
        if part.is_multipart() and part.get_content_maintype() == "multipart":
            for child in part.iter_parts():
                walk(child)
        elif part.get_content_type() == "message/rfc822":
            messages.append(str(part.get_payload(0)["Subject"] or ""))
        elif part is not text_body and part is not html_body:
            data = part.get_payload(decode=True) or b""
            attachments.append({"filename": part.get_filename(), "contentType": part.get_content_type(),
                                "base64": base64.b64encode(data).decode("ascii"), "size": len(data)})

    walk(msg)
    sender = msg["From"].addresses[0] if msg["From"] and msg["From"].addresses else None
    date = msg["Date"].datetime if msg["Date"] is not None and msg["Date"].datetime else None
    return {
        "subject": str(msg["Subject"] or ""),
        "fromAddress": sender.addr_spec if sender else None,
        "fromName": sender.display_name if sender else None,
        "to": [a.addr_spec for a in msg["To"].addresses] if msg["To"] else [],
        "messageID": (msg["Message-ID"] or "").strip().strip("<>") or None,
        "inReplyTo": (msg["In-Reply-To"] or "").strip().strip("<>") or None,
        "references": [r.strip("<>") for r in str(msg["References"] or "").split()],
        "date": date.timestamp() if date else None,
        "text": content(text_body),
        "html": content(html_body),
        "attachments": attachments,
        "messages": messages,
        "partCount": len(list(msg.walk())) - 1,
    }


def main():
    directory, count, seed = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for number in range(count):
        msg = message(rng)
        linesep = "\r\n" if rng.random() < 0.5 else "\n"
        raw = msg.as_bytes(policy=email.policy.compat32.clone(linesep=linesep))
        (directory / f"{number:04}.eml").write_bytes(raw)
        (directory / f"{number:04}.json").write_text(json.dumps(oracle(raw), ensure_ascii=False))
    print(count)


if __name__ == "__main__":
    main()
