import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// Issue 9, security suite: every operation of `/openapi.json` (so a new route joins the matrix by being
/// registered) called without credentials, with another shop's API key on this shop's resources, with a viewer's
/// session, with the wrong kind of credential, and every customer-link operation with a tampered and an expired link.
/// Never a 2xx, never another shop's data.
@Suite("Security matrix over every API route")
struct SecurityMatrixTests {
    /// Bodies that would be accepted if the caller were allowed, so that a refusal cannot hide behind a 422.
    static func body(_ method: String, _ path: String, ids: [String: String]) -> [String: Any]? {
        guard method != "GET" && method != "DELETE" else { return nil }
        switch path {
        case let path where path.hasSuffix("/decision"): return ["outcome": "accepted", "remedy": "refund"]
        case let path where path.hasSuffix("/messages") || path.hasSuffix("/notes") || path.hasSuffix("/reply"):
            return ["body": "Wiadomość testowa"]
        case let path where path.hasSuffix("/status"): return ["status": "in_progress"]
        case let path where path.hasSuffix("/assign"): return ["staffId": NSNull(), "references": [ids["reference"]!]]
        case let path where path.hasSuffix("/priority"): return ["priority": "high", "urgent": true]
        case let path where path.hasSuffix("/merge"): return ["into": "RC-2026-000099"]
        case let path where path.hasSuffix("/report"): return ["reason": "Spam"]
        case let path where path.hasSuffix("/delivery"): return ["deliveredAt": "2026-11-02T10:00:00Z"]
        case let path where path.hasSuffix("/availability"): return ["available": true, "categories": ["defective"]]
        case let path where path.hasSuffix("/moderation"): return ["decision": "remove", "reason": "Spam"]
        case let path where path.hasSuffix("/review"): return ["rating": 4, "title": "Ok", "body": "Wszystko w porządku."]
        case let path where path.hasSuffix("/withdraw"): return ["reason": "resolved"]
        case let path where path.hasSuffix("/appeal"): return ["statement": "Nie zgadzam się."]
        default: return [:]
        }
    }

