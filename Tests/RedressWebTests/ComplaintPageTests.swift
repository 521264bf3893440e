import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

@Suite("C1, C7, C8 complaint pages")
struct ComplaintPageTests {
    /// A browser-like visitor: the anonymous CSRF cookie and the form's hidden field.
    func anonymousForm(_ s: ReviewScenario, _ path: String) async throws -> (cookie: String, csrf: String, html: String) {
        let page = try await s.client.execute(uri: path, method: .get)
        #expect(page.status == .ok, "\(path): \(page.status)")
        let cookie = try #require(cookieValue(page, SessionCookie.csrf))
        return ("\(SessionCookie.csrf)=\(cookie)", try #require(hiddenCSRF(in: page.text)), page.text)
    }

    func post(_ s: ReviewScenario, _ path: String, cookie: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let body = fields.map { "\($0.0.formEncoded)=\($0.1.formEncoded)" }.joined(separator: "&")
        return try await s.client.execute(uri: path, method: .post,
                                          headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                          body: ByteBuffer(string: body))
    }

    // Both engines: the survey's average was a NUMERIC on PostgreSQL that the queue page could not read (issue 18).
    @Test("a customer files through the form and follows it; staff reply and decide in the panel",
          arguments: Engine.available)
    func formQueueAndDecision(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            _ = try await s.orderWithLink("F-1", email: "Anna@Example.com")
            let (cookie, csrf, html) = try await anonymousForm(s, "/shops/sklep/complaint")
            #expect(html.contains(#"name="order""#) && html.contains(#"name="email""#))
            let wrong = try await post(s, "/shops/sklep/complaint", cookie: cookie,
                                       [("_csrf", csrf), ("step", "lookup"), ("order", "F-1"), ("email", "x@example.com")])
            let unknown = try await post(s, "/shops/sklep/complaint", cookie: cookie,
                                         [("_csrf", csrf), ("step", "lookup"), ("order", "NOPE"), ("email", "anna@example.com")])
            #expect(wrong.status == .notFound && unknown.status == .notFound)
            #expect(wrong.text.contains(#"id="not-found""#) && unknown.text.contains(#"id="not-found""#))
            let found = try await post(s, "/shops/sklep/complaint", cookie: cookie,
                                       [("_csrf", csrf), ("step", "lookup"), ("order", "F-1"), ("email", "anna@example.com")])
            #expect(found.status == .ok && found.text.contains(#"value="P-1""#) && found.text.contains("Kubek"))
            Snapshot.check(found.text, "complaint-form")
            let filed = try await post(s, "/shops/sklep/complaint", cookie: cookie, [
                ("_csrf", csrf), ("step", "file"), ("order", "F-1"), ("email", "anna@example.com"), ("item", "P-1"),
                ("quantity_P-1", "1"), ("claimType", "non_conformity"), ("category", "defective"),
                ("description", "Pęknięte ucho <script>x</script>"), ("requestedRemedy", "replacement"), ("partyType", "consumer"),
            ])
            #expect(filed.status == .ok, "\(filed.text)")
            #expect(filed.text.contains("RC-2026-000001") && filed.text.contains(#"id="filed""#))
            Snapshot.check(filed.text, "complaint-filed")
            let forged = try await post(s, "/shops/sklep/complaint", cookie: cookie, [("_csrf", "nope"), ("step", "lookup")])
            #expect(forged.status == .forbidden)

            // The status page by reference and e-mail.
            let (statusCookie, statusCSRF, _) = try await anonymousForm(s, "/complaints/status")
            let miss = try await post(s, "/complaints/status", cookie: statusCookie,
                                      [("_csrf", statusCSRF), ("reference", "RC-2026-000001"), ("email", "x@example.com")])
            #expect(miss.status == .notFound)
            let status = try await post(s, "/complaints/status", cookie: statusCookie,
                                        [("_csrf", statusCSRF), ("reference", "rc-2026-000001"), ("email", "ANNA@example.com")])
            #expect(status.status == .ok && status.text.contains(#"id="complaint-status""#))
            Snapshot.check(status.text, "complaint-status")

            // Staff: the queue, the case, a reply, a refused and an accepted decision.
            let agent = try await s.client.signIn("agent@sklep.test")
            let queue = try await s.client.execute(uri: "/panel/complaints", method: .get, headers: [.cookie: agent.cookie])
            #expect(queue.status == .ok && queue.text.contains("RC-2026-000001"))
            Snapshot.check(queue.text, "panel-complaints")
            let page = try await s.client.execute(uri: "/panel/complaints/RC-2026-000001", method: .get, headers: [.cookie: agent.cookie])
            #expect(page.status == .ok)
            #expect(page.text.contains("Pęknięte ucho &lt;script&gt;"), "escaped")
            Snapshot.check(page.text, "panel-complaint")
            let staffForm: HTTPFields = [.cookie: agent.cookie, .contentType: "application/x-www-form-urlencoded"]
            let reply = try await s.client.execute(
                uri: "/panel/complaints/RC-2026-000001/reply", method: .post, headers: staffForm,
                body: ByteBuffer(string: "_csrf=\(agent.csrf)&body=\("Prosimy o zdjęcie.".formEncoded)"))
            #expect(reply.status == .seeOther)
            // Issue 17: the page says what happened; an unknown value says nothing.
            let back = try #require(reply.headers[.location])
            #expect(back == "/panel/complaints/RC-2026-000001?done=reply")
            let said = try await s.client.execute(uri: back, method: .get, headers: [.cookie: agent.cookie])
            #expect(said.text.contains(#"role="status" id="done">Sent to the customer.</p>"#))
            let forgedDone = try await s.client.execute(uri: "/panel/complaints/RC-2026-000001?done=%3Cscript%3E", method: .get,
                                                    headers: [.cookie: agent.cookie])
            #expect(forgedDone.status == .ok && !forgedDone.text.contains(#"id="done""#))
            let rejectBare = try await s.client.execute(
                uri: "/panel/complaints/RC-2026-000001/decision", method: .post, headers: staffForm,
                body: ByteBuffer(string: "_csrf=\(agent.csrf)&outcome=rejected&remedy=repair&reason="))
            #expect(rejectBare.status == .unprocessableContent && rejectBare.text.contains("reason"))
            Snapshot.check(rejectBare.text, "panel-complaint-decision-errors")
            // Issue 17: the form first shows the exact letter and sends nothing; a remedy other than the one
            // requested is flagged as a partial acceptance; only "Send" on the preview sends.
            let preview = try await s.client.execute(
                uri: "/panel/complaints/RC-2026-000001/decision", method: .post, headers: staffForm,
                body: ByteBuffer(string: "_csrf=\(agent.csrf)&outcome=accepted&remedy=price_reduction&amount=20&step=preview"))
            #expect(preview.status == .ok && preview.text.contains(#"id="letter-preview""#))
            #expect(preview.text.contains(#"id="decision-warnings""#), "price reduction instead of the request")
            #expect(preview.text.contains(#"id="send-decision""#) && !preview.text.contains(#"id="decision""#))
            #expect(preview.text.contains(#"value="accepted" required checked"#), "the draft is kept")
            Snapshot.check(preview.text, "panel-complaint-decision-preview")
            let fresh = try await s.client.execute(uri: "/panel/complaints/RC-2026-000001", method: .get, headers: [.cookie: agent.cookie])
            #expect(!fresh.text.contains(" checked"), "no outcome is chosen for staff")
            #expect(!fresh.text.contains(#"id="send-decision""#), "no sending without a preview")
            let accept = try await s.client.execute(
                uri: "/panel/complaints/RC-2026-000001/decision", method: .post, headers: staffForm,
                body: ByteBuffer(string: "_csrf=\(agent.csrf)&outcome=accepted&remedy=replacement&step=send"))
            #expect(accept.status == .seeOther)
            let answered = try await s.client.execute(uri: "/panel/complaints/RC-2026-000001", method: .get, headers: [.cookie: agent.cookie])
            #expect(answered.text.contains(#"id="answered""#) && answered.text.contains("chip-answered"),
                    "answered at once, before the mail left")
            #expect(answered.text.contains(#"id="letter-text""#), "the letter inline")
            try await s.advance("PT1M")
            let decided = try await s.client.execute(uri: "/panel/complaints/RC-2026-000001", method: .get, headers: [.cookie: agent.cookie])
            #expect(decided.text.contains(#"id="decision""#) && decided.text.contains("/letter"))
            Snapshot.check(decided.text, "panel-complaint-decided")
            let after = try await post(s, "/complaints/status", cookie: statusCookie,
                                       [("_csrf", statusCSRF), ("reference", "RC-2026-000001"), ("email", "anna@example.com")])
            #expect(after.text.contains("uznana") && after.text.contains("Prosimy o zdjęcie."))
            Snapshot.check(after.text, "complaint-status-decided")
            // The customer writes back from the status page; staff see it in the thread.
            let wrote = try await post(s, "/complaints/reply", cookie: statusCookie, [
                ("_csrf", statusCSRF), ("reference", "RC-2026-000001"), ("email", "anna@example.com"),
                ("body", "Dziękuję, czekam na nowy kubek."),
            ])
            #expect(wrote.status == .ok && wrote.text.contains("Dziękuję, czekam na nowy kubek."))
            let staffView = try await s.client.execute(uri: "/panel/complaints/RC-2026-000001", method: .get,
                                                       headers: [.cookie: agent.cookie])
            #expect(staffView.text.contains("Dziękuję, czekam na nowy kubek."))
            // C9: closing sends one survey; the customer answers once on the status page; staff see it.
            #expect(try await s.api(.post, "/api/v1/complaints/RC-2026-000001/status", ["status": "closed"]).status == .ok)
            try await s.advance("PT1M")
            #expect(try s.mailSubjects().filter { $0.contains("Jak oceniasz obsługę reklamacji") }.count == 1)
            let closed = try await post(s, "/complaints/status", cookie: statusCookie,
                                        [("_csrf", statusCSRF), ("reference", "RC-2026-000001"), ("email", "anna@example.com")])
            #expect(closed.text.contains(#"id="survey""#))
            let rated = try await post(s, "/complaints/survey", cookie: statusCookie, [
                ("_csrf", statusCSRF), ("reference", "RC-2026-000001"), ("email", "anna@example.com"), ("rating", "4"),
                ("comment", "Szybko"),
            ])
            #expect(rated.status == .ok && rated.text.contains(#"id="survey-thanks""#) && !rated.text.contains(#"id="survey""#))
            let twice = try await post(s, "/complaints/survey", cookie: statusCookie, [
                ("_csrf", statusCSRF), ("reference", "RC-2026-000001"), ("email", "anna@example.com"), ("rating", "1"),
            ])
            #expect(twice.status == .conflict)
            #expect(try await s.api(.post, "/api/v1/complaints/RC-2026-000001/status", ["status": "in_progress"]).status == .ok)
            #expect(try await s.api(.post, "/api/v1/complaints/RC-2026-000001/status", ["status": "closed"]).status == .ok)
            try await s.advance("PT1M")
            #expect(try s.mailSubjects().filter { $0.contains("Jak oceniasz obsługę reklamacji") }.count == 1, "one survey only")
            let queueAfter = try await s.client.execute(uri: "/panel/complaints?status=closed", method: .get,
                                                        headers: [.cookie: agent.cookie])
            #expect(queueAfter.text.contains(#"id="satisfaction""#) && (queueAfter.text.contains("4.0/5") || queueAfter.text.contains("4,0/5")))
            let viewer = try await s.client.signIn("viewer@sklep.test")
            let denied = try await s.client.execute(
                uri: "/panel/complaints/RC-2026-000001/note", method: .post,
                headers: [.cookie: viewer.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(viewer.csrf)&body=x"))
            #expect(denied.status == .forbidden)
        }
    }

    @Test("staff enter a complaint received by phone with its real receipt time; mistakes keep what was typed")
    func staffEntry() async throws {
        try await TestApp.scenario(.sqlite) { s in
            _ = try await s.orderWithLink("P-9", email: "tel@example.com")
            let agent = try await s.client.signIn("agent@sklep.test")
            let form: HTTPFields = [.cookie: agent.cookie, .contentType: "application/x-www-form-urlencoded"]
            let page = try await s.client.execute(uri: "/panel/complaints/new", method: .get, headers: [.cookie: agent.cookie])
            #expect(page.status == .ok && page.text.contains(#"type="datetime-local""#))
            let bad = try await s.client.execute(
                uri: "/panel/complaints/new", method: .post, headers: form,
                body: ByteBuffer(string: "_csrf=\(agent.csrf)&channel=phone&email=not-an-address&name=Ola&description=Dzwoni%C5%82a"))
            #expect(bad.status == .unprocessableContent && bad.text.contains("email"))
            #expect(bad.text.contains(#"value="not-an-address""#) && bad.text.contains("Dzwoniła"))
            let made = try await s.client.execute(
                uri: "/panel/complaints/new", method: .post, headers: form,
                body: ByteBuffer(string: "_csrf=\(agent.csrf)&channel=letter&order=P-9&receivedAt=2026-10-30T15%3A30&category=wrong_item&description=List"))
            #expect(made.status == .seeOther)
            #expect(made.headers[.location] == "/panel/complaints/RC-2026-000001")
            let detail = try await s.complaint("RC-2026-000001")
            #expect(detail["channel"] as? String == "letter" && detail["receivedAt"] as? String == "2026-10-30T14:30:00Z")
            #expect(detail["answerDueAt"] as? String == "2026-11-13T23:00:00Z")
            let viewer = try await s.client.signIn("viewer@sklep.test")
            #expect(try await s.client.execute(uri: "/panel/complaints/new", method: .get, headers: [.cookie: viewer.cookie]).status
                    == .forbidden)
        }
    }

