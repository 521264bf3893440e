import Foundation
import RedressCore
internal import SQLKit

/// The daily report roll-ups (issue 8), kept in the same transaction as every change of a complaint, a mediation
/// dialog or a review's rating: `report_daily_counts` (shop, family `c`/`d`/`r`, local day, metric, shard → value;
/// a counter is the sum of its shards, `ShardReportCounts`), `report_durations` (one row per duration, in an
/// index ordered by length, so a median is a short index walk) and `report_contributions` (what each complaint or
/// dialog added, so the next change takes exactly that back).
/// `report_labels` names the products counted.
public struct ReportRollupStore: Sendable {
    public init() {}

    // MARK: Keeping them

    /// Recomputes one complaint's contribution from its row and moves the counters by the difference (a merged
    /// duplicate leaves the reports). One query reads the facts, the shop's zone and what was counted before.
    public func refreshComplaint(_ id: String, on sql: DatabaseSession) async throws {
        let products: SQLQueryString = sql.dialect.name == "sqlite"
            ? "json_group_array(i.product_id)" : "CAST(json_agg(i.product_id) AS TEXT)"
        guard let row = try await sql.raw("""
            SELECT \(ReportStore.complaintColumns), c.shop_id, c.merged_into, s.time_zone, s.locale, k.body AS kept,
                   k.zone AS kept_zone,
                   (SELECT \(products) FROM complaint_items i WHERE i.complaint_id = c.id) AS products
            FROM complaints c JOIN shops s ON s.id = c.shop_id LEFT JOIN complaint_decisions d ON d.id = c.decision_id
              LEFT JOIN report_contributions k ON k.subject_id = c.id
            WHERE c.id = \(bind: id)
            """).first() else { return }
        let shop = ShopID(try row.decode(column: "shop_id", as: String.self))
        let kept = try Self.kept(row)
        let zone = TimeZone(identifier: try row.decode(column: "time_zone", as: String.self)) ?? .gmt
        guard try row.decodeNil(column: "merged_into") else {
            try await apply(subject: id, shop: shop, zone: zone, from: kept, to: nil, on: sql)
            return
        }
        let productIds = try row.optional("products", as: String.self)
            .flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        let fact = try ReportStore.complaintFact(row, products: productIds)
        // Working hours only matter once there is a response or a close to measure.
        var schedule = WorkingSchedule()
        if fact.firstResponseAt != nil || fact.closedAt != nil {
            let settings = try await ComplaintSettingsStore().find(shop: shop, on: sql)
                ?? .defaults(shop: shop, locale: try row.decode(column: "locale", as: String.self))
            schedule = Self.schedule([fact], settings: settings, zone: zone)
        }
        let contribution = fact.contribution(timeZone: zone, schedule: schedule)
        if try await apply(subject: id, shop: shop, zone: zone, from: kept, to: contribution, on: sql),
           !productIds.isEmpty {
            try await saveLabels(shop: shop, products: try await productNames(complaint: id, on: sql), on: sql)
        }
    }

    /// What a subject's row says was counted before, and in which zone.
    static func kept(_ row: any SQLRow) throws -> (contribution: ReportContribution, zone: String)? {
        guard let body = try row.optional("kept", as: String.self), let contribution = ReportContribution.decode(body)
        else { return nil }
        return (contribution, try row.optional("kept_zone", as: String.self) ?? "")
    }

    /// Recomputes the contribution of the dialog of a review (only held reviews count theirs).
    public func refreshDialog(reviewId: String, on sql: DatabaseSession) async throws {
        try await refreshDialog(where: "r.id = \(bind: reviewId)", on: sql)
    }

    func refreshDialog(where condition: SQLQueryString, on sql: DatabaseSession) async throws {
        guard let row = try await sql.raw("""
            SELECT \(ReportStore.dialogColumns), r.shop_id, r.held, s.time_zone, k.body AS kept, k.zone AS kept_zone
            FROM reviews r JOIN dialogs d ON d.review_id = r.id JOIN shops s ON s.id = r.shop_id
              LEFT JOIN report_contributions k ON k.subject_id = d.id
            WHERE \(condition)
            """).first() else { return }
        let fact = try ReportStore.dialogFact(row)
        let zone = TimeZone(identifier: try row.decode(column: "time_zone", as: String.self)) ?? .gmt
        try await apply(subject: fact.id, shop: ShopID(try row.decode(column: "shop_id", as: String.self)), zone: zone,
                        from: try Self.kept(row),
                        to: try row.decode(column: "held", as: Bool.self) ? fact.contribution(timeZone: zone) : nil, on: sql)
    }

