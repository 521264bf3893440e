import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// Orders, reviews, dialogs, the customer's link, the public profile data and platform moderation over HTTP.
struct ReviewAPI {
    let services: AppServices
    let catalog: APICatalog
    var reviewsService: ReviewService { ReviewService(services: services) }
    var reads: ReviewReads { ReviewReads(services: services) }

    struct OrderBody: Decodable {
        struct Customer: Decodable {
            var email: String?
            var name: String?
            var locale: String?
        }

        struct Item: Decodable {
            var productId: String?
            var name: String?
            var quantity: Int?
            var unitPrice: Decimal?
            var currency: String?
        }

        var externalId: String?
        var placedAt: Date?
        var customer: Customer?
        var items: [Item]?
        var deliveredAt: Date?

        func incoming() throws -> IncomingOrder {
            var errors = ValidationErrors()
            if externalId == nil { errors.add("externalId", "is required") }
            if placedAt == nil { errors.add("placedAt", "is required (ISO 8601 time)") }
            if customer?.email == nil { errors.add("customer.email", "is required") }
            try errors.throwIfAny()
            let order = IncomingOrder(
                externalId: externalId!.trimmingCharacters(in: .whitespaces), placedAt: placedAt!,
                email: customer!.email!.trimmingCharacters(in: .whitespaces),
                customerName: (customer?.name ?? "").trimmingCharacters(in: .whitespaces), locale: customer?.locale,
                items: (items ?? []).map {
                    IncomingOrder.Item(productId: $0.productId ?? "", name: $0.name ?? "", quantity: $0.quantity ?? 1,
                                       unitPrice: $0.unitPrice, currency: $0.currency)
                },
                deliveredAt: deliveredAt)
            try order.validate()
            return order
        }
    }

    struct OrderView: Encodable {
        var id, externalId: String
        var placedAt: Date
        var deliveredAt: Date?
        var cancelledAt: Date?
        var invitedAt: Date?
        var locale: String

        init(_ order: OrderRecord) {
            id = order.id
            externalId = order.externalId
            placedAt = order.placedAt
            deliveredAt = order.deliveredAt
            cancelledAt = order.cancelledAt
            invitedAt = order.invitedAt
            locale = order.locale
        }
    }

    struct DeliveryBody: Decodable { var deliveredAt: Date? }
    struct ReviewBody: Decodable {
        var rating: Int?
        var title: String?
        var body: String?
    }
    struct TextBody: Decodable { var body: String? }
    struct ReasonBody: Decodable { var reason: String? }
    struct WithdrawBody: Decodable {
        var reason: String?
        var comment: String?
    }
    struct AppealBody: Decodable { var statement: String? }
    struct ModerationBody: Decodable {
        var decision: String?
        var reason: String?
    }

    func register(on router: Router<AppContext>) {
        registerOrders(on: router)
        registerCustomer(on: router)
        registerShopReviews(on: router)
        registerDialogs(on: router)
        registerPublic(on: router)
        registerModeration(on: router)
    }

    // MARK: Orders

