import Foundation
import RedressCore
internal import SQLKit

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
        /// Open mediation dialogs now, for the panel's header.
        public static let openDialogs = "open_dialogs"
        /// Standby is a current count, not a per-day one.
        public static let allDays = "all"
    }

    /// One change of one counter: a day's public counter, or (`hour` set) a report counter of the reviews
    /// submitted in one UTC hour.
    public struct Delta: Sendable, Equatable {
        public var shop: String
        public var day: String
        public var metric: String
        public var count: Int
        public var hour: Int?

        public init(shop: String, day: String, metric: String, count: Int, hour: Int? = nil) {
            self.shop = shop
            self.day = day
            self.metric = metric
            self.count = count
            self.hour = hour
        }
    }

    /// The report counter a review is counted in (issue 8): its submission hour (seconds since 1970 / 3600) and
    /// `rating|held|status|route`, so reports count a period's reviews from a few thousand rows.
    public static func reportKey(_ review: ReviewRecord) -> (hour: Int, metric: String) {
        (Int((review.submittedAt.timeIntervalSince1970 / 3600).rounded(.down)),
         "\(review.rating)|\(review.held ? 1 : 0)|\(review.status.rawValue)|\(review.publishedVia?.rawValue ?? "")")
    }

    /// A report counter's metric split back into its parts.
    public static func reportParts(_ metric: String) -> (rating: Int, held: Bool, status: String, route: String?)? {
        let parts = metric.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, let rating = Int(parts[0]) else { return nil }
        return (rating, parts[1] == "1", String(parts[2]), parts[3].isEmpty ? nil : String(parts[3]))
    }

    public func add(_ delta: Int, metric: String, day: String, shop: ShopID, on sql: DatabaseSession) async throws {
        try await apply([Delta(shop: shop.rawValue, day: day, metric: metric, count: delta)], on: sql)
    }

    /// Adds the deltas (summed per counter first), one statement per table.
    public func apply(_ deltas: [Delta], on sql: DatabaseSession) async throws {
        var summed: [String: Delta] = [:]
        var order: [String] = []
        for delta in deltas {
            let key = "\(delta.shop)|\(delta.hour.map(String.init) ?? delta.day)|\(delta.metric)"
            if summed[key] == nil { order.append(key) }
            summed[key, default: Delta(shop: delta.shop, day: delta.day, metric: delta.metric, count: 0,
                                       hour: delta.hour)].count += delta.count
        }
        let rows = order.compactMap { summed[$0] }.filter { $0.count != 0 }
        let daily = rows.filter { $0.hour == nil }, hourly = rows.filter { $0.hour != nil }
        if !daily.isEmpty {
            var insert = sql.insert(into: "review_daily_counts").columns("shop_id", "day", "metric", "count")
            for row in daily {
                insert = insert.values(SQLBind(row.shop), SQLBind(row.day), SQLBind(row.metric), SQLBind(row.count))
            }
            try await insert.onConflict(with: ["shop_id", "day", "metric"]) {
                $0.set("count", to: SQLRaw("review_daily_counts.count + excluded.count"))
            }.run()
        }
        if !hourly.isEmpty {
            var insert = sql.insert(into: "review_hourly_counts").columns("shop_id", "hour", "metric", "count")
            for row in hourly {
                insert = insert.values(SQLBind(row.shop), SQLBind(row.hour!), SQLBind(row.metric), SQLBind(row.count))
            }
            try await insert.onConflict(with: ["shop_id", "hour", "metric"]) {
                $0.set("count", to: SQLRaw("review_hourly_counts.count + excluded.count"))
            }.run()
        }
    }

    /// How the counters move when a review goes from `before` (nil: it did not exist) to `after`. A review counts
    /// in the distribution while published, with its current rating, on its submission day.
    public static func deltas(before: ReviewRecord?, after: ReviewRecord) -> [Delta] {
        var deltas: [Delta] = []
        let shop = after.shopId
        if let rating = before?.statsRating {
            deltas.append(Delta(shop: shop, day: before?.statsDay ?? ReviewRecord.statsDay(after.submittedAt),
                                metric: Metric.published(rating), count: -1))
        }
        if after.status == .published {
            deltas.append(Delta(shop: shop, day: ReviewRecord.statsDay(after.submittedAt),
                                metric: Metric.published(after.rating), count: 1))
        }
        let wasStandby = before?.status == .standby
        let isStandby = after.status == .standby
        if wasStandby != isStandby {
            deltas.append(Delta(shop: shop, day: Metric.allDays, metric: Metric.standby, count: isStandby ? 1 : -1))
        }
        let wasOpen = before?.dialogState == .open
        let isOpen = after.dialogState == .open
        if wasOpen != isOpen {
            deltas.append(Delta(shop: shop, day: Metric.allDays, metric: Metric.openDialogs, count: isOpen ? 1 : -1))
        }
        if before?.changedAfterDialogAt == nil, let changed = after.changedAfterDialogAt {
            deltas.append(Delta(shop: shop, day: ReviewRecord.statsDay(changed), metric: Metric.changedAfterDialog,
                                count: 1))
        }
        let reportAfter = reportKey(after)
        if let before {
            let reportBefore = reportKey(before)
            if reportBefore != reportAfter {
                deltas.append(Delta(shop: shop, day: "", metric: reportBefore.metric, count: -1, hour: reportBefore.hour))
                deltas.append(Delta(shop: shop, day: "", metric: reportAfter.metric, count: 1, hour: reportAfter.hour))
            }
        } else {
            deltas.append(Delta(shop: shop, day: "", metric: reportAfter.metric, count: 1, hour: reportAfter.hour))
        }
        if before?.withdrawnAt == nil, let withdrawn = after.withdrawnAt {
            let day = ReviewRecord.statsDay(withdrawn)
            deltas.append(Delta(shop: shop, day: day, metric: Metric.withdrawn, count: 1))
            if after.withdrawReason == WithdrawalReason.compensated.rawValue {
                deltas.append(Delta(shop: shop, day: day, metric: Metric.withdrawnCompensated, count: 1))
            }
        }
        return deltas
    }

    /// Brings the counters from `before` to `after` and returns `after` with what it is counted as recorded.
    public func track(before: ReviewRecord?, after: ReviewRecord, on sql: DatabaseSession) async throws -> ReviewRecord {
        var after = after
        try await apply(Self.deltas(before: before, after: after), on: sql)
        try await ReportRollupStore().trackReview(before: before, after: after, on: sql)
        after.statsDay = ReviewRecord.statsDay(after.submittedAt)
        after.statsRating = after.status == .published ? after.rating : nil
        return after
    }

    public struct Summary: Equatable, Sendable {
        public var distribution: [Int: Int]
        public var inStandby: Int
        public var changedAfterDialog: Int
        public var withdrawn: Int
        public var withdrawnAfterCompensation: Int
        public var openDialogs: Int

        public var count: Int { distribution.values.reduce(0, +) }
        public var average: Double? {
            guard count > 0 else { return nil }
            let total = distribution.reduce(0) { $0 + $1.key * $1.value }
            return (Double(total) / Double(count) * 100).rounded() / 100
        }
    }

    /// Only the current counts (reviews in standby, open dialogs), for the panel's header.
    public func current(shop: ShopID, on sql: DatabaseSession) async throws -> Summary {
        try await summary(shop: shop, sinceDay: nil, on: sql)
    }

    /// The counters from `since` (a UTC day, inclusive) on, with the current counts; only those without a day.
    public func summary(shop: ShopID, sinceDay: String?, on sql: DatabaseSession) async throws -> Summary {
        let period: SQLQueryString = sinceDay.map { "day >= \(bind: $0) OR " } ?? ""
        let rows = try await sql.raw("""
            SELECT metric, CAST(SUM(count) AS BIGINT) AS total FROM review_daily_counts
            WHERE shop_id = \(bind: shop.rawValue) AND (\(period)day = 'all')
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
            withdrawnAfterCompensation: totals[Metric.withdrawnCompensated] ?? 0,
            openDialogs: totals[Metric.openDialogs] ?? 0)
    }

    /// The same numbers counted from the review rows themselves, to check the counters.
    public func recount(shop: ShopID, sinceDay: String, since: Date, on sql: DatabaseSession) async throws -> Summary {
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
                "withdrawn_at >= \(bind: startOfDay(sinceDay) ?? since) AND withdraw_reason = 'compensated'"),
            openDialogs: try await count("dialog_state = 'open'"))
    }

    private func startOfDay(_ day: String) -> Date? { UTCDay.start(day) }

    /// The report counters counted from the review rows: `shop_id, hour, metric, count`. The migration fills
    /// `review_hourly_counts` with it; checks compare the two.
    static func hourlyRecountQuery(shop: ShopID?, dialect: String) -> SQLQueryString {
        let hour: SQLQueryString = dialect == "sqlite"
            ? "CAST(submitted_at / 3600 AS INTEGER)" : "CAST(FLOOR(EXTRACT(EPOCH FROM submitted_at) / 3600) AS BIGINT)"
        let held: SQLQueryString = dialect == "sqlite" ? "CAST(held AS TEXT)" : "CASE WHEN held THEN '1' ELSE '0' END"
        let only: SQLQueryString = shop.map { "WHERE shop_id = \(bind: $0.rawValue)" } ?? ""
        return """
            SELECT shop_id, \(hour) AS hour,
                   CAST(rating AS TEXT) || '|' || \(held) || '|' || status || '|' || COALESCE(published_via, '') AS metric,
                   COUNT(*) AS count
            FROM reviews \(only)
            GROUP BY shop_id, \(hour), CAST(rating AS TEXT) || '|' || \(held) || '|' || status || '|' || COALESCE(published_via, '')
            """
    }

    /// Fills the report counters from the review rows (the benchmark seeder; the shipped migration keeps its own
    /// frozen copy).
    public static func fillHourlyCounters(shop: ShopID? = nil, on sql: DatabaseSession) async throws {
        try await sql.raw("INSERT INTO review_hourly_counts (shop_id, hour, metric, count) "
                          + hourlyRecountQuery(shop: shop, dialect: sql.dialect.name)).run()
    }

    /// One shop's report counters, as kept (`recount: false`) or counted again from the rows, as `hour|metric` → n.
    public func hourlyCounters(shop: ShopID, recount: Bool, on sql: DatabaseSession) async throws -> [String: Int] {
        let query: SQLQueryString = recount
            ? Self.hourlyRecountQuery(shop: shop, dialect: sql.dialect.name)
            : "SELECT hour, metric, count FROM review_hourly_counts WHERE shop_id = \(bind: shop.rawValue) AND count <> 0"
        var counters: [String: Int] = [:]
        for row in try await sql.raw(query).all() {
            counters["\(try row.decode(column: "hour", as: Int.self))|\(try row.decode(column: "metric", as: String.self))"]
                = try row.decode(column: "count", as: Int.self)
        }
        return counters
    }
}
