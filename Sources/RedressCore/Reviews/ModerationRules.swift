import Foundation

/// R12 and DSA art. 20: abuse reports against a review, and the one appeal against its removal. The limits live
/// here once; the services turn a refusal into their error and the customer's `allowedActions` follow the same rule.
public enum ModerationRules {
    /// Each party (the customer, the shop) may report one review this many times.
    public static let reportsPerPartyAndReview = 3

    public enum ReportRefusal: Equatable, Sendable {
        case withdrawn
        case limitReached(Int)
    }

    public enum AppealRefusal: Equatable, Sendable {
        case notRemoved
        case alreadyAppealed
    }

    /// Why a party that has already filed `used` reports on a review in `status` may not report it again, or nil.
    public static func refusalToReport(status: ReviewStatus, used: Int) -> ReportRefusal? {
        if status == .withdrawn { return .withdrawn }
        if used >= reportsPerPartyAndReview { return .limitReached(reportsPerPartyAndReview) }
        return nil
    }

    /// Why the author may not appeal the removal, or nil: one appeal, and only against a removal.
    public static func refusalToAppeal(status: ReviewStatus, appealedAt: Date?) -> AppealRefusal? {
        if status != .removed { return .notRemoved }
        if appealedAt != nil { return .alreadyAppealed }
        return nil
    }

    /// The platform answers an appeal once.
    public static func appealAwaitsDecision(appealedAt: Date?, decidedAt: Date?) -> Bool {
        appealedAt != nil && decidedAt == nil
    }
}

extension PublicationRoute {
    /// The route of a review published when its hold ends: day 7 without a dialog (R4), the day-14 cap once a
    /// dialog was opened (R6).
    public static func atDeadline(dialog: DialogState) -> PublicationRoute {
        dialog == .none ? .day7 : .day14
    }
}
