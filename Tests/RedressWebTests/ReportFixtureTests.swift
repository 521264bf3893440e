import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import SQLKit
import Testing

/// Issue 8: report figures from fixture data, worked out by hand, on SQLite and PostgreSQL.
@Suite("Reports end to end")
struct ReportFixtureTests {
    static let warsaw = TimeZone(identifier: "Europe/Warsaw")!

    static func local(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = warsaw
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    struct Fixture {
        var id: String
        var received: String
        var email: String
        var category: String
        var claimType: String
        var remedy: String?
        var orderId: String?
        var items: [(String, String)] = []
        var firstResponse: String?
        var closed: String?
        var decision: (outcome: String, remedy: String?, sent: String)?
        var legalState = "open"
        var refundDue: String?
        var surveySent: String?
        var surveyRating: Int?
        var assignee: String?
        var reopened = 0
        var replies = 0
        var mergedInto: String?
    }

    /// Complaints of October 2026 in Warsaw (summer time ends on the 25th); the comments carry the arithmetic that
    /// the expectations below repeat. Business hours: Monday to Friday 9–17.
    static func october(agent: String, owner: String) -> [Fixture] {
        [
            // Thu 10:00 → reply 14:00 (4 h, 4 business h); letter on day 1; closed Mon 10:00: 96 h, 7 + 8 + 1 = 16 business h.
            Fixture(id: "c1", received: "2026-10-01 10:00", email: "anna@example.com", category: "defective",
                    claimType: "non_conformity", remedy: "refund", orderId: "O1", items: [("P-1", "Kubek żółty")],
                    firstResponse: "2026-10-01 14:00", closed: "2026-10-05 10:00",
                    decision: ("accepted", "refund", "2026-10-02 12:00"), legalState: "answered",
                    refundDue: "2026-10-16 12:00", surveySent: "2026-10-05 10:00", surveyRating: 5, assignee: agent,
                    replies: 1),
            // Fri 16:00 → Mon 10:00: 66 h, 1 + 1 = 2 business h; rejected on day 3 (the only contact: first-contact
            // resolution); closed Tue 09:00: 89 h, 1 + 8 = 9 business h. Same customer as c1.
            Fixture(id: "c2", received: "2026-10-02 16:00", email: "ANNA@example.com", category: "damaged_in_transit",
                    claimType: "non_conformity", remedy: "replacement", orderId: "O2", items: [("P-2", "Talerz")],
                    firstResponse: "2026-10-05 10:00", closed: "2026-10-06 09:00",
                    decision: ("rejected", nil, "2026-10-05 10:00"), legalState: "answered",
                    surveySent: "2026-10-06 09:00", surveyRating: 2, assignee: agent),
            // Never answered: deemed accepted. The same order line as c1.
            Fixture(id: "c3", received: "2026-10-14 09:00", email: "bartek@example.com", category: "defective",
                    claimType: "guarantee", remedy: "repair", orderId: "O1", items: [("P-1", "Kubek żółty")],
                    legalState: "deemed_accepted", assignee: owner),
            // Mon (winter time) 08:00 → 10:30: 2.5 h, 1.5 business h; partial on day 1; reopened once and closed
            // Tue 13:00: 29 h, 8 + 4 = 12 business h.
            Fixture(id: "c4", received: "2026-10-26 08:00", email: "celina@example.com", category: "wrong_item",
                    claimType: "non_conformity", remedy: "refund", orderId: "O3", items: [("P-3", "Φλιτζάνι")],
                    firstResponse: "2026-10-26 10:30", closed: "2026-10-27 13:00",
                    decision: ("partially_accepted", "price_reduction", "2026-10-27 12:00"), legalState: "answered",
                    surveySent: "2026-10-27 13:00", reopened: 1, replies: 1),
            Fixture(id: "c5", received: "2026-10-31 12:00", email: "dorota@example.com", category: "defective",
                    claimType: "other", remedy: nil, assignee: owner),
            // A duplicate merged into c5: never counted.
            Fixture(id: "c6", received: "2026-10-31 11:00", email: "dorota@example.com", category: "defective",
                    claimType: "other", remedy: "refund", orderId: "O4", items: [("P-1", "kubek żółty")],
                    mergedInto: "c5"),
            // 00:30 on 1 November in Warsaw (still 31 October in UTC): outside October.
            Fixture(id: "c7", received: "2026-11-01 00:30", email: "anna@example.com", category: "other",
                    claimType: "other", remedy: nil),
            // The period before (31 August – 30 September): one complaint answered in 2 hours.
            Fixture(id: "c8", received: "2026-09-15 10:00", email: "ewa@example.com", category: "defective",
                    claimType: "non_conformity", remedy: "repair", firstResponse: "2026-09-15 12:00",
                    decision: ("accepted", "repair", "2026-09-16 10:00"), legalState: "answered"),
        ]
    }

    static func insert(_ fixtures: [Fixture], shop: String, on sql: DatabaseSession) async throws {
        let store = ComplaintStore()
        for (number, fixture) in fixtures.enumerated() {
            let received = local(fixture.received)
            var record = ComplaintRecord(
                id: "\(shop)-\(fixture.id)", shopId: shop, reference: "RC-2026-\(String(format: "%06d", number + 1))",
                orderId: fixture.orderId.map { "\(shop)-\($0)" }, orderExternalId: fixture.orderId,
                email: fixture.email, customerName: "Klient", locale: "pl", claimType: fixture.claimType,
                category: fixture.category, description: "Opis", requestedRemedy: fixture.remedy, partyType: .consumer,
                channel: "web", receivedAt: received, answerDueAt: received.addingTimeInterval(14 * 86_400), now: received)
            record.emailNormalized = fixture.email.lowercased()
            record.firstResponseAt = fixture.firstResponse.map(local)
            record.closedAt = fixture.closed.map(local)
            record.status = fixture.closed == nil ? .inProgress : .closed
            record.legalState = try #require(LegalState(rawValue: fixture.legalState))
            record.refundDueAt = fixture.refundDue.map(local)
            record.surveySentAt = fixture.surveySent.map(local)
            record.surveyRating = fixture.surveyRating
            record.assigneeId = fixture.assignee
            record.reopenedCount = fixture.reopened
            record.replyCount = fixture.replies
            record.mergedInto = fixture.mergedInto.map { "\(shop)-\($0)" }
            if let decision = fixture.decision {
                let id = "\(record.id)-d"
                try await store.addDecision(ComplaintDecisionRecord(
                    id: id, complaintId: record.id, shopId: shop, outcome: decision.outcome, remedy: decision.remedy,
                    amount: nil, reason: decision.outcome == "rejected" ? "Uszkodzenie z winy klienta" : nil,
                    adrStatement: nil, letterSubject: "Decyzja", letterText: "…", letterSha256: "0", outboxId: "none",
                    staffId: nil, createdAt: local(decision.sent), sentAt: local(decision.sent)), on: sql)
                record.decisionId = id
                record.decidedAt = local(decision.sent)
                record.decisionSentAt = local(decision.sent)
            }
            try await store.insert(record, items: fixture.items.enumerated().map { index, item in
                ComplaintItemRecord(id: "\(record.id)-i\(index)", complaintId: record.id, productId: item.0,
                                    name: item.1, quantity: 1)
            }, on: sql)
            // Replies count; internal notes and the customer's messages do not.
            let messages = Array(repeating: ("shop", false), count: fixture.replies) + [("shop", true), ("customer", false)]
            for (index, message) in messages.enumerated() {
                try await store.addMessage(ComplaintMessageRecord(
                    id: "\(record.id)-m\(index)", complaintId: record.id, shopId: shop, author: message.0, staffId: nil,
                    staffName: nil, body: "…", isInternal: message.1, createdAt: received.addingTimeInterval(60)), on: sql)
            }
        }
    }

    static func staffIDs(_ app: TestApp, shop: SeededShop) async throws -> (agent: String, owner: String) {
        let staff = try await StaffStore().list(shop: ShopID(shop.id), on: app.services.database.sql)
        return (try #require(staff.first { $0.role == "agent" }?.id), try #require(staff.first { $0.role == "owner" }?.id))
    }

    @Test("complaints: every figure of October against hand-computed values; only the caller's shop counts",
          arguments: Engine.available)
    func complaints(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let sql = s.app.services.database.sql
            let staff = try await Self.staffIDs(s.app, shop: s.shop)
            try await Self.insert(Self.october(agent: staff.agent, owner: staff.owner), shop: s.shop.id, on: sql)
            let other = try await s.client.createShop("inny")
            try await Self.insert([Fixture(id: "x1", received: "2026-10-10 10:00", email: "anna@example.com",
                                           category: "defective", claimType: "other", remedy: "refund", orderId: "O1",
                                           items: [("P-1", "Obcy produkt")], legalState: "deemed_accepted")],
                                  shop: other.id, on: sql)

            let response = try await s.api(.get, "/api/v1/reports/complaints?from=2026-10-01&to=2026-10-31&groupBy=week")
            #expect(response.status == .ok, "\(response.text)")
            let json = response.json
            let period = try #require(json["period"] as? [String: Any])
            #expect(period["from"] as? String == "2026-10-01" && period["days"] as? Int == 31)
            #expect((json["previousPeriod"] as? [String: Any])?["from"] as? String == "2026-08-31")
            let report = try #require(json["report"] as? [String: Any])
            #expect(report["received"] as? Int == 5)
            func spread(_ path: String, _ kind: String) -> [Double?] {
                let value = (report[path] as? [String: Any])?[kind] as? [String: Any]
                return [value?["median"] as? Double, value?["p90"] as? Double]
            }
            #expect(spread("firstResponse", "calendarHours") == [4, 66])
            #expect(spread("firstResponse", "businessHours") == [2, 4])
            #expect(spread("resolution", "calendarHours") == [89, 96])
            #expect(spread("resolution", "businessHours") == [12, 16])
            let outcomes = try #require(report["outcomes"] as? [String: Any])
            #expect(outcomes["decided"] as? Int == 3)
            for name in ["accepted", "partiallyAccepted", "rejected"] {
                #expect((outcomes[name] as? [String: Any])?["count"] as? Int == 1, "\(name)")
                #expect((outcomes[name] as? [String: Any])?["percent"] as? Double == 33.3, "\(name)")
            }
            let answering = try #require(report["answering"] as? [String: Any])
            let days = (answering["days"] as? [[String: Any]] ?? []).map { $0["count"] as? Int ?? -1 }
            #expect(days == [0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            #expect(answering["late"] as? Int == 0 && answering["deemedAccepted"] as? Int == 1)
            #expect((report["firstContactResolution"] as? [String: Any])?["count"] as? Int == 1)
            #expect((report["firstContactResolution"] as? [String: Any])?["of"] as? Int == 3)
            #expect((report["reopened"] as? [String: Any])?["percent"] as? Double == 33.3)
            let repeats = try #require(report["repeats"] as? [String: Any])
            #expect(repeats["customers"] as? Int == 1 && repeats["orderLines"] as? Int == 1)
            func breakdown(_ name: String) -> [String] {
                (report[name] as? [[String: Any]] ?? []).map { "\($0["label"] as? String ?? "?")=\($0["count"] as? Int ?? -1)" }
            }
            #expect(breakdown("byCategory") == ["defective=3", "damaged_in_transit=1", "wrong_item=1"])
            #expect(breakdown("byClaimType") == ["non_conformity=3", "guarantee=1", "other=1"])
            #expect(breakdown("byProduct") == ["Kubek żółty=2", "Talerz=1", "Φλιτζάνι=1"])
            let remedies = (report["remedies"] as? [[String: Any]] ?? []).map {
                "\($0["remedy"] as? String ?? "?") \($0["requested"] as? Int ?? -1)/\($0["granted"] as? Int ?? -1)"
            }
            #expect(remedies == ["repair 1/0", "replacement 1/0", "price_reduction 0/1", "refund 2/1"])
            #expect((report["refunds"] as? [String: Any])?["decided"] as? Int == 1)
            #expect((report["refunds"] as? [String: Any])?["overdue"] as? Int == 1)
            let survey = try #require(report["survey"] as? [String: Any])
            #expect(survey["average"] as? Double == 3.5 && survey["sent"] as? Int == 3)
            #expect((survey["responses"] as? [String: Any])?["percent"] as? Double == 66.7)
            #expect((survey["satisfied"] as? [String: Any])?["percent"] as? Double == 50)
            let previous = try #require(json["previous"] as? [String: Any])
            #expect(previous["received"] as? Int == 1)
            #expect(((previous["firstResponse"] as? [String: Any])?["calendarHours"] as? [String: Any])?["median"] as? Double == 2)
            let weeks = (json["groups"] as? [[String: Any]] ?? []).map {
                "\($0["key"] as? String ?? "?")=\($0["received"] as? Int ?? -1)/\($0["deemedAccepted"] as? Int ?? -1)"
            }
            #expect(weeks == ["2026-W40=2/0", "2026-W41=0/0", "2026-W42=1/1", "2026-W43=0/0", "2026-W44=2/0"])

            // The monthly table shops keep.
            let month = try #require((try await s.api(.get, "/api/v1/reports/complaints?from=2026-10-01&to=2026-10-31")
                .json["groups"] as? [[String: Any]])?.first)
            #expect(month["key"] as? String == "2026-10" && month["received"] as? Int == 5)
            #expect(month["averageFirstResponseHours"] as? Double == 24.17)
            #expect(month["firstContactResolutionPercent"] as? Double == 33.3)
            #expect(month["satisfiedPercent"] as? Double == 50 && month["deemedAccepted"] as? Int == 1)

            // Per agent, named; unassigned ones together.
            let agents = try #require(try await s.api(.get, "/api/v1/reports/complaints?from=2026-10-01&to=2026-10-31&groupBy=agent")
                .json["groups"] as? [[String: Any]])
            let agent = try #require(agents.first { $0["key"] as? String == staff.agent })
            #expect(agent["label"] as? String == "Agent of sklep" && agent["received"] as? Int == 2)
            #expect(agent["firstResponseMedianHours"] as? Double == 35 && agent["decisions"] as? Int == 2)
            #expect(agent["satisfaction"] as? Double == 3.5)
            let nobody = try #require(agents.first { $0["key"] as? String == "" })
            #expect(nobody["received"] as? Int == 1 && nobody["firstResponseMedianHours"] as? Double == 2.5)

