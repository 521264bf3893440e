import Foundation
import RedressCore
internal import SQLKit

public struct OrderRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var externalId: String
    public var placedAt: Date
    public var email: String
    public var emailNormalized: String
    public var customerName: String
    public var locale: String
    public var deliveredAt: Date?
    public var cancelledAt: Date?
    public var invitedAt: Date?
    public var remindedAt: Date?
    public var bodyHash: String
    public var createdAt: Date
}

public struct OrderItemRecord: Codable, Sendable, Equatable {
    public var id: String
    public var orderId: String
    public var shopId: String
    public var productId: String
    public var name: String
    public var quantity: Int
    public var unitPrice: String?
    public var currency: String?
}

/// Orders from the shop system (N4). Each order is stored once per shop and external id, by constraint.
public struct OrderStore: Sendable {
    public init() {}

    public enum Upsert: Equatable, Sendable {
        case created(OrderRecord)
        case unchanged(OrderRecord)
        /// The same external id arrived with a different body.
        case conflict(OrderRecord)
    }

    /// Inserts the order with its items unless it exists; an existing one is compared by body hash.
    public func insert(
        _ order: IncomingOrder, bodyHash: String, shop: ShopID, defaultLocale: String, now: Date,
        on sql: DatabaseSession
    ) async throws -> Upsert {
        if let existing = try await find(externalId: order.externalId, shop: shop, on: sql) {
            return existing.bodyHash == bodyHash ? .unchanged(existing) : .conflict(existing)
        }
        let record = OrderRecord(
            id: SecureToken.id("ord"), shopId: shop.rawValue, externalId: order.externalId, placedAt: order.placedAt,
            email: order.email, emailNormalized: Validate.normalizedEmail(order.email),
            customerName: order.customerName, locale: order.locale ?? defaultLocale, deliveredAt: order.deliveredAt,
            cancelledAt: nil, invitedAt: nil, remindedAt: nil, bodyHash: bodyHash, createdAt: now)
        do {
            try await sql.insert(into: "orders").record(record).run()
        } catch where error.isConstraintFailure {
            // Another request inserted it first; answer as if it had been there.
            guard let existing = try await find(externalId: order.externalId, shop: shop, on: sql) else { throw error }
            return existing.bodyHash == bodyHash ? .unchanged(existing) : .conflict(existing)
        }
        let items = order.items.map {
            OrderItemRecord(id: SecureToken.id("itm"), orderId: record.id, shopId: shop.rawValue, productId: $0.productId,
                            name: $0.name, quantity: $0.quantity, unitPrice: $0.unitPrice.map { "\($0)" },
                            currency: $0.currency)
        }
        if !items.isEmpty {
            var insert = sql.insert(into: "order_items")
            for item in items { insert = try insert.record(item) }
            try await insert.run()
        }
        return .created(record)
    }

    /// Inserts many new orders with their items in a few statements (bulk import). The caller has checked that none
    /// of them exists yet; a race with another writer fails the whole call by constraint.
    public func insertNew(
        _ orders: [(order: IncomingOrder, bodyHash: String)], shop: ShopID, defaultLocale: String, now: Date,
        on sql: DatabaseSession
    ) async throws -> [OrderRecord] {
        let records = orders.map { entry in
            OrderRecord(
                id: SecureToken.id("ord"), shopId: shop.rawValue, externalId: entry.order.externalId,
                placedAt: entry.order.placedAt, email: entry.order.email,
                emailNormalized: Validate.normalizedEmail(entry.order.email), customerName: entry.order.customerName,
                locale: entry.order.locale ?? defaultLocale, deliveredAt: entry.order.deliveredAt, cancelledAt: nil,
                invitedAt: nil, remindedAt: nil, bodyHash: entry.bodyHash, createdAt: now)
        }
        var items: [OrderItemRecord] = []
        for (record, entry) in zip(records, orders) {
            items += entry.order.items.map {
                OrderItemRecord(id: SecureToken.id("itm"), orderId: record.id, shopId: shop.rawValue,
                                productId: $0.productId, name: $0.name, quantity: $0.quantity,
                                unitPrice: $0.unitPrice.map { "\($0)" }, currency: $0.currency)
            }
        }
        for chunk in stride(from: 0, to: records.count, by: 500) {
            var insert = sql.insert(into: "orders")
            for record in records[chunk..<min(chunk + 500, records.count)] { insert = try insert.record(record) }
            try await insert.run()
        }
        for chunk in stride(from: 0, to: items.count, by: 500) {
            var insert = sql.insert(into: "order_items")
            for item in items[chunk..<min(chunk + 500, items.count)] { insert = try insert.record(item) }
            try await insert.run()
        }
        return records
    }

    /// The external ids among `externalIds` that this shop already has.
    public func existingExternalIds(_ externalIds: [String], shop: ShopID, on sql: DatabaseSession) async throws
        -> Set<String>
    {
        guard !externalIds.isEmpty else { return [] }
        return Set(try await sql.select().column("external_id").from("orders")
            .where("shop_id", .equal, shop.rawValue).where("external_id", .in, SQLBind.group(externalIds))
            .all().map { try $0.decode(column: "external_id", as: String.self) })
    }

    public func find(externalId: String, shop: ShopID, on sql: DatabaseSession) async throws -> OrderRecord? {
        try await sql.select().columns("*").from("orders")
            .where("shop_id", .equal, shop.rawValue).where("external_id", .equal, externalId)
            .first()?.decodeRecord(OrderRecord.self)
    }

