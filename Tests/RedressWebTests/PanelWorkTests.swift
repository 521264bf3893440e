import Foundation
import Hummingbird
import HummingbirdTesting
import RedressApp
import RedressCore
import RedressPersistence
import RedressTestSupport
import Testing

/// Issue 17: a panel staff can work in all day — the home page of what is due, counts in the navigation, unread
/// markers, dialog assignees, the collision warning, quick replies and the global search.
@Suite("Issue 17: working a day in the panel")
struct PanelWorkTests {
    func page(_ s: ReviewScenario, _ uri: String, _ staff: StaffBrowser, language: String = "en") async throws -> TestResponse {
        try await s.client.execute(uri: uri, method: .get, headers: [.cookie: staff.cookie, .acceptLanguage: language])
    }

    func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// A review with an open dialog and a customer message in it.
    func dialogWithMessage(_ s: ReviewScenario, order: String, email: String) async throws -> (dialog: String, review: String, token: String) {
        var token = try await s.orderWithLink(order, email: email)
        let review = try await s.review(token, rating: 2)
        token = try await s.mailedToken(to: email, order: order)
        let dialog = try #require(try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog").json["dialogId"] as? String)
        try await s.advance("PT1M")
        #expect(try await s.customer(.post, token, "/messages", ["body": "Czekam na odpowiedź."]).status == .created)
        return (dialog, review.id, token)
    }

    @Test("the home page lists the work in its order: legal deadlines, the shop's turn, holds ending, unanswered; counts in the navigation",
          arguments: Engine.available)
    func homeOrder(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            // A held review without a dialog: its hold ends on day 7.
            let heldToken = try await s.orderWithLink("H-1", email: "held@example.com")
            _ = try await s.review(heldToken, rating: 1)
            let older = try #require(try await s.fileComplaint("C-1", email: "c1@example.com")["reference"] as? String)
            try await s.advance("P2D")
            let newer = try #require(try await s.fileComplaint("C-2", email: "c2@example.com")["reference"] as? String)
            let (dialog, _, _) = try await dialogWithMessage(s, order: "D-1", email: "d1@example.com")
            try await s.advance("P3D")
            let staff = try await s.client.signIn("agent@\(s.shop.slug).test")
            let home = try await page(s, "/panel", staff)
            #expect(home.status == .ok)
            let html = home.text
            let sections = ["work-complaints", "work-dialogs", "work-holds", "work-unanswered"].map { html.range(of: #"id="\#($0)""#)?.lowerBound }
            #expect(sections.allSatisfy { $0 != nil }, "every list is there")
            #expect(sections.compactMap { $0 } == sections.compactMap { $0 }.sorted(), "in the order of the legal weight")
            let first = try #require(html.range(of: older)), second = try #require(html.range(of: newer))
            #expect(first.lowerBound < second.lowerBound, "the nearer legal deadline first")
            #expect(html.contains("/panel/dialogs/\(dialog)"), "the dialog waiting for the shop")
            #expect(html.contains("H-1"), "the hold ending within 3 days")
            #expect(html.contains("(2 open complaints)") && html.contains("(2 dialogs waiting for the shop)"), "the dialog and the held review without one")
            #expect(html.contains("(1 unanswered customer messages)") && html.contains("(1 holds ending within 3 days)"))
            let polish = try await page(s, "/panel?lang=pl", staff)
            #expect(polish.text.contains("Reklamacje według terminu ustawowego") && polish.text.contains("otwarte reklamacje: 2"))
            // Signing in lands on the home page; /panel/overview is its old address.
            let old = try await page(s, "/panel/overview", staff)
            #expect(old.status == .seeOther && old.headers[.location] == "/panel")
        }
    }

    @Test("a customer message staff have not opened is marked in the lists until somebody opens the case",
          arguments: Engine.available)
    func unreadMarkers(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let (dialog, _, token) = try await dialogWithMessage(s, order: "U-1", email: "u1@example.com")
            let reference = try #require(try await s.fileComplaint("U-2", email: "u2@example.com")["reference"] as? String)
            let agent = try await s.client.signIn("agent@\(s.shop.slug).test")
            let owner = try await s.client.signIn("owner@\(s.shop.slug).test")
            #expect(try await page(s, "/panel/dialogs", agent).text.contains(#"class="row-link unread""#))
            #expect(try await page(s, "/panel/complaints", agent).text.contains(" unread\""), "a new complaint is unread")
            _ = try await page(s, "/panel/dialogs/\(dialog)", owner)
            _ = try await page(s, "/panel/complaints/\(reference)", owner)
            #expect(!(try await page(s, "/panel/dialogs", agent).text.contains(#"class="row-link unread""#)), "read for the whole shop")
            #expect(!(try await page(s, "/panel/complaints", agent).text.contains(" unread\"")))
            try await s.advance("PT1M")
            #expect(try await s.customer(.post, token, "/messages", ["body": "Jeszcze jedno."]).status == .created)
            #expect(try await page(s, "/panel/dialogs", agent).text.contains(#"class="row-link unread""#), "a new message marks it again")
        }
    }

