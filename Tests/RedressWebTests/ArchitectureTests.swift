import Foundation
import Hummingbird
import HummingbirdTesting
import Mustache
import RedressCore
import RedressTestSupport
@testable import RedressApp
@testable import RedressWeb
import Testing

/// Issue 16: the application's errors carry codes that pages translate; templates and words are complete.
@Suite("application errors, templates and words")
struct ArchitectureTests {
    @Test("each kind of application error becomes its status, with the code and the field messages")
    func errorKinds() {
        let expected: [(AppError, Int)] = [
            (.notFound("review"), 404), (.conflict("review.exists", "x"), 409), (.forbidden("link.not_allowed", "x"), 403),
            (.invalid(["email": "is not valid"]), 422), (AppError(.badRequest, code: "input.bad", detail: "x"), 400),
            (.throttled(retryAfter: 30), 429),
        ]
        for (error, status) in expected {
            let problem = Problem(error)
            #expect(Int(problem.status.code) == status, "\(error)")
            #expect(problem.code == error.code)
        }
        #expect(AppError.notFound("review").code == "review.not_found")
        #expect(Problem(.invalid(["email": "is not valid"])).errors == ["email": "is not valid"])
        #expect(Problem(.throttled(retryAfter: 30)).headers[.retryAfter] == "30")
    }

    @Test("a customer page shows the service's refusal in the customer's language", arguments: Engine.available)
    func localisedRefusal(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            for lang in Localization.customerLanguages {
                // `link.unknown`, thrown by the review service in English, read in the visitor's language.
                let page = try await s.client.execute(uri: "/r/not-a-token?lang=\(lang)", method: .get,
                                                      headers: [.acceptLanguage: lang])
                #expect(page.status == .notFound)
                let text = String(buffer: page.body)
                #expect(text.contains(Localization(lang)("error.link.unknown")), "\(lang): \(text.prefix(400))")
                if lang != "en" { #expect(!text.contains("This link is unknown or has expired."), "\(lang)") }
            }
        }
    }

