import Foundation

/// The statutory answer deadline (C2), a pure function of the receipt time and the shop's time zone.
///
/// Reading implemented (Polish consumer law, u.p.k. art. 7a: "within 14 days of receipt"):
/// - The day of receipt is not counted (civil code art. 111 § 2): a complaint received on 3 March at any hour has
///   its first day on 4 March and its 14th day on 17 March.
/// - The term ends at the end of the 14th day in the shop's time zone, so the deadline instant is the start of the
///   15th day (local midnight), exact across daylight-saving changes.
/// - A 14th day on a Saturday, Sunday or public holiday is NOT moved to the next working day. Civil code art. 115
///   would move the end of a term for performing an act; whether it applies to this deadline is disputed, and the
///   consequence of guessing wrong is a complaint accepted against the shop's will. Redress takes the reading that
///   can never be late: the shop always has the full 14 calendar days and never relies on an extension.
/// - The clock never pauses (waiting for the customer pauses only the operational SLA, C3).
/// - Businesses (party type `business`) have no statutory deadline; the same date is shown as a target but the
///   complaint is never deemed accepted.
public struct LegalClock: Sendable, Equatable {
    /// Days to answer; 14 in Poland, configurable per jurisdiction.
    public var days: Int
    /// Days after receipt when the shop is warned (C2).
    public var warningDays: [Int]
    /// Local hour of the warnings.
    public var warningHour: Int

    public init(days: Int = 14, warningDays: [Int] = [7, 10, 12], warningHour: Int = 9) {
        self.days = days
        self.warningDays = warningDays
        self.warningHour = warningHour
    }

    /// Warnings for another term length at the same proportions as 7, 10 and 12 of 14 (at least day 1, distinct).
    public static func warningDays(forTerm days: Int) -> [Int] {
        if days == 14 { return [7, 10, 12] }
        let proposed = [0.5, 10.0 / 14.0, 12.0 / 14.0].map { max(1, Int((Double(days) * $0).rounded(.down))) }
        return Array(Set(proposed.filter { $0 < days })).sorted()
    }

    /// The instant after which an unanswered complaint is deemed accepted.
    public func answerDue(receivedAt: Date, timeZone: TimeZone) -> Date {
        startOfDay(daysAfter: days + 1, receivedAt: receivedAt, timeZone: timeZone)
    }

    /// The last calendar day of the term (for display: "answer by 17 March").
    public func lastDay(receivedAt: Date, timeZone: TimeZone) -> Date {
        startOfDay(daysAfter: days, receivedAt: receivedAt, timeZone: timeZone)
    }

    /// When the warnings go out: `warningHour` local time on days 7, 10 and 12 of the term, skipping any that
    /// would fall before the receipt (a complaint entered late by staff).
    public func warnings(receivedAt: Date, timeZone: TimeZone) -> [(day: Int, at: Date)] {
        warningDays.compactMap { day in
            let at = startOfDay(daysAfter: day, receivedAt: receivedAt, timeZone: timeZone)
                .addingTimeInterval(Double(warningHour) * 3600)
            return at > receivedAt ? (day, at) : nil
        }
    }

    /// Whole days (of 24 hours) from `now` to the legal due date, rounded down: negative once it has passed. What
    /// the API's `daysLeft` and the panel's chip say.
    public static func daysLeft(dueAt: Date, now: Date) -> Int {
        Int((dueAt.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// Whole calendar days of the term already used at `now` (0 on the day of receipt).
    public func dayOfTerm(receivedAt: Date, now: Date, timeZone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: receivedAt)
        let today = calendar.startOfDay(for: now)
        return calendar.dateComponents([.day], from: start, to: today).day ?? 0
    }

    /// Local midnight `n` calendar days after the day of `receivedAt`.
    func startOfDay(daysAfter n: Int, receivedAt: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let receiptDay = calendar.startOfDay(for: receivedAt)
        let target = calendar.date(byAdding: .day, value: n, to: receiptDay)!
        return calendar.startOfDay(for: target)
    }
}
