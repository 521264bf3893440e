import Foundation

public enum ReviewStatus: String, Codable, Sendable, CaseIterable {
    case standby, published, withdrawn, removed
}

public enum DialogState: String, Codable, Sendable {
    case none, open, closed
}

public enum DialogOutcome: String, Codable, Sendable {
    case resolved
    case closedByShop = "closed_by_shop"
}

/// How a review came to be published (reported by the mediation reports).
public enum PublicationRoute: String, Codable, Sendable {
    case immediate, day7, day14, publishNow = "publish_now"
}

public enum WithdrawalReason: String, Codable, Sendable, CaseIterable {
    case resolved, compensated, mistake, other
}

/// The facts about a review that the rules look at.
public struct ReviewFacts: Equatable, Sendable {
    public var status: ReviewStatus
    public var rating: Int
    public var submittedAt: Date
    public var heldAtIntake: Bool
    public var publishAt: Date?
    public var shopWindowEndsAt: Date
    public var dialog: DialogState
    public var dialogOutcome: DialogOutcome?
    public var resolvedAt: Date?
    public var editWindowEndsAt: Date?
    /// When and how the review went public: set by the lifecycle on publication (R4, R6), kept afterwards.
    public var publishedAt: Date?
    public var publishedVia: PublicationRoute?

    public init(
        status: ReviewStatus, rating: Int, submittedAt: Date, heldAtIntake: Bool, publishAt: Date?,
        shopWindowEndsAt: Date, dialog: DialogState = .none, dialogOutcome: DialogOutcome? = nil,
        resolvedAt: Date? = nil, editWindowEndsAt: Date? = nil, publishedAt: Date? = nil,
        publishedVia: PublicationRoute? = nil
    ) {
        self.status = status
        self.rating = rating
        self.submittedAt = submittedAt
        self.heldAtIntake = heldAtIntake
        self.publishAt = publishAt
        self.shopWindowEndsAt = shopWindowEndsAt
        self.dialog = dialog
        self.dialogOutcome = dialogOutcome
        self.resolvedAt = resolvedAt
        self.editWindowEndsAt = editWindowEndsAt
        self.publishedAt = publishedAt
        self.publishedVia = publishedVia
    }
}

/// Everything anyone may try to do to a review. Shop commands that would hide, edit, delay or delete a review
/// do not exist here: R7 is enforced by their absence and by 405 at the HTTP edge.
public enum ReviewCommand: Equatable, Sendable {
    case publishNow
    case deadlineReached
    case openDialog
    case customerResolved
    case shopCloses
    case customerEdits(rating: Int)
    case withdraw
    case moderatorRemoves
    case moderatorReinstates
}

/// A command the rules forbid, with the reason in words for the 409.
public struct ReviewRuleViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// The review state machine (R3–R10, R12): applies a command to the facts at `now`, or says why not.
public struct ReviewLifecycle: Sendable {
    public let policy: HoldPolicy
    public let timeZone: TimeZone

    public init(policy: HoldPolicy, timeZone: TimeZone) {
        self.policy = policy
        self.timeZone = timeZone
    }

