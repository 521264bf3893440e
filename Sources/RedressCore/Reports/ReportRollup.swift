import Foundation

/// What one complaint or one mediation dialog adds to its shop's daily report counters (issue 8): the local day it
/// counts on (of receipt, or of the review's submission), countable figures, and durations in whole seconds whose
/// medians and 90th percentiles reports need. The write path keeps the counters equal to the sum of every subject's
/// contribution, so a year of reports reads a few thousand counters instead of a hundred thousand rows.
public struct ReportContribution: Sendable, Equatable, Codable {
    /// Days since 1970-01-01 in the shop's time zone.
    public var day: Int
    public var counts: [String: Int]
    public var durations: [String: Int]

    public init(day: Int, counts: [String: Int] = [:], durations: [String: Int] = [:]) {
        self.day = day
        self.counts = counts
        self.durations = durations
    }

    /// The day all-time totals are kept on (real days are 0 or later).
    public static let allDays = -1

    /// Adds one to a counter (or `value`, for sums).
    mutating func add(_ metric: String, _ value: Int = 1) { counts[metric, default: 0] += value }

    /// Records a duration, counted under `#metric` on its day and for all days (the rank queries need both).
    mutating func duration(_ metric: String, seconds: Double) {
        durations[metric] = Int(seconds.rounded())
        add(Self.countMetric(metric))
    }

    /// The family of a metric: `c` (complaints), `d` (dialogs) or `r` (reviews) — the letter before the first dot.
    /// Counters are stored by family first, so a report of one family never scans the others' rows.
    public static func family(_ metric: String) -> String {
        let name = metric.hasPrefix("#") ? metric.dropFirst() : Substring(metric)
        return String(name.prefix { $0 != "." })
    }

    /// The family of the subject (`c` a complaint, `d` a dialog): every contribution counts the subject itself.
    public var family: String { counts.keys.min().map(Self.family) ?? "" }

    /// The counter that holds how many durations of `metric` there are.
    public static func countMetric(_ metric: String) -> String { "#" + metric }

    /// One change of one daily counter.
    public struct Delta: Sendable, Equatable {
        public var day: Int
        public var metric: String
        public var value: Int

        public init(day: Int, metric: String, value: Int) {
            self.day = day
            self.metric = metric
            self.value = value
        }
    }

    /// The counter changes that turn `old` into `new` (either may be nil: the subject appears or leaves the
    /// reports), sorted so concurrent writers lock counters in the same order. Duration counts are mirrored on
    /// `allDays`.
    public static func deltas(from old: ReportContribution?, to new: ReportContribution?) -> [Delta] {
        var changes: [String: Delta] = [:]
        func add(_ contribution: ReportContribution?, sign: Int) {
            guard let contribution else { return }
            for (metric, value) in contribution.counts {
                for day in metric.hasPrefix("#") ? [contribution.day, allDays] : [contribution.day] {
                    changes["\(day)|\(metric)", default: Delta(day: day, metric: metric, value: 0)].value += sign * value
                }
            }
        }
        add(old, sign: -1)
        add(new, sign: 1)
        return changes.values.filter { $0.value != 0 }
            .sorted { $0.day != $1.day ? $0.day < $1.day : $0.metric < $1.metric }
    }

    /// A compact, stable text form (kept beside each subject so the next change knows what to take back).
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public static func decode(_ text: String) -> ReportContribution? {
        try? JSONDecoder().decode(ReportContribution.self, from: Data(text.utf8))
    }
}

/// Summed counters of a stretch of days, the per-day values of the series metrics, and the spreads of durations:
/// what the report builders read, whether it came from the database or from facts in memory.
public struct ReportRollup: Sendable, Equatable {
    public var totals: [String: Int]
    /// Day → metric → value, only for the metrics a day/week/month series needs.
    public var daily: [Int: [String: Int]]
    /// Duration metric → spread in hours.
    public var spreads: [String: Spread]

    public init(totals: [String: Int], daily: [Int: [String: Int]], spreads: [String: Spread]) {
        self.totals = totals
        self.daily = daily
        self.spreads = spreads
    }

    /// The roll-up of contributions in memory: the reference the stored counters must equal.
    public init(_ contributions: [ReportContribution], series: Set<String>) {
        var totals: [String: Int] = [:], daily: [Int: [String: Int]] = [:], values: [String: [Double]] = [:]
        for contribution in contributions {
            for (metric, value) in contribution.counts {
                totals[metric, default: 0] += value
                if series.contains(metric) { daily[contribution.day, default: [:]][metric, default: 0] += value }
            }
            for (metric, seconds) in contribution.durations { values[metric, default: []].append(Double(seconds)) }
        }
        self.init(totals: totals, daily: daily, spreads: values.mapValues { Spread($0.map { $0 / 3600 }) })
    }

    public func total(_ metric: String) -> Int { totals[metric] ?? 0 }

    public func spread(_ metric: String) -> Spread { spreads[metric] ?? Spread([]) }

    /// `prefix` + key → value for every total under a prefix (`c.category:` → categories).
    public func keyed(_ prefix: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for (metric, value) in totals where metric.hasPrefix(prefix) && value != 0 {
            result[String(metric.dropFirst(prefix.count))] = value
        }
        return result
    }

    /// The series metrics summed per bucket of local days.
    public func buckets(_ buckets: [ReportPeriod.Bucket], timeZone: TimeZone) -> [[String: Int]] {
        var sums = [[String: Int]](repeating: [:], count: buckets.count)
        for (day, metrics) in daily {
            // Local noon of the day: inside it whatever the DST change.
            let noon = Date(timeIntervalSince1970: Double(day) * 86_400 + 43_200)
            let local = noon.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: noon)))
            guard let index = ReportPeriod.bucketIndex(of: local, in: buckets) else { continue }
            for (metric, value) in metrics { sums[index][metric, default: 0] += value }
        }
        return sums
    }
}

extension Spread {
    /// The 0-based ranks of a sorted list of `count` values that the median and the 90th percentile read.
    public static func ranks(count: Int) -> (median: [Int], p90: Int)? {
        guard count > 0 else { return nil }
        let middle = count / 2
        let rank = Int((0.9 * Double(count)).rounded(.up))
        return (count % 2 == 1 ? [middle] : [middle - 1, middle], max(rank, 1) - 1)
    }

    /// The spread of `count` durations in seconds, from the values at the ranks `ranks(count:)` names (read from an
    /// ordered index); equal to `Spread(values)` of the same durations in hours.
    public init(count: Int, secondsAt value: (Int) -> Double) {
        guard let ranks = Self.ranks(count: count) else {
            self.init(count: 0, median: nil, p90: nil)
            return
        }
        let median = ranks.median.map { value($0) / 3600 }.reduce(0, +) / Double(ranks.median.count)
        self.init(count: count, median: Self.round(median), p90: Self.round(value(ranks.p90) / 3600))
    }
}
