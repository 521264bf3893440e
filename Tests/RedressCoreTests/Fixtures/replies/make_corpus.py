#!/usr/bin/env python3
"""Writes the reply corpus of E6 (issue 19): replies to a Redress case mail as Gmail, Outlook (desktop, older
desktop, web, phone), Apple Mail (Mac, iPhone), Thunderbird and the Polish webmails (Onet, WP, Interia) lay them
out in plain text, in pl/en/es/el, each with the text the customer wrote (what stripping must return).

The layouts follow the forms listed in CHANNELS.md (attribution lines, Outlook header blocks, separators,
"Sent from" lines); they are written from those documented forms, not captured from the live programs.
Each sample is one file: the mail, a line `=== expected ===`, the expected text.
    python3 make_corpus.py        (run in this folder; rewrites the .txt files)"""
import pathlib

SHOP = "Sklep Przykład"
ADDRESS = "reklamacje+c1.Hk3x9Q@sklep.example"
MARKER = {
    "pl": "—— Prosimy pisać odpowiedź nad tą linią ——",
    "en": "—— Please write your reply above this line ——",
    "es": "—— Escriba su respuesta encima de esta línea ——",
    "el": "—— Γράψτε την απάντησή σας πάνω από αυτή τη γραμμή ——",
}
SHOP_TEXT = {
    "pl": ["Dzień dobry,", "", "prosimy o zdjęcie uszkodzonej paczki.", "", "Pozdrawiamy,", SHOP],
    "en": ["Hello,", "", "please send us a photo of the damaged parcel.", "", "Kind regards,", SHOP],
    "es": ["Hola:", "", "envíenos una foto del paquete dañado, por favor.", "", "Saludos,", SHOP],
    "el": ["Γεια σας,", "", "στείλτε μας μια φωτογραφία του κατεστραμμένου δέματος.", "", "Με εκτίμηση,", SHOP],
}
CUSTOMER = {
    "pl": ["Dzień dobry,", "", "zdjęcie w załączniku. Karton był zgnieciony z dwóch stron.", "",
           "Jan Kowalski"],
    "en": ["Hi,", "", "the photo is attached. The box was crushed on two sides.", "", "John Smith"],
    "es": ["Hola,", "", "adjunto la foto. La caja llegó aplastada por dos lados.", "", "José Núñez"],
    "el": ["Καλησπέρα,", "", "η φωτογραφία είναι συνημμένη. Το κουτί ήταν τσακισμένο.", "", "Νίκος Παπαδόπουλος"],
}
SIGNATURE = {
    "pl": ["-- ", "Jan Kowalski", "tel. 600 100 200"],
    "en": ["-- ", "John Smith", "+44 20 7946 0000"],
    "es": ["-- ", "José Núñez", "Tel. 600 123 456"],
    "el": ["-- ", "Νίκος Παπαδόπουλος", "Τηλ. 210 123 4567"],
}
SUBJECT = "[RC-2026-000123] Reklamacja zamówienia 5521"
ORIGINAL = {lang: [MARKER[lang], ""] + SHOP_TEXT[lang] for lang in MARKER}


def quoted(lines, prefix="> "):
    return [(prefix + line) if line else prefix.rstrip() for line in lines]


