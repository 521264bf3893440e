import Foundation
import RedressCore
import RedressPersistence

/// The review side's read models for the API and the pages alike: what a customer's link opens, a dialog as the
/// shop reads it, the public summary and the published reviews. Pages read here, never through the API's handlers.
package struct ReviewReads {
    package let services: AppServices
    package var reviews: ReviewService { ReviewService(services: services) }

    /// R13 with R10's counters: the honest public summary.
    package struct PublicSummary: Encodable {
        package var shop: String
        package var name: String
        package var average: Double?
        package var count: Int
        package var distribution: [String: Int]
        package var inStandby: Int
        package var changedAfterDialog: Int
        package var withdrawn: Int
        package var withdrawnAfterCompensation: Int
        package var periodMonths: Int
        package var holdThreshold: Int
        package var verification: String
        package var policy: String

        package init(shop: String, name: String, average: Double? = nil, count: Int, distribution: [String: Int], inStandby: Int, changedAfterDialog: Int, withdrawn: Int, withdrawnAfterCompensation: Int, periodMonths: Int, holdThreshold: Int, verification: String, policy: String) {
            self.shop = shop
            self.name = name
            self.average = average
            self.count = count
            self.distribution = distribution
            self.inStandby = inStandby
            self.changedAfterDialog = changedAfterDialog
            self.withdrawn = withdrawn
            self.withdrawnAfterCompensation = withdrawnAfterCompensation
            self.periodMonths = periodMonths
            self.holdThreshold = holdThreshold
            self.verification = verification
            self.policy = policy
        }
    }

    package func publicSummary(slug: String, language: String? = nil) async throws -> PublicSummary {
        let sql = services.database.read
        guard let shop = try await services.shops.find(slug: slug, on: sql) else { throw AppError.notFound("shop") }
        let policy = reviews.policy
        let start = policy.statisticsStart(now: services.clock.now(), timeZone: reviews.timeZone(shop))
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

    package func publicReviews(slug: String, limit: Int, cursor: ReviewQueries.Cursor?) async throws
        -> ReviewViews.Page<ReviewViews.PublicReview>
    {
        let sql = services.database.read
        guard let shop = try await services.shops.find(slug: slug, on: sql) else { throw AppError.notFound("shop") }
        let page = try await ReviewQueries().published(shop: shop.shopID, limit: limit, cursor: cursor, on: sql)
        var items: [ReviewViews.PublicReview] = []
        for review in page.rows {
            // The original stays readable next to a version changed after a dialog (R9).
            let original = review.currentVersion > 1 && review.changedAfterDialogAt != nil
                ? try await ReviewStore().versions(reviewId: review.id, on: sql).first : nil
            items.append(ReviewViews.PublicReview(review, original: original))
        }
        return ReviewViews.Page(items: items, nextCursor: page.next?.encoded)
    }

    package struct CustomerView: Encodable {
        package struct Shop: Encodable {
            package var name, slug: String

            package init(name: String, slug: String) {
                self.name = name
                self.slug = slug
            }
        }
        /// An ordered product, as the complaint views show it.
        package typealias Item = ComplaintViews.Item
        package struct Order: Encodable {
            package var externalId: String
            package var placedAt: Date
            package var deliveredAt: Date?
            package var items: [Item]

            package init(externalId: String, placedAt: Date, deliveredAt: Date? = nil, items: [Item]) {
                self.externalId = externalId
                self.placedAt = placedAt
                self.deliveredAt = deliveredAt
                self.items = items
            }
        }
        package struct Review: Encodable {
            package var id, status: String
            package var rating: Int
            package var title: String?
            package var body: String
            package var submittedAt: Date
            package var publishAt: Date?
            package var publishedAt: Date?
            package var editWindowEndsAt: Date?
            package var changedAfterDialog: Bool
            package var versions: [ReviewViews.Version]
            package var reply: ReviewViews.Reply?
            package var removalReason: String?
            package var appealed: Bool

            package init(id: String, status: String, rating: Int, title: String? = nil, body: String, submittedAt: Date, publishAt: Date? = nil, publishedAt: Date? = nil, editWindowEndsAt: Date? = nil, changedAfterDialog: Bool, versions: [ReviewViews.Version], reply: ReviewViews.Reply? = nil, removalReason: String? = nil, appealed: Bool) {
                self.id = id
                self.status = status
                self.rating = rating
                self.title = title
                self.body = body
                self.submittedAt = submittedAt
                self.publishAt = publishAt
                self.publishedAt = publishedAt
                self.editWindowEndsAt = editWindowEndsAt
                self.changedAfterDialog = changedAfterDialog
                self.versions = versions
                self.reply = reply
                self.removalReason = removalReason
                self.appealed = appealed
            }
        }
        package struct Dialog: Encodable {
            package var state: String
            package var outcome: String?
            package var messages: [ReviewViews.Message]

            package init(state: String, outcome: String? = nil, messages: [ReviewViews.Message]) {
                self.state = state
                self.outcome = outcome
                self.messages = messages
            }
        }

        package var shop: Shop
        package var locale: String
        package var order: Order
        package var review: Review?
        package var dialog: Dialog?
        package var complaint: ComplaintViews.CustomerComplaint?
        package var allowedActions: [String]
        package var holdThreshold: Int

        package init(shop: Shop, locale: String, order: Order, review: Review? = nil, dialog: Dialog? = nil, complaint: ComplaintViews.CustomerComplaint? = nil, allowedActions: [String], holdThreshold: Int) {
            self.shop = shop
            self.locale = locale
            self.order = order
            self.review = review
            self.dialog = dialog
            self.complaint = complaint
            self.allowedActions = allowedActions
            self.holdThreshold = holdThreshold
        }
    }

    package func customerView(token: String) async throws -> CustomerView {
        let sql = services.database.sql
        let found = try await reviews.directory.customerCase(token: token, for: .readCase, .readComplaint, on: sql)
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
                id: record.id, status: record.status.rawValue, rating: record.rating, title: record.title, body: record.body,
                submittedAt: record.submittedAt, publishAt: record.publishAt, publishedAt: record.publishedAt,
                editWindowEndsAt: record.editWindowEndsAt, changedAfterDialog: record.changedAfterDialogAt != nil,
                versions: versions.map(ReviewViews.Version.init),
                reply: ReviewViews.Reply.of(record, forShop: false),
                removalReason: record.removalReason, appealed: record.appealAt != nil)
            if let found = try await DialogStore().find(reviewId: record.id, on: sql) {
                let messages = try await DialogStore().messages(dialogId: found.id, includeInternal: false, on: sql)
                dialog = CustomerView.Dialog(state: found.state.rawValue, outcome: found.outcome?.rawValue,
                                             messages: messages.map { ReviewViews.Message($0, forCustomer: true) })
            }
            let reportsUsed = try await AbuseReportStore().count(reviewId: record.id, party: "customer", on: sql)
            let lifecycle = ReviewLifecycle(policy: reviews.policy, timeZone: reviews.timeZone(found.shop))
            actions = lifecycle.customerActions(record.facts, now: services.clock.now(),
                                                reportsUsed: reportsUsed, appealedAt: record.appealAt)
        } else if found.order.cancelledAt == nil {
            actions = ["review"]
        }
        actions = purpose.permitted(actions)
        var complaint: ComplaintViews.CustomerComplaint?
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
            holdThreshold: reviews.policy.threshold)
    }


    package func dialogView(_ id: String, shop: ShopID) async throws -> ReviewViews.Dialog {
        let sql = services.database.read
        let dialog = try await reviews.dialog(id, shop: shop, on: sql)
        let messages = try await DialogStore().messages(dialogId: dialog.id, includeInternal: true, on: sql)
        let review = try await reviews.review(dialog.reviewId, shop: shop, on: sql)
        let versions = try await ReviewStore().versions(reviewId: review.id, on: sql)
        return ReviewViews.Dialog(
            id: dialog.id, reviewId: dialog.reviewId, state: dialog.state.rawValue, outcome: dialog.outcome?.rawValue,
            openedAt: dialog.openedAt, closedAt: dialog.closedAt, awaiting: dialog.awaiting, version: dialog.version,
            messages: messages.map { ReviewViews.Message($0) },
            review: ReviewViews.ShopReview(review, now: services.clock.now(), dialogId: dialog.id, versions: versions))
    }

    package init(services: AppServices) {
        self.services = services
    }
}
