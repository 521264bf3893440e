import Foundation
import RedressCore
internal import SQLKit

public struct ShopRecord: Codable, Sendable, Equatable {
    public var id: String
    public var slug: String
    public var name: String
    public var locale: String
    public var timeZone: String
    public var senderEmail: String?
    /// Where the shop's mail arrives (E1, E3): replies are addressed `local+TOKEN@domain` of it, and mail sent to it
    /// that matches no case is a new complaint (E4).
    public var inboundAddress: String?
    public var version: Int
    public var createdAt: Date

    public init(id: String, slug: String, name: String, locale: String, timeZone: String, senderEmail: String?,
                inboundAddress: String? = nil, version: Int, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.locale = locale
        self.timeZone = timeZone
        self.senderEmail = senderEmail
        self.inboundAddress = inboundAddress
        self.version = version
        self.createdAt = createdAt
    }

    public var shopID: ShopID { ShopID(id) }
}

/// Shops: the tenants of an installation (S1).
public struct ShopStore: Sendable {
    public init() {}

    /// Inserts a shop; a taken slug fails with a constraint error (the caller turns it into 409).
    public func create(_ shop: ShopRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "shops").record(shop).run()
    }

    public func find(slug: String, on sql: DatabaseSession) async throws -> ShopRecord? {
        try await sql.select().columns("*").from("shops").where("slug", .equal, slug).first()?
            .decodeRecord(ShopRecord.self)
    }

    public func find(_ id: ShopID, on sql: DatabaseSession) async throws -> ShopRecord? {
        try await sql.select().columns("*").from("shops").where("id", .equal, id.rawValue).first()?
            .decodeRecord(ShopRecord.self)
    }

    public func all(on sql: DatabaseSession) async throws -> [ShopRecord] {
        try await sql.select().columns("*").from("shops").orderBy("slug").all().map { try $0.decodeRecord(ShopRecord.self) }
    }

    /// Renames a shop if nobody changed it since `expectedVersion` was read; otherwise throws `StaleVersion`.
    @discardableResult
    public func update(
        _ id: ShopID, name: String, locale: String, timeZone: String, senderEmail: String?,
        inboundAddress: String?? = .none, expectedVersion: Int, on sql: DatabaseSession
    ) async throws -> Int {
        var update = sql.update("shops")
        if case .some(let inbound) = inboundAddress { update = update.set("inbound_address", to: inbound) }
        let rows = try await update
            .set("name", to: name)
            .set("sender_email", to: senderEmail)
            .set("locale", to: locale)
            .set("time_zone", to: timeZone)
            .set("version", to: expectedVersion + 1)
            .where("id", .equal, id.rawValue)
            .where("version", .equal, expectedVersion)
            .returning("version")
            .all()
        guard !rows.isEmpty else { throw StaleVersion(table: "shops", id: id.rawValue) }
        return expectedVersion + 1
    }

    /// The shop whose inbound address this is (its tag ignored; stored lower case): the LMTP door's recipient.
    public func find(inboundAddress: String, on sql: DatabaseSession) async throws -> ShopRecord? {
        guard let base = MailAddress(inboundAddress)?.base else { return nil }
        return try await sql.select().columns("*").from("shops").where("inbound_address", .equal, base).first()?
            .decodeRecord(ShopRecord.self)
    }
}
