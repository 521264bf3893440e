import Foundation
import RedressCore
internal import SQLKit

/// The panel's global search (issue 17): customers, e-mail addresses, orders, complaint references and the text
/// of reviews, complaints and messages, within one shop. Matching is a case-insensitive substring; `%`, `_` and `\`
/// in the query are literal.
public struct SearchStore: Sendable {
    public init() {}

    public struct Hit: Codable, Sendable, Equatable {
        /// `complaint`, `review`, `dialog_message` or `complaint_message`.
        public var kind: String
        /// What the panel links to: a complaint's reference, a review's or a dialog's id.
        public var target: String
        public var customerName: String
        public var text: String
        public var at: Date
    }

    /// `%text%` with the LIKE wildcards escaped.
    static func pattern(_ text: String) -> String {
        var escaped = ""
        for character in text.lowercased() {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }

    private func like(_ column: String, _ pattern: String) -> SQLQueryString {
        "LOWER(\(unsafeRaw: column)) LIKE \(bind: pattern) ESCAPE '\\'"
    }

    public func complaints(shop: ShopID, query: String, limit: Int, on sql: DatabaseSession) async throws -> [Hit] {
        let p = Self.pattern(query)
        return try await sql.raw("""
            SELECT 'complaint' AS kind, reference AS target, customer_name, description AS text, received_at AS at
            FROM complaints WHERE shop_id = \(bind: shop.rawValue) AND merged_into IS NULL
              AND (\(like("reference", p)) OR \(like("customer_name", p)) OR \(like("email", p))
                   OR \(like("COALESCE(order_external_id, '')", p)) OR \(like("description", p)))
            ORDER BY received_at DESC, id LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decodeRecord(Hit.self) }
    }

    public func reviews(shop: ShopID, query: String, limit: Int, on sql: DatabaseSession) async throws -> [Hit] {
        let p = Self.pattern(query)
        return try await sql.raw("""
            SELECT 'review' AS kind, r.id AS target, r.customer_name, r.body AS text, r.submitted_at AS at
            FROM reviews r JOIN orders o ON o.id = r.order_id WHERE r.shop_id = \(bind: shop.rawValue)
              AND (\(like("r.customer_name", p)) OR \(like("r.order_external_id", p)) OR \(like("o.email", p))
                   OR \(like("COALESCE(r.title, '')", p)) OR \(like("r.body", p)))
            ORDER BY r.submitted_at DESC, r.id LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decodeRecord(Hit.self) }
    }

    /// Messages of dialogs and complaints, internal notes included (staff see them), the newest first.
    public func messages(shop: ShopID, query: String, limit: Int, on sql: DatabaseSession) async throws -> [Hit] {
        let p = Self.pattern(query)
        let dialogs = try await sql.raw("""
            SELECT 'dialog_message' AS kind, d.id AS target, r.customer_name, m.body AS text, m.created_at AS at
            FROM dialog_messages m JOIN dialogs d ON d.id = m.dialog_id JOIN reviews r ON r.id = d.review_id
            WHERE m.shop_id = \(bind: shop.rawValue) AND \(like("m.body", p))
            ORDER BY m.created_at DESC, m.id LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decodeRecord(Hit.self) }
        let complaints = try await sql.raw("""
            SELECT 'complaint_message' AS kind, c.reference AS target, c.customer_name, m.body AS text, m.created_at AS at
            FROM complaint_messages m JOIN complaints c ON c.id = m.complaint_id
            WHERE m.shop_id = \(bind: shop.rawValue) AND \(like("m.body", p))
            ORDER BY m.created_at DESC, m.id LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decodeRecord(Hit.self) }
        return Array((dialogs + complaints).sorted { $0.at > $1.at }.prefix(limit))
    }
}
