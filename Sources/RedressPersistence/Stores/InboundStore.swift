import Foundation
import RedressCore
internal import SQLKit

/// One message that came in by mail (E1, E2), whatever became of it.
public struct InboundMessageRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    /// SHA-256 of the raw bytes, hex: the key of exactly-once (E2).
    public var sha256: String
    /// `api`, `lmtp`, `pipe` or `imap`.
    public var door: String
    /// When it reached the mailbox (E9); `processedAt` is when Redress read it.
    public var receivedAt: Date
    public var processedAt: Date
    public var fromAddress: String?
    public var subject: String?
    public var messageId: String?
    public var outcome: InboundOutcome
    public var reason: String?
    public var caseType: MailCaseKind?
    public var caseId: String?
    public var reference: String?
    public var size: Int

    public init(id: String, shopId: String, sha256: String, door: String, receivedAt: Date, processedAt: Date,
                fromAddress: String?, subject: String?, messageId: String?, outcome: InboundOutcome, reason: String?,
                caseType: MailCaseKind?, caseId: String?, reference: String?, size: Int) {
        self.id = id
        self.shopId = shopId
        self.sha256 = sha256
        self.door = door
        self.receivedAt = receivedAt
        self.processedAt = processedAt
        self.fromAddress = fromAddress
        self.subject = subject
        self.messageId = messageId
        self.outcome = outcome
        self.reason = reason
        self.caseType = caseType
        self.caseId = caseId
        self.reference = reference
        self.size = size
    }
}

/// The intake log of mail (E2, E12). A message is written in the transaction of its effect, so the unique
/// (shop, SHA-256) makes the effect happen once however often the same bytes arrive.
public struct InboundStore: Sendable {
    public init() {}

    private struct Row: Encodable {
        var record: InboundMessageRecord
        var raw: Data