    @Test("no credentials, another shop's key, a viewer, the wrong credential, tampered and expired links",
          arguments: Engine.available)
    func matrix(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            // Shop "sklep" with one of everything; shop "inny" with its own key and nothing else.
            var token = try await s.orderWithLink("A-1")
            let review = try await s.review(token, rating: 2)
            token = try await s.mailedToken(order: "A-1")
            let dialog = try #require(try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog").json["dialogId"] as? String)
            #expect(try await s.api(.post, "/api/v1/dialogs/\(dialog)/messages", ["body": "Przepraszamy"]).status == .created)
            let reference = try #require(try await s.fileComplaint("A-2")["reference"] as? String)
            let template = try #require(try await s.api(.post, "/api/v1/complaint-templates", [
                "name": "Przyjęcie", "language": "pl", "body": "Dzień dobry {{customer.firstName}}.",
            ]).json["id"] as? String)
            let webhook = try #require(try await s.api(.post, "/api/v1/webhooks", [
                "url": "https://erp.example/hook", "events": ["*"],
            ]).json["id"] as? String)
            let staff = try await StaffStore().list(shop: ShopID(s.shop.id), on: s.app.services.database.sql)
            let owner = try await s.client.signIn("owner@sklep.test")
            let keys = try await s.client.execute(uri: "/api/v1/api-keys", method: .get, headers: [.cookie: owner.cookie])
            let keyId = try #require((keys.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            let ids = [
                "reviewId": review.id, "dialogId": dialog, "reference": reference, "templateId": template,
                "endpointId": webhook, "staffId": staff.first { $0.role == "owner" }!.id, "keyId": keyId,
                "externalId": "A-1", "attachmentId": "att_missing", "shopId": s.shop.id, "token": token, "slug": s.shop.slug,
                "address": "klient@example.com",
            ]
            let secrets = [review.id, dialog, "klient@example.com", "Przepraszamy", template, webhook]
            let other = try await s.client.createShop("inny")
            let viewer = try await s.client.signIn("viewer@sklep.test")

            let operations = try #require(try await s.client.execute(uri: "/openapi.json", method: .get)
                .json["paths"] as? [String: [String: Any]])
            var cases = 0
            for (template, methods) in operations.sorted(by: { $0.key < $1.key }) {
                var path = template
                for (name, value) in ids { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                #expect(!path.contains("{"), "a path parameter without a value in the matrix: \(template)")
                for (method, value) in methods {
                    let operation = value as? [String: Any] ?? [:]
                    let security = (operation["security"] as? [[String: Any]] ?? []).flatMap { $0.keys }
                    let verb = method.uppercased()
                    let body = Self.body(verb, template, ids: ids)
                    func send(_ headers: HTTPFields, to uri: String = path) async throws -> TestResponse {
                        var headers = headers
                        if body != nil { headers[.contentType] = "application/json" }
                        return try await s.client.execute(uri: uri, method: .init(rawValue: verb)!, headers: headers,
                                                          body: body.map(jsonBody))
                    }
                    func expectNoLeak(_ response: TestResponse, _ who: String) {
                        // The problem's `instance` repeats the path the caller sent; anything else is a leak.
                        let text = response.text.replacingOccurrences(of: path, with: "")
                        for secret in secrets {
                            #expect(!text.contains(secret), "\(verb) \(template) as \(who) shows \(secret)")
                        }
                        #expect(!response.text.contains("SQL") && !response.text.contains("Fatal error")
                                && !response.text.contains(".swift:"), "\(verb) \(template) as \(who): internals")
                    }
                    if security.contains("adminToken") {
                        let none = try await send([:])
                        #expect(none.status == .unauthorized, "\(verb) \(template) without credentials: \(none.status)")
                        let shopKey = try await send([.authorization: "Bearer \(s.shop.apiKey)"])
                        #expect([.unauthorized, .forbidden].contains(shopKey.status),
                                "\(verb) \(template) with a shop key: \(shopKey.status)")
                        cases += 2
                    } else if security.contains("shopApiKey") {
                        let none = try await send([:])
                        #expect(none.status == .unauthorized, "\(verb) \(template) without credentials: \(none.status)")
                        let admin = try await send([.authorization: "Bearer \(TestApp.adminToken)"])
                        #expect([.unauthorized, .forbidden].contains(admin.status),
                                "\(verb) \(template) with the admin token: \(admin.status)")
                        let foreign = try await send([.authorization: "Bearer \(other.apiKey)"])
                        if template.contains("{") {
                            // Another shop's resource does not exist for this key (403: owners' business, 405: reviews
                            // are never edited).
                            #expect([.notFound, .forbidden, .methodNotAllowed].contains(foreign.status),
                                    "\(verb) \(template) with another shop's key: \(foreign.status) \(foreign.text)")
                        }
                        expectNoLeak(foreign, "another shop")
                        if verb != "GET" {
                            let asViewer = try await send([.cookie: viewer.cookie, .init("X-CSRF-Token")!: viewer.csrf])
                            #expect([.forbidden, .methodNotAllowed].contains(asViewer.status),
                                    "\(verb) \(template) as a viewer: \(asViewer.status)")
                            cases += 1
                        }
                        cases += 3
                    } else if template.contains("{token}") {
                        var tampered = token
                        tampered.removeLast()
                        tampered.append(token.hasSuffix("A") ? "B" : "A")
                        let forged = try await send([:], to: template.replacingOccurrences(of: "{token}", with: tampered)
                            .replacingOccurrences(of: "{attachmentId}", with: "att_missing"))
                        #expect([.notFound, .unauthorized, .forbidden, .gone].contains(forged.status),
                                "\(verb) \(template) with a tampered link: \(forged.status)")
                        expectNoLeak(forged, "a tampered link")
                        cases += 1
                    }
                }
            }
            // Links expire (60 days): the same customer operations with the real token, after it expired.
            try await s.advance("P61D")
            for (template, methods) in operations where template.contains("{token}") {
                let path = template.replacingOccurrences(of: "{token}", with: token)
                    .replacingOccurrences(of: "{attachmentId}", with: "att_missing")
                for method in methods.keys {
                    let verb = method.uppercased()
                    let body = Self.body(verb, template, ids: ids)
                    let response = try await s.client.execute(
                        uri: path, method: .init(rawValue: verb)!, headers: body == nil ? [:] : [.contentType: "application/json"],
                        body: body.map(jsonBody))
                    #expect([.notFound, .unauthorized, .forbidden, .gone].contains(response.status),
                            "\(verb) \(template) with an expired link: \(response.status)")
                    cases += 1
                }
            }
            print("security matrix (\(engine)): \(operations.values.map(\.count).reduce(0, +)) operations, \(cases) cases")
            #expect(cases > 150)
        }
    }

    @Test("every panel form carries the CSRF token and is refused without it; security headers; body size limit")
    func formsHeadersAndLimits() async throws {
        try await TestApp.scenario(.sqlite) { s in
            var token = try await s.orderWithLink("A-1")
            let review = try await s.review(token, rating: 2)
            token = try await s.mailedToken(order: "A-1")
            let dialog = try #require(try await s.api(.post, "/api/v1/reviews/\(review.id)/dialog").json["dialogId"] as? String)
            let reference = try #require(try await s.fileComplaint("A-2")["reference"] as? String)
            let owner = try await s.client.signIn("owner@sklep.test")
            var forms = 0
            for page in ["/panel/dialogs", "/panel/dialogs/\(dialog)", "/panel/reviews", "/panel/reviews/\(review.id)",
                         "/panel/complaints", "/panel/complaints/new", "/panel/complaints/\(reference)",
                         "/panel/settings/complaints", "/panel/settings/webhooks", "/panel/settings/api-keys",
                         "/panel/reports", "/panel/notifications", "/panel", "/panel/search?q=Jan"] {
                let response = try await s.client.execute(uri: page, method: .get, headers: [.cookie: owner.cookie])
                #expect(response.status == .ok, "\(page): \(response.status)")
                for header in ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"] {
                    #expect(response.headers[.init(header)!] != nil, "\(page) lacks \(header)")
                }
                // Each `<form method="post" action="…">…</form>` must hold the session's token, and fail without it.
                let html = response.text
                var rest = html[...]
                while let start = rest.range(of: "<form method=\"post\"") {
                    let tail = rest[start.lowerBound...]
                    guard let end = tail.range(of: "</form>") else { break }
                    let form = String(tail[..<end.upperBound])
                    rest = tail[end.upperBound...]
                    #expect(form.contains("name=\"_csrf\" value=\"\(owner.csrf)\""), "\(page): a form without the token")
                    guard let actionRange = form.range(of: #"action=""#) else { continue }
                    let action = String(form[actionRange.upperBound...].prefix { $0 != "\"" })
                        .replacingOccurrences(of: "&amp;", with: "&")
                    let forged = try await s.client.execute(
                        uri: action, method: .post,
                        headers: [.cookie: owner.cookie, .contentType: "application/x-www-form-urlencoded"],
                        body: ByteBuffer(string: "_csrf=forged&body=x"))
                    #expect(forged.status == .forbidden, "POST \(action) from \(page) without the token: \(forged.status)")
                    forms += 1
                }
            }
            #expect(forms >= 15, "forms checked: \(forms)")
            let api = try await s.api(.get, "/api/v1/shop")
            #expect(api.headers[.xContentTypeOptions] == "nosniff" && api.headers[.cacheControl] == "no-store")
            // A body over the limit is refused before it is read whole.
            let huge = try await s.client.execute(
                uri: "/api/v1/orders", method: .post,
                headers: [.authorization: "Bearer \(s.shop.apiKey)", .contentType: "application/json"],
                body: ByteBuffer(string: "{\"externalId\":\"" + String(repeating: "x", count: 3_000_000) + "\"}"))
            #expect(huge.status == .contentTooLarge, "\(huge.status)")
            print("security: \(forms) panel forms refused without their CSRF token")
        }
    }
}
