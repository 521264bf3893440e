import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// What a public or customer page's layout needs.
struct PublicChrome: Sendable, Encodable {
    var title: String
    var lang: String
    var csrf: String
    var t: [String: String]
    /// Links to the same page in the other languages.
    var languages: [LanguageLink]
}

struct LanguageLink: Sendable, Encodable {
    var code: String
    var name: String
    var href: String
    var current: Bool
}

/// One version of a review as every page lists it (R9): newest first, labelled with its number and date.
struct VersionItem: Sendable, Encodable {
    var label: String
    var stars: Stars
    var title: String?
    var body: String
    var current: Bool

    init(number: Int, rating: Int, title: String?, body: String, createdAt: Date, currentVersion: Int,
         _ t: Localization, zone: TimeZone) {
        label = t("version_n", ["n": String(number), "date": t.date(createdAt, timeZone: zone)])
        stars = Stars(rating, t)
        self.title = title
        self.body = body
        current = number == currentVersion
    }

    static func newestFirst(_ versions: [ReviewVersionRecord], currentVersion: Int, _ t: Localization,
                            zone: TimeZone) -> [VersionItem] {
        versions.reversed().map {
            VersionItem(number: $0.number, rating: $0.rating, title: $0.title, body: $0.body, createdAt: $0.createdAt,
                        currentVersion: currentVersion, t, zone: zone)
        }
    }
}

/// A field error for the form summary.
struct FieldError: Sendable, Encodable {
    var field: String
    var message: String
}

extension Localization {
    /// The panel's language: `?lang=`, then the remembered choice, then Accept-Language; Polish or English.
    static func forPanel(_ request: Request) -> Localization {
        Localization(choose(query: request.uri.queryParameters.get("lang"), preferred: request.cookies["redress_lang"]?.value,
                            acceptLanguage: request.headers[.acceptLanguage], among: panelLanguages, fallback: "en"))
    }

    /// A visitor's language (customer pages, profile, error pages): `?lang=`, then `preferred` (the order's
    /// language), then Accept-Language, then `fallback`.
    static func forVisitor(_ request: Request, preferred: String?, fallback: String = "en") -> Localization {
        Localization(choose(query: request.uri.queryParameters.get("lang"), preferred: preferred,
                            acceptLanguage: request.headers[.acceptLanguage], among: customerLanguages,
                            fallback: fallback))
    }

    static let names = ["pl": "Polski", "en": "English", "es": "Español", "el": "Ελληνικά"]

    func languageLinks(path: String, among: [String]) -> [LanguageLink] {
        among.map { LanguageLink(code: $0, name: Self.names[$0] ?? $0, href: "\(path)?lang=\($0)", current: $0 == language) }
    }
}

extension CSRF {
    /// A token chosen for the request being answered, so the page and its cookie carry the same one.
    @TaskLocal static var chosen: String?

    /// The anonymous double-submit token for pages without a session (login, customer pages): the existing cookie's
    /// value, or a new one to set.
    static func anonymousToken(_ request: Request) -> (token: String, isNew: Bool) {
        if let existing = request.cookies[SessionCookie.csrfName]?.value, existing.count >= 20 {
            return (existing, false)
        }
        return (chosen ?? SecureToken.make(bytes: 24), true)
    }

    /// Answers a page for a visitor without a session: one token for the form and for the cookie set with it.
    static func withAnonymousToken(_ request: Request, secure: Bool, _ body: () async throws -> Response)
        async rethrows -> Response
    {
        let (token, isNew) = anonymousToken(request)
        var response = try await $chosen.withValue(token) { try await body() }
        if isNew { response.setCookie(cookie(token, secure: secure)) }
        return response
    }

    static func cookie(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: SessionCookie.csrfName, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
