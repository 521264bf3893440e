import Foundation
import RedressApp
import RedressCore
import RedressPersistence

/// The JSON shapes of the reviews API (never the persistence records themselves).
package enum ReviewViews {
    package struct Reply: Encodable {
        package var body: String
        package var repliedAt: Date
        package var editableUntil: Date?

        /// The shop's public reply of a review, if any; `editableUntil` only for the shop's own view.
        package static func of(_ review: ReviewRecord, forShop: Bool) -> Reply? {
            review.replyBody.map {
                Reply(body: $0, repliedAt: review.replyAt ?? review.submittedAt,
                      editableUntil: forShop ? review.replyEditableUntil : nil)
            }
        }

        package init(body: String, repliedAt: Date, editableUntil: Date? = nil) {
            self.body = body
            self.repliedAt = repliedAt
            self.editableUntil = editableUntil
        }
    }

    package struct Version: Encodable {
        package var number: Int
        package var rating: Int
        package var title: String?
        package var body: String
        package var createdAt: Date
        package var afterDialog: Bool

        package init(_ record: ReviewVersionRecord) {
            number = record.number
            rating = record.rating
            title = record.title
            body = record.body
            createdAt = record.createdAt
            afterDialog = record.afterDialog
        }
    }

    /// A review as the shop sees it.
    package struct ShopReview: Encodable {
        package var id: String
        package var orderExternalId: String
        package var customerName: String
        package var status: String
        package var rating: Int
        package var title: String?
        package var body: String
        package var submittedAt: Date
        package var held: Bool
        package var publishAt: Date?
        package var shopWindowEndsAt: Date
        package var canOpenDialog: Bool
        package var publishedAt: Date?
        package var publishedVia: String?
        package var dialogState: String
        package var dialogOutcome: String?
        package var dialogId: String?
        package var changedAfterDialog: Bool
        package var changedAfterDialogAt: Date?
        package var withdrawnAt: Date?
        package var withdrawReason: String?
        package var reply: Reply?
        package var currentVersion: Int
        package var versions: [Version]?
        package var version: Int

        package init(_ review: ReviewRecord, now: Date, dialogId: String? = nil, versions: [ReviewVersionRecord]? = nil) {
            id = review.id
            orderExternalId = review.orderExternalId
            customerName = review.customerName
            status = review.status.rawValue
            rating = review.rating
            title = review.title
            body = review.body
            submittedAt = review.submittedAt
            held = review.held
            publishAt = review.publishAt
            shopWindowEndsAt = review.shopWindowEndsAt
            canOpenDialog = review.held && review.dialogState == .none && now < review.shopWindowEndsAt
                && (review.status == .standby || review.status == .published)
            publishedAt = review.publishedAt
            publishedVia = review.publishedVia?.rawValue
            dialogState = review.dialogState.rawValue
            dialogOutcome = review.dialogOutcome?.rawValue
            self.dialogId = dialogId
            changedAfterDialog = review.changedAfterDialogAt != nil
            changedAfterDialogAt = review.changedAfterDialogAt
            withdrawnAt = review.withdrawnAt
            withdrawReason = review.withdrawReason
            reply = Reply.of(review, forShop: true)
            currentVersion = review.currentVersion
            self.versions = versions?.map(Version.init)
            version = review.version
        }
    }

    /// A published review as the public sees it: the current version, the author's first name and initial.
    package struct PublicReview: Encodable {
        package var id: String
        package var rating: Int
        package var title: String?
        package var body: String
        package var author: String
        package var submittedAt: Date
        package var publishedAt: Date?
        package var changedAfterDialog: Bool
        package var changedAfterDialogAt: Date?
        package var original: Version?
        package var reply: Reply?

        package init(_ review: ReviewRecord, original: ReviewVersionRecord?) {
            id = review.id
            rating = review.rating
            title = review.title
            body = review.body
            author = Self.shortName(review.customerName)
            submittedAt = review.submittedAt
            publishedAt = review.publishedAt
            changedAfterDialog = review.changedAfterDialogAt != nil
            changedAfterDialogAt = review.changedAfterDialogAt
            self.original = original.map(Version.init)
            reply = Reply.of(review, forShop: false)
        }

        package static func shortName(_ name: String) -> String {
            let parts = name.split(separator: " ")
            guard let first = parts.first else { return "Customer" }
            guard parts.count > 1, let initial = parts.last?.first else { return String(first) }
            return "\(first) \(initial)."
        }
    }

    package struct Message: Encodable {
        package var id: String
        package var author: String
        package var staffName: String?
        package var body: String
        package var internalNote: Bool
        package var incentiveWarning: Bool
        package var createdAt: Date
        /// `email` when it came by mail (E10).
        package var via: String?
        /// For staff: the address of mail that was not the customer's (E5).
        package var senderAddress: String?

        package init(_ record: DialogMessageRecord, forCustomer: Bool = false) {
            id = record.id
            author = record.author
            staffName = forCustomer ? nil : record.staffName
            body = record.body
            internalNote = record.isInternal
            incentiveWarning = forCustomer ? false : record.incentiveWarning
            createdAt = record.createdAt
            via = record.via
            senderAddress = forCustomer ? nil : record.senderAddress
        }
    }

    package struct Dialog: Encodable {
        package var id: String
        package var reviewId: String
        package var state: String
        package var outcome: String?
        package var openedAt: Date
        package var closedAt: Date?
        package var awaiting: String
        package var version: Int
        package var messages: [Message]
        package var review: ShopReview?

        package init(id: String, reviewId: String, state: String, outcome: String? = nil, openedAt: Date, closedAt: Date? = nil, awaiting: String, version: Int, messages: [Message], review: ShopReview? = nil) {
            self.id = id
            self.reviewId = reviewId
            self.state = state
            self.outcome = outcome
            self.openedAt = openedAt
            self.closedAt = closedAt
            self.awaiting = awaiting
            self.version = version
            self.messages = messages
            self.review = review
        }
    }

    package struct DialogRow: Encodable {
        package var dialogId, reviewId, customerName, orderExternalId: String
        package var submittedAt: Date
        package var status: String
        package var outcome: String?
        package var stars: Int
        package var snippet: String
        package var publishAt: Date?
        package var awaiting: String

        package init(_ row: ReviewQueries.DialogRow) {
            dialogId = row.dialogId ?? ""
            reviewId = row.reviewId
            customerName = row.customerName
            orderExternalId = row.orderExternalId
            submittedAt = row.submittedAt
            status = row.status.rawValue
            outcome = row.outcome?.rawValue
            stars = row.stars
            snippet = RedressApp.snippet(row.body)
            publishAt = row.publishAt
            awaiting = row.awaiting
        }
    }

    package typealias Page = APIPage
}

/// A page of a list, as every list of the API answers (`{"items": [...], "nextCursor": ...}`).
package struct APIPage<Item: Encodable>: Encodable {
    package var items: [Item]
    package var nextCursor: String?

    package init(items: [Item], nextCursor: String? = nil) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// The start of a long text for a table cell.
package func snippet(_ text: String, length: Int = 140) -> String {
    text.count > length ? String(text.prefix(length)) + "…" : text
}
