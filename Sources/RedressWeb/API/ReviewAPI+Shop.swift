import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

extension ReviewAPI {
    func shopTimeZone(_ shop: ShopID) async throws -> TimeZone {
        reviewsService.timeZone(try await reviewsService.shop(shop, on: services.database.sql))
    }

    func registerShopReviews(on router: Router<AppContext>) {
        router.api(.get, "/api/v1/reviews", catalog: catalog,
                   summary: "The shop's reviews; filters status, stars, productId, from, to, q", tag: "reviews",
                   security: .shop, responses: [200: ("A page of reviews", .page(of: .ref("ShopReview")))],
                   use: listReviews)
        router.api(.get, "/api/v1/reviews/{reviewId}", catalog: catalog, summary: "One review with its versions",
                   tag: "reviews", security: .shop, responses: [200: ("The review", .ref("ShopReview"))],
                   use: showReview)
        for method in [HTTPRequest.Method.delete, .patch, .put] {
            router.api(method, "/api/v1/reviews/{reviewId}", catalog: catalog,
                       summary: "Never allowed: a review belongs to its author (R7)", tag: "reviews", security: .shop,
                       responses: [405: ("The shop never edits, hides or deletes a review", .ref("Problem"))],
                       use: refuseReviewEdit)
        }
        router.api(.post, "/api/v1/reviews/{reviewId}/dialog", catalog: catalog,
                   summary: "Open a mediation dialog within the shop's window (R5)", tag: "reviews", security: .shop,
                   responses: [201: ("Opened", .ref("DialogOpened")), 409: ("Window closed or already open", .ref("Problem"))],
                   use: openDialog)
        router.api(.put, "/api/v1/reviews/{reviewId}/reply", catalog: catalog,
                   summary: "The shop's public reply, editable for 7 days (R7)", tag: "reviews", security: .shop,
                   request: .ref("TextInput"), responses: [200: ("Saved", .ref("ShopReview"))],
                   use: saveReply)
        router.api(.post, "/api/v1/reviews/{reviewId}/report", catalog: catalog,
                   summary: "Report a review to the platform (R12)", tag: "reviews", security: .shop,
                   request: .ref("ReasonInput"), responses: [201: ("Reported", .ref("Report"))],
                   use: shopReport)
    }

    @Sendable func listReviews(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        let query = try ListQuery(request, timeZone: try await shopTimeZone(shop),
                                  allowedStatuses: ListQuery.reviewStatuses)
        let page = try await ReviewQueries().reviews(shop: shop, filter: query.filter, on: services.database.read)
        let now = services.clock.now()
        return try Response.json(ReviewViews.Page(items: page.rows.map { ReviewViews.ShopReview($0, now: now) },
                                                nextCursor: page.next?.encoded))
    }

    @Sendable func showReview(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        let sql = services.database.read
        let review = try await reviewsService.review(try context.parameters.require("reviewId"), shop: shop, on: sql)
        let versions = try await ReviewStore().versions(reviewId: review.id, on: sql)
        let dialog = try await DialogStore().find(reviewId: review.id, on: sql)
        return try Response.json(ReviewViews.ShopReview(review, now: services.clock.now(), dialogId: dialog?.id,
                                                      versions: versions))
    }

    @Sendable func refuseReviewEdit(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireShop()
        var problem = Problem(status: .methodNotAllowed, title: "Method Not Allowed",
                              detail: "A review belongs to its author: the shop can reply publicly or talk "
                                  + "privately, but never edit, hide, delay or delete it (R7).")
        problem.headers[.allow] = "GET"
        throw problem
    }

    @Sendable func openDialog(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let dialog = try await reviewsService.openDialog(reviewId: try context.parameters.require("reviewId"),
                                                         by: ShopActor(identity: context.identity!, shop: shop))
        return try Response.json(["dialogId": dialog.id], status: .created)
    }

    @Sendable func saveReply(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let body = try MessageText.validate(try await request.decode(as: TextBody.self, context: context).body)
        let review = try await reviewsService.reply(reviewId: try context.parameters.require("reviewId"), body: body,
                                                    by: ShopActor(identity: context.identity!, shop: shop))
        return try Response.json(ReviewViews.ShopReview(review, now: services.clock.now()))
    }

