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