GMAIL = {
    "en": ["On Mon, 7 Dec 2026 at 20:01, Sklep Przykład <", ADDRESS + "> wrote:"],
    "pl": [f"pon., 7 gru 2026 o 20:01 {SHOP} <{ADDRESS}>", "napisał(a):"],
    "es": [f"El lun, 7 dic 2026 a las 20:01, {SHOP} (<{ADDRESS}>)", "escribió:"],
    "el": [f"Στις Δευ 7 Δεκ 2026 στις 8:01 μ.μ., ο/η {SHOP} <", ADDRESS + "> έγραψε:"],
}
OUTLOOK_LABELS = {
    "en": ("From", "Sent", "To", "Subject", "Monday, December 7, 2026 8:01 PM"),
    "pl": ("Od", "Wysłane", "Do", "Temat", "poniedziałek, 7 grudnia 2026 20:01"),
    "es": ("De", "Enviado", "Para", "Asunto", "lunes, 7 de diciembre de 2026 20:01"),
    "el": ("Από", "Στάλθηκε", "Προς", "Θέμα", "Δευτέρα, 7 Δεκεμβρίου 2026 8:01 μμ"),
}
ORIGINAL_MESSAGE = {"en": "-----Original Message-----", "pl": "-----Wiadomość oryginalna-----",
                    "es": "-----Mensaje original-----", "el": "-----Αρχικό μήνυμα-----"}
OUTLOOK_PHONE = {"en": "Get Outlook for iOS<https://aka.ms/o0ukef>",
                 "pl": "Pobierz aplikację Outlook dla systemu iOS<https://aka.ms/o0ukef>",
                 "es": "Obtener Outlook para iOS<https://aka.ms/o0ukef>",
                 "el": "Λήψη του Outlook για iOS<https://aka.ms/o0ukef>"}
APPLE = {
    "en": f"On 7 Dec 2026, at 20:01, {SHOP} <{ADDRESS}> wrote:",
    "pl": f"Wiadomość napisana przez {SHOP} <{ADDRESS}> w dniu 07.12.2026, o godz. 20:01:",
    "es": f"El 7 dic 2026, a las 20:01, {SHOP} <{ADDRESS}> escribió:",
    "el": f"Στις 7 Δεκ 2026, στις 20:01, ο χρήστης {SHOP} <{ADDRESS}> έγραψε:",
}
IPHONE = {"en": "Sent from my iPhone", "pl": "Wysłane z iPhone'a", "es": "Enviado desde mi iPhone",
          "el": "Στάλθηκε από το iPhone μου"}
THUNDERBIRD = {
    "en": f"On 07/12/2026 20:01, {SHOP} wrote:",
    "pl": f"W dniu 7.12.2026 o 20:01, {SHOP} pisze:",
    "es": f"El 7/12/26 a las 20:01, {SHOP} escribió:",
    "el": f"Στις 7/12/26 20:01, ο/η {SHOP} έγραψε:",
}


def outlook_block(lang, cc=False):
    sender, sent, to, subject, date = OUTLOOK_LABELS[lang]
    block = [f"{sender}: {SHOP} <{ADDRESS}>", f"{sent}: {date}", f"{to}: Jan Kowalski <jan@example.pl>"]
    if cc:
        block.append("Cc: biuro@sklep.example")
    return block + [f"{subject}: RE: {SUBJECT}"]


def layouts(lang):
    original = ORIGINAL[lang]
    yield "gmail", lambda new: new + [""] + GMAIL[lang] + [""] + quoted(original)
    yield "outlook-desktop", lambda new: new + ["", "________________________________"] + outlook_block(lang) + [""] + original
    yield "outlook-old", lambda new: new + ["", ORIGINAL_MESSAGE[lang]] + outlook_block(lang, cc=True) + [""] + original
    yield "outlook-web", lambda new: new + ["", "", "________________________________"] + outlook_block(lang, cc=True) + original
    yield "outlook-phone", lambda new: new + ["", OUTLOOK_PHONE[lang], "________________________________"] + outlook_block(lang) + [""] + original
    yield "apple-mail", lambda new: new + [""] + quoted([APPLE[lang], ""] + original)
    yield "apple-iphone", lambda new: new + ["", IPHONE[lang], ""] + quoted([APPLE[lang], ""] + original)
    yield "thunderbird", lambda new: new + ["", THUNDERBIRD[lang]] + quoted(original)
    if lang == "pl":
        yield "onet", lambda new: new + ["", f"Dnia 7 grudnia 2026 20:01 {SHOP} <{ADDRESS}> napisał(a):", ""] + quoted(original)
        yield "onet-forwardstyle", lambda new: new + ["", "---------- Oryginalna wiadomość ----------", f"Od: {SHOP} <{ADDRESS}>",
                                                      "Do: jan@example.pl", "Data: 7 grudnia 2026 20:01", f"Temat: {SUBJECT}", ""] + original
        yield "wp", lambda new: new + ["", f"Dnia 7 grudnia 2026 20:01 \"{SHOP}\" <{ADDRESS}> napisał(a):", ""] + quoted(original, ">")
        yield "interia", lambda new: new + ["", f"Od: \"{SHOP}\" <{ADDRESS}>", "Do: jan@example.pl",
                                            "Wysłane: 7 grudnia 2026 20:01", f"Temat: {SUBJECT}", ""] + quoted(original)


