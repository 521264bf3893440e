import Foundation
import RedressCore
internal import SQLKit

/// A review row with everything the rules and the views need.
public struct ReviewRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var orderId: String
    public var orderExternalId: String
    public var customerName: String
    public var locale: String
    public var status: ReviewStatus
    public var rating: Int
    public var title: String?
    public var body: String
    public var submittedAt: Date
    public var held: Bool
    public var publishAt: Date?
    public var shopWindowEndsAt: Date
    public var publishedAt: Date?
    public var publishedVia: PublicationRoute?
    public var dialogState: DialogState
    public var dialogOutcome: DialogOutcome?
    public var resolvedAt: Date?
    public var editWindowEndsAt: Date?
    public var changedAfterDialogAt: Date?
    public var withdrawnAt: Date?
    public var withdrawReason: String?
    public var withdrawComment: String?
    public var removedAt: Date?
    public var removalReason: String?
    public var appealAt: Date?
    public var appealStatement: String?
    public var appealDecidedAt: Date?
    public var replyBody: String?
    public var replyAt: Date?
    public var replyEditableUntil: Date?
    public var currentVersion: Int
    public var statsDay: String?
    public var statsRating: Int?
    public var version: Int

    /// The facts the review state machine works on.
    public var facts: ReviewFacts {
        get {
            ReviewFacts(
                status: status, rating: rating, submittedAt: submittedAt, heldAtIntake: held,
                publishAt: publishAt, shopWindowEndsAt: shopWindowEndsAt, dialog: dialogState,
                dialogOutcome: dialogOutcome, resolvedAt: resolvedAt, editWindowEndsAt: editWindowEndsAt,
                publishedAt: publishedAt, publishedVia: publishedVia)
        }
        set {
            status = newValue.status
            rating = newValue.rating
            publishAt = newValue.publishAt
            dialogState = newValue.dialog
            dialogOutcome = newValue.dialogOutcome
            resolvedAt = newValue.resolvedAt
            editWindowEndsAt = newValue.editWindowEndsAt
            publishedAt = newValue.publishedAt
            publishedVia = newValue.publishedVia
        }
    }

    /// The UTC day a review counts on in the statistics (its submission day).
    public static func statsDay(_ date: Date) -> String { UTCDay.string(date) }

    public init(
        id: String, shopId: String, orderId: String, orderExternalId: String, customerName: String, locale: String,
        rating: Int, title: String?, body: String, submittedAt: Date, held: Bool, publishAt: Date?,
        shopWindowEndsAt: Date
    ) {
        self.id = id
        self.shopId = shopId
        self.orderId = orderId
        self.orderExternalId = orderExternalId
        self.customerName = customerName
        self.locale = locale
        self.status = held ? .standby : .published
        self.rating = rating
        self.title = title
        self.body = body
        self.submittedAt = submittedAt
        self.held = held
        self.publishAt = publishAt
        self.shopWindowEndsAt = shopWindowEndsAt
        self.publishedAt = held ? nil : submittedAt
        self.publishedVia = held ? nil : .immediate
        self.dialogState = .none
        self.currentVersion = 1
        self.version = 1
    }
}

public struct ReviewVersionRecord: Codable, Sendable, Equatable {
    public var id: String
    public var reviewId: String
    public var shopId: String
    public var number: Int
    public var rating: Int
    public var title: String?
    public var body: String
    public var createdAt: Date
    public var afterDialog: Bool
}

/// Reviews and their versions. Writes are optimistic: `save` fails with `StaleVersion` if the row changed since
/// it was read, so two concurrent changes never overwrite each other.
public struct ReviewStore: Sendable {
    public init() {}

