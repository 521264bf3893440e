import Foundation

/// The load balancers whose `X-Forwarded-For` / `Forwarded` headers are believed (issue 15): throttles key on the
/// real client behind them, and a header from anyone else is ignored (it could be forged).
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        var address: NetworkAddress
        var bits: Int
    }

    var ranges: [Range]

    public static let none = TrustedProxies(ranges: [])

    /// Addresses and CIDR ranges such as `10.0.0.0/8`, `127.0.0.1`, `fd00::/8`; a bad entry throws naming it.
    public init(parsing entries: [String]) throws {
        var ranges: [Range] = []
        for raw in entries.flatMap({ $0.split(separator: ",") }) {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let address = NetworkAddress.literal(parts[0]).map(Self.unmapped) else {
                throw ValidationErrors.one("trustedProxies", "\(entry) is not an IP address or CIDR range")
            }
            let width = if case .v4 = address { 32 } else { 128 }
            guard let bits = parts.count == 2 ? Int(parts[1]) : width, (0...width).contains(bits) else {
                throw ValidationErrors.one("trustedProxies", "\(entry) has a prefix length outside 0…\(width)")
            }
            ranges.append(Range(address: address, bits: bits))
        }
        self.ranges = ranges
    }

    init(ranges: [Range]) { self.ranges = ranges }

    public var isEmpty: Bool { ranges.isEmpty }

    public func contains(_ host: String) -> Bool {
        guard let address = NetworkAddress.literal(host).map(Self.unmapped) else { return false }
        return ranges.contains { Self.matches(address, $0) }
    }

    /// The client's address: the peer itself unless it is a trusted proxy; then, walking the forwarded chain from the
    /// nearest hop, the first address that is not a trusted proxy. `Forwarded` (RFC 7239) wins over
    /// `X-Forwarded-For`; an unreadable chain leaves the peer.
    public func client(peer: String, forwardedFor: [String], forwarded: [String]) -> String {
        guard contains(peer) else { return peer }
        let chain = forwarded.isEmpty ? Self.xForwardedFor(forwardedFor) : Self.forwardedFor(forwarded)
        guard !chain.isEmpty, chain.allSatisfy({ NetworkAddress.literal($0) != nil }) else { return peer }
        for hop in chain.reversed() where !contains(hop) {
            return NetworkAddress.literal(hop).map(Self.unmapped)?.description ?? hop
        }
        return chain.first ?? peer
    }

    static func xForwardedFor(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .map(stripPort)
    }

    /// `for=` of every element of `Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"`.
    static func forwardedFor(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.compactMap { element -> String? in
            for pair in element.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2, kv[0].lowercased() == "for" {
                    return stripPort(kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
                }
            }
            return nil
        }
    }

    /// `192.0.2.1:8080` → `192.0.2.1`, `[2001:db8::1]:4711` → `2001:db8::1`; a bare IPv6 address stays.
    static func stripPort(_ text: String) -> String {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return text
    }

    /// `::ffff:a.b.c.d` is the IPv4 address it carries.
    static func unmapped(_ address: NetworkAddress) -> NetworkAddress {
        if case .v6(let bytes) = address, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return .v4(bytes[12...].reduce(0) { $0 << 8 | UInt32($1) })
        }
        return address
    }

    static func matches(_ address: NetworkAddress, _ range: Range) -> Bool {
        switch (address, range.address) {
        case (.v4(let value), .v4(let base)):
            guard range.bits > 0 else { return true }
            let shift = UInt32(32 - range.bits)
            return range.bits == 32 ? value == base : value >> shift == base >> shift
        case (.v6(let bytes), .v6(let base)):
            var remaining = range.bits
            for index in 0..<16 where remaining > 0 {
                let take = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - take))
                if bytes[index] & mask != base[index] & mask { return false }
                remaining -= take
            }
            return true
        default:
            return false
        }
    }
}
