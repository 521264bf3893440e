import Foundation
import RedressCore
internal import SQLKit

/// A shop's IMAP mailbox as the poller keeps it (E1, E2).
public struct MailboxRecord: Codable, Sendable, Equatable {
    public var shopId: String
    /// The URL without its password (`imaps://user@host:993/INBOX?ca=…`).
    public var url: String
    /// The password, sealed (AES-GCM, base64) with the installation's key.
    public var passwordSealed: String
    public var enabled: Bool
    public var uidValidity: Int64?
    public var lastUid: Int64
    public var lastPollAt: Date?
    public var lastError: String?
    public var updatedAt: Date

    public init(shopId: String, url: String, passwordSealed: String, enabled: Bool, uidValidity: Int64? = nil,
                lastUid: Int64 = 0, lastPollAt: Date? = nil, lastError: String? = nil, updatedAt: Date) {
        self.shopId = shopId
        self.url = url
        self.passwordSealed = passwordSealed
        self.enabled = enabled
        self.uidValidity = uidValidity
        self.lastUid = lastUid
        self.lastPollAt = lastPollAt
        self.lastError = lastError
        self.updatedAt = updatedAt
    }
}

public struct MailboxStore: Sendable {
    public init() {}

    private static let columns = ["shop_id", "url", "password_sealed", "enabled", "uid_validity", "last_uid",
                                  "last_poll_at", "last_error", "updated_at"]

    public func find(shop: ShopID, on sql: DatabaseSession) async throws -> MailboxRecord? {
        try await sql.select().columns(Self.columns).from("mailboxes").where("shop_id", .equal, shop.rawValue)
            .first()?.decodeRecord(MailboxRecord.self)
    }

    /// Sets the mailbox. Another server or mailbox starts from the beginning (the raw-bytes key keeps what was
    /// already taken from being taken twice, E2).
    public func save(_ record: MailboxRecord, resetPosition: Bool, on sql: DatabaseSession) async throws {
        var row = record
        if let existing = try await find(shop: ShopID(record.shopId), on: sql), !resetPosition {
            row.uidValidity = existing.uidValidity
            row.lastUid = existing.lastUid
            row.lastPollAt = existing.lastPollAt
            row.lastError = existing.lastError
        }
        try await sql.delete(from: "mailboxes").where("shop_id", .equal, record.shopId).run()
        try await sql.insert(into: "mailboxes").record(row).run()
    }

    /// Claims the enabled mailboxes due for a poll (last poll older than `interval`) for `lease` seconds.
    public func claimDue(owner: String, now: Date, interval: TimeInterval, lease: TimeInterval, limit: Int = 20,
                         on sql: DatabaseSession) async throws -> [MailboxRecord] {
        let candidates = try await sql.select().column("shop_id").from("mailboxes").where("enabled", .equal, true)
            .where { $0.where("last_poll_at", .is, SQLLiteral.null).orWhere("last_poll_at", .lessThanOrEqual, now.addingTimeInterval(-interval)) }
            .where { $0.where("lease_until", .is, SQLLiteral.null).orWhere("lease_until", .lessThan, now) }
            .limit(limit).all().map { try $0.decode(column: "shop_id", as: String.self) }
        var claimed: [MailboxRecord] = []
        for shop in candidates {
            let rows = try await sql.update("mailboxes").set("lease_owner", to: owner)
                .set("lease_until", to: now.addingTimeInterval(lease))
                .where("shop_id", .equal, shop)
                .where { $0.where("lease_until", .is, SQLLiteral.null).orWhere("lease_until", .lessThan, now) }
                .returning("shop_id").all()
            if !rows.isEmpty, let record = try await find(shop: ShopID(shop), on: sql) { claimed.append(record) }
        }
        return claimed
    }

    /// Where the poller stands after a message was stored (E2: before it is marked seen).
    public func advance(shop: ShopID, uidValidity: Int64, lastUid: Int64, on sql: DatabaseSession) async throws {
        try await sql.update("mailboxes").set("uid_validity", to: uidValidity).set("last_uid", to: lastUid)
            .where("shop_id", .equal, shop.rawValue).run()
    }

    public func finishPoll(shop: ShopID, at: Date, error: String?, on sql: DatabaseSession) async throws {
        try await sql.update("mailboxes").set("last_poll_at", to: at).set("last_error", to: error.map { String($0.prefix(500)) })
            .set("lease_owner", to: SQLLiteral.null).set("lease_until", to: SQLLiteral.null)
            .where("shop_id", .equal, shop.rawValue).run()
    }
}
