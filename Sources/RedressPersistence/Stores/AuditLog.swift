import Foundation
import RedressCore
internal import SQLKit

/// Who did something: a staff member, the customer of a case, an integration key, the admin, or the system.
public struct AuditActor: Sendable, Equatable {
    public var type: String
    public var id: String?

    public init(type: String, id: String?) {
        self.type = type
        self.id = id
    }

    public static let system = AuditActor(type: "system", id: nil)
    public static let admin = AuditActor(type: "admin", id: nil)
    public static func staff(_ id: String) -> AuditActor { AuditActor(type: "staff", id: id) }
    public static func apiKey(_ shop: ShopID) -> AuditActor { AuditActor(type: "api_key", id: shop.rawValue) }
    public static func customer(_ caseID: String) -> AuditActor { AuditActor(type: "customer", id: caseID) }
}

public struct AuditEntry: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String?
    public var at: Date
    public var actorType: String
    public var actorId: String?
    public var action: String
    public var subjectType: String
    public var subjectId: String
    public var beforeState: String?
    public var afterState: String?
}

/// The append-only audit log (S4). There is no update or delete here on purpose.
public struct AuditLog: Sendable {
    public init() {}

    /// Appends one entry in the caller's transaction. `before`/`after` are small state snapshots, never
    /// personal data beyond ids.
    public func append(
        shop: ShopID?, actor: AuditActor, action: String, subjectType: String, subjectId: String,
        before: [String: String]? = nil, after: [String: String]? = nil, now: Date, on sql: DatabaseSession
    ) async throws {
        let entry = Self.entry(shop: shop, actor: actor, action: action, subjectType: subjectType, subjectId: subjectId,
                               before: before, after: after, now: now)
        try await sql.insert(into: "audit_log").record(entry).run()
    }

    /// Appends several entries in one statement (bulk timed work).
    public func append(_ entries: [AuditEntry], on sql: DatabaseSession) async throws {
        for chunk in stride(from: 0, to: entries.count, by: 500) {
            var insert = sql.insert(into: "audit_log")
            for entry in entries[chunk..<min(chunk + 500, entries.count)] { insert = try insert.record(entry) }
            try await insert.run()
        }
    }

    public static func entry(
        shop: ShopID?, actor: AuditActor, action: String, subjectType: String, subjectId: String,
        before: [String: String]? = nil, after: [String: String]? = nil, now: Date
    ) -> AuditEntry {
        AuditEntry(
            id: SecureToken.id("aud"), shopId: shop?.rawValue, at: now, actorType: actor.type, actorId: actor.id,
            action: action, subjectType: subjectType, subjectId: subjectId,
            beforeState: before.map(json), afterState: after.map(json))
    }

    public func entries(shop: ShopID, subjectId: String? = nil, limit: Int = 200, on sql: DatabaseSession)
        async throws -> [AuditEntry]
    {
        var query = sql.select().columns("*").from("audit_log").where("shop_id", .equal, shop.rawValue)
        if let subjectId { query = query.where("subject_id", .equal, subjectId) }
        return try await query.orderBy("at").orderBy("id").limit(limit).all().map { try $0.decodeRecord(AuditEntry.self) }
    }

    private static func json(_ state: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(state), as: UTF8.self)) ?? "{}"
    }
}
