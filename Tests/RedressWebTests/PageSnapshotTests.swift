import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// Every page and state of the mediation UI, with fixture data, against stored snapshots; hostile text in names,
/// titles, bodies and messages must come out escaped.
@Suite("Pages: snapshots, escaping, forms")
struct PageSnapshotTests {
    static let hostile = #"<script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}}"#

    /// A visitor's browser for pages without a session: keeps the CSRF cookie.
    struct Visitor {
        let client: any TestClientProtocol
        var cookie = ""
        var csrf = ""

        mutating func get(_ uri: String, language: String = "en") async throws -> TestResponse {
            var headers: HTTPFields = [.acceptLanguage: language]
            if !cookie.isEmpty { headers[.cookie] = cookie }
            let response = try await client.execute(uri: uri, method: .get, headers: headers)
            if let value = cookieValue(response, "redress_csrf") { cookie = "redress_csrf=\(value)" }
            if let token = hiddenCSRF(in: response.text) { csrf = token }
            return response
        }

        func post(_ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
            let body = ([("_csrf", csrf)] + fields).map { "\($0.0)=\($0.1.formEncoded)" }.joined(separator: "&")
            return try await client.execute(uri: uri, method: .post,
                                            headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                            body: ByteBuffer(string: body))
        }
    }

    func expectEscaped(_ response: TestResponse, _ page: String) {
        #expect(!response.text.contains("<script>alert(1)</script>"), "\(page) prints a raw script")
        #expect(!response.text.contains("<img src=x"), "\(page) prints a raw tag")
    }

    @Test("customer pages, the profile and the panel, in every state")
    func everyPage() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let shop = try await client.createShop("snap")
            let s = ReviewScenario(client: client, app: app, shop: shop)
            var customer = Visitor(client: client)
            let login = try await customer.get("/login")
            Snapshot.check(login.text, "login")
            let missing = try await customer.get("/no-such-page")
            #expect(missing.status == .notFound)
            Snapshot.check(missing.text, "error-404")

