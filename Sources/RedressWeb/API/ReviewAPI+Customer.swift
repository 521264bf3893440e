import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

extension ReviewAPI {
    struct CustomerView: Encodable {
        struct Shop: Encodable {
            var name, slug: String
        }
        struct Item: Encodable {
            var productId, name: String
            var quantity: Int
        }
        struct Order: Encodable {
            var externalId: String
            var placedAt: Date
            var deliveredAt: Date?
            var items: [Item]
        }
        struct Review: Encodable {
            var id, status: String
            var rating: Int
            var title: String?
            var body: String
            var submittedAt: Date
            var publishAt: Date?
            var publishedAt: Date?
            var editWindowEndsAt: Date?
            var changedAfterDialog: Bool
            var versions: [ReviewDTO.Version]
            var reply: ReviewDTO.Reply?
            var removalReason: String?
            var appealed: Bool
        }
        struct Dialog: Encodable {
            var state: String
            var outcome: String?
            var messages: [ReviewDTO.Message]
        }

        var shop: Shop
        var locale: String
        var order: Order
        var review: Review?
        var dialog: Dialog?
        var complaint: ComplaintDTO.CustomerComplaint?
        var allowedActions: [String]
        var holdThreshold: Int
    }

    func customerView(token: String) async throws -> CustomerView {
        let sql = services.database.sql
        let found = try await reviewsService.directory.customerCase(token: token, for: .readCase, .readComplaint, on: sql)
        let purpose = found.link.capability
        let items = try await OrderStore().items(orderId: found.order.id, on: sql)
        var review: CustomerView.Review?
        var dialog: CustomerView.Dialog?
        var actions: [String] = []
        if !purpose.allows(.readCase) {
            // A complaint link shows its complaint and the order, nothing of the review.
        } else if let record = found.review {
            let versions = try await ReviewStore().versions(reviewId: record.id, on: sql)
            review = CustomerView.Review(
                id: record.id, status: record.status, rating: record.rating, title: record.title, body: record.body,
                submittedAt: record.submittedAt, publishAt: record.publishAt, publishedAt: record.publishedAt,
                editWindowEndsAt: record.editWindowEndsAt, changedAfterDialog: record.changedAfterDialogAt != nil,
                versions: versions.map(ReviewDTO.Version.init),
                reply: ReviewDTO.Reply.of(record, forShop: false),
                removalReason: record.removalReason, appealed: record.appealAt != nil)
            if let found = try await DialogStore().find(reviewId: record.id, on: sql) {
                let messages = try await DialogStore().messages(dialogId: found.id, includeInternal: false, on: sql)
                dialog = CustomerView.Dialog(state: found.state, outcome: found.outcome,
                                             messages: messages.map { ReviewDTO.Message($0, forCustomer: true) })
            }
            let reportsUsed = try await AbuseReportStore().count(reviewId: record.id, party: "customer", on: sql)
            let lifecycle = ReviewLifecycle(policy: reviewsService.policy, timeZone: reviewsService.timeZone(found.shop))
            actions = lifecycle.customerActions(record.facts, now: services.clock.now(),
                                                reportsLeft: AbuseReportStore.maxPerParty - reportsUsed)
            if record.reviewStatus == .removed && record.appealAt == nil { actions.append("appeal") }
        } else if found.order.cancelledAt == nil {
            actions = ["review"]
        }
        actions = purpose.permitted(actions)
        var complaint: ComplaintDTO.CustomerComplaint?
        let complaints = ComplaintService(services: services)
        if purpose.allows(.readComplaint), let opened = try? await complaints.complaint(openedBy: found, on: sql) {
            complaint = try await complaints.customerView(opened)
        }
        return CustomerView(
            shop: .init(name: found.shop.name, slug: found.shop.slug), locale: found.order.locale,
            order: .init(externalId: found.order.externalId, placedAt: found.order.placedAt,
                         deliveredAt: found.order.deliveredAt,
                         items: items.map { .init(productId: $0.productId, name: $0.name, quantity: $0.quantity) }),
            review: review, dialog: dialog,
            complaint: complaint,
            allowedActions: actions,
            holdThreshold: reviewsService.policy.threshold)
    }

    struct ReviewAccepted: Encodable {
        var reviewId: String
        var status: String
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
        try Response.json(try await customerView(token: try token(context)))
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
        return try Response.json(ReviewDTO.Message(message, forCustomer: true), status: .created)
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
