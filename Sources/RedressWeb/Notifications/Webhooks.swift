import Foundation
import RedressCore
import RedressMail
import RedressPersistence
import SQLKit

/// What a webhook event says about its subject; absent fields are left out of the JSON.
struct WebhookResource: Codable, Sendable, Equatable {
    var reviewId: String?
    var dialogId: String?
    var messageId: String?
    var complaintId: String?
    var orderExternalId: String?
    var rating: Int?
    var status: String?
    var author: String?
    var publishAt: Date?
    var publishedAt: Date?
}

/// The JSON body every endpoint receives (N3).
struct WebhookEnvelope: Codable, Sendable, Equatable {
    var id: String
    var type: String
    var createdAt: Date
    var shopId: String
    var data: WebhookResource
}

/// One call waiting in the outbox: the endpoint and the body, fixed when the event happened.
struct WebhookCall: Codable, Sendable, Equatable {
    var endpointId: String
    var eventId: String
    var type: String
    var body: String
}

/// Writes webhook calls to the outbox in the caller's transaction, one per subscribed endpoint, so they are
/// delivered (and retried) like e-mail and never lost (N1, N3).
struct Webhooks: Sendable {
    let services: AppServices
    let store = WebhookStore()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Enqueues `event` for every live endpoint of the shop that subscribed to it; returns the event id.
    @discardableResult
    func emit(_ event: WebhookEvent, shop: ShopID, data: WebhookResource, now: Date, on sql: any SQLDatabase)
        async throws -> String?
    {
        let endpoints = try await store.list(shop: shop, on: sql).filter { $0.subscription?.includes(event) == true }
        guard !endpoints.isEmpty else { return nil }
        return try await enqueue(event, to: endpoints, shop: shop, data: data, now: now, on: sql)
    }

    /// The same for many subjects at once (the publishing pass): one look-up of endpoints per shop.
    func emit(_ event: WebhookEvent, items: [(shop: ShopID, data: WebhookResource)], now: Date,
              on sql: any SQLDatabase) async throws {
        var byShop: [ShopID: [WebhookEndpointRecord]] = [:]
        for shop in Set(items.map(\.shop)) {
            byShop[shop] = try await store.list(shop: shop, on: sql).filter { $0.subscription?.includes(event) == true }
        }
        var messages: [OutboxStore.NewMessage] = []
        for item in items {
            for endpoint in byShop[item.shop] ?? [] {
                messages.append(try message(event, endpoint: endpoint, shop: item.shop, data: item.data,
                                            eventId: SecureToken.id("evt"), now: now))
            }
        }
        try await services.outbox.enqueue(messages, now: now, on: sql)
    }

    /// Enqueues one event for the given endpoints (the test button uses this with one endpoint).
    func enqueue(_ event: WebhookEvent, to endpoints: [WebhookEndpointRecord], shop: ShopID, data: WebhookResource,
                 now: Date, on sql: any SQLDatabase) async throws -> String {
        let eventId = SecureToken.id("evt")
        try await services.outbox.enqueue(
            try endpoints.map { try message(event, endpoint: $0, shop: shop, data: data, eventId: eventId, now: now) },
            now: now, on: sql)
        return eventId
    }

    private func message(_ event: WebhookEvent, endpoint: WebhookEndpointRecord, shop: ShopID, data: WebhookResource,
                         eventId: String, now: Date) throws -> OutboxStore.NewMessage {
        let envelope = WebhookEnvelope(id: eventId, type: event.rawValue, createdAt: now, shopId: shop.rawValue,
                                       data: data)
        let body = String(decoding: try Self.encoder.encode(envelope), as: UTF8.self)
        let call = WebhookCall(endpointId: endpoint.id, eventId: eventId, type: event.rawValue, body: body)
        return .init(channel: OutboxChannel.webhook, kind: event.rawValue,
                     payload: String(decoding: try JSONEncoder().encode(call), as: UTF8.self), shop: shop)
    }
}

extension WebhookResource {
    init(review: ReviewRecord) {
        self.init(reviewId: review.id, rating: review.rating, status: review.status, publishAt: review.publishAt,
                  publishedAt: review.publishedAt)
    }
}
