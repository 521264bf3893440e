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

    @Test("a missing template stops the start, naming it")
    func missingTemplate() async throws {
        #expect(throws: PageRenderer.RendererError.self) { try PageRenderer.check(MustacheLibrary()) }
        do {
            _ = try PageRenderer.check(MustacheLibrary(templates: ["login": try MustacheTemplate(string: "x")]))
            Issue.record("a library without the pages was accepted")
        } catch let error as PageRenderer.RendererError {
            #expect(error.description.contains("panel_complaint"))
            #expect(!error.description.contains("login,"))
        }
        _ = try await PageRenderer.load()
    }

    @Test("every page word exists in every language of its audience")
    func wordsComplete() {
        let english = Set(Localization.catalog["en"]!.keys).union(Localization.complaintCatalog["en"]!.keys)
            .union(Localization.reportCatalog["en"]!.keys).union(Localization.errorCatalog["en"]!.keys)
        // The panel is Polish and English: every English word has a Polish one.
        let polish = Set(Localization.catalog["pl"]!.keys).union(Localization.complaintCatalog["pl"]!.keys)
            .union(Localization.reportCatalog["pl"]!.keys).union(Localization.errorCatalog["pl"]!.keys)
        #expect(english.subtracting(polish).sorted() == [])
        // Customer pages are also Spanish and Greek: every error a customer can meet has their words.
        for language in ["es", "el"] {
            #expect(Set(Localization.errorCatalog["en"]!.keys).subtracting(Localization.errorCatalog[language]!.keys).sorted() == [])
        }
    }
}