    public func apply(_ command: ReviewCommand, to facts: ReviewFacts, now: Date) throws -> ReviewFacts {
        var next = facts
        func refuse(_ reason: String) -> ReviewRuleViolation { ReviewRuleViolation(reason: reason) }
        let live = facts.status == .standby || facts.status == .published
        switch command {
        case .publishNow:
            guard facts.status == .standby else { throw refuse("Only a review in standby can be published early.") }
            next.status = .published
            next.publishAt = nil
            next.publishedAt = now
            next.publishedVia = .publishNow
        case .deadlineReached:
            guard facts.status == .standby, let publishAt = facts.publishAt else {
                throw refuse("The review is not waiting for publication.")
            }
            guard now >= publishAt else { throw refuse("The hold has not ended yet.") }
            next.status = .published
            next.publishAt = nil
            next.publishedAt = now
            next.publishedVia = .atDeadline(dialog: facts.dialog)
        case .openDialog:
            guard live else { throw refuse("A dialog cannot be opened on a withdrawn or removed review.") }
            guard facts.heldAtIntake else { throw refuse("Dialogs are for held (negative or neutral) reviews.") }
            guard facts.dialog == .none else { throw refuse("This review already has a dialog.") }
            guard now < facts.shopWindowEndsAt else {
                throw refuse("The shop's \(policy.shopWindowDays)-day window to open a dialog has closed.")
            }
            next.dialog = .open
            if facts.status == .standby {
                // R6: the cap replaces the day-7 date and cannot be extended by anyone.
                next.publishAt = policy.hardCap(submittedAt: facts.submittedAt, timeZone: timeZone)
            }
        case .customerResolved:
            guard facts.dialog != .none else { throw refuse("There is no dialog to resolve.") }
            guard facts.dialogOutcome != .resolved else { throw refuse("The dialog is already resolved.") }
            guard live else { throw refuse("The review was withdrawn or removed.") }
            next = resolved(next, now: now)
        case .shopCloses:
            guard facts.dialog == .open else { throw refuse("The dialog is not open.") }
            next.dialog = .closed
            if next.dialogOutcome == nil { next.dialogOutcome = .closedByShop }
        case .customerEdits(let rating):
            guard (1...5).contains(rating) else { throw refuse("The rating must be 1 to 5.") }
            guard live else { throw refuse("A withdrawn or removed review cannot be changed.") }
            let inEditWindow = facts.editWindowEndsAt.map { now < $0 } ?? false
            let canResolveByEditing = facts.dialog != .none && facts.dialogOutcome != .resolved
            guard facts.status == .standby || inEditWindow || canResolveByEditing else {
                throw refuse("The review can be changed while it is held, or for \(policy.editWindowDays) days "
                             + "after the dialog with the shop is resolved.")
            }
            next.rating = rating
            // R8: the customer's own edit during a dialog resolves it. R9: a raised rating never publishes early.
            if canResolveByEditing { next = resolved(next, now: now) }
        case .withdraw:
            guard live else { throw refuse("The review is already withdrawn or removed.") }
            next.status = .withdrawn
            next.publishAt = nil
        case .moderatorRemoves:
            guard live else { throw refuse("The review is not visible or pending.") }
            next.status = .removed
            next.publishAt = nil
        case .moderatorReinstates:
            guard facts.status == .removed else { throw refuse("Only a removed review can be reinstated.") }
            next.status = .published
        }
        return next
    }

    /// The customer's word: the outcome is `resolved` and the edit window opens. The dialog itself stays as it is;
    /// the shop's "Confirm and close" moves it to the archive, keeping the outcome.
    private func resolved(_ facts: ReviewFacts, now: Date) -> ReviewFacts {
        var next = facts
        next.dialogOutcome = .resolved
        next.resolvedAt = now
        next.editWindowEndsAt = policy.editWindowEnds(resolvedAt: now, timeZone: timeZone)
        return next
    }

    /// What the customer may do now, for `allowedActions` on the customer endpoint and the customer pages.
    public func customerActions(_ facts: ReviewFacts, now: Date, reportsUsed: Int, appealedAt: Date?) -> [String] {
        var actions: [String] = []
        let candidates: [(String, ReviewCommand)] = [
            ("publish_now", .publishNow), ("resolve", .customerResolved), ("edit", .customerEdits(rating: 5)),
            ("withdraw", .withdraw),
        ]
        for (name, command) in candidates where (try? apply(command, to: facts, now: now)) != nil {
            actions.append(name)
        }
        if facts.dialog != .none { actions.append("message") }
        if ModerationRules.refusalToReport(status: facts.status, used: reportsUsed) == nil { actions.append("report") }
        if ModerationRules.refusalToAppeal(status: facts.status, appealedAt: appealedAt) == nil { actions.append("appeal") }
        return actions
    }
}
