import Foundation
import RedressCore
import RedressPersistence

/// Quick replies (issue 17): the shop's reply templates (C8), offered on dialogs and complaints with the customer's
/// language first, filled in for the case and put in the reply box to read and edit before sending.
package struct QuickReplies: Sendable {
    package let services: AppServices
    package let store = ComplaintToolStore()

    package init(services: AppServices) { self.services = services }

    /// The shop's templates, those in `language` first, then by name.
    package func offered(shop: ShopID, language: String) async throws -> [ComplaintTemplateRecord] {
        try await store.templates(shop: shop, on: services.database.sql).sorted {
            ($0.language == language ? 0 : 1, $0.name.lowercased(), $0.id) < ($1.language == language ? 0 : 1, $1.name.lowercased(), $1.id)
        }
    }

    /// A template filled in for a dialog: the customer's and the shop's names; complaint placeholders stay empty.
    package func forDialog(_ templateId: String, customerName: String, shop shopID: ShopID) async throws -> String {
        let sql = services.database.sql
        guard let template = try await store.template(templateId, shop: shopID, on: sql) else {
            throw AppError.notFound("template")
        }
        let shop = try await services.shops.find(shopID, on: sql)
        return ReplyTemplate.render(template.body, values: [
            "customer.name": customerName, "customer.firstName": ReplyTemplate.firstName(customerName),
            "shop.name": shop?.name ?? "",
        ])
    }
}
