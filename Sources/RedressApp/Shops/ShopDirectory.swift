import Foundation
import RedressCore
import RedressPersistence

/// What a customer's link opens: the order of one shop, and the review of that order if any (S3).
package struct CustomerCase: Sendable {
    package var link: CustomerLinkStore.Link
    package var shop: ShopRecord
    package var order: OrderRecord
    package var review: ReviewRecord?
}

/// Shops, their time zones, the public addresses of pages and the customers' links (S3): what reviews, complaints
/// and reports share, so none of them has to go through another feature's service.
package struct ShopDirectory: Sendable {
    package let services: AppServices

    package init(services: AppServices) {
        self.services = services
    }

    /// The shop, or `shop.not_found`.
    package func shop(_ id: ShopID, on sql: DatabaseSession) async throws -> ShopRecord {
        guard let shop = try await services.shops.find(id, on: sql) else { throw AppError.notFound("shop") }
        return shop
    }

    package func timeZone(_ shop: ShopRecord) -> TimeZone { TimeZone(identifier: shop.timeZone) ?? .gmt }

    /// The public address of a customer page: `/r/…` (the review form), `/c/…` (the case).
    package func link(_ site: SiteURL) -> String { services.config.url(site) }

    /// A fresh link to the customer's case page, valid 60 days. It can do everything the customer can, so it is
    /// only ever mailed to the order's address, never returned to the shop.
    package func caseLink(order: OrderRecord, shop: ShopRecord, now: Date, on tx: DatabaseSession) async throws -> String {
        let expires = services.config.holdPolicy.linkExpiry(issuedAt: now, timeZone: timeZone(shop))
        return try await CustomerLinkStore().issue(shop: shop.shopID, orderId: order.id, purpose: .case, now: now, expiresAt: expires,
                                     on: tx).token
    }

    /// A fresh link to one complaint: read it and answer it, nothing about the review (S3).
    package func complaintLink(order: OrderRecord, complaintId: String, shop: ShopRecord, now: Date, on tx: DatabaseSession)
        async throws -> String
    {
        let expires = services.config.holdPolicy.linkExpiry(issuedAt: now, timeZone: timeZone(shop))
        return try await CustomerLinkStore().issue(shop: shop.shopID, orderId: order.id, purpose: .complaint, complaintId: complaintId,
                                     now: now, expiresAt: expires, on: tx).token
    }

    /// Resolves a customer token for one of `actions`; unknown, tampered and expired tokens all answer 404, a link
    /// whose purpose allows none of them 403 (S3: a link the shop has seen never speaks as the customer).
    package func customerCase(token: String, for actions: CustomerLinkAction..., on sql: DatabaseSession) async throws
        -> CustomerCase
    {
        let now = services.clock.now()
        guard let link = try await CustomerLinkStore().resolve(token: token, now: now, on: sql),
              let shop = try await services.shops.find(ShopID(link.shopId), on: sql),
              let order = try await OrderStore().find(link.orderId, shop: shop.shopID, on: sql)
        else { throw AppError(.notFound, code: "link.unknown", detail: "This link is unknown or has expired.") }
        guard actions.contains(where: link.capability.allows) else { throw Self.linkRefusal(link.capability) }
        return CustomerCase(link: link, shop: shop, order: order, review: try await ReviewStore().find(orderId: order.id, on: sql))
    }

    package static func linkRefusal(_ purpose: CustomerLinkPurpose) -> AppError {
        switch purpose {
        case .review:
            AppError.forbidden("link.review_only", "This link can only write the review. To change it, withdraw it or answer the shop, "
                              + "use the link we e-mailed to the order's address.")
        case .complaint:
            AppError.forbidden("link.complaint_only", "This link opens one complaint only.")
        case .invitation, .case:
            AppError.forbidden("link.not_allowed", "This link cannot do that.")
        }
    }
}
