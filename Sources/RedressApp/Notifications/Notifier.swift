import Foundation
import RedressCore
import RedressMail
import RedressPersistence

/// Writes e-mails to the outbox in the caller's transaction (N1), in the recipient's language (N2).
/// The texts here are the short forms; each names the shop and carries the right signed link.
package struct Notifier: Sendable {
    package let services: AppServices

    package enum Event: String, CaseIterable {
        case invitation, invitationReminder, reviewStandbyCustomer, reviewStandbyShop, shopWindowReminder
        case dialogMessageToCustomer, dialogMessageToShop, dialogClosed, editWindowOpened, reviewPublished
        case reviewRemoved
        // Complaints (C*): texts ready for the complaints flow.
        case complaintReceived, complaintMessageToCustomer, complaintDecision
        case complaintWarningDay7, complaintWarningDay10, complaintWarningDay12, complaintDeemedAccepted
        case complaintSurvey, complaintWarning
        // Staff (S2).
        case passwordReset
        // Mail (E8): a mail to the customer came back while a legal term runs.
        case mailBounced
    }

    /// Subject and first paragraph per language; `{shop}`, `{date}` are filled in.
    package static let texts: [Event: [String: (String, String)]] = [
        .mailBounced: [
            "pl": ("Odpowiedź nie dotarła do klienta – {shop}", "Wiadomość do klienta wróciła jako niedoręczona. Odpowiedź nie dotarła do klienta — wyślij ją inną drogą przed {date}."),
            "en": ("The answer did not reach the customer – {shop}", "A mail to the customer came back undelivered. The answer did not reach the customer — send it another way before {date}."),
            "es": ("La respuesta no llegó al cliente – {shop}", "Un correo al cliente fue devuelto sin entregar. La respuesta no llegó al cliente: envíala por otra vía antes del {date}."),
            "el": ("Η απάντηση δεν έφτασε στον πελάτη – {shop}", "Ένα μήνυμα προς τον πελάτη επέστρεψε ως μη παραδοτέο. Η απάντηση δεν έφτασε στον πελάτη — στείλτε την με άλλον τρόπο πριν από {date}."),
        ],
        .passwordReset: [
            "pl": ("Nowe hasło do panelu {shop}", "Ktoś poprosił o nowe hasło do Twojego konta w panelu {shop}. Link działa godzinę i jeden raz. Jeśli to nie Ty, zignoruj tę wiadomość: hasło się nie zmieni."),
            "en": ("A new password for the {shop} panel", "Someone asked for a new password for your {shop} panel account. The link works for an hour, once. If it was not you, ignore this message: the password stays as it is."),
            "es": ("Una contraseña nueva para el panel de {shop}", "Alguien pidió una contraseña nueva para tu cuenta del panel de {shop}. El enlace funciona una hora, una vez. Si no fuiste tú, ignora este mensaje: la contraseña no cambia."),
            "el": ("Νέος κωδικός για τον πίνακα του {shop}", "Κάποιος ζήτησε νέο κωδικό για τον λογαριασμό σας στον πίνακα του {shop}. Ο σύνδεσμος ισχύει μία ώρα, μία φορά. Αν δεν ήσασταν εσείς, αγνοήστε το μήνυμα: ο κωδικός δεν αλλάζει."),
        ],
        .invitation: [
            "pl": ("Jak oceniasz zakupy w {shop}?", "Dziękujemy za zakupy w {shop}. Napisz, jak było – to zajmie minutę."),
            "en": ("How was your order from {shop}?", "Thank you for shopping at {shop}. Tell others how it went – it takes a minute."),
            "es": ("¿Qué tal tu pedido de {shop}?", "Gracias por comprar en {shop}. Cuenta a otros cómo fue: es un minuto."),
            "el": ("Πώς ήταν η παραγγελία σας από {shop};", "Ευχαριστούμε για την αγορά από {shop}. Πείτε μας πώς πήγε – παίρνει ένα λεπτό."),
        ],
        .invitationReminder: [
            "pl": ("Przypomnienie: Twoja opinia o {shop}", "Jeszcze nie oceniłeś zamówienia w {shop}. Link jest ważny do {date}."),
            "en": ("Reminder: your review of {shop}", "You have not reviewed your order from {shop} yet. The link works until {date}."),
            "es": ("Recordatorio: tu opinión sobre {shop}", "Aún no has valorado tu pedido de {shop}. El enlace funciona hasta el {date}."),
            "el": ("Υπενθύμιση: η κριτική σας για {shop}", "Δεν έχετε αξιολογήσει ακόμη την παραγγελία σας από {shop}. Ο σύνδεσμος ισχύει έως {date}."),
        ],
        .reviewStandbyCustomer: [
            "pl": ("Twoja opinia o {shop} zostanie opublikowana najpóźniej {date}",
                   "Dziękujemy. {shop} może do Ciebie napisać, ale nie musisz odpowiadać. Opinia zostanie opublikowana najpóźniej {date}; możesz ją opublikować od razu."),
            "en": ("Your review of {shop} will be published by {date} at the latest",
                   "Thank you. {shop} may write to you, but you need not answer. Your review will be published by {date} at the latest; you can publish it now."),
            "es": ("Tu opinión sobre {shop} se publicará como tarde el {date}",
                   "Gracias. {shop} puede escribirte, pero no tienes que responder. Tu opinión se publicará como tarde el {date}; puedes publicarla ya."),
            "el": ("Η κριτική σας για {shop} θα δημοσιευτεί το αργότερο στις {date}",
                   "Ευχαριστούμε. Το {shop} μπορεί να σας γράψει, αλλά δεν χρειάζεται να απαντήσετε. Η κριτική θα δημοσιευτεί το αργότερο στις {date}· μπορείτε να τη δημοσιεύσετε τώρα."),
        ],
        .dialogMessageToCustomer: [
            "pl": ("Nowa wiadomość od {shop}", "{shop} odpisał(a) w sprawie Twojej opinii. Nie musisz odpowiadać."),
            "en": ("New message from {shop}", "{shop} wrote to you about your review. You need not answer."),
            "es": ("Nuevo mensaje de {shop}", "{shop} te ha escrito sobre tu opinión. No tienes que responder."),
            "el": ("Νέο μήνυμα από {shop}", "Το {shop} σας έγραψε σχετικά με την κριτική σας. Δεν χρειάζεται να απαντήσετε."),
        ],
        .dialogClosed: [
            "pl": ("{shop} zamknął rozmowę", "{shop} uznał sprawę za zamkniętą. Tylko Ty decydujesz, czy została rozwiązana."),
            "en": ("{shop} closed the dialog", "{shop} considers the matter closed. Only you decide whether it is resolved."),
            "es": ("{shop} cerró la conversación", "{shop} da el asunto por cerrado. Solo tú decides si está resuelto."),
            "el": ("Το {shop} έκλεισε τη συζήτηση", "Το {shop} θεωρεί το θέμα κλειστό. Μόνο εσείς αποφασίζετε αν λύθηκε."),
        ],
        .editWindowOpened: [
            "pl": ("Możesz zmienić opinię o {shop} do {date}", "Sprawa została rozwiązana. Jeśli chcesz, zmień ocenę lub treść opinii do {date}."),
            "en": ("You can change your review of {shop} until {date}", "The matter is resolved. If you wish, change your stars or text until {date}."),
            "es": ("Puedes cambiar tu opinión sobre {shop} hasta el {date}", "El asunto está resuelto. Si quieres, cambia tus estrellas o el texto hasta el {date}."),
            "el": ("Μπορείτε να αλλάξετε την κριτική σας για {shop} έως {date}", "Το θέμα λύθηκε. Αν θέλετε, αλλάξτε αστέρια ή κείμενο έως {date}."),
        ],
        .reviewPublished: [
            "pl": ("Twoja opinia o {shop} jest opublikowana", "Twoja opinia jest już widoczna na profilu {shop}."),
            "en": ("Your review of {shop} is published", "Your review is now visible on the profile of {shop}."),
            "es": ("Tu opinión sobre {shop} está publicada", "Tu opinión ya es visible en el perfil de {shop}."),
            "el": ("Η κριτική σας για {shop} δημοσιεύτηκε", "Η κριτική σας είναι πλέον ορατή στο προφίλ του {shop}."),
        ],
        .reviewRemoved: [
            "pl": ("Twoja opinia o {shop} została usunięta przez moderację", "Moderacja platformy usunęła Twoją opinię. Uzasadnienie znajdziesz pod linkiem; możesz raz się odwołać."),
            "en": ("Your review of {shop} was removed by moderation", "Platform moderation removed your review. The statement of reasons is behind the link; you may appeal once."),
            "es": ("Tu opinión sobre {shop} fue retirada por moderación", "La moderación de la plataforma retiró tu opinión. Los motivos están en el enlace; puedes recurrir una vez."),
            "el": ("Η κριτική σας για {shop} αφαιρέθηκε από τη διαχείριση", "Η διαχείριση αφαίρεσε την κριτική σας. Η αιτιολόγηση βρίσκεται στον σύνδεσμο· μπορείτε να προσφύγετε μία φορά."),
        ],
        .reviewStandbyShop: [
            "pl": ("Nowa opinia wstrzymana – {shop}", "Klient wystawił opinię, która czeka do {date}. Możesz otworzyć rozmowę w panelu."),
            "en": ("New review in standby – {shop}", "A customer left a review that is held until {date}. You can open a dialog in the panel."),
            "es": ("Nueva opinión en espera – {shop}", "Un cliente dejó una opinión retenida hasta el {date}. Puedes abrir una conversación en el panel."),
            "el": ("Νέα κριτική σε αναμονή – {shop}", "Ένας πελάτης άφησε κριτική που κρατείται έως {date}. Μπορείτε να ανοίξετε συζήτηση στον πίνακα."),
        ],
        .shopWindowReminder: [
            "pl": ("Zostały 2 dni na rozmowę – {shop}", "Okno na otwarcie rozmowy o wstrzymanej opinii zamyka się {date}."),
            "en": ("Two days left to open a dialog – {shop}", "The window to open a dialog about a held review closes on {date}."),
            "es": ("Quedan dos días para abrir una conversación – {shop}", "El plazo para abrir una conversación sobre una opinión retenida termina el {date}."),
            "el": ("Απομένουν δύο ημέρες για συζήτηση – {shop}", "Το περιθώριο για συζήτηση σχετικά με κριτική σε αναμονή λήγει στις {date}."),
        ],
        .dialogMessageToShop: [
            "pl": ("Klient odpowiedział – {shop}", "Klient napisał w rozmowie o swojej opinii."),
            "en": ("The customer answered – {shop}", "The customer wrote in the dialog about their review."),
            "es": ("El cliente respondió – {shop}", "El cliente escribió en la conversación sobre su opinión."),
            "el": ("Ο πελάτης απάντησε – {shop}", "Ο πελάτης έγραψε στη συζήτηση για την κριτική του."),
        ],
        .complaintReceived: [
            "pl": ("Reklamacja przyjęta – {shop}", "{shop} otrzymał Twoją reklamację. Odpowiedź otrzymasz najpóźniej {date}; brak odpowiedzi w terminie oznacza uznanie reklamacji."),
            "en": ("Complaint received – {shop}", "{shop} received your complaint. You will get an answer by {date} at the latest; no answer by then means it is accepted."),
            "es": ("Reclamación recibida – {shop}", "{shop} ha recibido tu reclamación. Recibirás respuesta como tarde el {date}; sin respuesta en plazo, se considera aceptada."),
            "el": ("Η καταγγελία παραλήφθηκε – {shop}", "Το {shop} παρέλαβε την καταγγελία σας. Θα λάβετε απάντηση έως {date}· αν δεν απαντήσει, θεωρείται αποδεκτή."),
        ],
        .complaintMessageToCustomer: [
            "pl": ("Nowa wiadomość w sprawie reklamacji – {shop}", "{shop} napisał w sprawie Twojej reklamacji."),
            "en": ("New message about your complaint – {shop}", "{shop} wrote about your complaint."),
            "es": ("Nuevo mensaje sobre tu reclamación – {shop}", "{shop} te ha escrito sobre tu reclamación."),
            "el": ("Νέο μήνυμα για την καταγγελία σας – {shop}", "Το {shop} σας έγραψε για την καταγγελία σας."),
        ],
        .complaintDecision: [
            "pl": ("Decyzja w sprawie reklamacji – {shop}", "{shop} rozpatrzył Twoją reklamację. Decyzja i dalsze kroki są pod linkiem; zachowaj tę wiadomość."),
            "en": ("Decision on your complaint – {shop}", "{shop} decided on your complaint. The decision and next steps are behind the link; keep this message."),
            "es": ("Decisión sobre tu reclamación – {shop}", "{shop} ha resuelto tu reclamación. La decisión y los siguientes pasos están en el enlace; guarda este mensaje."),
            "el": ("Απόφαση για την καταγγελία σας – {shop}", "Το {shop} αποφάσισε για την καταγγελία σας. Η απόφαση και τα επόμενα βήματα είναι στον σύνδεσμο· κρατήστε αυτό το μήνυμα."),
        ],
        .complaintWarning: [
            "pl": ("Reklamacja czeka na odpowiedź – {shop}", "Na reklamację trzeba odpowiedzieć do {date}; potem zostanie uznana z mocy prawa."),
            "en": ("A complaint awaits its answer – {shop}", "The complaint must be answered by {date}; after that it is accepted by law."),
            "es": ("Una reclamación espera respuesta – {shop}", "Hay que responder a la reclamación antes del {date}; después se considera aceptada por ley."),
            "el": ("Μια καταγγελία περιμένει απάντηση – {shop}", "Η καταγγελία πρέπει να απαντηθεί έως {date}· μετά θεωρείται αποδεκτή εκ του νόμου."),
        ],
        .complaintSurvey: [
            "pl": ("Jak oceniasz obsługę reklamacji? – {shop}", "Reklamacja jest zamknięta. Oceń, proszę, jak ją załatwiliśmy (1–5) – jedno pytanie, raz."),
            "en": ("How did we handle your complaint? – {shop}", "Your complaint is closed. Please rate how we handled it (1–5) – one question, once."),
            "es": ("¿Cómo gestionamos tu reclamación? – {shop}", "Tu reclamación está cerrada. Valora cómo la gestionamos (1–5): una pregunta, una vez."),
            "el": ("Πώς χειριστήκαμε την καταγγελία σας; – {shop}", "Η καταγγελία σας έκλεισε. Βαθμολογήστε τον χειρισμό της (1–5) – μία ερώτηση, μία φορά."),
        ],
        .complaintWarningDay7: [
            "pl": ("Reklamacja czeka 7 dni – {shop}", "Na reklamację trzeba odpowiedzieć do {date}; potem zostanie uznana z mocy prawa."),
            "en": ("Complaint waiting 7 days – {shop}", "The complaint must be answered by {date}; after that it is accepted by law."),
            "es": ("Reclamación pendiente desde hace 7 días – {shop}", "Hay que responder a la reclamación antes del {date}; después se considera aceptada por ley."),
            "el": ("Καταγγελία σε αναμονή 7 ημέρες – {shop}", "Η καταγγελία πρέπει να απαντηθεί έως {date}· μετά θεωρείται αποδεκτή εκ του νόμου."),
        ],
        .complaintWarningDay10: [
            "pl": ("Zostały 4 dni na odpowiedź na reklamację – {shop}", "Termin odpowiedzi mija {date}."),
            "en": ("Four days left to answer a complaint – {shop}", "The answer is due on {date}."),
            "es": ("Quedan cuatro días para responder una reclamación – {shop}", "La respuesta vence el {date}."),
            "el": ("Απομένουν τέσσερις ημέρες για απάντηση σε καταγγελία – {shop}", "Η προθεσμία απάντησης λήγει στις {date}."),
        ],
        .complaintWarningDay12: [
            "pl": ("Pilne: 2 dni na odpowiedź na reklamację – {shop}", "Bez odpowiedzi do {date} reklamacja zostanie uznana."),
            "en": ("Urgent: two days to answer a complaint – {shop}", "Without an answer by {date} the complaint is accepted."),
            "es": ("Urgente: dos días para responder una reclamación – {shop}", "Sin respuesta antes del {date}, la reclamación se considera aceptada."),
            "el": ("Επείγον: δύο ημέρες για απάντηση σε καταγγελία – {shop}", "Χωρίς απάντηση έως {date} η καταγγελία θεωρείται αποδεκτή."),
        ],
        .complaintDeemedAccepted: [
            "pl": ("Reklamacja uznana z mocy prawa – {shop}", "Termin na odpowiedź minął {date}; reklamacja została uznana."),
            "en": ("Complaint accepted by law – {shop}", "The deadline passed on {date}; the complaint is accepted."),
            "es": ("Reclamación aceptada por ley – {shop}", "El plazo venció el {date}; la reclamación se considera aceptada."),
            "el": ("Καταγγελία αποδεκτή εκ του νόμου – {shop}", "Η προθεσμία έληξε στις {date}· η καταγγελία θεωρείται αποδεκτή."),
        ],
    ]

    package static let linkLabel = ["pl": "Otwórz", "en": "Open", "es": "Abrir", "el": "Άνοιγμα"]

    package func date(_ date: Date, locale: String, timeZone: String) -> String {
        date.formatted(Date.FormatStyle(date: .long, time: .shortened, locale: Locale(identifier: locale),
                                        timeZone: TimeZone(identifier: timeZone) ?? .gmt))
    }

    /// The case a customer's mail belongs to (E3): replies to it come back to this case.
    package struct Thread: Sendable {
        package var kind: MailCaseKind
        package var caseId: String
        /// The customer's own mail this one answers, if any (E9).
        package var inReplyTo: String?

        package init(_ kind: MailCaseKind, _ caseId: String, inReplyTo: String? = nil) {
            self.kind = kind
            self.caseId = caseId
            self.inReplyTo = inReplyTo
        }
    }

    /// The events whose text a person wrote: they carry no `Auto-Submitted` (E3).
    package static let written: Set<Event> = [.dialogMessageToCustomer, .complaintMessageToCustomer, .complaintDecision]

    package static let orderLabel = ["pl": "Zamówienie", "en": "Order", "es": "Pedido", "el": "Παραγγελία"]

    /// - Parameters:
    ///   - body: the message itself (the shop's reply), carried in the mail (E3).
    ///   - thread: the case, when the customer may answer by mail; with the shop's inbound address set, the mail is
    ///     addressed back as `local+TOKEN@domain` and opens with the "reply above this line" marker.
    package func message(_ event: Event, to: [String], locale: String, shop: ShopRecord, date: Date?, link: String?,
                 reference: String? = nil, body: String? = nil, order: String? = nil, thread: Thread? = nil,
                 tokens: ReplyTokens? = nil) -> MailMessage {
        let languages = Self.texts[event] ?? [:]
        let language = languages[locale] != nil ? locale : (languages["en"] != nil ? "en" : "pl")
        let (subjectTemplate, bodyTemplate) = languages[language] ?? ("{shop}", "{shop}")
        let dateText = date.map { self.date($0, locale: language, timeZone: shop.timeZone) } ?? ""
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{shop}", with: shop.name).replacingOccurrences(of: "{date}", with: dateText)
        }
        var token: String?
        var replyTo = shop.senderEmail
        if let thread, let tokens, let inbound = shop.inboundAddress,
           let made = tokens.token(thread.kind, caseId: thread.caseId, shop: shop.shopID),
           let address = MailAddress.tagged(inbound, tag: made) {
            token = made
            replyTo = address
        }
        // A complaint's reference leads the subject, so replies and searches find the case.
        let subject = (reference.map { "[\($0)] " } ?? "") + fill(subjectTemplate)
        let paragraph = fill(bodyTemplate)
        var text = ""
        var html = ""
        if token != nil {
            let marker = ReplyText.marker(language: language)
            text += marker + "\n\n"
            html += "<p style=\"color:#555\">\(HTMLEscape.escape(marker))</p>"
        }
        text += paragraph + "\n"
        html += "<p>\(HTMLEscape.escape(paragraph))</p>"
        if let order, !order.isEmpty {
            let label = Self.orderLabel[language] ?? "Order"
            text += "\(label): \(order)\n"
            html += "<p>\(HTMLEscape.escape(label)): \(HTMLEscape.escape(order))</p>"
        }
        if let body, !body.isEmpty {
            text += "\n" + body + "\n"
            html += "<blockquote>" + body.split(separator: "\n", omittingEmptySubsequences: false)
                .map { HTMLEscape.escape(String($0)) }.joined(separator: "<br>") + "</blockquote>"
        }
        if let link {
            text += "\n\(link)\n"
            html += "<p><a href=\"\(HTMLEscape.escape(link))\">\(Self.linkLabel[language] ?? "Open")</a></p>"
        }
        text += "\n— \(shop.name)\n"
        html += "<p>— \(HTMLEscape.escape(shop.name))</p>"
        let from = shop.senderEmail ?? "no-reply@\(URL(string: services.config.publicBaseURL)?.host ?? "localhost")"
        return MailMessage(from: from, fromName: shop.name, to: to, replyTo: replyTo, subject: subject, text: text,
                           html: "<!doctype html><html lang=\"\(language)\"><body>\(html)</body></html>",
                           threadToken: token, inReplyTo: thread?.inReplyTo,
                           automatic: Self.written.contains(event) ? nil : true)
    }

    /// Enqueues one e-mail in the caller's transaction; returns the outbox entry's id.
    @discardableResult
    package func send(_ event: Event, to: [String], locale: String, shop: ShopRecord, date: Date? = nil, link: String? = nil,
              reference: String? = nil, body: String? = nil, order: String? = nil, thread: Thread? = nil,
              now: Date, on sql: DatabaseSession) async throws -> String? {
        guard !to.isEmpty else { return nil }
        let tokens = thread != nil && shop.inboundAddress != nil ? try await services.replyTokens(on: sql) : nil
        let mail = message(event, to: to, locale: locale, shop: shop, date: date, link: link, reference: reference,
                           body: body, order: order, thread: thread, tokens: tokens)
        return try await enqueue(mail, kind: event.rawValue, shop: shop, now: now, on: sql)
    }

    /// Enqueues a message built by the caller (the decision letter) with its per-message return path (E8). An
    /// address whose mail came back for good gets nothing until staff clear it; nil when no recipient is left.
    @discardableResult
    /// The decision letter passes `notification: false`: it is the durable medium (C5), sent whatever came back before.
    package func enqueue(_ mail: MailMessage, kind: String, shop: ShopRecord, now: Date, notification: Bool = true,
                         on sql: DatabaseSession) async throws -> String?
    {
        var mail = mail
        let stopped = notification ? try await BounceStore().suppressed(mail.to, shop: shop.shopID, on: sql) : []
        if !stopped.isEmpty {
            mail.to.removeAll { stopped.contains($0.lowercased()) }
            guard !mail.to.isEmpty else { return nil }
        }
        let id = SecureToken.id("msg")
        if let inbound = shop.inboundAddress,
           let tag = ReplyToken.bounce(outboxId: id, shopId: shop.id, mac: try await services.replyTokens(on: sql).mac) {
            mail.envelopeFrom = MailAddress.tagged(inbound, tag: tag)
        }
        let payload = String(decoding: try JSONEncoder().encode(mail), as: UTF8.self)
        return try await services.outbox.enqueue(channel: OutboxChannel.email, kind: kind, payload: payload,
                                                 shop: shop.shopID, now: now, id: id, on: sql)
    }

    /// The shop's working staff (owners and agents) receive shop notifications.
    package func shopRecipients(_ shop: ShopRecord, on sql: DatabaseSession) async throws -> [String] {
        try await services.staff.list(shop: shop.shopID, on: sql).filter { $0.staffRole.canWrite }.map(\.email)
    }

    package init(services: AppServices) {
        self.services = services
    }
}

/// HTML escaping of the five characters `<`, `>`, `&`, `"` and `'`: the e-mail bodies built outside templates and
/// every `{{name}}` of the page templates (`PageTemplate`).
package enum HTMLEscape {
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        escape(text, into: &out)
        return out
    }

    /// Appends `text` escaped to `out` (no intermediate string: the page renderer's hot path).
    package static func escape(_ text: String, into out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
