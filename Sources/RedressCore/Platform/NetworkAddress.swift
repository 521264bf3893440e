import Foundation

/// An IP address and whether an outgoing call may reach it (issue 15: no webhook to loopback, private, link-local,
/// CGNAT, multicast, reserved or unspecified addresses unless the installation allows it).
public enum NetworkAddress: Equatable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// A host written as an address: dotted IPv4 in every form `inet_aton` accepts (`127.1`, `0x7f000001`,
    /// `0177.0.0.1`, `2130706433`), or IPv6 with or without brackets. Names answer nil.
    public static func literal(_ host: String) -> NetworkAddress? {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.contains(":") { return ipv6(text) }
        return ipv4(text)
    }

    /// Whether a call to this address reaches the public internet.
    public var isPublic: Bool {
        switch self {
        case .v4(let value): return Self.isPublicV4(value)
        case .v6(let bytes):
            if bytes.allSatisfy({ $0 == 0 }) { return false }                                   // ::
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return false }          // ::1
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {  // ::ffff:a.b.c.d
                return Self.isPublicV4(Self.v4(from: bytes[12...]))
            }
            if bytes[0..<12].allSatisfy({ $0 == 0 }) { return false }                             // ::a.b.c.d (deprecated)
            if bytes[0] == 0x00, bytes[1] == 0x64, bytes[2] == 0xff, bytes[3] == 0x9b,
               bytes[4..<12].allSatisfy({ $0 == 0 }) {                                            // 64:ff9b::/96 NAT64
                return Self.isPublicV4(Self.v4(from: bytes[12...]))
            }
            if bytes[0] & 0xfe == 0xfc { return false }                                           // fc00::/7 unique local
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return false }                       // fe80::/10 link-local
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return false }                       // fec0::/10 site-local
            if bytes[0] == 0xff { return false }                                                  // multicast
            if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x0d, bytes[3] == 0xb8 { return false } // documentation
            if bytes[0] == 0x20, bytes[1] == 0x02 {                                               // 6to4 wraps IPv4
                return Self.isPublicV4(Self.v4(from: bytes[2..<6]))
            }
            return true
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
        case .v6(let bytes):
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        }
    }

    /// Names that always mean this machine, whatever DNS says.
    public static func isLocalName(_ host: String) -> Bool {
        let name = host.lowercased().trimmingSuffix(".")
        return name == "localhost" || name.hasSuffix(".localhost") || name == "localhost.localdomain"
    }

    // MARK: - Ranges

    private static func isPublicV4(_ value: UInt32) -> Bool {
        let blocked: [(UInt32, Int)] = [
            (0x0000_0000, 8),   // 0.0.0.0/8 "this network", unspecified
            (0x0a00_0000, 8),   // 10/8 private
            (0x6440_0000, 10),  // 100.64/10 CGNAT
            (0x7f00_0000, 8),   // 127/8 loopback
            (0xa9fe_0000, 16),  // 169.254/16 link-local (cloud metadata)
            (0xac10_0000, 12),  // 172.16/12 private
            (0xc000_0000, 24),  // 192.0.0/24 IETF protocol assignments
            (0xc000_0200, 24),  // 192.0.2/24 documentation
            (0xc058_6300, 24),  // 192.88.99/24 6to4 relay
            (0xc0a8_0000, 16),  // 192.168/16 private
            (0xc612_0000, 15),  // 198.18/15 benchmarking
            (0xc633_6400, 24),  // 198.51.100/24 documentation
            (0xcb00_7100, 24),  // 203.0.113/24 documentation
            (0xe000_0000, 4),   // 224/4 multicast
            (0xf000_0000, 4),   // 240/4 reserved, broadcast
        ]
        return !blocked.contains { base, bits in value >> UInt32(32 - bits) == base >> UInt32(32 - bits) }
    }

    private static func v4<C: Collection>(from bytes: C) -> UInt32 where C.Element == UInt8 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    // MARK: - Parsing

    /// `inet_aton`: one to four parts, each decimal, octal (leading 0) or hex (0x); the last part fills the rest.
    static func ipv4(_ text: String) -> NetworkAddress? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = number(part) else { return nil }
            numbers.append(number)
        }
        let last = numbers.removeLast()
        guard numbers.allSatisfy({ $0 <= 0xff }), last < (UInt64(1) << UInt64(8 * (4 - numbers.count))) else {
            return nil
        }
        var value: UInt64 = 0
        for (index, number) in numbers.enumerated() { value |= number << UInt64(24 - 8 * index) }
        return .v4(UInt32(value | last))
    }

    private static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 12 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") { return lower.count == 2 ? 0 : UInt64(lower.dropFirst(2), radix: 16) }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    static func ipv6(_ text: String) -> NetworkAddress? {
        var text = Substring(text)
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }   // fe80::1%eth0
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ half: String) -> [UInt16]? {
            if half.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."),
                   case .v4(let value)? = ipv4(String(piece)), piece.split(separator: ".").count == 4 {
                    result += [UInt16(value >> 16), UInt16(value & 0xffff)]
                } else {
                    guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                    result.append(group)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1]) : []
        guard let tail else { return nil }
        let total = head.count + tail.count
        if halves.count == 1 { guard total == 8 else { return nil } } else { guard total <= 7 else { return nil } }
        let all = head + Array(repeating: 0, count: 8 - total) + tail
        return .v6(all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] })
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
