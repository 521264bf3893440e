import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressMail
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// A raw message as a mail program sends it (CRLF lines).
func rawMail(from: String = "Jan Kowalski <klient@example.com>", to: String = "reklamacje@sklep.example",
             subject: String, body: String, headers: [String] = [], messageID: String = "<\(UUID().uuidString)@mail.example>",
             attachments: [(name: String, type: String, data: [UInt8])] = []) -> String {
    var lines = ["Received: from mx.example by mail.sklep.example; Mon, 02 Nov 2026 08:00:00 +0100",
                 "From: \(from)", "To: \(to)", "Subject: \(subject)", "Date: Mon, 02 Nov 2026 07:59:00 +0100",
                 "Message-ID: \(messageID)", "MIME-Version: 1.0"] + headers
    if attachments.isEmpty {
        lines += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", body]
    } else {
        lines += ["Content-Type: multipart/mixed; boundary=\"b1\"", "", "--b1",
                  "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", body]
        for file in attachments {
            lines += ["--b1", "Content-Type: \(file.type); name=\"\(file.name)\"",
                      "Content-Disposition: attachment; filename=\"\(file.name)\"", "Content-Transfer-Encoding: base64",
                      "", Data(file.data).base64EncodedString(options: .lineLength76Characters)]
        }
        lines.append("--b1--")
    }
    return lines.joined(separator: "\r\n").replacingOccurrences(of: "\r\n\r\n\r\n", with: "\r\n\r\n") + "\r\n"
}

extension ReviewScenario {
    func setInboundAddress(_ address: String = "reklamacje@sklep.example") async throws {
        try await app.services.database.sql.sqlDatabase.raw(
            "UPDATE shops SET inbound_address = \(bind: address) WHERE id = \(bind: shop.id)").run()
    }

    func inbound(_ mail: String) async throws -> [String: Any] {
        var headers = keyHeaders
        headers[.contentType] = "message/rfc822"
        let response = try await client.execute(uri: "/api/v1/inbound/email", method: .post, headers: headers,
                                                body: ByteBuffer(string: mail))
        #expect(response.status == .ok, "\(response.text)")
        return response.json
    }

    /// The mails queued for `email`, oldest first, as stored for delivery.
    func queuedMails(to email: String, among: Bool = false) async throws -> [(id: String, mail: MailMessage)] {
        let rows = try await app.services.database.sql.sqlDatabase.raw(
            "SELECT id, payload FROM outbox WHERE channel = 'email' ORDER BY created_at, id").all()
        return try rows.compactMap { row in
            let mail = try JSONDecoder().decode(MailMessage.self,
                                                from: Data(try row.decode(column: "payload", as: String.self).utf8))
            let matches = among ? mail.to.contains(email) : mail.to == [email]
            return matches ? (try row.decode(column: "id", as: String.self), mail) : nil
        }
    }
}

