import Foundation
import RedressCore
import Testing

@testable import RedressApp

/// The inner loop for the application layer: what RedressApp decides without a database or a server. Runs in a
/// second (`swift test --filter RedressAppTests`).
@Suite("application, without a database")
struct AppPureTests {
    @Test("every page address is built in one place, relative for pages and absolute for mail")
    func siteAddresses() {
        let cases: [(SiteURL, String)] = [
            (.login, "/login"), (.passwordReset(token: "t1"), "/login/reset/t1"),
            (.panelReview("rev_1"), "/panel/reviews/rev_1"), (.panelDialog("dlg_1"), "/panel/dialogs/dlg_1"),
            (.panelComplaint("R-1"), "/panel/complaints/R-1"),
            (.panelDecisionLetter(complaint: "R-1"), "/panel/complaints/R-1/letter"),
            (.panelAttachment(complaint: "R-1", attachment: "att_1"), "/panel/complaints/R-1/attachments/att_1"),
            (.reviewForm(token: "tok"), "/r/tok"), (.customerCase(token: "tok"), "/c/tok"),
            (.customerComplaint(token: "tok"), "/c/tok/complaint"), (.complaintLookup, "/complaints/status"),
            (.shopProfile(slug: "zolw"), "/shops/zolw"),
        ]
        for (site, path) in cases { #expect(site.path == path) }
        var config = AppConfig(database: .sqlite(path: "unused.sqlite"))
        config.publicBaseURL = "https://opinie.example"
        #expect(config.url(.customerCase(token: "tok")) == "https://opinie.example/c/tok")
        #expect(Set(cases.map(\.1)).count == cases.count, "no two addresses collide")
    }

    @Test("the decision letter reads in the customer's language, with every placeholder filled")
    func decisionLetter() {
        for language in ["pl", "en", "es", "el"] {
            let letter = DecisionLetter(
                language: language, shopName: "Żółw", customerName: "Anna", reference: "RK-2026-0001",
                receivedDay: "2026-11-02", outcome: .partiallyAccepted, remedy: .refund, amount: "49.90 PLN",
                reason: "Część towaru była sprawna.",
                adrStatement: DecisionLetter.defaultADR(shop: "Żółw", language: language), refundDueDay: "2026-11-30",
                link: "https://opinie.example/complaints/status")
            let text = letter.text
            let words = DecisionLetter.words[language]!
            #expect(text.contains(words["partially_accepted"]!), "\(language): the outcome")
            #expect(text.contains(words["refund_remedy"]!), "\(language): the remedy")
            #expect(text.contains("RK-2026-0001") && text.contains("49.90 PLN") && text.contains("2026-11-30"))
            #expect(text.contains(DecisionLetter.defaultADR(shop: "Żółw", language: language)),
                    "\(language): the ADR statement a partial acceptance needs")
            #expect(!text.contains("{"), "\(language): no placeholder left")
            var accepted = letter
            accepted.outcome = .accepted
            #expect(!accepted.text.contains(DecisionLetter.defaultADR(shop: "Żółw", language: language)),
                    "\(language): a full acceptance needs no ADR statement")
        }
    }

    @Test("application errors carry stable codes")
    func errorCodes() {
        #expect(AppError.notFound("review").code == "review.not_found")
        #expect(AppError.notFound("API key").code == "API_key.not_found")
        #expect(AppError.notFound("API key", code: "api_key.not_found").code == "api_key.not_found")
        #expect(AppError.invalid(["rating": "must be 1 to 5"]).kind == .invalid)
        #expect(AppError.throttled(retryAfter: 30).retryAfter == 30)
    }
}
