import Foundation
internal import SQLKit

extension SQLRow {
    /// Decodes a row whose columns are the snake_case names of `T`'s properties.
    func decodeRecord<T: Decodable>(_ type: T.Type) throws -> T {
        try decode(model: type, keyDecodingStrategy: SnakeCaseColumns.strategy)
    }
}

/// camelCase property → snake_case column, converted once per name and remembered: the conversion itself showed up
/// as the hottest function when decoding lists of wide rows.
enum SnakeCaseColumns {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: String] = [:]

    static let strategy = SQLRowDecoder.KeyDecodingStrategy.custom { path in
        SomeCodingKey(stringValue: column(for: path.last!.stringValue))
    }

    static let encoding = SQLQueryEncoder.KeyEncodingStrategy.custom { path in
        SomeCodingKey(stringValue: column(for: path.last!.stringValue))
    }

    static func column(for property: String) -> String {
        if let known = lock.withLock({ cache[property] }) { return known }
        var result = ""
        for character in property {
            if character.isUppercase {
                result.append("_")
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        lock.withLock { cache[property] = result }
        return result
    }
}

extension SQLInsertBuilder {
    /// Inserts a value whose camelCase properties map to snake_case columns; nil properties are written as NULL.
    func record(_ value: some Encodable) throws -> Self {
        try model(value, keyEncodingStrategy: SnakeCaseColumns.encoding, nilEncodingStrategy: .asNil)
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
