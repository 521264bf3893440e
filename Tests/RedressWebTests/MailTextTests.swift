import Foundation
import RedressCore
import RedressMail
import RedressPersistence
import RedressTestSupport
import Testing

@testable import RedressApp
@testable import RedressWeb

/// N2: every notification exists in Polish, English, Spanish and Greek, names the shop, carries its link, and
/// reads exactly as recorded (one snapshot per language, plain text and HTML).
@Suite("N2 e-mail texts")
struct MailTextTests {
    static let shop = ShopRecord(id: "shp_1", slug: "zolw", name: "Sklep <Żółw> & Syn", locale: "pl",
                                 timeZone: "Europe/Warsaw", senderEmail: "sklep@zolw.example", version: 1,
                                 createdAt: Date(timeIntervalSince1970: 1_790_000_000))

    @Test func everyEventInEveryLanguage() async throws {
        let app = try await TestApp.make()
        let notifier = Notifier(services: app.services)
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        for language in ["pl", "en", "es", "el"] {
            var document = ""
            for event in Notifier.Event.allCases {
                #expect(Notifier.texts[event]?[language] != nil, "\(event) has no \(language) text")
                let mail = notifier.message(event, to: ["klient@example.com"], locale: language, shop: Self.shop,
                                            date: date, link: "https://redress.example/c/TOKEN")
                #expect(mail.subject.contains("Sklep <Żółw> & Syn") || mail.text.contains("Sklep <Żółw> & Syn"),
                        "\(event) \(language) names the shop")
                #expect(mail.text.contains("https://redress.example/c/TOKEN"))
                #expect(mail.html?.contains("Sklep &lt;Żółw&gt; &amp; Syn") == true, "the shop name is escaped in HTML")
                #expect(mail.fromName == Self.shop.name && mail.from == "sklep@zolw.example")
                document += "== \(event.rawValue)\nSubject: \(mail.subject)\n\(mail.text)\n\(mail.html ?? "")\n\n"
            }
            Snapshot.check(document, "mail-\(language)")
        }
        await app.close()
    }

    /// E3: a case mail as the customer receives it: the marker line in their language, the shop's own words, the
    /// order, the link; Reply-To with the case's token, Message-ID carrying it, no Auto-Submitted on a staff text.
    @Test func aThreadedMailAsReceived() async throws {
        let app = try await TestApp.make()
        let notifier = Notifier(services: app.services)
        var shop = Self.shop
        shop.inboundAddress = "reklamacje@zolw.example"
        let tokens = try await app.services.replyTokens(on: app.services.database.sql)
        let caseId = "cmp_AAECAwQFBgcICQoL"
        var document = ""
        for language in ["pl", "en", "es", "el"] {
            let mail = notifier.message(.complaintMessageToCustomer, to: ["klient@example.com"], locale: language,
                                        shop: shop, date: nil, link: "https://redress.example/c/TOKEN",
                                        reference: "RC-2026-000042", body: "Prosimy o zdjęcie paragonu.\nDziękujemy!",
                                        order: "K-100", thread: .init(.complaint, caseId), tokens: tokens)
            let token = try #require(mail.threadToken)
            #expect(tokens.verify(token, shop: shop.shopID)?.caseId == caseId)
            #expect(mail.replyTo == "reklamacje+\(token)@zolw.example")
            #expect(mail.automatic == nil)
            let rendered = MIMEWriter.render(mail, messageID: mail.messageID(outboxId: "msg_0000000000000000"),
                                             date: Date(timeIntervalSince1970: 1_795_000_000), boundary: "b")
            // The token differs per installation key: the snapshot shows it as TOKEN.
            // The headers as written, the bodies as read (the wire has them in base64).
            let headers = rendered.components(separatedBy: "\r\n\r\n").first ?? rendered
            document += (headers + "\n\n" + mail.text + "\n" + (mail.html ?? ""))
                .replacingOccurrences(of: token, with: "TOKEN").replacingOccurrences(of: "\r\n", with: "\n") + "\n\n"
            #expect(mail.text.hasPrefix(ReplyText.marker(language: language)))
            #expect(ReplyText.strip("Dziękuję.\n\n" + mail.text).text == "Dziękuję.", "our own marker cuts the quote")
        }
        Snapshot.check(document, "mail-threaded")
        await app.close()
    }
}
