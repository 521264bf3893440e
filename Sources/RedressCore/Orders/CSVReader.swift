import Foundation

/// A small RFC 4180 reader: UTF-8 with or without BOM, comma or semicolon (detected from the header line),
/// quoted fields with doubled quotes and line breaks inside. Records carry the line they start on.
public struct CSVReader: Sequence {
    public struct Record: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    private let scalars: [Unicode.Scalar]
    public let delimiter: Unicode.Scalar

    public init(_ text: String) {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = body.dropFirst() }
        scalars = Array(body.unicodeScalars)
        delimiter = CSVReader.detectDelimiter(scalars)
    }

    /// The delimiter that occurs more often outside quotes in the first line.
    static func detectDelimiter(_ scalars: [Unicode.Scalar]) -> Unicode.Scalar {
        var commas = 0
        var semicolons = 0
        var quoted = false
        for scalar in scalars {
            if scalar == "\"" { quoted.toggle() }
            if quoted { continue }
            if scalar == "\n" || scalar == "\r" { break }
            if scalar == "," { commas += 1 }
            if scalar == ";" { semicolons += 1 }
        }
        return semicolons > commas ? ";" : ","
    }

    public func makeIterator() -> Iterator { Iterator(scalars: scalars, delimiter: delimiter) }

    public struct Iterator: IteratorProtocol {
        let scalars: [Unicode.Scalar]
        let delimiter: Unicode.Scalar
        var index = 0
        var line = 1

        public mutating func next() -> Record? {
            // Skip blank lines between records.
            while index < scalars.count, scalars[index] == "\n" || scalars[index] == "\r" {
                if scalars[index] == "\n" { line += 1 }
                index += 1
            }
            guard index < scalars.count else { return nil }
            let startLine = line
            var fields: [String] = []
            var field = String.UnicodeScalarView()
            var quoted = false
            var wasQuoted = false
            while index < scalars.count {
                let scalar = scalars[index]
                if quoted {
                    if scalar == "\"" {
                        if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                            field.append("\"")
                            index += 2
                            continue
                        }
                        quoted = false
                        index += 1
                        continue
                    }
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                    index += 1
                    continue
                }
                if scalar == "\"" && field.isEmpty && !wasQuoted {
                    quoted = true
                    wasQuoted = true
                    index += 1
                } else if scalar == delimiter {
                    fields.append(String(field))
                    field = String.UnicodeScalarView()
                    wasQuoted = false
                    index += 1
                } else if scalar == "\r" || scalar == "\n" {
                    if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                    index += 1
                    line += 1
                    break
                } else {
                    field.append(scalar)
                    index += 1
                }
            }
            fields.append(String(field))
            return Record(line: startLine, fields: fields)
        }
    }
}
