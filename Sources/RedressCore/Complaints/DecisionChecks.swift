import Foundation

/// How loudly a complaint's legal deadline shows (issue 17): neutral with more than 3 days left, amber at 3 or
/// fewer, red at 1 or fewer and when overdue; an answered complaint shows as answered, never as overdue.
public enum DeadlineUrgency: String, Sendable, Equatable, CaseIterable {
    case neutral, amber, red, answered

    public static func of(daysLeft: Int, answered: Bool) -> DeadlineUrgency {
        if answered { return .answered }
        if daysLeft <= 1 { return .red }
        if daysLeft <= 3 { return .amber }
        return .neutral
    }
}

/// What staff are warned about before a decision goes out (C5, issue 17). Warnings do not refuse the decision;
/// the refusals stay in `ComplaintLifecycle` and the service's validation.
public enum DecisionWarning: String, Sendable, Equatable, CaseIterable {
    /// "Accepted" with a remedy other than the one the customer asked for is in law a partial acceptance: it needs
    /// reasons and the ADR statement.
    case remedyDiffersFromRequest = "remedy_differs"
    /// A money remedy without an amount.
    case amountMissing = "amount_missing"

    public static func check(outcome: DecisionOutcome, requested: Remedy?, granted: Remedy?, amount: String?)
        -> [DecisionWarning]
    {
        var warnings: [DecisionWarning] = []
        if outcome == .accepted, let requested, let granted, requested != granted {
            warnings.append(.remedyDiffersFromRequest)
        }
        if outcome != .rejected, granted == .refund || granted == .priceReduction,
           (amount ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        {
            warnings.append(.amountMissing)
        }
        return warnings
    }
}
