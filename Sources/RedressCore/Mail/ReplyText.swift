import Foundation

/// E6: the customer's new text of a reply by e-mail, with the quoted earlier mail and the signature cut. The forms
/// are those mail programs write in pl/en/es/el (CHANNELS.md): our own "reply above this line" marker, attribution
/// lines (`On … wrote:`, `W dniu … pisze:`, `… napisał(a):`, `El … escribió:`, `Στις … έγραψε:`), Outlook's
/// header blocks (`From/Od/De/Από:` with `Sent/Wysłane/Enviado/Στάλθηκε:` …), `-----Original Message-----` and its
/// translations, `>` quotes, the `-- ` signature line and the phones' "Sent from" lines. Unquoted lines after a
/// quote are the customer's (a reply written between quoted lines) and are kept; the original is always stored
/// next to the result.
public enum ReplyText {
    /// The line above which a customer writes a reply (E3), in the languages Redress writes mail in.
    public static let markers: [String: String] = [
        "pl": "—— Prosimy pisać odpowiedź nad tą linią ——",
        "en": "—— Please write your reply above this line ——",
        "es": "—— Escriba su respuesta encima de esta línea ——",
        "el": "—— Γράψτε την απάντησή σας πάνω από αυτή τη γραμμή ——",
    ]

    public static func marker(language: String) -> String {
        markers[String(language.prefix(2)).lowercased()] ?? markers["en"]!
    }

    public struct Result: Equatable, Sendable {
        /// The new text, trimmed; "" when the mail held nothing but quotes.
        public var text: String
        /// Whether anything was cut.
        public var cut: Bool

        public init(text: String, cut: Bool) {
            self.text = text
            self.cut = cut
        }
    }

