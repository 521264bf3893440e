import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressMail
import RedressPersistence

/// Webhook endpoints over the API (N3): an integration (API key) or a shop owner registers endpoints, chooses
/// events, reads each endpoint's delivery log and sends a test event.
struct WebhookAPI {
    let services: AppServices
    let catalog: APICatalog
    var admin: WebhookAdministration { WebhookAdministration(services: services) }

    struct NewEndpoint: Decodable {
        var url: String?
        var events: [String]?
        var description: String?
    }

    struct EndpointView: Encodable {
        var id, url: String
        var events: [String]
        var description: String?
        var createdAt: Date
        /// Only in the answer to the creation.
        var secret: String?

        init(_ record: WebhookEndpointRecord, showSecret: Bool = false) {
            id = record.id
            url = record.url
            events = record.events.split(separator: ",").map(String.init)
            description = record.description
            createdAt = record.createdAt
            secret = showSecret ? record.secret : nil
        }
    }

    struct AttemptView: Encodable {
        var eventId, eventType: String
        var attempt: Int
        var at: Date
        var statusCode: Int?
        var error: String?
        var durationMs: Int
        var delivered: Bool

        init(_ record: WebhookAttemptRecord) {
            eventId = record.eventId
            eventType = record.eventType
            attempt = record.attempt
            at = record.at
            statusCode = record.statusCode
            error = record.error
            durationMs = record.durationMs
            delivered = record.error == nil
        }
    }

    func register(on router: Router<AppContext>) {
        router.api(.get, "/api/v1/webhooks", catalog: catalog, summary: "The shop's webhook endpoints (N3)",
                   tag: "webhooks", security: .shop,
                   responses: [200: ("Endpoints", .object(required: ["items"], [("items", .array(of: .ref("WebhookEndpoint")))]))],
                   use: listWebhooks)
        router.api(.post, "/api/v1/webhooks", catalog: catalog,
                   summary: "Register an endpoint; the signing secret is shown once", tag: "webhooks", security: .shop,
                   request: .ref("NewWebhookEndpoint"),
                   responses: [201: ("Registered", .ref("WebhookEndpoint")), 422: ("Invalid", .ref("Problem"))],
                   use: createWebhook)
        router.api(.delete, "/api/v1/webhooks/{endpointId}", catalog: catalog, summary: "Remove an endpoint",
                   tag: "webhooks", security: .shop, responses: [204: ("Removed", nil), 404: ("Unknown", .ref("Problem"))],
                   use: deleteWebhook)
        router.api(.post, "/api/v1/webhooks/{endpointId}/test", catalog: catalog,
                   summary: "Send a webhook.test event to this endpoint", tag: "webhooks", security: .shop,
                   responses: [202: ("Queued", .object(required: ["eventId"], [("eventId", .string)]))],
                   use: testWebhook)
        router.api(.get, "/api/v1/webhooks/{endpointId}/deliveries", catalog: catalog,
                   summary: "The endpoint's delivery log, newest first", tag: "webhooks", security: .shop,
                   responses: [200: ("Attempts", .object(required: ["items"], [("items", .array(of: .ref("WebhookAttempt")))]))],
                   use: listWebhookDeliveries)
    }

    @Sendable func listWebhooks(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireWebhookManager()
        let items = try await WebhookStore().list(shop: shop, on: services.database.sql).map { EndpointView($0) }
        return try Response.json(["items": items])
    }

    @Sendable func createWebhook(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireWebhookManager()
        let body = try await request.decode(as: NewEndpoint.self, context: context)
        let record = try await admin.create(shop: shop, url: body.url ?? "",
                                            events: (body.events ?? []).joined(separator: ","),
                                            description: body.description, actor: context.identity!.actor)
        return try Response.json(EndpointView(record, showSecret: true), status: .created)
    }

    @Sendable func deleteWebhook(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireWebhookManager()
        try await admin.remove(try context.parameters.require("endpointId"), shop: shop,
                               actor: context.identity!.actor)
        return Response(status: .noContent)
    }

    @Sendable func testWebhook(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireWebhookManager()
        let eventId = try await admin.sendTest(try context.parameters.require("endpointId"), shop: shop)
        return try Response.json(["eventId": eventId], status: .accepted)
    }

    @Sendable func listWebhookDeliveries(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireWebhookManager()
        let endpoint = try await admin.endpoint(try context.parameters.require("endpointId"), shop: shop)
        let attempts = try await WebhookStore().attempts(endpoint: endpoint.id, shop: shop, on: services.database.sql)
        return try Response.json(["items": attempts.map(AttemptView.init)])
    }

