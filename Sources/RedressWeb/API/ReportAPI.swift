import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// `GET /api/v1/reports/complaints` and `GET /api/v1/reports/mediation` (issue 8): any staff role or the shop's API
/// key may read them; the figures are always the caller's own shop's.
struct ReportAPI {
    let services: AppServices
    let catalog: APICatalog
    var reports: ReportService { ReportService(services: services) }

    struct PeriodDTO: Encodable {
        var from: String
        var to: String
        var days: Int
        var timeZone: String
        var preset: String

        init(_ period: ReportPeriod) {
            from = period.from
            to = period.to
            days = period.days
            timeZone = period.timeZone.identifier
            preset = period.preset.rawValue
        }
    }

    struct ComplaintsBody: Encodable {
        var period: PeriodDTO
        var previousPeriod: PeriodDTO
        var groupBy: String
        var report: ComplaintReport
        var previous: ComplaintReport
        var groups: [ReportGroup]
    }

    struct MediationBody: Encodable {
        var period: PeriodDTO
        var previousPeriod: PeriodDTO
        var groupBy: String
        var report: MediationReport
        var previous: MediationReport
        var groups: [ReportGroup]
    }

    static let query: [(String, JSON)] = [
        ("from", .object([("type", .string("string")), ("format", .string("date"))])),
        ("to", .object([("type", .string("string")), ("format", .string("date"))])),
        ("preset", .enumeration(ReportPeriod.Preset.allCases.map(\.rawValue))),
        ("groupBy", .enumeration(ReportService.Grouping.allCases.map(\.rawValue))),
        ("table", .string),
    ]

    func register(on router: Router<AppContext>) {
        router.api(.get, "/api/v1/reports/complaints", catalog: catalog,
                   summary: "Complaint report of a period (default: the last 30 days) against the period before; "
                       + "groupBy day|week|month (default)|category|product|agent",
                   tag: "reports", security: .shop, query: Self.query,
                   responses: [200: ("The report", .ref("ComplaintReportResponse")),
                               422: ("Bad period or grouping", .ref("Problem"))],
                   use: complaintReport)
        router.api(.get, "/api/v1/reports/mediation", catalog: catalog,
                   summary: "Mediation report of a period (default: the last 30 days) against the period before; "
                       + "groupBy day|week|month (default)|product|agent",
                   tag: "reports", security: .shop, query: Self.query,
                   responses: [200: ("The report", .ref("MediationReportResponse")),
                               422: ("Bad period or grouping", .ref("Problem"))],
                   use: mediationReport)
    }

    @Sendable func complaintReport(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try await shop(context)
        let period = try reports.period(request, shop: shop)
        if let csv = try await csv(request, shop: shop, period: period, family: "complaints") { return csv }
        let grouping = try reports.grouping(request)
        let data = try await reports.complaints(shop: shop, period: period)
        let groups = ReportGroup.complaints(data, by: grouping, names: try await reports.staffNames(shop: shop.shopID),
                                            unassigned: "unassigned")
        return try Response.json(ComplaintsBody(
            period: PeriodDTO(period), previousPeriod: PeriodDTO(period.previous), groupBy: grouping.rawValue,
            report: data.report, previous: data.previous, groups: groups))
    }

    @Sendable func mediationReport(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try await shop(context)
        let period = try reports.period(request, shop: shop)
        if let csv = try await csv(request, shop: shop, period: period, family: "mediation") { return csv }
        let grouping = try reports.grouping(request)
        let data = try await reports.mediation(shop: shop, period: period)
        let groups = try await reports.mediationGroups(shop: shop, data: data, by: grouping)
        return try Response.json(MediationBody(
            period: PeriodDTO(period), previousPeriod: PeriodDTO(period.previous), groupBy: grouping.rawValue,
            report: data.report, previous: data.previous, groups: groups))
    }

    /// With `Accept: text/csv`, one of the panel's tables of this family as the panel's download has it, in the
    /// language of `Accept-Language` (`?table=`, default the family's summary); nil when JSON was asked for.
    private func csv(_ request: Request, shop: ShopRecord, period: ReportPeriod, family: String) async throws
        -> Response?
    {
        guard let accept = request.headers[.accept]?.lowercased(), accept.contains("text/csv") else { return nil }
        let mediation = family == "mediation"
        let id = request.uri.queryParameters.get("table") ?? "\(family)-summary"
        let tables = try await reports.tables(Localization.forPanel(request), shop: shop, period: period)
        let family = tables.filter { ReportTables.mediationTableIDs.contains($0.id) == mediation }
        guard let table = family.first(where: { $0.id == id }) else {
            throw Problem.invalid(["table": "must be one of " + family.map(\.id).joined(separator: ", ")])
        }
        return table.download(period)
    }

