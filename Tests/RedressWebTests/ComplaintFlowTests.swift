import Crypto
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

extension ReviewScenario {
    /// Files a complaint through the public form for a fresh order and returns the reference.
    func fileComplaint(_ externalId: String, email: String = "klient@example.com", body extra: [String: Any] = [:])
        async throws -> [String: Any]
    {
        _ = try await orderWithLink(externalId, email: email)
        var body: [String: Any] = [
            "orderExternalId": externalId, "email": email, "claimType": "non_conformity", "category": "defective",
            "items": [["productId": "P-1", "quantity": 1]], "description": "The handle broke off on the first day.",
            "requestedRemedy": "refund", "partyType": "consumer",
        ]
        for (key, value) in extra { body[key] = value }
        let response = try await client.execute(uri: "/api/v1/public/shops/\(shop.slug)/complaints", method: .post,
                                                headers: [.contentType: "application/json"], body: jsonBody(body))
        #expect(response.status == .created, "\(response.text)")
        return response.json
    }

    func complaint(_ reference: String) async throws -> [String: Any] {
        let response = try await api(.get, "/api/v1/complaints/\(reference)")
        #expect(response.status == .ok, "\(response.text)")
        return response.json
    }

    func mailSubjects() throws -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: app.mailDirectory.path)) ?? []
        return try files.filter { $0.hasSuffix(".eml") }.sorted().compactMap { name in
            let text = try String(contentsOf: app.mailDirectory.appendingPathComponent(name), encoding: .utf8)
            guard let line = text.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("Subject: ") }) else { return nil }
            return Self.decodeSubject(String(line.dropFirst(9)), in: text)
        }
    }

    /// Joins folded RFC 2047 words back into text (only what our writer produces: UTF-8, base64).
    static func decodeSubject(_ first: String, in document: String) -> String {
        let lines = document.components(separatedBy: "\r\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Subject: ") }) else { return first }
        var words = [String(lines[start].dropFirst(9))]
        var index = start + 1
        while index < lines.count, lines[index].hasPrefix(" ") {
            words.append(String(lines[index].dropFirst()))
            index += 1
        }
        return words.map { word -> String in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return word }
            let payload = word.dropFirst(10).dropLast(2)
            return Data(base64Encoded: String(payload)).map { String(decoding: $0, as: UTF8.self) } ?? word
        }.joined()
    }
}