    /// One step of moving a shop's roll-ups to its new time zone (after the shop changed it): up to `limit`
    /// complaints and dialogs still counted in another zone are counted again; when none is left, the review
    /// products are counted again from the rows. Returns true when the shop is done. Each step is a short
    /// transaction of timed work, so a large shop's writes never wait long; reports in between count some
    /// subjects on the days of the old zone.
    public func rezoneStep(shop: ShopID, limit: Int = 300, on sql: DatabaseSession) async throws -> Bool {
        guard let record = try await ShopStore().find(shop, on: sql) else { return true }
        let zone = TimeZone(identifier: record.timeZone) ?? .gmt
        var pending: [(String, String)] = []
        // Two index ranges (zones before and after the current one) rather than `<>`, which would walk the rows done.
        for comparison in ["<", ">"] {
            guard pending.count < limit else { break }
            pending += try await sql.raw("""
                SELECT subject_id, body FROM report_contributions
                WHERE shop_id = \(bind: shop.rawValue) AND zone \(unsafeRaw: comparison) \(bind: zone.identifier)
                LIMIT \(literal: limit - pending.count)
                """).all().map { (try $0.decode(column: "subject_id", as: String.self),
                                  ReportContribution.decode(try $0.decode(column: "body", as: String.self))?.family ?? "") }
        }
        for (subject, family) in pending {
            if family == "d" {
                try await refreshDialog(where: "d.id = \(bind: subject)", on: sql)
            } else {
                try await refreshComplaint(subject, on: sql)
            }
        }
        if !pending.isEmpty {
            // Every step moves on, even past a subject that could not be counted again (`verify` would show it).
            try await sql.raw("""
                UPDATE report_contributions SET zone = \(bind: zone.identifier)
                WHERE subject_id IN (\(binds: pending.map(\.0)))
                """).run()
            return false
        }
        if let deferred = sql.deferred { try await flush(deferred, on: DatabaseSession(sql.database)) }
        try await sql.raw("""
            DELETE FROM report_daily_counts WHERE shop_id = \(bind: shop.rawValue) AND family = 'r'
            """).run()
        let reviewed = try await reviewProducts(shop: shop, zone: zone, on: sql)
        try await add(reviewed.deltas, shop: shop, on: sql)
        return true
    }

    /// A review's products (mediation by product), moved when a review is submitted or its rating changes: per
    /// product and local day of submission, the reviews and the sum of their current ratings.
    public func trackReview(before: ReviewRecord?, after: ReviewRecord, on sql: DatabaseSession) async throws {
        guard before?.rating != after.rating else { return }
        let rows = try await sql.raw("""
            SELECT i.product_id, i.name, s.time_zone FROM order_items i JOIN shops s ON s.id = i.shop_id
            WHERE i.order_id = \(bind: after.orderId) AND i.shop_id = \(bind: after.shopId)
            """).all()
        guard let first = rows.first else { return }
        let zone = TimeZone(identifier: try first.decode(column: "time_zone", as: String.self)) ?? .gmt
        var names: [String: String] = [:]
        for row in rows {
            let product = try row.decode(column: "product_id", as: String.self)
            let name = try row.decode(column: "name", as: String.self)
            names[product] = min(names[product] ?? name, name)
        }
        let day = ComplaintReport.localDay(after.submittedAt, zone)
        var deltas: [ReportContribution.Delta] = []
        for product in names.keys.sorted() {
            if before == nil { deltas.append(.init(day: day, metric: MediationReport.Metric.product + product, value: 1)) }
            deltas.append(.init(day: day, metric: MediationReport.Metric.productRatingSum + product,
                                value: after.rating - (before?.rating ?? 0)))
        }
        try await add(deltas, shop: ShopID(after.shopId), on: sql)
        // Names come with the order, so only a new review can bring one.
        if before == nil {
            try await saveLabels(shop: ShopID(after.shopId), prefix: MediationReport.Metric.product, products: names, on: sql)
        }
    }