        func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: SomeCodingKey.self)
            try container.encode(raw, forKey: SomeCodingKey(stringValue: "raw"))
        }
    }

    /// Stores the message with its bytes; false when this shop already has the same bytes (nothing written).
    public func insert(_ record: InboundMessageRecord, raw: [UInt8], on sql: DatabaseSession) async throws -> Bool {
        let rows = try await sql.insert(into: "inbound_messages").record(Row(record: record, raw: Data(raw)))
            .ignoringConflicts(with: ["shop_id", "sha256"])
            .returning("id").all()
        return !rows.isEmpty
    }

    public func find(sha256: String, shop: ShopID, on sql: DatabaseSession) async throws -> InboundMessageRecord? {
        try await sql.select().columns(Self.columns).from("inbound_messages")
            .where("shop_id", .equal, shop.rawValue).where("sha256", .equal, sha256)
            .first()?.decodeRecord(InboundMessageRecord.self)
    }

    public func find(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> InboundMessageRecord? {
        try await sql.select().columns(Self.columns).from("inbound_messages")
            .where("shop_id", .equal, shop.rawValue).where("id", .equal, id)
            .first()?.decodeRecord(InboundMessageRecord.self)
    }

    /// The bytes as they came (the original is always kept, E6).
    public func raw(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> [UInt8]? {
        guard let row = try await sql.select().column("raw").from("inbound_messages")
            .where("shop_id", .equal, shop.rawValue).where("id", .equal, id).first() else { return nil }
        return Array(try row.decode(column: "raw", as: Data.self))
    }

    /// How many messages this sender sent the shop since `since` (E7's flood rule).
    public func count(from address: String, shop: ShopID, since: Date, on sql: DatabaseSession) async throws -> Int {
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("inbound_messages").where("shop_id", .equal, shop.rawValue)
            .where("from_address", .equal, address).where("processed_at", .greaterThanOrEqual, since).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    public func setOutcome(_ id: String, outcome: InboundOutcome, reason: String?, caseType: MailCaseKind?,
                           caseId: String?, reference: String?, on sql: DatabaseSession) async throws {
        try await sql.update("inbound_messages")
            .set("outcome", to: outcome.rawValue).set("reason", to: reason)
            .set("case_type", to: caseType?.rawValue).set("case_id", to: caseId).set("reference", to: reference)
            .where("id", .equal, id).run()
    }

    /// The shop's log, newest first; `outcome` filters.
    public func list(shop: ShopID, outcome: InboundOutcome?, limit: Int, after cursor: ReviewQueries.Cursor?,
                     on sql: DatabaseSession) async throws -> (rows: [InboundMessageRecord], next: ReviewQueries.Cursor?) {
        var query = sql.select().columns(Self.columns).from("inbound_messages").where("shop_id", .equal, shop.rawValue)
        if let outcome { query = query.where("outcome", .equal, outcome.rawValue) }
        if let cursor {
            query = query.where { group in
                group.where("processed_at", .lessThan, cursor.submittedAt)
                    .orWhere { $0.where("processed_at", .equal, cursor.submittedAt).where("id", .lessThan, cursor.id) }
            }
        }
        let rows = try await query.orderBy("processed_at", .descending).orderBy("id", .descending)
            .limit(limit + 1).all().map { try $0.decodeRecord(InboundMessageRecord.self) }
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { ReviewQueries.Cursor(submittedAt: $0.processedAt, id: $0.id) } : nil
        return (page, next)
    }

    /// Outcomes by count, for the intake page and `/metrics`.
    public func counts(shop: ShopID?, on sql: DatabaseSession) async throws -> [InboundOutcome: Int] {
        var query = sql.select().column("outcome").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("inbound_messages")
        if let shop { query = query.where("shop_id", .equal, shop.rawValue) }
        var counts: [InboundOutcome: Int] = [:]
        for row in try await query.groupBy("outcome").all() {
            if let outcome = InboundOutcome(rawValue: try row.decode(column: "outcome", as: String.self)) {
                counts[outcome] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    private static let columns = ["id", "shop_id", "sha256", "door", "received_at", "processed_at", "from_address",
                                  "subject", "message_id", "outcome", "reason", "case_type", "case_id", "reference",
                                  "size"]
}

/// An address no notification goes to, because mail to it came back for good (E8), until staff clear it.
public struct MailSuppressionRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var address: String
    public var reason: String
    public var outboxId: String?
    public var createdAt: Date

    public init(id: String, shopId: String, address: String, reason: String, outboxId: String?, createdAt: Date) {
        self.id = id
        self.shopId = shopId
        self.address = address
        self.reason = reason
        self.outboxId = outboxId
        self.createdAt = createdAt
    }
}

/// E8: bounced mail and the addresses it stops.
public struct BounceStore: Sendable {
    public init() {}

    /// The outbox entry a bounce names, with what it carried; nil for another shop's or an unknown entry.
    public func outboxEntry(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> OutboxMessage? {
        try await sql.select().columns("id", "shop_id", "channel", "kind", "payload", "created_at", "attempts")
            .from("outbox").where("id", .equal, id).where("shop_id", .equal, shop.rawValue)
            .first()?.decodeRecord(OutboxMessage.self)
    }

    public func markBounced(_ id: String, reason: String, at: Date, on sql: DatabaseSession) async throws {
        try await sql.update("outbox").set("bounced_at", to: at).set("bounce_reason", to: String(reason.prefix(500)))
            .where("id", .equal, id).run()
    }

    /// When the entry came back, and why.
    public func bounce(of id: String, on sql: DatabaseSession) async throws -> (at: Date, reason: String)? {
        guard let row = try await sql.select().column("bounced_at").column("bounce_reason").from("outbox")
            .where("id", .equal, id).first(),
            let at = try row.decodeNil(column: "bounced_at") ? nil : row.decode(column: "bounced_at", as: Date.self)
        else { return nil }
        return (at, (try? row.decode(column: "bounce_reason", as: String.self)) ?? "")
    }

    public func suppress(_ record: MailSuppressionRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "mail_suppressions").record(record).ignoringConflicts(with: ["shop_id", "address"]).run()
    }

    /// Which of `addresses` (lower case) are stopped in this shop.
    public func suppressed(_ addresses: [String], shop: ShopID, on sql: DatabaseSession) async throws -> Set<String> {
        guard !addresses.isEmpty else { return [] }
        let rows = try await sql.select().column("address").from("mail_suppressions")
            .where("shop_id", .equal, shop.rawValue).where("address", .in, addresses.map { $0.lowercased() }).all()
        return Set(try rows.map { try $0.decode(column: "address", as: String.self) })
    }

    public func list(shop: ShopID, on sql: DatabaseSession) async throws -> [MailSuppressionRecord] {
        try await sql.select().columns("*").from("mail_suppressions").where("shop_id", .equal, shop.rawValue)
            .orderBy("created_at", .descending).limit(500).all().map { try $0.decodeRecord(MailSuppressionRecord.self) }
    }

    /// Staff clear an address: notifications go to it again. False when it was not stopped.
    public func clear(_ address: String, shop: ShopID, on sql: DatabaseSession) async throws -> Bool {
        let rows = try await sql.delete(from: "mail_suppressions").where("shop_id", .equal, shop.rawValue)
            .where("address", .equal, address.lowercased()).returning("id").all()
        return !rows.isEmpty
    }
}
