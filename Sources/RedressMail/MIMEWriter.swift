import Foundation

/// Renders a `MailMessage` as an RFC 5322 / MIME document: UTF-8 headers encoded per RFC 2047, bodies in
/// base64, multipart/alternative when there is HTML.
public enum MIMEWriter {
    public static func render(_ message: MailMessage, messageID: String, date: Date, boundary: String? = nil) -> String {
        var lines: [String] = []
        lines.append("From: \(message.from)")
        lines.append("To: \(message.to.joined(separator: ", "))")
        if let replyTo = message.replyTo { lines.append("Reply-To: \(replyTo)") }
        lines.append("Subject: \(encodedWord(message.subject))")
        lines.append("Date: \(rfc5322Date(date))")
        lines.append("Message-ID: <\(messageID)>")
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

    /// An RFC 2047 encoded-word when the text is not plain ASCII.
    public static func encodedWord(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
