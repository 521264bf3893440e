import Foundation
import RedressCore
import RedressTestSupport
import Testing

/// Issue 8 groundwork: the SVG charts and the CSV files reports will use, checked against independent readers
/// (Python's XML parser and its `csv` module).
@Suite("Report rendering: SVG charts and CSV")
struct ReportRenderingTests {
    /// Runs a Python snippet with `input` on standard input and returns what it printed.
    static func python(_ code: String, input: String) throws -> String {
        let (_, data) = try ChildProcess.run(["python3", "-c", code], input: Data(input.utf8))
        return String(decoding: data, as: UTF8.self)
    }

    @Test func barAndLineChartsAreWellFormedAccessibleAndEscaped() throws {
        let bars = SVGChart.bars(
            title: "Reklamacje według kategorii", description: "Uszkodzone w transporcie 12, wadliwe 7, <script> 1",
            bars: [.init(label: "Uszkodzone w transporcie", value: 12), .init(label: "Ελαττωματικό", value: 7),
                   .init(label: "<script>alert(1)</script>", value: 1), .init(label: "Brak", value: 0)])
        Snapshot.check(bars, "chart-bars")
        let lines = SVGChart.lines(
            title: "Median first response (hours)", description: "Business hours and calendar hours by month",
            labels: ["2026-09", "2026-10", "2026-11"],
            series: [.init(name: "calendar hours", points: [20, 14.5, 9]), .init(name: "business hours", points: [6, 5, 3])])
        Snapshot.check(lines, "chart-lines")
        for svg in [bars, lines] {
            #expect(svg.contains("<title id=\"chart-t\">") && svg.contains("<desc id=\"chart-d\">") && svg.contains("role=\"img\""))
            #expect(svg.contains("aria-labelledby=\"chart-t chart-d\""))
            #expect(!svg.contains("<script>"))
            let parsed = try Self.python("import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.read()); "
                                    + "print(d.documentElement.tagName, len(d.getElementsByTagName('title')))", input: svg)
            #expect(parsed.trimmingCharacters(in: .whitespacesAndNewlines) == "svg 1", "well-formed XML: \(parsed)")
        }
        #expect(lines.contains("stroke-dasharray"), "the second series differs by pattern, not only by colour")
    }

    @Test func csvRoundTripsThroughPythonWithPolishAndGreekText() throws {
        let rows = [
            ["2026-11", "Zażółć gęślą jaźń", "12", "Καλημέρα, κόσμε"],
            ["2026-10", "quote \" and, comma", "0", "line\nbreak"],
            ["2026-09", "=HYPERLINK(\"x\")", "-3", "+48 600"],
        ]
        let document = CSVWriter.document(header: ["month", "text", "count", "note"], rows: rows)
        #expect(document.hasPrefix("\u{FEFF}month,"), "UTF-8 with a byte-order mark for spreadsheets")
        let json = try Self.python("""
            import sys, csv, io, json
            text = sys.stdin.buffer.read().decode('utf-8-sig')
            print(json.dumps(list(csv.reader(io.StringIO(text, newline='')))))
            """, input: document)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]]
        #expect(parsed?.first == ["month", "text", "count", "note"])
        #expect(parsed?[1] == rows[0] && parsed?[2] == rows[1])
        #expect(parsed?[3] == ["2026-09", "'=HYPERLINK(\"x\")", "-3", "'+48 600"], "formulas are neutralised, numbers kept")
    }

    @Test("cells starting with a tab or carriage return, or a formula after them, are neutralised (issue 15, item 12)")
    func formulasBehindWhitespace() {
        for cell in ["\t=1+1", "\r=1+1", "\r\n=cmd|' /C calc'!A0", "\n@SUM(A1)", " -2+3", "\t", "\rtext"] {
            #expect(CSVWriter.field(cell).hasPrefix("'") || CSVWriter.field(cell).hasPrefix("\"'"), "\(cell.debugDescription)")
        }
        for cell in ["-3.5", "text", "", " plain", "2026-11"] {
            #expect(!CSVWriter.field(cell).contains("'"), "\(cell.debugDescription)")
        }
    }
}