    public static func strip(_ mail: String) -> Result {
        let original = mail.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // 1. Everything from a hard cut on is the earlier mail (Outlook quotes without `>`).
        if let cut = lines.indices.first(where: { isHardCut(lines, $0) }) {
            var start = cut
            // A separator line or an attribution right above belongs to it.
            var above = previousNonBlank(lines, before: start)
            if let line = above, isSeparator(lines[line]) { start = line; above = previousNonBlank(lines, before: line) }
            if let line = above, let first = attributionStart(lines, endingAt: line) { start = first }
            lines = Array(lines[..<start])
        }
        // 2. Quoted lines go, with the attribution that introduces them; unquoted lines stay wherever they are.
        var kept: [String] = []
        var index = 0
        while index < lines.count {
            if isQuoted(lines[index]) {
                // Drop an attribution (and the blank lines) just above this quote block.
                var end = kept.count
                while end > 0 && isBlank(kept[end - 1]) { end -= 1 }
                if end > 0, let first = attributionStart(kept, endingAt: end - 1) { kept.removeSubrange(first...) }
                while index < lines.count && (isQuoted(lines[index]) || (isBlank(lines[index])
                    && nextNonBlank(lines, after: index).map { isQuoted(lines[$0]) } == true)) {
                    index += 1
                }
                if !kept.isEmpty && !isBlank(kept.last!) { kept.append("") }
                continue
            }
            kept.append(lines[index])
            index += 1
        }
        // An attribution left at the very end (its quote was cut at step 1, or the quote was empty).
        var end = kept.count
        while end > 0 && isBlank(kept[end - 1]) { end -= 1 }
        if end > 0, let first = attributionStart(kept, endingAt: end - 1) { kept.removeSubrange(first...) }
        // 3. The signature: from the last "-- " line (a short block at the end), then the phones' lines.
        if let dash = kept.lastIndex(where: { $0 == "-- " || $0 == "--" }), kept.count - dash <= 12 {
            kept.removeSubrange(dash...)
        }
        while let last = kept.lastIndex(where: { !isBlank($0) }), isDeviceSignature(kept[last]) {
            kept.removeSubrange(last...)
        }
        // 4. Blank lines at the ends go; runs of blank lines left by the cuts become one.
        var result: [String] = []
        for line in kept {
            let trimmedRight = line.replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
            if trimmedRight.isEmpty && (result.isEmpty || result.last!.isEmpty) { continue }
            result.append(trimmedRight)
        }
        while result.last?.isEmpty == true { result.removeLast() }
        let text = result.joined(separator: "\n")
        let whole = original.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression) }
            .drop { $0.isEmpty }.reversed().drop { $0.isEmpty }.reversed().joined(separator: "\n")
        return Result(text: text, cut: text != whole)
    }

    // MARK: - Line forms

    private static func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }

    private static func isQuoted(_ line: String) -> Bool {
        line.drop { $0 == " " || $0 == "\t" }.first == ">"
    }

    private static func previousNonBlank(_ lines: [String], before index: Int) -> Int? {
        var line = index - 1
        while line >= 0 && isBlank(lines[line]) { line -= 1 }
        return line >= 0 ? line : nil
    }

    private static func nextNonBlank(_ lines: [String], after index: Int) -> Int? {
        var line = index + 1
        while line < lines.count && isBlank(lines[line]) { line += 1 }
        return line < lines.count ? line : nil
    }

    /// A line of underscores or dashes only (Outlook's rule above its header block).
    private static func isSeparator(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= 8 && trimmed.allSatisfy { $0 == "_" || $0 == "-" || $0 == "—" }
    }

    private static func folded(_ line: String) -> String {
        line.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "*", with: "")
    }

    private static let originalMessage = try! NSRegularExpression(
        pattern: #"^-{2,}\s*(original message|wiadomość oryginalna|oryginalna wiadomość|mensaje original|αρχικό μήνυμα)\s*-{2,}$"#,
        options: [.caseInsensitive])

    private static let fromLabels = ["from:", "od:", "de:", "από:"]
    private static let otherLabels = ["sent:", "date:", "to:", "subject:", "cc:", "wysłane:", "wysłano:", "data:",
                                      "do:", "temat:", "dw:", "kopia:", "enviado:", "enviado el:", "fecha:", "para:",
                                      "asunto:", "στάλθηκε:", "ημερομηνία:", "προς:", "θέμα:", "κοιν.:"]

    private static func label(_ line: String) -> String? {
        let text = folded(line)
        return (fromLabels + otherLabels).first { text.hasPrefix($0) }
    }

    /// Our marker, `-----Original Message-----`, or an Outlook header block: a From label and at least two other
    /// labels on the lines that follow it (a customer's own "Od: poniedziałku…" is one label, not a block).
    private static func isHardCut(_ lines: [String], _ index: Int) -> Bool {
        let line = lines[index]
        // Our marker unquoted (Outlook quotes without `>`); a quoted one goes with its quote, and what the customer
        // wrote between the quoted lines stays.
        if !isQuoted(line), markers.values.contains(where: { line.contains($0) }) { return true }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if originalMessage.firstMatch(in: trimmed, range: NSRange(trimmed.startIndex..., in: trimmed)) != nil {
            return true
        }
        guard let first = label(line) else { return false }
        var labels: Set<String> = [first]
        var next = index + 1
        while next < lines.count && next <= index + 6, let found = label(lines[next]) {
            labels.insert(found)
            next += 1
        }
        return labels.contains(where: fromLabels.contains) && labels.count >= 3
    }

    private static let attributionEndings = ["wrote:", "writes:", "pisze:", "napisał(a):", "napisał:", "napisała:",
                                             "escribió:", "έγραψε:"]
    private static let attributionOpeners = ["on ", "w dniu ", "dnia ", "el ", "στις ", "wiadomość napisana przez "]

    /// The first line of an attribution that ends on `line`: one line ending as attributions end (or Apple
    /// Mail's Polish "Wiadomość napisana przez … :"), or up to three lines when a long one was wrapped.
    private static func attributionStart(_ lines: [String], endingAt line: Int) -> Int? {
        let last = folded(lines[line])
        let endsLikeOne = attributionEndings.contains { last.hasSuffix($0) }
            || (last.hasSuffix(":") && last.hasPrefix("wiadomość napisana przez "))
        guard endsLikeOne else { return nil }
        if attributionOpeners.contains(where: last.hasPrefix) { return line }
        for back in 1...2 where line - back >= 0 {
            let earlier = folded(lines[line - back])
            if earlier.isEmpty { break }
            if attributionOpeners.contains(where: earlier.hasPrefix) { return line - back }
        }
        // Gmail's Polish form begins with the date ("pon., 7 gru 2026 o 20:01 … napisał(a):"): a long line with a
        // number in it, or the ending alone on a line after one (wrapped).
        if line > 0, last.count < 25, folded(lines[line - 1]).contains(where: \.isNumber) { return line - 1 }
        return last.count >= 25 && last.contains(where: \.isNumber) ? line : nil
    }

    private static let deviceSignatures: [String] = [
        "sent from my iphone", "sent from my ipad", "sent from my android", "sent from my samsung galaxy",
        "sent from mail for windows", "get outlook for ios", "get outlook for android",
        "wysłane z iphone'a", "wysłano z iphone'a", "wysłane z mojego iphone'a", "wysłano z mojego iphone’a",
        "wysłano z mojego iphone'a", "wysłane z mojego smartfonu samsung galaxy", "pobierz aplikację outlook dla systemu ios",
        "pobierz aplikację outlook dla systemu android", "wysłane z aplikacji poczta onet", "wysłane z aplikacji wp poczta",
        "enviado desde mi iphone", "enviado desde mi ipad", "enviado desde mi dispositivo samsung",
        "obtener outlook para ios", "obtener outlook para android",
        "στάλθηκε από το iphone μου", "στάλθηκε από το ipad μου", "λήψη του outlook για ios", "λήψη του outlook για android",
    ]

    private static func isDeviceSignature(_ line: String) -> Bool {
        var text = folded(line)
        // "Get Outlook for iOS<https://aka.ms/o0ukef>"
        if let bracket = text.firstIndex(of: "<") { text = String(text[..<bracket]).trimmingCharacters(in: .whitespaces) }
        return deviceSignatures.contains(text)
    }
}
