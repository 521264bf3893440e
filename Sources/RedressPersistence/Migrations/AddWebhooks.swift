internal import FluentKit
internal import SQLKit

/// Webhook endpoints and their delivery log (N3); an index to list a shop's notifications in the panel (N1).
struct AddWebhooks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("webhook_endpoints")
            .textID()
            .field("shop_id", .string, .required)
            .field("url", .string, .required)
            .field("secret", .string, .required)
            .field("events", .string, .required)
            .field("description", .string)
            .field("created_at", .datetime, .required)
            .field("disabled_at", .datetime)
            .create()
        try await database.schema("webhook_attempts")
            .textID()
            .field("endpoint_id", .string, .required)
            .field("shop_id", .string, .required)
            .field("outbox_id", .string, .required)
            .field("event_id", .string, .required)
            .field("event_type", .string, .required)
            .field("attempt", .int, .required)
            .field("at", .datetime, .required)
            .field("status_code", .int)
            .field("error", .string)
            .field("duration_ms", .int, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "webhook_endpoints_shop").on("webhook_endpoints").column("shop_id").run()
        try await sql.create(index: "webhook_attempts_endpoint_at").on("webhook_attempts").column("endpoint_id")
            .column("at").run()
        try await sql.create(index: "outbox_shop_created").on("outbox").column("shop_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_attempts").delete()
        try await database.schema("webhook_endpoints").delete()
    }
}
