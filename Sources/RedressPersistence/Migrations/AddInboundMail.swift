internal import FluentKit
internal import SQLKit
import RedressCore

/// Mail into cases (issue 19, E1–E12): every message that came in, once per shop by the SHA-256 of its bytes (E2),
/// with what became of it and the bytes themselves (kept even when unreadable); the shop's inbound address; and
/// on the messages of dialogs and complaints, the channel they came by and, for mail from another address than the
/// customer's, that address (E5); bounced mail and the addresses it stops (E8). One column per statement (SQLite).
struct AddInboundMail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inbound_messages")
            .field("id", .string, .identifier(auto: false))
            .field("shop_id", .string, .required, .references("shops", "id"))
            .field("sha256", .string, .required)
            .field("door", .string, .required)
            .field("received_at", .datetime, .required)
            .field("processed_at", .datetime, .required)
            .field("from_address", .string)
            .field("subject", .string)
            .field("message_id", .string)
            .field("outcome", .string, .required)
            .field("reason", .string)
            .field("case_type", .string)
            .field("case_id", .string)
            .field("reference", .string)
            .field("size", .int, .required)
            .field("raw", .data, .required)
            .unique(on: "shop_id", "sha256")
            .create()
        try await database.schema("shops").field("inbound_address", .string).update()
        // E8: a mail that came back, and the addresses no notification goes to until staff clear them.
        try await database.schema("outbox").field("bounced_at", .datetime).update()
        try await database.schema("outbox").field("bounce_reason", .string).update()
        try await database.schema("mail_suppressions")
            .field("id", .string, .identifier(auto: false))
            .field("shop_id", .string, .required, .references("shops", "id"))
            .field("address", .string, .required)
            .field("reason", .string, .required)
            .field("outbox_id", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "shop_id", "address")
            .create()
        try await database.schema("dialog_messages").field("via", .string).update()
        try await database.schema("dialog_messages").field("sender_address", .string).update()
        try await database.schema("complaint_messages").field("via", .string).update()
        try await database.schema("complaint_messages").field("sender_address", .string).update()
        let sql = database as! any SQLDatabase
        // The key of the reply tokens (E3), made here so that every instance reads the same one.
        try await sql.insert(into: "installation").columns("key", "value")
            .values(SQLBind("mail.reply_token_key"), SQLBind(SecureToken.make(bytes: 32))).run()
        try await sql.create(index: "inbound_shop_processed").on("inbound_messages")
            .column("shop_id").column("processed_at").column("id").run()
        try await sql.create(index: "inbound_shop_sender").on("inbound_messages")
            .column("shop_id").column("from_address").column("processed_at").run()
    }

    func revert(on database: any Database) async throws {
        for (table, field) in [("complaint_messages", "sender_address"), ("complaint_messages", "via"),
                               ("dialog_messages", "sender_address"), ("dialog_messages", "via"),
                               ("outbox", "bounce_reason"), ("outbox", "bounced_at"), ("shops", "inbound_address")] {
            try await database.schema(table).deleteField(.key(FieldKey(stringLiteral: field))).update()
        }
        try await database.schema("mail_suppressions").delete()
        try await database.schema("inbound_messages").delete()
        try await (database as! any SQLDatabase).delete(from: "installation")
            .where("key", .equal, "mail.reply_token_key").run()
    }
}
