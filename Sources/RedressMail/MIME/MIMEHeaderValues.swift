import Foundation

/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in unstructured header text and display names. Adjacent words
/// of one charset are joined before decoding (a character may be split between two words); the white space
/// between two encoded words is dropped.
public enum MIMEWords {
    public static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        enum Piece { case plain(String), encoded(charset: String, bytes: [UInt8]) }
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let start = rest.range(of: "=?") {
            guard let word = Self.word(rest[start.lowerBound...]) else {
                pieces.append(.plain(String(rest[..<start.upperBound])))
                rest = rest[start.upperBound...]
                continue
            }
            let before = String(rest[..<start.lowerBound])
            if !before.isEmpty {
                // White space alone between two encoded words is not part of the text.
                if case .encoded = pieces.last, before.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }) {
                } else {
                    pieces.append(.plain(before))
                }
            }
            if case .encoded(let charset, let bytes) = pieces.last, charset == word.charset {
                pieces[pieces.count - 1] = .encoded(charset: charset, bytes: bytes + word.bytes)
            } else {
                pieces.append(.encoded(charset: word.charset, bytes: word.bytes))
            }
            rest = rest[word.end...]
        }
        if !rest.isEmpty { pieces.append(.plain(String(rest))) }
        return pieces.map { piece in
            switch piece {
            case .plain(let text): text
            case .encoded(let charset, let bytes):
                MIMECharset.decode(bytes, label: charset) ?? String(decoding: bytes, as: UTF8.self)
            }
        }.joined()
    }

    /// One encoded word at the start of `text`, its charset (a language after `*` dropped: RFC 2231) and bytes.
    private static func word(_ text: Substring) -> (charset: String, bytes: [UInt8], end: Substring.Index)? {
        let body = text.dropFirst(2)
        guard let firstMark = body.firstIndex(of: "?") else { return nil }
        let charset = body[..<firstMark].split(separator: "*", maxSplits: 1).first.map(String.init) ?? ""
        let afterCharset = body[body.index(after: firstMark)...]
        guard let secondMark = afterCharset.firstIndex(of: "?"), afterCharset.distance(from: afterCharset.startIndex,
                                                                                          to: secondMark) == 1
        else { return nil }
        let encoding = afterCharset[afterCharset.startIndex].uppercased()
        let payload = afterCharset[afterCharset.index(after: secondMark)...]
        guard let close = payload.range(of: "?=") else { return nil }
        let encoded = payload[..<close.lowerBound]
        guard !charset.isEmpty, !encoded.contains(" ") else { return nil }
        let bytes: [UInt8]
        switch encoding {
        case "B": bytes = TransferEncoding.base64(Array(encoded.utf8)).bytes
        case "Q":
            var out: [UInt8] = []
            let raw = Array(encoded.utf8)
            var index = 0
            while index < raw.count {
                let byte = raw[index]
                if byte == UInt8(ascii: "_") {
                    out.append(0x20)
                } else if byte == UInt8(ascii: "="), index + 2 < raw.count,
                          let value = UInt8(String(decoding: raw[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    out.append(value)
                    index += 2
                } else {
                    out.append(byte)
                }
                index += 1
            }
            bytes = out
        default: return nil
        }
        return (charset, bytes, close.upperBound)
    }
}

/// A header value with parameters (`Content-Type`, `Content-Disposition`): the lowercased value and the
/// parameters by lowercased name, quoted strings unquoted, RFC 2231 continuations and charsets decoded, encoded
/// words in a quoted file name decoded (as Outlook writes them).
public enum MIMEParameters {
    public static func parse(_ header: String) -> (value: String, parameters: [String: String]) {
        let pieces = Self.pieces(header)
        let value = (pieces.first ?? "").trimmingASCIIWhitespace().lowercased()
        var simple: [String: String] = [:]
        // name → section number → (text, percent-encoded)
        var sections: [String: [Int: (text: String, extended: Bool)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            var name = piece[..<equals].trimmingASCIIWhitespace().lowercased()
            var text = piece[piece.index(after: equals)...].trimmingASCIIWhitespace()
            if text.hasPrefix("\"") { text = unquote(text) }
            guard !name.isEmpty else { continue }
            var extended = false
            if name.hasSuffix("*") { extended = true; name.removeLast() }
            if let star = name.lastIndex(of: "*"), let number = Int(name[name.index(after: star)...]) {
                sections[String(name[..<star]), default: [:]][number] = (text, extended)
            } else if extended {
                sections[name, default: [:]][0] = (text, true)
            } else if simple[name] == nil {
                simple[name] = text
            }
        }
        var parameters = simple.mapValues { $0.contains("=?") ? MIMEWords.decode($0) : $0 }
        for (name, parts) in sections {
            var charset = "us-ascii"
            var bytes: [UInt8] = []
            var number = 0
            while let part = parts[number] {
                var text = part.text
                if part.extended {
                    if number == 0 {
                        // charset'language'value
                        let fields = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                        if fields.count == 3 {
                            if !fields[0].isEmpty { charset = String(fields[0]) }
                            text = String(fields[2])
                        }
                    }
                    bytes += percentDecoded(text)
                } else {
                    bytes += Array(text.utf8)
                }
                number += 1
            }
            guard number > 0 else { continue }
            parameters[name] = MIMECharset.decode(bytes, label: charset) ?? String(decoding: bytes, as: UTF8.self)
        }
        return (value, parameters)
    }

    /// Splits at semicolons outside quoted strings.
    private static func pieces(_ header: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped { current.append(character); escaped = false; continue }
            if character == "\\" && quoted { current.append(character); escaped = true; continue }
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces
    }

    static func unquote(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped { result.append(character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "\"" { break }
            result.append(character)
        }
        return result
    }

    private static func percentDecoded(_ text: String) -> [UInt8] {
        let raw = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "%"), index + 2 < raw.count,
               let value = UInt8(String(decoding: raw[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(raw[index])
                index += 1
            }
        }
        return out
    }
}

/// Address lists (`From`, `To`, `Reply-To`: RFC 5322 mailboxes and groups) and Message-ID lists.
public enum MIMEAddressList {
    public static func parse(_ header: String) -> [MIMEAddress] {
        var addresses: [MIMEAddress] = []
        for item in split(header) {
            var text = item.trimmingASCIIWhitespace()
            // A group ("Team: a@x, b@y;") lists its members; its name is dropped.
            if let colon = firstOutsideQuotes(text, ":"), !text.contains("<") || colon < text.firstIndex(of: "<")! {
                text = String(text[text.index(after: colon)...]).trimmingASCIIWhitespace()
            }
            if text.hasSuffix(";") { text.removeLast() }
            text = text.trimmingASCIIWhitespace()
            guard !text.isEmpty else { continue }
            if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
                let address = String(text[text.index(after: open)..<close]).trimmingASCIIWhitespace()
                var name = String(text[..<open]).trimmingASCIIWhitespace()
                if name.hasPrefix("\"") { name = MIMEParameters.unquote(name) }
                guard !address.isEmpty else { continue }
                addresses.append(MIMEAddress(name: MIMEWords.decode(name), address: address))
            } else {
                // addr-spec, perhaps with a comment: "jan@example.pl (Jan)".
                var name = ""
                if let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close {
                    name = String(text[text.index(after: open)..<close])
                    text = (String(text[..<open]) + String(text[text.index(after: close)...])).trimmingASCIIWhitespace()
                }
                guard text.contains("@") else { continue }
                addresses.append(MIMEAddress(name: MIMEWords.decode(name), address: text))
            }
        }
        return addresses
    }

    /// The `<id>` values of a Message-ID, In-Reply-To or References header, without their brackets.
    public static func messageIDs(_ header: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].filter { !$0.isWhitespace }
            if !id.isEmpty { ids.append(String(id)) }
            rest = rest[rest.index(after: close)...]
        }
        return ids
    }

    /// Splits at commas outside quotes, angle brackets and comments.
    private static func split(_ header: String) -> [String] {
        var items: [String] = []
        var current = ""
        var quoted = false, escaped = false
        var angle = 0, comment = 0
        for character in header {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\" where quoted: escaped = true
            case "\"" where comment == 0: quoted.toggle()
            case "<" where !quoted && comment == 0: angle += 1
            case ">" where !quoted && comment == 0: angle = max(0, angle - 1)
            case "(" where !quoted: comment += 1
            case ")" where !quoted: comment = max(0, comment - 1)
            case "," where !quoted && angle == 0 && comment == 0:
                items.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        items.append(current)
        return items
    }

    private static func firstOutsideQuotes(_ text: String, _ mark: Character) -> String.Index? {
        var quoted = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { quoted.toggle() }
            if character == mark && !quoted { return index }
            index = text.index(after: index)
        }
        return nil
    }
}

