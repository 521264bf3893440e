import Foundation
import RedressCore
internal import SQLKit

/// One piece of timed work that is due (publish a held review, warn about a legal deadline, …).
public struct DueWork: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String?
    public var kind: String
    public var subjectId: String
    public var dueAt: Date
    public var attempts: Int
}

/// The deadline table (S6). Work is claimed with a lease by a conditional `UPDATE … RETURNING`, so any number
/// of instances may poll at once: a row goes to exactly one of them, and a crashed claimer's lease expires.
public struct DeadlineStore: Sendable {
    public init() {}

    /// Schedules (or moves) the work of `kind` for `subjectId`; there is at most one per pair.
    public func schedule(
        kind: String, subjectId: String, shop: ShopID?, dueAt: Date, now: Date, on sql: DatabaseSession
    ) async throws {
        try await schedule([(kind, dueAt)], subjectId: subjectId, shop: shop, now: now, on: sql)
    }

    /// Several kinds of work for one subject in one statement (a complaint's warnings and its deadline).
    public func schedule(
        _ items: [(kind: String, dueAt: Date)], subjectId: String, shop: ShopID?, now: Date, on sql: DatabaseSession
    ) async throws {
        guard !items.isEmpty else { return }
        var insert = sql.insert(into: "deadlines")
            .columns("id", "shop_id", "kind", "subject_id", "due_at", "attempts", "created_at")
        for item in items {
            insert = insert.values(SQLBind(SecureToken.id("dl")), SQLBind(shop?.rawValue), SQLBind(item.kind),
                                   SQLBind(subjectId), SQLBind(item.dueAt), SQLBind(0), SQLBind(now))
        }
        try await insert
            .onConflict(with: ["kind", "subject_id"]) {
                $0.set(excludedValueOf: "due_at").set("done_at", to: SQLLiteral.null)
                    .set("lease_until", to: SQLLiteral.null).set("lease_owner", to: SQLLiteral.null)
            }
            .run()
    }

    /// Schedules new work for many subjects of one kind in one statement per 500 (bulk import).
    public func scheduleMany(kind: String, items: [(subjectId: String, dueAt: Date)], shop: ShopID?, now: Date,
                             on sql: DatabaseSession) async throws {
        for chunk in stride(from: 0, to: items.count, by: 500) {
            var insert = sql.insert(into: "deadlines")
                .columns("id", "shop_id", "kind", "subject_id", "due_at", "attempts", "created_at")
            for item in items[chunk..<min(chunk + 500, items.count)] {
                insert = insert.values(SQLBind(SecureToken.id("dl")), SQLBind(shop?.rawValue), SQLBind(kind),
                                       SQLBind(item.subjectId), SQLBind(item.dueAt), SQLBind(0), SQLBind(now))
            }
            try await insert.onConflict(with: ["kind", "subject_id"]) { $0.set(excludedValueOf: "due_at") }.run()
        }
    }

    /// Cancels pending work, e.g. a reminder that is no longer needed.
    public func cancel(kind: String, subjectId: String, now: Date, on sql: DatabaseSession) async throws {
        try await sql.update("deadlines").set("done_at", to: now)
            .where("kind", .equal, kind).where("subject_id", .equal, subjectId)
            .where("done_at", .is, SQLLiteral.null).run()
    }

    /// Claims up to `limit` due rows for `owner` until `now + lease`.
    public func claim(owner: String, now: Date, lease: TimeInterval, limit: Int, on sql: DatabaseSession)
        async throws -> [DueWork]
    {
        let until = now.addingTimeInterval(lease)
        return try await sql.raw("""
            UPDATE deadlines SET lease_owner = \(bind: owner), lease_until = \(bind: until), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM deadlines
                WHERE done_at IS NULL AND due_at <= \(bind: now)
                  AND (lease_until IS NULL OR lease_until < \(bind: now))
                ORDER BY due_at LIMIT \(unsafeRaw: String(max(1, limit))))
              AND done_at IS NULL AND (lease_until IS NULL OR lease_until < \(bind: now))
            RETURNING id, shop_id, kind, subject_id, due_at, attempts
            """).all().map { try $0.decodeRecord(DueWork.self) }
    }

    /// Marks claimed work done, or due again at `repeatAt` for recurring work; false if the lease was lost
    /// meanwhile (another instance owns it now).
    @discardableResult
    public func complete(_ id: String, owner: String, now: Date, repeatAt: Date? = nil, on sql: DatabaseSession)
        async throws -> Bool
    {
        var update = sql.update("deadlines").set("lease_until", to: SQLLiteral.null)
        if let repeatAt {
            update = update.set("due_at", to: repeatAt).set("attempts", to: 0).set("lease_owner", to: SQLLiteral.null)
        } else {
            update = update.set("done_at", to: now)
        }
        return try await !update
            .where("id", .equal, id).where("lease_owner", .equal, owner).where("done_at", .is, SQLLiteral.null)
            .returning("id").all().isEmpty
    }

    /// Marks several claimed rows done in one statement; returns the ids that were still this owner's.
    public func completeAll(_ ids: [String], owner: String, now: Date, on sql: DatabaseSession) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let rows = try await sql.update("deadlines").set("done_at", to: now).set("lease_until", to: SQLLiteral.null)
            .where("id", .in, SQLBind.group(ids)).where("lease_owner", .equal, owner)
            .where("done_at", .is, SQLLiteral.null)
            .returning("id").all()
        return Set(try rows.map { try $0.decode(column: "id", as: String.self) })
    }

    /// Releases claimed work after a failure so it runs again at `retryAt`.
    public func release(_ id: String, owner: String, error: String, retryAt: Date, on sql: DatabaseSession)
        async throws
    {
        try await sql.update("deadlines").set("lease_until", to: SQLLiteral.null).set("lease_owner", to: SQLLiteral.null)
            .set("due_at", to: retryAt).set("last_error", to: String(error.prefix(500)))
            .where("id", .equal, id).where("lease_owner", .equal, owner).run()
    }

    public func pending(kind: String, subjectId: String, on sql: DatabaseSession) async throws -> DueWork? {
        try await sql.select().columns("id", "shop_id", "kind", "subject_id", "due_at", "attempts").from("deadlines")
            .where("kind", .equal, kind).where("subject_id", .equal, subjectId).where("done_at", .is, SQLLiteral.null)
            .first()?.decodeRecord(DueWork.self)
    }

    /// How many rows are due and not done (claimed by someone or not).
    public func dueCount(now: Date, on sql: DatabaseSession) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("deadlines")
            .where("done_at", .is, SQLLiteral.null).where("due_at", .lessThanOrEqual, now)
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The earliest pending due time, for the worker's sleep.
    public func nextDue(on sql: DatabaseSession) async throws -> Date? {
        try await sql.select().column(SQLFunction("MIN", args: SQLColumn("due_at")), as: "next").from("deadlines")
            .where("done_at", .is, SQLLiteral.null).first()?.decode(column: "next", as: Date?.self)
    }
}
