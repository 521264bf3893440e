import Foundation

/// CSV for spreadsheets (issue 8): UTF-8 with a byte-order mark so Excel and LibreOffice read Polish and Greek
/// text correctly, CRLF line ends, fields quoted per RFC 4180 when they hold a comma, quote or line break, and
/// cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first, also after leading tabs, carriage
/// returns, line feeds or spaces, and any cell starting with a tab or carriage return) prefixed with `'`.
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
        if isFormula(text) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Whether a spreadsheet could read the cell as a formula; plain numbers such as `-3.5` are not.
    static func isFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        if first == "\t" || first == "\r" { return true }
        let start = text.unicodeScalars.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let lead = start.first, "=+-@".unicodeScalars.contains(lead) else { return false }
        return Double(text) == nil
    }
}
