import Foundation

/// What one incoming message may be (SPEC E11): 25 MB (a setting), 64 KB of headers in any header block, 100 parts,
/// nesting 8 (multiparts and attached messages).
public struct MIMELimits: Sendable, Equatable {
    public var maxBytes: Int
    public var maxHeaderBytes: Int
    public var maxParts: Int
    public var maxDepth: Int

    public init(maxBytes: Int = 25 << 20, maxHeaderBytes: Int = 64 << 10, maxParts: Int = 100, maxDepth: Int = 8) {
        self.maxBytes = maxBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxParts = maxParts
        self.maxDepth = maxDepth
    }
}

/// Why a message could not be read at all; it is kept aside with this reason (E11).
public enum MIMEReadError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(limit: Int)
    case headersTooLarge(limit: Int)
    case tooManyParts(limit: Int)
    case tooDeep(limit: Int)
    case notAMessage

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the message is larger than the limit of \(MIMEReadError.size(limit))"
        case .headersTooLarge(let limit): "a header block is larger than the limit of \(MIMEReadError.size(limit))"
        case .tooManyParts(let limit): "the message has more than \(limit) parts"
        case .tooDeep(let limit): "the message nests parts more than \(limit) levels deep"
        case .notAMessage: "the data does not begin with mail headers"
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : bytes >= 1 << 10 ? "\(bytes >> 10) KB" : "\(bytes) bytes"
    }
}

/// Something the reader worked around; the message is read, and the intake can show or quarantine it.
public enum MIMEProblem: Sendable, Equatable, CustomStringConvertible {
    case unknownCharset(String)
    case brokenBase64
    case unknownTransferEncoding(String)
    case missingBoundary
    case unterminatedMultipart
    case malformedHeaderLine

    public var description: String {
        switch self {
        case .unknownCharset(let name): "unknown charset \(name), read as UTF-8"
        case .brokenBase64: "a part's base64 is broken; what could be decoded was kept"
        case .unknownTransferEncoding(let name): "unknown transfer encoding \(name), read as it is"
        case .missingBoundary: "a multipart without a boundary, read as text"
        case .unterminatedMultipart: "a multipart without its closing boundary"
        case .malformedHeaderLine: "a header line without a name"
        }
    }
}

public struct MIMEAddress: Sendable, Equatable {
    public var name: String
    /// The address as written (`local@domain`); compare lowercased.
    public var address: String
}

/// A header block in order, values unfolded (raw: encoded words are not decoded).
public struct MIMEHeaders: Sendable {
    public var fields: [(name: String, value: String)]

    /// The first value of `name` (case-insensitive), unfolded and trimmed.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public func all(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }
}

public struct MIMEAttachment: Sendable {
    public var filename: String?
    /// Lowercased `type/subtype`.
    public var contentType: String
    public var contentID: String?
    /// Whether the part was marked `inline` (an image in the HTML, a signature logo).
    public var inline: Bool
    public var data: [UInt8]
}

/// One incoming message as Redress reads it (E11).
public struct MIMEMessage: Sendable {
    public var headers: MIMEHeaders
    /// The decoded subject (RFC 2047), "" when there is none.
    public var subject: String
    public var from: MIMEAddress?
    public var to: [MIMEAddress]
    public var replyTo: [MIMEAddress]
    /// Message-IDs without the angle brackets.
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var date: Date?
    /// The body as text (line ends `\n`); customer HTML is kept as text, never rendered.
    public var text: String?
    public var html: String?
    public var attachments: [MIMEAttachment]
    /// Messages attached whole (`message/rfc822`: a forwarded mail, a bounced original).
    public var messages: [MIMEMessage]
    /// Parts of other types the reader keeps as they are (`message/delivery-status`: E8), lowercased type → text.
    public var reports: [(contentType: String, text: String)]
    public var problems: [MIMEProblem]
    /// Entities below the top (every part, multipart or leaf, in attached messages too).
    public var partCount: Int
}

