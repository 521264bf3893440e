import Foundation
import RedressCore
import Testing

@Suite("R10 the withdrawal's reason and comment")
struct WithdrawalTextTests {
    @Test func reasonsAndTheCommentLimit() throws {
        for reason in WithdrawalReason.allCases {
            let withdrawal = try WithdrawalText.validate(reason: reason.rawValue, comment: "  thanks \n")
            #expect(withdrawal.reason == reason && withdrawal.comment == "thanks")
        }
        #expect(try WithdrawalText.validate(reason: "mistake", comment: "   ").comment == nil)
        #expect(try WithdrawalText.validate(reason: "mistake", comment: nil).comment == nil)
        let full = String(repeating: "ż", count: WithdrawalText.maxComment)
        #expect(try WithdrawalText.validate(reason: "other", comment: full).comment == full)
        for (reason, comment, field) in [("other", full + "x", "comment"), (nil, nil, "reason"), ("angry", nil, "reason"),
                                         ("", "ok", "reason")] as [(String?, String?, String)] {
            #expect { try WithdrawalText.validate(reason: reason, comment: comment) } throws: { error in
                (error as? ValidationErrors)?.fields[field] != nil
            }
        }
    }
}

@Suite("C5 the refund term")
struct RefundTermTests {
    @Test func fourteenCalendarDaysAcrossDaylightSaving() throws {
        let warsaw = TimeZone(identifier: "Europe/Warsaw")!
        let decided = try Date("2026-10-20T10:30:00+02:00", strategy: .iso8601)
        // The clocks go back on 25 October: still 10:30 local, 14 calendar days later (an hour more than 14 × 24 h).
        #expect(RefundTerm.dueAt(decidedAt: decided, timeZone: warsaw) == (try Date("2026-11-03T10:30:00+01:00", strategy: .iso8601)))
        #expect(RefundTerm.applies(to: .refund) && RefundTerm.applies(to: .priceReduction))
        #expect(!RefundTerm.applies(to: .repair) && !RefundTerm.applies(to: .replacement) && !RefundTerm.applies(to: nil))
    }
}