    @Test("the queue's filters and bulk assignment in the panel")
    func queueFiltersAndBulkAssignment() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let a = try #require(try await s.fileComplaint("Q-1", body: ["category": "defective"])["reference"] as? String)
            let b = try #require(try await s.fileComplaint("Q-2", body: ["category": "wrong_item"])["reference"] as? String)
            try await s.advance("P3D")
            let c = try #require(try await s.fileComplaint("Q-3", body: ["category": "defective"])["reference"] as? String)
            #expect(try await s.api(.post, "/api/v1/complaints/\(c)/priority", ["priority": "high", "urgent": true]).status == .ok)
            let agent = try await s.client.signIn("agent@sklep.test")
            func queue(_ query: String) async throws -> String {
                let page = try await s.client.execute(uri: "/panel/complaints\(query)", method: .get, headers: [.cookie: agent.cookie])
                #expect(page.status == .ok, "\(query): \(page.status)")
                return page.text
            }
            var page = try await queue("?category=defective")
            #expect(page.contains(a) && page.contains(c) && !page.contains(b))
            page = try await queue("?priority=high&urgent=true")
            #expect(page.contains(c) && !page.contains(a))
            page = try await queue("?dueBefore=2026-11-17")
            #expect(page.contains(a) && page.contains(b) && !page.contains(c), "due 16 Nov vs 19 Nov")
            page = try await queue("?status=&category=&assignee=&priority=&dueBefore=&q=")
            #expect(page.contains(a) && page.contains(b) && page.contains(c), "empty filters mean all")
            #expect(page.contains(#"name="ref""#))

