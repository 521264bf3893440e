import Foundation
import RedressCore
import RedressPersistence

/// One line of a report grouped by time, category, product or agent; only the figures that apply are set.
struct ReportGroup: Encodable, Equatable {
    var key: String
    var label: String
    var count: Int?
    var received: Int?
    var averageFirstResponseHours: Double?
    var firstResponseMedianHours: Double?
    var firstContactResolutionPercent: Double?
    var satisfiedPercent: Double?
    var deemedAccepted: Int?
    var decisions: Int?
    var satisfaction: Double?
    var reviews: Int?
    var held: Int?
    var dialogs: Int?
    var resolvedByCustomer: Int?
    var firstShopReplyMedianHours: Double?
    var averageFirstShopReplyHours: Double?
    var averageRating: Double?

    init(key: String, label: String) {
        self.key = key
        self.label = label
    }

    /// Complaints grouped as asked; agents are named from `names` (unassigned → `unassigned`).
    static func complaints(_ data: ReportService.Complaints, by grouping: ReportService.Grouping,
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

    static func breakdown(_ rows: [BreakdownRow]) -> [ReportGroup] {
        rows.map { row in
            var group = ReportGroup(key: row.key, label: row.label)
            group.count = row.count
            return group
        }
    }

    static func mediation(_ rows: [MediationReport.GroupRow], names: [String: String], unassigned: String)
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
    func mediationGroups(shop: ShopRecord, data: Mediation, by grouping: Grouping) async throws -> [ReportGroup] {
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
            throw Problem.invalid(["groupBy": "reviews have no category; use day, week, month, product or agent"])
        }
    }
}
