import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

extension ReviewAPI {
    /// R13 with R10's counters: the honest public summary.
    struct PublicSummary: Encodable {
        var shop: String
        var name: String
        var average: Double?
        var count: Int
        var distribution: [String: Int]
        var inStandby: Int
        var changedAfterDialog: Int
        var withdrawn: Int
        var withdrawnAfterCompensation: Int
        var periodMonths: Int
        var holdThreshold: Int
        var verification: String
        var policy: String
    }

    func publicSummary(slug: String, language: String? = nil) async throws -> PublicSummary {
        let sql = services.database.sql
        guard let shop = try await services.shops.find(slug: slug, on: sql) else { throw Problem.notFound("shop") }
        let policy = reviewsService.policy
        let start = policy.statisticsStart(now: services.clock.now(), timeZone: reviewsService.timeZone(shop))
        let summary = try await ReviewStatsStore().summary(shop: shop.shopID, sinceDay: ReviewRecord.statsDay(start),
                                                           on: sql)
        let words = policy.description(language: language ?? shop.locale)
        return PublicSummary(
            shop: shop.slug, name: shop.name, average: summary.average, count: summary.count,
            distribution: Dictionary(uniqueKeysWithValues: (1...5).map { (String($0), summary.distribution[$0] ?? 0) }),
            inStandby: summary.inStandby, changedAfterDialog: summary.changedAfterDialog,
            withdrawn: summary.withdrawn, withdrawnAfterCompensation: summary.withdrawnAfterCompensation,
            periodMonths: policy.statisticsMonths, holdThreshold: policy.threshold,
            verification: words.verification, policy: words.policy)
    }

    func publicReviews(slug: String, limit: Int, cursor: ReviewQueries.Cursor?) async throws
        -> ReviewDTO.Page<ReviewDTO.PublicReview>
    {
        let sql = services.database.sql
        guard let shop = try await services.shops.find(slug: slug, on: sql) else { throw Problem.notFound("shop") }
        let page = try await ReviewQueries().published(shop: shop.shopID, limit: limit, cursor: cursor, on: sql)
        var items: [ReviewDTO.PublicReview] = []
        for review in page.rows {
            // The original stays readable next to a version changed after a dialog (R9).
            let original = review.currentVersion > 1 && review.changedAfterDialogAt != nil
                ? try await ReviewStore().versions(reviewId: review.id, on: sql).first : nil
            items.append(ReviewDTO.PublicReview(review, original: original))
        }
        return ReviewDTO.Page(items: items, nextCursor: page.next?.encoded)
    }

    func registerPublic(on router: Router<AppContext>) {
        router.api(.get, "/api/v1/public/shops/{slug}/summary", catalog: catalog,
                   summary: "Rating, distribution and the honest counters of the last 12 months (R10, R13)",
                   tag: "public", security: .none, responses: [200: ("The summary", .ref("PublicSummary"))],
                   use: showPublicSummary)
        router.api(.get, "/api/v1/public/shops/{slug}/reviews", catalog: catalog,
                   summary: "Published reviews, current versions, with changedAfterDialog and the shop's reply",
                   tag: "public", security: .none, responses: [200: ("A page", .page(of: .ref("PublicReview")))],
                   use: listPublicReviews)
    }

    @Sendable func showPublicSummary(_ request: Request, context: AppContext) async throws -> Response {
        let language = request.uri.queryParameters.get("lang").flatMap {
            Validate.supportedLocales.contains($0) ? $0 : nil
        }
        var response = try Response.json(try await publicSummary(slug: try context.parameters.require("slug"),
                                                                 language: language))
        response.headers[.cacheControl] = "public, max-age=30"
        return response
    }

    @Sendable func listPublicReviews(_ request: Request, context: AppContext) async throws -> Response {
        let query = try ListQuery(request, timeZone: .gmt)
        return try Response.json(try await publicReviews(slug: try context.parameters.require("slug"),
                                                         limit: query.filter.limit, cursor: query.filter.cursor))
    }

    func registerModeration(on router: Router<AppContext>) {
        router.api(.get, "/api/v1/admin/reports/abuse", catalog: catalog, summary: "Open abuse reports of all shops",
                   tag: "admin", security: .admin, responses: [200: ("Reports", .page(of: .ref("Report")))],
                   use: listAbuseReports)
        router.api(.post, "/api/v1/admin/reviews/{reviewId}/moderation", catalog: catalog,
                   summary: "Keep or remove a reported review, with a statement of reasons (R12)", tag: "admin",
                   security: .admin, request: .ref("ModerationInput"),
                   responses: [200: ("Decided", .ref("ModerationResult"))],
                   use: moderateReview)
        router.api(.post, "/api/v1/admin/reviews/{reviewId}/appeal", catalog: catalog,
                   summary: "Decide the author's one appeal: reinstate or uphold (R12)", tag: "admin", security: .admin,
                   request: .ref("ModerationInput"), responses: [200: ("Decided", .ref("ModerationResult"))],
                   use: decideAppeal)
    }

    @Sendable func listAbuseReports(_ request: Request, context: AppContext) async throws -> Response {
        try context.requireAdmin()
        let reports = try await AbuseReportStore().open(limit: 200, on: services.database.sql)
        struct View: Encodable {
            var id, shopId, reviewId, party, reason, state: String
            var createdAt: Date
        }
        return try Response.json(ReviewDTO.Page(items: reports.map {
            View(id: $0.id, shopId: $0.shopId, reviewId: $0.reviewId, party: $0.party, reason: $0.reason,
                 state: $0.state, createdAt: $0.createdAt)
        }, nextCursor: nil))
    }

    @Sendable func moderateReview(_ request: Request, context: AppContext) async throws -> Response {
        try context.requireAdmin()
        let body = try await request.decode(as: ModerationBody.self, context: context)
        guard let decision = body.decision.flatMap(ReviewService.ModerationDecision.init(rawValue:)) else {
            throw Problem.invalid(["decision": "must be keep or remove"])
        }
        let reason = try MessageText.validate(body.reason, field: "reason")
        let review = try await reviewsService.moderate(reviewId: try context.parameters.require("reviewId"),
                                                       decision: decision, reason: reason)
        return try Response.json(["reviewId": review.id, "status": review.status])
    }

    @Sendable func decideAppeal(_ request: Request, context: AppContext) async throws -> Response {
        try context.requireAdmin()
        let body = try await request.decode(as: ModerationBody.self, context: context)
        guard body.decision == "reinstate" || body.decision == "uphold" else {
            throw Problem.invalid(["decision": "must be reinstate or uphold"])
        }
        let reason = try MessageText.validate(body.reason, field: "reason")
        let review = try await reviewsService.decideAppeal(reviewId: try context.parameters.require("reviewId"),
                                                           reinstate: body.decision == "reinstate", reason: reason)
        return try Response.json(["reviewId": review.id, "status": review.status])
    }
}