            _ = try await s.api(.post, "/api/v1/orders", [
                "externalId": "S-1", "placedAt": "2026-11-01T10:00:00Z", "deliveredAt": "2026-11-02T08:00:00Z",
                "customer": ["email": "c@example.com", "name": "Jan \(Self.hostile)", "locale": "en"],
                "items": [["productId": "P-1", "name": "Mug"]],
            ])
            let token = try #require(try await s.api(.post, "/api/v1/orders/S-1/review-invitation").json["token"] as? String)
            let form = try await customer.get("/r/\(token)")
            Snapshot.check(form.text, "customer-review-form")
            let invalid = try await customer.post("/r/\(token)", [("rating", "9"), ("body", "short")])
            #expect(invalid.status == .unprocessableContent)
            Snapshot.check(invalid.text, "customer-review-form-errors")
            let noCSRF = try await client.execute(uri: "/r/\(token)", method: .post,
                                                  headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "rating=2&body=Something+happened"))
            #expect(noCSRF.status == .forbidden)
            let sent = try await customer.post("/r/\(token)", [
                ("rating", "2"), ("title", "Title \(Self.hostile)"), ("body", "The mug broke. \(Self.hostile)"),
            ])
            #expect(sent.status == .seeOther)
            // The shop's link only shows the review (S3); the customer's own link came by e-mail.
            let shopLink = try await customer.get(try #require(sent.headers[.location]))
            #expect(shopLink.text.contains("This link only shows your review") && !shopLink.text.contains("/withdraw"))
            Snapshot.check(shopLink.text, "customer-case-shop-link")
            let mailed = try await s.mailedToken(to: "c@example.com")
            let standby = try await customer.get("/c/\(mailed)?done=submitted")
            #expect(standby.text.contains("will be published on"))
            expectEscaped(standby, "case page")
            Snapshot.check(standby.text, "customer-case-standby")
            let greek = try await customer.get("/c/\(mailed)?lang=el")
            #expect(greek.text.contains("<html lang=\"el\">"))
            Snapshot.check(greek.text, "customer-case-standby-el")

            // Staff: Open Dialogs lists the held review; they open a dialog, reply and note.
            let staff = try await client.signIn("agent@snap.test")
            func staffGet(_ uri: String) async throws -> TestResponse {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: staff.cookie, .acceptLanguage: "en"])
            }
            func staffPost(_ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
                let body = ([("_csrf", staff.csrf)] + fields).map { "\($0.0)=\($0.1.formEncoded)" }.joined(separator: "&")
                return try await client.execute(uri: uri, method: .post,
                                                headers: [.cookie: staff.cookie, .contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: body))
            }
            let inbox = try await staffGet("/panel/dialogs")
            expectEscaped(inbox, "open dialogs")
            Snapshot.check(inbox.text, "panel-open-dialogs")
            let reviewID = try #require(try await s.api(.get, "/api/v1/reviews").json["items"].flatMap {
                ($0 as? [[String: Any]])?.first?["id"] as? String })
            Snapshot.check(try await staffGet("/panel/reviews").text, "panel-reviews")
            Snapshot.check(try await staffGet("/panel/reviews/\(reviewID)").text, "panel-review")
            let opened = try await staffPost("/panel/reviews/\(reviewID)/dialog", [])
            let dialogPath = try #require(opened.headers[.location])
            let first = try await staffGet(dialogPath)
            let submission = try #require(first.text.range(of: #"name="submission" value=""#).map {
                String(first.text[$0.upperBound...].prefix { $0 != "\"" }) })
            for _ in 0..<2 {
                // The same form twice (a double click): one message.
                _ = try await staffPost("\(dialogPath)/messages", [("body", "Sorry! \(Self.hostile)"), ("submission", submission)])
            }
            app.clock.advance(by: 60)
            _ = try await staffPost("\(dialogPath)/notes", [("body", "Internal: courier damage"), ("submission", submission + "-n")])
            let dialog = try await staffGet(dialogPath)
            #expect(dialog.text.components(separatedBy: "Sorry! ").count == 2, "one message, not two")
            expectEscaped(dialog, "dialog")
            Snapshot.check(dialog.text, "panel-dialog")
            let warned = try await staffPost("\(dialogPath)/messages", [("body", "We refund you if you remove the review")])
            #expect(warned.text.contains("incentive-warning"))
            Snapshot.check(warned.text, "panel-dialog-incentive-warning")
            let viewer = try await client.signIn("viewer@snap.test")
            let readOnly = try await client.execute(uri: dialogPath, method: .get, headers: [.cookie: viewer.cookie])
            #expect(!readOnly.text.contains("send-reply") && readOnly.text.contains("viewers cannot change"))
            Snapshot.check(try await staffGet("/panel/dialogs?lang=pl").text, "panel-open-dialogs-pl")

            // The customer sees the reply, not the note; resolves (with a confirmation page) and edits.
            app.clock.advance(by: 3600)
            let withReply = try await customer.get("/c/\(mailed)")
            #expect(withReply.text.contains("Sorry!") && !withReply.text.contains("courier damage"))
            Snapshot.check(withReply.text, "customer-case-dialog")
            let confirm = try await customer.post("/c/\(mailed)/resolved", [])
            Snapshot.check(confirm.text, "customer-confirm")
            _ = try await customer.post("/c/\(mailed)/resolved", [("confirmed", "1")])
            _ = try await customer.post("/c/\(mailed)/edit", [("rating", "4"), ("body", "Replaced at once, thanks.")])
            Snapshot.check(try await customer.get("/c/\(mailed)").text, "customer-case-resolved-edited")
            _ = try await staffPost("\(dialogPath)/close", [])
            Snapshot.check(try await staffGet("/panel/dialogs?state=closed").text, "panel-closed-dialogs")
            Snapshot.check(try await staffGet("/panel/dialogs?stars=5").text, "panel-open-dialogs-empty")

            // The public profile after the hold, and a withdrawn review's page.
            try await s.advance("P14D")
            let profile = try await customer.get("/shops/snap")
            expectEscaped(profile, "profile")
            #expect(profile.text.contains("Changed after a dialog with the shop on"))
            Snapshot.check(profile.text, "profile")
            _ = try await customer.post("/c/\(mailed)/withdraw", [("reason", "compensated"), ("confirmed", "1")])
            Snapshot.check(try await customer.get("/c/\(mailed)").text, "customer-case-withdrawn")
            Snapshot.check(try await customer.get("/shops/snap?lang=pl").text, "profile-empty-pl")
        }
    }
}
