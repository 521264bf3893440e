import Foundation
import RedressCore
internal import SQLKit

/// The report queries (issue 8): a period's facts, read with plain SQL that both engines run the same way, always
/// for one shop. The rules that turn facts into figures live in `RedressCore/Reports`.
public struct ReportStore: Sendable {
    public init() {}

    /// Every complaint of the shop (merged duplicates left out) with its current decision, reply count and the
    /// products it claims: what the report roll-ups are recounted from.
    public func complaintFacts(shop: ShopID, on sql: DatabaseSession) async throws -> [ComplaintFact] {
        var products: [String: [String]] = [:]
        for row in try await sql.raw("""
            SELECT i.complaint_id, i.product_id FROM complaint_items i JOIN complaints c ON c.id = i.complaint_id
            WHERE c.shop_id = \(bind: shop.rawValue) AND c.merged_into IS NULL
            """).all() {
            products[try row.decode(column: "complaint_id", as: String.self), default: []]
                .append(try row.decode(column: "product_id", as: String.self))
        }
        let rows = try await sql.raw("""
            SELECT \(Self.complaintColumns)
            FROM complaints c LEFT JOIN complaint_decisions d ON d.id = c.decision_id
            WHERE c.shop_id = \(bind: shop.rawValue) AND c.merged_into IS NULL
            """).all()
        var facts: [ComplaintFact] = []
        facts.reserveCapacity(rows.count)
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            facts.append(try Self.complaintFact(row, products: products[id] ?? []))
        }
        return facts
    }

    /// The columns of a complaint's facts (`c` the complaint, `d` its decision).
    static let complaintColumns: SQLQueryString = """
        c.id, c.received_at, c.category, c.claim_type, c.requested_remedy, c.first_response_at, c.closed_at,
        c.decision_sent_at, d.outcome, d.remedy, c.legal_state, c.refund_due_at, c.refunded_at,
        c.survey_sent_at, c.survey_rating, c.assignee_id, c.reopened_count, c.reply_count
        """

    static func complaintFact(_ row: any SQLRow, products: [String]) throws -> ComplaintFact {
        ComplaintFact(
            id: try row.decode(column: "id", as: String.self), receivedAt: try row.decode(column: "received_at", as: Date.self),
            category: try row.decode(column: "category", as: String.self),
            claimType: try row.decode(column: "claim_type", as: String.self),
            requestedRemedy: try row.optional("requested_remedy", as: String.self),
            firstResponseAt: try row.optional("first_response_at", as: Date.self),
            closedAt: try row.optional("closed_at", as: Date.self),
            decisionSentAt: try row.optional("decision_sent_at", as: Date.self),
            outcome: try row.optional("outcome", as: String.self),
            grantedRemedy: try row.optional("remedy", as: String.self),
            legalState: try row.decode(column: "legal_state", as: String.self),
            refundDueAt: try row.optional("refund_due_at", as: Date.self),
            refundedAt: try row.optional("refunded_at", as: Date.self),
            surveySentAt: try row.optional("survey_sent_at", as: Date.self),
            surveyRating: try row.optional("survey_rating", as: Int.self),
            assigneeId: try row.optional("assignee_id", as: String.self),
            shopReplies: try row.decode(column: "reply_count", as: Int.self),
            reopened: try row.decode(column: "reopened_count", as: Int.self), productIds: products)
    }

    /// Complaints received in `[start, end)` whose refund was due before `now` and is not marked refunded.
    public func refundsOverdue(shop: ShopID, start: Date, end: Date, now: Date, on sql: DatabaseSession) async throws
        -> Int
    {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM complaints
            WHERE shop_id = \(bind: shop.rawValue) AND refunded_at IS NULL AND refund_due_at IS NOT NULL
              AND received_at >= \(bind: start) AND received_at < \(bind: end) AND merged_into IS NULL
              AND refund_due_at < \(bind: now)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Customers with two or more complaints, and order lines claimed twice or more, among those received in
    /// `[start, end)`.
    public func repeatComplaints(shop: ShopID, start: Date, end: Date, on sql: DatabaseSession) async throws
        -> RepeatComplaints
    {
        let customers = try await sql.raw("""
            SELECT COUNT(*) AS n FROM (
              SELECT email_normalized FROM complaints
              WHERE shop_id = \(bind: shop.rawValue) AND received_at >= \(bind: start) AND received_at < \(bind: end)
                AND merged_into IS NULL
              GROUP BY email_normalized HAVING COUNT(*) >= 2) repeaters
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        // Only orders with two complaints can have a line claimed twice: find those first, from the index.
        let lines = try await sql.raw("""
            SELECT COUNT(*) AS n FROM (
              SELECT c.order_id, i.product_id FROM complaints c JOIN complaint_items i ON i.complaint_id = c.id
              WHERE c.shop_id = \(bind: shop.rawValue) AND c.received_at >= \(bind: start)
                AND c.received_at < \(bind: end) AND c.merged_into IS NULL AND c.order_id IN (
                  SELECT order_id FROM complaints
                  WHERE shop_id = \(bind: shop.rawValue) AND received_at >= \(bind: start) AND received_at < \(bind: end)
                    AND merged_into IS NULL AND order_id IS NOT NULL
                  GROUP BY order_id HAVING COUNT(*) >= 2)
              GROUP BY c.order_id, i.product_id HAVING COUNT(DISTINCT c.id) >= 2) twice
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        return RepeatComplaints(customers: customers, orderLines: lines)
    }

    /// The reviews submitted in `[start, end)` — whole local days in `zone` — counted by current rating, hold,
    /// status and route, and per local day (days since 1970) with how many were held. Summed by the database from
    /// the per-hour counters kept with every review change; in zones a quarter or half hour off, whose midnights
    /// fall inside an hour, from the review rows.
    public func reviewCounts(shop: ShopID, start: Date, end: Date, zone: TimeZone, on sql: DatabaseSession)
        async throws -> (totals: [ReviewCount], days: [Int: (reviews: Int, held: Int)])
    {
        let sqlite = sql.dialect.name == "sqlite"
        let offsets = Self.offsets(zone, start: start, end: end)
        let wholeHours = start.timeIntervalSince1970.truncatingRemainder(dividingBy: 3600) == 0
            && offsets.allSatisfy { $0.offset % 3600 == 0 }
        let epoch: SQLQueryString, source: SQLQueryString, total: SQLQueryString, held: SQLQueryString
        let totalsQuery: SQLQueryString
        if wholeHours {
            let first = Int(start.timeIntervalSince1970 / 3600), last = Int((end.timeIntervalSince1970 / 3600).rounded(.up))
            epoch = "hour * 3600"
            source = """
                review_hourly_counts WHERE shop_id = \(bind: shop.rawValue) AND hour >= \(bind: first) AND hour < \(bind: last)
                """
            total = "SUM(count)"
            held = "SUM(CASE WHEN metric LIKE '_|1|%' THEN count ELSE 0 END)"
            totalsQuery = "SELECT metric, CAST(SUM(count) AS BIGINT) AS n FROM \(source) GROUP BY metric"
        } else {
            epoch = sqlite ? "CAST(submitted_at AS INTEGER)" : "CAST(FLOOR(EXTRACT(EPOCH FROM submitted_at)) AS BIGINT)"
            source = """
                reviews WHERE shop_id = \(bind: shop.rawValue) AND submitted_at >= \(bind: start) AND submitted_at < \(bind: end)
                """
            total = "COUNT(*)"
            held = "SUM(CASE WHEN held THEN 1 ELSE 0 END)"
            totalsQuery = """
                SELECT CAST(rating AS TEXT) || '|' || CASE WHEN held THEN '1' ELSE '0' END || '|' || status || '|'
                       || COALESCE(published_via, '') AS metric, COUNT(*) AS n
                FROM \(source) GROUP BY rating, held, status, published_via
                """
        }
        let totals = try await sql.raw(totalsQuery).all().compactMap { row -> ReviewCount? in
            guard let parts = ReviewStatsStore.reportParts(try row.decode(column: "metric", as: String.self)) else {
                return nil
            }
            return ReviewCount(rating: parts.rating, held: parts.held, publishedVia: parts.route, status: parts.status,
                               count: try row.decode(column: "n", as: Int.self))
        }
        var days: [Int: (reviews: Int, held: Int)] = [:]
        let day: SQLQueryString = "(\(epoch) + \(Self.offsetExpression(offsets, epoch: epoch))) / 86400"
        for row in try await sql.raw("""
            SELECT \(day) AS day, CAST(\(total) AS BIGINT) AS n, CAST(\(held) AS BIGINT) AS held FROM \(source) GROUP BY 1
            """).all() {
            days[try row.decode(column: "day", as: Int.self)] = (try row.decode(column: "n", as: Int.self),
                                                                 try row.decode(column: "held", as: Int.self))
        }
        return (totals, days)
    }

    /// The zone's offsets from UTC in `[start, end)`: each from the instant it starts.
    static func offsets(_ zone: TimeZone, start: Date, end: Date) -> [(from: Int, offset: Int)] {
        var result = [(from: Int(start.timeIntervalSince1970), offset: zone.secondsFromGMT(for: start))]
        var cursor = start
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end, result.count < 1000 {
            result.append((Int(next.timeIntervalSince1970), zone.secondsFromGMT(for: next)))
            cursor = next
        }
        return result
    }

    /// SQL for the zone's offset at the instant `epoch` (seconds since 1970), from the zone's `offsets`.
    static func offsetExpression(_ offsets: [(from: Int, offset: Int)], epoch: SQLQueryString) -> SQLQueryString {
        guard offsets.count > 1 else { return "\(literal: offsets[0].offset)" }
        var expression: SQLQueryString = "CASE"
        for (index, segment) in offsets.enumerated().dropLast() {
            expression = expression + " WHEN \(epoch) < \(literal: offsets[index + 1].from) THEN \(literal: segment.offset)"
        }
        return expression + " ELSE \(literal: offsets.last!.offset) END"
    }

    /// Every dialog of the shop's held reviews (only those have one), with the review's first rating.
    public func dialogFacts(shop: ShopID, on sql: DatabaseSession) async throws -> [DialogFact] {
        try await sql.raw("""
            SELECT \(Self.dialogColumns) FROM reviews r JOIN dialogs d ON d.review_id = r.id
            WHERE r.shop_id = \(bind: shop.rawValue) AND r.held = \(bind: true)
            """).all().map(Self.dialogFact)
    }

    /// The columns of a dialog's facts (`d` the dialog, `r` its review), with the review's first rating.
    static let dialogColumns: SQLQueryString = """
        d.id, r.submitted_at, r.rating, r.status, d.first_shop_reply_at, d.outcome, d.opened_by,
        (SELECT v.rating FROM review_versions v WHERE v.review_id = r.id AND v.number = 1) AS first_rating
        """

    static func dialogFact(_ row: any SQLRow) throws -> DialogFact {
        let rating = try row.decode(column: "rating", as: Int.self)
        return DialogFact(
            id: try row.decode(column: "id", as: String.self),
            reviewSubmittedAt: try row.decode(column: "submitted_at", as: Date.self),
            firstShopReplyAt: try row.optional("first_shop_reply_at", as: Date.self),
            outcome: try row.optional("outcome", as: String.self),
            firstRating: try row.optional("first_rating", as: Int.self) ?? rating, currentRating: rating,
            reviewStatus: try row.decode(column: "status", as: String.self),
            openedBy: try row.optional("opened_by", as: String.self))
    }

    /// The public profile's counters (changed after dialog, withdrawn, withdrawn after compensation) summed over
    /// the days `from`…`to` (`yyyy-MM-dd`, inclusive), exactly as the profile sums them.
    public func profileCounts(shop: ShopID, fromDay: String, toDay: String, on sql: DatabaseSession) async throws
        -> ProfileCounts
    {
        let rows = try await sql.raw("""
            SELECT metric, CAST(SUM(count) AS BIGINT) AS total FROM review_daily_counts
            WHERE shop_id = \(bind: shop.rawValue) AND day >= \(bind: fromDay) AND day <= \(bind: toDay)
              AND metric IN (\(bind: ReviewStatsStore.Metric.changedAfterDialog), \(bind: ReviewStatsStore.Metric.withdrawn),
                             \(bind: ReviewStatsStore.Metric.withdrawnCompensated))
            GROUP BY metric
            """).all()
        var totals: [String: Int] = [:]
        for row in rows {
            totals[try row.decode(column: "metric", as: String.self)] = try row.decode(column: "total", as: Int.self)
        }
        return ProfileCounts(changedAfterDialog: totals[ReviewStatsStore.Metric.changedAfterDialog] ?? 0,
                             withdrawn: totals[ReviewStatsStore.Metric.withdrawn] ?? 0,
                             withdrawnAfterCompensation: totals[ReviewStatsStore.Metric.withdrawnCompensated] ?? 0)
    }
}

extension SQLRow {
    /// An optional column, checked for NULL first so the value takes the driver's direct conversion (decoding an
    /// `Optional` goes through the generic `Decoder` path, a quarter of a report's time on a large shop).
    func optional<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }
}
