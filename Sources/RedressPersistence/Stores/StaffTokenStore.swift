import Foundation
import RedressCore
internal import SQLKit

/// One-use, expiring links mailed to a staff member (a password reset); stored only as their hash.
public struct StaffTokenStore: Sendable {
    public init() {}

    public static let passwordReset = "password_reset"

    public func issue(purpose: String, staffId: String, shop: ShopID, now: Date, expiresAt: Date,
                      on sql: DatabaseSession) async throws -> String {
        let token = SecureToken.make(bytes: 32)
        try await sql.insert(into: "staff_tokens")
            .columns("id", "token_hash", "purpose", "staff_id", "shop_id", "created_at", "expires_at")
            .values(SQLBind(SecureToken.id("stk")), SQLBind(SecretHash.of(token)), SQLBind(purpose), SQLBind(staffId),
                    SQLBind(shop.rawValue), SQLBind(now), SQLBind(expiresAt))
            .run()
        return token
    }

    /// The staff member of a live, unused token of `purpose`, without using it.
    public func peek(_ token: String, purpose: String, now: Date, on sql: DatabaseSession) async throws -> String? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        return try await sql.select().column("staff_id").from("staff_tokens")
            .where("token_hash", .equal, SecretHash.of(token)).where("purpose", .equal, purpose)
            .where("used_at", .is, SQLLiteral.null).where("expires_at", .greaterThan, now)
            .first()?.decode(column: "staff_id", as: String.self)
    }

    /// Uses the token once: the staff member it was for, or nil when unknown, expired, used or of another purpose.
    public func consume(_ token: String, purpose: String, now: Date, on sql: DatabaseSession) async throws -> String? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        return try await sql.raw("""
            UPDATE staff_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: SecretHash.of(token)) AND purpose = \(bind: purpose)
              AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING staff_id
            """).first()?.decode(column: "staff_id", as: String.self)
    }

    /// Every other unused link of the staff member stops working (a reset or a change was made).
    public func revokeAll(staffId: String, now: Date, on sql: DatabaseSession) async throws {
        try await sql.update("staff_tokens").set("used_at", to: now).where("staff_id", .equal, staffId)
            .where("used_at", .is, SQLLiteral.null).run()
    }
}
