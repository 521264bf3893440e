import Foundation
import Synchronization

/// The shop's working time for the operational SLA (C3): working weekdays, opening hours, holidays, time zone.
public struct BusinessCalendar: Sendable, Equatable {
    public var timeZone: TimeZone
    /// Gregorian weekdays, 1 = Sunday … 7 = Saturday.
    public var workingWeekdays: Set<Int>
    /// Opening and closing as minutes after local midnight.
    public var opensAt: Int
    public var closesAt: Int
    /// Local dates (`yyyy-MM-dd`) with no working hours.
    public var holidays: Set<String>

    public init(
        timeZone: TimeZone, workingWeekdays: Set<Int> = [2, 3, 4, 5, 6], opensAt: Int = 9 * 60,
        closesAt: Int = 17 * 60, holidays: Set<String> = []
    ) {
        self.timeZone = timeZone
        self.workingWeekdays = workingWeekdays
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.holidays = holidays
    }

    /// Polish public holidays of a year (fixed dates and those that follow Easter), computed once per year.
    public static func polishHolidays(_ year: Int) -> Set<String> {
        holidayCache.withLock { cache in
            if let known = cache[year] { return known }
            let days = computePolishHolidays(year)
            cache[year] = days
            return days
        }
    }

    private static let holidayCache = Mutex<[Int: Set<String>]>([:])

    static func computePolishHolidays(_ year: Int) -> Set<String> {
        var days: Set<String> = ["01-01", "01-06", "05-01", "05-03", "08-15", "11-01", "11-11", "12-25", "12-26"]
        if year >= 2025 { days.insert("12-24") }
        let easter = easterSunday(year)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for offset in [0, 1, 49, 60] {  // Easter Sunday and Monday, Pentecost, Corpus Christi
            let date = calendar.date(byAdding: .day, value: offset, to: easter)!
            let parts = calendar.dateComponents([.month, .day], from: date)
            days.insert(String(format: "%02d-%02d", parts.month!, parts.day!))
        }
        return Set(days.map { "\(year)-\($0)" })
    }

    /// Easter Sunday (Gregorian, anonymous algorithm), at UTC midnight.
    static func easterSunday(_ year: Int) -> Date {
        let a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The working interval of the local day that contains `date`, or nil when it is not a working day.
    func workingInterval(dayOf date: Date) -> (Date, Date)? {
        let calendar = self.calendar
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        guard workingWeekdays.contains(parts.weekday!) else { return nil }
        if holidays.contains(String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)) { return nil }
        let open = calendar.date(from: DateComponents(year: parts.year, month: parts.month, day: parts.day,
                                                      hour: opensAt / 60, minute: opensAt % 60))!
        let close = calendar.date(from: DateComponents(year: parts.year, month: parts.month, day: parts.day,
                                                       hour: closesAt / 60, minute: closesAt % 60))!
        return close > open ? (open, close) : nil
    }

    private func nextDay(after date: Date) -> Date { nextDayStart(after: date) }

    func nextDayStart(after date: Date) -> Date {
        let calendar = self.calendar
        return calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: date))!
    }

    /// Working seconds between two instants.
    public func workingSeconds(from start: Date, to end: Date) -> TimeInterval {
        guard end > start else { return 0 }
        var total: TimeInterval = 0
        var day = calendar.startOfDay(for: start)
        var guardDays = 0
        while day < end && guardDays < 3700 {
            if let (open, close) = workingInterval(dayOf: day.addingTimeInterval(3600 * 12)) {
                let from = max(open, start), to = min(close, end)
                if to > from { total += to.timeIntervalSince(from) }
            }
            day = nextDay(after: day.addingTimeInterval(3600 * 12))
            guardDays += 1
        }
        return total
    }

    /// The instant when `seconds` of working time have passed after `start`.
    public func adding(workingSeconds seconds: TimeInterval, to start: Date) -> Date {
        var left = seconds
        var cursor = start
        for _ in 0..<3700 {
            if let (open, close) = workingInterval(dayOf: cursor) {
                let from = max(open, cursor)
                if from < close {
                    let available = close.timeIntervalSince(from)
                    if left <= available { return from.addingTimeInterval(left) }
                    left -= available
                }
            }
            cursor = nextDay(after: cursor)
        }
        return cursor
    }
}

/// The working intervals of a stretch of days, computed once and shared by many SLA calculations (a queue page
/// with 50 complaints asks the same days again and again).
public struct WorkingSchedule: Sendable {
    public let intervals: [(start: Date, end: Date)]

    /// No working time at all (for facts with no duration to measure).
    public init() { intervals = [] }