/// Reads RFC 5322 / MIME messages (RFC 2045–2047, 2231, 6532) from their raw bytes, within `MIMELimits`: no
/// recursion beyond the nesting limit, bodies sliced from the input, not copied until decoded.
public struct MIMEReader: Sendable {
    public var limits: MIMELimits

    public init(limits: MIMELimits = MIMELimits()) {
        self.limits = limits
    }

    public func read(_ bytes: [UInt8]) throws -> MIMEMessage {
        guard bytes.count <= limits.maxBytes else { throw MIMEReadError.tooLarge(limit: limits.maxBytes) }
        var state = State()
        return try message(bytes[...], depth: 0, state: &state, top: true)
    }

    private struct State {
        var parts = 0
        var problems: [MIMEProblem] = []
        mutating func note(_ problem: MIMEProblem) {
            if !problems.contains(problem) { problems.append(problem) }
        }
    }

    /// One entity: its headers, and where its body starts.
    private struct Entity {
        var headers: MIMEHeaders
        var body: ArraySlice<UInt8>
        var type: String
        var parameters: [String: String]
        var disposition: String?
        var dispositionParameters: [String: String]

        var charset: String { parameters["charset"] ?? "us-ascii" }
        var filename: String? { dispositionParameters["filename"] ?? parameters["name"] }
    }

    private func message(_ bytes: ArraySlice<UInt8>, depth: Int, state: inout State, top: Bool = false) throws
        -> MIMEMessage
    {
        let entity = try self.entity(bytes, defaultType: "text/plain", state: &state, top: top)
        var collected = Collected()
        try walk(entity, depth: depth, state: &state, into: &collected)
        let headers = entity.headers
        var message = MIMEMessage(
            headers: headers, subject: MIMEWords.decode(headers["Subject"] ?? "").trimmingASCIIWhitespace(),
            from: MIMEAddressList.parse(headers["From"] ?? "").first, to: MIMEAddressList.parse(headers["To"] ?? ""),
            replyTo: MIMEAddressList.parse(headers["Reply-To"] ?? ""),
            messageID: MIMEAddressList.messageIDs(headers["Message-ID"] ?? "").first,
            inReplyTo: MIMEAddressList.messageIDs(headers["In-Reply-To"] ?? ""),
            references: MIMEAddressList.messageIDs(headers["References"] ?? ""),
            date: headers["Date"].flatMap(MailDate.parse),
            text: collected.text, html: collected.html, attachments: collected.attachments,
            messages: collected.messages, reports: collected.reports, problems: [], partCount: 0)
        if top {
            message.problems = state.problems
            message.partCount = state.parts
        }
        return message
    }

    private struct Collected {
        var text: String?
        var html: String?
        var attachments: [MIMEAttachment] = []
        var messages: [MIMEMessage] = []
        var reports: [(contentType: String, text: String)] = []
    }

    /// Walks an entity depth-first. The body text is the first `text/plain` (and `text/html`) part that is not an
    /// attachment, looking only at the root of a `multipart/related` (as Python's `get_body` does); every other
    /// leaf is an attachment; attached messages are read on their own.
    private func walk(_ entity: Entity, depth: Int, state: inout State, into collected: inout Collected,
                      bodyCandidate: Bool = true) throws
    {
        let (major, minor) = Self.split(entity.type)
        if major == "multipart" {
            guard let boundary = entity.parameters["boundary"], !boundary.isEmpty else {
                state.note(.missingBoundary)
                try leaf(entity, type: "text/plain", state: &state, into: &collected, bodyCandidate: bodyCandidate)
                return
            }
            guard depth < limits.maxDepth else { throw MIMEReadError.tooDeep(limit: limits.maxDepth) }
            let bodies = split(entity.body, boundary: Array(boundary.utf8), state: &state)
            let attachment = entity.disposition == "attachment"
            var root = 0
            if minor == "related", let start = entity.parameters["start"] {
                root = -1
                for (index, body) in bodies.enumerated() {
                    let child = try self.entity(body, defaultType: "text/plain", state: &state, count: false)
                    if child.headers["Content-ID"] == start { root = index; break }
                }
                if root < 0 { root = 0 }
            }
            for (index, body) in bodies.enumerated() {
                let child = try self.entity(body, defaultType: minor == "digest" ? "message/rfc822" : "text/plain",
                                            state: &state)
                let candidate = bodyCandidate && !attachment && (minor != "related" || index == root)
                try walk(child, depth: depth + 1, state: &state, into: &collected, bodyCandidate: candidate)
            }
        } else if entity.type == "message/rfc822" || entity.type == "message/global" {
            guard depth < limits.maxDepth else { throw MIMEReadError.tooDeep(limit: limits.maxDepth) }
            let content = decodeTransfer(entity, state: &state)
            collected.messages.append(try message(content[...], depth: depth + 1, state: &state))
        } else {
            try leaf(entity, type: entity.type, state: &state, into: &collected, bodyCandidate: bodyCandidate)
        }
    }

