import Foundation

/// Renders a `MailMessage` as an RFC 5322 / MIME document: UTF-8 headers encoded per RFC 2047, bodies in
/// base64, multipart/alternative when there is HTML.
public enum MIMEWriter {
    public static func render(_ message: MailMessage, messageID: String, date: Date, boundary: String? = nil) -> String {
        var lines: [String] = []
        if let name = message.fromName, !name.isEmpty {
            lines.append("From: \(displayName(name)) <\(message.from)>")
        } else {
            lines.append("From: \(message.from)")
        }
        lines.append("To: \(message.to.joined(separator: ", "))")
        if let replyTo = message.replyTo { lines.append("Reply-To: \(replyTo)") }
        lines.append("Subject: \(encodedWord(message.subject))")
        lines.append("Date: \(rfc5322Date(date))")
        lines.append("Message-ID: <\(messageID)>")
        if let parent = message.inReplyTo.flatMap(Self.messageIDValue) {
            lines.append("In-Reply-To: <\(parent)>")
            lines.append("References: <\(parent)>")
        }
        if message.automatic == true { lines.append("Auto-Submitted: auto-generated") }
        // Our mark, so a mail of ours that comes back (an auto-reply quoting headers, a forwarding loop) is known (E7).
        lines.append("X-Loop: redress")
        lines.append("MIME-Version: 1.0")
        if let html = message.html {
            let boundary = boundary ?? "=_redress_\(messageID.prefix(24))"
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--\(boundary)")
            lines.append(contentsOf: part(type: "text/plain", body: message.text))
            lines.append("--\(boundary)")
            lines.append(contentsOf: part(type: "text/html", body: html))
            lines.append("--\(boundary)--")
        } else {
            lines.append(contentsOf: part(type: "text/plain", body: message.text))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A Message-ID fit for a header: without brackets, and nothing that could end the header line.
    static func messageIDValue(_ id: String) -> String? {
        let bare = id.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
        guard !bare.isEmpty, bare.count <= 250, bare.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" })
        else { return nil }
        return bare
    }

    private static func part(type: String, body: String) -> [String] {
        var lines = ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        let encoded = Data(body.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        lines.append("")
        return lines
    }

    /// A display name: an encoded-word when not plain ASCII, quoted when it holds specials.
    static func displayName(_ name: String) -> String {
        let clean = name.filter { !$0.isNewline }
        if !clean.allSatisfy(\.isASCII) { return encodedWord(clean) }
        let escaped = clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    /// RFC 2047 encoded-words when the text is not plain ASCII: each word at most 75 characters (45 bytes of
    /// UTF-8, never splitting a character), folded onto continuation lines.
    public static func encodedWord(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text where !character.isNewline {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 && !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
