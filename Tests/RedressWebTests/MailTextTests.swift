import Foundation
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
}
