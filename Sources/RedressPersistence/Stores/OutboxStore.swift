import Foundation
import RedressCore
internal import SQLKit

/// A message waiting to leave the building: an e-mail or a webhook call (N1, N3).
public struct OutboxMessage: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String?
    public var channel: String
    public var kind: String
    public var payload: String
    public var createdAt: Date
    public var attempts: Int
}

public struct OutboxStatus: Codable, Sendable, Equatable {
    public var id: String
    public var channel: String
    public var kind: String
    public var attempts: Int
    public var sentAt: Date?
    public var failedAt: Date?
    public var lastError: String?
    public var nextAttemptAt: Date
}

/// One row as the panel lists it.
public struct OutboxEntry: Codable, Sendable, Equatable {
    public var id: String
    public var channel: String
    public var kind: String
    public var payload: String
    public var createdAt: Date
    public var attempts: Int
    public var sentAt: Date?
    public var failedAt: Date?
    public var lastError: String?
    public var nextAttemptAt: Date
}

/// The transactional outbox (S6, N1): rows are written with the change that causes them, in the caller's
/// transaction, and a dispatcher claims them with a lease like deadlines.
public struct OutboxStore: Sendable {
    public init() {}

    /// Adds a message in the caller's transaction (pass the transaction's handle).
    @discardableResult
    public func enqueue(
        channel: String, kind: String, payload: String, shop: ShopID?, now: Date, id: String = SecureToken.id("msg"),
        on sql: DatabaseSession
    ) async throws -> String {
        try await sql.insert(into: "outbox")
            .columns("id", "shop_id", "channel", "kind", "payload", "created_at", "next_attempt_at", "attempts")
            .values(
                SQLBind(id), SQLBind(shop?.rawValue), SQLBind(channel), SQLBind(kind), SQLBind(payload), SQLBind(now),
                SQLBind(now), SQLBind(0)
            )
            .run()
        return id
    }

    /// One message to enqueue in bulk.
    public struct NewMessage: Sendable {
        public var channel: String
        public var kind: String
        public var payload: String
        public var shop: ShopID?

        public init(channel: String, kind: String, payload: String, shop: ShopID?) {
            self.channel = channel
            self.kind = kind
            self.payload = payload
            self.shop = shop
        }
    }

    /// Adds several messages in the caller's transaction, in one statement per 500.
    public func enqueue(_ messages: [NewMessage], now: Date, on sql: DatabaseSession) async throws {
        for chunk in stride(from: 0, to: messages.count, by: 500) {
            var insert = sql.insert(into: "outbox")
                .columns("id", "shop_id", "channel", "kind", "payload", "created_at", "next_attempt_at", "attempts")
            for message in messages[chunk..<min(chunk + 500, messages.count)] {
                insert = insert.values(
                    SQLBind(SecureToken.id("msg")), SQLBind(message.shop?.rawValue), SQLBind(message.channel),
                    SQLBind(message.kind), SQLBind(message.payload), SQLBind(now), SQLBind(now), SQLBind(0))
            }
            try await insert.run()
        }
    }

    public func claim(owner: String, now: Date, lease: TimeInterval, limit: Int, on sql: DatabaseSession)
        async throws -> [OutboxMessage]
    {
        let until = now.addingTimeInterval(lease)
        return try await sql.raw("""
            UPDATE outbox SET lease_owner = \(bind: owner), lease_until = \(bind: until), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= \(bind: now)
                  AND (lease_until IS NULL OR lease_until < \(bind: now))
                ORDER BY next_attempt_at LIMIT \(unsafeRaw: String(max(1, limit))))
              AND sent_at IS NULL AND failed_at IS NULL AND (lease_until IS NULL OR lease_until < \(bind: now))
            RETURNING id, shop_id, channel, kind, payload, created_at, attempts
            """).all().map { try $0.decodeRecord(OutboxMessage.self) }
    }

    @discardableResult
    public func markSent(_ id: String, owner: String, now: Date, on sql: DatabaseSession) async throws -> Bool {
        try await !markSent([id], owner: owner, now: now, on: sql).isEmpty
    }

