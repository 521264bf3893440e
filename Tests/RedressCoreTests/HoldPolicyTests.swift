import Foundation
import Testing
@testable import RedressCore

func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

let warsaw = TimeZone(identifier: "Europe/Warsaw")!

@Suite("R3–R6 hold policy")
struct HoldPolicyTests {
    let policy = HoldPolicy()

    @Test(arguments: [1, 2, 3])
    func ratingsAtOrBelowTheThresholdAreHeld(rating: Int) {
        let submitted = utc("2026-11-02T10:00:00Z")
        guard case .standby(let publishAt, let windowEnds, let reminder) = policy.intake(
            rating: rating, submittedAt: submitted, timeZone: warsaw) else {
            Issue.record("rating \(rating) must be held")
            return
        }
        #expect(publishAt == utc("2026-11-09T10:00:00Z"))
        #expect(windowEnds == publishAt)
        #expect(reminder == utc("2026-11-07T10:00:00Z"), "48 h before the window closes")
    }

    @Test(arguments: [4, 5])
    func ratingsAboveTheThresholdArePublishedAtOnce(rating: Int) {
        #expect(policy.intake(rating: rating, submittedAt: .now, timeZone: warsaw) == .publish)
    }

    @Test func theThresholdIsOneInstallationSetting() {
        let strict = HoldPolicy(threshold: 2)
        #expect(strict.isHeld(rating: 2) && !strict.isHeld(rating: 3))
    }

    @Test("day 7 keeps the wall-clock time across the spring DST change in Warsaw")
    func springForward() {
        // 25 March 2026 10:00 CET (09:00Z); clocks go forward on 29 March.
        let submitted = utc("2026-03-25T09:00:00Z")
        let publishAt = policy.shopWindowEnds(submittedAt: submitted, timeZone: warsaw)
        #expect(publishAt == utc("2026-04-01T08:00:00Z"), "10:00 CEST")
        #expect(publishAt.timeIntervalSince(submitted) == 7 * 86_400 - 3600)
    }

    @Test("day 14 keeps the wall-clock time across the autumn DST change in Warsaw")
    func fallBack() {
        // 20 October 2026 12:00 CEST (10:00Z); clocks go back on 25 October.
        let submitted = utc("2026-10-20T10:00:00Z")
        let cap = policy.hardCap(submittedAt: submitted, timeZone: warsaw)
        #expect(cap == utc("2026-11-03T11:00:00Z"), "12:00 CET")
        #expect(cap.timeIntervalSince(submitted) == 14 * 86_400 + 3600)
    }

    @Test("month ends and a leap day")
    func monthEndsAndLeapDay() {
        #expect(policy.shopWindowEnds(submittedAt: utc("2028-02-25T12:00:00Z"), timeZone: .gmt) == utc("2028-03-03T12:00:00Z"))
        #expect(policy.hardCap(submittedAt: utc("2028-02-20T12:00:00Z"), timeZone: .gmt) == utc("2028-03-05T12:00:00Z"))
        #expect(policy.shopWindowEnds(submittedAt: utc("2027-02-25T12:00:00Z"), timeZone: .gmt) == utc("2027-03-04T12:00:00Z"))
        #expect(policy.shopWindowEnds(submittedAt: utc("2026-12-28T23:30:00Z"), timeZone: .gmt) == utc("2027-01-04T23:30:00Z"))
        #expect(policy.linkExpiry(issuedAt: utc("2028-01-15T08:00:00Z"), timeZone: .gmt) == utc("2028-03-15T08:00:00Z"))
    }

    @Test func statisticsCoverTwelveMonths() {
        #expect(policy.statisticsStart(now: utc("2026-11-23T10:00:00Z"), timeZone: .gmt) == utc("2025-11-23T10:00:00Z"))
    }

    @Test func theProfileExplainsThePolicyInPlainWords() {
        let english = policy.description(language: "en")
        #expect(english.policy.contains("3 or lower") && english.policy.contains("7 days") && english.policy.contains("14 days"))
        #expect(policy.description(language: "pl").verification.contains("Jedno zamówienie"))
    }
}

@Suite("R4–R12 review state machine")
struct ReviewLifecycleTests {
    let submitted = utc("2026-11-02T10:00:00Z")
    var lifecycle: ReviewLifecycle { ReviewLifecycle(policy: HoldPolicy(), timeZone: .gmt) }

    var held: ReviewFacts {
        ReviewFacts(status: .standby, rating: 2, submittedAt: submitted, heldAtIntake: true,
                    publishAt: utc("2026-11-09T10:00:00Z"), shopWindowEndsAt: utc("2026-11-09T10:00:00Z"))
    }

    var praised: ReviewFacts {
        ReviewFacts(status: .published, rating: 5, submittedAt: submitted, heldAtIntake: false, publishAt: nil,
                    shopWindowEndsAt: utc("2026-11-09T10:00:00Z"))
    }

