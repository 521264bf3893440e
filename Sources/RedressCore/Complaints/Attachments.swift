import Foundation

/// Photos and documents attached to a complaint (C1): the type is read from the bytes, never trusted from the
/// name or the browser; 10 MB each, 5 per complaint.
public enum AttachmentKind: String, Sendable, CaseIterable {
    case jpeg = "image/jpeg"
    case png = "image/png"
    case webp = "image/webp"
    case pdf = "application/pdf"

    public static let maxBytes = 10 * 1024 * 1024
    public static let maxPerComplaint = 5

    public var fileExtension: String {
        switch self {
        case .jpeg: return "jpg"
        case .png: return "png"
        case .webp: return "webp"
        case .pdf: return "pdf"
        }
    }

    /// The kind the content really is, or nil for anything else.
    public static func sniff(_ bytes: some Collection<UInt8>) -> AttachmentKind? {
        let head = Array(bytes.prefix(16))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + prefix.count && Array(head[offset..<offset + prefix.count]) == prefix
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        return nil
    }

    /// Checks one upload against the rules; the error names the file.
    public static func check(_ bytes: [UInt8], name: String, existing: Int) throws -> AttachmentKind {
        var errors = ValidationErrors()
        let kind = sniff(bytes)
        if bytes.isEmpty { errors.add("attachments", "\(name) is empty") }
        if bytes.count > maxBytes { errors.add("attachments", "\(name) is larger than 10 MB") }
        if kind == nil && !bytes.isEmpty { errors.add("attachments", "\(name) is not a JPEG, PNG, WebP or PDF file") }
        if existing >= maxPerComplaint { errors.add("attachments", "at most \(maxPerComplaint) files per complaint") }
        try errors.throwIfAny()
        return kind!
    }

    /// A file name safe to show and to put in a header: letters, digits, dot, dash, underscore; at most 100.
    public static func safeName(_ name: String, kind: AttachmentKind) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? ""
        let cleaned = String(base.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) }
            .map(Character.init).prefix(100))
        let stem = cleaned.split(separator: ".").dropLast().joined(separator: ".")
        return (stem.isEmpty ? "attachment" : stem) + "." + kind.fileExtension
    }
}

/// A `multipart/form-data` body split into its parts (RFC 7578), for the HTML forms that upload files.
public struct MultipartForm: Sendable {
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var data: [UInt8]

        public var text: String { String(decoding: data, as: UTF8.self) }
    }

    public var parts: [Part]

    /// The boundary from a `Content-Type: multipart/form-data; boundary=…` header.
    public static func boundary(contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }

    public init(body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        var positions: [Int] = []
        var index = 0
        while let found = Self.find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw ValidationErrors.one("form", "the upload is not a complete multipart form") }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Skip the CRLF after the delimiter; the part ends before the CRLF that precedes the next one.
            if body.count > partStart + 1 && body[partStart] == 13 && body[partStart + 1] == 10 { partStart += 2 }
            var partEnd = end
            if partEnd >= 2 && body[partEnd - 2] == 13 && body[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd else { continue }
            let part = Array(body[partStart..<partEnd])
            guard let split = Self.find([13, 10, 13, 10], in: part, from: 0) else { continue }
            let headers = String(decoding: part[..<split], as: UTF8.self).components(separatedBy: "\r\n")
            var name: String?
            var filename: String?
            var type: String?
            for header in headers {
                let lower = header.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = Self.parameter("name", in: header)
                    filename = Self.parameter("filename", in: header)
                } else if lower.hasPrefix("content-type:") {
                    type = header.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            if let name { parts.append(Part(name: name, filename: filename, contentType: type, data: Array(part[(split + 4)...]))) }
        }
        self.parts = parts
    }

    public subscript(_ name: String) -> String? { parts.first { $0.name == name && $0.filename == nil }?.text }

    public func all(_ name: String) -> [String] { parts.filter { $0.name == name && $0.filename == nil }.map(\.text) }

    public func files(_ name: String) -> [Part] { parts.filter { $0.name == name && $0.filename?.isEmpty == false } }

    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// The first position of `needle` in `haystack` at or after `start`: Knuth–Morris–Pratt, so a hostile body
    /// (2 MB of dashes against a 200-dash boundary) costs its length plus the boundary's, never their product.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count >= needle.count, start <= haystack.count - needle.count
        else { return nil }
        var failure = [Int](repeating: 0, count: needle.count)
        var matched = 0
        for index in 1..<max(1, needle.count) {
            while matched > 0 && needle[index] != needle[matched] { matched = failure[matched - 1] }
            if needle[index] == needle[matched] { matched += 1 }
            failure[index] = matched
        }
        matched = 0
        var index = start
        while index < haystack.count {
            let byte = haystack[index]
            while matched > 0 && byte != needle[matched] { matched = failure[matched - 1] }
            if byte == needle[matched] { matched += 1 }
            if matched == needle.count { return index - needle.count + 1 }
            index += 1
        }
        return nil
    }
}
