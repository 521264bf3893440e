/// Every kind of timed work Redress schedules, with its payload (S6). The `deadlines.kind` column holds `stored`;
/// the worker parses it back and runs the handler of the kind's `family`, one per case whatever the payload (a
/// complaint warning carries its day: `complaint.warning.7`). Features register the handlers of their families at
/// boot (`DeadlineWorker.register`); a stored kind that parses to nothing, or whose family has no handler, is
/// released for an hour with "no handler", never dropped.
public enum TimedWorkKind: Hashable, Sendable, CustomStringConvertible {
    /// Forget expired sessions and old login failures (the installation, hourly).
    case housekeeping
    /// R2: the review invitation after delivery, and its one reminder.
    case sendInvitation, remindInvitation
    /// R4: a held review published at the end of its hold; the shop's reminder before that.
    case publishReview, remindShop
    /// C2: a warning on `day` of the legal term; the term's end (deemed accepted); the refund's 14 days.
    case complaintWarning(day: Int), complaintDeadline, refundDue
    /// Moving a shop's report roll-ups to its new time zone, step by step.
    case reportsRezone

    /// The handler a kind runs.
    public enum Family: String, CaseIterable, Sendable {
        case housekeeping, sendInvitation, remindInvitation, publishReview, remindShop, complaintWarning,
             complaintDeadline, refundDue, reportsRezone
    }

    /// The warning days a term can have (1 to 60 days).
    public static let warningDays = 1...60

    public var family: Family {
        switch self {
        case .housekeeping: .housekeeping
        case .sendInvitation: .sendInvitation
        case .remindInvitation: .remindInvitation
        case .publishReview: .publishReview
        case .remindShop: .remindShop
        case .complaintWarning: .complaintWarning
        case .complaintDeadline: .complaintDeadline
        case .refundDue: .refundDue
        case .reportsRezone: .reportsRezone
        }
    }

    /// The text stored in `deadlines.kind` (and the `kind` label of `redress_timed_work_total`).
    public var stored: String {
        switch self {
        case .housekeeping: "housekeeping"
        case .sendInvitation: "invitation.send"
        case .remindInvitation: "invitation.remind"
        case .publishReview: "review.publish"
        case .remindShop: "review.shop_reminder"
        case .complaintWarning(let day): "complaint.warning.\(day)"
        case .complaintDeadline: "complaint.deadline"
        case .refundDue: "complaint.refund_due"
        case .reportsRezone: "reports.rezone"
        }
    }

    public var description: String { stored }

    private static let plain: [String: TimedWorkKind] = Dictionary(uniqueKeysWithValues: [
        TimedWorkKind.housekeeping, .sendInvitation, .remindInvitation, .publishReview, .remindShop,
        .complaintDeadline, .refundDue, .reportsRezone,
    ].map { ($0.stored, $0) })

    /// The kind a stored text names, or nil (an unknown text, a warning day outside 1…60).
    public init?(stored: String) {
        if let kind = Self.plain[stored] {
            self = kind
            return
        }
        let prefix = "complaint.warning."
        guard stored.hasPrefix(prefix), let day = Int(stored.dropFirst(prefix.count)),
              Self.warningDays.contains(day), stored == "\(prefix)\(day)"
        else { return nil }
        self = .complaintWarning(day: day)
    }
}
