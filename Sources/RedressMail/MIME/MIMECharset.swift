import Foundation

/// The charsets incoming mail is read in (SPEC E11): UTF-8, US-ASCII, ISO-8859-1/2/7/15 and
/// Windows-1250/1252/1253, under the names mail programs write them.
public enum MIMECharset {
    /// The canonical name of a charset label (`"UTF8"`, `"latin2"`, `"cp1250"`, `"iso_8859-7"` …), or nil when
    /// Redress cannot read it.
    public static func canonical(_ label: String) -> String? {
        var name = label.trimmingASCIIWhitespace().lowercased()
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        name = name.replacingOccurrences(of: "_", with: "-")
        switch name {
        case "utf-8", "utf8": return "utf-8"
        case "us-ascii", "ascii", "ansi-x3.4-1968", "646", "us": return "us-ascii"
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "cp819": return "iso-8859-1"
        case "iso-8859-2", "iso8859-2", "latin2", "latin-2", "l2", "iso-ir-101": return "iso-8859-2"
        case "iso-8859-7", "iso8859-7", "greek", "greek8", "iso-ir-126", "elot-928": return "iso-8859-7"
        case "iso-8859-15", "iso8859-15", "latin9", "latin-9", "l9": return "iso-8859-15"
        case "windows-1250", "cp1250", "x-cp1250", "win-1250": return "windows-1250"
        case "windows-1252", "cp1252", "x-cp1252", "win-1252": return "windows-1252"
        case "windows-1253", "cp1253", "x-cp1253", "win-1253": return "windows-1253"
        default: return nil
        }
    }

    /// Decodes `bytes` in the charset `label`; bytes the charset does not define become U+FFFD. Nil when the
    /// charset is unknown (the caller records that and falls back to UTF-8).
    public static func decode<Bytes: Collection>(_ bytes: Bytes, label: String) -> String? where Bytes.Element == UInt8 {
        guard let name = canonical(label) else { return nil }
        switch name {
        case "utf-8":
            return String(decoding: bytes, as: UTF8.self)
        case "us-ascii":
            return String(String.UnicodeScalarView(bytes.map { $0 < 0x80 ? Unicode.Scalar($0) : "\u{FFFD}" }))
        case "iso-8859-1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            guard let upper = upperHalves[name] else { return nil }
            return String(String.UnicodeScalarView(bytes.map {
                $0 < 0x80 ? Unicode.Scalar($0) : Unicode.Scalar(upper[Int($0) - 0x80]) ?? "\u{FFFD}"
            }))
        }
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self)[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" {
            scalars = scalars.dropFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" {
            scalars = scalars.dropLast()
        }
        return String(scalars)
    }
}
