import Foundation
import Testing

/// Compares a page with its stored snapshot in `__Snapshots__/NAME.html`, after replacing what changes from run to
/// run (ids, tokens, CSRF values, request ids). A missing snapshot is written and the test fails once, so a new page
/// is looked at before it is accepted; `SNAPSHOT_RECORD=1` rewrites them all.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")

    static func normalize(_ html: String) -> String {
        var text = html
        let rules: [(String, String)] = [
            (#"(?<![A-Za-z0-9])(shp|stf|rev|dlg|ord|key|msg|lnk|aud|rvv|itm|rpt|dl|lf|cmp|cms|cit|att|dec|tpl|evt|stk|wha|whk)_[A-Za-z0-9_-]{16}"#, "<$1-id>"),
            (#"/(r|c)/[A-Za-z0-9_-]{40,}"#, "/$1/<token>"),
            (#"name="_csrf" value="[^"]*""#, #"name="_csrf" value="<csrf>""#),
            (#"name="submission" value="[A-Za-z0-9_-]{22}"#, #"name="submission" value="<once>"#),
            (#"request [0-9a-f]{20,32}"#, "request <request-id>"),
            (#"rk_[A-Za-z0-9_-]{40,}"#, "rk_<secret>"),
        ]
        for (pattern, replacement) in rules {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }

    static func check(_ html: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = directory.appendingPathComponent("\(name).html")
        let actual = normalize(html)
        let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
        if record || !FileManager.default.fileExists(atPath: file.path) {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: file, atomically: true, encoding: .utf8)
            if !record { Issue.record("recorded a new snapshot \(name); look at it and run again", sourceLocation: sourceLocation) }
            return
        }
        let expected = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let index = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(expectedLines.count, actualLines.count)
            let want = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
            let got = index < actualLines.count ? String(actualLines[index]) : "<end>"
            Issue.record("snapshot \(name) differs at line \(index + 1):\n  expected: \(want)\n  actual:   \(got)",
                         sourceLocation: sourceLocation)
        }
    }
}
