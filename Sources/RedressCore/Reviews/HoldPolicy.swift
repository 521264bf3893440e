import Foundation

/// The fair hold (R3–R6, R9) and the invitation timing (R2), as one installation-wide policy.
/// Day counts are calendar days in the shop's time zone: "day 7" is the same wall-clock time seven days
/// later, also across a daylight-saving change.
public struct HoldPolicy: Sendable, Equatable {
    /// Ratings at or below this are held (R3). One value for the installation, shown on every profile.
    public var threshold: Int = 3
    /// Days the shop has to open a dialog; without one the review is published then (R5).
    public var shopWindowDays: Int = 7
    /// Days after submission when a review with a dialog is published, whatever happens (R6).
    public var hardCapDays: Int = 14
    /// Days the customer may edit after resolving (R9).
    public var editWindowDays: Int = 7
    /// Days the shop's public reply stays editable (R7).
    public var replyEditDays: Int = 7
    /// Hours before the shop's window closes when the shop is reminded (R4).
    public var shopReminderHours: Int = 48
    /// Days after delivery when the invitation goes out (R2).
    public var invitationDelayDays: Int = 7
    /// Days after the invitation when the single reminder goes out, if no review came (R2).
    public var reminderDelayDays: Int = 7
    /// Days an invitation link stays valid (R2).
    public var linkValidityDays: Int = 60
    /// Months the public statistics cover (R13).
    public var statisticsMonths: Int = 12

    public init() {}

    public init(threshold: Int) {
        self.threshold = threshold
    }

    /// What happens to a new review.
    public enum Intake: Equatable, Sendable {
        case publish
        case standby(publishAt: Date, shopWindowEndsAt: Date, shopReminderAt: Date)
    }

    public func isHeld(rating: Int) -> Bool { rating <= threshold }

    public func intake(rating: Int, submittedAt: Date, timeZone: TimeZone) -> Intake {
        guard isHeld(rating: rating) else { return .publish }
        let windowEnds = addDays(shopWindowDays, to: submittedAt, in: timeZone)
        return .standby(
            publishAt: windowEnds, shopWindowEndsAt: windowEnds,
            shopReminderAt: windowEnds.addingTimeInterval(-Double(shopReminderHours) * 3600))
    }

    public func shopWindowEnds(submittedAt: Date, timeZone: TimeZone) -> Date {
        addDays(shopWindowDays, to: submittedAt, in: timeZone)
    }

    /// The publication deadline once a dialog is open (R6).
    public func hardCap(submittedAt: Date, timeZone: TimeZone) -> Date {
        addDays(hardCapDays, to: submittedAt, in: timeZone)
    }

    public func editWindowEnds(resolvedAt: Date, timeZone: TimeZone) -> Date {
        addDays(editWindowDays, to: resolvedAt, in: timeZone)
    }

    public func replyEditableUntil(repliedAt: Date, timeZone: TimeZone) -> Date {
        addDays(replyEditDays, to: repliedAt, in: timeZone)
    }

    public func invitationDue(deliveredAt: Date, timeZone: TimeZone) -> Date {
        addDays(invitationDelayDays, to: deliveredAt, in: timeZone)
    }

    public func reminderDue(invitedAt: Date, timeZone: TimeZone) -> Date {
        addDays(reminderDelayDays, to: invitedAt, in: timeZone)
    }

    public func linkExpiry(issuedAt: Date, timeZone: TimeZone) -> Date {
        addDays(linkValidityDays, to: issuedAt, in: timeZone)
    }

    /// The start of the statistics period ending at `now`.
    public func statisticsStart(now: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(byAdding: .month, value: -statisticsMonths, to: now) ?? now
    }

    /// `days` calendar days later at the same wall-clock time in `timeZone`.
    public func addDays(_ days: Int, to date: Date, in timeZone: TimeZone) -> Date {
        CalendarDays.add(days, to: date, in: timeZone)
    }
}

/// Calendar-day arithmetic in a shop's time zone, shared by the review hold and the complaint refund term.
public enum CalendarDays {
    /// `days` calendar days later at the same wall-clock time in `timeZone`.
    public static func add(_ days: Int, to date: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // Calendar arithmetic works on whole seconds here; the fraction is added back so that "7 days later" is not
        // a few microseconds off the instant a clock moved by exactly 7 days reaches.
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let fraction = date.timeIntervalSince1970 - seconds
        guard let day = calendar.date(byAdding: .day, value: days, to: Date(timeIntervalSince1970: seconds)) else {
            return date.addingTimeInterval(Double(days) * 86_400)
        }
        return Date(timeIntervalSince1970: day.timeIntervalSince1970 + fraction)
    }
}

extension HoldPolicy {
    /// The policy in plain words, for the public profile (R1, R3–R6, R13).
    public func description(language: String) -> (verification: String, policy: String) {
        switch language {
        case "pl":
            return ("Opinie mogą wystawiać wyłącznie klienci, którzy złożyli zamówienie w sklepie: każdy otrzymuje "
                    + "jednorazowy link do opinii o swoim zamówieniu. Jedno zamówienie – jedna opinia.",
                    "Opinie z oceną \(threshold) lub niższą są wstrzymywane najwyżej na \(shopWindowDays) dni, "
                    + "aby sklep mógł wyjaśnić sprawę z klientem; jeśli sklep rozpocznie rozmowę, opinia zostaje "
                    + "opublikowana najpóźniej po \(hardCapDays) dniach. Tylko autor może zmienić lub wycofać opinię. "
                    + "Statystyki obejmują ostatnie \(statisticsMonths) miesięcy.")
        case "es":
            return ("Solo pueden opinar los clientes que compraron en esta tienda: cada uno recibe un enlace personal "
                    + "para su pedido. Un pedido, una opinión.",
                    "Las opiniones con \(threshold) estrellas o menos se retienen como máximo \(shopWindowDays) días "
                    + "para que la tienda hable con el cliente; si la tienda abre una conversación, la opinión se publica "
                    + "como tarde a los \(hardCapDays) días. Solo el autor puede cambiarla o retirarla. Las estadísticas "
                    + "cubren los últimos \(statisticsMonths) meses.")
        case "el":
            return ("Κριτική μπορούν να γράψουν μόνο πελάτες που αγόρασαν από το κατάστημα: ο καθένας λαμβάνει "
                    + "προσωπικό σύνδεσμο για την παραγγελία του. Μία παραγγελία, μία κριτική.",
                    "Οι κριτικές με \(threshold) αστέρια ή λιγότερα κρατούνται το πολύ \(shopWindowDays) ημέρες ώστε το "
                    + "κατάστημα να μιλήσει με τον πελάτη· αν το κατάστημα ανοίξει συζήτηση, η κριτική δημοσιεύεται το "
                    + "αργότερο σε \(hardCapDays) ημέρες. Μόνο ο συντάκτης μπορεί να την αλλάξει ή να την αποσύρει. Τα "
                    + "στατιστικά καλύπτουν τους τελευταίους \(statisticsMonths) μήνες.")
        default:
            return ("Only customers who ordered from this shop can write a review: each gets a personal link for "
                    + "their order. One order, one review.",
                    "Reviews rated \(threshold) or lower are held for at most \(shopWindowDays) days so the shop can "
                    + "talk to the customer; if the shop opens a dialog, the review is published after "
                    + "\(hardCapDays) days at the latest. Only the author can change or withdraw a review. "
                    + "Statistics cover the last \(statisticsMonths) months.")
        }
    }
}
