import Foundation
import RedressCore
internal import SQLKit

/// The read side of reviews: filtered, keyset-paginated lists for the shop, the dialog lists and the public list.
/// Hot paths, so SQLKit straight into value types (ARCHITECTURE.md).
public struct ReviewQueries: Sendable {
    public init() {}

    public struct Filter: Sendable {
        public var status: String?
        public var stars: [Int] = []
        public var productId: String?
        public var from: Date?
        public var to: Date?
        public var text: String?
        public var limit: Int = 50
        public var cursor: Cursor?

        public init() {}
    }

    /// Position after the last row of a page: (submittedAt, id), newest first.
    public struct Cursor: Sendable, Equatable {
        public var submittedAt: Date
        public var id: String

        public init(submittedAt: Date, id: String) {
            self.submittedAt = submittedAt
            self.id = id
        }

        public var encoded: String {
            Data("\(submittedAt.timeIntervalSince1970)|\(id)".utf8).base64EncodedString()
        }

        public init?(encoded: String) {
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
                return nil
            }
            let parts = text.split(separator: "|", maxSplits: 1)
            guard parts.count == 2, let seconds = Double(parts[0]),
                  let date = StorableTime.date(secondsSince1970: seconds) else { return nil }
            submittedAt = date
            id = String(parts[1])
        }
    }

    public struct Page<Row: Sendable>: Sendable {
        public var rows: [Row]
        public var next: Cursor?
    }

    /// The shop's reviews (R*, the Reviews view): held ones can be asked for with `status=standby`.
    public func reviews(shop: ShopID, filter: Filter, on sql: DatabaseSession) async throws -> Page<ReviewRecord> {
        var query = sql.select().columns("*").from("reviews").where("shop_id", .equal, shop.rawValue)
        query = apply(filter, to: query, table: "reviews")
        let rows = try await query.orderBy("submitted_at", .descending).orderBy("id", .descending)
            .limit(filter.limit + 1).all().map { try $0.decodeRecord(ReviewRecord.self) }
        return page(rows, limit: filter.limit) { Cursor(submittedAt: $0.submittedAt, id: $0.id) }
    }

    public struct DialogRow: Codable, Sendable, Equatable {
        /// Nil for a held review that has no dialog yet (in the panel's inbox only).
        public var dialogId: String?
        public var reviewId: String
        public var customerName: String
        public var orderExternalId: String
        public var submittedAt: Date
        public var status: ReviewStatus
        public var dialogState: DialogState
        public var outcome: DialogOutcome?
        public var stars: Int
        public var body: String
        public var publishAt: Date?
        public var awaiting: String
        public var lastMessageAt: Date
    }

    /// Open or closed dialogs with the review's facts, newest review first. With `awaitingSince`, the open list also
    /// holds the held reviews whose shop window is still open and which have no dialog yet: the shop's to-do list.
    public func dialogs(shop: ShopID, state: String, filter: Filter, awaitingSince now: Date? = nil,
                        on sql: DatabaseSession) async throws -> Page<DialogRow>
    {
        var query = sql.select()
            .column(SQLColumn("id", table: "dialogs"), as: "dialog_id")
            .column(SQLColumn("id", table: "reviews"), as: "review_id")
            .column(SQLColumn("customer_name", table: "reviews"))
            .column(SQLColumn("order_external_id", table: "reviews"))
            .column(SQLColumn("submitted_at", table: "reviews"))
            .column(SQLColumn("status", table: "reviews"))
            .column(SQLColumn("dialog_state", table: "reviews"))
            .column(SQLColumn("outcome", table: "dialogs"))
            .column(SQLColumn("rating", table: "reviews"), as: "stars")
            .column(SQLColumn("body", table: "reviews"))
            .column(SQLColumn("publish_at", table: "reviews"))
            .column(SQLFunction("COALESCE", args: SQLColumn("awaiting", table: "dialogs"), SQLLiteral.string("shop")),
                    as: "awaiting")
            .column(SQLFunction("COALESCE", args: SQLColumn("last_message_at", table: "dialogs"),
                                SQLColumn("submitted_at", table: "reviews")), as: "last_message_at")
            .from("reviews")
            .join("dialogs", method: SQLJoinMethod.left, on: SQLColumn("review_id", table: "dialogs"), .equal,
                  SQLColumn("id", table: "reviews"))
            .where(SQLColumn("shop_id", table: "reviews"), .equal, SQLBind(shop.rawValue))
        if state == "open", let now {
            query = query.where(group: { group in
                group.where(SQLColumn("state", table: "dialogs"), .equal, SQLBind("open"))
                    .orWhere(group: { awaiting in
                        awaiting.where(SQLColumn("status", table: "reviews"), .equal, SQLBind("standby"))
                            .where(SQLColumn("dialog_state", table: "reviews"), .equal, SQLBind("none"))
                            .where(SQLColumn("shop_window_ends_at", table: "reviews"), .greaterThan, SQLBind(now))
                    })
            })
        } else {
            query = query.where(SQLColumn("state", table: "dialogs"), .equal, SQLBind(state))
        }
        query = apply(filter, to: query, table: "reviews")
        let rows = try await query
            .orderBy(SQLColumn("submitted_at", table: "reviews"), SQLDirection.descending)
            .orderBy(SQLColumn("id", table: "reviews"), SQLDirection.descending)
            .limit(filter.limit + 1).all().map { try $0.decodeRecord(DialogRow.self) }
        return page(rows, limit: filter.limit) { Cursor(submittedAt: $0.submittedAt, id: $0.reviewId) }
    }

    /// Published reviews for the public, newest first.
    public func published(shop: ShopID, limit: Int, cursor: Cursor?, on sql: DatabaseSession) async throws
        -> Page<ReviewRecord>
    {
        var filter = Filter()
        filter.status = ReviewStatus.published.rawValue
        filter.limit = limit
        filter.cursor = cursor
        return try await reviews(shop: shop, filter: filter, on: sql)
    }

    private func apply(_ filter: Filter, to query: SQLSelectBuilder, table: String) -> SQLSelectBuilder {
        var query = query
        func column(_ name: String) -> SQLColumn { SQLColumn(name, table: table) }
        if let status = filter.status { query = query.where(column("status"), .equal, SQLBind(status)) }
        // One star value as an equality, so the (shop, rating, submitted_at) index also gives the order.
        if filter.stars.count == 1 {
            query = query.where(column("rating"), .equal, SQLBind(filter.stars[0]))
        } else if !filter.stars.isEmpty {
            query = query.where(column("rating"), .in, SQLBind.group(filter.stars))
        }
        if let from = filter.from { query = query.where(column("submitted_at"), .greaterThanOrEqual, SQLBind(from)) }
        if let to = filter.to { query = query.where(column("submitted_at"), .lessThan, SQLBind(to)) }
        if let productId = filter.productId {
            let exists: SQLQueryString = """
                EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = \(ident: table).order_id \
                AND oi.product_id = \(bind: productId))
                """
            query = query.where(exists)
        }
        if let text = filter.text?.lowercased(), !text.isEmpty {
            let pattern = "%" + text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            query = query.where(group: { group in
                group.where(SQLFunction("LOWER", args: column("body")), .like, SQLBind(pattern))
                    .orWhere(SQLFunction("LOWER", args: column("title")), .like, SQLBind(pattern))
                    .orWhere(SQLFunction("LOWER", args: column("customer_name")), .like, SQLBind(pattern))
                    .orWhere(SQLFunction("LOWER", args: column("order_external_id")), .like, SQLBind(pattern))
            })
        }
        if let cursor = filter.cursor {
            query = query.where(group: { group in
                group.where(column("submitted_at"), .lessThan, SQLBind(cursor.submittedAt))
                    .orWhere(group: { inner in
                        inner.where(column("submitted_at"), .equal, SQLBind(cursor.submittedAt))
                            .where(column("id"), .lessThan, SQLBind(cursor.id))
                    })
            })
        }
        return query
    }

    private func page<Row>(_ rows: [Row], limit: Int, cursor: (Row) -> Cursor) -> Page<Row> {
        guard rows.count > limit else { return Page(rows: rows, next: nil) }
        let kept = Array(rows.prefix(limit))
        return Page(rows: kept, next: kept.last.map(cursor))
    }
}