    @Test("two agents on one dialog: the second is told who has it open, and a reply written after the other's is held back once",
          arguments: Engine.available)
    func collisionWarning(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let (dialog, _, _) = try await dialogWithMessage(s, order: "K-1", email: "k1@example.com")
            let agent = try await s.client.signIn("agent@\(s.shop.slug).test")
            let owner = try await s.client.signIn("owner@\(s.shop.slug).test")
            let agentPage = try await page(s, "/panel/dialogs/\(dialog)", agent)
            let drawn = try #require(hidden("drawn", in: agentPage.text))
            try await s.advance("PT1M")
            let ownerPage = try await page(s, "/panel/dialogs/\(dialog)", owner)
            #expect(ownerPage.text.contains(#"id="presence""#) && ownerPage.text.contains("Agent of sklep opened this case"))
            let sent = try await s.postForm("/panel/dialogs/\(dialog)/messages", cookie: owner.cookie, [
                ("_csrf", owner.csrf), ("body", "Odpowiedź właściciela."), ("drawn", try #require(hidden("drawn", in: ownerPage.text))),
            ])
            #expect(sent.status == .seeOther)
            try await s.advance("PT1M")
            let held = try await s.postForm("/panel/dialogs/\(dialog)/messages", cookie: agent.cookie, [
                ("_csrf", agent.csrf), ("body", "Odpowiedź agenta."), ("drawn", drawn),
            ])
            #expect(held.status == .conflict)
            #expect(held.text.contains(#"id="collision-warning""#) && held.text.contains("Owner of sklep replied to the customer"))
            #expect(held.text.contains("Odpowiedź agenta.</textarea>"), "the text is kept")
            #expect(held.text.contains("Odpowiedź właściciela."), "the other reply is shown")
            let thread = try await s.api(.get, "/api/v1/dialogs/\(dialog)")
            #expect(!thread.text.contains("Odpowiedź agenta."), "nothing was sent")
            let again = try await s.postForm("/panel/dialogs/\(dialog)/messages", cookie: agent.cookie, [
                ("_csrf", agent.csrf), ("body", "Odpowiedź agenta."), ("drawn", try #require(hidden("drawn", in: held.text))),
            ])
            #expect(again.status == .seeOther, "sent once the other reply was read")
            #expect(try await s.api(.get, "/api/v1/dialogs/\(dialog)").text.contains("Odpowiedź agenta."))
            // A forged or missing drawing time is not a crash: the reply is simply not checked.
            let forged = try await s.postForm("/panel/dialogs/\(dialog)/messages", cookie: agent.cookie, [
                ("_csrf", agent.csrf), ("body", "Trzecia."), ("drawn", "99999999999999999999999"),
            ])
            #expect(forged.status == .seeOther)
        }
    }

    @Test("the collision warning on a complaint reply", arguments: Engine.available)
    func complaintCollision(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let reference = try #require(try await s.fileComplaint("KC-1")["reference"] as? String)
            let agent = try await s.client.signIn("agent@\(s.shop.slug).test")
            let owner = try await s.client.signIn("owner@\(s.shop.slug).test")
            let drawn = try #require(hidden("drawn", in: try await page(s, "/panel/complaints/\(reference)", agent).text))
            try await s.advance("PT1M")
            let ownerPage = try await page(s, "/panel/complaints/\(reference)", owner)
            #expect(ownerPage.text.contains(#"id="presence""#))
            #expect(ownerPage.text.contains("1st reply:") && ownerPage.text.contains("Resolution:"), "both SLA targets are labelled")
            #expect(try await s.postForm("/panel/complaints/\(reference)/reply", cookie: owner.cookie, [
                ("_csrf", owner.csrf), ("body", "Przyjęliśmy."), ("drawn", try #require(hidden("drawn", in: ownerPage.text))),
            ]).status == .seeOther)
            try await s.advance("PT1M")
            let held = try await s.postForm("/panel/complaints/\(reference)/reply", cookie: agent.cookie, [
                ("_csrf", agent.csrf), ("body", "Też przyjęliśmy."), ("drawn", drawn),
            ])
            #expect(held.status == .conflict && held.text.contains(#"id="collision-warning""#))
            #expect(held.text.contains("Też przyjęliśmy.</textarea>"))
        }
    }

    @Test("dialogs get an assignee: shown in the list; only an owner or agent of the shop", arguments: Engine.available)
    func dialogAssignee(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let (dialog, _, _) = try await dialogWithMessage(s, order: "A-1", email: "a1@example.com")
            let owner = try await s.client.signIn("owner@\(s.shop.slug).test")
            let dialogPage = try await page(s, "/panel/dialogs/\(dialog)", owner).text
            let agentRange = try #require(dialogPage.range(of: #"">Agent of sklep</option>"#))
            let agentId = String(dialogPage[..<agentRange.lowerBound].reversed().prefix { $0 != "\"" }.reversed())
            let assigned = try await s.postForm("/panel/dialogs/\(dialog)/assign", cookie: owner.cookie,
                                                [("_csrf", owner.csrf), ("assignee", agentId)])
            #expect(assigned.status == .seeOther && assigned.headers[.location]?.contains("done=assign") == true)
            #expect(try await page(s, "/panel/dialogs", owner).text.contains(#"data-label="Assignee">Agent of sklep</td>"#))
            let viewerPage = try await page(s, "/panel/dialogs/\(dialog)", owner).text
            #expect(viewerPage.contains(#"selected>Agent of sklep</option>"#))
            let stranger = try await s.postForm("/panel/dialogs/\(dialog)/assign", cookie: owner.cookie,
                                                [("_csrf", owner.csrf), ("assignee", "stf_nobody")])
            #expect(stranger.status == .unprocessableContent)
            let unknown = try await s.postForm("/panel/dialogs/dlg_unknown/assign", cookie: owner.cookie,
                                               [("_csrf", owner.csrf), ("assignee", "")])
            #expect(unknown.status == .notFound)
        }
    }

    @Test("quick replies in the customer's language first, filled in for the dialog, edited by the owner", arguments: Engine.available)
    func quickReplies(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let (dialog, _, _) = try await dialogWithMessage(s, order: "Q-1", email: "q1@example.com")
            for (name, language, body) in [("A thanks", "en", "Dear {{customer.firstName}}, thank you."),
                                           ("Podziękowanie", "pl", "Dzień dobry {{customer.firstName}}, dziękujemy — {{shop.name}}.")] {
                #expect(try await s.api(.post, "/api/v1/complaint-templates", ["name": name, "language": language, "body": body]).status == .created)
            }
            let owner = try await s.client.signIn("owner@\(s.shop.slug).test")
            let html = try await page(s, "/panel/dialogs/\(dialog)", owner).text
            let polish = try #require(html.range(of: "Podziękowanie (pl)")), english = try #require(html.range(of: "A thanks (en)"))
            #expect(polish.lowerBound < english.lowerBound, "the customer writes Polish: the Polish reply first")
            let id = String(html[..<polish.lowerBound].dropLast(2).reversed().prefix { $0 != "\"" }.reversed())
            #expect(!id.isEmpty)
            let filled = try await page(s, "/panel/dialogs/\(dialog)?quick=\(id)", owner).text
            #expect(filled.contains("Dzień dobry Jan, dziękujemy — "), "filled in, in the reply box, not sent")
            #expect(try await page(s, "/panel/dialogs/\(dialog)?quick=nope", owner).status == .notFound)
            // Quick replies are edited in the panel (owners), with the same checks as new ones.
            let edited = try await s.postForm("/panel/settings/complaints/update-template", cookie: owner.cookie, [
                ("_csrf", owner.csrf), ("id", id), ("name", "Podziękowanie"), ("language", "pl"),
                ("body", "Witaj {{customer.firstName}}!"),
            ])
            #expect(edited.status == .ok && edited.text.contains("Witaj {{customer.firstName}}!</textarea>"))
            #expect(try await page(s, "/panel/dialogs/\(dialog)?quick=\(id)", owner).text.contains("Witaj Jan!</textarea>"))
            let refused = try await s.postForm("/panel/settings/complaints/update-template", cookie: owner.cookie, [
                ("_csrf", owner.csrf), ("id", id), ("name", "X"), ("language", "pl"), ("body", "Hej {{customer.pesel}}"),
            ])
            #expect(refused.text.contains("customer.pesel"), "an unknown placeholder is refused")
            let agent = try await s.client.signIn("agent@\(s.shop.slug).test")
            let notOwner = try await s.postForm("/panel/settings/complaints/update-template", cookie: agent.cookie, [
                ("_csrf", agent.csrf), ("id", id), ("name", "X"), ("language", "pl"), ("body", "x"),
            ])
            #expect(notOwner.status == .forbidden)
            let missing = try await s.postForm("/panel/settings/complaints/update-template", cookie: owner.cookie, [
                ("_csrf", owner.csrf), ("id", "tpl_none"), ("name", "X"), ("language", "pl"), ("body", "x"),
            ])
            #expect(missing.status == .notFound)
        }
    }

    @Test("the global search finds customers, e-mails, orders, references and text, in this shop only; wildcards are literal",
          arguments: Engine.available)
    func globalSearch(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let reference = try #require(try await s.fileComplaint("S-1", email: "szukana@example.com")["reference"] as? String)
            _ = try await dialogWithMessage(s, order: "S-2", email: "s2@example.com")
            let other = try await s.client.createShop("inny")
            _ = try await s.api(.post, "/api/v1/orders", [
                "externalId": "S-OTHER", "placedAt": ReviewScenario.iso.string(from: s.app.clock.now()),
                "customer": ["email": "szukana@example.com", "name": "Obca Klientka", "locale": "pl"],
                "items": [["productId": "P-1", "name": "Kubek"]],
            ], key: other.apiKey)
            let staff = try await s.client.signIn("agent@\(s.shop.slug).test")
            func search(_ q: String) async throws -> String {
                try await page(s, "/panel/search?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", staff).text
            }
            #expect(try await search(reference.lowercased()).contains("/panel/complaints/\(reference)"), "by reference")
            #expect(try await search("SZUKANA@example").contains("/panel/complaints/\(reference)"), "by e-mail, any case")
            #expect(try await search("handle broke").contains(#"id="search-complaints""#), "by the complaint's text")
            #expect(try await search("S-2").contains(#"id="search-reviews""#), "by order")
            #expect(try await search("Czekam na").contains(#"id="search-messages""#), "by a message's text")
            #expect(!(try await search("Obca")).contains("Obca Klientka"), "never another shop's customer")
            #expect(try await search("x").contains("Type at least 2 characters."))
            #expect(try await search("%%").contains(#"Nothing found for “%%”."#), "a wildcard is a character")
            #expect(try await search("a_b\\'\"<i>").contains("Nothing found"), "hostile text is searched, not run")
            #expect(try await page(s, "/panel/search?q=Jan", staff, language: "pl").text.contains("Wyszukiwanie"))
        }
    }

    @Test("validation, 403 and 404 pages read in the chosen language", arguments: Engine.available)
    func errorsInTheLanguage(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let (dialog, _, _) = try await dialogWithMessage(s, order: "E-1", email: "e1@example.com")
            let agent = try await s.client.signIn("agent@\(s.shop.slug).test")
            let viewer = try await s.client.signIn("viewer@\(s.shop.slug).test")
            let polish = StaffBrowser(cookie: agent.cookie + "; redress_lang=pl", csrf: agent.csrf)
            let missing = try await page(s, "/panel/dialogs/dlg_nope", polish)
            #expect(missing.status == .notFound && missing.text.contains("Nie znaleziono") && missing.text.contains("Pod tym adresem nic nie ma"))
            let empty = try await s.postForm("/panel/dialogs/\(dialog)/messages", cookie: polish.cookie,
                                             [("_csrf", agent.csrf), ("body", "   ")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains("Popraw formularz") && empty.text.contains("<li>Treść: jest wymagane</li>"), "\(empty.text)")
            let long = try await s.postForm("/panel/dialogs/\(dialog)/notes", cookie: agent.cookie,
                                            [("_csrf", agent.csrf), ("body", String(repeating: "x", count: 5_001))], language: "en")
            #expect(long.text.contains("<li>Text: may have at most 5000 characters (it has 5001)</li>") || long.text.contains("<li>Text: may have at most 5,000"), "\(long.text.prefix(3000))")
            let refused = try await s.postForm("/panel/dialogs/\(dialog)/messages", cookie: viewer.cookie + "; redress_lang=pl",
                                               [("_csrf", viewer.csrf), ("body", "x")])
            #expect(refused.status == .forbidden && refused.text.contains("Brak uprawnień")
                    && refused.text.contains("Osoba z podglądem widzi wszystko"))
            let forged = try await s.postForm("/panel/dialogs/\(dialog)/messages", cookie: polish.cookie,
                                              [("_csrf", "forged"), ("body", "x")])
            #expect(forged.status == .forbidden && forged.text.contains("Formularz wygasł"))
            let english = try await page(s, "/panel/dialogs/dlg_nope", agent)
            #expect(english.text.contains("Not found") && english.text.contains("There is nothing at this address"))
        }
    }
}
