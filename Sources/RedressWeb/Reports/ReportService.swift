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

    /// `groupBy` (default `month`); an unknown value → 422 listing the known ones.
    func grouping(_ request: Request) throws -> Grouping {
        let text = request.uri.queryParameters.get("groupBy") ?? "month"
        guard let grouping = Grouping(rawValue: text) else {
            throw Problem.invalid(["groupBy": "must be " + Grouping.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        return grouping
    }

    struct Complaints {
        var period: ReportPeriod
        var report: ComplaintReport
        var previous: ComplaintReport
        var facts: [ComplaintFact]
    }

    func complaints(shop: ShopRecord, period: ReportPeriod) async throws -> Complaints {
        let sql = services.database.sql
        let service = ComplaintService(services: services)
        let settings = try await service.settings(shop, on: sql)
        let calendar = service.calendar(shop, settings: settings)
        let now = services.clock.now()
        func build(_ period: ReportPeriod, repeats: RepeatComplaints?) async throws -> (ComplaintReport, [ComplaintFact]) {
            let facts = try await store.complaintFacts(shop: shop.shopID, start: period.start, end: period.end, on: sql)
            let products = try await store.complaintsByProduct(shop: shop.shopID, start: period.start, end: period.end,
                                                               on: sql)
            return (ComplaintReport.build(facts: facts, term: settings.termDays, calendar: calendar, repeats: repeats,
                                          byProduct: products, now: now), facts)
        }
        // Repeat complaints look back 12 months from the period's end (for the period itself only); they scan a
        // year of complaints, so an instance keeps them for a few minutes.
        let yearBack = Calendar(identifier: .gregorian).date(byAdding: .month, value: -12, to: period.end)!
        let window = (start: min(yearBack, period.start), end: period.end)
        let repeats = try await services.reportCache.repeats(shop: shop.shopID, start: window.start, end: window.end,
                                                             now: now) {
            try await store.repeatComplaints(shop: shop.shopID, start: window.start, end: window.end, on: sql)
        }
        async let current = build(period, repeats: repeats)
        async let before = build(period.previous, repeats: nil)
        let (report, facts) = try await current
        let (previous, _) = try await before
        return Complaints(period: period, report: report, previous: previous, facts: facts)
    }

    struct Mediation {
        var period: ReportPeriod
        var report: MediationReport
        var previous: MediationReport
        var dialogs: [DialogFact]
        /// The period's reviews per slot of `slotSeconds`, for trends.
        var slots: [(slot: Int, count: ReviewCount)]
        var slotSeconds: Int
    }

    func mediation(shop: ShopRecord, period: ReportPeriod) async throws -> Mediation {
        let sql = services.database.sql
        func build(_ period: ReportPeriod) async throws -> (MediationReport, [DialogFact], Slots) {
            let slots = try await reviewSlots(shop: shop, period: period)
            var counts: [String: ReviewCount] = [:]
            for (_, count) in slots.rows {
                let key = "\(count.rating)|\(count.held)|\(count.status)|\(count.publishedVia ?? "")"
                if var known = counts[key] {
                    known.count += count.count
                    counts[key] = known
                } else {
                    counts[key] = count
                }
            }
            let dialogs = try await store.dialogFacts(shop: shop.shopID, start: period.start, end: period.end, on: sql)
            let profile = try await store.profileCounts(shop: shop.shopID, fromDay: period.from, toDay: period.to, on: sql)
            return (MediationReport.build(counts: Array(counts.values), dialogs: dialogs, profile: profile), dialogs, slots)
        }
        async let current = build(period)
        async let before = build(period.previous)
        let (report, dialogs, slots) = try await current
        let (previous, _, _) = try await before
        return Mediation(period: period, report: report, previous: previous, dialogs: dialogs, slots: slots.rows,
                         slotSeconds: slots.seconds)
    }

    typealias Slots = (seconds: Int, rows: [(slot: Int, count: ReviewCount)])

    /// The period's reviews per UTC hour from the kept counters; in zones a quarter or half hour off, whose local
    /// midnights fall inside an hour, per quarter hour counted from the rows.
    func reviewSlots(shop: ShopRecord, period: ReportPeriod) async throws -> Slots {
        let sql = services.database.sql
        let wholeHours = [period.start, period.end].allSatisfy { $0.timeIntervalSince1970.truncatingRemainder(dividingBy: 3600) == 0 }
            && period.timeZone.secondsFromGMT(for: period.start) % 3600 == 0
            && period.timeZone.secondsFromGMT(for: period.end) % 3600 == 0
        if wholeHours {
            return (3600, try await store.reviewHours(shop: shop.shopID, start: period.start, end: period.end, on: sql)
                .map { (slot: $0.hour, count: $0.count) })
        }
        return (900, try await store.reviewSlots(shop: shop.shopID, start: period.start, end: period.end, slotSeconds: 900,
                                                 on: sql))
    }

    /// Reviews, held reviews and dialogs per local day, week or month.
    func mediationRows(mediation: Mediation, grouping: ReportPeriod.Grouping) -> [MediationReport.GroupRow] {
        let buckets = mediation.period.buckets(grouping)
        var reviews = [Int](repeating: 0, count: buckets.count), held = reviews
        for (slot, count) in mediation.slots {
            let at = Date(timeIntervalSince1970: TimeInterval(slot * mediation.slotSeconds))
            guard let index = ReportPeriod.bucketIndex(of: at, in: buckets) else { continue }
            reviews[index] += count.count
            if count.held { held[index] += count.count }
        }
        return MediationReport.rows(buckets: buckets, reviews: reviews, held: held, dialogs: mediation.dialogs)
    }

    /// Staff names by id, for the per-agent tables (only this shop's staff).
    func staffNames(shop: ShopID) async throws -> [String: String] {
        let staff = try await services.staff.list(shop: shop, on: services.database.sql)
        return Dictionary(staff.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }
}