    /// Moves the counters from what `subject` added before (`old`, as kept) to `contribution` (nil: it adds nothing
    /// any more); false when nothing changed.
    @discardableResult
    func apply(subject: String, shop: ShopID, zone: TimeZone, from kept: (contribution: ReportContribution, zone: String)?,
               to contribution: ReportContribution?, on sql: DatabaseSession) async throws -> Bool
    {
        let old = kept?.contribution
        guard old != contribution else {
            // Counted the same in a new zone (no day moved): only the zone it was counted in changes.
            if let kept, kept.zone != zone.identifier {
                try await sql.raw("""
                    UPDATE report_contributions SET zone = \(bind: zone.identifier) WHERE subject_id = \(bind: subject)
                    """).run()
            }
            return false
        }
        try await add(ReportContribution.deltas(from: old, to: contribution), shop: shop, on: sql)
        if old?.durations != contribution?.durations || old?.day != contribution?.day {
            try await sql.raw("DELETE FROM report_durations WHERE subject_id = \(bind: subject)").run()
            if let contribution {
                try await insertDurations([(subject, contribution)], shop: shop, on: sql)
            }
        }
        guard let contribution else {
            try await sql.raw("DELETE FROM report_contributions WHERE subject_id = \(bind: subject)").run()
            return true
        }
        try await sql.insert(into: "report_contributions").columns("subject_id", "shop_id", "zone", "body")
            .values(SQLBind(subject), SQLBind(shop.rawValue), SQLBind(zone.identifier), SQLBind(contribution.encoded()))
            .onConflict(with: ["subject_id"]) { $0.set(excludedValueOf: "zone").set(excludedValueOf: "body") }.run()
        return true
    }

    /// Writes the counter additions a PostgreSQL transaction held back (`DeferredCounts`), one shop at a time, the
    /// same counter summed first.
    func flush(_ deferred: DeferredCounts, on sql: DatabaseSession) async throws {
        for (shop, deltas) in deferred.take() {
            var sums: [String: ReportContribution.Delta] = [:]
            for delta in deltas {
                let key = "\(delta.day)|\(delta.metric)"
                sums[key, default: .init(day: delta.day, metric: delta.metric, value: 0)].value += delta.value
            }
            try await add(sums.values.filter { $0.value != 0 }, shop: shop, on: sql)
        }
    }

    /// How many rows a daily counter is spread over on PostgreSQL (its value is their sum).
    static let shards = 8

    func add(_ deltas: [ReportContribution.Delta], shop: ShopID, on sql: DatabaseSession) async throws {
        if let deferred = sql.deferred {
            deferred.append(deltas, shop: shop)
            return
        }
        // Rows locked in key order, so concurrent writers cannot deadlock.
        let deltas = deltas.sorted {
            let families = (ReportContribution.family($0.metric), ReportContribution.family($1.metric))
            if families.0 != families.1 { return families.0 < families.1 }
            return $0.day != $1.day ? $0.day < $1.day : $0.metric < $1.metric
        }
        // One shard for the whole call (ShardReportCounts): concurrent transactions of a shop mostly lock other rows.
        let shard = sql.dialect.name == "sqlite" ? 0 : Int.random(in: 0..<Self.shards)
        for chunk in stride(from: 0, to: deltas.count, by: 500) {
            var insert = sql.insert(into: "report_daily_counts")
                .columns("shop_id", "family", "day", "metric", "shard", "value")
            for delta in deltas[chunk..<min(chunk + 500, deltas.count)] {
                insert = insert.values(SQLBind(shop.rawValue), SQLBind(ReportContribution.family(delta.metric)),
                                       SQLBind(delta.day), SQLBind(delta.metric), SQLBind(shard), SQLBind(delta.value))
            }
            try await insert.onConflict(with: ["shop_id", "family", "day", "metric", "shard"]) {
                $0.set("value", to: SQLRaw("report_daily_counts.value + excluded.value"))
            }.run()
        }
    }