    private func leaf(_ entity: Entity, type: String, state: inout State, into collected: inout Collected,
                      bodyCandidate: Bool) throws
    {
        let data = decodeTransfer(entity, state: &state)
        let isAttachment = entity.disposition == "attachment"
        if bodyCandidate && !isAttachment {
            if type == "text/plain" && collected.text == nil {
                collected.text = text(data, entity, state: &state)
                return
            }
            if type == "text/html" && collected.html == nil {
                collected.html = text(data, entity, state: &state)
                return
            }
        }
        if type == "message/delivery-status" || type == "message/disposition-notification"
            || type == "text/rfc822-headers" {
            collected.reports.append((type, text(data, entity, state: &state)))
        }
        collected.attachments.append(MIMEAttachment(
            filename: entity.filename, contentType: type,
            contentID: entity.headers["Content-ID"].flatMap { MIMEAddressList.messageIDs($0).first },
            inline: entity.disposition == "inline", data: data))
    }

    private func text(_ data: [UInt8], _ entity: Entity, state: inout State) -> String {
        let decoded: String
        if let known = MIMECharset.decode(data, label: entity.charset) {
            decoded = known
        } else {
            state.note(.unknownCharset(String(entity.charset.prefix(40))))
            decoded = String(decoding: data, as: UTF8.self)
        }
        return decoded.replacingOccurrences(of: "\r\n", with: "\n")
    }

    private func decodeTransfer(_ entity: Entity, state: inout State) -> [UInt8] {
        let encoding = (entity.headers["Content-Transfer-Encoding"] ?? "7bit").trimmingASCIIWhitespace().lowercased()
        switch encoding {
        case "base64":
            let (bytes, clean) = TransferEncoding.base64(entity.body)
            if !clean { state.note(.brokenBase64) }
            return bytes
        case "quoted-printable":
            return TransferEncoding.quotedPrintable(entity.body)
        case "7bit", "8bit", "binary", "":
            return Array(entity.body)
        default:
            state.note(.unknownTransferEncoding(String(encoding.prefix(40))))
            return Array(entity.body)
        }
    }

    // MARK: - Entities and headers

    private func entity(_ bytes: ArraySlice<UInt8>, defaultType: String, state: inout State, top: Bool = false,
                        count: Bool = true) throws -> Entity
    {
        if count && !top {
            state.parts += 1
            guard state.parts <= limits.maxParts else { throw MIMEReadError.tooManyParts(limit: limits.maxParts) }
        }
        let (headers, body) = try headerBlock(bytes, state: &state, top: top)
        var type = defaultType
        var parameters: [String: String] = [:]
        if let value = headers["Content-Type"] {
            let parsed = MIMEParameters.parse(value)
            // A type without a slash is broken: RFC 2045 says to read it as text/plain.
            if parsed.value.contains("/") { type = parsed.value } else { type = "text/plain" }
            parameters = parsed.parameters
        }
        var disposition: String?
        var dispositionParameters: [String: String] = [:]
        if let value = headers["Content-Disposition"] {
            let parsed = MIMEParameters.parse(value)
            disposition = parsed.value
            dispositionParameters = parsed.parameters
        }
        return Entity(headers: headers, body: body, type: type, parameters: parameters, disposition: disposition,
                      dispositionParameters: dispositionParameters)
    }

