import Foundation
import RedressCore
import RedressPersistence

/// The panel's global search (issue 17) over one shop's complaints, reviews and messages.
package struct PanelSearch: Sendable {
    package let services: AppServices
    package let store = SearchStore()

    package init(services: AppServices) { self.services = services }

    /// At most this many hits of each kind.
    package static let limit = 20

    package struct Results: Sendable {
        package var complaints: [SearchStore.Hit]
        package var reviews: [SearchStore.Hit]
        package var messages: [SearchStore.Hit]
        package var isEmpty: Bool { complaints.isEmpty && reviews.isEmpty && messages.isEmpty }
        package var truncated: Bool { [complaints, reviews, messages].contains { $0.count >= PanelSearch.limit } }
    }

    /// The query as it is searched: trimmed, inner whitespace kept; nil when too short to mean anything (< 2).
    package static func normalized(_ text: String?) -> String? {
        let trimmed = String((text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        return trimmed.count >= 2 ? trimmed : nil
    }

    package func run(_ query: String, shop: ShopID) async throws -> Results {
        let sql = services.database.sql
        return Results(
            complaints: try await store.complaints(shop: shop, query: query, limit: Self.limit, on: sql),
            reviews: try await store.reviews(shop: shop, query: query, limit: Self.limit, on: sql),
            messages: try await store.messages(shop: shop, query: query, limit: Self.limit, on: sql))
    }
}
