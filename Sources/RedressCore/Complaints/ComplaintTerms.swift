import Foundation

/// The vocabulary of complaints (C1, C4, C5), as stored and as the API spells it.
public enum ClaimType: String, CaseIterable, Sendable, Codable {
    case nonConformity = "non_conformity"
    case withdrawal
    case guarantee
    case lateDelivery = "late_delivery"
    case other
}

public enum ComplaintCategory: String, CaseIterable, Sendable, Codable {
    case damagedInTransit = "damaged_in_transit"
    case defective
    case notAsDescribed = "not_as_described"
    case wrongItem = "wrong_item"
    case missingItem = "missing_item"
    case lateDelivery = "late_delivery"
    case other
}

public enum Remedy: String, CaseIterable, Sendable, Codable {
    case repair
    case replacement
    case priceReduction = "price_reduction"
    case refund
}

public enum PartyType: String, CaseIterable, Sendable, Codable {
    case consumer
    case soleTraderAsConsumer = "sole_trader_as_consumer"
    case business

    /// Consumers and sole traders acting as consumers have the statutory answer deadline (C2).
    public var hasStatutoryDeadline: Bool { self != .business }
}

public enum ComplaintStatus: String, CaseIterable, Sendable, Codable {
    case received
    case inProgress = "in_progress"
    case waitingForCustomer = "waiting_for_customer"
    case decided
    case remedyInProgress = "remedy_in_progress"
    case closed
}

/// Whether the law's question has been answered (C2).
public enum LegalState: String, CaseIterable, Sendable, Codable {
    /// No decision has reached the mail server yet.
    case open
    /// A decision was sent in time.
    case answered
    /// The deadline passed without a decision sent: the complaint counts as accepted.
    case deemedAccepted = "deemed_accepted"
}

public enum DecisionOutcome: String, CaseIterable, Sendable, Codable {
    case accepted
    case partiallyAccepted = "partially_accepted"
    case rejected

    /// Anything short of full acceptance must carry the ADR statement (C5).
    public var needsADRStatement: Bool { self != .accepted }
}

public enum ComplaintPriority: String, CaseIterable, Sendable, Codable {
    case low, normal, high
}

/// C5: money granted by a decision (a refund or a price reduction) is due within 14 calendar days of the decision,
/// at the same wall-clock time in the shop's time zone. Its own rule, not the review hold's.
public enum RefundTerm {
    public static let days = 14

    /// Whether granting `remedy` starts the refund term.
    public static func applies(to remedy: Remedy?) -> Bool { remedy == .refund || remedy == .priceReduction }

    public static func dueAt(decidedAt: Date, timeZone: TimeZone) -> Date {
        CalendarDays.add(days, to: decidedAt, in: timeZone)
    }
}