            let staff = try await StaffStore().list(shop: ShopID(s.shop.id), on: s.app.services.database.sql)
            let owner = try #require(staff.first { $0.email == "owner@sklep.test" })
            let assigned = try await s.client.execute(
                uri: "/panel/complaints/assign", method: .post,
                headers: [.cookie: agent.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(agent.csrf)&ref=\(a)&ref=\(c)&staffId=\(owner.id)&back=%2Fpanel%2Fcomplaints%3Fcategory%3Ddefective"))
            #expect(assigned.status == .seeOther && assigned.headers[.location] == "/panel/complaints?category=defective")
            #expect(try await s.complaint(a)["assigneeId"] as? String == owner.id)
            #expect(try await s.complaint(c)["assigneeId"] as? String == owner.id)
            page = try await queue("?assignee=\(owner.id)")
            #expect(page.contains(a) && page.contains(c) && !page.contains(b))
            let viewer = try await s.client.signIn("viewer@sklep.test")
            let viewed = try await s.client.execute(uri: "/panel/complaints", method: .get, headers: [.cookie: viewer.cookie])
            #expect(!viewed.text.contains(#"name="ref""#), "viewers get no bulk controls")
        }
    }

    @Test("look-ups that find nothing are throttled per address: references and orders cannot be guessed in bulk")
    func lookupThrottle() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let (cookie, csrf, _) = try await anonymousForm(s, "/complaints/status")
            for number in 1...10 {
                let miss = try await post(s, "/complaints/status", cookie: cookie,
                                          [("_csrf", csrf), ("reference", String(format: "RC-2026-%06d", number)),
                                           ("email", "guess@example.com")])
                #expect(miss.status == .notFound)
            }
            let blocked = try await post(s, "/complaints/status", cookie: cookie,
                                         [("_csrf", csrf), ("reference", "RC-2026-000011"), ("email", "guess@example.com")])
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] != nil)
            let api = try await s.client.execute(
                uri: "/api/v1/public/shops/sklep/complaints", method: .post, headers: [.contentType: "application/json"],
                body: jsonBody(["orderExternalId": "X", "email": "guess@example.com"]))
            #expect(api.status == .tooManyRequests, "the same budget covers the form and the API")
            try await s.advance("PT16M")
            let again = try await post(s, "/complaints/status", cookie: cookie,
                                       [("_csrf", csrf), ("reference", "RC-2026-000012"), ("email", "guess@example.com")])
            #expect(again.status == .notFound, "the window passed")
        }
    }

    @Test("the owner's complaint settings page: calendar, templates and round-robin; agents may not")
    func settingsPage() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let owner = try await s.client.signIn("owner@sklep.test")
            let page = try await s.client.execute(uri: "/panel/settings/complaints", method: .get, headers: [.cookie: owner.cookie])
            #expect(page.status == .ok && page.text.contains(#"value="14""#) && page.text.contains("{{customer.firstName}}"))
            let form: HTTPFields = [.cookie: owner.cookie, .contentType: "application/x-www-form-urlencoded"]
            func post(_ part: String, _ body: String) async throws -> TestResponse {
                try await s.client.execute(uri: "/panel/settings/complaints/\(part)", method: .post, headers: form,
                                           body: ByteBuffer(string: "_csrf=\(owner.csrf)&" + body))
            }
            let bad = try await post("calendar", "termDays=0&weekday=2&opensAt=17%3A00&closesAt=09%3A00&nationalHolidays=pl")
            #expect(bad.status == .unprocessableContent && bad.text.contains("termDays") && bad.text.contains("closesAt"))
            let saved = try await post("calendar", "termDays=21&weekday=2&weekday=3&weekday=4&weekday=5&weekday=6&weekday=7"
                                       + "&opensAt=08%3A00&closesAt=16%3A00&nationalHolidays=none&extraHolidays=2026-12-31")
            #expect(saved.status == .ok && saved.text.contains(#"value="21""#))
            let settings = try await s.api(.get, "/api/v1/shop/complaint-settings")
            #expect(settings.json["termDays"] as? Int == 21 && settings.json["opensAt"] as? String == "08:00")
            #expect(settings.json["extraHolidays"] as? [String] == ["2026-12-31"])
            let unknown = try await post("templates", "name=X&language=pl&body=%7B%7Bcustomer.pesel%7D%7D")
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("customer.pesel"))
            let template = try await post("templates", "name=Hello&language=en&body=Hi+%7B%7Bcustomer.firstName%7D%7D")
            #expect(template.status == .ok && template.text.contains("Hi {{customer.firstName}}"))
            let staff = try await StaffStore().list(shop: ShopID(s.shop.id), on: s.app.services.database.sql)
            let agentId = try #require(staff.first { $0.email == "agent@sklep.test" }?.id)
            let available = try await post("availability", "staffId=\(agentId)&available=true&category=defective")
            #expect(available.status == .ok)
            let filed = try await s.fileComplaint("S-1", body: ["category": "defective"])
            #expect(try await s.complaint(try #require(filed["reference"] as? String))["assigneeId"] as? String == agentId)
            #expect(filed["answerDueAt"] as? String == "2026-11-23T23:00:00Z", "21 days from 2 November")
            let agent = try await s.client.signIn("agent@sklep.test")
            #expect(try await s.client.execute(uri: "/panel/settings/complaints", method: .get, headers: [.cookie: agent.cookie]).status
                    == .forbidden)
        }
    }
}