    private func registerOrders(on router: Router<AppContext>) {
        router.api(.post, "/api/v1/orders", catalog: catalog, summary: "Send an order (idempotent on externalId)",
                   tag: "orders", security: .shop, request: .ref("NewOrder"),
                   responses: [201: ("Created", .ref("Order")), 200: ("Already known, same body", .ref("Order")),
                               409: ("Known with a different body", .ref("Problem"))],
                   use: submitOrder)
        router.api(.get, "/api/v1/orders/{externalId}", catalog: catalog, summary: "One order", tag: "orders",
                   security: .shop, responses: [200: ("The order", .ref("Order"))],
                   use: showOrder)
        router.api(.post, "/api/v1/orders/{externalId}/delivery", catalog: catalog,
                   summary: "Mark an order delivered; schedules the review invitation (R2)", tag: "orders",
                   security: .shop, request: .ref("Delivery"), responses: [200: ("Updated", .ref("Order"))],
                   use: markDelivered)
        router.api(.post, "/api/v1/orders/{externalId}/cancel", catalog: catalog,
                   summary: "Cancel an order: no invitation is ever sent for it (R2)", tag: "orders", security: .shop,
                   responses: [200: ("Cancelled", .ref("Order"))],
                   use: cancelOrder)
        router.api(.post, "/api/v1/orders/import", catalog: catalog,
                   summary: "Import orders from CSV (UTF-8, comma or semicolon; 10 MB at most)", tag: "orders",
                   security: .shop, request: .string, requestContentType: "text/csv",
                   responses: [200: ("Import report", .ref("ImportReport"))],
                   use: importOrders)
        router.api(.post, "/api/v1/orders/{externalId}/review-invitation", catalog: catalog,
                   summary: "A review link for shops that send their own e-mails (R2)", tag: "orders",
                   security: .shop, responses: [201: ("The link", .ref("ReviewLink"))],
                   use: issueReviewInvitation)
    }

    @Sendable func submitOrder(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let order = try await request.decode(as: OrderBody.self, context: context).incoming()
        let now = services.clock.now()
        let (outcome, record) = try await services.database.transaction { tx in
            try await reviewsService.submit(order, shop: try await reviewsService.shop(shop, on: tx),
                                            actor: context.identity!.actor, on: tx, now: now)
        }
        return try Response.json(OrderView(record), status: outcome == .created ? .created : .ok)
    }

    @Sendable func showOrder(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        return try Response.json(OrderView(try await order(context, shop: shop)))
    }

    @Sendable func markDelivered(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        let body = try await request.decode(as: DeliveryBody.self, context: context)
        guard let deliveredAt = body.deliveredAt else { throw Problem.invalid(["deliveredAt": "is required"]) }
        let order = try await order(context, shop: shopID)
        let now = services.clock.now()
        let updated = try await services.database.transaction { tx in
            let shop = try await reviewsService.shop(shopID, on: tx)
            return try await reviewsService.deliver(order, at: deliveredAt, shop: shop,
                                                    actor: context.identity!.actor, now: now, on: tx)
        }
        return try Response.json(OrderView(updated))
    }

    @Sendable func cancelOrder(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        let order = try await order(context, shop: shopID)
        let now = services.clock.now()
        try await services.database.transaction { tx in
            try await reviewsService.cancel(order, shop: shopID, actor: context.identity!.actor, now: now, on: tx)
        }
        var view = OrderView(order)
        view.cancelledAt = view.cancelledAt ?? now
        return try Response.json(view)
    }

    @Sendable func importOrders(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let buffer = try await request.body.collect(upTo: 10 * 1024 * 1024)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem.badRequest("The file is not UTF-8 text.")
        }
        let report = try await reviewsService.importOrders(csv: text, shop: shop, actor: context.identity!.actor)
        return try Response.json(report)
    }

    @Sendable func issueReviewInvitation(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        let order = try await order(context, shop: shopID)
        let now = services.clock.now()
        let link = try await services.database.transaction { tx in
            let shop = try await reviewsService.shop(shopID, on: tx)
            return try await reviewsService.issueReviewLink(order, shop: shop, now: now, on: tx)
        }
        struct LinkView: Encodable {
            var url: String
            var token: String
            var expiresAt: Date
        }
        return try Response.json(LinkView(url: link.url, token: link.token, expiresAt: link.expiresAt),
                                 status: .created)
    }

    private func order(_ context: AppContext, shop: ShopID) async throws -> OrderRecord {
        // Path segments arrive percent-encoded: an id with spaces, slashes or non-ASCII letters is reachable.
        let raw = try context.parameters.require("externalId")
        let externalId = raw.removingPercentEncoding ?? raw
        guard let order = try await OrderStore().find(externalId: externalId, shop: shop, on: services.database.sql)
        else { throw Problem.notFound("order") }
        return order
    }
}
