import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

@Suite("S1/S2 access control through the router")
struct AuthRouterTests {
    @Test("no key → 401 problem+json")
    func noCredentials() async throws {
        try await TestApp.make().test { client in
            for uri in ["/api/v1/shop", "/api/v1/staff", "/api/v1/audit", "/api/v1/admin/shops"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .unauthorized, "\(uri)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.json["status"] as? Int == 401)
                #expect(response.json["title"] as? String == "Unauthorized")
            }
            let bad = try await client.execute(uri: "/api/v1/shop", method: .get,
                                               headers: [.authorization: "Bearer rk_not-a-real-key"])
            #expect(bad.status == .unauthorized)
        }
    }

    @Test("another shop's key → 404 on that shop's resources")
    func tenantIsolation() async throws {
        try await TestApp.make().test { client in
            let alpha = try await client.createShop("alpha")
            let beta = try await client.createShop("beta")
            let alphaStaff = try await client.execute(uri: "/api/v1/staff", method: .get,
                                                      headers: [.authorization: "Bearer \(alpha.apiKey)"])
            #expect(alphaStaff.status == .ok)
            let items = alphaStaff.json["items"] as? [[String: Any]] ?? []
            #expect(items.count == 3)
            #expect(items.allSatisfy { ($0["email"] as? String)?.hasSuffix("@alpha.test") == true })
            let alphaOwnerID = try #require(items.first { $0["role"] as? String == "owner" }?["id"] as? String)
            // Beta's key cannot see Alpha's staff member: 404, as if it did not exist.
            let crossRead = try await client.execute(uri: "/api/v1/staff/\(alphaOwnerID)", method: .get,
                                                     headers: [.authorization: "Bearer \(beta.apiKey)"])
            #expect(crossRead.status == .notFound)
            let ownRead = try await client.execute(uri: "/api/v1/staff/\(alphaOwnerID)", method: .get,
                                                   headers: [.authorization: "Bearer \(alpha.apiKey)"])
            #expect(ownRead.status == .ok)
            // Beta's owner cannot revoke Alpha's API key.
            let betaOwner = try await client.signIn("owner@beta.test")
            let alphaOwner = try await client.signIn("owner@alpha.test")
            let keys = try await client.execute(uri: "/api/v1/api-keys", method: .get,
                                                headers: [.cookie: alphaOwner.cookie])
            let alphaKeyID = try #require((keys.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            let crossRevoke = try await client.execute(
                uri: "/api/v1/api-keys/\(alphaKeyID)", method: .delete,
                headers: [.cookie: betaOwner.cookie, .init("X-CSRF-Token")!: betaOwner.csrf])
            #expect(crossRevoke.status == .notFound)
            let stillWorks = try await client.execute(uri: "/api/v1/shop", method: .get,
                                                      headers: [.authorization: "Bearer \(alpha.apiKey)"])
            #expect(stillWorks.json["slug"] as? String == "alpha")
        }
    }

    @Test("a viewer cannot write (403); an owner can")
    func viewerCannotWrite() async throws {
        try await TestApp.make().test { client in
            _ = try await client.createShop("gamma")
            let viewer = try await client.signIn("viewer@gamma.test")
            let agent = try await client.signIn("agent@gamma.test")
            let owner = try await client.signIn("owner@gamma.test")
            for browser in [viewer, agent] {
                let response = try await client.execute(
                    uri: "/api/v1/api-keys", method: .post,
                    headers: [.cookie: browser.cookie, .init("X-CSRF-Token")!: browser.csrf,
                              .contentType: "application/json"],
                    body: jsonBody(["label": "x"]))
                #expect(response.status == .forbidden)
            }
            let panelForm = try await client.execute(
                uri: "/panel/settings/api-keys", method: .post,
                headers: [.cookie: viewer.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(viewer.csrf)&label=x"))
            #expect(panelForm.status == .forbidden)
            #expect(panelForm.text.contains("Only a shop owner"))
            let created = try await client.execute(
                uri: "/api/v1/api-keys", method: .post,
                headers: [.cookie: owner.cookie, .init("X-CSRF-Token")!: owner.csrf, .contentType: "application/json"],
                body: jsonBody(["label": "shop engine"]))
            #expect(created.status == .created)
            let secret = try #require(created.json["apiKey"] as? String)
            #expect(secret.hasPrefix("rk_") && secret.count > 40)
            // The viewer still reads everything.
            let read = try await client.execute(uri: "/api/v1/staff", method: .get, headers: [.cookie: viewer.cookie])
            #expect(read.status == .ok)
        }
    }

    @Test("a missing or wrong CSRF token → 403, and nothing changes")
    func csrfEnforced() async throws {
        try await TestApp.make().test { client in
            _ = try await client.createShop("delta")
            let owner = try await client.signIn("owner@delta.test")
            let form: HTTPFields = [.cookie: owner.cookie, .contentType: "application/x-www-form-urlencoded"]
            let missing = try await client.execute(uri: "/panel/settings/api-keys", method: .post, headers: form,
                                                   body: ByteBuffer(string: "label=x"))
            #expect(missing.status == .forbidden)
            let wrong = try await client.execute(uri: "/panel/settings/api-keys", method: .post, headers: form,
                                                 body: ByteBuffer(string: "_csrf=forged&label=x"))
            #expect(wrong.status == .forbidden)
            let apiWithoutHeader = try await client.execute(
                uri: "/api/v1/api-keys", method: .post,
                headers: [.cookie: owner.cookie, .contentType: "application/json"], body: jsonBody(["label": "x"]))
            #expect(apiWithoutHeader.status == .forbidden)
            let logout = try await client.execute(uri: "/logout", method: .post, headers: form,
                                                  body: ByteBuffer(string: ""))
            #expect(logout.status == .forbidden)
            let keys = try await client.execute(uri: "/api/v1/api-keys", method: .get, headers: [.cookie: owner.cookie])
            #expect((keys.json["items"] as? [Any])?.count == 1, "only the shop's first key exists")
            // The login form is protected too.
            let login = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "email=owner%40delta.test&password=\(SeededShop.password)"))
            #expect(login.status == .forbidden)
            // With the token the same form works.
            let ok = try await client.execute(uri: "/panel/settings/api-keys", method: .post, headers: form,
                                              body: ByteBuffer(string: "_csrf=\(owner.csrf)&label=engine"))
            #expect(ok.status == .ok)
            #expect(ok.text.contains("shown only once"))
        }
    }

    @Test("five failed sign-ins → 429 with Retry-After, even with the right password; it lifts after the window")
    func loginThrottling() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            _ = try await client.createShop("eps")
            let form = try await client.execute(uri: "/login", method: .get)
            let csrf = try #require(cookieValue(form, "redress_csrf"))
            func attempt(_ password: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/login", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "redress_csrf=\(csrf)"],
                    body: ByteBuffer(string: "_csrf=\(csrf)&email=owner%40eps.test&password=\(password)"))
            }
            for _ in 0..<5 {
                #expect(try await attempt("wrong-password").status == .unauthorized)
            }
            let throttled = try await attempt(SeededShop.password)
            #expect(throttled.status == .tooManyRequests)
            let retryAfter = try #require(throttled.headers[.retryAfter].flatMap(Int.init))
            #expect(retryAfter > 0 && retryAfter <= 900)
            #expect(throttled.text.contains("Too many failed attempts"))
            app.clock.advance(by: 901)
            #expect(try await attempt(SeededShop.password).status == .seeOther)
        }
    }

    @Test("an unknown address gets the same answer as a wrong password")
    func noAccountEnumeration() async throws {
        try await TestApp.make().test { client in
            _ = try await client.createShop("zeta")
            let form = try await client.execute(uri: "/login", method: .get)
            let csrf = try #require(cookieValue(form, "redress_csrf"))
            var bodies: [String] = []
            for email in ["owner%40zeta.test", "nobody%40zeta.test"] {
                let response = try await client.execute(
                    uri: "/login", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "redress_csrf=\(csrf)"],
                    body: ByteBuffer(string: "_csrf=\(csrf)&email=\(email)&password=wrong-password"))
                #expect(response.status == .unauthorized)
                bodies.append(response.text.replacingOccurrences(of: "nobody@zeta.test", with: "owner@zeta.test"))
            }
            #expect(bodies[0] == bodies[1])
        }
    }

    @Test("sign-out ends the session in the database")
    func signOut() async throws {
        try await TestApp.make().test { client in
            _ = try await client.createShop("eta")
            let owner = try await client.signIn("owner@eta.test")
            let out = try await client.execute(
                uri: "/logout", method: .post,
                headers: [.cookie: owner.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(owner.csrf)"))
            #expect(out.status == .seeOther)
            let after = try await client.execute(uri: "/api/v1/shop", method: .get, headers: [.cookie: owner.cookie])
            #expect(after.status == .unauthorized)
            let panel = try await client.execute(uri: "/panel", method: .get, headers: [.cookie: owner.cookie])
            #expect(panel.status == .seeOther && panel.headers[.location] == "/login")
        }
    }

    @Test("a revoked API key stops working at once")
    func revokedKey() async throws {
        try await TestApp.make().test { client in
            let shop = try await client.createShop("theta")
            let owner = try await client.signIn("owner@theta.test")
            let keys = try await client.execute(uri: "/api/v1/api-keys", method: .get, headers: [.cookie: owner.cookie])
            let keyID = try #require((keys.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect((keys.json["items"] as? [[String: Any]])?.first?["apiKey"] == nil, "secrets are never listed")
            let revoke = try await client.execute(
                uri: "/api/v1/api-keys/\(keyID)", method: .delete,
                headers: [.cookie: owner.cookie, .init("X-CSRF-Token")!: owner.csrf])
            #expect(revoke.status == .noContent)
            let after = try await client.execute(uri: "/api/v1/shop", method: .get,
                                                 headers: [.authorization: "Bearer \(shop.apiKey)"])
            #expect(after.status == .unauthorized)
            let audit = try await client.execute(uri: "/api/v1/audit", method: .get, headers: [.cookie: owner.cookie])
            let actions = (audit.json["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(actions.contains("api_key.revoked"))
            #expect(actions.contains("shop.created"))
        }
    }

    @Test("the admin token is required for admin calls; a shop key is refused there")
    func adminOnly() async throws {
        try await TestApp.make().test { client in
            let shop = try await client.createShop("iota")
            let response = try await client.execute(
                uri: "/api/v1/admin/shops", method: .post,
                headers: [.authorization: "Bearer \(shop.apiKey)", .contentType: "application/json"],
                body: jsonBody(["name": "X", "slug": "x-shop"]))
            #expect(response.status == .forbidden)
            let duplicate = try await client.execute(
                uri: "/api/v1/admin/shops", method: .post,
                headers: [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"],
                body: jsonBody(["name": "Again", "slug": "iota"]))
            #expect(duplicate.status == .conflict)
            let invalid = try await client.execute(
                uri: "/api/v1/admin/shops", method: .post,
                headers: [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"],
                body: jsonBody(["name": "", "slug": "Not A Slug", "locale": "de", "timeZone": "Mars/Base"]))
            #expect(invalid.status == .unprocessableContent)
            let errors = invalid.json["errors"] as? [String: String] ?? [:]
            #expect(Set(errors.keys) == ["name", "slug", "locale", "timeZone"])
        }
    }
}
