internal import FluentKit
internal import SQLKit

/// One-use, expiring tokens mailed to staff (issue 15): a forgotten password's reset link. Only the hash is stored.
struct AddStaffTokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("staff_tokens")
            .textID()
            .field("token_hash", .string, .required).unique(on: "token_hash")
            .field("purpose", .string, .required)
            .field("staff_id", .string, .required)
            .field("shop_id", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "staff_tokens_staff").on("staff_tokens").column("staff_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("staff_tokens").delete()
    }
}
