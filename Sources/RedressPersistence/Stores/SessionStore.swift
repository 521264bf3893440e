import Foundation
import RedressCore
internal import SQLKit

/// A signed-in staff member as the panel and API see them.
public struct StaffSession: Codable, Sendable, Equatable {
    public var sessionId: String
    public var staffId: String
    public var shopId: String
    public var csrfToken: String
    public var expiresAt: Date
    public var staffName: String
    public var role: String
    public var shopSlug: String
    public var shopName: String

    public var staffRole: StaffRole { StaffRole(rawValue: role) ?? .viewer }
    public var shopID: ShopID { ShopID(shopId) }
}

/// Database-backed sessions: they survive a restart and work across instances (S2).
/// The cookie holds a random token; the table holds only its hash.
public struct SessionStore: Sendable {
    public init() {}

    public func create(
        staffId: String, shopId: String, now: Date, lifetime: TimeInterval, on sql: DatabaseSession
    ) async throws -> (token: String, csrf: String) {
        let token = SecureToken.make(bytes: 32)
        let csrf = SecureToken.make(bytes: 24)
        try await sql.insert(into: "sessions")
            .columns("id", "staff_id", "shop_id", "csrf_token", "created_at", "expires_at")
            .values(
                SQLBind(SecretHash.of(token)), SQLBind(staffId), SQLBind(shopId), SQLBind(csrf), SQLBind(now),
                SQLBind(now.addingTimeInterval(lifetime))
            )
            .run()
        return (token, csrf)
    }

    public func find(token: String, now: Date, on sql: DatabaseSession) async throws -> StaffSession? {
        try await sql.raw("""
            SELECT s.id AS session_id, s.staff_id, s.shop_id, s.csrf_token, s.expires_at,
                   st.name AS staff_name, st.role, sh.slug AS shop_slug, sh.name AS shop_name
            FROM sessions s JOIN staff st ON st.id = s.staff_id JOIN shops sh ON sh.id = s.shop_id
            WHERE s.id = \(bind: SecretHash.of(token)) AND s.expires_at > \(bind: now)
            """).first()?.decodeRecord(StaffSession.self)
    }

    /// Ends every session of the staff member but `keeping` (the one that changed the password).
    public func deleteAll(staffId: String, keeping sessionId: String? = nil, on sql: DatabaseSession) async throws {
        var delete = sql.delete(from: "sessions").where("staff_id", .equal, staffId)
        if let sessionId { delete = delete.where("id", .notEqual, sessionId) }
        try await delete.run()
    }

    public func delete(token: String, on sql: DatabaseSession) async throws {
        try await sql.delete(from: "sessions").where("id", .equal, SecretHash.of(token)).run()
    }

    public func deleteExpired(now: Date, on sql: DatabaseSession) async throws {
        try await sql.delete(from: "sessions").where("expires_at", .lessThanOrEqual, now).run()
    }
}
