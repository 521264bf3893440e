import Foundation
import RedressCore
import RedressPersistence

/// One line of a report grouped by time, category, product or agent; only the figures that apply are set.
package struct ReportGroup: Encodable, Equatable {
    package var key: String
    package var label: String
    package var count: Int?
    package var received: Int?
    package var averageFirstResponseHours: Double?
    package var firstResponseMedianHours: Double?
    package var firstContactResolutionPercent: Double?
    package var satisfiedPercent: Double?
    package var deemedAccepted: Int?
    package var decisions: Int?
    package var satisfaction: Double?
    package var reviews: Int?
    package var held: Int?
    package var dialogs: Int?
    package var resolvedByCustomer: Int?
    package var firstShopReplyMedianHours: Double?
    package var averageFirstShopReplyHours: Double?
    package var averageRating: Double?

    package init(key: String, label: String) {
        self.key = key
        self.label = label
    }

    /// Complaints grouped as asked; agents are named from `names` (unassigned → `unassigned`).
    package static func complaints(_ data: ReportService.Complaints, by grouping: ReportService.Grouping,
                           names: [String: String], unassigned: String) -> [ReportGroup] {
        switch grouping {
        case .day, .week, .month:
            let buckets = data.period.buckets(grouping.timeGrouping!)
            return ComplaintReport.rows(data.rollup, buckets: buckets, timeZone: data.period.timeZone).map { row in
                var group = ReportGroup(key: row.key, label: row.key)
                group.received = row.received
                group.averageFirstResponseHours = row.averageFirstResponseHours
                group.firstContactResolutionPercent = row.firstContactResolution.percent
                group.satisfiedPercent = row.satisfied.percent
                group.deemedAccepted = row.deemedAccepted
                return group
            }
        case .category:
            return breakdown(data.report.byCategory)
        case .product:
            return breakdown(data.report.byProduct)
        case .agent:
            return ComplaintReport.agents(data.rollup).map { row in
                var group = ReportGroup(key: row.agentId, label: row.agentId.isEmpty ? unassigned : names[row.agentId] ?? row.agentId)
                group.received = row.handled
                group.firstResponseMedianHours = row.firstResponseMedianHours
                group.decisions = row.decisions
                group.satisfaction = row.satisfaction
                return group
            }
        }
    }

    package static func breakdown(_ rows: [BreakdownRow]) -> [ReportGroup] {
        rows.map { row in
            var group = ReportGroup(key: row.key, label: row.label)
            group.count = row.count
            return group
        }
    }

    package static func mediation(_ rows: [MediationReport.GroupRow], names: [String: String], unassigned: String)
        -> [ReportGroup]
    {
        rows.map { row in
            var group = ReportGroup(key: row.key, label: names[row.key] ?? (row.key.isEmpty ? unassigned : row.key))
            group.reviews = row.reviews
            group.held = row.held
            group.dialogs = row.dialogs
            group.resolvedByCustomer = row.resolvedByCustomer
            group.firstShopReplyMedianHours = row.firstShopReplyMedianHours
            group.averageFirstShopReplyHours = row.averageFirstShopReplyHours
            return group
        }
    }
}

extension ReportService {
    /// Mediation grouped as asked (not by category: reviews have none).
    package func mediationGroups(shop: ShopRecord, data: Mediation, by grouping: Grouping) async throws -> [ReportGroup] {
        switch grouping {
        case .day, .week, .month:
            return ReportGroup.mediation(mediationRows(mediation: data, grouping: grouping.timeGrouping!), names: [:],
                                         unassigned: "")
        case .agent:
            return ReportGroup.mediation(MediationReport.agents(data.rollup),
                                         names: try await staffNames(shop: shop.shopID), unassigned: "unassigned")
        case .product:
            return try await rollups.reviewsByProduct(shop: shop.shopID, firstDay: data.period.firstDay,
                                                      lastDay: data.period.lastDay, on: services.database.sql).map { row in
                var group = ReportGroup(key: row.productId, label: row.name)
                group.reviews = row.reviews
                group.averageRating = row.average
                return group
            }
        case .category:
            throw AppError.invalid(["groupBy": "reviews have no category; use day, week, month, product or agent"])
        }
    }
}
