internal import FluentKit

/// The panel's working-together columns (issue 17): a dialog's assignee, when staff last opened a case (the unread
/// marker), and who has a case open now (the collision warning). One column per statement (SQLite).
struct AddPanelWork: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dialogs").field("assignee_id", .string).update()
        try await database.schema("dialogs").field("staff_seen_at", .datetime).update()
        try await database.schema("complaints").field("staff_seen_at", .datetime).update()
        try await database.schema("case_presence")
            .field("id", .string, .identifier(auto: false))
            .field("shop_id", .string, .required)
            .field("case_kind", .string, .required)
            .field("case_id", .string, .required)
            .field("staff_id", .string, .required)
            .field("staff_name", .string, .required)
            .field("seen_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("case_presence").delete()
        try await database.schema("complaints").deleteField("staff_seen_at").update()
        try await database.schema("dialogs").deleteField("staff_seen_at").update()
        try await database.schema("dialogs").deleteField("assignee_id").update()
    }
}
