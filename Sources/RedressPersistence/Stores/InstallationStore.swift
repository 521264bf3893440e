import Foundation
internal import SQLKit

/// Installation-wide values (the admin token's hash, the signing secret).
public struct InstallationStore: Sendable {
    public init() {}

    public func value(_ key: String, on sql: DatabaseSession) async throws -> String? {
        try await sql.select().column("value").from("installation").where("key", .equal, key).first()?
            .decode(column: "value", as: String.self)
    }

    /// Stores `value` unless the key already has one; returns the value that holds afterwards, so two instances
    /// starting together agree on one.
    public func valueOrInsert(_ key: String, _ value: String, on sql: DatabaseSession) async throws -> String {
        do {
            try await sql.insert(into: "installation").columns("key", "value").values(SQLBind(key), SQLBind(value))
                .run()
            return value
        } catch where error.isConstraintFailure {
            return try await self.value(key, on: sql) ?? value
        }
    }

    public func remove(_ key: String, on sql: DatabaseSession) async throws {
        try await sql.delete(from: "installation").where("key", .equal, key).run()
    }

    public func set(_ key: String, _ value: String, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "installation").columns("key", "value").values(SQLBind(key), SQLBind(value))
            .onConflict(with: ["key"]) { $0.set(excludedValueOf: "value") }
            .run()
    }
}
