internal import FluentKit
import RedressCore
internal import SQLKit

/// Reports over long periods (issue 8): the daily roll-ups of complaints and mediation dialogs, the durations in
/// an index ordered by length, what each subject contributed, the product names; filled here from the rows a
/// database already has, shop by shop.
struct AddReportRollups: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // By family (`c`, `d`, `r`) before day: a report of one family scans only its own counters.
        try await database.schema("report_daily_counts")
            .field("shop_id", .string, .required)
            .field("family", .string, .required)
            .field("day", .int64, .required)
            .field("metric", .string, .required)
            .field("value", .int64, .required)
            .unique(on: "shop_id", "family", "day", "metric")
            .create()
        try await database.schema("report_durations")
            .field("shop_id", .string, .required)
            .field("metric", .string, .required)
            .field("seconds", .int64, .required)
            .field("day", .int64, .required)
            .field("subject_id", .string, .required)
            .create()
        // With the time zone it was counted in: a shop's new zone is applied in batches.
        try await database.schema("report_contributions")
            .field("subject_id", .string, .identifier(auto: false))
            .field("shop_id", .string, .required)
            .field("zone", .string, .required)
            .field("body", .string, .required)
            .create()
        try await database.schema("report_labels")
            .field("shop_id", .string, .required)
            .field("key", .string, .required)
            .field("label", .string, .required)
            .unique(on: "shop_id", "key")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        // Ranks over long periods walk the first index (by length); short periods sort the second's range.
        try await sql.create(index: "report_durations_length").on("report_durations").column("shop_id").column("metric")
            .column("seconds").column("day").run()
        try await sql.create(index: "report_durations_day").on("report_durations").column("shop_id").column("metric")
            .column("day").column("seconds").run()
        try await sql.create(index: "report_durations_subject").on("report_durations").column("subject_id").run()
        try await sql.create(index: "report_contributions_shop").on("report_contributions").column("shop_id")
            .column("zone").column("subject_id").run()
        // Refunds overdue: the few complaints with a refund due and not made.
        try await sql.raw("""
            CREATE INDEX complaints_refund_due ON complaints (shop_id, received_at)
            WHERE refunded_at IS NULL AND refund_due_at IS NOT NULL
            """).run()
        // The roll-ups of existing data are counted by the application after the migrations ran
        // (`DatabaseService.migrate`, with the rules of the running version): a shipped migration never calls live
        // store code whose behaviour can change under it. It only leaves the request.
        try await sql.raw("""
            INSERT INTO installation (key, value) VALUES (\(bind: ReportRollupStore.rebuildPendingKey), 'pending')
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "complaints_refund_due").run()
        for table in ["report_labels", "report_contributions", "report_durations", "report_daily_counts"] {
            try await database.schema(table).delete()
        }
    }
}