    func insertDurations(_ subjects: [(String, ReportContribution)], shop: ShopID, on sql: DatabaseSession)
        async throws
    {
        let rows = subjects.flatMap { subject, contribution in
            contribution.durations.sorted { $0.key < $1.key }.map { (subject, contribution.day, $0.key, $0.value) }
        }
        for chunk in stride(from: 0, to: rows.count, by: 500) {
            var insert = sql.insert(into: "report_durations").columns("shop_id", "metric", "seconds", "day", "subject_id")
            for (subject, day, metric, seconds) in rows[chunk..<min(chunk + 500, rows.count)] {
                insert = insert.values(SQLBind(shop.rawValue), SQLBind(metric), SQLBind(seconds), SQLBind(day),
                                       SQLBind(subject))
            }
            try await insert.run()
        }
    }

    /// Product names for the product breakdown (the alphabetically first name a product was claimed under).
    func saveLabels(shop: ShopID, prefix: String = ComplaintReport.Metric.product, products: [String: String],
                    on sql: DatabaseSession) async throws {
        guard !products.isEmpty else { return }
        var insert = sql.insert(into: "report_labels").columns("shop_id", "key", "label")
        for (product, name) in products.sorted(by: { $0.key < $1.key }) {
            insert = insert.values(SQLBind(shop.rawValue), SQLBind(prefix + product), SQLBind(name))
        }
        try await insert.onConflict(with: ["shop_id", "key"]) {
            $0.set("label", to: SQLRaw("CASE WHEN excluded.label\(Self.byCodePoint(sql)) < report_labels.label "
                                       + "THEN excluded.label ELSE report_labels.label END"))
        }.run()
    }

    func productNames(complaint: String, on sql: DatabaseSession) async throws -> [String: String] {
        var names: [String: String] = [:]
        for row in try await sql.raw("""
            SELECT product_id, name FROM complaint_items WHERE complaint_id = \(bind: complaint)
            """).all() {
            let product = try row.decode(column: "product_id", as: String.self)
            let name = try row.decode(column: "name", as: String.self)
            names[product] = min(names[product] ?? name, name)
        }
        return names
    }

    /// Names compare by code point on both engines, as Swift's `min` does (SQLite compares bytes already; PostgreSQL
    /// would use the database's locale).
    static func byCodePoint(_ sql: DatabaseSession) -> String { sql.dialect.name == "sqlite" ? "" : " COLLATE \"C\"" }

    /// Working intervals from the day before the first receipt to the last answer of the facts.
    static func schedule(_ facts: [ComplaintFact], settings: ComplaintSettingsRecord, zone: TimeZone) -> WorkingSchedule {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let dates = facts.flatMap { [$0.receivedAt, $0.firstResponseAt, $0.closedAt].compactMap { $0 } }
        let years = (dates.min().map { calendar.component(.year, from: $0) } ?? 2000) - 1
            ... (dates.max().map { calendar.component(.year, from: $0) } ?? 2000) + 1
        return ComplaintReport.schedule(for: facts, calendar: settings.businessCalendar(timeZone: zone, years: years))
    }

    // MARK: Rebuilding and recounting

    /// Every contribution of one shop computed again from the rows: what the counters must equal.
    public func recount(shop: ShopID, on sql: DatabaseSession) async throws
        -> (contributions: [(String, ReportContribution)], reviewProducts: [ReportContribution.Delta],
            labels: [String: String])
    {
        guard let record = try await ShopStore().find(shop, on: sql) else { return ([], [], [:]) }
        let zone = TimeZone(identifier: record.timeZone) ?? .gmt
        let settings = try await ComplaintSettingsStore().find(shop: shop, on: sql)
            ?? .defaults(shop: shop, locale: record.locale)
        let store = ReportStore()
        let complaints = try await store.complaintFacts(shop: shop, on: sql)
        let schedule = Self.schedule(complaints, settings: settings, zone: zone)
        var result = complaints.map { ($0.id, $0.contribution(timeZone: zone, schedule: schedule)) }
        result += try await store.dialogFacts(shop: shop, on: sql)
            .map { ($0.id, $0.contribution(timeZone: zone)) }
        var labels: [String: String] = [:]
        for row in try await sql.raw("""
            SELECT i.product_id, MIN(i.name\(unsafeRaw: Self.byCodePoint(sql))) AS name
            FROM complaint_items i JOIN complaints c ON c.id = i.complaint_id
            WHERE c.shop_id = \(bind: shop.rawValue) AND c.merged_into IS NULL GROUP BY i.product_id
            """).all() {
            labels[ComplaintReport.Metric.product + (try row.decode(column: "product_id", as: String.self))]
                = try row.decode(column: "name", as: String.self)
        }
        let reviewed = try await reviewProducts(shop: shop, zone: zone, on: sql)
        labels.merge(reviewed.labels) { first, _ in first }
        return (result, reviewed.deltas, labels)
    }

