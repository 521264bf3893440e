import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressMail
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import SQLKit
import Testing

/// Drives the reviews API like an integration, a customer and a shop would, on one test app.
struct ReviewScenario: Sendable {
    let client: any TestClientProtocol
    let app: TestApp
    let shop: SeededShop

    var keyHeaders: HTTPFields { [.authorization: "Bearer \(shop.apiKey)", .contentType: "application/json"] }

    @discardableResult
    func api(_ method: HTTPRequest.Method, _ uri: String, _ body: [String: Any]? = nil, key: String? = nil)
        async throws -> TestResponse
    {
        var headers = keyHeaders
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map(jsonBody))
    }

    @discardableResult
    func customer(_ method: HTTPRequest.Method, _ token: String, _ path: String = "", _ body: [String: Any]? = nil)
        async throws -> TestResponse
    {
        try await client.execute(uri: "/api/v1/customer/\(token)\(path)", method: method,
                                 headers: [.contentType: "application/json"], body: body.map(jsonBody))
    }

    func advance(_ duration: String) async throws {
        let response = try await client.execute(uri: "/api/v1/test-clock", method: .post,
                                                headers: [.contentType: "application/json"],
                                                body: jsonBody(["advanceBy": duration]))
        #expect(response.status == .ok, "\(response.text)")
    }

    static var iso: ISO8601DateFormatter { ISO8601DateFormatter() }

    /// An order delivered now, and a review link for it.
    func orderWithLink(_ externalId: String, email: String = "klient@example.com", product: String = "P-1",
                       locale: String = "pl") async throws -> String {
        let now = app.clock.now()
        let created = try await api(.post, "/api/v1/orders", [
            "externalId": externalId, "placedAt": Self.iso.string(from: now.addingTimeInterval(-86_400)),
            "customer": ["email": email, "name": "Jan Kowalski", "locale": locale],
            "items": [["productId": product, "name": "Kubek", "quantity": 1, "unitPrice": 19.99, "currency": "PLN"]],
            "deliveredAt": Self.iso.string(from: now),
        ])
        #expect(created.status == .created, "\(created.text)")
        let link = try await api(.post, "/api/v1/orders/\(externalId)/review-invitation")
        #expect(link.status == .created, "\(link.text)")
        return try #require(link.json["token"] as? String)
    }

    /// The token of the newest case link Redress mailed to `email` (read from the mail as stored for delivery), for
    /// `order` when given: the customer's own link, which the shop never sees (S3).
    func mailedToken(to email: String = "klient@example.com", order: String? = nil) async throws -> String {
        let sql = app.services.database.sql
        let rows = try await sql.sqlDatabase.raw(
            "SELECT payload FROM outbox WHERE channel = 'email' ORDER BY created_at DESC").all()
        for row in rows {
            let mail = try JSONDecoder().decode(MailMessage.self,
                                                from: Data(try row.decode(column: "payload", as: String.self).utf8))
            guard mail.to == [email] else { continue }
            for token in Self.tokens(in: mail.text, after: "/c/") {
                guard let order else { return token }
                let owner = try await sql.sqlDatabase.raw("""
                    SELECT o.external_id AS id FROM customer_links l JOIN orders o ON o.id = l.order_id
                    WHERE l.token_hash = \(bind: SecretHash.of(token))
                    """).first()?.decode(column: "id", as: String.self)
                if owner == order { return token }
            }
        }
        Issue.record("no mail to \(email) with a case link")
        return ""
    }

    /// An anonymous form page: its CSRF cookie (as a `Cookie` header) and the token in the form.
    func anonymousForm(_ path: String, language: String = "en") async throws
        -> (cookie: String, csrf: String, page: TestResponse)
    {
        let page = try await client.execute(uri: path, method: .get, headers: [.acceptLanguage: language])
        #expect(page.status == .ok, "\(path): \(page.status)")
        let cookie = try #require(cookieValue(page, SessionCookie.csrf))
        return ("\(SessionCookie.csrf)=\(cookie)", try #require(hiddenCSRF(in: page.text)), page)
    }

    /// Posts a form as a browser would.
    func postForm(_ path: String, cookie: String, _ fields: [(String, String)], language: String = "en") async throws
        -> TestResponse
    {
        let body = fields.map { "\($0.0.formEncoded)=\($0.1.formEncoded)" }.joined(separator: "&")
        return try await client.execute(uri: path, method: .post,
                                        headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded",
                                                  .acceptLanguage: language],
                                        body: ByteBuffer(string: body))
    }

    /// The tokens of every link under `path` (`/c/`, `/login/reset/`) in a text.
    static func tokens(in text: String, after path: String) -> [String] {
        text.components(separatedBy: path).dropFirst().map {
            String($0.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }.filter { !$0.isEmpty }
    }

    /// The text of every base64 part of a mail as our writer produces it.
    static func decodedBodies(_ eml: String) -> String {
        eml.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n").dropFirst().compactMap { part in
            let encoded = part.components(separatedBy: "\r\n\r\n").first?.replacingOccurrences(of: "\r\n", with: "")
            return encoded.flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) }
        }.joined(separator: "\n")
    }

    /// The token of a link URL such as a complaint's `statusUrl`.
    static func token(of url: String) -> String {
        guard let range = url.range(of: "/c/") else { return "" }
        return String(url[range.upperBound...].prefix { $0 != "/" && $0 != "?" })
    }

    /// Writes a review through the customer's link and returns its id.
    func review(_ token: String, rating: Int, body: String = "The parcel arrived late and the mug was chipped.")
        async throws -> (id: String, status: String)
    {
        let response = try await customer(.post, token, "/review", ["rating": rating, "title": "Order", "body": body])
        #expect(response.status == .created, "\(response.text)")
        return (try #require(response.json["reviewId"] as? String), try #require(response.json["status"] as? String))
    }

    func status(of reviewId: String) async throws -> [String: Any] {
        let response = try await api(.get, "/api/v1/reviews/\(reviewId)")
        #expect(response.status == .ok)
        return response.json
    }

    func summary() async throws -> [String: Any] {
        let response = try await client.execute(uri: "/api/v1/public/shops/\(shop.slug)/summary", method: .get)
        #expect(response.status == .ok)
        return response.json
    }

    func publicReviewIDs() async throws -> [String] {
        let response = try await client.execute(uri: "/api/v1/public/shops/\(shop.slug)/reviews", method: .get)
        // A failed request must fail the test, not pass an "is not public" expectation with an empty list.
        #expect(response.status == .ok, "public reviews: \(response.status)")
        let items = try #require(response.json["items"] as? [[String: Any]], "public reviews: \(response.text.prefix(200))")
        return items.compactMap { $0["id"] as? String }
    }

    /// The public counters must equal a recount from the raw rows (R13).
    func expectCountersMatchRecount() async throws {
        let sql = app.services.database.sql
        let shopID = ShopID(shop.id)
        let start = HoldPolicy().statisticsStart(now: app.clock.now(), timeZone: TimeZone(identifier: "Europe/Warsaw")!)
        let day = ReviewRecord.statsDay(start)
        let counters = try await ReviewStatsStore().summary(shop: shopID, sinceDay: day, on: sql)
        let recount = try await ReviewStatsStore().recount(shop: shopID, sinceDay: day, since: start, on: sql)
        #expect(counters == recount)
        // The reports' per-hour counters (issue 8) equal a recount from the rows too.
        let hourly = try await ReviewStatsStore().hourlyCounters(shop: shopID, recount: false, on: sql)
        #expect(hourly == (try await ReviewStatsStore().hourlyCounters(shop: shopID, recount: true, on: sql)))
        #expect(hourly.values.reduce(0, +) == (try await sql.sqlDatabase.raw(
            "SELECT COUNT(*) AS n FROM reviews WHERE shop_id = \(bind: shopID.rawValue)").first()?.decode(column: "n", as: Int.self)))
        try await app.expectReportRollupsMatchRecount(shop: shop.id)
    }
}

extension TestApp {
    /// The daily report roll-ups of complaints and dialogs kept by the write path equal a recount from the rows
    /// (issue 8), and say something: a shop with complaints or dialogs has counters.
    func expectReportRollupsMatchRecount(shop: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await ReportRollupStore().verify(shop: ShopID(shop), on: services.database.sql)
        #expect(result.differences == [], sourceLocation: sourceLocation)
        // A shop with complaints or dialogs has counters to compare.
        let subjects = try await services.database.sql.sqlDatabase.raw("""
            SELECT (SELECT COUNT(*) FROM complaints WHERE shop_id = \(bind: shop))
                 + (SELECT COUNT(*) FROM dialogs WHERE shop_id = \(bind: shop)) AS n
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        if subjects > 0 { #expect(result.counters > 0, sourceLocation: sourceLocation) }
    }
}

extension TestApp {
    /// Runs a scenario on a fresh app with one shop.
    static func scenario(
        _ engine: Engine, configure: (inout AppConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (ReviewScenario) async throws -> Void
    ) async throws {
        let app = try await TestApp.make(engine, configure: configure)
        try await app.test { client in
            let shop = try await client.createShop("sklep")
            try await body(ReviewScenario(client: client, app: app, shop: shop))
        }
    }
}