    private func shop(_ context: AppContext) async throws -> ShopRecord {
        let shopID = try context.requireShop()
        guard let shop = try await services.shops.find(shopID, on: services.database.sql) else {
            throw Problem.notFound("shop")
        }
        return shop
    }

    static let schemas: [(String, JSON)] = {
        let number = JSON.nullable("number")
        let share = JSON.object(required: ["count", "of"], [("count", .integer), ("of", .integer), ("percent", number)])
        let spread = JSON.object(required: ["count"], [("count", .integer), ("median", number), ("p90", number)])
        let durations = JSON.object(required: ["calendarHours", "businessHours"],
                                    [("calendarHours", spread), ("businessHours", spread)])
        let breakdown = JSON.array(of: .object(required: ["key", "label", "count"],
                                               [("key", .string), ("label", .string), ("count", .integer)]))
        let period = JSON.object(required: ["from", "to", "days", "timeZone", "preset"], [
            ("from", .string), ("to", .string), ("days", .integer), ("timeZone", .string), ("preset", .string),
        ])
        let groups = JSON.array(of: .object(required: ["key", "label"], [("key", .string), ("label", .string)]))
        let complaintReport = JSON.object(required: [
            "received", "firstResponse", "resolution", "outcomes", "answering", "firstContactResolution", "reopened",
            "byCategory", "byClaimType", "byProduct", "remedies", "refunds", "survey",
        ], [
            ("received", .integer), ("firstResponse", durations), ("resolution", durations),
            ("outcomes", .object(required: ["decided", "accepted", "partiallyAccepted", "rejected"], [
                ("decided", .integer), ("accepted", share), ("partiallyAccepted", share), ("rejected", share),
            ])),
            ("answering", .object(required: ["term", "days", "late", "deemedAccepted"], [
                ("term", .integer), ("late", .integer), ("deemedAccepted", .integer),
                ("days", .array(of: .object(required: ["day", "count"], [("day", .integer), ("count", .integer)]))),
            ])),
            ("firstContactResolution", share), ("reopened", share),
            ("repeats", .object([("type", .array([.string("object"), .string("null")])),
                                 ("properties", .object([("customers", .integer), ("orderLines", .integer)]))])),
            ("byCategory", breakdown), ("byClaimType", breakdown), ("byProduct", breakdown),
            ("remedies", .array(of: .object(required: ["remedy", "requested", "granted"], [
                ("remedy", .string), ("requested", .integer), ("granted", .integer),
            ]))),
            ("refunds", .object(required: ["decided", "overdue"], [("decided", .integer), ("overdue", .integer)])),
            ("survey", .object(required: ["sent", "responses", "satisfied"], [
                ("average", number), ("sent", .integer), ("responses", share), ("satisfied", share),
            ])),
        ])
        let mediationReport = JSON.object(required: [
            "reviews", "byStars", "held", "dialogs", "firstShopReplyHours", "resolvedByCustomer", "profile", "publication",
        ], [
            ("reviews", .integer),
            ("byStars", .array(of: .object(required: ["stars", "count"], [("stars", .integer), ("count", .integer)]))),
            ("held", share), ("dialogs", share), ("firstShopReplyHours", spread), ("resolvedByCustomer", share),
            ("ratingBefore", number), ("ratingAfter", number),
            ("profile", .object(required: ["changedAfterDialog", "withdrawn", "withdrawnAfterCompensation"], [
                ("changedAfterDialog", .integer), ("withdrawn", .integer), ("withdrawnAfterCompensation", .integer),
            ])),
            ("publication", .object(required: ["day7", "day14", "publishNow", "stillHeld", "notPublished"], [
                ("day7", .integer), ("day14", .integer), ("publishNow", .integer), ("stillHeld", .integer),
                ("notPublished", .integer),
            ])),
        ])
        func response(_ report: JSON) -> JSON {
            .object(required: ["period", "previousPeriod", "groupBy", "report", "previous", "groups"], [
                ("period", period), ("previousPeriod", period), ("groupBy", .string), ("report", report),
                ("previous", report), ("groups", groups),
            ])
        }
        return [("ComplaintReportResponse", response(complaintReport)),
                ("MediationReportResponse", response(mediationReport))]
    }()
}
