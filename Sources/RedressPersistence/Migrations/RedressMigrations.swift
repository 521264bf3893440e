internal import FluentKit
internal import SQLKit

/// The schema, in order. Never edit a migration that has shipped; add a new one.
enum RedressMigrations {
    static let all: [any Migration] = [
        CreatePlatform(),
        CreateReviews(),
        AddSubmissionKeys(),
        AddWebhooks(),
        CreateComplaints(),
        AddReportFacts(),
        AddReportRollups(),
        AddLinkPurposes(),
        AddStaffTokens(),
        AddStaffPerShop(),
        AddPanelWork(),
        AddOpenWorkIndex(),
        ShardReportCounts(),
        AddInboundMail(),
        AddMailboxes(),
    ]
}

extension SchemaBuilder {
    /// The opaque string primary key every table uses.
    func textID() -> Self { field("id", .string, .identifier(auto: false)) }
}

/// Shops, staff, keys, sessions, throttling, timed work, outbox and audit log (S1, S2, S4, S6).
struct CreatePlatform: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("installation")
            .field("key", .string, .required).unique(on: "key")
            .field("value", .string, .required)
            .create()
        try await database.schema("shops")
            .textID()
            .field("slug", .string, .required).unique(on: "slug")
            .field("name", .string, .required)
            .field("locale", .string, .required)
            .field("time_zone", .string, .required)
            .field("sender_email", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("staff")
            .textID()
            .field("shop_id", .string, .required, .references("shops", "id"))
            .field("email", .string, .required)
            .field("email_normalized", .string, .required).unique(on: "email_normalized")
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("api_keys")
            .textID()
            .field("shop_id", .string, .required, .references("shops", "id"))
            .field("label", .string, .required)
            .field("prefix", .string, .required)
            .field("key_hash", .string, .required).unique(on: "key_hash")
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .create()
        try await database.schema("sessions")
            .textID()
            .field("staff_id", .string, .required, .references("staff", "id"))
            .field("shop_id", .string, .required, .references("shops", "id"))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await database.schema("login_failures")
            .textID()
            .field("key", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.schema("deadlines")
            .textID()
            .field("shop_id", .string)
            .field("kind", .string, .required)
            .field("subject_id", .string, .required)
            .field("due_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("lease_owner", .string)
            .field("lease_until", .datetime)
            .field("done_at", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "kind", "subject_id")
            .create()
        try await database.schema("outbox")
            .textID()
            .field("shop_id", .string)
            .field("channel", .string, .required)
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("created_at", .datetime, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("lease_owner", .string)
            .field("lease_until", .datetime)
            .field("sent_at", .datetime)
            .field("failed_at", .datetime)
            .field("last_error", .string)
            .create()
        try await database.schema("audit_log")
            .textID()
            .field("shop_id", .string)
            .field("at", .datetime, .required)
            .field("actor_type", .string, .required)
            .field("actor_id", .string)
            .field("action", .string, .required)
            .field("subject_type", .string, .required)
            .field("subject_id", .string, .required)
            .field("before_state", .string)
            .field("after_state", .string)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "login_failures_key_at").on("login_failures").column("key").column("at").run()
        try await sql.create(index: "deadlines_due").on("deadlines").column("done_at").column("due_at").run()
        try await sql.create(index: "outbox_due").on("outbox").column("sent_at").column("next_attempt_at").run()
        try await sql.create(index: "audit_shop_at").on("audit_log").column("shop_id").column("at").run()
        try await sql.create(index: "staff_shop").on("staff").column("shop_id").run()
        try await sql.create(index: "sessions_expiry").on("sessions").column("expires_at").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["audit_log", "outbox", "deadlines", "login_failures", "sessions", "api_keys", "staff", "shops",
                      "installation"] {
            try await database.schema(table).delete()
        }
    }
}

/// One-time form keys on dialog messages, so a double submission creates one message (issue 5).
struct AddSubmissionKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("dialog_messages").field("submission_key", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "dialog_messages_submission").on("dialog_messages").column("submission_key")
            .unique().run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("dialog_messages").deleteField("submission_key").update()
    }
}
