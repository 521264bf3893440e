import Foundation

/// Median and 90th percentile of a set of durations, in hours. The median of an even count is the mean of the two
/// middle values; the 90th percentile is the nearest-rank one (the smallest value with at least 90 % of the values
/// at or below it), so it is always a value that occurred.
public struct Spread: Sendable, Equatable, Codable {
    public var count: Int
    public var median: Double?
    public var p90: Double?

    public init(count: Int, median: Double?, p90: Double?) {
        self.count = count
        self.median = median
        self.p90 = p90
    }

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        guard !sorted.isEmpty else {
            median = nil
            p90 = nil
            return
        }
        let middle = sorted.count / 2
        median = Self.round(sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2)
        let rank = Int((0.9 * Double(sorted.count)).rounded(.up))
        p90 = Self.round(sorted[max(rank, 1) - 1])
    }

    /// Two decimals: reports show hours, and equality in tests must not hinge on the last bit.
    public static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

/// A part of a whole, as a count and a percentage with one decimal (nil when the whole is zero).
public struct Share: Sendable, Equatable, Codable {
    public var count: Int
    public var of: Int
    public var percent: Double?

    public init(_ count: Int, of whole: Int) {
        self.count = count
        self.of = whole
        percent = whole > 0 ? (Double(count) / Double(whole) * 1000).rounded() / 10 : nil
    }
}

/// A mean of whole-number ratings from their sum and count, with two decimals (nil when there is none).
public func meanRating(sum: Int, count: Int) -> Double? {
    count > 0 ? Spread.round(Double(sum) / Double(count)) : nil
}

/// The mean of `count` durations summing to `seconds`, in hours with two decimals (nil when there is none).
public func averageHours(seconds: Int, count: Int) -> Double? {
    count > 0 ? Spread.round(Double(seconds) / Double(count) / 3600) : nil
}

/// One line of a breakdown: a key (a category, a product id…), the label shown, and its count.
public struct BreakdownRow: Sendable, Equatable, Codable {
    public var key: String
    public var label: String
    public var count: Int

    public init(key: String, label: String, count: Int) {
        self.key = key
        self.label = label
        self.count = count
    }

    /// Counted keys as rows, the largest first, ties by key.
    public static func rows(_ counts: [String: Int], label: (String) -> String = { $0 }) -> [BreakdownRow] {
        counts.map { BreakdownRow(key: $0.key, label: label($0.key), count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
    }
}
