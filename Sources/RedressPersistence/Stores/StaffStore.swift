import Foundation
import RedressCore
internal import SQLKit

public struct StaffRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var email: String
    public var emailNormalized: String
    public var name: String
    public var role: String
    public var passwordHash: String
    public var createdAt: Date

    public init(id: String, shopId: String, email: String, emailNormalized: String, name: String, role: String, passwordHash: String, createdAt: Date) {
        self.id = id
        self.shopId = shopId
        self.email = email
        self.emailNormalized = emailNormalized
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }

    public var staffRole: StaffRole { StaffRole(rawValue: role) ?? .viewer }
}

/// Staff accounts. An account belongs to one shop; an address is unique within a shop (issue 15), so the same
/// person may work for two shops with two accounts.
public struct StaffStore: Sendable {
    public init() {}

    public func create(_ staff: StaffRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "staff").record(staff).run()
    }

    /// Every account with this address (one per shop at most), oldest first: sign-in checks the password of each.
    public func all(email: String, on sql: DatabaseSession) async throws -> [StaffRecord] {
        try await sql.select().columns("*").from("staff")
            .where("email_normalized", .equal, Validate.normalizedEmail(email))
            .orderBy("created_at").orderBy("id").limit(20)
            .all().map { try $0.decodeRecord(StaffRecord.self) }
    }

    /// The account with this address in one shop.
    public func find(email: String, shop: ShopID, on sql: DatabaseSession) async throws -> StaffRecord? {
        try await sql.select().columns("*").from("staff")
            .where("email_normalized", .equal, Validate.normalizedEmail(email)).where("shop_id", .equal, shop.rawValue)
            .first()?.decodeRecord(StaffRecord.self)
    }

    public func find(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> StaffRecord? {
        try await sql.select().columns("*").from("staff")
            .where("id", .equal, id).where("shop_id", .equal, shop.rawValue)
            .first()?.decodeRecord(StaffRecord.self)
    }

    public func setPasswordHash(_ hash: String, staffId: String, on sql: DatabaseSession) async throws {
        try await sql.update("staff").set("password_hash", to: hash).where("id", .equal, staffId).run()
    }

    /// A staff member by id alone: only for a token that already names them (a reset link).
    public func find(tokenHolder id: String, on sql: DatabaseSession) async throws -> StaffRecord? {
        try await sql.select().columns("*").from("staff").where("id", .equal, id).first()?.decodeRecord(StaffRecord.self)
    }

    public func list(shop: ShopID, on sql: DatabaseSession) async throws -> [StaffRecord] {
        try await sql.select().columns("*").from("staff").where("shop_id", .equal, shop.rawValue).orderBy("name")
            .all().map { try $0.decodeRecord(StaffRecord.self) }
    }
}
