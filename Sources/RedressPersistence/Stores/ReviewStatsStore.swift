import Foundation
import RedressCore
import SQLKit

/// The public statistics (R10, R13) as per-day counters kept in step with every review change, in the same
/// transaction, so the summary reads a few hundred rows however many reviews a shop has.
public struct ReviewStatsStore: Sendable {
    public init() {}

    public enum Metric {
        public static func published(_ rating: Int) -> String { "published_\(rating)" }
        public static let changedAfterDialog = "changed_after_dialog"
        public static let withdrawn = "withdrawn"
        public static let withdrawnCompensated = "withdrawn_compensated"
        public static let standby = "standby"
        /// Standby is a current count, not a per-day one.
        public static let allDays = "all"
    }

    public func add(_ delta: Int, metric: String, day: String, shop: ShopID, on sql: any SQLDatabase) async throws {
        guard delta != 0 else { return }
        try await sql.insert(into: "review_daily_counts")
            .columns("shop_id", "day", "metric", "count")
            .values(SQLBind(shop.rawValue), SQLBind(day), SQLBind(metric), SQLBind(delta))
            .onConflict(with: ["shop_id", "day", "metric"]) {
                $0.set("count", to: SQLRaw("review_daily_counts.count + excluded.count"))
            }
            .run()
    }

    /// Brings the counters from `before` to `after` (nil = the review did not exist) and returns `after` with its
    /// counted day and rating recorded.
    public func track(before: ReviewRecord?, after: ReviewRecord, on sql: any SQLDatabase) async throws -> ReviewRecord {
        var after = after
        let shop = ShopID(after.shopId)
        if let day = before?.statsDay, let rating = before?.statsRating {
            try await add(-1, metric: Metric.published(rating), day: day, shop: shop, on: sql)
        }
        if after.reviewStatus == .published {
            after.statsDay = ReviewRecord.statsDay(after.submittedAt)
            after.statsRating = after.rating
            try await add(1, metric: Metric.published(after.rating), day: after.statsDay!, shop: shop, on: sql)
        } else {
            after.statsDay = nil
            after.statsRating = nil
        }
        let wasStandby = before?.reviewStatus == .standby
        let isStandby = after.reviewStatus == .standby
        if wasStandby != isStandby {
            try await add(isStandby ? 1 : -1, metric: Metric.standby, day: Metric.allDays, shop: shop, on: sql)
        }
        if before?.changedAfterDialogAt == nil, let changed = after.changedAfterDialogAt {
            try await add(1, metric: Metric.changedAfterDialog, day: ReviewRecord.statsDay(changed), shop: shop, on: sql)
        }
        if before?.withdrawnAt == nil, let withdrawn = after.withdrawnAt {
            let day = ReviewRecord.statsDay(withdrawn)
            try await add(1, metric: Metric.withdrawn, day: day, shop: shop, on: sql)
            if after.withdrawReason == WithdrawalReason.compensated.rawValue {
                try await add(1, metric: Metric.withdrawnCompensated, day: day, shop: shop, on: sql)
            }
        }
        return after
    }

    public struct Summary: Equatable, Sendable {
        public var distribution: [Int: Int]
        public var inStandby: Int
        public var changedAfterDialog: Int
        public var withdrawn: Int
        public var withdrawnAfterCompensation: Int

        public var count: Int { distribution.values.reduce(0, +) }
        public var average: Double? {
            guard count > 0 else { return nil }
            let total = distribution.reduce(0) { $0 + $1.key * $1.value }
            return (Double(total) / Double(count) * 100).rounded() / 100
        }
    }

    /// The counters from `since` (a UTC day, inclusive) on.
    public func summary(shop: ShopID, sinceDay: String, on sql: any SQLDatabase) async throws -> Summary {
        let rows = try await sql.raw("""
            SELECT metric, CAST(SUM(count) AS BIGINT) AS total FROM review_daily_counts
            WHERE shop_id = \(bind: shop.rawValue) AND (day >= \(bind: sinceDay) OR day = 'all')
            GROUP BY metric
            """).all()
        var totals: [String: Int] = [:]
        for row in rows {
            totals[try row.decode(column: "metric", as: String.self)] = try row.decode(column: "total", as: Int.self)
        }
        var distribution: [Int: Int] = [:]
        for rating in 1...5 { distribution[rating] = totals[Metric.published(rating)] ?? 0 }
        return Summary(
            distribution: distribution, inStandby: totals[Metric.standby] ?? 0,
            changedAfterDialog: totals[Metric.changedAfterDialog] ?? 0, withdrawn: totals[Metric.withdrawn] ?? 0,
            withdrawnAfterCompensation: totals[Metric.withdrawnCompensated] ?? 0)
    }

    /// The same numbers counted from the review rows themselves, to check the counters.
    public func recount(shop: ShopID, sinceDay: String, since: Date, on sql: any SQLDatabase) async throws -> Summary {
        var distribution: [Int: Int] = [:]
        for rating in 1...5 { distribution[rating] = 0 }
        let published = try await sql.raw("""
            SELECT rating, COUNT(*) AS n FROM reviews
            WHERE shop_id = \(bind: shop.rawValue) AND status = 'published' AND stats_day >= \(bind: sinceDay)
            GROUP BY rating
            """).all()
        for row in published {
            distribution[try row.decode(column: "rating", as: Int.self)] = try row.decode(column: "n", as: Int.self)
        }
        func count(_ condition: SQLQueryString) async throws -> Int {
            let query: SQLQueryString = "SELECT COUNT(*) AS n FROM reviews WHERE shop_id = \(bind: shop.rawValue) AND "
            return try await sql.raw(query + condition).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return Summary(
            distribution: distribution,
            inStandby: try await count("status = 'standby'"),
            changedAfterDialog: try await count("changed_after_dialog_at >= \(bind: startOfDay(sinceDay) ?? since)"),
            withdrawn: try await count("withdrawn_at >= \(bind: startOfDay(sinceDay) ?? since)"),
            withdrawnAfterCompensation: try await count(
                "withdrawn_at >= \(bind: startOfDay(sinceDay) ?? since) AND withdraw_reason = 'compensated'"))
    }

    private func startOfDay(_ day: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: day)
    }
}
