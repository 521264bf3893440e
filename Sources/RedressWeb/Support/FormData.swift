import Foundation
import Hummingbird
import RedressApp

/// A decoded `application/x-www-form-urlencoded` body.
struct FormData: Sendable {
    private(set) var values: [String: [String]] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[key, default: []].append(value)
        }
    }

    init(values: [String: [String]]) {
        self.values = values
    }

    subscript(_ key: String) -> String? { values[key]?.first }

    func all(_ key: String) -> [String] { values[key] ?? [] }

    private static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    /// Reads a form body of at most `limit` bytes.
    static func read(_ request: Request, limit: Int = 256 * 1024) async throws -> FormData {
        let buffer = try await request.body.collect(upTo: limit)
        return FormData(String(buffer: buffer))
    }
}
