import FluentKit
import SQLKit

/// Reports (issue 8): how often a complaint was reopened, and indexes that let the report queries read a period's
/// complaints and reviews straight from an index.
struct AddReportFacts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("complaints")
            .field("reopened_count", .int, .required, .sql(.default(0)))
            .update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "complaints_shop_received").on("complaints").column("shop_id").column("received_at")
            .run()
        // Covers the report's count of a period's reviews by rating, hold and publication route (no table reads).
        try await sql.create(index: "reviews_shop_report").on("reviews").column("shop_id").column("submitted_at")
            .column("rating").column("held").column("status").column("published_via").run()
        try await sql.create(index: "reviews_shop_held").on("reviews").column("shop_id").column("held")
            .column("submitted_at").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in ["complaints_shop_received", "reviews_shop_report", "reviews_shop_held"] {
            try await sql.drop(index: index).run()
        }
        try await database.schema("complaints").deleteField("reopened_count").update()
    }
}
