import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

extension ReviewAPI {
    struct ReviewAccepted: Encodable {
        var reviewId: String
        var status: ReviewStatus
        var publishAt: Date?
    }

    func registerCustomer(on router: Router<AppContext>) {
        let base = "/api/v1/customer/{token}"
        router.api(.get, base, catalog: catalog, summary: "What the customer's link opens", tag: "customer",
                   security: .customerToken, responses: [200: ("The case", .ref("CustomerCase"))],
                   use: showCustomerCase)
        router.api(.post, base + "/review", catalog: catalog, summary: "Write the review (R1, R3, R4)", tag: "customer",
                   security: .customerToken, request: .ref("ReviewInput"),
                   responses: [201: ("Accepted", .ref("ReviewAccepted")), 409: ("Already reviewed", .ref("Problem"))],
                   use: submitReview)
        router.api(.put, base + "/review", catalog: catalog, summary: "Change the review: a new version (R9)",
                   tag: "customer", security: .customerToken, request: .ref("ReviewInput"),
                   responses: [200: ("Changed", .ref("ReviewAccepted")), 409: ("Outside the window", .ref("Problem"))],
                   use: changeReview)
        router.api(.post, base + "/messages", catalog: catalog, summary: "Answer the shop", tag: "customer",
                   security: .customerToken, request: .ref("TextInput"),
                   responses: [201: ("Sent", .ref("Message"))],
                   use: customerDialogMessage)
        router.api(.post, base + "/publish-now", catalog: catalog, summary: "Publish a held review now (R4)",
                   tag: "customer", security: .customerToken, responses: [200: ("Published", .ref("ReviewAccepted"))],
                   use: publishNow)
        router.api(.post, base + "/resolved", catalog: catalog, summary: "Confirm the dialog resolved (R8)",
                   tag: "customer", security: .customerToken, responses: [200: ("Resolved", .ref("ReviewAccepted"))],
                   use: markResolved)
        router.api(.post, base + "/withdraw", catalog: catalog, summary: "Withdraw the review with a reason (R10)",
                   tag: "customer", security: .customerToken, request: .ref("WithdrawInput"),
                   responses: [200: ("Withdrawn", .ref("ReviewAccepted"))],
                   use: withdrawReview)
        router.api(.post, base + "/report", catalog: catalog, summary: "Report abuse (R12; 3 per party and review)",
                   tag: "customer", security: .customerToken, request: .ref("ReasonInput"),
                   responses: [201: ("Reported", .ref("Report"))],
                   use: customerReport)
        router.api(.post, base + "/appeal", catalog: catalog, summary: "Appeal a removal once (R12, DSA art. 20)",
                   tag: "customer", security: .customerToken, request: .ref("AppealInput"),
                   responses: [200: ("Appealed", .ref("ReviewAccepted"))],
                   use: customerAppeal)
    }

    @Sendable func showCustomerCase(_ request: Request, context: AppContext) async throws -> Response {
        try Response.json(try await reads.customerView(token: try token(context)))
    }

    @Sendable func submitReview(_ request: Request, context: AppContext) async throws -> Response {
        let body = try await request.decode(as: ReviewBody.self, context: context)
        let text = try ReviewText.validate(rating: body.rating, title: body.title, body: body.body)
        let review = try await reviewsService.submitReview(token: try token(context), text: text)
        return try Response.json(ReviewAccepted(reviewId: review.id, status: review.status,
                                                publishAt: review.publishAt), status: .created)
    }

    @Sendable func changeReview(_ request: Request, context: AppContext) async throws -> Response {
        let body = try await request.decode(as: ReviewBody.self, context: context)
        let text = try ReviewText.validate(rating: body.rating, title: body.title, body: body.body)
        let review = try await reviewsService.edit(token: try token(context), text: text)
        return try Response.json(ReviewAccepted(reviewId: review.id, status: review.status, publishAt: review.publishAt))
    }

    @Sendable func customerDialogMessage(_ request: Request, context: AppContext) async throws -> Response {
        let body = try MessageText.validate(try await request.decode(as: TextBody.self, context: context).body)
        let message = try await reviewsService.customerMessage(token: try token(context), body: body)
        return try Response.json(ReviewViews.Message(message, forCustomer: true), status: .created)
    }

    @Sendable func publishNow(_ request: Request, context: AppContext) async throws -> Response {
        let review = try await reviewsService.publishNow(token: try token(context))
        return try Response.json(ReviewAccepted(reviewId: review.id, status: review.status, publishAt: nil))
    }

    @Sendable func markResolved(_ request: Request, context: AppContext) async throws -> Response {
        let review = try await reviewsService.resolve(token: try token(context))
        return try Response.json(ReviewAccepted(reviewId: review.id, status: review.status, publishAt: review.publishAt))
    }

    @Sendable func withdrawReview(_ request: Request, context: AppContext) async throws -> Response {
        let body = try await request.decode(as: WithdrawBody.self, context: context)
        let withdrawal = try WithdrawalText.validate(reason: body.reason, comment: body.comment)
        let review = try await reviewsService.withdraw(token: try token(context), reason: withdrawal.reason,
                                                       comment: withdrawal.comment)
        return try Response.json(ReviewAccepted(reviewId: review.id, status: review.status, publishAt: nil))
    }

    @Sendable func customerReport(_ request: Request, context: AppContext) async throws -> Response {
        let reason = try MessageText.validate(try await request.decode(as: ReasonBody.self, context: context).reason,
                                              field: "reason")
        let report = try await reviewsService.customerReport(token: try token(context), reason: reason)
        return try Response.json(["id": report.id, "state": report.state], status: .created)
    }

    @Sendable func customerAppeal(_ request: Request, context: AppContext) async throws -> Response {
        let statement = try MessageText.validate(
            try await request.decode(as: AppealBody.self, context: context).statement, field: "statement")
        let review = try await reviewsService.appeal(token: try token(context), statement: statement)
        return try Response.json(ReviewAccepted(reviewId: review.id, status: review.status, publishAt: nil))
    }

    private func token(_ context: AppContext) throws -> String { try context.parameters.require("token") }
}
