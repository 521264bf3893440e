import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

@Suite("R3–R10 reviews end to end with the test clock")
struct ReviewFlowTests {
    @Test("a 2-star review without a dialog is published at day 7", arguments: Engine.available)
    func publishedAtDaySeven(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            var token = try await s.orderWithLink("A-100")
            let review = try await s.review(token, rating: 2)
            token = try await s.mailedToken(order: "A-100")
            #expect(review.status == "standby")
            var summary = try await s.summary()
            #expect(summary["inStandby"] as? Int == 1 && summary["count"] as? Int == 0)
            #expect(try await s.publicReviewIDs().isEmpty, "a held review is not public (R4)")
            let customerView = try await s.customer(.get, token)
            #expect(customerView.json["allowedActions"] as? [String] == ["publish_now", "edit", "withdraw", "report"])
            try await s.advance("P6DT23H59M")
            #expect(try await s.status(of: review.id)["status"] as? String == "standby")
            try await s.advance("PT1M")
            let published = try await s.status(of: review.id)
            #expect(published["status"] as? String == "published")
            #expect(published["publishedVia"] as? String == "day7")
            #expect(try await s.publicReviewIDs() == [review.id])
            summary = try await s.summary()
            #expect(summary["inStandby"] as? Int == 0 && summary["count"] as? Int == 1)
            #expect((summary["distribution"] as? [String: Int])?["2"] == 1)
            try await s.expectCountersMatchRecount()
            // It went through the set-based publishing pass, not the one-by-one fallback.
            let metrics = s.app.services.metrics.render()
            #expect(metrics.contains(#"redress_timed_work_total{kind="review.publish",outcome="done"} 1"#))
            #expect(!metrics.contains("batch_failed"))
        }
    }

    @Test("with a dialog it is published at day 14 even if the customer never answers", arguments: Engine.available)
    func publishedAtDayFourteen(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let token = try await s.orderWithLink("A-200")
            let review = try await s.review(token, rating: 1)
            try await s.advance("P3D")
            let opened = try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog")
            #expect(opened.status == .created)
            let dialogID = try #require(opened.json["dialogId"] as? String)
            let again = try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog")
            #expect(again.status == .conflict)
            let message = try await s.api(.post, "/api/v1/dialogs/\(dialogID)/messages",
                                          ["body": "We are sorry. Could you send a photo of the mug?"])
            #expect(message.status == .created)
            #expect(message.json["incentiveWarning"] as? Bool == false)
            try await s.advance("P5D")
            #expect(try await s.status(of: review.id)["status"] as? String == "standby", "not at day 8")
            try await s.advance("P6D")
            let published = try await s.status(of: review.id)
            #expect(published["status"] as? String == "published")
            #expect(published["publishedVia"] as? String == "day14")
            // The dialog goes on after publication (R6).
            let later = try await s.api(.post, "/api/v1/dialogs/\(dialogID)/messages", ["body": "Any news?"])
            #expect(later.status == .created)
            try await s.expectCountersMatchRecount()
        }
    }

    @Test("the shop's window closes at day 7", arguments: Engine.available)
    func shopWindowCloses(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let token = try await s.orderWithLink("A-300")
            let review = try await s.review(token, rating: 3)
            try await s.advance("P7D")
            let late = try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog")
            #expect(late.status == .conflict)
            #expect((late.json["detail"] as? String)?.contains("window") == true)
        }
    }

    @Test("publish now", arguments: Engine.available)
    func publishNow(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            var token = try await s.orderWithLink("A-400")
            let review = try await s.review(token, rating: 2)
            token = try await s.mailedToken(order: "A-400")
            let response = try await s.customer(.post, token, "/publish-now")
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "published")
            #expect(try await s.status(of: review.id)["publishedVia"] as? String == "publish_now")
            #expect(try await s.customer(.post, token, "/publish-now").status == .conflict)
            #expect(try await s.summary()["count"] as? Int == 1)
            try await s.expectCountersMatchRecount()
        }
    }

    @Test("resolve, edit within the window: a new version, labelled, and the statistics follow", arguments: Engine.available)
    func resolveAndEdit(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            var token = try await s.orderWithLink("A-500")
            let review = try await s.review(token, rating: 1)
            token = try await s.mailedToken(order: "A-500")
            let dialogID = try #require(try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog").json["dialogId"] as? String)
            _ = try await s.customer(.post, token, "/messages", ["body": "Yes, here it is."])
            let closed = try await s.api(.post, "/api/v1/dialogs/\(dialogID)/close")
            #expect(closed.json["outcome"] as? String == "closed_by_shop")
            try await s.advance("P14D")
            var summary = try await s.summary()
            #expect(summary["average"] as? Double == 1.0)
            #expect(try await s.customer(.post, token, "/resolved").status == .ok)
            let edited = try await s.customer(.put, token, "/review", ["rating": 4, "body": "Replaced quickly, thank you!"])
            #expect(edited.status == .ok, "\(edited.text)")
            let detail = try await s.status(of: review.id)
            #expect(detail["rating"] as? Int == 4)
            #expect(detail["changedAfterDialog"] as? Bool == true)
            #expect((detail["versions"] as? [[String: Any]])?.map { $0["rating"] as? Int } == [1, 4])
            summary = try await s.summary()
            #expect(summary["average"] as? Double == 4.0)
            #expect(summary["changedAfterDialog"] as? Int == 1)
            #expect((summary["distribution"] as? [String: Int])?["1"] == 0)
            let publicList = try await s.client.execute(uri: "/api/v1/public/shops/sklep/reviews", method: .get)
            let item = try #require((publicList.json["items"] as? [[String: Any]])?.first)
            #expect(item["changedAfterDialog"] as? Bool == true)
            #expect((item["original"] as? [String: Any])?["rating"] as? Int == 1, "the original stays readable")
            try await s.advance("P7D")
            #expect(try await s.customer(.put, token, "/review", ["rating": 5, "body": "Even better later."]).status
                    == .conflict, "the edit window is 7 days")
            try await s.expectCountersMatchRecount()
        }
    }

    @Test("withdrawal with compensated counts in the public counters", arguments: Engine.available)
    func withdrawCompensated(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            var token = try await s.orderWithLink("A-600")
            let review = try await s.review(token, rating: 5)
            token = try await s.mailedToken(order: "A-600")
            let bad = try await s.customer(.post, token, "/withdraw", ["reason": "bribed"])
            #expect(bad.status == .unprocessableContent)
            let response = try await s.customer(.post, token, "/withdraw", ["reason": "compensated", "comment": "Refunded."])
            #expect(response.status == .ok)
            let summary = try await s.summary()
            #expect(summary["count"] as? Int == 0)
            #expect(summary["withdrawn"] as? Int == 1)
            #expect(summary["withdrawnAfterCompensation"] as? Int == 1)
            #expect(try await s.publicReviewIDs().isEmpty)
            #expect(try await s.status(of: review.id)["status"] as? String == "withdrawn")
            try await s.expectCountersMatchRecount()
        }
    }

    @Test("a 5-star review is public at once; one review per order", arguments: Engine.available)
    func positiveAtOnce(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            var token = try await s.orderWithLink("A-700")
            let review = try await s.review(token, rating: 5)
            token = try await s.mailedToken(order: "A-700")
            #expect(review.status == "published")
            #expect(try await s.publicReviewIDs() == [review.id])
            let second = try await s.customer(.post, token, "/review", ["rating": 1, "body": "Changed my mind entirely."])
            #expect(second.status == .conflict)
            let summary = try await s.summary()
            #expect(summary["average"] as? Double == 5.0)
            #expect(summary["holdThreshold"] as? Int == 3)
            #expect((summary["policy"] as? String)?.contains("14") == true)
        }
    }

    @Test("the shop can never edit or delete a review: DELETE, PUT, PATCH → 405", arguments: Engine.available)
    func shopCannotEdit(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let token = try await s.orderWithLink("A-800")
            let review = try await s.review(token, rating: 1)
            for method in [HTTPRequest.Method.delete, .put, .patch] {
                let response = try await s.api(method, "/api/v1/reviews/\(review.id)", ["rating": 5])
                #expect(response.status == .methodNotAllowed, "\(method)")
                #expect(response.headers[.allow] == "GET")
            }
            #expect(try await s.status(of: review.id)["rating"] as? Int == 1)
        }
    }

    @Test("another shop's key gets 404 on every review, dialog and order", arguments: Engine.available)
    func tenantIsolation(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let other = try await s.client.createShop("inny")
            let token = try await s.orderWithLink("A-900")
            let review = try await s.review(token, rating: 2)
            let dialogID = try #require(try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog").json["dialogId"] as? String)
            let probes: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "/api/v1/reviews/\(review.id)", nil),
                (.post, "/api/v1/reviews/\(review.id)/dialog", nil),
                (.put, "/api/v1/reviews/\(review.id)/reply", ["body": "Hello"]),
                (.post, "/api/v1/reviews/\(review.id)/report", ["reason": "spam"]),
                (.get, "/api/v1/dialogs/\(dialogID)", nil),
                (.post, "/api/v1/dialogs/\(dialogID)/messages", ["body": "Hi"]),
                (.post, "/api/v1/dialogs/\(dialogID)/notes", ["body": "Hi"]),
                (.post, "/api/v1/dialogs/\(dialogID)/close", nil),
                (.get, "/api/v1/orders/A-900", nil),
                (.post, "/api/v1/orders/A-900/delivery", ["deliveredAt": "2026-11-03T10:00:00Z"]),
                (.post, "/api/v1/orders/A-900/review-invitation", nil),
                (.post, "/api/v1/orders/A-900/cancel", nil),
            ]
            for (method, uri, body) in probes {
                let response = try await s.api(method, uri, body, key: other.apiKey)
                #expect(response.status == .notFound, "\(method) \(uri) → \(response.status)")
            }
            let lists = try await s.api(.get, "/api/v1/reviews", key: other.apiKey)
            #expect((lists.json["items"] as? [Any])?.isEmpty == true)
            let dialogs = try await s.api(.get, "/api/v1/dialogs", key: other.apiKey)
            #expect((dialogs.json["items"] as? [Any])?.isEmpty == true)
            // The owner's list sees them.
            #expect((try await s.api(.get, "/api/v1/dialogs").json["items"] as? [Any])?.count == 1)
        }
    }
}