    /// Reviews and rating sums per product and local day counted from the rows (a review counts once per product
    /// of its order), and the products' names.
    func reviewProducts(shop: ShopID, zone: TimeZone, on sql: DatabaseSession) async throws
        -> (deltas: [ReportContribution.Delta], labels: [String: String])
    {
        guard let range = try await sql.raw("""
            SELECT MIN(submitted_at) AS first, MAX(submitted_at) AS last FROM reviews WHERE shop_id = \(bind: shop.rawValue)
            """).first(), let first = try range.optional("first", as: Date.self), let last = try range.optional("last", as: Date.self)
        else { return ([], [:]) }
        let epoch: SQLQueryString = sql.dialect.name == "sqlite"
            ? "CAST(submitted_at AS INTEGER)" : "CAST(FLOOR(EXTRACT(EPOCH FROM submitted_at)) AS BIGINT)"
        let offset = ReportStore.offsetExpression(
            ReportStore.offsets(zone, start: first.addingTimeInterval(-1), end: last.addingTimeInterval(1)), epoch: epoch)
        var deltas: [ReportContribution.Delta] = []
        for row in try await sql.raw("""
            SELECT (\(epoch) + \(offset)) / 86400 AS day, product_id, COUNT(*) AS n, CAST(SUM(rating) AS BIGINT) AS total
            FROM (SELECT DISTINCT r.id, r.submitted_at, r.rating, i.product_id
                  FROM reviews r JOIN order_items i ON i.order_id = r.order_id AND i.shop_id = r.shop_id
                  WHERE r.shop_id = \(bind: shop.rawValue)) reviewed
            GROUP BY 1, product_id
            """).all() {
            let day = try row.decode(column: "day", as: Int.self)
            let product = try row.decode(column: "product_id", as: String.self)
            deltas.append(.init(day: day, metric: MediationReport.Metric.product + product,
                                value: try row.decode(column: "n", as: Int.self)))
            deltas.append(.init(day: day, metric: MediationReport.Metric.productRatingSum + product,
                                value: try row.decode(column: "total", as: Int.self)))
        }
        var labels: [String: String] = [:]
        for row in try await sql.raw("""
            SELECT i.product_id, MIN(i.name\(unsafeRaw: Self.byCodePoint(sql))) AS name
            FROM order_items i JOIN reviews r ON r.order_id = i.order_id
            WHERE r.shop_id = \(bind: shop.rawValue) AND i.shop_id = \(bind: shop.rawValue) GROUP BY i.product_id
            """).all() {
            labels[MediationReport.Metric.product + (try row.decode(column: "product_id", as: String.self))]
                = try row.decode(column: "name", as: String.self)
        }
        return (deltas, labels)
    }

    /// Replaces one shop's roll-ups with a recount (after its time zone changed, and to fill them the first time).
    /// Left in `installation` by a migration that needs the roll-ups counted again from the rows.
    static let rebuildPendingKey = "reports.rollups_rebuild"

