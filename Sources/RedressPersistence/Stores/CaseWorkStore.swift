import Foundation
import RedressCore
internal import SQLKit

/// The two kinds of case staff answer in the panel.
public enum CaseKind: String, Sendable, CaseIterable {
    case dialog, complaint

    var table: String { self == .dialog ? "dialogs" : "complaints" }
    var messages: String { self == .dialog ? "dialog_messages" : "complaint_messages" }
    var messageKey: String { self == .dialog ? "dialog_id" : "complaint_id" }
}

/// Somebody on the staff who has a case open (issue 17's collision warning).
public struct CasePresenceRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var caseKind: String
    public var caseId: String
    public var staffId: String
    public var staffName: String
    public var seenAt: Date
}

/// A reply from the shop to the customer, as the collision check sees it.
public struct ShopReply: Codable, Sendable, Equatable {
    public var staffId: String?
    public var staffName: String?
    public var createdAt: Date
}

/// Working together on cases (issue 17): who opened a case and when (the unread marker and the "is replying"
/// warning), replies that arrived since a page was read (the collision check), and a dialog's assignee.
public struct CaseWorkStore: Sendable {
    public init() {}

    /// Staff opened the case: it is read for the whole shop from now, and `staff` is seen on it.
    public func opened(_ kind: CaseKind, id: String, shop: ShopID, staffId: String, staffName: String, now: Date,
                       on sql: DatabaseSession) async throws
    {
        try await sql.update(kind.table).set("staff_seen_at", to: SQLBind(now))
            .where("id", .equal, id).where("shop_id", .equal, shop.rawValue).run()
        let key = "\(kind.rawValue):\(id):\(staffId)"
        try await sql.raw("""
            INSERT INTO case_presence (id, shop_id, case_kind, case_id, staff_id, staff_name, seen_at)
            VALUES (\(bind: key), \(bind: shop.rawValue), \(bind: kind.rawValue), \(bind: id), \(bind: staffId),
                    \(bind: staffName), \(bind: now))
            ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, staff_name = excluded.staff_name
            """).run()
    }

    /// Other staff who opened the case at or after `since`, most recent first.
    public func others(_ kind: CaseKind, id: String, shop: ShopID, except staffId: String, since: Date,
                       on sql: DatabaseSession) async throws -> [CasePresenceRecord]
    {
        try await sql.select().columns("*").from("case_presence")
            .where("shop_id", .equal, shop.rawValue).where("case_kind", .equal, kind.rawValue)
            .where("case_id", .equal, id).where("staff_id", .notEqual, staffId).where("seen_at", .greaterThanOrEqual, since)
            .orderBy("seen_at", .descending).limit(10).all().map { try $0.decodeRecord(CasePresenceRecord.self) }
    }

    /// Replies to the customer on the case written after `since` by anybody but `staffId`, oldest first.
    public func replies(_ kind: CaseKind, id: String, shop: ShopID, since: Date, except staffId: String,
                        on sql: DatabaseSession) async throws -> [ShopReply]
    {
        try await sql.select().column("staff_id").column("staff_name").column("created_at").from(kind.messages)
            .where(SQLIdentifier(kind.messageKey), .equal, SQLBind(id)).where("shop_id", .equal, shop.rawValue)
            .where("author", .equal, "shop").where("is_internal", .equal, false)
            .where("created_at", .greaterThan, since)
            .where { $0.where("staff_id", .is, SQLLiteral.null).orWhere("staff_id", .notEqual, staffId) }
            .orderBy("created_at").limit(20).all().map { try $0.decodeRecord(ShopReply.self) }
    }

    /// Of `ids`, the cases with a customer message no one on the staff has opened since it came; for complaints
    /// also those nobody on the staff has opened at all (a new complaint is unread).
    public func unread(_ kind: CaseKind, ids: [String], shop: ShopID, on sql: DatabaseSession) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let unopened = kind == .complaint ? try await neverOpened(complaints: ids, shop: shop, on: sql) : []
        let rows = try await sql.select().distinct().column(SQLColumn("id", table: "c")).from(SQLAlias(SQLIdentifier(kind.table), as: SQLIdentifier("c")))
            .join(SQLAlias(SQLIdentifier(kind.messages), as: SQLIdentifier("m")), method: SQLJoinMethod.inner,
                  on: SQLColumn(kind.messageKey, table: "m"), .equal, SQLColumn("id", table: "c"))
            .where(SQLColumn("shop_id", table: "c"), .equal, SQLBind(shop.rawValue))
            .where(SQLColumn("id", table: "c"), .in, SQLBind.group(ids))
            .where(SQLColumn("author", table: "m"), .equal, SQLBind("customer"))
            .where { group in
                group.where(SQLColumn("staff_seen_at", table: "c"), .is, SQLLiteral.null)
                    .orWhere(SQLColumn("created_at", table: "m"), .greaterThan, SQLColumn("staff_seen_at", table: "c"))
            }
            .all()
        return Set(try rows.map { try $0.decode(column: "id", as: String.self) }).union(unopened)
    }

    /// Complaints that nobody on the staff has opened yet, of `ids`.
    private func neverOpened(complaints ids: [String], shop: ShopID, on sql: DatabaseSession) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let rows = try await sql.select().column("id").from("complaints").where("shop_id", .equal, shop.rawValue)
            .where("id", .in, ids).where("staff_seen_at", .is, SQLLiteral.null).all()
        return Set(try rows.map { try $0.decode(column: "id", as: String.self) })
    }

    /// Assigns a dialog to a member of the staff, or to nobody.
    public func assign(dialog id: String, shop: ShopID, to staffId: String?, on sql: DatabaseSession) async throws -> Bool {
        guard try await exists(dialog: id, shop: shop, on: sql) else { return false }
        try await sql.update("dialogs").set("assignee_id", to: staffId.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
            .where("id", .equal, id).where("shop_id", .equal, shop.rawValue).run()
        return true
    }

    private func exists(dialog id: String, shop: ShopID, on sql: DatabaseSession) async throws -> Bool {
        try await sql.select().column("id").from("dialogs").where("id", .equal, id)
            .where("shop_id", .equal, shop.rawValue).first() != nil
    }

    /// The assignee of each of `ids` that has one.
    public func assignees(dialogs ids: [String], shop: ShopID, on sql: DatabaseSession) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.select().column("id").column("assignee_id").from("dialogs")
            .where("shop_id", .equal, shop.rawValue).where("id", .in, ids)
            .where("assignee_id", .isNot, SQLLiteral.null).all()
        var result: [String: String] = [:]
        for row in rows { result[try row.decode(column: "id", as: String.self)] = try row.decode(column: "assignee_id", as: String.self) }
        return result
    }
}