    func at(_ days: Double) -> Date { submitted.addingTimeInterval(days * 86_400) }

    @Test("the deadline publishes exactly at day 7, not a second before")
    func exactlyAtSevenDays() throws {
        #expect(throws: ReviewRuleViolation.self) {
            try lifecycle.apply(.deadlineReached, to: held, now: at(7).addingTimeInterval(-1))
        }
        let published = try lifecycle.apply(.deadlineReached, to: held, now: at(7))
        #expect(published.status == .published && published.publishAt == nil)
        #expect(published.publishedAt == at(7) && published.publishedVia == .day7, "R4: published on day 7")
    }

    @Test("a dialog moves publication to day 14; the window closes exactly at day 7")
    func dialogMovesToHardCap() throws {
        let opened = try lifecycle.apply(.openDialog, to: held, now: at(7).addingTimeInterval(-1))
        #expect(opened.dialog == .open)
        #expect(opened.publishAt == utc("2026-11-16T10:00:00Z"))
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.openDialog, to: held, now: at(7)) }
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.openDialog, to: opened, now: at(1)) }
    }

    @Test("nothing in a dialog moves the cap: resolution, edits and closing keep day 14")
    func capCannotBeExtended() throws {
        var facts = try lifecycle.apply(.openDialog, to: held, now: at(1))
        facts = try lifecycle.apply(.shopCloses, to: facts, now: at(2))
        facts = try lifecycle.apply(.customerEdits(rating: 5), to: facts, now: at(3))
        #expect(facts.publishAt == utc("2026-11-16T10:00:00Z"))
        #expect(facts.status == .standby, "a raised rating does not publish early (R9)")
        #expect(facts.dialogOutcome == .resolved, "the customer's edit resolves (R8)")
        let published = try lifecycle.apply(.deadlineReached, to: facts, now: at(14))
        #expect(published.status == .published && published.rating == 5)
        #expect(published.publishedAt == at(14) && published.publishedVia == .day14, "R6: the cap after a dialog")
    }

    @Test("publish now only from standby")
    func publishNow() throws {
        let early = try lifecycle.apply(.publishNow, to: held, now: at(1))
        #expect(early.status == .published && early.publishedAt == at(1) && early.publishedVia == .publishNow)
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.publishNow, to: praised, now: at(1)) }
    }

    @Test("the shop closing is not resolution; only the customer resolves (R8)")
    func resolutionIsTheCustomersWord() throws {
        let open = try lifecycle.apply(.openDialog, to: held, now: at(1))
        let closed = try lifecycle.apply(.shopCloses, to: open, now: at(2))
        #expect(closed.dialogOutcome == .closedByShop && closed.resolvedAt == nil && closed.editWindowEndsAt == nil)
        let resolved = try lifecycle.apply(.customerResolved, to: closed, now: at(3))
        #expect(resolved.dialogOutcome == .resolved)
        #expect(resolved.editWindowEndsAt == at(10))
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.customerResolved, to: resolved, now: at(4)) }
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.customerResolved, to: held, now: at(1)) }
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.shopCloses, to: held, now: at(1)) }
    }

    @Test("edits: in standby, in the 7 days after resolution, never after (R9)")
    func editWindow() throws {
        var facts = try lifecycle.apply(.openDialog, to: held, now: at(1))
        facts = try lifecycle.apply(.deadlineReached, to: facts, now: at(14))
        facts = try lifecycle.apply(.customerResolved, to: facts, now: at(15))
        #expect(try lifecycle.apply(.customerEdits(rating: 4), to: facts, now: at(22).addingTimeInterval(-1)).rating == 4)
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.customerEdits(rating: 4), to: facts, now: at(22)) }
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.customerEdits(rating: 1), to: praised, now: at(1)) }
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.customerEdits(rating: 6), to: held, now: at(1)) }
    }

    @Test("positive reviews have no dialog")
    func noDialogForPositive() {
        #expect(throws: ReviewRuleViolation.self) { try lifecycle.apply(.openDialog, to: praised, now: at(1)) }
    }

    @Test("withdrawn and removed reviews accept nothing but what moderation allows")
    func terminalStates() throws {
        let withdrawn = try lifecycle.apply(.withdraw, to: held, now: at(1))
        #expect(withdrawn.status == .withdrawn && withdrawn.publishAt == nil)
        let commands: [ReviewCommand] = [.publishNow, .deadlineReached, .openDialog, .customerResolved, .shopCloses,
                                         .customerEdits(rating: 3), .withdraw, .moderatorRemoves, .moderatorReinstates]
        for command in commands {
            #expect(throws: ReviewRuleViolation.self, "\(command) on a withdrawn review") {
                try lifecycle.apply(command, to: withdrawn, now: at(2))
            }
        }
        let removed = try lifecycle.apply(.moderatorRemoves, to: praised, now: at(1))
        for command in commands where command != .moderatorReinstates {
            #expect(throws: ReviewRuleViolation.self, "\(command) on a removed review") {
                try lifecycle.apply(command, to: removed, now: at(2))
            }
        }
        #expect(try lifecycle.apply(.moderatorReinstates, to: removed, now: at(3)).status == .published)
    }

    @Test("R12: three reports per party and review, none on a withdrawn review; one appeal, only against a removal")
    func reportAndAppealLimits() {
        for used in 0..<ModerationRules.reportsPerPartyAndReview {
            #expect(ModerationRules.refusalToReport(status: .published, used: used) == nil)
        }
        #expect(ModerationRules.refusalToReport(status: .published, used: 3) == .limitReached(3))
        #expect(ModerationRules.refusalToReport(status: .standby, used: 7) == .limitReached(3))
        #expect(ModerationRules.refusalToReport(status: .withdrawn, used: 0) == .withdrawn)
        #expect(ModerationRules.refusalToReport(status: .removed, used: 0) == nil)
        for status in ReviewStatus.allCases where status != .removed {
            #expect(ModerationRules.refusalToAppeal(status: status, appealedAt: nil) == .notRemoved)
        }
        #expect(ModerationRules.refusalToAppeal(status: .removed, appealedAt: nil) == nil)
        #expect(ModerationRules.refusalToAppeal(status: .removed, appealedAt: at(1)) == .alreadyAppealed)
        #expect(ModerationRules.appealAwaitsDecision(appealedAt: at(1), decidedAt: nil))
        #expect(!ModerationRules.appealAwaitsDecision(appealedAt: at(1), decidedAt: at(2)))
        #expect(!ModerationRules.appealAwaitsDecision(appealedAt: nil, decidedAt: nil))
        #expect(PublicationRoute.atDeadline(dialog: .none) == .day7)
        #expect(PublicationRoute.atDeadline(dialog: .open) == .day14)
        #expect(PublicationRoute.atDeadline(dialog: .closed) == .day14)
    }

    @Test("the customer's allowed actions follow the rules")
    func allowedActions() throws {
        #expect(lifecycle.customerActions(held, now: at(1), reportsUsed: 0, appealedAt: nil)
                == ["publish_now", "edit", "withdraw", "report"])
        let open = try lifecycle.apply(.openDialog, to: held, now: at(1))
        #expect(lifecycle.customerActions(open, now: at(2), reportsUsed: 3, appealedAt: nil)
                == ["publish_now", "resolve", "edit", "withdraw", "message"])
        #expect(lifecycle.customerActions(praised, now: at(1), reportsUsed: 0, appealedAt: nil) == ["withdraw", "report"])
        let removed = try lifecycle.apply(.moderatorRemoves, to: praised, now: at(1))
        #expect(lifecycle.customerActions(removed, now: at(2), reportsUsed: 0, appealedAt: nil) == ["report", "appeal"])
        #expect(lifecycle.customerActions(removed, now: at(2), reportsUsed: 3, appealedAt: at(2)).isEmpty)
    }
}