    /// Counts every shop's roll-ups again when a migration asked for it, then forgets the request. Idempotent: a
    /// crash half-way leaves the request, and the next start counts again.
    func rebuildIfRequested(on sql: DatabaseSession) async throws -> Int {
        guard try await InstallationStore().value(Self.rebuildPendingKey, on: sql) != nil else { return 0 }
        let shops = try await sql.raw("SELECT id FROM shops ORDER BY id").all()
        for row in shops {
            let shop = ShopID(try row.decode(column: "id", as: String.self))
            try await rebuild(shop: shop, on: sql)
        }
        try await InstallationStore().remove(Self.rebuildPendingKey, on: sql)
        return shops.count
    }

    public func rebuild(shop: ShopID, on sql: DatabaseSession) async throws {
        // Additions held back earlier in this transaction land before the recount replaces them.
        if let deferred = sql.deferred { try await flush(deferred, on: DatabaseSession(sql.database)) }
        for table in ["report_daily_counts", "report_durations", "report_contributions", "report_labels"] {
            try await sql.raw("DELETE FROM \(ident: table) WHERE shop_id = \(bind: shop.rawValue)").run()
        }
        let (contributions, reviewed, labels) = try await recount(shop: shop, on: sql)
        var sums: [String: ReportContribution.Delta] = [:]
        for delta in reviewed { sums["\(delta.day)|\(delta.metric)"] = delta }
        for (_, contribution) in contributions {
            for delta in ReportContribution.deltas(from: nil, to: contribution) {
                sums["\(delta.day)|\(delta.metric)", default: .init(day: delta.day, metric: delta.metric, value: 0)].value
                    += delta.value
            }
        }
        try await add(Array(sums.values), shop: shop, on: sql)
        try await insertDurations(contributions, shop: shop, on: sql)
        let zone = (try await ShopStore().find(shop, on: sql).flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt).identifier
        for chunk in stride(from: 0, to: contributions.count, by: 500) {
            var insert = sql.insert(into: "report_contributions").columns("subject_id", "shop_id", "zone", "body")
            for (subject, contribution) in contributions[chunk..<min(chunk + 500, contributions.count)] {
                insert = insert.values(SQLBind(subject), SQLBind(shop.rawValue), SQLBind(zone),
                                       SQLBind(contribution.encoded()))
            }
            try await insert.run()
        }
        let sorted = labels.sorted { $0.key < $1.key }
        for chunk in stride(from: 0, to: sorted.count, by: 500) {
            var insert = sql.insert(into: "report_labels").columns("shop_id", "key", "label")
            for (key, label) in sorted[chunk..<min(chunk + 500, sorted.count)] {
                insert = insert.values(SQLBind(shop.rawValue), SQLBind(key), SQLBind(label))
            }
            try await insert.run()
        }
    }

    /// One shop's kept roll-ups, in the same form as a recount: `day|metric` → value (zeros left out), every
    /// duration row as `subject|metric|day|seconds`, and the labels.
    func stored(shop: ShopID, on sql: DatabaseSession) async throws
        -> (counts: [String: Int], durations: [String], labels: [String: String])
    {
        var counts: [String: Int] = [:]
        for row in try await sql.raw("""
            SELECT day, metric, CAST(SUM(value) AS BIGINT) AS value FROM report_daily_counts
            WHERE shop_id = \(bind: shop.rawValue) GROUP BY day, metric HAVING SUM(value) <> 0
            """).all() {
            counts["\(try row.decode(column: "day", as: Int.self))|\(try row.decode(column: "metric", as: String.self))"]
                = try row.decode(column: "value", as: Int.self)
        }
        let durations = try await sql.raw("""
            SELECT subject_id, metric, day, seconds FROM report_durations WHERE shop_id = \(bind: shop.rawValue)
            """).all().map { row in
            "\(try row.decode(column: "subject_id", as: String.self))|\(try row.decode(column: "metric", as: String.self))|"
                + "\(try row.decode(column: "day", as: Int.self))|\(try row.decode(column: "seconds", as: Int.self))"
        }
        var labels: [String: String] = [:]
        for row in try await sql.raw("SELECT key, label FROM report_labels WHERE shop_id = \(bind: shop.rawValue)").all() {
            labels[try row.decode(column: "key", as: String.self)] = try row.decode(column: "label", as: String.self)
        }
        return (counts, durations.sorted(), labels)
    }