@Suite("issue 17: open work and the chosen language")
struct PanelOpenWorkTests {
    @Test("an open dialog older than a month stays in Open Dialogs; the date filter is a choice",
          arguments: Engine.available)
    func oldOpenDialogStaysListed(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let token = try await s.orderWithLink("OLD-1")
            let review = try await s.review(token, rating: 2)
            #expect(try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog").status == .created)
            try await s.advance("P40D")
            let staff = try await s.client.signIn("agent@\(s.shop.slug).test")
            func page(_ uri: String) async throws -> String {
                try await s.client.execute(uri: uri, method: .get, headers: [.cookie: staff.cookie, .acceptLanguage: "en"]).text
            }
            #expect(try await page("/panel/dialogs").contains("OLD-1"), "open work is never filtered out by date")
            #expect(try await page("/panel/dialogs").contains(#"<option value="all" selected>"#))
            #expect(!(try await page("/panel/dialogs?period=month").contains("OLD-1")), "the last month, when chosen")
        }
    }

    @Test("a language picked on any page sticks on every later page, panel and public", arguments: Engine.available)
    func languageSticks(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let staff = try await s.client.signIn("agent@\(s.shop.slug).test")
            let picked = try await s.client.execute(uri: "/panel/complaints?lang=pl", method: .get,
                                                    headers: [.cookie: staff.cookie, .acceptLanguage: "en"])
            let cookie = try #require(picked.headers[values: .setCookie].first { $0.hasPrefix("redress_lang=pl") })
            #expect(cookie.contains("HttpOnly"))
            let both = staff.cookie + "; redress_lang=pl"
            for path in ["/panel/reports", "/panel/notifications", "/panel/dialogs", "/panel/complaints"] {
                let later = try await s.client.execute(uri: path, method: .get, headers: [.cookie: both, .acceptLanguage: "en"])
                #expect(later.text.contains(#"<html lang="pl">"#), "\(path) stays Polish")
            }
            let spanish = try await s.client.execute(uri: "/complaints/status?lang=es", method: .get, headers: [.acceptLanguage: "en"])
            #expect(spanish.headers[values: .setCookie].contains { $0.hasPrefix("redress_lang=es") })
            let missing = try await s.client.execute(uri: "/shops/no-such-shop/complaint", method: .get,
                                                     headers: [.cookie: "redress_lang=es", .acceptLanguage: "en"])
            #expect(missing.status == .notFound && missing.text.contains(#"lang="es""#), "the error page too")
        }
    }
}

