import Foundation
import RedressCore
internal import SQLKit

public struct DialogRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var reviewId: String
    public var openedAt: Date
    public var openedBy: String?
    public var state: DialogState
    public var outcome: DialogOutcome?
    public var closedAt: Date?
    /// Whose turn it is: `shop` or `customer`.
    public var awaiting: String
    public var lastMessageAt: Date
    public var firstShopReplyAt: Date?
    public var version: Int
}

public struct DialogMessageRecord: Codable, Sendable, Equatable {
    public var id: String
    public var dialogId: String
    public var shopId: String
    /// `shop`, `customer` or `system`.
    public var author: String
    public var staffId: String?
    public var staffName: String?
    public var body: String
    public var isInternal: Bool
    public var incentiveWarning: Bool
    public var createdAt: Date
    /// The one-time key of the form that sent it; a second submission of the same form fails by constraint.
    public var submissionKey: String?
    /// `email` for a message that came by mail (E10); nil for the page and the API.
    public var via: String?
    /// The address a mailed message came from when it is not the customer's (E5): such a message is a note.
    public var senderAddress: String?

    public init(
        id: String, dialogId: String, shopId: String, author: String, staffId: String?, staffName: String?,
        body: String, isInternal: Bool, incentiveWarning: Bool, createdAt: Date, submissionKey: String? = nil,
        via: String? = nil, senderAddress: String? = nil
    ) {
        self.id = id
        self.dialogId = dialogId
        self.shopId = shopId
        self.author = author
        self.staffId = staffId
        self.staffName = staffName
        self.body = body
        self.isInternal = isInternal
        self.incentiveWarning = incentiveWarning
        self.createdAt = createdAt
        self.submissionKey = submissionKey
        self.via = via
        self.senderAddress = senderAddress
    }
}

/// Mediation dialogs and their threads. Internal notes live in the same thread, flagged, and every customer-facing
/// read filters them out here, not in the views.
public struct DialogStore: Sendable {
    public init() {}

    public func open(reviewId: String, shop: ShopID, openedBy: String?, now: Date, on sql: DatabaseSession)
        async throws -> DialogRecord
    {
        let dialog = DialogRecord(
            id: SecureToken.id("dlg"), shopId: shop.rawValue, reviewId: reviewId, openedAt: now, openedBy: openedBy,
            state: .open, outcome: nil, closedAt: nil, awaiting: "shop", lastMessageAt: now,
            firstShopReplyAt: nil, version: 1)
        try await sql.insert(into: "dialogs").record(dialog).run()
        try await ReportRollupStore().refreshDialog(reviewId: reviewId, on: sql)
        return dialog
    }

    public func find(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> DialogRecord? {
        try await sql.select().columns("*").from("dialogs")
            .where("id", .equal, id).where("shop_id", .equal, shop.rawValue)
            .first()?.decodeRecord(DialogRecord.self)
    }

    public func find(reviewId: String, on sql: DatabaseSession) async throws -> DialogRecord? {
        try await sql.select().columns("*").from("dialogs").where("review_id", .equal, reviewId)
            .first()?.decodeRecord(DialogRecord.self)
    }

    /// Writes the dialog if nobody changed it since it was read (two agents replying at once: one gets 409).
    @discardableResult
    public func save(_ dialog: DialogRecord, on sql: DatabaseSession) async throws -> DialogRecord {
        var next = dialog
        next.version += 1
        let rows = try await sql.update("dialogs")
            .set("state", to: next.state).set("outcome", to: next.outcome).set("closed_at", to: next.closedAt)
            .set("awaiting", to: next.awaiting).set("last_message_at", to: next.lastMessageAt)
            .set("first_shop_reply_at", to: next.firstShopReplyAt).set("version", to: next.version)
            .where("id", .equal, dialog.id).where("version", .equal, dialog.version)
            .returning("id").all()
        guard !rows.isEmpty else { throw StaleVersion(table: "dialogs", id: dialog.id) }
        try await ReportRollupStore().refreshDialog(reviewId: dialog.reviewId, on: sql)
        return next
    }

    public func addMessage(_ message: DialogMessageRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "dialog_messages").record(message).run()
    }

    /// The thread in order; `includeInternal` only for staff.
    public func messages(dialogId: String, includeInternal: Bool, on sql: DatabaseSession) async throws
        -> [DialogMessageRecord]
    {
        var query = sql.select().columns("*").from("dialog_messages").where("dialog_id", .equal, dialogId)
        if !includeInternal { query = query.where("is_internal", .equal, false) }
        return try await query.orderBy("created_at").orderBy("id").all()
            .map { try $0.decodeRecord(DialogMessageRecord.self) }
    }
}

public struct AbuseReportRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var reviewId: String
    /// `shop` or `customer`.
    public var party: String
    public var reason: String
    public var createdAt: Date
    public var state: String
    public var decision: String?
    public var decisionReason: String?
    public var decidedAt: Date?

    public init(
        id: String, shopId: String, reviewId: String, party: String, reason: String, createdAt: Date, state: String,
        decision: String?, decisionReason: String?, decidedAt: Date?
    ) {
        self.id = id
        self.shopId = shopId
        self.reviewId = reviewId
        self.party = party
        self.reason = reason
        self.createdAt = createdAt
        self.state = state
        self.decision = decision
        self.decisionReason = decisionReason
        self.decidedAt = decidedAt
    }
}

/// Abuse reports (R12; the limits are `ModerationRules`): decided by platform staff only.
public struct AbuseReportStore: Sendable {
    public init() {}

    public func count(reviewId: String, party: String, on sql: DatabaseSession) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("abuse_reports")
            .where("review_id", .equal, reviewId).where("party", .equal, party)
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public func add(_ report: AbuseReportRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "abuse_reports").record(report).run()
    }

    public func open(limit: Int, on sql: DatabaseSession) async throws -> [AbuseReportRecord] {
        try await sql.select().columns("*").from("abuse_reports").where("state", .equal, "open")
            .orderBy("created_at").limit(limit).all().map { try $0.decodeRecord(AbuseReportRecord.self) }
    }

    /// Closes every open report of the review with the moderator's decision.
    public func decide(reviewId: String, decision: String, reason: String, now: Date, on sql: DatabaseSession)
        async throws
    {
        try await sql.update("abuse_reports").set("state", to: "decided").set("decision", to: decision)
            .set("decision_reason", to: reason).set("decided_at", to: now)
            .where("review_id", .equal, reviewId).where("state", .equal, "open").run()
    }
}
