import Foundation
import RedressCore
internal import SQLKit

/// What is due in a shop, for the panel's home page and the counts in its navigation (issue 17).
public struct WorkQueueStore: Sendable {
    public init() {}

    /// How many of each list there are.
    public struct Counts: Sendable, Equatable {
        public var complaints = 0
        public var shopsTurn = 0
        public var holdsEnding = 0
        public var unanswered = 0

        public init() {}
    }

    /// A dialog waiting for the shop, or a held review whose dialog the shop has not opened yet (nil `dialogId`).
    public struct DialogDue: Codable, Sendable, Equatable {
        public var dialogId: String?
        public var reviewId: String
        public var customerName: String
        public var orderExternalId: String
        public var rating: Int
        public var publishAt: Date?
        public var lastMessageAt: Date
    }

    /// A held review whose hold ends soon.
    public struct HoldEnding: Codable, Sendable, Equatable {
        public var id: String
        public var customerName: String
        public var orderExternalId: String
        public var rating: Int
        public var publishAt: Date
        public var dialogState: String
    }

    /// A case whose newest message to or from the customer is the customer's.
    public struct Unanswered: Codable, Sendable, Equatable {
        public var kind: String
        public var caseId: String
        public var key: String
        public var customerName: String
        public var body: String
        public var createdAt: Date
    }

    private func openComplaints(_ shop: ShopID) -> SQLQueryString {
        "FROM complaints WHERE shop_id = \(bind: shop.rawValue) AND merged_into IS NULL AND decided_at IS NULL AND status <> 'closed'"
    }

    private func shopsTurn(_ shop: ShopID) -> SQLQueryString {
        "FROM dialogs d JOIN reviews r ON r.id = d.review_id WHERE d.shop_id = \(bind: shop.rawValue) AND d.state = 'open' AND d.awaiting = 'shop'"
    }

    /// Held reviews still in the shop's window with no dialog: the shop's first step is to open one.
    private func unopened(_ shop: ShopID, now: Date) -> SQLQueryString {
        "FROM reviews r WHERE r.shop_id = \(bind: shop.rawValue) AND r.status = 'standby' AND r.dialog_state = 'none' AND r.shop_window_ends_at > \(bind: now)"
    }

    private func holds(_ shop: ShopID, before: Date) -> SQLQueryString {
        "FROM reviews WHERE shop_id = \(bind: shop.rawValue) AND status = 'standby' AND publish_at IS NOT NULL AND publish_at <= \(bind: before)"
    }

    /// The newest public message of each open case is the customer's.
    private func unanswered(_ kind: CaseKind, _ shop: ShopID) -> SQLQueryString {
        let open: SQLQueryString = kind == .dialog ? "c.state = 'open'" : "c.merged_into IS NULL AND c.status <> 'closed'"
        let review: SQLQueryString = kind == .dialog ? "JOIN reviews r ON r.id = c.review_id" : ""
        return """
            FROM \(unsafeRaw: kind.messages) m JOIN \(unsafeRaw: kind.table) c ON c.id = m.\(unsafeRaw: kind.messageKey) \(review)
            WHERE c.shop_id = \(bind: shop.rawValue) AND \(open) AND m.author = 'customer' AND m.is_internal = \(bind: false)
              AND NOT EXISTS (SELECT 1 FROM \(unsafeRaw: kind.messages) later
                              WHERE later.\(unsafeRaw: kind.messageKey) = c.id AND later.is_internal = \(bind: false)
                                AND later.author <> 'customer' AND later.created_at >= m.created_at)
              AND NOT EXISTS (SELECT 1 FROM \(unsafeRaw: kind.messages) newer
                              WHERE newer.\(unsafeRaw: kind.messageKey) = c.id AND newer.author = 'customer'
                                AND newer.created_at > m.created_at)
            """
    }

    public func counts(shop: ShopID, now: Date, holdsBefore: Date, on sql: DatabaseSession) async throws -> Counts {
        let row = try await sql.raw("""
            SELECT (SELECT COUNT(*) \(openComplaints(shop))) AS complaints,
                   (SELECT COUNT(*) \(shopsTurn(shop))) AS shops_turn,
                   (SELECT COUNT(*) \(unopened(shop, now: now))) AS unopened,
                   (SELECT COUNT(*) \(holds(shop, before: holdsBefore))) AS holds_ending,
                   (SELECT COUNT(*) \(unanswered(.dialog, shop))) AS unanswered_dialogs,
                   (SELECT COUNT(*) \(unanswered(.complaint, shop))) AS unanswered_complaints
            """).first()
        var counts = Counts()
        guard let row else { return counts }
        counts.complaints = try row.decode(column: "complaints", as: Int.self)
        counts.shopsTurn = try row.decode(column: "shops_turn", as: Int.self) + row.decode(column: "unopened", as: Int.self)
        counts.holdsEnding = try row.decode(column: "holds_ending", as: Int.self)
        counts.unanswered = try row.decode(column: "unanswered_dialogs", as: Int.self)
            + row.decode(column: "unanswered_complaints", as: Int.self)
        return counts
    }

    /// Open complaints, the nearest legal deadline first.
    public func complaints(shop: ShopID, limit: Int, on sql: DatabaseSession) async throws -> [ComplaintRecord] {
        try await sql.raw("SELECT * \(openComplaints(shop)) ORDER BY answer_due_at, id LIMIT \(unsafeRaw: String(limit))")
            .all().map { try $0.decodeRecord(ComplaintRecord.self) }
    }

    /// Dialogs where it is the shop's turn and held reviews waiting for their dialog, the longest waiting first.
    public func dialogs(shop: ShopID, now: Date, limit: Int, on sql: DatabaseSession) async throws -> [DialogDue] {
        try await sql.raw("""
            SELECT d.id AS dialog_id, r.id AS review_id, r.customer_name, r.order_external_id, r.rating, r.publish_at,
                   d.last_message_at AS last_message_at \(shopsTurn(shop))
            UNION ALL
            SELECT CAST(NULL AS TEXT) AS dialog_id, r.id AS review_id, r.customer_name, r.order_external_id, r.rating,
                   r.publish_at, r.submitted_at AS last_message_at \(unopened(shop, now: now))
            ORDER BY last_message_at, review_id LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decodeRecord(DialogDue.self) }
    }

    /// Held reviews published by `before`, the soonest first.
    public func holdsEnding(shop: ShopID, before: Date, limit: Int, on sql: DatabaseSession) async throws -> [HoldEnding] {
        try await sql.raw("""
            SELECT id, customer_name, order_external_id, rating, publish_at, dialog_state \(holds(shop, before: before))
            ORDER BY publish_at, id LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decodeRecord(HoldEnding.self) }
    }

    /// Customer messages nobody answered yet, on dialogs and complaints, the oldest first.
    public func unanswered(shop: ShopID, limit: Int, on sql: DatabaseSession) async throws -> [Unanswered] {
        let dialogs = try await sql.raw("""
            SELECT 'dialog' AS kind, c.id AS case_id, c.id AS key, r.customer_name, m.body, m.created_at
            \(unanswered(.dialog, shop)) ORDER BY m.created_at LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decodeRecord(Unanswered.self) }
        let complaints = try await sql.raw("""
            SELECT 'complaint' AS kind, c.id AS case_id, c.reference AS key, c.customer_name, m.body, m.created_at
            \(unanswered(.complaint, shop)) ORDER BY m.created_at LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decodeRecord(Unanswered.self) }
        return Array((dialogs + complaints).sorted { ($0.createdAt, $0.caseId) < ($1.createdAt, $1.caseId) }.prefix(limit))
    }
}