@Suite("R2 invitations, N4 orders in, R11, R12")
struct ReviewIntakeTests {
    func emails(_ app: TestApp) throws -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: app.mailDirectory.path)) ?? []
        return try files.filter { $0.hasSuffix(".eml") }.sorted().map {
            try String(contentsOf: app.mailDirectory.appendingPathComponent($0), encoding: .utf8)
        }
    }

    @Test("the invitation goes out 7 days after delivery, one reminder, never for a cancelled order", arguments: Engine.available)
    func invitations(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let now = s.app.clock.now()
            for id in ["I-1", "I-2"] {
                let response = try await s.api(.post, "/api/v1/orders", [
                    "externalId": id, "placedAt": ReviewScenario.iso.string(from: now),
                    "customer": ["email": "\(id.lowercased())@example.com", "name": "Ewa Nowak", "locale": "es"],
                    "items": [["productId": "P-9", "name": "Taza"]],
                ])
                #expect(response.status == .created)
                let delivered = try await s.api(.post, "/api/v1/orders/\(id)/delivery",
                                                ["deliveredAt": ReviewScenario.iso.string(from: now)])
                #expect(delivered.status == .ok)
            }
            #expect(try await s.api(.post, "/api/v1/orders/I-2/cancel").status == .ok)
            try await s.advance("P6DT23H")
            #expect(try emails(s.app).isEmpty)
            try await s.advance("PT1H")
            var mail = try emails(s.app)
            #expect(mail.count == 1, "one invitation, none for the cancelled order")
            let invitation = try #require(mail.first)
            #expect(invitation.contains("To: i-1@example.com"))
            #expect(invitation.contains("Subject: =?UTF-8?B?"), "the Spanish subject is encoded")
            let text = ReviewScenario.decodedBodies(invitation)
            #expect(text.contains("Gracias por comprar en Shop sklep"))
            let token = try #require(text.components(separatedBy: "/r/").dropFirst().first?.prefix { !$0.isWhitespace })
            #expect(token.count >= 43, "256-bit token")
            let view = try await s.customer(.get, String(token))
            #expect(view.status == .ok)
            #expect(view.json["allowedActions"] as? [String] == ["review"])
            // One reminder 7 days later, and no more.
            try await s.advance("P7D")
            mail = try emails(s.app)
            #expect(mail.count == 2)
            try await s.advance("P30D")
            #expect(try emails(s.app).count == 2)
            // The link expires 60 days after it was sent.
            try await s.advance("P24D")
            #expect(try await s.customer(.get, String(token)).status == .notFound)
            // Tokens are stored hashed only.
            let stored = try await s.app.services.database.sql.sqlDatabase.raw("SELECT token_hash FROM customer_links").all()
                .map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(!stored.contains(String(token)) && stored.contains(SecretHash.of(String(token))))
        }
    }

    @Test("orders are idempotent on externalId; a changed body is a conflict", arguments: Engine.available)
    func idempotentOrders(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let body: [String: Any] = [
                "externalId": "O-1", "placedAt": "2026-11-01T10:00:00Z",
                "customer": ["email": "a@example.com", "name": "A B"], "items": [["productId": "P", "name": "X"]],
            ]
            #expect(try await s.api(.post, "/api/v1/orders", body).status == .created)
            #expect(try await s.api(.post, "/api/v1/orders", body).status == .ok)
            var changed = body
            changed["customer"] = ["email": "other@example.com", "name": "A B"]
            #expect(try await s.api(.post, "/api/v1/orders", changed).status == .conflict)
            let invalid = try await s.api(.post, "/api/v1/orders", ["externalId": "O-2", "placedAt": "2026-11-01T10:00:00Z",
                                                                     "customer": ["email": "nope"], "items": []])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set((invalid.json["errors"] as? [String: String] ?? [:]).keys) == ["customer.email", "items"])
        }
    }

    @Test("CSV import reports bad lines by number and keeps the good ones; 10 MB limit", arguments: Engine.available)
    func csvImport(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let csv = """
                order_id;date;email;first_name;last_name;product_id;product_name;delivered_at
                C-1;2026-11-01;jan@example.com;Jan;Kowalski;P1;Kubek;2026-11-02
                C-2;2026-11-01;zly-adres;Ewa;Nowak;P1;Kubek;
                C-3;2026-11-01;ola@example.com;Ola;Lis;P2;"Talerz
                głęboki";
                """
            var headers = s.keyHeaders
            headers[.contentType] = "text/csv"
            let response = try await s.client.execute(uri: "/api/v1/orders/import", method: .post, headers: headers,
                                                      body: ByteBuffer(string: csv))
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.json["created"] as? Int == 2)
            let rejected = response.json["rejected"] as? [[String: Any]] ?? []
            #expect(rejected.count == 1 && rejected.first?["line"] as? Int == 3)
            // Again: nothing new.
            let again = try await s.client.execute(uri: "/api/v1/orders/import", method: .post, headers: headers,
                                                   body: ByteBuffer(string: csv))
            #expect(again.json["created"] as? Int == 0 && again.json["unchanged"] as? Int == 2)
            #expect(try await s.api(.get, "/api/v1/orders/C-3").status == .ok)
            let big = String(repeating: "x", count: 10 * 1024 * 1024 + 1)
            let tooLarge = try await s.client.execute(uri: "/api/v1/orders/import", method: .post, headers: headers,
                                                      body: ByteBuffer(string: big))
            #expect(tooLarge.status == .contentTooLarge)
            let noHeader = try await s.client.execute(uri: "/api/v1/orders/import", method: .post, headers: headers,
                                                      body: ByteBuffer(string: "a,b\n1,2\n"))
            #expect(noHeader.status == .unprocessableContent)
        }
    }

    @Test("intake validation gives clear 422 messages", arguments: Engine.available)
    func intakeValidation(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let token = try await s.orderWithLink("V-1")
            let response = try await s.customer(.post, token, "/review", ["rating": 0, "body": "short"])
            #expect(response.status == .unprocessableContent)
            let errors = response.json["errors"] as? [String: String] ?? [:]
            #expect(errors["rating"] == "must be a whole number from 1 to 5")
            #expect(errors["body"]?.contains("at least 10") == true)
            #expect(try await s.customer(.get, "not-a-real-token-at-all-0000").status == .notFound)
        }
    }

    @Test("R11: an offer tied to a review change is flagged and recorded; notes stay internal", arguments: Engine.available)
    func incentiveWarning(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            var token = try await s.orderWithLink("N-1")
            let review = try await s.review(token, rating: 1)
            token = try await s.mailedToken(order: "N-1")
            let dialogID = try #require(try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog").json["dialogId"] as? String)
            let offer = try await s.api(.post, "/api/v1/dialogs/\(dialogID)/messages",
                                        ["body": "We will refund you if you remove the review."])
            #expect(offer.json["incentiveWarning"] as? Bool == true)
            _ = try await s.api(.post, "/api/v1/dialogs/\(dialogID)/notes", ["body": "Customer is a regular; be kind."])
            let staffView = try await s.api(.get, "/api/v1/dialogs/\(dialogID)")
            let messages = staffView.json["messages"] as? [[String: Any]] ?? []
            #expect(messages.count == 2)
            #expect(messages.contains { $0["internalNote"] as? Bool == true })
            let customerView = try await s.customer(.get, token)
            let thread = (customerView.json["dialog"] as? [String: Any])?["messages"] as? [[String: Any]] ?? []
            #expect(thread.count == 1, "the note is never shown to the customer")
            #expect(!customerView.text.contains("regular"))
            let audit = try await s.app.services.database.sql.sqlDatabase.raw(
                "SELECT after_state FROM audit_log WHERE action = 'dialog.message'").all()
            #expect(try audit.first?.decode(column: "after_state", as: String?.self)?.contains("incentiveWarning") == true)
            // A stale version of the dialog is refused.
            let stale = try await s.api(.post, "/api/v1/dialogs/\(dialogID)/messages", ["body": "Hello", "version": 1])
            #expect(stale.status == .conflict)
        }
    }

    @Test("R12: three reports per party, the review stays visible, moderation removes with reasons, one appeal", arguments: Engine.available)
    func abuseReports(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            var token = try await s.orderWithLink("R-1")
            let review = try await s.review(token, rating: 5)
            token = try await s.mailedToken(order: "R-1")
            for _ in 0..<3 {
                #expect(try await s.api(.post, "/api/v1/reviews/\(review.id)/report", ["reason": "Not a customer"]).status
                        == .created)
            }
            #expect(try await s.api(.post, "/api/v1/reviews/\(review.id)/report", ["reason": "again"]).status == .conflict)
            #expect(try await s.customer(.post, token, "/report", ["reason": "The reply insults me"]).status == .created)
            #expect(try await s.publicReviewIDs() == [review.id], "it stays visible while reported")
            let admin: HTTPFields = [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"]
            let open = try await s.client.execute(uri: "/api/v1/admin/reports/abuse", method: .get, headers: admin)
            #expect((open.json["items"] as? [Any])?.count == 4)
            let shopTries = try await s.api(.post, "/api/v1/admin/reviews/\(review.id)/moderation",
                                            ["decision": "remove", "reason": "x"])
            #expect(shopTries.status == .forbidden, "the shop never moderates")
            let removed = try await s.client.execute(
                uri: "/api/v1/admin/reviews/\(review.id)/moderation", method: .post, headers: admin,
                body: jsonBody(["decision": "remove", "reason": "The text contains personal data of an employee."]))
            #expect(removed.json["status"] as? String == "removed")
            #expect(try await s.publicReviewIDs().isEmpty)
            let view = try await s.customer(.get, token)
            #expect((view.json["review"] as? [String: Any])?["removalReason"] as? String
                    == "The text contains personal data of an employee.")
            #expect((view.json["allowedActions"] as? [String])?.contains("appeal") == true)
            #expect(try await s.customer(.post, token, "/appeal", ["statement": "It was my own name."]).status == .ok)
            #expect(try await s.customer(.post, token, "/appeal", ["statement": "Again"]).status == .conflict)
            let reinstated = try await s.client.execute(
                uri: "/api/v1/admin/reviews/\(review.id)/appeal", method: .post, headers: admin,
                body: jsonBody(["decision": "reinstate", "reason": "The name is the author's own."]))
            #expect(reinstated.json["status"] as? String == "published")
            #expect(try await s.publicReviewIDs() == [review.id])
            try await s.expectCountersMatchRecount()
        }
    }

    @Test("lists filter by stars, status, product and text, and paginate", arguments: Engine.available)
    func listFilters(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            for index in 0..<5 {
                let token = try await s.orderWithLink("L-\(index)", product: index % 2 == 0 ? "EVEN" : "ODD")
                _ = try await s.review(token, rating: index + 1, body: "Review number \(index) <b>bold</b> text")
                try await s.advance("PT1M")
            }
            func ids(_ query: String) async throws -> [String: Any] {
                try await s.api(.get, "/api/v1/reviews?\(query)").json
            }
            #expect((try await ids("stars=1,2")["items"] as? [Any])?.count == 2)
            #expect((try await ids("status=standby")["items"] as? [Any])?.count == 3)
            #expect((try await ids("productId=EVEN")["items"] as? [Any])?.count == 3)
            #expect((try await ids("q=NUMBER%203")["items"] as? [Any])?.count == 1)
            let first = try await ids("limit=2")
            #expect((first["items"] as? [Any])?.count == 2)
            let cursor = try #require(first["nextCursor"] as? String)
            let second = try await ids("limit=2&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect((second["items"] as? [Any])?.count == 2)
            let firstIDs = (first["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            let secondIDs = (second["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(Set(firstIDs).isDisjoint(with: secondIDs))
            #expect(try await s.api(.get, "/api/v1/reviews?stars=9").status == .unprocessableContent)
            #expect(try await s.api(.get, "/api/v1/reviews?limit=500").status == .unprocessableContent)
            #expect(try await s.api(.get, "/api/v1/reviews?cursor=garbage").status == .unprocessableContent)
            let html = try await s.api(.get, "/api/v1/reviews?stars=1")
            #expect(html.text.contains("<b>bold</b>"), "stored as text, as typed")
        }
    }
}