    public init(calendar: BusinessCalendar, from start: Date, to end: Date) {
        var intervals: [(start: Date, end: Date)] = []
        var day = start
        for _ in 0..<3700 where day < end.addingTimeInterval(86_400) {
            if let (open, close) = calendar.workingInterval(dayOf: day) { intervals.append((open, close)) }
            day = calendar.nextDayStart(after: day).addingTimeInterval(3600 * 12)
        }
        self.intervals = intervals
    }

    /// Working seconds between two instants inside the stretch.
    public func workingSeconds(from start: Date, to end: Date) -> TimeInterval {
        guard end > start else { return 0 }
        // The first interval that ends after `start` (binary search), then forward until past `end`.
        var low = 0, high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].end <= start { low = middle + 1 } else { high = middle }
        }
        var total: TimeInterval = 0
        var index = low
        while index < intervals.count && intervals[index].start < end {
            let from = max(intervals[index].start, start), to = min(intervals[index].end, end)
            if to > from { total += to.timeIntervalSince(from) }
            index += 1
        }
        return total
    }
}

/// The operational SLA of one complaint (C3): targets in working hours, paused while waiting for the customer.
public struct SLAClock: Sendable, Equatable {
    public var firstResponseHours: Double
    public var resolutionHours: Double

    public init(firstResponseHours: Double, resolutionHours: Double) {
        self.firstResponseHours = firstResponseHours
        self.resolutionHours = resolutionHours
    }

    /// Targets per priority (working hours).
    public static func forPriority(_ priority: ComplaintPriority, urgent: Bool) -> SLAClock {
        if urgent { return SLAClock(firstResponseHours: 2, resolutionHours: 16) }
        switch priority {
        case .high: return SLAClock(firstResponseHours: 4, resolutionHours: 24)
        case .normal: return SLAClock(firstResponseHours: 8, resolutionHours: 40)
        case .low: return SLAClock(firstResponseHours: 16, resolutionHours: 80)
        }
    }

    public enum State: String, Sendable, Equatable, Codable {
        case ok, nearBreach = "near_breach", breached, met, paused
    }

    /// Working time used: from receipt to `now` (or `stoppedAt`), minus the paused working time.
    public func used(receivedAt: Date, now: Date, pausedSeconds: TimeInterval, pausedSince: Date?,
                     calendar: BusinessCalendar) -> TimeInterval {
        used(receivedAt: receivedAt, now: now, pausedSeconds: pausedSeconds, pausedSince: pausedSince,
             workingSeconds: calendar.workingSeconds(from:to:))
    }

    /// The same over a precomputed schedule.
    public func used(receivedAt: Date, now: Date, pausedSeconds: TimeInterval, pausedSince: Date?,
                     workingSeconds: (Date, Date) -> TimeInterval) -> TimeInterval {
        var used = workingSeconds(receivedAt, now) - pausedSeconds
        if let pausedSince { used -= workingSeconds(pausedSince, now) }
        return max(0, used)
    }

    /// The state against a target: met when done, breached past it, near breach in the last 20 %.
    /// Where one complaint stands against both targets at `now` (C3): the first response is measured to the first
    /// reply (or to `now` while there is none), the resolution to the decision (or to `now`); a pause counts for both
    /// until the clock runs again.
    public struct Standing: Sendable, Equatable {
        public var firstResponse: State
        public var resolution: State
        /// Working seconds used towards the resolution.
        public var usedSeconds: TimeInterval

        /// Used working hours, to one decimal.
        public var usedHours: Double { (usedSeconds / 360).rounded() / 10 }
    }

    public func standing(receivedAt: Date, now: Date, firstResponseAt: Date?, decidedAt: Date?,
                         pausedSeconds: TimeInterval, pausedSince: Date?,
                         workingSeconds: (Date, Date) -> TimeInterval) -> Standing {
        let used = used(receivedAt: receivedAt, now: decidedAt ?? now, pausedSeconds: pausedSeconds,
                        pausedSince: pausedSince, workingSeconds: workingSeconds)
        let firstUsed = firstResponseAt.map {
            self.used(receivedAt: receivedAt, now: $0, pausedSeconds: pausedSeconds, pausedSince: nil,
                      workingSeconds: workingSeconds)
        } ?? used
        let paused = pausedSince != nil
        return Standing(
            firstResponse: state(targetHours: firstResponseHours, used: firstUsed, done: firstResponseAt != nil,
                                 paused: paused),
            resolution: state(targetHours: resolutionHours, used: used, done: decidedAt != nil, paused: paused),
            usedSeconds: used)
    }

    public func state(targetHours: Double, used: TimeInterval, done: Bool, paused: Bool) -> State {
        let target = targetHours * 3600
        if done { return used <= target ? .met : .breached }
        if used > target { return .breached }
        if paused { return .paused }
        return used >= target * 0.8 ? .nearBreach : .ok
    }
}