    /// Inserts a new review and its first version; a second review for the order fails by constraint.
    public func insert(_ review: ReviewRecord, now: Date, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "reviews").record(review).run()
        try await addVersion(review, afterDialog: false, now: now, on: sql)
    }

    public func addVersion(_ review: ReviewRecord, afterDialog: Bool, now: Date, on sql: DatabaseSession) async throws {
        let version = ReviewVersionRecord(
            id: SecureToken.id("rvv"), reviewId: review.id, shopId: review.shopId, number: review.currentVersion,
            rating: review.rating, title: review.title, body: review.body, createdAt: now, afterDialog: afterDialog)
        try await sql.insert(into: "review_versions").record(version).run()
    }

    public func find(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> ReviewRecord? {
        try await sql.select().columns("*").from("reviews")
            .where("id", .equal, id).where("shop_id", .equal, shop.rawValue)
            .first()?.decodeRecord(ReviewRecord.self)
    }

    public func find(orderId: String, on sql: DatabaseSession) async throws -> ReviewRecord? {
        try await sql.select().columns("*").from("reviews").where("order_id", .equal, orderId)
            .first()?.decodeRecord(ReviewRecord.self)
    }

    /// For timed work, which knows only the id.
    public func find(id: String, on sql: DatabaseSession) async throws -> ReviewRecord? {
        try await sql.select().columns("*").from("reviews").where("id", .equal, id)
            .first()?.decodeRecord(ReviewRecord.self)
    }

    public func versions(reviewId: String, on sql: DatabaseSession) async throws -> [ReviewVersionRecord] {
        try await sql.select().columns("*").from("review_versions").where("review_id", .equal, reviewId)
            .orderBy("number").all().map { try $0.decodeRecord(ReviewVersionRecord.self) }
    }

    /// Publishes, in one statement, those of the given held reviews whose hold has ended (R5, R6): the
    /// `deadlineReached` rule of `ReviewLifecycle` evaluated by the database, so that a concurrent change (a withdrawal,
    /// an early publication, a dialog that moved the date) excludes the row atomically. Returns the rows as they are
    /// now.
    public func publishDue(ids: [String], now: Date, on sql: DatabaseSession) async throws -> [ReviewRecord] {
        guard !ids.isEmpty else { return [] }
        return try await sql.raw("""
            UPDATE reviews SET status = 'published', publish_at = NULL, published_at = \(bind: now),
                published_via = CASE WHEN dialog_state = \(bind: DialogState.none.rawValue)
                    THEN \(bind: PublicationRoute.atDeadline(dialog: .none).rawValue)
                    ELSE \(bind: PublicationRoute.atDeadline(dialog: .open).rawValue) END,
                stats_rating = rating, version = version + 1
            WHERE id IN \(SQLBind.group(ids)) AND status = 'standby' AND publish_at <= \(bind: now)
            RETURNING *
            """).all().map { try $0.decodeRecord(ReviewRecord.self) }
    }

    /// Writes every mutable column if the row is still at `review.version`; bumps the version.
    @discardableResult
    public func save(_ review: ReviewRecord, on sql: DatabaseSession) async throws -> ReviewRecord {
        var next = review
        next.version = review.version + 1
        let rows = try await sql.update("reviews")
            .set("status", to: next.status).set("rating", to: next.rating).set("title", to: next.title)
            .set("body", to: next.body).set("publish_at", to: next.publishAt)
            .set("published_at", to: next.publishedAt).set("published_via", to: next.publishedVia)
            .set("dialog_state", to: next.dialogState).set("dialog_outcome", to: next.dialogOutcome)
            .set("resolved_at", to: next.resolvedAt).set("edit_window_ends_at", to: next.editWindowEndsAt)
            .set("changed_after_dialog_at", to: next.changedAfterDialogAt)
            .set("withdrawn_at", to: next.withdrawnAt).set("withdraw_reason", to: next.withdrawReason)
            .set("withdraw_comment", to: next.withdrawComment).set("removed_at", to: next.removedAt)
            .set("removal_reason", to: next.removalReason).set("appeal_at", to: next.appealAt)
            .set("appeal_statement", to: next.appealStatement).set("appeal_decided_at", to: next.appealDecidedAt)
            .set("reply_body", to: next.replyBody).set("reply_at", to: next.replyAt)
            .set("reply_editable_until", to: next.replyEditableUntil)
            .set("current_version", to: next.currentVersion).set("stats_day", to: next.statsDay)
            .set("stats_rating", to: next.statsRating).set("version", to: next.version)
            .where("id", .equal, review.id).where("version", .equal, review.version)
            .returning("id").all()
        guard !rows.isEmpty else { throw StaleVersion(table: "reviews", id: review.id) }
        // A mediated review's rating and status are figures of its dialog in the reports.
        if next.held && next.dialogState != .none { try await ReportRollupStore().refreshDialog(reviewId: next.id, on: sql) }
        return next
    }
}
