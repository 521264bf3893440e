import Foundation
import RedressCore
internal import SQLKit

public struct WebhookEndpointRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var url: String
    public var secret: String
    public var events: String
    public var description: String?
    public var createdAt: Date
    public var disabledAt: Date?

    public var subscription: WebhookSubscription? { try? WebhookSubscription(parsing: events) }
}

public struct WebhookAttemptRecord: Codable, Sendable, Equatable {
    public var id: String
    public var endpointId: String
    public var shopId: String
    public var outboxId: String
    public var eventId: String
    public var eventType: String
    public var attempt: Int
    public var at: Date
    public var statusCode: Int?
    public var error: String?
    public var durationMs: Int

    public init(
        id: String, endpointId: String, shopId: String, outboxId: String, eventId: String, eventType: String,
        attempt: Int, at: Date, statusCode: Int?, error: String?, durationMs: Int
    ) {
        self.id = id
        self.endpointId = endpointId
        self.shopId = shopId
        self.outboxId = outboxId
        self.eventId = eventId
        self.eventType = eventType
        self.attempt = attempt
        self.at = at
        self.statusCode = statusCode
        self.error = error
        self.durationMs = durationMs
    }
}

/// Webhook endpoints of a shop and their delivery log (N3). The signing secret is kept (it must be, to sign)
/// and shown to the shop once, at creation.
public struct WebhookStore: Sendable {
    public init() {}

    public func create(
        shop: ShopID, url: String, subscription: WebhookSubscription, description: String?, now: Date,
        on sql: DatabaseSession
    ) async throws -> WebhookEndpointRecord {
        let record = WebhookEndpointRecord(
            id: SecureToken.id("whk"), shopId: shop.rawValue, url: url, secret: "whsec_" + SecureToken.make(bytes: 32),
            events: subscription.stored, description: description, createdAt: now, disabledAt: nil)
        try await sql.insert(into: "webhook_endpoints").record(record).run()
        return record
    }

    /// The shop's live endpoints, oldest first.
    public func list(shop: ShopID, on sql: DatabaseSession) async throws -> [WebhookEndpointRecord] {
        try await sql.select().columns("*").from("webhook_endpoints").where("shop_id", .equal, shop.rawValue)
            .where("disabled_at", .is, SQLLiteral.null).orderBy("created_at").orderBy("id")
            .all().map { try $0.decodeRecord(WebhookEndpointRecord.self) }
    }

    /// One endpoint of this shop (live or removed); nil for another shop's.
    public func find(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> WebhookEndpointRecord? {
        try await sql.select().columns("*").from("webhook_endpoints").where("id", .equal, id)
            .where("shop_id", .equal, shop.rawValue).first()?.decodeRecord(WebhookEndpointRecord.self)
    }

    /// An endpoint by id, for the dispatcher.
    public func endpoint(_ id: String, on sql: DatabaseSession) async throws -> WebhookEndpointRecord? {
        try await sql.select().columns("*").from("webhook_endpoints").where("id", .equal, id)
            .first()?.decodeRecord(WebhookEndpointRecord.self)
    }

    /// Removes an endpoint (kept, disabled, so its log stays readable); false when the shop has no such live one.
    public func disable(_ id: String, shop: ShopID, now: Date, on sql: DatabaseSession) async throws -> Bool {
        try await !sql.update("webhook_endpoints").set("disabled_at", to: now).where("id", .equal, id)
            .where("shop_id", .equal, shop.rawValue).where("disabled_at", .is, SQLLiteral.null)
            .returning("id").all().isEmpty
    }

    public func record(_ attempt: WebhookAttemptRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "webhook_attempts").record(attempt).run()
    }

    /// The newest attempts of one endpoint first.
    public func attempts(endpoint: String, shop: ShopID, limit: Int = 50, on sql: DatabaseSession) async throws
        -> [WebhookAttemptRecord]
    {
        try await sql.select().columns("*").from("webhook_attempts").where("endpoint_id", .equal, endpoint)
            .where("shop_id", .equal, shop.rawValue).orderBy("at", .descending).orderBy("attempt", .descending)
            .limit(max(1, min(limit, 200))).all().map { try $0.decodeRecord(WebhookAttemptRecord.self) }
    }
}