    /// What differs between the kept roll-ups of a shop and a recount from its rows (empty: they are equal), as
    /// readable lines, and how many counters and durations were compared.
    public func verify(shop: ShopID, on sql: DatabaseSession) async throws
        -> (differences: [String], counters: Int, durations: Int)
    {
        let kept = try await stored(shop: shop, on: sql)
        let recount = try await recount(shop: shop, on: sql)
        let expected = Self.expected(recount.contributions, reviewProducts: recount.reviewProducts)
        var differences: [String] = []
        for key in Set(kept.counts.keys).union(expected.counts.keys).sorted() where kept.counts[key] != expected.counts[key] {
            differences.append("counter \(key): kept \(kept.counts[key] ?? 0), recounted \(expected.counts[key] ?? 0)")
        }
        let keptDurations = Set(kept.durations), expectedDurations = Set(expected.durations)
        for row in keptDurations.subtracting(expectedDurations).sorted() { differences.append("duration kept, not recounted: \(row)") }
        for row in expectedDurations.subtracting(keptDurations).sorted() { differences.append("duration recounted, not kept: \(row)") }
        if kept.durations.count != expected.durations.count {
            differences.append("durations: \(kept.durations.count) kept, \(expected.durations.count) recounted")
        }
        for key in Set(kept.labels.keys).union(recount.labels.keys).sorted() where kept.labels[key] != recount.labels[key] {
            differences.append("label \(key): kept \(kept.labels[key] ?? "none"), recounted \(recount.labels[key] ?? "none")")
        }
        return (differences, expected.counts.count, expected.durations.count)
    }

    /// A recount in the form of `stored`.
    static func expected(_ contributions: [(String, ReportContribution)], reviewProducts: [ReportContribution.Delta])
        -> (counts: [String: Int], durations: [String])
    {
        var counts: [String: Int] = [:]
        for delta in reviewProducts { counts["\(delta.day)|\(delta.metric)", default: 0] += delta.value }
        var durations: [String] = []
        for (subject, contribution) in contributions {
            for delta in ReportContribution.deltas(from: nil, to: contribution) {
                counts["\(delta.day)|\(delta.metric)", default: 0] += delta.value
            }
            for (metric, seconds) in contribution.durations {
                durations.append("\(subject)|\(metric)|\(contribution.day)|\(seconds)")
            }
        }
        return (counts.filter { $0.value != 0 }, durations.sorted())
    }

    // MARK: Reading them

    /// The roll-up of one shop's metrics of a family (`c`, `d` or `r`) over local days `first…last`: totals, the
    /// per-day values of `series`, and the spread of every duration metric (or of those in `spreads`).
    public func rollup(shop: ShopID, family: String, firstDay: Int, lastDay: Int, series: Set<String>,
                       spreads wanted: Set<String>? = nil, on sql: DatabaseSession) async throws -> ReportRollup
    {
        var totals: [String: Int] = [:]
        for row in try await sql.raw("""
            SELECT metric, CAST(SUM(value) AS BIGINT) AS total FROM report_daily_counts
            WHERE shop_id = \(bind: shop.rawValue) AND family = \(bind: family) AND day >= \(bind: firstDay)
              AND day <= \(bind: lastDay)
            GROUP BY metric
            """).all() {
            totals[try row.decode(column: "metric", as: String.self)] = try row.decode(column: "total", as: Int.self)
        }
        var daily: [Int: [String: Int]] = [:]
        if !series.isEmpty {
            for row in try await sql.raw("""
                SELECT day, metric, CAST(SUM(value) AS BIGINT) AS value FROM report_daily_counts
                WHERE shop_id = \(bind: shop.rawValue) AND family = \(bind: family) AND day >= \(bind: firstDay)
                  AND day <= \(bind: lastDay) AND metric IN (\(binds: series.sorted()))
                GROUP BY day, metric
                """).all() {
                daily[try row.decode(column: "day", as: Int.self), default: [:]][
                    try row.decode(column: "metric", as: String.self)] = try row.decode(column: "value", as: Int.self)
            }
        }
        // How many durations each metric has in all, to choose how to find a rank.
        var everywhere: [String: Int] = [:]
        for row in try await sql.raw("""
            SELECT metric, CAST(SUM(value) AS BIGINT) AS value FROM report_daily_counts
            WHERE shop_id = \(bind: shop.rawValue) AND family = \(bind: family)
              AND day = \(bind: ReportContribution.allDays)
            GROUP BY metric
            """).all() {
            everywhere[try row.decode(column: "metric", as: String.self)] = try row.decode(column: "value", as: Int.self)
        }
        var spreads: [String: Spread] = [:]
        for (metric, count) in totals where metric.hasPrefix("#") && count > 0 {
            let name = String(metric.dropFirst())
            if let wanted, !wanted.contains(name) { continue }
            spreads[name] = try await spread(shop: shop, metric: name, firstDay: firstDay, lastDay: lastDay, count: count,
                                             all: everywhere[metric] ?? count, on: sql)
        }
        return ReportRollup(totals: totals, daily: daily, spreads: spreads)
    }