    @Sendable func shopReport(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let reason = try MessageText.validate(try await request.decode(as: ReasonBody.self, context: context).reason,
                                              field: "reason")
        let report = try await reviewsService.shopReport(reviewId: try context.parameters.require("reviewId"),
                                                         reason: reason,
                                                         by: ShopActor(identity: context.identity!, shop: shop))
        return try Response.json(["id": report.id, "state": report.state], status: .created)
    }

    func registerDialogs(on router: Router<AppContext>) {
        router.api(.get, "/api/v1/dialogs", catalog: catalog,
                   summary: "Open or closed dialogs; default: open, reviews of the last month", tag: "dialogs",
                   security: .shop, responses: [200: ("A page of dialogs", .page(of: .ref("DialogRow")))],
                   use: listDialogs)
        router.api(.get, "/api/v1/dialogs/{dialogId}", catalog: catalog,
                   summary: "The thread, internal notes included and marked", tag: "dialogs", security: .shop,
                   responses: [200: ("The dialog", .ref("Dialog"))],
                   use: showDialog)
        router.api(.post, "/api/v1/dialogs/{dialogId}/messages", catalog: catalog,
                   summary: "Reply to the customer (e-mailed); flags offers tied to a review change (R11)",
                   tag: "dialogs", security: .shop, request: .ref("DialogMessageInput"),
                   responses: [201: ("Sent", .ref("PostedMessage")), 409: ("Changed by someone else", .ref("Problem"))],
                   use: shopDialogMessage)
        router.api(.post, "/api/v1/dialogs/{dialogId}/notes", catalog: catalog,
                   summary: "An internal note, never shown to the customer", tag: "dialogs", security: .shop,
                   request: .ref("DialogMessageInput"), responses: [201: ("Saved", .ref("PostedMessage"))],
                   use: shopDialogNote)
        router.api(.post, "/api/v1/dialogs/{dialogId}/close", catalog: catalog,
                   summary: "Confirm and close: closed_by_shop unless the customer resolved it (R8)", tag: "dialogs",
                   security: .shop, responses: [200: ("Closed", .ref("Dialog"))],
                   use: closeDialog)
    }

    @Sendable func listDialogs(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        let zone = try await shopTimeZone(shop)
        let state = request.uri.queryParameters.get("state") ?? "open"
        guard state == "open" || state == "closed" else { throw Problem.invalid(["state": "must be open or closed"]) }
        let lastMonth = Calendar(identifier: .gregorian).date(byAdding: .month, value: -1, to: services.clock.now())
        let query = try ListQuery(request, timeZone: zone, allowedStatuses: ListQuery.reviewStatuses,
                                  defaultFrom: lastMonth)
        let page = try await ReviewQueries().dialogs(shop: shop, state: state, filter: query.filter,
                                                     on: services.database.sql)
        return try Response.json(ReviewViews.Page(items: page.rows.map(ReviewViews.DialogRow.init),
                                                nextCursor: page.next?.encoded))
    }

    @Sendable func showDialog(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        return try Response.json(try await reads.dialogView(try context.parameters.require("dialogId"), shop: shop))
    }

    @Sendable func shopDialogMessage(_ request: Request, context: AppContext) async throws -> Response {
        try await postMessage(request, context: context, isInternal: false)
    }

    @Sendable func shopDialogNote(_ request: Request, context: AppContext) async throws -> Response {
        try await postMessage(request, context: context, isInternal: true)
    }

    @Sendable func closeDialog(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let id = try context.parameters.require("dialogId")
        _ = try await reviewsService.closeDialog(dialogId: id, by: ShopActor(identity: context.identity!, shop: shop))
        return try Response.json(try await reads.dialogView(id, shop: shop))
    }

    struct MessageBody: Decodable {
        var body: String?
        var version: Int?
    }

    private func postMessage(_ request: Request, context: AppContext, isInternal: Bool) async throws -> Response {
        let shop = try context.requireShopWriter()
        let input = try await request.decode(as: MessageBody.self, context: context)
        let body = try MessageText.validate(input.body)
        let posted = try await reviewsService.postShopMessage(
            dialogId: try context.parameters.require("dialogId"), body: body, isInternal: isInternal,
            expectedVersion: input.version, by: ShopActor(identity: context.identity!, shop: shop))
        struct Posted: Encodable {
            var message: ReviewViews.Message
            var incentiveWarning: Bool
        }
        return try Response.json(Posted(message: ReviewViews.Message(posted.message),
                                        incentiveWarning: posted.incentiveWarning), status: .created)
    }
}
