import Foundation
import RedressCore
import RedressPersistence

/// Reports (issue 8): reads a period's facts for one shop and lets `RedressCore/Reports` turn them into figures.
/// Everything is read for the shop of the caller only; there is no way to name another shop.
package struct ReportService {
    package let services: AppServices
    package let store = ReportStore()
    package let rollups = ReportRollupStore()

    package enum Work {
        /// Moving a shop's report roll-ups to its new time zone, a few hundred subjects per step.
        package static let rezone = TimedWorkKind.reportsRezone.stored
    }

    package func handlers() -> [TimedWorkKind.Family: TimedWorkHandler] {
        [.reportsRezone: { context in
            try await rollups.rezoneStep(shop: ShopID(context.work.subjectId), on: context.sql)
                ? .done : .repeatAt(context.now)
        }]
    }

    package enum Grouping: String, CaseIterable {
        case day, week, month, category, product, agent

        package var timeGrouping: ReportPeriod.Grouping? { ReportPeriod.Grouping(rawValue: rawValue) }
    }

    /// The period from `preset`, `from` and `to` in the shop's time zone (bad input → 422 naming the field).
    package func period(preset: String?, from: String?, to: String?, shop: ShopRecord) throws -> ReportPeriod {
        let zone = TimeZone(identifier: shop.timeZone) ?? .gmt
        do {
            return try ReportPeriod.resolve(preset: preset, from: from, to: to,
                                            now: services.clock.now(), timeZone: zone)
        } catch let errors as ValidationErrors {
            throw AppError.invalid(errors.fields)
        }
    }

    /// `groupBy` (default `month`); an unknown value → 422 listing the known ones.
    package func grouping(_ value: String?) throws -> Grouping {
        let text = value ?? "month"
        guard let grouping = Grouping(rawValue: text) else {
            throw AppError.invalid(["groupBy": "must be " + Grouping.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        return grouping
    }

    package struct Complaints {
        package var period: ReportPeriod
        package var report: ComplaintReport
        package var previous: ComplaintReport
        /// The period's counters, for the day/week/month and per-agent tables.
        package var rollup: ReportRollup
    }

    /// Both periods' complaint reports from the daily roll-ups (the period before without the per-agent spreads).
    package func complaints(shop: ShopRecord, period: ReportPeriod) async throws -> Complaints {
        let sql = services.database.sql
        let service = ComplaintService(services: services)
        let term = try await service.settings(shop, on: sql).termDays
        let now = services.clock.now()
        func build(_ period: ReportPeriod, agents: Bool) async throws
            -> (ComplaintReport, ReportRollup)
        {
            let rollup = try await rollups.rollup(
                shop: shop.shopID, family: "c", firstDay: period.firstDay, lastDay: period.lastDay,
                series: agents ? ComplaintReport.Metric.series : [],
                spreads: agents ? nil : Set(ComplaintReport.Metric.durations), on: sql)
            let overdue = try await store.refundsOverdue(shop: shop.shopID, start: period.start, end: period.end,
                                                         now: now, on: sql)
            let products = BreakdownRow.rows(rollup.keyed(ComplaintReport.Metric.product))
            let labels = try await rollups.labels(
                shop: shop.shopID, keys: products.map { ComplaintReport.Metric.product + $0.key }, on: sql)
            let named = products.map {
                BreakdownRow(key: $0.key, label: labels[ComplaintReport.Metric.product + $0.key] ?? $0.key, count: $0.count)
            }
            return (ComplaintReport.build(rollup: rollup, term: term, repeats: nil, refundsOverdue: overdue,
                                          byProduct: named), rollup)
        }
        // Repeat complaints look back 12 months from the period's end (for the period itself only); they scan a
        // year of complaints, so an instance keeps them for a few minutes.
        let yearBack = Calendar(identifier: .gregorian).date(byAdding: .month, value: -12, to: period.end)!
        let window = (start: min(yearBack, period.start), end: period.end)
        async let repeats = services.reportCache.repeats(shop: shop.shopID, start: window.start, end: window.end,
                                                         now: now) {
            try await store.repeatComplaints(shop: shop.shopID, start: window.start, end: window.end, on: sql)
        }
        async let before = build(period.previous, agents: false)
        var (report, rollup) = try await build(period, agents: true)
        report.repeats = try await repeats
        let (previous, _) = try await before
        return Complaints(period: period, report: report, previous: previous, rollup: rollup)
    }

    package struct Mediation {
        package var period: ReportPeriod
        package var report: MediationReport
        package var previous: MediationReport
        /// The period's dialog counters with the reviews and held reviews per day, for the series and agents.
        package var rollup: ReportRollup
    }

    package func mediation(shop: ShopRecord, period: ReportPeriod) async throws -> Mediation {
        let sql = services.database.sql
        func build(_ period: ReportPeriod, details: Bool) async throws -> (MediationReport, ReportRollup) {
            let counts = try await store.reviewCounts(shop: shop.shopID, start: period.start, end: period.end,
                                                      zone: period.timeZone, on: sql)
            var rollup = try await rollups.rollup(
                shop: shop.shopID, family: "d", firstDay: period.firstDay, lastDay: period.lastDay,
                series: details ? MediationReport.Metric.series : [],
                spreads: details ? nil : [MediationReport.Metric.reply], on: sql)
            for (day, count) in counts.days {
                rollup.daily[day, default: [:]][MediationReport.Metric.reviews] = count.reviews
                rollup.daily[day, default: [:]][MediationReport.Metric.held] = count.held
            }
            let profile = try await store.profileCounts(shop: shop.shopID, fromDay: period.from, toDay: period.to, on: sql)
            return (MediationReport.build(counts: counts.totals, dialogs: rollup, profile: profile), rollup)
        }
        async let before = build(period.previous, details: false)
        let (report, rollup) = try await build(period, details: true)
        let (previous, _) = try await before
        return Mediation(period: period, report: report, previous: previous, rollup: rollup)
    }

    /// Reviews, held reviews and dialogs per local day, week or month.
    package func mediationRows(mediation: Mediation, grouping: ReportPeriod.Grouping) -> [MediationReport.GroupRow] {
        MediationReport.rows(buckets: mediation.period.buckets(grouping), rollup: mediation.rollup,
                             timeZone: mediation.period.timeZone)
    }

    /// Staff names by id, for the per-agent tables (only this shop's staff).
    package func staffNames(shop: ShopID) async throws -> [String: String] {
        let staff = try await services.staff.list(shop: shop, on: services.database.sql)
        return Dictionary(staff.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    package init(services: AppServices) {
        self.services = services
    }
}