    /// Marks rows this owner still leases as sent, in one statement; returns the ids it marked.
    @discardableResult
    public func markSent(_ ids: [String], owner: String, now: Date, on sql: DatabaseSession) async throws
        -> Set<String>
    {
        var marked: Set<String> = []
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            for row in try await sql.update("outbox").set("sent_at", to: now).set("lease_until", to: SQLLiteral.null)
                .set("last_error", to: SQLLiteral.null)
                .where("id", .in, Array(ids[chunk..<min(chunk + 500, ids.count)]))
                .where("lease_owner", .equal, owner).where("sent_at", .is, SQLLiteral.null)
                .returning("id").all() {
                marked.insert(try row.decode(column: "id", as: String.self))
            }
        }
        return marked
    }

    public func scheduleRetry(_ id: String, owner: String, at: Date, error: String, on sql: DatabaseSession)
        async throws
    {
        try await sql.update("outbox").set("next_attempt_at", to: at).set("lease_until", to: SQLLiteral.null)
            .set("last_error", to: String(error.prefix(500)))
            .where("id", .equal, id).where("lease_owner", .equal, owner).run()
    }

    public func markFailed(_ id: String, owner: String, now: Date, error: String, on sql: DatabaseSession)
        async throws
    {
        try await sql.update("outbox").set("failed_at", to: now).set("lease_until", to: SQLLiteral.null)
            .set("last_error", to: String(error.prefix(500)))
            .where("id", .equal, id).where("lease_owner", .equal, owner).run()
    }

    public func status(_ id: String, on sql: DatabaseSession) async throws -> OutboxStatus? {
        try await sql.select()
            .columns("id", "channel", "kind", "attempts", "sent_at", "failed_at", "last_error", "next_attempt_at")
            .from("outbox").where("id", .equal, id).first()?.decodeRecord(OutboxStatus.self)
    }

    /// A shop's notifications, newest first, for the panel (N1: failures stay visible).
    public func list(shop: ShopID, limit: Int, before: (Date, String)? = nil, on sql: DatabaseSession,
                     id: String? = nil) async throws -> [OutboxEntry]
    {
        var query = sql.select()
            .columns("id", "channel", "kind", "payload", "created_at", "attempts", "sent_at", "failed_at",
                     "last_error", "next_attempt_at")
            .from("outbox").where("shop_id", .equal, shop.rawValue)
        if let id { query = query.where("id", .equal, id) }
        if let (at, id) = before {
            query = query.where { group in
                group.where("created_at", .lessThan, at)
                    .orWhere { $0.where("created_at", .equal, at).where("id", .lessThan, id) }
            }
        }
        return try await query.orderBy("created_at", .descending).orderBy("id", .descending)
            .limit(max(1, min(limit, 200))).all().map { try $0.decodeRecord(OutboxEntry.self) }
    }

    public struct Counts: Sendable, Equatable {
        public var pending: Int
        public var sent: Int
        public var failed: Int

        public init(pending: Int, sent: Int, failed: Int) {
            self.pending = pending
            self.sent = sent
            self.failed = failed
        }
    }

    /// Counts of the whole installation, or of one shop.
    /// The earliest attempt still to make (first sends and retries), for a test clock that walks through time.
    public func nextAttempt(on sql: DatabaseSession) async throws -> Date? {
        try await sql.select().column(SQLFunction("MIN", args: SQLColumn("next_attempt_at")), as: "next").from("outbox")
            .where("sent_at", .is, SQLLiteral.null).where("failed_at", .is, SQLLiteral.null)
            .first()?.decode(column: "next", as: Date?.self)
    }

    public func counts(shop: ShopID? = nil, on sql: DatabaseSession) async throws -> Counts {
        let filter: SQLQueryString = shop.map { "WHERE shop_id = \(bind: $0.rawValue)" } ?? ""
        let row = try await sql.raw("""
            SELECT SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END) AS pending,
                   SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END) AS sent,
                   SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END) AS failed
            FROM outbox \(filter)
            """).first()
        func value(_ column: String) throws -> Int { try row?.decode(column: column, as: Int?.self) ?? 0 }
        return Counts(pending: try value("pending"), sent: try value("sent"), failed: try value("failed"))
    }
}
