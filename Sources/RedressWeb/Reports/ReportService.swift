import Foundation
import Hummingbird
import RedressCore
import RedressPersistence

/// Reports (issue 8): reads a period's facts for one shop and lets `RedressCore/Reports` turn them into figures.
/// Everything is read for the shop of the caller only; there is no way to name another shop.
struct ReportService {
    let services: AppServices
    let store = ReportStore()

    enum Grouping: String, CaseIterable {
        case day, week, month, category, product, agent

        var timeGrouping: ReportPeriod.Grouping? { ReportPeriod.Grouping(rawValue: rawValue) }
    }

    /// The period from `preset`, `from` and `to` in the shop's time zone (bad input → 422 naming the field).
    func period(_ request: Request, shop: ShopRecord) throws -> ReportPeriod {
        let query = request.uri.queryParameters
        let zone = TimeZone(identifier: shop.timeZone) ?? .gmt
        do {
            return try ReportPeriod.resolve(preset: query.get("preset"), from: query.get("from"), to: query.get("to"),
                                            now: services.clock.now(), timeZone: zone)
        } catch let errors as ValidationErrors {
            throw Problem.invalid(errors.fields)
        }
    }

    func grouping(_ request: Request, allowed: [Grouping] = Grouping.allCases) throws -> Grouping {
        let text = request.uri.queryParameters.get("groupBy") ?? "month"
        guard let grouping = Grouping(rawValue: text), allowed.contains(grouping) else {
            throw Problem.invalid(["groupBy": "must be " + allowed.map(\.rawValue).joined(separator: ", ")])
        }
        return grouping
    }

    struct Complaints {
        var period: ReportPeriod
        var report: ComplaintReport
        var previous: ComplaintReport
        var facts: [ComplaintFact]
        var term: Int
    }

    func complaints(shop: ShopRecord, period: ReportPeriod) async throws -> Complaints {
        let sql = services.database.sql
        let service = ComplaintService(services: services)
        let settings = try await service.settings(shop, on: sql)
        let calendar = service.calendar(shop, settings: settings)
        let now = services.clock.now()
        func build(_ period: ReportPeriod) async throws -> (ComplaintReport, [ComplaintFact]) {
            let facts = try await store.complaintFacts(shop: shop.shopID, start: period.start, end: period.end, on: sql)
            // Repeat complaints look back 12 months from the period's end.
            let yearBack = Calendar(identifier: .gregorian).date(byAdding: .month, value: -12, to: period.end)!
            let repeats = try await store.repeatComplaints(shop: shop.shopID, start: min(yearBack, period.start),
                                                           end: period.end, on: sql)
            return (ComplaintReport.build(facts: facts, term: settings.termDays, calendar: calendar, repeats: repeats,
                                          now: now), facts)
        }
        let (report, facts) = try await build(period)
        let (previous, _) = try await build(period.previous)
        return Complaints(period: period, report: report, previous: previous, facts: facts, term: settings.termDays)
    }

    struct Mediation {
        var period: ReportPeriod
        var report: MediationReport
        var previous: MediationReport
        var dialogs: [DialogFact]
    }

    func mediation(shop: ShopRecord, period: ReportPeriod) async throws -> Mediation {
        let sql = services.database.sql
        func build(_ period: ReportPeriod) async throws -> (MediationReport, [DialogFact]) {
            let counts = try await store.reviewCounts(shop: shop.shopID, start: period.start, end: period.end, on: sql)
            let dialogs = try await store.dialogFacts(shop: shop.shopID, start: period.start, end: period.end, on: sql)
            let profile = try await store.profileCounts(shop: shop.shopID, fromDay: period.from, toDay: period.to, on: sql)
            return (MediationReport.build(counts: counts, dialogs: dialogs, profile: profile), dialogs)
        }
        let (report, dialogs) = try await build(period)
        let (previous, _) = try await build(period.previous)
        return Mediation(period: period, report: report, previous: previous, dialogs: dialogs)
    }

    /// Reviews, held reviews and dialogs per local day, week or month.
    func mediationRows(shop: ShopRecord, mediation: Mediation, grouping: ReportPeriod.Grouping) async throws
        -> [MediationReport.GroupRow]
    {
        let period = mediation.period
        let buckets = period.buckets(grouping)
        // An hour never straddles a local midnight unless the zone is off by a quarter or half hour.
        let whole = [period.start, period.end].allSatisfy { period.timeZone.secondsFromGMT(for: $0) % 3600 == 0 }
        let slotSeconds = whole ? 3600 : 900
        var reviews = [Int](repeating: 0, count: buckets.count), held = reviews
        for slot in try await store.reviewSlots(shop: shop.shopID, start: period.start, end: period.end,
                                                 slotSeconds: slotSeconds, on: services.database.sql) {
            let at = Date(timeIntervalSince1970: TimeInterval(slot.slot * slotSeconds))
            guard let index = ReportPeriod.bucketIndex(of: at, in: buckets) else { continue }
            reviews[index] += slot.reviews
            held[index] += slot.held
        }
        return MediationReport.rows(buckets: buckets, reviews: reviews, held: held, dialogs: mediation.dialogs)
    }

    /// Staff names by id, for the per-agent tables (only this shop's staff).
    func staffNames(shop: ShopID) async throws -> [String: String] {
        let staff = try await services.staff.list(shop: shop, on: services.database.sql)
        return Dictionary(staff.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }
}
