import Foundation

/// A rule a complaint command broke; the API answers 409 with the reason.
public struct ComplaintRuleViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// C4/C5 as a state machine: which status changes and decisions are allowed when.
public struct ComplaintLifecycle: Sendable {
    /// Days after closing when a complaint may be reopened.
    public var reopenDays: Int = 30

    public init() {}

    /// Status changes staff may make directly (decisions go through `decide`).
    public static let transitions: [ComplaintStatus: Set<ComplaintStatus>] = [
        .received: [.inProgress, .waitingForCustomer],
        .inProgress: [.waitingForCustomer],
        .waitingForCustomer: [.inProgress],
        .decided: [.remedyInProgress, .closed],
        .remedyInProgress: [.closed],
        .closed: [.inProgress],
    ]

    /// Checks a status change; `closedAt` is needed to reopen. A reopened complaint that already has its decision
    /// may be closed again from progress or waiting (there is no second decision).
    public func change(from: ComplaintStatus, to: ComplaintStatus, closedAt: Date?, now: Date, hasDecision: Bool = false)
        throws
    {
        let reclose = hasDecision && to == .closed && (from == .inProgress || from == .waitingForCustomer)
        guard Self.transitions[from]?.contains(to) == true || reclose else {
            throw ComplaintRuleViolation(reason: "A complaint that is \(from.rawValue) cannot become \(to.rawValue).")
        }
        if from == .closed {
            guard let closedAt, now.timeIntervalSince(closedAt) <= Double(reopenDays) * 86_400 else {
                throw ComplaintRuleViolation(reason: "A complaint can be reopened within \(reopenDays) days of closing.")
            }
        }
    }

    /// Checks a decision: one per complaint, before it is decided; after a deemed acceptance only acceptance.
    public func decide(_ outcome: DecisionOutcome, status: ComplaintStatus, legal: LegalState) throws {
        guard [.received, .inProgress, .waitingForCustomer].contains(status) else {
            throw ComplaintRuleViolation(reason: "This complaint already has a decision.")
        }
        if legal == .deemedAccepted && outcome != .accepted {
            throw ComplaintRuleViolation(
                reason: "The answer deadline passed: the complaint is accepted by law and only an accepting decision is possible.")
        }
    }

    /// Whether the deadline turns an unanswered complaint into a deemed acceptance.
    public func isDeemedAccepted(legal: LegalState, party: PartyType, decisionSentAt: Date?, answerDueAt: Date,
                                 now: Date) -> Bool {
        legal == .open && party.hasStatutoryDeadline && decisionSentAt == nil && now >= answerDueAt
    }
}

/// References like `RC-2026-000123`: per shop and year, never reused.
public enum ComplaintReference {
    public static func make(year: Int, number: Int) -> String {
        String(format: "RC-%04d-%06d", year, number)
    }

    public static func isValid(_ text: String) -> Bool {
        text.range(of: #"^RC-\d{4}-\d{6,}$"#, options: .regularExpression) != nil
    }
}
