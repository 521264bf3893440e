import Foundation
import RedressCore
import RedressPersistence

/// The CSV import for the `redress orders import` command; the same code path as `POST /api/v1/orders/import`.
public struct OrderImporter: Sendable {
    package let services: AppServices

    public init(services: AppServices) {
        self.services = services
    }

    public struct Report: Sendable {
        public var created: Int
        public var updated: Int
        public var unchanged: Int
        public var rejected: [OrderCSVImport.LineError]
    }

    public func importCSV(_ text: String, shop: ShopID, progress: @escaping @Sendable (String) -> Void) async throws
        -> Report
    {
        let report = try await ReviewService(services: services).importOrders(
            csv: text, shop: shop, actor: .admin, progress: progress)
        return Report(created: report.created, updated: report.updated, unchanged: report.unchanged,
                      rejected: report.rejected)
    }
}
