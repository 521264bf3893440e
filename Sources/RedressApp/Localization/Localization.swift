import Foundation

/// The words of every page, per language (N2). Templates only ever print `{{t.key}}`; placeholders like `{shop}` are
/// filled in Swift. Customer pages and the profile: pl, en, es, el. The panel: pl, en.
package struct Localization: Sendable {
    package static let customerLanguages = ["pl", "en", "es", "el"]
    package static let panelLanguages = ["pl", "en"]

    package let language: String
    package let strings: [String: String]

    package init(_ language: String) {
        let chosen = Self.catalog[language] != nil ? language : "en"
        self.language = chosen
        // Missing keys fall back to English so a page never shows a raw key.
        strings = Self.merged[chosen]!
    }

    /// Every language's words, English filling any gap, merged once.
    private static let merged: [String: [String: String]] = Dictionary(uniqueKeysWithValues: catalog.keys.map { language in
        (language, catalog["en"]!.merging(complaintCatalog["en"]!) { $1 }.merging(reportCatalog["en"]!) { $1 }
            .merging(errorCatalog["en"]!) { $1 }.merging(panelErrorCatalog["en"]!) { $1 }.merging(deskCatalog["en"]!) { $1 }
            .merging(catalog[language] ?? [:]) { $1 }.merging(complaintCatalog[language] ?? [:]) { $1 }
            .merging(reportCatalog[language] ?? [:]) { $1 }.merging(errorCatalog[language] ?? [:]) { $1 }
            .merging(panelErrorCatalog[language] ?? [:]) { $1 }.merging(deskCatalog[language] ?? [:]) { $1 })
    })

    package func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = strings[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The words for `key`, or nil when no language has them (an error code without a translation).
    package func optional(_ key: String) -> String? { strings[key] }

    /// The language for a customer: `?lang=`, then the order's language, then Accept-Language, then the fallback.
    package static func choose(query: String?, preferred: String?, acceptLanguage: String?, among: [String],
                       fallback: String) -> String {
        if let query, among.contains(query) { return query }
        if let preferred, among.contains(preferred) { return preferred }
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let code = part.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            let base = String(code.prefix(2))
            if among.contains(base) { return base }
        }
        return among.contains(fallback) ? fallback : among[0]
    }

    package func date(_ date: Date, timeZone: TimeZone) -> String {
        date.formatted(Date.FormatStyle(date: .long, time: .shortened, locale: Locale(identifier: language),
                                        timeZone: timeZone))
    }

    package func day(_ date: Date, timeZone: TimeZone) -> String {
        date.formatted(Date.FormatStyle(date: .abbreviated, time: .omitted, locale: Locale(identifier: language),
                                        timeZone: timeZone))
    }

    package func number(_ value: Double, digits: Int = 1) -> String {
        value.formatted(.number.precision(.fractionLength(digits)).locale(Locale(identifier: language)))
    }
}