/// RFC 5322 dates (`Mon, 7 Dec 2026 20:01:02 +0100`), with the obsolete zone names and two-digit years.
public enum MailDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
        "pst": -8, "pdt": -7,
    ]

    public static func parse(_ text: String) -> Date? {
        // Comments such as "(CET)" are dropped; a day name before the comma is ignored.
        var cleaned = text.replacingOccurrences(of: #"\([^)]*\)"#, with: " ", options: .regularExpression)
        if let comma = cleaned.firstIndex(of: ",") { cleaned = String(cleaned[cleaned.index(after: comma)...]) }
        let words = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
            .map(String.init)
        guard words.count >= 4, let day = Int(words[0]), (1...31).contains(day),
              let month = months.firstIndex(of: String(words[1].prefix(3)).lowercased()),
              var year = Int(words[2])
        else { return nil }
        if words[2].count <= 2 { year += year < 50 ? 2000 : 1900 } else if words[2].count == 3 { year += 1900 }
        let time = words[3].split(separator: ":").map { Int($0) }
        guard time.count >= 2, time.allSatisfy({ $0 != nil }), let hour = time[0], let minute = time[1],
              (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        let second = time.count > 2 ? time[2]! : 0
        guard (0...60).contains(second) else { return nil }
        var offset = 0
        if words.count >= 5 {
            let zone = words[4]
            if (zone.hasPrefix("+") || zone.hasPrefix("-")), zone.count == 5, let value = Int(zone.dropFirst()) {
                offset = (value / 100 * 60 + value % 100) * 60 * (zone.hasPrefix("-") ? -1 : 1)
            } else if let hours = zones[zone.lowercased()] {
                offset = hours * 3600
            }
        }
        var components = DateComponents()
        components.year = year
        components.month = month + 1
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = min(second, 59)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let utc = calendar.date(from: components),
              calendar.component(.day, from: utc) == day
        else { return nil }
        return utc.addingTimeInterval(TimeInterval(-offset))
    }
}