@Suite("R11 incentive check")
struct IncentiveCheckTests {
    @Test(arguments: [
        "We will refund you if you remove the review.",
        "Damy Ci rabat 20%, jeśli zmienisz opinię.",
        "Te damos un descuento si cambias tu reseña.",
        "Θα σας δώσουμε έκπτωση αν αλλάξετε την κριτική.",
        "A voucher for you when you update your rating to 5 stars",
    ])
    func flagsOffersTiedToTheReview(text: String) {
        #expect(IncentiveCheck.looksLikeIncentive(text))
    }

    @Test(arguments: [
        "We are sorry, the courier damaged the parcel. We will send a new one today.",
        "Thank you for your review, we are looking into it.",
        "Zwrot pieniędzy został zlecony na Twoje konto.",
    ])
    func leavesOrdinaryMessagesAlone(text: String) {
        #expect(!IncentiveCheck.looksLikeIncentive(text))
    }
}

@Suite("R1 review text")
struct ReviewTextTests {
    @Test func acceptsAndTrims() throws {
        let text = try ReviewText.validate(rating: 2, title: "  ", body: "  The parcel arrived broken.  ")
        #expect(text == ReviewText(rating: 2, title: nil, body: "The parcel arrived broken."))
    }

    @Test func keepsHTMLAsText() throws {
        let text = try ReviewText.validate(rating: 1, title: "<b>bad</b>", body: "<script>alert(1)</script> broken")
        #expect(text.body == "<script>alert(1)</script> broken")
    }

    @Test func reportsEveryProblem() {
        do {
            _ = try ReviewText.validate(rating: 7, title: String(repeating: "t", count: 121), body: "short")
            Issue.record("must fail")
        } catch let errors as ValidationErrors {
            #expect(Set(errors.fields.keys) == ["rating", "title", "body"])
            #expect(errors.fields["title"] == "must be at most 120 characters (it has 121)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
