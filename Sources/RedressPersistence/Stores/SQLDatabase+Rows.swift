import Foundation
import SQLKit

extension SQLRow {
    /// Decodes a row whose columns are the snake_case names of `T`'s properties.
    func decodeRecord<T: Decodable>(_ type: T.Type) throws -> T {
        try decode(model: type, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

extension SQLInsertBuilder {
    /// Inserts a value whose camelCase properties map to snake_case columns; nil properties are written as NULL.
    func record(_ value: some Encodable) throws -> Self {
        try model(value, keyEncodingStrategy: .convertToSnakeCase, nilEncodingStrategy: .asNil)
    }
}

/// The optimistic-locking check failed: somebody else changed the row since it was read.
public struct StaleVersion: Error, Equatable, Sendable {
    public let table: String
    public let id: String

    public init(table: String, id: String) {
        self.table = table
        self.id = id
    }
}
