import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// The mediation panel (issue 5): Open and Closed Dialogs, the dialog view, Reviews and a review's page.
/// `route → stores → view model → template`; every string comes from `Localization`.
struct MediationPages {
    let services: AppServices
    let pages: PageRenderer
    var reads: ReviewReads { ReviewReads(services: services) }
    var reviews: ReviewService { ReviewService(services: services) }

    // MARK: Shared

    func language(_ request: Request) -> Localization { Localization.forPanel(request) }

    func chrome(_ request: Request, _ session: StaffSession, _ t: Localization, title: String, path: String)
        async throws -> Chrome
    {
        try await PanelFrame(services: services).chrome(session, t, title: title, path: path)
    }

    func session(_ context: AppContext) -> StaffSession? {
        if case .staff(let session) = context.identity { return session }
        return nil
    }

    struct Option: Sendable, Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    /// The filters as the form shows them and as the query string carries them (bookmarkable).
    struct FilterModel: Sendable, Encodable {
        var state: String
        var period: String
        var periods: [Option]
        var from: String
        var to: String
        var stars: [Option]
        var statuses: [Option]
        var productId: String
        var q: String
        var custom: Bool
    }

    /// Open work is never filtered out by date (issue 17): open dialogs list every period unless asked; the
    /// archive and the review list start at the last month.
    static func defaultPeriod(state: String) -> String { state == "open" ? "all" : "month" }

    func filterModel(_ request: Request, _ t: Localization, state: String, defaultPeriod: String) -> FilterModel {
        let query = request.uri.queryParameters
        let period = query.get("period") ?? defaultPeriod
        let stars = query.get("stars") ?? ""
        let status = query.get("status") ?? ""
        return FilterModel(
            state: state, period: period,
            periods: [("all", "preset_all"), ("month", "preset_month"), ("quarter", "preset_quarter"),
                      ("custom", "preset_custom")].map {
                Option(value: $0.0, label: t($0.1), selected: $0.0 == period)
            },
            from: query.get("from") ?? "", to: query.get("to") ?? "",
            stars: [Option(value: "", label: t("any"), selected: stars.isEmpty)]
                + (1...5).map { Option(value: String($0), label: t("stars_n", ["n": String($0)]), selected: stars == String($0)) },
            statuses: [Option(value: "", label: t("any"), selected: status.isEmpty)]
                + ReviewStatus.allCases.map {
                    Option(value: $0.rawValue, label: t("status_name_\($0.rawValue)"), selected: status == $0.rawValue)
                },
            productId: query.get("productId") ?? "", q: query.get("q") ?? "", custom: period == "custom")
    }

    /// The list filter from the query string: presets count back from now in the shop's time zone.
    func listFilter(_ request: Request, zone: TimeZone, allowStatus: Bool = true, defaultPeriod: String = "month")
        throws -> ReviewQueries.Filter
    {
        let period = request.uri.queryParameters.get("period") ?? defaultPeriod
        let now = services.clock.now()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let defaultFrom: Date? = switch period {
        case "quarter": calendar.date(byAdding: .month, value: -3, to: now)
        case "custom": nil
        case "all": nil
        default: calendar.date(byAdding: .month, value: -1, to: now)
        }
        var filter = try ListQuery(request, timeZone: zone, allowedStatuses: ListQuery.reviewStatuses,
                                   defaultFrom: defaultFrom).filter
        if period != "custom" { filter.to = nil }
        filter.limit = min(filter.limit, 50)
        if !allowStatus { filter.status = nil }
        return filter
    }

    func nextLink(_ request: Request, cursor: ReviewQueries.Cursor?) -> String? {
        guard let cursor else { return nil }
        var parts = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("cursor=") }.map(String.init)
        parts.append("cursor=" + (cursor.encoded.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        return request.uri.path + "?" + parts.joined(separator: "&")
    }

    func deadlineText(_ date: Date?, status: ReviewStatus, _ t: Localization, zone: TimeZone) -> String {
        guard let date, status == .standby else { return t("published_already") }
        let days = Int((date.timeIntervalSince(services.clock.now()) / 86_400).rounded(.up))
        let left = days <= 0 ? t("today") : t("days_left", ["n": String(days)])
        return "\(t.day(date, timeZone: zone)) (\(left))"
    }

    // MARK: Routes

    func register(on router: Router<AppContext>) {
        router.get("/panel/dialogs") { request, context in
            guard let session = session(context) else { return Response.seeOther("/login") }
            return try await dialogList(request, session: session)
        }
        router.get("/panel/dialogs/{dialogId}") { request, context in
            guard let session = session(context) else { return Response.seeOther("/login") }
            return try await dialogPage(request, session: session, id: try context.parameters.require("dialogId"))
        }
        router.post("/panel/dialogs/{dialogId}/{action}") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            _ = try context.requireShopWriter()
            return try await dialogAction(request, session: session, id: try context.parameters.require("dialogId"),
                                          action: try context.parameters.require("action"), form: form)
        }
        router.get("/panel/reviews") { request, context in
            guard let session = session(context) else { return Response.seeOther("/login") }
            return try await reviewList(request, session: session)
        }
        router.get("/panel/reviews/{reviewId}") { request, context in
            guard let session = session(context) else { return Response.seeOther("/login") }
            return try await reviewPage(request, session: session, id: try context.parameters.require("reviewId"))
        }
        router.post("/panel/reviews/{reviewId}/{action}") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            let shop = try context.requireShopWriter()
            let id = try context.parameters.require("reviewId")
            let actor = ShopActor(identity: context.identity!, shop: shop)
            switch try context.parameters.require("action") {
            case "dialog":
                let dialog = try await reviews.openDialog(reviewId: id, by: actor)
                return Response.seeOther(SiteURL.panelDialog(dialog.id).path)
            case "reply":
                _ = try await reviews.reply(reviewId: id, body: try MessageText.validate(form["body"]), by: actor)
                return Response.seeOther(SiteURL.panelReview(id).path)
            default:
                throw Problem.notFound("action")
            }
        }
    }
}