    static let schemas: [(String, JSON)] = [
        ("NewWebhookEndpoint", .object(required: ["url", "events"], [
            ("url", .stringMax(500, min: 1)),
            ("events", .array(of: .enumeration(["*"] + WebhookEvent.subscribable.map(\.rawValue)))),
            ("description", .stringMax(200)),
        ])),
        ("WebhookEndpoint", .object(required: ["id", "url", "events", "createdAt"], [
            ("id", .string), ("url", .string), ("events", .array(of: .string)), ("description", .string),
            ("createdAt", .dateTime), ("secret", .string),
        ])),
        ("WebhookAttempt", .object(required: ["eventId", "eventType", "attempt", "at", "durationMs", "delivered"], [
            ("eventId", .string), ("eventType", .string), ("attempt", .integer), ("at", .dateTime),
            ("statusCode", .integer), ("error", .string), ("durationMs", .integer), ("delivered", .boolean),
        ])),
    ]
}

/// The rules for managing endpoints, shared by the API and the panel.
struct WebhookAdministration {
    let services: AppServices
    let store = WebhookStore()

    func create(shop: ShopID, url: String, events: String, description: String?, actor: AuditActor) async throws
        -> WebhookEndpointRecord
    {
        var errors = ValidationErrors()
        var checkedURL = ""
        var subscription = WebhookSubscription(events: [])
        let allowPrivate = services.config.allowPrivateWebhookTargets
        do { checkedURL = try WebhookURL.validate(url, allowPrivate: allowPrivate) } catch let error as ValidationErrors {
            errors.merge(error)
        }
        // A name that resolves now must resolve to a public address; one that does not resolve yet is checked again
        // before every call.
        if !allowPrivate, errors.isEmpty, let parts = URLComponents(string: checkedURL), let host = parts.host {
            let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            do {
                _ = try await HTTPPoster.resolve(host: bare, port: parts.port ?? 443, allowPrivate: false)
            } catch WebhookDeliveryError.privateAddress {
                errors.add("url", WebhookURL.privateTargetMessage)
            } catch {}
        }
        do { subscription = try WebhookSubscription(parsing: events) } catch let error as ValidationErrors {
            errors.merge(error)
        }
        let note = description?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.count > 200 { errors.add("description", "at most 200 characters") }
        try errors.throwIfAny()
        let now = services.clock.now()
        let (address, events) = (checkedURL, subscription)
        return try await services.database.transaction { tx in
            guard try await store.list(shop: shop, on: tx).count < 20 else {
                throw Problem.conflict("A shop can have at most 20 endpoints; remove one first.")
            }
            let record = try await store.create(shop: shop, url: address, subscription: events,
                                                description: note?.isEmpty == false ? note : nil, now: now, on: tx)
            try await services.audit.append(shop: shop, actor: actor, action: "webhook.created",
                                            subjectType: "webhook", subjectId: record.id,
                                            after: ["url": record.url, "events": record.events], now: now, on: tx)
            return record
        }
    }

    func endpoint(_ id: String, shop: ShopID) async throws -> WebhookEndpointRecord {
        guard let record = try await store.find(id, shop: shop, on: services.database.sql) else {
            throw Problem.notFound("webhook endpoint")
        }
        return record
    }

    func remove(_ id: String, shop: ShopID, actor: AuditActor) async throws {
        let now = services.clock.now()
        try await services.database.transaction { tx in
            guard try await store.disable(id, shop: shop, now: now, on: tx) else {
                throw Problem.notFound("webhook endpoint")
            }
            try await services.audit.append(shop: shop, actor: actor, action: "webhook.removed",
                                            subjectType: "webhook", subjectId: id, now: now, on: tx)
        }
    }

    /// Queues a `webhook.test` event for one live endpoint; it goes through the outbox like any other.
    func sendTest(_ id: String, shop: ShopID) async throws -> String {
        let endpoint = try await endpoint(id, shop: shop)
        guard endpoint.disabledAt == nil else { throw Problem.notFound("webhook endpoint") }
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            try await Webhooks(services: services).enqueue(.test, to: [endpoint], shop: shop, data: WebhookResource(),
                                                           now: now, on: tx)
        }
    }
}

extension AppContext {
    /// Webhooks are managed by the integration (API key) or a shop owner.
    func requireWebhookManager() throws -> ShopID {
        if case .staff = identity { return try requireOwner().shopID }
        return try requireShopWriter()
    }
}
