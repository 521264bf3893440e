import Foundation
import RedressCore
import RedressMail
import RedressPersistence

/// What a webhook event says about its subject; absent fields are left out of the JSON.
package struct WebhookResource: Codable, Sendable, Equatable {
    package var reviewId: String?
    package var dialogId: String?
    package var messageId: String?
    package var complaintId: String?
    package var orderExternalId: String?
    package var rating: Int?
    package var status: String?
    package var author: String?
    package var publishAt: Date?
    package var publishedAt: Date?

    package init(reviewId: String? = nil, dialogId: String? = nil, messageId: String? = nil, complaintId: String? = nil, orderExternalId: String? = nil, rating: Int? = nil, status: String? = nil, author: String? = nil, publishAt: Date? = nil, publishedAt: Date? = nil) {
        self.reviewId = reviewId
        self.dialogId = dialogId
        self.messageId = messageId
        self.complaintId = complaintId
        self.orderExternalId = orderExternalId
        self.rating = rating
        self.status = status
        self.author = author
        self.publishAt = publishAt
        self.publishedAt = publishedAt
    }
}

/// The JSON body every endpoint receives (N3).
package struct WebhookEnvelope: Codable, Sendable, Equatable {
    package var id: String
    package var type: String
    package var createdAt: Date
    package var shopId: String
    package var data: WebhookResource

    package init(id: String, type: String, createdAt: Date, shopId: String, data: WebhookResource) {
        self.id = id
        self.type = type
        self.createdAt = createdAt
        self.shopId = shopId
        self.data = data
    }
}

/// One call waiting in the outbox: the endpoint and the body, fixed when the event happened.
package struct WebhookCall: Codable, Sendable, Equatable {
    package var endpointId: String
    package var eventId: String
    package var type: String
    package var body: String

    package init(endpointId: String, eventId: String, type: String, body: String) {
        self.endpointId = endpointId
        self.eventId = eventId
        self.type = type
        self.body = body
    }
}

/// Writes webhook calls to the outbox in the caller's transaction, one per subscribed endpoint, so they are
/// delivered (and retried) like e-mail and never lost (N1, N3).
package struct Webhooks: Sendable {
    package let services: AppServices
    package let store = WebhookStore()

    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Enqueues `event` for every live endpoint of the shop that subscribed to it; returns the event id.
    @discardableResult
    package func emit(_ event: WebhookEvent, shop: ShopID, data: WebhookResource, now: Date, on sql: DatabaseSession)
        async throws -> String?
    {
        let endpoints = try await store.list(shop: shop, on: sql).filter { $0.subscription?.includes(event) == true }
        guard !endpoints.isEmpty else { return nil }
        return try await enqueue(event, to: endpoints, shop: shop, data: data, now: now, on: sql)
    }

    /// The same for many subjects at once (the publishing pass): one look-up of endpoints per shop.
    package func emit(_ event: WebhookEvent, items: [(shop: ShopID, data: WebhookResource)], now: Date,
              on sql: DatabaseSession) async throws {
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
    package func enqueue(_ event: WebhookEvent, to endpoints: [WebhookEndpointRecord], shop: ShopID, data: WebhookResource,
                 now: Date, on sql: DatabaseSession) async throws -> String {
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

    package init(services: AppServices) {
        self.services = services
    }
}

extension WebhookResource {
    package init(review: ReviewRecord) {
        self.init(reviewId: review.id, rating: review.rating, status: review.status.rawValue, publishAt: review.publishAt,
                  publishedAt: review.publishedAt)
    }
}