    /// The median and 90th percentile of `count` durations of a metric in the days given, read at their ranks.
    /// When the days hold a good part of all the metric's durations, the index ordered by length is walked (it
    /// stops at the rank); otherwise the days' durations are sorted (few of them).
    func spread(shop: ShopID, metric: String, firstDay: Int, lastDay: Int, count: Int, all: Int,
                on sql: DatabaseSession) async throws -> Spread
    {
        guard let ranks = Spread.ranks(count: count) else { return Spread([]) }
        let walk = count * 10 >= all
        // A unary `+` keeps an index from serving that term, so the planner takes the index the strategy needs.
        let days: SQLQueryString = walk
            ? "+day >= \(bind: firstDay) AND +day <= \(bind: lastDay)"
            : "day >= \(bind: firstDay) AND day <= \(bind: lastDay)"
        let order: SQLQueryString = walk ? "seconds" : "+seconds"
        func values(from rank: Int, count take: Int) async throws -> [Int] {
            try await sql.raw("""
                SELECT seconds FROM report_durations
                WHERE shop_id = \(bind: shop.rawValue) AND metric = \(bind: metric) AND \(days)
                ORDER BY \(order) LIMIT \(literal: take) OFFSET \(literal: rank)
                """).all().map { try $0.decode(column: "seconds", as: Int.self) }
        }
        var known: [Int: Double] = [:]
        for (offset, value) in try await values(from: ranks.median[0], count: ranks.median.count).enumerated() {
            known[ranks.median[0] + offset] = Double(value)
        }
        if known[ranks.p90] == nil, let value = try await values(from: ranks.p90, count: 1).first {
            known[ranks.p90] = Double(value)
        }
        return Spread(count: count) { known[$0] ?? 0 }
    }

    /// Reviews per product (count and mean current rating) over local days `first…last`, the most reviewed first.
    public func reviewsByProduct(shop: ShopID, firstDay: Int, lastDay: Int, limit: Int = 200, on sql: DatabaseSession)
        async throws -> [(productId: String, name: String, reviews: Int, average: Double)]
    {
        let rollup = try await rollup(shop: shop, family: "r", firstDay: firstDay, lastDay: lastDay, series: [], spreads: [],
                                      on: sql)
        let counts = rollup.keyed(MediationReport.Metric.product), sums = rollup.keyed(MediationReport.Metric.productRatingSum)
        let top = counts.filter { $0.value > 0 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
        let names = try await labels(shop: shop, keys: top.map { MediationReport.Metric.product + $0.key }, on: sql)
        return top.map { product, count in
            (product, names[MediationReport.Metric.product + product] ?? product, count,
             Spread.round(Double(sums[product] ?? 0) / Double(count)))
        }
    }

    /// Names of the products in `keys` (`c.product:` + id).
    public func labels(shop: ShopID, keys: [String], on sql: DatabaseSession) async throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        var labels: [String: String] = [:]
        for row in try await sql.raw("""
            SELECT key, label FROM report_labels WHERE shop_id = \(bind: shop.rawValue) AND key IN (\(binds: keys))
            """).all() {
            labels[try row.decode(column: "key", as: String.self)] = try row.decode(column: "label", as: String.self)
        }
        return labels
    }
}