@Suite("C1–C8 complaints end to end with the test clock")
struct ComplaintFlowTests {
    @Test("no decision for 14 days: warnings on days 7, 10, 12, then deemed accepted; only acceptance afterwards",
          arguments: Engine.available)
    func deemedAccepted(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let filed = try await s.fileComplaint("K-1")
            let reference = try #require(filed["reference"] as? String)
            #expect(reference == "RC-2026-000001")
            // Received Monday 2 November 2026, 10:00 in Warsaw; the 14th day is 16 November; due at its end.
            #expect(filed["answerDueAt"] as? String == "2026-11-16T23:00:00Z")
            // The link in the e-mails opens the complaint's status page.
            let statusURL = try #require(filed["statusUrl"] as? String)
            #expect(statusURL.hasSuffix("/complaint") && statusURL.contains("/c/"))
            let statusPage = try await s.client.execute(uri: String(statusURL[statusURL.range(of: "/c/")!.lowerBound...]),
                                                        method: .get)
            #expect(statusPage.status == .ok && statusPage.text.contains(reference) && statusPage.text.contains(#"id="customer-reply""#))
            let second = try await s.fileComplaint("K-2")
            #expect(second["reference"] as? String == "RC-2026-000002")
            // No enumeration: a wrong e-mail and an unknown order get the same answer.
            let wrongMail = try await s.client.execute(
                uri: "/api/v1/public/shops/sklep/complaints", method: .post, headers: [.contentType: "application/json"],
                body: jsonBody(["orderExternalId": "K-1", "email": "someone@else.com"]))
            let unknown = try await s.client.execute(
                uri: "/api/v1/public/shops/sklep/complaints", method: .post, headers: [.contentType: "application/json"],
                body: jsonBody(["orderExternalId": "NOPE", "email": "klient@example.com"]))
            #expect(wrongMail.status == .notFound && unknown.status == .notFound)
            #expect(wrongMail.json["detail"] as? String == unknown.json["detail"] as? String)

            try await s.advance("P7D")
            try await s.advance("P3D")
            try await s.advance("P2D")
            #expect(try await s.complaint(reference)["legalState"] as? String == "open")
            try await s.advance("P2DT13H59M")
            #expect(try await s.complaint(reference)["legalState"] as? String == "open", "not before the end of day 14")
            try await s.advance("PT1M")
            let deemed = try await s.complaint(reference)
            #expect(deemed["legalState"] as? String == "deemed_accepted")
            #expect(deemed["remedyTask"] as? String == "refund" && deemed["urgent"] as? Bool == true)
            let subjects = try s.mailSubjects().filter { $0.hasPrefix("[\(reference)]") }
            #expect(subjects.contains { $0.contains("Reklamacja przyjęta") }, "\(subjects)")
            for warning in ["Reklamacja czeka 7 dni", "Zostały 4 dni", "Pilne: 2 dni", "uznana z mocy prawa"] {
                #expect(subjects.filter { $0.contains(warning) }.count == 1, "\(warning) in \(subjects)")
            }
            #expect(s.app.services.metrics.render().contains("redress_complaints_deemed_accepted_total 2"))
            let reject = try await s.api(.post, "/api/v1/complaints/\(reference)/decision",
                                         ["outcome": "rejected", "reason": "Wear and tear."])
            #expect(reject.status == .conflict)
            let accept = try await s.api(.post, "/api/v1/complaints/\(reference)/decision",
                                         ["outcome": "accepted", "remedy": "refund"])
            #expect(accept.status == .created, "\(accept.text)")
            // Filters and order of the queue.
            let queue = try await s.api(.get, "/api/v1/complaints?status=received")
            #expect((queue.json["items"] as? [[String: Any]])?.map { $0["reference"] as? String } == ["RC-2026-000002"])
            try await s.app.expectReportRollupsMatchRecount(shop: s.shop.id)
        }
    }

    @Test("decisions: reasons, the ADR statement, the letter's hash equals what the mail server received, merge",
          arguments: Engine.available)
    func decisions(engine: Engine) async throws {
        let sink = try SMTPSink()
        let port = sink.port
        try await TestApp.scenario(engine, configure: { config in
            config.smtp = try? SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?timeout=5")
        }) { s in
            let a = try #require(try await s.fileComplaint("D-1")["reference"] as? String)
            let noReason = try await s.api(.post, "/api/v1/complaints/\(a)/decision", ["outcome": "rejected"])
            #expect(noReason.status == .unprocessableContent)
            #expect(noReason.text.contains("reason"))
            let bad = try await s.api(.post, "/api/v1/complaints/\(a)/status", ["status": "closed"])
            #expect(bad.status == .conflict, "received → closed is not a transition")
            let partial = try await s.api(.post, "/api/v1/complaints/\(a)/decision", [
                "outcome": "partially_accepted", "remedy": "price_reduction", "amount": 25.5,
                "reason": "Only the handle is damaged.",
            ])
            #expect(partial.status == .created, "\(partial.text)")
            let decision = try #require(partial.json["decision"] as? [String: Any])
            #expect((decision["adrStatement"] as? String)?.contains("pozasądowym") == true)
            #expect(decision["sentAt"] == nil || decision["sentAt"] is NSNull)
            #expect(try await s.complaint(a)["legalState"] as? String == "open", "answered only once the mail is accepted")
            try await s.advance("PT1M")
            #expect(try await s.complaint(a)["legalState"] as? String == "answered")
            let letter = try await s.api(.get, "/api/v1/complaints/\(a)/decision/letter")
            let hash = try #require(letter.headers[.init("X-Content-SHA256")!])
            #expect(hash == decision["letterSha256"] as? String)
            let received = try await sink.waitFor(3)
            let mail = try #require(received.first { $0.subject.hasPrefix("[\(a)]") && $0.subject.contains("Decyzja") })
            let text = try #require(mail.text).replacingOccurrences(of: "\r\n", with: "\n")
            let receivedHash = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(receivedHash == hash, "the stored letter is what the customer received")
            #expect(text.contains("Pozasądowe rozwiązywanie sporów") && text.contains("25.5"))
            #expect(letter.text == text)
            let again = try await s.api(.post, "/api/v1/complaints/\(a)/decision", ["outcome": "accepted"])
            #expect(again.status == .conflict, "one decision per complaint")
            // The customer sees the decision through the link.
            let token = try await s.orderWithLink("D-1b")
            _ = token

            // Merge: the earliest receipt's clock wins.
            let first = try #require(try await s.fileComplaint("M-1")["reference"] as? String)
            try await s.advance("P3D")
            let later = try await s.fileComplaint("M-2")
            let second = try #require(later["reference"] as? String)
            #expect(try await s.api(.post, "/api/v1/complaints/\(second)/messages", ["body": "We are looking into it."]).status == .created)
            let merged = try await s.api(.post, "/api/v1/complaints/\(second)/merge", ["into": first])
            #expect(merged.status == .ok, "\(merged.text)")
            let firstDue = try await s.complaint(first)["answerDueAt"] as? String
            #expect(merged.json["answerDueAt"] as? String == firstDue)
            #expect((merged.json["messages"] as? [[String: Any]])?.count == 1, "the thread moved")
            #expect(try await s.api(.get, "/api/v1/complaints/\(second)").status == .notFound)
            let other = try #require(try await s.fileComplaint("M-3")["reference"] as? String)
            let reverse = try await s.api(.post, "/api/v1/complaints/\(first)/merge", ["into": other])
            #expect(reverse.json["answerDueAt"] as? String == firstDue, "merging the older one in moves the clock back")
            try await s.app.expectReportRollupsMatchRecount(shop: s.shop.id)
        }
    }

    @Test("round-robin to available agents, reply templates with a preview, bulk assignment")
    func staffTools() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let staff = try await StaffStore().list(shop: ShopID(s.shop.id), on: s.app.services.database.sql)
            let agent = try #require(staff.first { $0.email == "agent@sklep.test" })
            let owner = try #require(staff.first { $0.email == "owner@sklep.test" })
            let viewer = try #require(staff.first { $0.email == "viewer@sklep.test" })
            #expect(try await s.api(.put, "/api/v1/staff/\(agent.id)/availability",
                                    ["available": true, "categories": ["defective"]]).status == .noContent)
            #expect(try await s.api(.put, "/api/v1/staff/\(owner.id)/availability",
                                    ["available": true, "categories": ["wrong_item"]]).status == .noContent)
            #expect(try await s.api(.put, "/api/v1/staff/\(viewer.id)/availability", ["available": true]).status == .notFound)
            #expect(try await s.api(.put, "/api/v1/staff/\(agent.id)/availability",
                                    ["available": true, "categories": ["broken"]]).status == .unprocessableContent)
            let first = try #require(try await s.fileComplaint("T-1")["reference"] as? String)
            #expect(try await s.complaint(first)["assigneeId"] as? String == agent.id, "defective goes to the agent")
            let second = try #require(try await s.fileComplaint("T-2", body: ["category": "other"])["reference"] as? String)
            let unassigned = try await s.complaint(second)["assigneeId"]
            #expect(unassigned == nil || unassigned is NSNull, "nobody is available for 'other'")

            let bad = try await s.api(.post, "/api/v1/complaint-templates",
                                      ["name": "Bad", "language": "pl", "body": "Hej {{customer.pesel}}"])
            #expect(bad.status == .unprocessableContent && bad.text.contains("customer.pesel"))
            let template = try await s.api(.post, "/api/v1/complaint-templates", [
                "name": "Przyjęcie", "language": "pl",
                "body": "Dzień dobry {{customer.firstName}}, reklamację {{complaint.reference}} rozpatrzymy do {{complaint.answerDueAt}}.",
            ])
            #expect(template.status == .created)
            let templateId = try #require(template.json["id"] as? String)
            let preview = try await s.api(.get, "/api/v1/complaints/\(first)/templates/\(templateId)")
            #expect(preview.json["body"] as? String == "Dzień dobry Jan, reklamację \(first) rozpatrzymy do 16 lis 2026.",
                    "\(preview.text)")
            let browser = try await s.client.signIn("agent@sklep.test")
            let page = try await s.client.execute(uri: "/panel/complaints/\(first)?template=\(templateId)", method: .get,
                                                  headers: [.cookie: browser.cookie])
            #expect(page.text.contains("Dzień dobry Jan, reklamację \(first)"))

            let bulk = try await s.api(.post, "/api/v1/complaints/assign", ["references": [first, second], "staffId": owner.id])
            #expect(bulk.json["assigned"] as? Int == 2)
            #expect(try await s.complaint(second)["assigneeId"] as? String == owner.id)
            let foreign = try await s.api(.post, "/api/v1/complaints/assign", ["references": [first], "staffId": "stf_nobody"])
            #expect(foreign.status == .unprocessableContent)
            try await s.app.expectReportRollupsMatchRecount(shop: s.shop.id)
        }
    }

    @Test("the customer writes back (waiting → in progress), priority and urgency, a refund tracked until paid")
    func customerSideAndMoney() async throws {
        try await TestApp.scenario(.sqlite) { s in
            _ = try await s.orderWithLink("Z-1")
            let filed = try await s.client.execute(
                uri: "/api/v1/public/shops/sklep/complaints", method: .post, headers: [.contentType: "application/json"],
                body: jsonBody(["orderExternalId": "Z-1", "email": "klient@example.com", "requestedRemedy": "refund"]))
            let reference = try #require(filed.json["reference"] as? String)
            let token = ReviewScenario.token(of: try #require(filed.json["statusUrl"] as? String))
            #expect(try await s.api(.post, "/api/v1/complaints/\(reference)/status", ["status": "waiting_for_customer"]).status == .ok)
            let written = try await s.customer(.post, token, "/complaint/messages", ["body": "Here is the receipt number 123."])
            #expect(written.status == .created)
            let after = try await s.complaint(reference)
            #expect(after["status"] as? String == "in_progress")
            #expect((after["messages"] as? [[String: Any]])?.last?["author"] as? String == "customer")
            #expect(try await s.customer(.post, token, "/complaint/messages", ["body": ""]).status == .unprocessableContent)

            let urgent = try await s.api(.post, "/api/v1/complaints/\(reference)/priority", ["priority": "high", "urgent": true])
            #expect(urgent.json["priority"] as? String == "high" && urgent.json["urgent"] as? Bool == true)
            #expect(try await s.api(.post, "/api/v1/complaints/\(reference)/priority", ["priority": "extreme"]).status
                    == .unprocessableContent)
            let queue = try await s.api(.get, "/api/v1/complaints?urgent=true&priority=high")
            #expect((queue.json["items"] as? [[String: Any]])?.count == 1)

            #expect(try await s.api(.post, "/api/v1/complaints/\(reference)/refunded").status == .conflict, "nothing decided yet")
            let decided = try await s.api(.post, "/api/v1/complaints/\(reference)/decision", ["outcome": "accepted", "remedy": "refund"])
            #expect(decided.status == .created)
            #expect(decided.json["refundDueAt"] != nil)
            try await s.advance("P15D")
            #expect(try await s.complaint(reference)["refundOverdue"] as? Bool == true)
            let paid = try await s.api(.post, "/api/v1/complaints/\(reference)/refunded")
            #expect(paid.status == .ok && paid.json["refundOverdue"] as? Bool == false)
            try await s.app.expectReportRollupsMatchRecount(shop: s.shop.id)
        }
    }

    @Test("another jurisdiction: a 30-day term and a six-day week, set per shop; bad settings are refused")
    func jurisdiction() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let defaults = try await s.api(.get, "/api/v1/shop/complaint-settings")
            #expect(defaults.json["termDays"] as? Int == 14 && defaults.json["nationalHolidays"] as? String == "pl")
            let bad = try await s.api(.put, "/api/v1/shop/complaint-settings",
                                      ["termDays": 0, "workingWeekdays": [9], "opensAt": "18:00", "closesAt": "08:00"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("termDays") && bad.text.contains("workingWeekdays") && bad.text.contains("closesAt"))
            let saved = try await s.api(.put, "/api/v1/shop/complaint-settings", [
                "termDays": 30, "workingWeekdays": [2, 3, 4, 5, 6, 7], "opensAt": "08:00", "closesAt": "20:00",
                "nationalHolidays": "none", "extraHolidays": ["2026-12-31"],
            ])
            #expect(saved.status == .ok, "\(saved.text)")
            let filed = try await s.fileComplaint("J-1")
            // Received 2 November 2026 10:00 Warsaw: the 30th day is 2 December; due at its end.
            #expect(filed["answerDueAt"] as? String == "2026-12-02T23:00:00Z")
            #expect(LegalClock.warningDays(forTerm: 30) == [15, 21, 25])
            let reference = try #require(filed["reference"] as? String)
            try await s.advance("P14DT23H")
            #expect(try await s.complaint(reference)["legalState"] as? String == "open", "not deemed at day 14 any more")
            let warnings = try s.mailSubjects().filter { $0.hasPrefix("[\(reference)]") && $0.contains("czeka") }
            #expect(warnings.count == 1 && warnings[0].contains("Reklamacja czeka na odpowiedź"), "day 15 of 30: \(warnings)")
        }
    }
}
