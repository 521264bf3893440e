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

/// Issue 15, item 1: a customer link is a capability with one purpose. The links the shop sees never speak as the
/// customer (R7–R10, S3).
@Suite("S3 customer links: one purpose each; the shop's links never act as the customer")
struct LinkPurposeTests {
    /// Every review change a customer can make, by the API.
    static var changes: [(HTTPRequest.Method, String, [String: Any]?)] { [
        (.put, "/review", ["rating": 5, "body": "Everything was perfect, five stars."]),
        (.post, "/withdraw", ["reason": "compensated"]),
        (.post, "/resolved", nil),
        (.post, "/publish-now", nil),
        (.post, "/messages", ["body": "All fine now."]),
        (.post, "/report", ["reason": "The reply insults me"]),
        (.post, "/appeal", ["statement": "It was my own name."]),
    ] }

    @Test("the review-invitation link the shop receives writes the review and nothing else", arguments: Engine.available)
    func shopLinkWritesOnly(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let shopLink = try await s.orderWithLink("L-1")
            let review = try await s.review(shopLink, rating: 1)
            #expect(review.status == "standby")
            let dialog = try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog")
            #expect(dialog.status == .created)
            for (method, path, body) in Self.changes {
                let response = try await s.customer(method, shopLink, path, body)
                #expect(response.status == .forbidden, "\(method) \(path) with the shop's link: \(response.status)")
                #expect((response.json["detail"] as? String)?.contains("only write the review") == true)
            }
            // The pages refuse the same, and the case page shows the review without a button to change it.
            let page = try await s.client.execute(uri: "/c/\(shopLink)?lang=en", method: .get)
            #expect(page.status == .ok && page.text.contains("This link only shows your review"))
            #expect(!page.text.contains("/withdraw") && !page.text.contains("/publish-now"))
            let view = try await s.customer(.get, shopLink)
            #expect(view.json["allowedActions"] as? [String] == [])
            // Nothing changed: still held, rating 1, dialog not resolved, no message from "the customer".
            let status = try await s.status(of: review.id)
            #expect(status["status"] as? String == "standby" && status["rating"] as? Int == 1)
            let summary = try await s.summary()
            #expect(summary["withdrawn"] as? Int == 0 && summary["withdrawnAfterCompensation"] as? Int == 0)
            // The customer's own link, mailed to the order's address, can.
            let mailed = try await s.mailedToken()
            #expect(mailed != shopLink)
            #expect(try await s.customer(.post, mailed, "/messages", ["body": "All fine now."]).status == .created)
            #expect(try await s.customer(.post, mailed, "/resolved").status == .ok)
            try await s.expectCountersMatchRecount()
        }
    }

    @Test("a review published at once through the shop's link: the customer's own link comes by e-mail",
          arguments: Engine.available)
    func publishedAtOnceMailsTheCaseLink(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let shopLink = try await s.orderWithLink("L-2", email: "ania@example.com")
            let review = try await s.review(shopLink, rating: 5)
            #expect(review.status == "published")
            #expect(try await s.customer(.post, shopLink, "/withdraw", ["reason": "compensated"]).status == .forbidden)
            let mailed = try await s.mailedToken(to: "ania@example.com")
            #expect(try await s.customer(.post, mailed, "/withdraw", ["reason": "mistake"]).status == .ok)
            #expect(try await s.status(of: review.id)["status"] as? String == "withdrawn")
        }
    }

    @Test("a complaint the shop enters for another address: that address and the shop get a link to the complaint only",
          arguments: Engine.available)
    func complaintLinkOpensOneComplaint(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let shopLink = try await s.orderWithLink("L-3")
            let review = try await s.review(shopLink, rating: 2)
            let filed = try await s.api(.post, "/api/v1/complaints", [
                "orderExternalId": "L-3", "email": "sister@example.com", "claimType": "non_conformity",
                "category": "defective", "items": [["productId": "P-1", "quantity": 1]],
                "description": "The handle broke off.", "requestedRemedy": "refund", "partyType": "consumer",
                "channel": "phone",
            ])
            #expect(filed.status == .created, "\(filed.text)")
            let reference = try #require(filed.json["reference"] as? String)
            let statusLink = ReviewScenario.token(of: try #require(filed.json["statusUrl"] as? String))
            let mailedToSister = try await s.mailedToken(to: "sister@example.com")
            for token in [statusLink, mailedToSister] {
                for (method, path, body) in Self.changes {
                    let response = try await s.customer(method, token, path, body)
                    #expect(response.status == .forbidden, "\(method) \(path) with a complaint link: \(response.status)")
                }
                #expect(try await s.customer(.post, token, "/review", ["rating": 5, "body": "Great shop, truly great."])
                    .status == .forbidden)
                // It reads and answers its complaint, and shows nothing of the review.
                let view = try await s.customer(.get, token)
                #expect(view.status == .ok)
                #expect((view.json["complaint"] as? [String: Any])?["reference"] as? String == reference)
                #expect(view.json["review"] == nil && view.json["dialog"] == nil)
                #expect(try await s.customer(.post, token, "/complaint/messages", ["body": "The receipt is attached."])
                    .status == .created)
                let page = try await s.client.execute(uri: "/c/\(token)", method: .get)
                #expect(page.status == .seeOther && page.headers[.location] == "/c/\(token)/complaint")
                let complaintPage = try await s.client.execute(uri: "/c/\(token)/complaint", method: .get)
                #expect(complaintPage.status == .ok && complaintPage.text.contains(reference))
                #expect(try await s.client.execute(uri: "/r/\(token)", method: .get).status == .forbidden)
            }
            // No mail to the other address carries a link that can change the review.
            let rows = try await s.app.services.database.sql.sqlDatabase.raw(
                "SELECT payload FROM outbox WHERE channel = 'email'").all()
            for row in rows {
                let mail = try JSONDecoder().decode(MailMessage.self,
                                                    from: Data(try row.decode(column: "payload", as: String.self).utf8))
                guard mail.to == ["sister@example.com"] else { continue }
                for token in ReviewScenario.tokens(in: mail.text, after: "/c/") {
                    #expect(try await s.customer(.post, token, "/withdraw", ["reason": "other"]).status == .forbidden)
                }
            }
            #expect(try await s.status(of: review.id)["status"] as? String == "standby")
        }
    }

    @Test("in folder mode staff read the mails with the customer's links masked")
    func folderViewerMasksLinks() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let shopLink = try await s.orderWithLink("L-4")
            _ = try await s.review(shopLink, rating: 2)
            let mailed = try await s.mailedToken()
            try await s.advance("PT1M")
            let owner = try await s.client.signIn("owner@sklep.test")
            let list = try await s.client.execute(uri: "/panel/notifications", method: .get, headers: [.cookie: owner.cookie])
            let hrefs = list.text.ranges(of: #"/panel/notifications/[A-Za-z0-9_-]+/eml"#)
            #expect(!hrefs.isEmpty)
            var masked = 0
            for href in hrefs {
                let eml = try await s.client.execute(uri: href, method: .get, headers: [.cookie: owner.cookie])
                #expect(eml.status == .ok && eml.headers[.contentType] == "message/rfc822")
                let bodies = ReviewScenario.decodedBodies(eml.text)
                #expect(!bodies.contains(mailed) && !eml.text.contains(mailed))
                if bodies.contains("/c/hidden-link") { masked += 1 }
            }
            #expect(masked >= 1, "the customer's standby mail is listed with its link masked")
            // The mail as delivered still carries the working link.
            let files = try FileManager.default.contentsOfDirectory(atPath: s.app.mailDirectory.path)
            let delivered = try files.filter { $0.hasSuffix(".eml") }.map {
                ReviewScenario.decodedBodies(try String(contentsOf: s.app.mailDirectory.appendingPathComponent($0), encoding: .utf8))
            }
            #expect(delivered.contains { $0.contains("/c/\(mailed)") })
        }
    }
}

extension String {
    /// Every match of a regular expression, in order.
    func ranges(of pattern: String) -> [String] {
        var found: [String] = []
        var searchRange = startIndex..<endIndex
        while let range = self.range(of: pattern, options: .regularExpression, range: searchRange) {
            found.append(String(self[range]))
            searchRange = range.upperBound..<endIndex
        }
        return found
    }
}
