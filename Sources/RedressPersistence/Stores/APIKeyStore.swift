import Crypto
import Foundation
import RedressCore
internal import SQLKit

public struct APIKeyRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var label: String
    public var prefix: String
    public var keyHash: String
    public var createdAt: Date
    public var revokedAt: Date?
}

/// A secret that is stored only as its SHA-256 (API keys, session and link tokens). High-entropy random
/// tokens do not need a slow hash; a lookup by hash is constant work and leaks nothing.
public enum SecretHash {
    public static func of(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Shop API keys: shown once at creation, stored hashed, revocable (S1).
public struct APIKeyStore: Sendable {
    public init() {}

    /// Creates a key and returns the record and the secret, which is never stored or shown again.
    public func issue(shop: ShopID, label: String, now: Date, on sql: DatabaseSession) async throws
        -> (APIKeyRecord, secret: String)
    {
        let secret = "rk_" + SecureToken.make(bytes: 32)
        let record = APIKeyRecord(
            id: SecureToken.id("key"), shopId: shop.rawValue, label: label, prefix: String(secret.prefix(10)),
            keyHash: SecretHash.of(secret), createdAt: now, revokedAt: nil)
        try await sql.insert(into: "api_keys").record(record).run()
        return (record, secret)
    }

    /// The shop a live key belongs to, or nil for an unknown or revoked key.
    public func shop(forSecret secret: String, on sql: DatabaseSession) async throws -> ShopID? {
        let row = try await sql.select().column("shop_id").from("api_keys")
            .where("key_hash", .equal, SecretHash.of(secret)).where("revoked_at", .is, SQLLiteral.null)
            .first()
        return try row.map { ShopID(try $0.decode(column: "shop_id", as: String.self)) }
    }

    public func list(shop: ShopID, on sql: DatabaseSession) async throws -> [APIKeyRecord] {
        try await sql.select().columns("*").from("api_keys").where("shop_id", .equal, shop.rawValue)
            .orderBy("created_at").all().map { try $0.decodeRecord(APIKeyRecord.self) }
    }

    /// Revokes a key of this shop; false when the shop has no such live key.
    public func revoke(_ id: String, shop: ShopID, now: Date, on sql: DatabaseSession) async throws -> Bool {
        let rows = try await sql.update("api_keys").set("revoked_at", to: now)
            .where("id", .equal, id).where("shop_id", .equal, shop.rawValue)
            .where("revoked_at", .is, SQLLiteral.null)
            .returning("id").all()
        return !rows.isEmpty
    }
}
