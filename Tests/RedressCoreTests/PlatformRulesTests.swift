import Foundation
import Testing
@testable import RedressCore

@Suite("S7 time and duration parsing")
struct TimeTests {
    static let durations: [(String, Double)] = [
        ("P7DT1H", 608_400), ("PT30M", 1_800), ("P1W", 604_800), ("PT0.5S", 0.5), ("P14D", 1_209_600),
        ("p2dt3h4m5s", 183_845),
    ]

    @Test(arguments: durations)
    func parsesDurations(text: String, seconds: Double) {
        #expect(ISODuration(text)?.seconds == seconds)
    }

    @Test(arguments: ["", "P", "7D", "PT", "P1M", "P1Y", "PT1D", "P1H", "P1DT", "PXD", "P1D2"])
    func refusesBadDurations(text: String) {
        #expect(ISODuration(text) == nil)
    }

    @Test func adjustableClockMovesOnlyForward() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = AdjustableClock(start: start)
        #expect(clock.now() == start)
        clock.advance(by: 3600)
        #expect(clock.now() == start.addingTimeInterval(3600))
        clock.advance(by: -7200)
        #expect(clock.now() == start.addingTimeInterval(3600))
    }
}

@Suite("S2 login throttling")
struct LoginThrottleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let throttle = LoginThrottle(maxFailures: 5, window: 900)

    @Test func fourFailuresAreAllowed() {
        let failures = (1...4).map { now.addingTimeInterval(-Double($0) * 10) }
        #expect(throttle.decide(failures: failures, now: now) == .allowed)
    }

    @Test func fiveFailuresInTheWindowThrottleUntilTheOldestLeaves() {
        let failures = (1...5).map { now.addingTimeInterval(-Double($0) * 60) }
        // The oldest failure is 300 s old; it leaves the 900 s window in 600 s.
        #expect(throttle.decide(failures: failures, now: now) == .throttled(retryAfter: 600))
    }

    @Test func failuresOutsideTheWindowDoNotCount() {
        let failures = (1...5).map { now.addingTimeInterval(-900 - Double($0)) }
        #expect(throttle.decide(failures: failures, now: now) == .allowed)
    }

    @Test func manyFailuresWaitForTheFifthNewest() {
        let failures = (0..<8).map { now.addingTimeInterval(-Double($0) * 100) }
        // Newest five are 0…400 s old; one more attempt is allowed when the 400 s one leaves: in 500 s.
        #expect(throttle.decide(failures: failures, now: now) == .throttled(retryAfter: 500))
    }
}

@Suite("N1 retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(initial: 60, maximum: 86_400, jitter: 0.2, giveUpAfter: 3 * 86_400)

    @Test func doublesFromOneMinute() {
        #expect(policy.delay(afterFailures: 1, random: 0) == 60)
        #expect(policy.delay(afterFailures: 2, random: 0) == 120)
        #expect(policy.delay(afterFailures: 5, random: 0) == 960)
    }

    @Test func isCappedAtADayAndJitterAddsAtMostTwentyPercent() {
        #expect(policy.delay(afterFailures: 30, random: 0) == 86_400)
        #expect(policy.delay(afterFailures: 1, random: 1) == 72)
        #expect(policy.delay(afterFailures: 1, random: 0.5) == 66)
    }

    @Test func givesUpAfterTheLimit() {
        let first = Date(timeIntervalSince1970: 0)
        #expect(policy.next(afterFailures: 1, firstAttempt: first, now: first, random: 0) == .retry(at: first.addingTimeInterval(60)))
        let late = first.addingTimeInterval(3 * 86_400 - 30)
        #expect(policy.next(afterFailures: 3, firstAttempt: first, now: late, random: 0) == .giveUp)
    }
}

