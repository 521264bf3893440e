import Foundation

/// Identifies a shop. Every query for shop data takes one (S1).
public struct ShopID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Makes opaque, unguessable identifiers and secrets.
public enum SecureToken {
    /// `bytes` random bytes from the system's cryptographic generator, base64url without padding.
    public static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var data = Data(count: bytes)
        for index in 0..<bytes { data[index] = UInt8.random(in: 0...255, using: &generator) }
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// An opaque id with a readable prefix, e.g. `shp_3kT9…`; 96 random bits, so collisions are not a concern.
    public static func id(_ prefix: String) -> String {
        "\(prefix)_\(make(bytes: 12))"
    }
}