    /// Splits a header block from its body at the first empty line; lines may end in CRLF or LF.
    private func headerBlock(_ bytes: ArraySlice<UInt8>, state: inout State, top: Bool) throws
        -> (MIMEHeaders, ArraySlice<UInt8>)
    {
        var fields: [(name: String, value: [UInt8])] = []
        var index = bytes.startIndex
        let end = bytes.endIndex
        // An mbox "From " line before the headers is skipped.
        if top, bytes.starts(with: Array("From ".utf8)) {
            index = Self.lineEnd(bytes, from: index).next
        }
        var sawHeader = false
        while index < end {
            guard index - bytes.startIndex <= limits.maxHeaderBytes else {
                throw MIMEReadError.headersTooLarge(limit: limits.maxHeaderBytes)
            }
            let (contentEnd, next) = Self.lineEnd(bytes, from: index)
            if contentEnd == index {
                // The empty line: the body follows.
                return (Self.headers(fields), bytes[next...])
            }
            let first = bytes[index]
            if first == 0x20 || first == 0x09 {
                if !fields.isEmpty {
                    fields[fields.count - 1].value += bytes[index..<contentEnd]
                }
                index = next
                continue
            }
            guard let colon = bytes[index..<contentEnd].firstIndex(of: UInt8(ascii: ":")), colon > index,
                  !bytes[index..<colon].contains(where: { $0 <= 0x20 || $0 >= 0x7F }) || Self.isNameWithSpace(bytes[index..<colon])
            else {
                // Not a header: the body starts here (Python's parser does the same).
                if top && !sawHeader { throw MIMEReadError.notAMessage }
                state.note(.malformedHeaderLine)
                return (Self.headers(fields), bytes[index...])
            }
            sawHeader = true
            let name = String(decoding: bytes[index..<colon], as: UTF8.self).trimmingASCIIWhitespace()
            fields.append((name, Array(bytes[(colon + 1)..<contentEnd])))
            index = next
        }
        guard index - bytes.startIndex <= limits.maxHeaderBytes else {
            throw MIMEReadError.headersTooLarge(limit: limits.maxHeaderBytes)
        }
        if top && !sawHeader { throw MIMEReadError.notAMessage }
        return (Self.headers(fields), bytes[end...])
    }

    /// `Subject :` with a space before the colon (obsolete syntax) is still a header.
    private static func isNameWithSpace(_ name: ArraySlice<UInt8>) -> Bool {
        let trimmed = name.reversed().drop { $0 == 0x20 || $0 == 0x09 }
        return !trimmed.isEmpty && !trimmed.contains { $0 <= 0x20 || $0 >= 0x7F }
    }

    private static func headers(_ fields: [(name: String, value: [UInt8])]) -> MIMEHeaders {
        MIMEHeaders(fields: fields.map { field in
            // Raw UTF-8 headers (RFC 6532) as they are; anything else byte for byte as Latin-1.
            let text = String(validating: field.value, as: UTF8.self) ?? String(String.UnicodeScalarView(field.value.map {
                Unicode.Scalar($0)
            }))
            return (field.name, text.trimmingASCIIWhitespace())
        })
    }

    /// The end of the line's content (before CR LF or LF) and the start of the next line.
    private static func lineEnd(_ bytes: ArraySlice<UInt8>, from start: Int) -> (content: Int, next: Int) {
        guard let newline = bytes[start...].firstIndex(of: 0x0A) else { return (bytes.endIndex, bytes.endIndex) }
        let content = newline > start && bytes[newline - 1] == 0x0D ? newline - 1 : newline
        return (content, newline + 1)
    }

    private static func split(_ type: String) -> (String, String) {
        let pieces = type.split(separator: "/", maxSplits: 1).map(String.init)
        return (pieces.first ?? "", pieces.count > 1 ? pieces[1] : "")
    }

