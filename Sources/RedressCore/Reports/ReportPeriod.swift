import Foundation

/// The stretch of days a report covers, in the shop's time zone: whole local days from `from` to `to` (both
/// included), the instants `[start, end)` they span, and the period of the same length just before, for comparison.
public struct ReportPeriod: Sendable, Equatable {
    public enum Preset: String, Sendable, CaseIterable {
        case last30Days = "30d", last3Months = "3m", last12Months = "12m", custom
    }

    public var preset: Preset
    /// First and last local day, `yyyy-MM-dd`.
    public var from: String
    public var to: String
    public var start: Date
    public var end: Date
    public var timeZone: TimeZone
    /// Local days in the period.
    public var days: Int

    /// Two years and a day: a longer custom period is refused with a clear message.
    public static let maximumDays = 731

    /// The period for a preset (default: the last 30 days, today included), or for custom dates: `from` and `to`
    /// count when the preset is `custom` or absent (a missing one defaults to 30 days before / today).
    public static func resolve(preset: String?, from: String?, to: String?, now: Date, timeZone: TimeZone) throws
        -> ReportPeriod
    {
        let calendar = Self.calendar(timeZone)
        let today = calendar.startOfDay(for: now)
        let chosen: Preset
        if let preset, !preset.isEmpty {
            guard let known = Preset(rawValue: preset) else {
                throw ValidationErrors.one("preset", "must be 30d, 3m, 12m or custom")
            }
            chosen = known
        } else {
            chosen = (from ?? "").isEmpty && (to ?? "").isEmpty ? .last30Days : .custom
        }
        var first = calendar.date(byAdding: .day, value: -29, to: today)!
        var last = today
        switch chosen {
        case .last30Days:
            break
        case .last3Months, .last12Months:
            let months = chosen == .last3Months ? -3 : -12
            first = calendar.date(byAdding: .day, value: 1, to: calendar.date(byAdding: .month, value: months, to: today)!)!
        case .custom:
            var errors = ValidationErrors()
            if let text = from, !text.isEmpty {
                if let day = localDay(text, calendar: calendar) { first = day } else { errors.add("from", "must be a date like 2026-01-31") }
            }
            if let text = to, !text.isEmpty {
                if let day = localDay(text, calendar: calendar) { last = day } else { errors.add("to", "must be a date like 2026-01-31") }
            }
            try errors.throwIfAny()
        }
        let days = (calendar.dateComponents([.day], from: first, to: last).day ?? 0) + 1
        if days < 1 { throw ValidationErrors.one("to", "must not be before from") }
        if days > maximumDays { throw ValidationErrors.one("from", "the period may span at most \(maximumDays) days") }
        return ReportPeriod(
            preset: chosen, from: Self.format(first, calendar: calendar), to: Self.format(last, calendar: calendar),
            start: first, end: calendar.date(byAdding: .day, value: 1, to: last)!, timeZone: timeZone, days: days)
    }

    /// The first and last local day as days since 1970-01-01 (the keys of the daily report counters).
    public var firstDay: Int { ComplaintReport.localDay(start, timeZone) }
    public var lastDay: Int { firstDay + days - 1 }

    /// The period of the same number of days that ends the day before this one starts.
    public var previous: ReportPeriod {
        let calendar = Self.calendar(timeZone)
        let last = calendar.date(byAdding: .day, value: -1, to: start)!
        let first = calendar.date(byAdding: .day, value: -days, to: start)!
        return ReportPeriod(preset: .custom, from: Self.format(first, calendar: calendar),
                            to: Self.format(last, calendar: calendar), start: first, end: start, timeZone: timeZone,
                            days: days)
    }

    public enum Grouping: String, Sendable, CaseIterable { case day, week, month }

    public struct Bucket: Sendable, Equatable {
        /// `2026-11-23` for a day, the Monday's date for an ISO week (`2026-W48` is its label), `2026-11` for a month.
        public var key: String
        public var start: Date
        public var end: Date
    }

    /// Consecutive local days, ISO weeks (Monday first) or months covering the period; the first and last may be
    /// cut by the period's edges.
    public func buckets(_ grouping: Grouping) -> [Bucket] {
        var calendar = Self.calendar(timeZone)
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        var buckets: [Bucket] = []
        var cursor = start
        while cursor < end {
            let next: Date
            let key: String
            switch grouping {
            case .day:
                next = calendar.date(byAdding: .day, value: 1, to: cursor)!
                key = Self.format(cursor, calendar: calendar)
            case .week:
                let week = calendar.dateInterval(of: .weekOfYear, for: cursor)!
                next = week.end
                let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: cursor)
                key = String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!)
            case .month:
                next = calendar.dateInterval(of: .month, for: cursor)!.end
                let parts = calendar.dateComponents([.year, .month], from: cursor)
                key = String(format: "%04d-%02d", parts.year!, parts.month!)
            }
            buckets.append(Bucket(key: key, start: cursor, end: min(next, end)))
            cursor = next
        }
        return buckets
    }

    /// The index of the bucket holding `date`, by binary search (buckets are sorted and contiguous).
    public static func bucketIndex(of date: Date, in buckets: [Bucket]) -> Int? {
        var low = 0, high = buckets.count
        while low < high {
            let middle = (low + high) / 2
            if buckets[middle].end <= date { low = middle + 1 } else { high = middle }
        }
        return low < buckets.count && buckets[low].start <= date ? low : nil
    }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    static func localDay(_ text: String, calendar: Calendar) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day),
              let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: date) == day
        else { return nil }
        return calendar.startOfDay(for: date)
    }

    static func format(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
