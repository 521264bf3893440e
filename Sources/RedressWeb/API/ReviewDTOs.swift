import Foundation
import RedressApp
import RedressCore
import RedressPersistence

/// The JSON shapes of the reviews API (never the persistence records themselves).
enum ReviewDTO {
    struct Reply: Encodable {
        var body: String
        var repliedAt: Date
        var editableUntil: Date?

        /// The shop's public reply of a review, if any; `editableUntil` only for the shop's own view.
        static func of(_ review: ReviewRecord, forShop: Bool) -> Reply? {
            review.replyBody.map {
                Reply(body: $0, repliedAt: review.replyAt ?? review.submittedAt,
                      editableUntil: forShop ? review.replyEditableUntil : nil)
            }
        }
    }

    struct Version: Encodable {
        var number: Int
        var rating: Int
        var title: String?
        var body: String
        var createdAt: Date
        var afterDialog: Bool

        init(_ record: ReviewVersionRecord) {
            number = record.number
            rating = record.rating
            title = record.title
            body = record.body
            createdAt = record.createdAt
            afterDialog = record.afterDialog
        }
    }

    /// A review as the shop sees it.
    struct ShopReview: Encodable {
        var id: String
        var orderExternalId: String
        var customerName: String
        var status: String
        var rating: Int
        var title: String?
        var body: String
        var submittedAt: Date
        var held: Bool
        var publishAt: Date?
        var shopWindowEndsAt: Date
        var canOpenDialog: Bool
        var publishedAt: Date?
        var publishedVia: String?
        var dialogState: String
        var dialogOutcome: String?
        var dialogId: String?
        var changedAfterDialog: Bool
        var changedAfterDialogAt: Date?
        var withdrawnAt: Date?
        var withdrawReason: String?
        var reply: Reply?
        var currentVersion: Int
        var versions: [Version]?
        var version: Int

        init(_ review: ReviewRecord, now: Date, dialogId: String? = nil, versions: [ReviewVersionRecord]? = nil) {
            id = review.id
            orderExternalId = review.orderExternalId
            customerName = review.customerName
            status = review.status
            rating = review.rating
            title = review.title
            body = review.body
            submittedAt = review.submittedAt
            held = review.held
            publishAt = review.publishAt
            shopWindowEndsAt = review.shopWindowEndsAt
            canOpenDialog = review.held && review.dialogState == DialogState.none.rawValue && now < review.shopWindowEndsAt
                && (review.reviewStatus == .standby || review.reviewStatus == .published)
            publishedAt = review.publishedAt
            publishedVia = review.publishedVia
            dialogState = review.dialogState
            dialogOutcome = review.dialogOutcome
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
    struct PublicReview: Encodable {
        var id: String
        var rating: Int
        var title: String?
        var body: String
        var author: String
        var submittedAt: Date
        var publishedAt: Date?
        var changedAfterDialog: Bool
        var changedAfterDialogAt: Date?
        var original: Version?
        var reply: Reply?

        init(_ review: ReviewRecord, original: ReviewVersionRecord?) {
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

        static func shortName(_ name: String) -> String {
            let parts = name.split(separator: " ")
            guard let first = parts.first else { return "Customer" }
            guard parts.count > 1, let initial = parts.last?.first else { return String(first) }
            return "\(first) \(initial)."
        }
    }

    struct Message: Encodable {
        var id: String
        var author: String
        var staffName: String?
        var body: String
        var internalNote: Bool
        var incentiveWarning: Bool
        var createdAt: Date

        init(_ record: DialogMessageRecord, forCustomer: Bool = false) {
            id = record.id
            author = record.author
            staffName = forCustomer ? nil : record.staffName
            body = record.body
            internalNote = record.isInternal
            incentiveWarning = forCustomer ? false : record.incentiveWarning
            createdAt = record.createdAt
        }
    }

    struct Dialog: Encodable {
        var id: String
        var reviewId: String
        var state: String
        var outcome: String?
        var openedAt: Date
        var closedAt: Date?
        var awaiting: String
        var version: Int
        var messages: [Message]
        var review: ShopReview?
    }

    struct DialogRow: Encodable {
        var dialogId, reviewId, customerName, orderExternalId: String
        var submittedAt: Date
        var status: String
        var outcome: String?
        var stars: Int
        var snippet: String
        var publishAt: Date?
        var awaiting: String

        init(_ row: ReviewQueries.DialogRow) {
            dialogId = row.dialogId ?? ""
            reviewId = row.reviewId
            customerName = row.customerName
            orderExternalId = row.orderExternalId
            submittedAt = row.submittedAt
            status = row.status
            outcome = row.outcome
            stars = row.stars
            snippet = RedressWeb.snippet(row.body)
            publishAt = row.publishAt
            awaiting = row.awaiting
        }
    }

    typealias Page = APIPage
}

/// A page of a list, as every list of the API answers (`{"items": [...], "nextCursor": ...}`).
struct APIPage<Item: Encodable>: Encodable {
    var items: [Item]
    var nextCursor: String?
}