    public func find(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> OrderRecord? {
        try await sql.select().columns("*").from("orders")
            .where("shop_id", .equal, shop.rawValue).where("id", .equal, id)
            .first()?.decodeRecord(OrderRecord.self)
    }

    /// The e-mail address and language of several orders, by id.
    public func contacts(ids: [String], on sql: DatabaseSession) async throws -> [String: (email: String, locale: String)] {
        guard !ids.isEmpty else { return [:] }
        var result: [String: (email: String, locale: String)] = [:]
        for row in try await sql.select().columns("id", "email", "locale").from("orders")
            .where("id", .in, SQLBind.group(ids)).all()
        {
            result[try row.decode(column: "id", as: String.self)] = (
                try row.decode(column: "email", as: String.self), try row.decode(column: "locale", as: String.self))
        }
        return result
    }

    public func items(orderId: String, on sql: DatabaseSession) async throws -> [OrderItemRecord] {
        try await sql.select().columns("*").from("order_items").where("order_id", .equal, orderId).orderBy("id")
            .all().map { try $0.decodeRecord(OrderItemRecord.self) }
    }

    /// Records the delivery time; false when the order was already delivered at that time.
    public func setDelivered(_ id: String, at: Date, on sql: DatabaseSession) async throws {
        try await sql.update("orders").set("delivered_at", to: at).where("id", .equal, id).run()
    }

    public func setCancelled(_ id: String, at: Date, on sql: DatabaseSession) async throws {
        try await sql.update("orders").set("cancelled_at", to: at).where("id", .equal, id).run()
    }

    public func markInvited(_ id: String, at: Date, on sql: DatabaseSession) async throws {
        try await sql.update("orders").set("invited_at", to: at).where("id", .equal, id).run()
    }

    public func markReminded(_ id: String, at: Date, on sql: DatabaseSession) async throws {
        try await sql.update("orders").set("reminded_at", to: at).where("id", .equal, id).run()
    }
}

/// A customer's link: an unguessable token (256 bits) scoped to one order, stored only as its hash, expiring.
public struct CustomerLinkStore: Sendable {
    public init() {}

    public struct Link: Codable, Sendable, Equatable {
        public var id: String
        public var shopId: String
        public var orderId: String
        public var purpose: String
        /// The one complaint a `complaint` link opens.
        public var complaintId: String?
        public var createdAt: Date
        public var expiresAt: Date

        /// What the link may do; checked wherever its token is resolved.
        public var capability: CustomerLinkPurpose { .stored(purpose) }
    }

    public func issue(shop: ShopID, orderId: String, purpose: CustomerLinkPurpose, complaintId: String? = nil,
                      now: Date, expiresAt: Date, on sql: DatabaseSession) async throws -> (token: String, link: Link) {
        let token = SecureToken.make(bytes: 32)
        let link = Link(id: SecureToken.id("lnk"), shopId: shop.rawValue, orderId: orderId, purpose: purpose.rawValue,
                        complaintId: complaintId, createdAt: now, expiresAt: expiresAt)
        try await sql.insert(into: "customer_links")
            .columns("id", "shop_id", "order_id", "token_hash", "purpose", "complaint_id", "created_at", "expires_at")
            .values(SQLBind(link.id), SQLBind(link.shopId), SQLBind(orderId), SQLBind(SecretHash.of(token)),
                    SQLBind(purpose.rawValue), SQLBind(complaintId), SQLBind(now), SQLBind(expiresAt))
            .run()
        return (token, link)
    }

    /// Issues one link per order in one statement; returns the tokens in the order of `orderIds`.
    public func issue(shop: [String], orderIds: [String], purpose: CustomerLinkPurpose, now: Date, expiresAt: Date,
                      on sql: DatabaseSession) async throws -> [String] {
        let tokens = orderIds.map { _ in SecureToken.make(bytes: 32) }
        for chunk in stride(from: 0, to: orderIds.count, by: 500) {
            var insert = sql.insert(into: "customer_links")
                .columns("id", "shop_id", "order_id", "token_hash", "purpose", "created_at", "expires_at")
            for index in chunk..<min(chunk + 500, orderIds.count) {
                insert = insert.values(
                    SQLBind(SecureToken.id("lnk")), SQLBind(shop[index]), SQLBind(orderIds[index]),
                    SQLBind(SecretHash.of(tokens[index])), SQLBind(purpose.rawValue), SQLBind(now), SQLBind(expiresAt))
            }
            try await insert.run()
        }
        return tokens
    }

    /// The live link for a token, or nil when it is unknown or expired.
    public func resolve(token: String, now: Date, on sql: DatabaseSession) async throws -> Link? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        return try await sql.select()
            .columns("id", "shop_id", "order_id", "purpose", "complaint_id", "created_at", "expires_at")
            .from("customer_links").where("token_hash", .equal, SecretHash.of(token))
            .where("expires_at", .greaterThan, now)
            .first()?.decodeRecord(Link.self)
    }

    /// Moves every link of the order to expire no sooner than `at` (a case that goes on keeps its links alive).
    public func extend(orderId: String, until at: Date, on sql: DatabaseSession) async throws {
        try await sql.update("customer_links").set("expires_at", to: at)
            .where("order_id", .equal, orderId).where("expires_at", .lessThan, at).run()
    }
}
