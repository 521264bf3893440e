import Foundation

/// CSV for spreadsheets (issue 8): UTF-8 with a byte-order mark so Excel and LibreOffice read Polish and Greek
/// text correctly, CRLF line ends, fields quoted per RFC 4180 when they hold a comma, quote or line break, and
/// cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) prefixed with `'`.
public enum CSVWriter {
    public static let byteOrderMark = "\u{FEFF}"

    public static func document(header: [String], rows: [[String]]) -> String {
        var lines = [line(header)]
        lines.append(contentsOf: rows.map(line))
        return byteOrderMark + lines.joined(separator: "\r\n") + "\r\n"
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }

    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
