import Foundation
import RedressCore
internal import SQLKit

/// Recent failed attempts per key (`account:…`, `ip:…`), shared by every instance through the database.
public struct ThrottleStore: Sendable {
    public init() {}

    public func recordFailure(keys: [String], at now: Date, on sql: DatabaseSession) async throws {
        for key in keys {
            try await sql.insert(into: "login_failures").columns("id", "key", "at")
                .values(SQLBind(SecureToken.id("lf")), SQLBind(key), SQLBind(now)).run()
        }
    }

    public func failures(key: String, since: Date, on sql: DatabaseSession) async throws -> [Date] {
        try await sql.select().column("at").from("login_failures")
            .where("key", .equal, key).where("at", .greaterThan, since)
            .all().map { try $0.decode(column: "at", as: Date.self) }
    }

    /// Forgets failures older than the window; called by the worker's housekeeping.
    public func prune(before: Date, on sql: DatabaseSession) async throws {
        try await sql.delete(from: "login_failures").where("at", .lessThan, before).run()
    }
}