def interleaved(lang):
    """Bottom-posting and writing between the quoted lines (Gmail, Thunderbird): nothing unquoted may be lost."""
    answers = {"pl": ["Tak, mam zdjęcia, wysyłam.", "Paczka przyszła wczoraj."],
               "en": ["Yes, I have photos, here they are.", "The parcel came yesterday."],
               "es": ["Sí, tengo fotos, aquí están.", "El paquete llegó ayer."],
               "el": ["Ναι, έχω φωτογραφίες, τις στέλνω.", "Το δέμα ήρθε χθες."]}[lang]
    shop = SHOP_TEXT[lang]
    mail = [THUNDERBIRD[lang]] + quoted([MARKER[lang], ""] + shop[:3]) + [answers[0], ""] + quoted(shop[3:]) + [answers[1]]
    return mail, [answers[0], "", answers[1]]


def main():
    folder = pathlib.Path(__file__).resolve().parent
    for old in folder.glob("*.txt"):
        old.unlink()
    number = 0

    def write(name, mail, expected):
        nonlocal number
        number += 1
        text = "\n".join(mail) + "\n=== expected ===\n" + "\n".join(expected) + "\n"
        (folder / f"{number:03}-{name}.txt").write_text(text)

    for lang in ["pl", "en", "es", "el"]:
        new = CUSTOMER[lang]
        for client, layout in layouts(lang):
            write(f"{client}-{lang}", layout(new), new)
            write(f"{client}-{lang}-signature", layout(new + [""] + SIGNATURE[lang]), new)
        mail, expected = interleaved(lang)
        write(f"interleaved-thunderbird-{lang}", mail, expected)
        gmail = GMAIL[lang] + [""] + mail[1:]
        write(f"interleaved-gmail-{lang}", gmail, expected)
    # Lines that look like the forms but are the customer's own words.
    write("edge-od-poniedzialku-pl", ["Od: poniedziałku czekam na odpowiedź.", "Do: dziś nic nie przyszło.", "",
                                      "Jan"] + [""] + GMAIL["pl"] + quoted(ORIGINAL["pl"]),
          ["Od: poniedziałku czekam na odpowiedź.", "Do: dziś nic nie przyszło.", "", "Jan"])
    write("edge-no-quote-en", ["The courier wrote: \"left at the door\" but nothing was there.", "", "John"],
          ["The courier wrote: \"left at the door\" but nothing was there.", "", "John"])
    write("edge-only-quote-pl", GMAIL["pl"] + [""] + quoted(ORIGINAL["pl"]), [])
    write("edge-marker-unquoted-es", CUSTOMER["es"] + ["", MARKER["es"], ""] + SHOP_TEXT["es"], CUSTOMER["es"])
    write("edge-dashes-in-text-el", ["Καλησπέρα -- το δέμα ήρθε σπασμένο.", "", "Νίκος"] + [""] + quoted(ORIGINAL["el"]),
          ["Καλησπέρα -- το δέμα ήρθε σπασμένο.", "", "Νίκος"])
    print(f"wrote {number} samples")


if __name__ == "__main__":
    main()
