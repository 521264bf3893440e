internal import FluentKit
internal import SQLKit

/// Reports (issue 8): how often a complaint was reopened and how many replies it got; the reviews counted per submission hour (kept with every
/// review change, filled here from the rows a database already has); indexes for the report queries.
struct AddReportFacts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("complaints")
            .field("reopened_count", .int, .required, .sql(.default(0)))
            .update()
        // SQLite adds one column per ALTER TABLE.
        try await database.schema("complaints")
            .field("reply_count", .int, .required, .sql(.default(0)))
            .update()
        try await database.schema("review_hourly_counts")
            .field("shop_id", .string, .required)
            .field("hour", .int64, .required)
            .field("metric", .string, .required)
            .field("count", .int, .required)
            .unique(on: "shop_id", "hour", "metric")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        // Frozen copy of the recount as it was when this migration shipped: the store's query may change later,
        // what this migration did must not (issue 16).
        let hour: SQLQueryString = sql.dialect.name == "sqlite"
            ? "CAST(submitted_at / 3600 AS INTEGER)" : "CAST(FLOOR(EXTRACT(EPOCH FROM submitted_at) / 3600) AS BIGINT)"
        let held: SQLQueryString = sql.dialect.name == "sqlite" ? "CAST(held AS TEXT)" : "CASE WHEN held THEN '1' ELSE '0' END"
        try await sql.raw("""
            INSERT INTO review_hourly_counts (shop_id, hour, metric, count)
            SELECT shop_id, \(hour) AS hour,
                   CAST(rating AS TEXT) || '|' || \(held) || '|' || status || '|' || COALESCE(published_via, '') AS metric,
                   COUNT(*) AS count
            FROM reviews
            GROUP BY shop_id, \(hour), CAST(rating AS TEXT) || '|' || \(held) || '|' || status || '|' || COALESCE(published_via, '')
            """).run()
        try await sql.raw("""
            UPDATE complaints SET reply_count = (SELECT COUNT(*) FROM complaint_messages m
              WHERE m.complaint_id = complaints.id AND m.author = 'shop' AND m.is_internal = \(bind: false))
            """).run()
        // A period's complaints by receipt; covers the repeat-customer and repeat-order counts (no table reads).
        try await sql.create(index: "complaints_shop_report").on("complaints").column("shop_id").column("received_at")
            .column("email_normalized").column("order_id").column("merged_into").run()
        try await sql.create(index: "complaints_shop_order").on("complaints").column("shop_id").column("order_id")
            .column("received_at").run()
        try await sql.create(index: "reviews_shop_held").on("reviews").column("shop_id").column("held")
            .column("submitted_at").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in ["complaints_shop_report", "complaints_shop_order", "reviews_shop_held"] {
            try await sql.drop(index: index).run()
        }
        try await database.schema("review_hourly_counts").delete()
        try await database.schema("complaints").deleteField("reply_count").update()
        try await database.schema("complaints").deleteField("reopened_count").update()
    }
}