/// A PNG of one pixel: the smallest file the complaint rules accept.
let onePixelPNG: [UInt8] = Array(Data(base64Encoded:
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!)

@Suite("E1–E11 mail into cases through the API door")
struct InboundMailTests {
    @Test("E9: a complaint by mail starts its clock at the arrival, matches the order, keeps the photo, names the refused file, and is acknowledged threaded; the same bytes again change nothing (E2)",
          arguments: Engine.available)
    func complaintByMail(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            try await s.setInboundAddress()
            _ = try await s.orderWithLink("K-100")
            let mail = rawMail(subject: "Reklamacja", body: "Dzień dobry,\r\nkubek z zamówienia nr K-100 pękł.\r\n",
                               messageID: "<first@mail.example>",
                               attachments: [("kubek.png", "image/png", onePixelPNG),
                                             ("faktura.exe", "application/octet-stream", Array("MZ\u{90}".utf8))])
            let result = try await s.inbound(mail)
            #expect(result["outcome"] as? String == "complaint")
            #expect(result["caseType"] as? String == "complaint")
            let reference = try #require(result["reference"] as? String)
            #expect((result["reason"] as? String)?.contains("faktura.exe") == true, "\(result)")
            let complaint = try await s.complaint(reference)
            #expect(complaint["channel"] as? String == "email")
            // The top Received: header: 08:00 +01:00, before the fetch at 09:00Z.
            #expect(complaint["receivedAt"] as? String == "2026-11-02T07:00:00Z")
            #expect(complaint["orderExternalId"] as? String == "K-100")
            #expect((complaint["description"] as? String)?.contains("kubek z zamówienia nr K-100 pękł") == true)
            #expect((complaint["attachments"] as? [[String: Any]])?.count == 1, "\(complaint["attachments"] ?? "")")
            // The acknowledgement: reference in the subject, threaded to the customer's mail, answerable by mail.
            let acknowledgement = try #require(try await s.queuedMails(to: "klient@example.com")
                .last { $0.mail.subject.contains(reference) }?.mail)
            #expect(acknowledgement.subject.contains(reference))
            #expect(acknowledgement.inReplyTo == "first@mail.example")
            let replyTo = try #require(acknowledgement.replyTo)
            #expect(replyTo.hasPrefix("reklamacje+") && replyTo.hasSuffix("@sklep.example"), "\(replyTo)")
            #expect(acknowledgement.text.hasPrefix(ReplyText.marker(language: "pl")))
            #expect(acknowledgement.automatic == true)

            let again = try await s.inbound(mail)
            #expect(again["outcome"] as? String == "duplicate")
            #expect(again["reference"] as? String == reference)
            let list = try await s.api(.get, "/api/v1/complaints")
            #expect((list.json["items"] as? [[String: Any]])?.count == 1, "one complaint, not two")
        }
    }

    @Test("E4: a reply finds its complaint by the plus-token, by In-Reply-To alone, by the reference with the customer's address; the quote is cut (E6); another address is a note (E5)",
          arguments: Engine.available)
    func repliesThread(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            try await s.setInboundAddress()
            let filed = try await s.fileComplaint("K-200")
            let reference = try #require(filed["reference"] as? String)
            let posted = try await s.api(.post, "/api/v1/complaints/\(reference)/messages",
                                         ["body": "Prosimy o zdjęcie paragonu."])
            #expect(posted.status == .created, "\(posted.text)")
            let (outboxId, shopMail) = try #require(try await s.queuedMails(to: "klient@example.com")
                .last { $0.mail.text.contains("Prosimy o zdjęcie paragonu.") })
            // The shop's words are in the mail itself, staff-written mail is not marked automatic (E3).
            #expect(shopMail.text.contains("Prosimy o zdjęcie paragonu."))
            #expect(shopMail.automatic == nil)
            #expect(shopMail.text.contains("K-200"))
            let replyTo = try #require(shopMail.replyTo)
            let ourID = shopMail.messageID(outboxId: outboxId)

            // 1. To the plus address, quoting our mail as Gmail does.
            let byToken = try await s.inbound(rawMail(
                to: replyTo, subject: "Re: \(shopMail.subject)",
                body: "W załączeniu paragon, pozdrawiam.\r\n\r\nW dniu 2 lis 2026 o 10:00 Sklep <sklep@x> napisał(a):\r\n> Prosimy o zdjęcie paragonu.\r\n"))
            #expect(byToken["outcome"] as? String == "threaded", "\(byToken)")
            #expect(byToken["reference"] as? String == reference)
            // 2. Outlook lost the address (sent to the plain one, a new subject) but kept In-Reply-To.
            let byReply = try await s.inbound(rawMail(
                to: "reklamacje@sklep.example", subject: "paragon", body: "Drugi raz, w lepszej jakości.",
                headers: ["In-Reply-To: <\(ourID)>"]))
            #expect(byReply["outcome"] as? String == "threaded", "\(byReply)")
            // 3. Only the reference in the subject, from the customer's address.
            let bySubject = try await s.inbound(rawMail(
                to: "reklamacje@sklep.example", subject: "Sprawa \(reference)", body: "Czy są już wieści?"))
            #expect(bySubject["outcome"] as? String == "threaded", "\(bySubject)")
            // 4. The plus address, from someone else: attached, labelled, not the customer's word.
            let other = try await s.inbound(rawMail(
                from: "sasiad@example.org", to: replyTo, subject: "Re: paragon", body: "Odbieram za sąsiada."))
            #expect(other["outcome"] as? String == "threaded")
            #expect((other["reason"] as? String)?.contains("not the customer") == true)
            // 5. The reference alone from a stranger, to another address: nobody's case.
            let stranger = try await s.inbound(rawMail(
                from: "obcy@example.org", to: "info@sklep.example", subject: "\(reference)", body: "?"))
            #expect(stranger["outcome"] as? String == "unmatched", "\(stranger)")
            // 6. A forged token (one letter changed) names nothing: to the complaint address, a new complaint.
            var forged = Array(replyTo)
            let at = forged.firstIndex(of: "@")! - 1
            forged[at] = forged[at] == "a" ? "b" : "a"
            let forgedResult = try await s.inbound(rawMail(
                from: "obcy@example.org", to: String(forged), subject: "Re: paragon", body: "Inna sprawa."))
            #expect(forgedResult["outcome"] as? String == "complaint", "\(forgedResult)")
            #expect(forgedResult["reference"] as? String != reference)

            let messages = try #require(try await s.complaint(reference)["messages"] as? [[String: Any]])
            let fromCustomer = messages.filter { $0["author"] as? String == "customer" }
            // (The test clock stands still: the three share one time, so their order is by id.)
            #expect(fromCustomer.compactMap { $0["body"] as? String }.sorted() == [
                "Czy są już wieści?", "Drugi raz, w lepszej jakości.", "W załączeniu paragon, pozdrawiam.",
            ])
            #expect(fromCustomer.allSatisfy { $0["via"] as? String == "email" })
            let note = try #require(messages.first { $0["senderAddress"] as? String == "sasiad@example.org" })
            #expect(note["internalNote"] as? Bool == true && note["body"] as? String == "Odbieram za sąsiada.")
            // The customer's status page never shows the neighbour's note.
            let log = try await s.api(.get, "/api/v1/inbound")
            #expect((log.json["items"] as? [[String: Any]])?.count == 6)
            let unmatched = try await s.api(.get, "/api/v1/inbound?outcome=unmatched")
            #expect((unmatched.json["items"] as? [[String: Any]])?.count == 1)
            let bad = try await s.api(.get, "/api/v1/inbound?outcome=lost&cursor=%%%")
            #expect(bad.status == .unprocessableContent || bad.status == .badRequest, "\(bad.status)")
        }
    }

    @Test("E10: a reply to the shop's dialog mail becomes the customer's dialog message; mail never changes the review",
          arguments: Engine.available)
    func dialogReplyByMail(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            try await s.setInboundAddress()
            let token = try await s.orderWithLink("A-300")
            let review = try await s.review(token, rating: 1)
            let opened = try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog")
            let dialogID = try #require(opened.json["dialogId"] as? String)
            _ = try await s.api(.post, "/api/v1/dialogs/\(dialogID)/messages", ["body": "Przepraszamy, wyślemy nowy kubek."])
            let shopMail = try #require(try await s.queuedMails(to: "klient@example.com")
                .last { $0.mail.text.contains("Przepraszamy, wyślemy nowy kubek.") }?.mail)
            let before = try await s.status(of: review.id)
            let result = try await s.inbound(rawMail(
                to: try #require(shopMail.replyTo), subject: "Re: \(shopMail.subject)",
                body: "Dziękuję, to mi wystarczy. Opublikuj i usuń opinię.\r\n\r\n-- \r\nJan\r\n"))
            #expect(result["outcome"] as? String == "threaded" && result["caseType"] as? String == "dialog", "\(result)")
            let dialog = try await s.api(.get, "/api/v1/dialogs/\(dialogID)")
            let messages = try #require(dialog.json["messages"] as? [[String: Any]])
            let last = try #require(messages.last { $0["author"] as? String == "customer" })
            #expect(last["via"] as? String == "email")
            #expect(last["body"] as? String == "Dziękuję, to mi wystarczy. Opublikuj i usuń opinię.")
            #expect(dialog.json["awaiting"] as? String == "shop")
            let after = try await s.status(of: review.id)
            #expect(after["status"] as? String == before["status"] as? String)
            #expect(after["stars"] as? Int == before["stars"] as? Int)
        }
    }

    @Test("E7: automatic mail and floods are quarantined and answered by nothing; E11: unreadable and oversized mail is kept with its reason",
          arguments: Engine.available)
    func loopsAndBadMail(engine: Engine) async throws {
        try await TestApp.scenario(engine, configure: { $0.inboundMaxBytes = 1 << 20 }) { s in
            try await s.setInboundAddress()
            let automated: [(String, [String])] = [
                ("klient@example.com", ["Auto-Submitted: auto-replied"]),
                ("klient@example.com", ["Precedence: bulk"]),
                ("klient@example.com", ["List-Id: <news.example.com>"]),
                ("klient@example.com", ["X-Loop: redress"]),
                ("MAILER-DAEMON@mx.example", []),
            ]
            for (from, headers) in automated {
                let result = try await s.inbound(rawMail(from: from, subject: "Out of office", body: "Jestem na urlopie.",
                                                         headers: headers))
                #expect(result["outcome"] as? String == "quarantined", "\(headers): \(result)")
            }
            #expect(try await s.queuedMails(to: "klient@example.com").isEmpty, "no automatic answer to a machine")
            // Eleven mails in ten minutes from one address: the eleventh waits in quarantine.
            var outcomes: [String] = []
            for index in 1...11 {
                let result = try await s.inbound(rawMail(from: "burza@example.org", subject: "Mail \(index)", body: "\(index)"))
                outcomes.append(result["outcome"] as? String ?? "")
            }
            #expect(outcomes.prefix(10).allSatisfy { $0 == "complaint" }, "\(outcomes)")
            #expect(outcomes.last == "quarantined")
            // Larger than the limit (1 MB here), and a header block that never ends: kept, with the reason.
            let big = rawMail(subject: "Zdjęcia", body: String(repeating: "x", count: 1_200_000))
            let tooLarge = try await s.inbound(big)
            #expect(tooLarge["outcome"] as? String == "rejected")
            #expect((tooLarge["reason"] as? String)?.contains("larger than") == true, "\(tooLarge)")
            let noBody = try await s.inbound("X-Only: " + String(repeating: "h", count: 70_000))
            #expect(noBody["outcome"] as? String == "rejected", "\(noBody)")
            let rejected = try await s.api(.get, "/api/v1/inbound?outcome=rejected")
            let items = try #require(rejected.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.contains { $0["size"] as? Int == big.utf8.count })
            // The bytes are kept as they came.
            let id = try #require(items.first { $0["size"] as? Int == big.utf8.count }?["id"] as? String)
            let raw = try await InboundStore().raw(id, shop: ShopID(s.shop.id), on: s.app.services.database.sql)
            #expect(raw == Array(big.utf8))
        }
    }

    @Test("E8: a bounce of a complaint mail while the term runs: marked, on the case, staff alerted, the address stopped until cleared; a delay changes nothing",
          arguments: Engine.available)
    func bounces(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            try await s.setInboundAddress()
            let filed = try await s.fileComplaint("K-400", email: "zly-adres@example.com")
            let reference = try #require(filed["reference"] as? String)
            let (outboxId, acknowledgement) = try #require(try await s.queuedMails(to: "zly-adres@example.com").last)
            // The per-message return path (E8).
            let returnPath = try #require(acknowledgement.envelopeFrom)
            #expect(returnPath.hasPrefix("reklamacje+b") && returnPath.hasSuffix("@sklep.example"), "\(returnPath)")
            func report(to: String, action: String, status: String, quoting id: String?) -> String {
                var lines = ["From: Mail Delivery System <MAILER-DAEMON@mx.example>", "To: \(to)",
                             "Subject: Undelivered Mail Returned to Sender", "Auto-Submitted: auto-replied",
                             "Message-ID: <\(UUID().uuidString)@mx.example>", "MIME-Version: 1.0",
                             "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"", "",
                             "--r", "Content-Type: text/plain", "", "The mail could not be delivered.", "",
                             "--r", "Content-Type: message/delivery-status", "",
                             "Reporting-MTA: dns; mx.example", "", "Final-Recipient: rfc822; zly-adres@example.com",
                             "Action: \(action)", "Status: \(status)", "Diagnostic-Code: smtp; 550 5.1.1 user unknown", ""]
                if let id {
                    lines += ["--r", "Content-Type: text/rfc822-headers", "", "Message-ID: <\(id)>", "Subject: x", ""]
                }
                lines.append("--r--")
                return lines.joined(separator: "\r\n") + "\r\n"
            }
            // A delay is no failure: kept, nothing stopped.
            let delayed = try await s.inbound(report(to: "reklamacje@sklep.example", action: "delayed", status: "4.4.1",
                                                     quoting: acknowledgement.messageID(outboxId: outboxId)))
            #expect(delayed["outcome"] as? String == "quarantined", "\(delayed)")
            #expect(try await s.api(.get, "/api/v1/shop/suppressions").json["items"] as? [Any] != nil)
            #expect((try await s.api(.get, "/api/v1/shop/suppressions").json["items"] as? [Any])?.isEmpty == true)

            // The permanent failure, found by the return path alone.
            let bounced = try await s.inbound(report(to: returnPath, action: "failed", status: "5.1.1", quoting: nil))
            #expect(bounced["outcome"] as? String == "threaded" && bounced["reference"] as? String == reference,
                    "\(bounced)")
            #expect((bounced["reason"] as? String)?.contains("staff alerted") == true)
            let alert = try #require(try await s.queuedMails(to: "owner@sklep.test", among: true).last?.mail)
            #expect(alert.subject.contains("Odpowiedź nie dotarła do klienta"), "\(alert.subject)")
            #expect(alert.text.contains("wyślij ją inną drogą przed"))
            let messages = try #require(try await s.complaint(reference)["messages"] as? [[String: Any]])
            #expect(messages.contains { ($0["body"] as? String)?.contains("did not reach the customer") == true
                                        && $0["internalNote"] as? Bool == true })
            let status = try await s.app.services.database.sql.sqlDatabase.raw(
                "SELECT bounced_at FROM outbox WHERE id = \(bind: outboxId)").first()
            #expect(try status?.decodeNil(column: "bounced_at") == false)

            // Stopped: the shop's next message is not mailed to that address…
            let before = try await s.queuedMails(to: "zly-adres@example.com").count
            _ = try await s.api(.post, "/api/v1/complaints/\(reference)/messages", ["body": "Prosimy o kontakt."])
            #expect(try await s.queuedMails(to: "zly-adres@example.com").count == before)
            let stopped = try await s.api(.get, "/api/v1/shop/suppressions")
            #expect((stopped.json["items"] as? [[String: Any]])?.first?["address"] as? String == "zly-adres@example.com")
            // …until staff clear it.
            let cleared = try await s.api(.delete, "/api/v1/shop/suppressions/zly-adres@example.com")
            #expect(cleared.status == .noContent)
            #expect(try await s.api(.delete, "/api/v1/shop/suppressions/zly-adres@example.com").status == .notFound)
            _ = try await s.api(.post, "/api/v1/complaints/\(reference)/messages", ["body": "Prosimy o kontakt."])
            #expect(try await s.queuedMails(to: "zly-adres@example.com").count == before + 1)
            // A report about no mail of ours is only kept.
            let foreign = try await s.inbound(report(to: "reklamacje@sklep.example", action: "failed", status: "5.1.1",
                                                     quoting: "msg_AAAAAAAAAAAAAAAA@elsewhere.example"))
            #expect(foreign["outcome"] as? String == "quarantined")
        }
    }

    @Test("E3: the threading headers as written on the wire, and none of them on what they must not be")
    func outgoingHeaders() {
        var mail = MailMessage(from: "sklep@sklep.example", fromName: "Sklep", to: ["klient@example.com"],
                               replyTo: "reklamacje+cabc@sklep.example", subject: "[RC-2026-000001] Reklamacja",
                               text: "Tekst", threadToken: "cabc", inReplyTo: "first@mail.example", automatic: true)
        let id = mail.messageID(outboxId: "msg_1")
        #expect(id == "cabc.msg_1@sklep.example")
        let document = MIMEWriter.render(mail, messageID: id, date: Date(timeIntervalSince1970: 1_795_000_000))
        for line in ["Message-ID: <cabc.msg_1@sklep.example>", "In-Reply-To: <first@mail.example>",
                     "References: <first@mail.example>", "Auto-Submitted: auto-generated", "X-Loop: redress",
                     "Reply-To: reklamacje+cabc@sklep.example"] {
            #expect(document.contains(line + "\r\n"), "\(line)")
        }
        mail.automatic = nil
        mail.inReplyTo = "bad>\r\nBcc: x@evil.example"
        let written = MIMEWriter.render(mail, messageID: id, date: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(!written.contains("Auto-Submitted"))
        #expect(!written.contains("In-Reply-To") && !written.contains("Bcc:"), "a header cannot be smuggled in")
    }
}