    /// The bodies of a multipart between its delimiter lines (`--boundary`, closed by `--boundary--`); the line
    /// end before a delimiter belongs to the delimiter.
    private func split(_ body: ArraySlice<UInt8>, boundary: [UInt8], state: inout State) -> [ArraySlice<UInt8>] {
        let delimiter = [0x2D, 0x2D] + boundary
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = body.startIndex
        while index < body.endIndex {
            let (contentEnd, next) = Self.lineEnd(body, from: index)
            if contentEnd - index >= delimiter.count, body[index] == 0x2D,
               body[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                var rest = body[(index + delimiter.count)..<contentEnd]
                let closing = rest.starts(with: [0x2D, 0x2D])
                if closing { rest = rest.dropFirst(2) }
                if rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    if let start = partStart {
                        // Drop the line end that precedes the delimiter.
                        var stop = index
                        if stop > start && body[stop - 1] == 0x0A { stop -= 1 }
                        if stop > start && body[stop - 1] == 0x0D { stop -= 1 }
                        parts.append(body[start..<max(start, stop)])
                    }
                    if closing { return parts }
                    partStart = next
                }
            }
            index = next
        }
        state.note(.unterminatedMultipart)
        if let start = partStart { parts.append(body[start..<body.endIndex]) }
        return parts
    }
}

/// Content transfer encodings (RFC 2045).
public enum TransferEncoding {
    private static let alphabet: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, byte) in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8).enumerated() {
            table[Int(byte)] = Int8(value)
        }
        return table
    }()

    /// Decodes base64, skipping line breaks and white space; `clean` is false when other characters or a cut
    /// final group were met (what could be decoded is returned).
    public static func base64<Bytes: Collection>(_ input: Bytes) -> (bytes: [UInt8], clean: Bool)
        where Bytes.Element == UInt8
    {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        var clean = true
        var padding = 0
        for byte in input {
            if byte == 0x3D { padding += 1; continue }
            let value = alphabet[Int(byte)]
            if value < 0 {
                if byte != 0x0A && byte != 0x0D && byte != 0x20 && byte != 0x09 { clean = false }
                continue
            }
            if padding > 0 { clean = false; padding = 0 }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
            }
        }
        // 0, 2 or 4 bits left over are the padding of a complete group; 6 means a cut group.
        if bits == 6 { clean = false }
        return (output, clean)
    }

    /// Decodes quoted-printable: `=XX`, soft line breaks (`=` at the end of a line), literal white space at the
    /// end of a line dropped (RFC 2045 rule 3); a stray `=` is kept as it is.
    public static func quotedPrintable(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var pending: [UInt8] = []
        var index = input.startIndex
        let end = input.endIndex
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x37
            case 0x61...0x66: byte - 0x57
            default: nil
            }
        }
        func append(_ byte: UInt8) {
            if !pending.isEmpty { output += pending; pending.removeAll(keepingCapacity: true) }
            output.append(byte)
        }
        while index < end {
            let byte = input[index]
            switch byte {
            case 0x3D:
                // Soft line break: "=", optional white space, the line end (or the end of the part).
                var look = index + 1
                while look < end && (input[look] == 0x20 || input[look] == 0x09) { look += 1 }
                if look == end || input[look] == 0x0A || (input[look] == 0x0D && look + 1 < end && input[look + 1] == 0x0A) {
                    if !pending.isEmpty { output += pending; pending.removeAll(keepingCapacity: true) }
                    index = look == end ? end : input[look] == 0x0A ? look + 1 : look + 2
                } else if index + 2 < end, let high = hex(input[index + 1]), let low = hex(input[index + 2]) {
                    append(high << 4 | low)
                    index += 3
                } else {
                    append(byte)
                    index += 1
                }
            case 0x20, 0x09:
                pending.append(byte)
                index += 1
            case 0x0A:
                pending.removeAll(keepingCapacity: true)
                output.append(0x0A)
                index += 1
            case 0x0D where index + 1 < end && input[index + 1] == 0x0A:
                pending.removeAll(keepingCapacity: true)
                output += [0x0D, 0x0A]
                index += 2
            default:
                append(byte)
                index += 1
            }
        }
        return output
    }
}