            // A viewer reads the same figures; the other shop's key sees only its own complaint.
            let viewer = try await s.client.signIn("viewer@sklep.test")
            let asViewer = try await s.client.execute(
                uri: "/api/v1/reports/complaints?from=2026-10-01&to=2026-10-31", method: .get,
                headers: [.cookie: viewer.cookie])
            #expect(asViewer.status == .ok && (asViewer.json["report"] as? [String: Any])?["received"] as? Int == 5)
            let foreign = try await s.api(.get, "/api/v1/reports/complaints?from=2026-10-01&to=2026-10-31&groupBy=product",
                                          key: other.apiKey)
            #expect((foreign.json["report"] as? [String: Any])?["received"] as? Int == 1)
            #expect((foreign.json["groups"] as? [[String: Any]])?.map { $0["label"] as? String } == ["Obcy produkt"])
            let anonymous = try await s.client.execute(uri: "/api/v1/reports/complaints", method: .get)
            #expect(anonymous.status == .unauthorized)
            for query in ["groupBy=year", "from=2026-02-30", "from=2026-10-31&to=2026-10-01", "preset=week"] {
                let bad = try await s.api(.get, "/api/v1/reports/complaints?\(query)")
                #expect(bad.status == .unprocessableContent, "\(query): \(bad.text)")
            }
            // The daily roll-ups the report read equal a recount from the rows, in both shops…
            try await s.app.expectReportRollupsMatchRecount(shop: s.shop.id)
            try await s.app.expectReportRollupsMatchRecount(shop: other.id)
            // …and after the shop moves to another time zone (complaints move to other local days).
            let owner = try await s.client.signIn("owner@sklep.test")
            let moved = try await s.client.execute(
                uri: "/api/v1/shop", method: .patch,
                headers: [.cookie: owner.cookie, .init("X-CSRF-Token")!: owner.csrf, .contentType: "application/json"],
                body: jsonBody(["timeZone": "America/New_York", "version": 1]))
            #expect(moved.status == .ok, "\(moved.text)")
            // The days move in steps of timed work: until they ran, the kept days are those of Warsaw.
            let pending = try await ReportRollupStore().verify(shop: ShopID(s.shop.id), on: sql).differences
            #expect(!pending.isEmpty)
            try await s.advance("PT1S")
            try await s.app.expectReportRollupsMatchRecount(shop: s.shop.id)
            let zones = try await sql.sqlDatabase.raw("""
                SELECT DISTINCT zone FROM report_contributions WHERE shop_id = \(bind: s.shop.id)
                """).all().map { try $0.decode(column: "zone", as: String.self) }
            #expect(zones == ["America/New_York"])
            let inNewYork = try await s.api(.get, "/api/v1/reports/complaints?from=2026-10-01&to=2026-10-31")
            // c7, received at 00:30 on 1 November in Warsaw, was still 31 October in New York.
            #expect((inNewYork.json["report"] as? [String: Any])?["received"] as? Int == 6)
            #expect((inNewYork.json["period"] as? [String: Any])?["timeZone"] as? String == "America/New_York")
            // The check can fail: a counter, a duration and a name changed by hand are each found; a rebuild mends them.
            try await sql.sqlDatabase.raw("""
                UPDATE report_daily_counts SET value = value + 1
                WHERE shop_id = \(bind: s.shop.id) AND metric = 'c.received' AND day = (
                  SELECT MIN(day) FROM report_daily_counts WHERE shop_id = \(bind: s.shop.id) AND metric = 'c.received')
                """).run()
            try await sql.sqlDatabase.raw("""
                UPDATE report_durations SET seconds = seconds + 1 WHERE subject_id = \(bind: s.shop.id + "-c1")
                """).run()
            try await sql.sqlDatabase.raw("UPDATE report_labels SET label = 'x' WHERE shop_id = \(bind: s.shop.id)").run()
            let tampered = try await ReportRollupStore().verify(shop: ShopID(s.shop.id), on: sql).differences
            #expect(tampered.contains { $0.hasPrefix("counter ") && $0.contains("|c.received: kept ") })
            #expect(tampered.contains { $0.hasPrefix("duration kept, not recounted: \(s.shop.id)-c1|") })
            #expect(tampered.contains { $0.hasPrefix("label c.product:") })
            // A migration that needs the roll-ups counted again only leaves a request; the next start (the
            // migrator) counts them with the running rules and forgets it.
            try await sql.sqlDatabase.raw("""
                INSERT INTO installation (key, value) VALUES ('reports.rollups_rebuild', 'pending')
                """).run()
            try await s.app.services.database.migrate()
            try await s.app.expectReportRollupsMatchRecount(shop: s.shop.id)
            let left = try await sql.sqlDatabase.raw("""
                SELECT COUNT(*) AS n FROM installation WHERE key = 'reports.rollups_rebuild'
                """).first()?.decode(column: "n", as: Int.self)
            #expect(left == 0)
        }
    }

    @Test("mediation: stars, holds, dialogs, replies, ratings before and after and publication routes from a real run",
          arguments: Engine.available)
    func mediation(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            // Monday 2 November, 10:00 in Warsaw: five reviews at once.
            var tokens: [String] = [], ids: [String] = []
            for (index, rating) in [5, 2, 1, 2, 3].enumerated() {
                let token = try await s.orderWithLink("R\(index + 1)")
                ids.append(try await s.review(token, rating: rating).id)
                tokens.append(try await s.mailedToken(order: "R\(index + 1)"))
            }
            // R5: the customer publishes at once.
            #expect(try await s.customer(.post, tokens[4], "/publish-now").status == .ok)
            // R3: the shop writes after 2 hours; the customer confirms resolved and withdraws after compensation.
            try await s.advance("PT2H")
            let dialog3 = try #require(try await s.api(.post, "/api/v1/reviews/\(ids[2])/dialog").json["dialogId"] as? String)
            #expect(try await s.api(.post, "/api/v1/dialogs/\(dialog3)/messages", ["body": "Przepraszamy, zwrócimy koszty."])
                .status == .created)
            #expect(try await s.customer(.post, tokens[2], "/resolved").status == .ok)
            #expect(try await s.customer(.post, tokens[2], "/withdraw", ["reason": "compensated"]).status == .ok)
            // R4: the shop writes after 6 hours; the customer raises the rating to 4, which resolves the dialog (R8).
            try await s.advance("PT4H")
            let dialog4 = try #require(try await s.api(.post, "/api/v1/reviews/\(ids[3])/dialog").json["dialogId"] as? String)
            #expect(try await s.api(.post, "/api/v1/dialogs/\(dialog4)/messages", ["body": "Wyślemy nowy kubek."])
                .status == .created)
            let edited = try await s.customer(.put, tokens[3], "/review", ["rating": 4, "title": "Ok", "body": "Wymienili kubek."])
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(try await s.api(.post, "/api/v1/dialogs/\(dialog4)/close").status == .ok)
            // Fifteen days on: R2 was published on day 7, R4 on day 14. Then R6 arrives and waits; the shop opens a
            // dialog without writing and closes it (not resolved by the customer).
            try await s.advance("P15D")
            let token6 = try await s.orderWithLink("R6")
            let review6 = try await s.review(token6, rating: 2)
            let dialog6 = try #require(try await s.api(.post, "/api/v1/reviews/\(review6.id)/dialog").json["dialogId"] as? String)
            #expect(try await s.api(.post, "/api/v1/dialogs/\(dialog6)/close").status == .ok)

            let response = try await s.api(.get, "/api/v1/reports/mediation?from=2026-11-01&to=2026-11-30&groupBy=week")
            #expect(response.status == .ok, "\(response.text)")
            let report = try #require(response.json["report"] as? [String: Any])
            #expect(report["reviews"] as? Int == 6)
            #expect((report["byStars"] as? [[String: Any]])?.map { $0["count"] as? Int } == [1, 2, 1, 1, 1])
            #expect((report["held"] as? [String: Any])?["count"] as? Int == 5)
            #expect((report["held"] as? [String: Any])?["percent"] as? Double == 83.3)
            #expect((report["dialogs"] as? [String: Any])?["count"] as? Int == 3)
            #expect((report["dialogs"] as? [String: Any])?["percent"] as? Double == 60)
            let reply = try #require(report["firstShopReplyHours"] as? [String: Any])
            #expect(reply["median"] as? Double == 4 && reply["p90"] as? Double == 6)
            #expect((report["resolvedByCustomer"] as? [String: Any])?["percent"] as? Double == 66.7)
            // Before: R3 1, R4 2, R6 2; now: R4 4 and R6 2 (R3 was withdrawn).
            #expect(report["ratingBefore"] as? Double == 1.67 && report["ratingAfter"] as? Double == 3)
            let profile = try #require(report["profile"] as? [String: Any])
            #expect(profile["changedAfterDialog"] as? Int == 1 && profile["withdrawn"] as? Int == 1)
            #expect(profile["withdrawnAfterCompensation"] as? Int == 1)
            // The same numbers as the public profile.
            let summary = try await s.summary()
            for key in ["changedAfterDialog", "withdrawn", "withdrawnAfterCompensation"] {
                #expect(summary[key] as? Int == profile[key] as? Int, "\(key)")
            }
            let publication = try #require(report["publication"] as? [String: Any])
            #expect(["day7", "day14", "publishNow", "stillHeld", "notPublished"].map { publication[$0] as? Int }
                    == [1, 1, 1, 1, 1])
            #expect((response.json["previous"] as? [String: Any])?["reviews"] as? Int == 0)
            let weeks = (response.json["groups"] as? [[String: Any]] ?? []).map {
                "\($0["key"] as? String ?? "?")=\($0["reviews"] as? Int ?? -1)/\($0["held"] as? Int ?? -1)/\($0["dialogs"] as? Int ?? -1)"
            }
            #expect(weeks == ["2026-W44=0/0/0", "2026-W45=5/4/2", "2026-W46=0/0/0", "2026-W47=1/1/1", "2026-W48=0/0/0",
                              "2026-W49=0/0/0"])
            let days = try #require(try await s.api(.get, "/api/v1/reports/mediation?from=2026-11-02&to=2026-11-02&groupBy=day")
                .json["groups"] as? [[String: Any]])
            #expect(days.count == 1 && days.first?["reviews"] as? Int == 5)
            let agents = try #require(try await s.api(.get, "/api/v1/reports/mediation?from=2026-11-01&to=2026-11-30&groupBy=agent")
                .json["groups"] as? [[String: Any]])
            #expect(agents.count == 1 && agents.first?["label"] as? String == "unassigned")
            #expect(agents.first?["dialogs"] as? Int == 3 && agents.first?["resolvedByCustomer"] as? Int == 2)
            let products = try #require(try await s.api(.get, "/api/v1/reports/mediation?from=2026-11-01&to=2026-11-30&groupBy=product")
                .json["groups"] as? [[String: Any]])
            #expect(products.first?["reviews"] as? Int == 6 && products.first?["averageRating"] as? Double == 2.83)
            try await s.expectCountersMatchRecount()
            let category = try await s.api(.get, "/api/v1/reports/mediation?groupBy=category")
            #expect(category.status == .unprocessableContent)
            #expect((category.json["errors"] as? [String: String])?["groupBy"]?.contains("no category") == true)
        }
    }
}
