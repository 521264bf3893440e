import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

extension ReviewAPI {
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
        var response = try Response.json(try await reads.publicSummary(slug: try context.parameters.require("slug"),
                                                                 language: language))
        response.headers[.cacheControl] = "public, max-age=30"
        return response
    }

    @Sendable func listPublicReviews(_ request: Request, context: AppContext) async throws -> Response {
        let query = try ListQuery(request, timeZone: .gmt)
        return try Response.json(try await reads.publicReviews(slug: try context.parameters.require("slug"),
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
        return try Response.json(ReviewViews.Page(items: reports.map {
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
        return try Response.json(["reviewId": review.id, "status": review.status.rawValue])
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
        return try Response.json(["reviewId": review.id, "status": review.status.rawValue])
    }
}
