internal import FluentKit
internal import SQLKit
import RedressCore

/// The IMAP poller's mailboxes (issue 19, E1, E2): one per shop, its password sealed with the installation's
/// secret-box key (made here), and where the poller stands (UIDVALIDITY, the last UID stored), with a lease so that
/// one instance polls a mailbox at a time.
struct AddMailboxes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("mailboxes")
            .field("shop_id", .string, .identifier(auto: false), .references("shops", "id"))
            .field("url", .string, .required)
            .field("password_sealed", .string, .required)
            .field("enabled", .bool, .required)
            .field("uid_validity", .int64)
            .field("last_uid", .int64, .required)
            .field("last_poll_at", .datetime)
            .field("last_error", .string)
            .field("lease_owner", .string)
            .field("lease_until", .datetime)
            .field("updated_at", .datetime, .required)
            .create()
        try await (database as! any SQLDatabase).insert(into: "installation").columns("key", "value")
            .values(SQLBind("secret.box_key"), SQLBind(SecureToken.make(bytes: 32))).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mailboxes").delete()
        try await (database as! any SQLDatabase).delete(from: "installation").where("key", .equal, "secret.box_key").run()
    }
}