    @Test("the withdrawal comment has one limit: the page refuses what the API refuses", arguments: Engine.available)
    func withdrawalLimit(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let shopLink = try await s.orderWithLink("WL-1")
            _ = try await s.review(shopLink, rating: 2)
            let token = try await s.mailedToken(order: "WL-1")
            let long = String(repeating: "x", count: WithdrawalText.maxComment + 1)
            let api = try await s.customer(.post, token, "/withdraw", ["reason": "other", "comment": long])
            #expect(api.status == .unprocessableContent)
            let form = try await s.anonymousForm("/c/\(token)")
            let page = try await s.postForm("/c/\(token)/withdraw", cookie: form.cookie,
                                            [("_csrf", form.csrf), ("reason", "other"), ("comment", long), ("confirmed", "1")])
            #expect(page.status == .unprocessableContent, "the page cut the comment and withdrew: \(page.status)")
            let review = try await s.customer(.get, token)
            #expect((review.json["allowedActions"] as? [String])?.contains("withdraw") == true, "still withdrawable")
        }
    }

    @Test("one typed catalog of timed work: every kind round-trips through its stored text and has a handler")
    func timedWorkCatalog() async throws {
        let kinds: [TimedWorkKind] = [.housekeeping, .sendInvitation, .remindInvitation, .publishReview, .remindShop,
                                      .complaintDeadline, .refundDue, .reportsRezone]
            + TimedWorkKind.warningDays.map { .complaintWarning(day: $0) }
        #expect(Set(kinds.map(\.stored)).count == kinds.count)
        for kind in kinds { #expect(TimedWorkKind(stored: kind.stored) == kind) }
        #expect(Set(kinds.map(\.family)) == Set(TimedWorkKind.Family.allCases))
        for text in ["complaint.warning", "complaint.warning.0", "complaint.warning.61", "complaint.warning.07",
                     "complaint.warning.x", "review.publish ", "", "REVIEW.PUBLISH"] {
            #expect(TimedWorkKind(stored: text) == nil, "\(text)")
        }
        // The stored texts of rows written before the catalog existed.
        #expect(TimedWorkKind(stored: "complaint.warning.12") == .complaintWarning(day: 12))
        #expect(TimedWorkKind(stored: "review.shop_reminder") == .remindShop)
        let app = try await TestApp.make()
        for family in TimedWorkKind.Family.allCases {
            #expect(app.services.deadlineWorker.handles(family), "no handler for \(family)")
        }
        await app.close()
    }

    @Test("the router enforces the credential an API operation declares, even when its handler checks nothing")
    func declaredSecurityIsEnforced() async throws {
        let router = Router(context: AppContext.self)
        router.add(middleware: ErrorMiddleware(pages: try await PageRenderer.load()))
        let catalog = APICatalog()
        for (path, security) in [("/api/v1/x/shop", APIOperation.Security.shop), ("/api/v1/x/admin", .admin),
                                 ("/api/v1/x/open", .none)] {
            router.api(.get, path, catalog: catalog, summary: "probe", tag: "probe", security: security,
                       responses: [200: ("OK", nil)]) { _, _ in Response(status: .ok) }
        }
        try await Application(router: router).test(.router) { client in
            let shop = try await client.execute(uri: "/api/v1/x/shop", method: .get)
            let admin = try await client.execute(uri: "/api/v1/x/admin", method: .get)
            let open = try await client.execute(uri: "/api/v1/x/open", method: .get)
            #expect(shop.status == .unauthorized && admin.status == .unauthorized && open.status == .ok)
        }
    }

    struct RenderRow: Encodable {
        var name: String
        var note: String?
        var count: Int
        var flagged: Bool
        var tags: [String]
    }

    struct RenderModel: Encodable {
        var note: String
        var rows: [RenderRow]
        var none: [RenderRow]
        var words: [String: String]
        var price: Double
        var empty: String?
    }

    @Test("a page renders byte for byte as swift-mustache rendered it by reflection (issue 18)")
    func renderContextMatchesReflection() throws {
        let source = """
            {{#rows}}<li class="{{#flagged}}on{{/flagged}}{{^flagged}}off{{/flagged}}">{{name}}: {{note}} {{count}} \
            {{words.hello}} {{#tags}}[{{.}}]{{/tags}}{{^tags}}no tags{{/tags}}</li>{{/rows}}\
            {{^none}}nothing{{/none}} {{price}} {{empty}}{{^empty}}no empty{{/empty}} {{{note}}}
              {{#rows}}
            line {{name}}
              {{/rows}}
            {{! a comment }}
            end
            """
        let template = try MustacheTemplate(string: source)
        let model = RenderModel(
            note: "<b>parent & \"note\"</b>",
            rows: [RenderRow(name: "Żółw <x>", note: nil, count: 0, flagged: true, tags: ["a", "<b>"]),
                   RenderRow(name: "Kot", note: "own", count: 12, flagged: false, tags: [])],
            none: [], words: ["hello": "Dzień dobry"], price: 19.5, empty: nil)
        let reflected = template.render(model)
        let encoded = try PageTemplate(parsing: source, name: "test").render(RenderContext.make(model), partials: [:])
        #expect(encoded == reflected)
        // A nil field is looked up further up the stack, as before: the row without a note shows the parent's.
        #expect(encoded.contains("Żółw &lt;x&gt;: &lt;b&gt;parent &amp; &quot;note&quot;&lt;/b&gt; 0 Dzień dobry [a][&lt;b&gt;]"))
        #expect(encoded.contains("Kot: own 12 Dzień dobry no tags"))
        #expect(encoded.contains("nothing 19.5 no empty <b>parent"))
    }

    @Test("a missing template stops the start, naming it")
    func missingTemplate() async throws {
        #expect(throws: PageRenderer.RendererError.self) { try PageRenderer.check([:]) }
        do {
            _ = try PageRenderer.check(["login": "x"])
            Issue.record("a library without the pages was accepted")
        } catch let error as PageRenderer.RendererError {
            #expect(error.description.contains("panel_complaint"))
            #expect(!error.description.contains("login,"))
        }
        _ = try await PageRenderer.load()
    }

    @Test("a refusal shown on a panel form reads in the staff's language, and so do the common field messages (issue 17)")
    func panelRefusalsLocalised() {
        let closed = AppError.conflict("dialog.closed", "The dialog is already closed.")
        #expect(closed.lines(Localization("pl")) == ["Rozmowa jest już zamknięta."])
        #expect(closed.lines(Localization("en")) == ["The dialog is already closed."])
        let unknown = AppError.conflict("some.new_code", "An English detail.")
        #expect(unknown.lines(Localization("pl")) == ["An English detail."], "no words yet: the detail")
        #expect(AppError.invalid(["amount": "is required"]).lines(Localization("pl")) == ["Kwota: jest wymagane"])
        #expect(AppError.invalid(["body": "must be at most 5,000 characters (it has 5001)"]).lines(Localization("pl"))
                == ["Treść: może mieć najwyżej 5000 znaków (ma 5001)"])
        #expect(AppError.invalid(["rating": "must be a whole number from 1 to 5"]).lines(Localization("es"))
                == ["Estrellas: must be a whole number from 1 to 5"], "a message without words keeps the rule's English")
        #expect(AppError.invalid(["x_field": "is required"]).lines(Localization("el")) == ["x_field: είναι υποχρεωτικό"])
    }

    @Test("every page word exists in every language of its audience")
    func wordsComplete() {
        let english = Set(Localization.catalog["en"]!.keys).union(Localization.complaintCatalog["en"]!.keys)
            .union(Localization.reportCatalog["en"]!.keys).union(Localization.errorCatalog["en"]!.keys)
            .union(Localization.panelErrorCatalog["en"]!.keys)
        // The panel is Polish and English: every English word has a Polish one.
        let polish = Set(Localization.catalog["pl"]!.keys).union(Localization.complaintCatalog["pl"]!.keys)
            .union(Localization.reportCatalog["pl"]!.keys).union(Localization.errorCatalog["pl"]!.keys)
            .union(Localization.panelErrorCatalog["pl"]!.keys)
        #expect(english.subtracting(polish).sorted() == [])
        // Customer pages are also Spanish and Greek: every error a customer can meet has their words.
        for language in ["es", "el"] {
            #expect(Set(Localization.errorCatalog["en"]!.keys).subtracting(Localization.errorCatalog[language]!.keys).sorted() == [])
        }
    }
}