@Suite("S1 validation")
struct ValidationTests {
    @Test(arguments: ["ab", "my-shop", "shop2026", "a-b-c"])
    func acceptsSlugs(slug: String) { #expect(Validate.isSlug(slug)) }

    @Test(arguments: ["a", "-shop", "shop-", "my--shop", "My-Shop", "sklep ąę", "a/b", String(repeating: "a", count: 61)])
    func refusesSlugs(slug: String) { #expect(!Validate.isSlug(slug)) }

    @Test(arguments: ["a@b.pl", "jan.kowalski+x@sklep.com.pl"])
    func acceptsEmails(email: String) { #expect(Validate.isEmail(email)) }

    @Test(arguments: ["", "a", "a@b", "a b@c.pl", "@c.pl", "a@.pl", "a@@b.pl"])
    func refusesEmails(email: String) { #expect(!Validate.isEmail(email)) }

    @Test func normalizesEmails() {
        #expect(Validate.normalizedEmail("  Jan@Sklep.PL ") == "jan@sklep.pl")
    }

    @Test func collectsEveryFieldError() {
        var errors = ValidationErrors()
        _ = Validate.requiredText("  ", field: "name", max: 5, into: &errors)
        _ = Validate.requiredText("abcdefg", field: "title", max: 5, into: &errors)
        #expect(errors.fields["name"] == "is required")
        #expect(errors.fields["title"] == "must be at most 5 characters (it has 7)")
        #expect(throws: ValidationErrors.self) { try errors.throwIfAny() }
    }

    @Test func secureTokensAreLongAndDistinct() {
        let tokens = Set((0..<200).map { _ in SecureToken.make(bytes: 32) })
        #expect(tokens.count == 200)
        #expect(tokens.allSatisfy { $0.count == 43 && !$0.contains("=") && !$0.contains("+") && !$0.contains("/") })
    }

    @Test func rolesGateWritesAndManagement() {
        #expect(StaffRole.owner.canWrite && StaffRole.owner.canManageShop)
        #expect(StaffRole.agent.canWrite && !StaffRole.agent.canManageShop)
        #expect(!StaffRole.viewer.canWrite && !StaffRole.viewer.canManageShop)
    }
}

@Suite("UTC days for the statistics")
struct UTCDayTests {
    @Test func matchesTheCalendarAcrossYears() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        var date = Date(timeIntervalSince1970: -86_400 * 800)
        for _ in 0..<3_000 {
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let expected = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            #expect(UTCDay.string(date) == expected)
            #expect(UTCDay.start(expected) == calendar.startOfDay(for: date))
            date = date.addingTimeInterval(86_400 * 7.3)
        }
        #expect(UTCDay.string(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29")
        #expect(UTCDay.start("2026-13-01") == nil)
    }
}

@Suite("S3 customer link purposes")
struct CustomerLinkPurposeTests {
    /// The whole table: which purpose may do what.
    static let allowed: [CustomerLinkPurpose: Set<CustomerLinkAction>] = [
        .review: [.writeReview, .readCase],
        .invitation: Set(CustomerLinkAction.allCases),
        .case: Set(CustomerLinkAction.allCases),
        .complaint: [.readComplaint, .answerComplaint],
    ]

    @Test(arguments: CustomerLinkPurpose.allCases)
    func everyPurposeAllowsExactlyItsActions(purpose: CustomerLinkPurpose) {
        for action in CustomerLinkAction.allCases {
            #expect(purpose.allows(action) == Self.allowed[purpose]!.contains(action), "\(purpose) \(action)")
        }
    }

    @Test func linksTheShopSeesNeverChangeTheReview() {
        for purpose in CustomerLinkPurpose.allCases where !purpose.isMailedOnlyToTheOrder {
            #expect(!purpose.allows(.changeReview))
        }
        #expect(CustomerLinkPurpose.stored("something-old") == .review, "an unknown stored purpose can do least")
        #expect(CustomerLinkPurpose.review.permitted(["review", "edit", "withdraw"]) == ["review"])
        #expect(CustomerLinkPurpose.case.permitted(["edit", "withdraw"]) == ["edit", "withdraw"])
    }

    @Test func maskingHidesEveryTokenAndKeepsTheRest() {
        let token = String(repeating: "aZ0-_", count: 9)
        let text = "Open https://r.example/c/\(token) or https://r.example/r/\(token)?lang=pl.\nShort /c/abc stays."
        let masked = CustomerLinkMask.mask(text)
        #expect(!masked.contains(token))
        #expect(masked == "Open https://r.example/c/hidden-link or https://r.example/r/hidden-link?lang=pl.\n"
                + "Short /c/abc stays.")
        #expect(CustomerLinkMask.mask("żółw /c/ ε") == "żółw /c/ ε")
    }
}

@Suite("trusted proxies: the client behind a load balancer")
struct TrustedProxiesTests {
    @Test func clientBehindTrustedProxies() throws {
        let proxies = try TrustedProxies(parsing: ["10.0.0.0/8", "fd00::/8, 192.0.2.1"])
        #expect(proxies.client(peer: "10.1.1.1", forwardedFor: ["203.0.113.5, 10.2.2.2"], forwarded: []) == "203.0.113.5")
        #expect(proxies.client(peer: "10.1.1.1", forwardedFor: ["1.1.1.1", "203.0.113.5"], forwarded: []) == "203.0.113.5",
                "the nearest untrusted hop, not the left-most one a client can forge")
        #expect(proxies.client(peer: "198.51.100.1", forwardedFor: ["203.0.113.5"], forwarded: []) == "198.51.100.1",
                "an untrusted peer's header is ignored")
        #expect(proxies.client(peer: "fd00::5", forwardedFor: [],
                               forwarded: [#"for="[2001:db8::1]:4711";proto=https, for=10.0.0.3"#]) == "2001:db8:0:0:0:0:0:1")
        #expect(proxies.client(peer: "::ffff:10.0.0.9", forwardedFor: ["203.0.113.9:5555"], forwarded: []) == "203.0.113.9")
        #expect(proxies.client(peer: "10.1.1.1", forwardedFor: ["not-an-ip"], forwarded: []) == "10.1.1.1")
        #expect(proxies.client(peer: "10.1.1.1", forwardedFor: ["10.3.3.3"], forwarded: []) == "10.3.3.3",
                "only proxies in the chain: the farthest one")
        #expect(TrustedProxies.none.client(peer: "10.1.1.1", forwardedFor: ["203.0.113.5"], forwarded: []) == "10.1.1.1")
        #expect(throws: ValidationErrors.self) { try TrustedProxies(parsing: ["10.0.0.0/33"]) }
        #expect(throws: ValidationErrors.self) { try TrustedProxies(parsing: ["balancer.local"]) }
        #expect(try TrustedProxies(parsing: ["0.0.0.0/0"]).contains("8.8.8.8"))
    }
}
