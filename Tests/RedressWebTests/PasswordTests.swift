import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressMail
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// Issue 15: staff change their password in the panel, or reset a forgotten one by a signed, expiring, one-use
/// e-mailed link; every other session ends either way.
@Suite("S2 staff passwords: change and reset")
struct PasswordTests {
    /// The reset links mailed to `email`, newest first.
    func resetTokens(_ s: ReviewScenario, to email: String) async throws -> [String] {
        let rows = try await s.app.services.database.sql.sqlDatabase.raw(
            "SELECT payload FROM outbox WHERE kind = 'passwordReset' ORDER BY created_at DESC").all()
        return try rows.compactMap { row in
            let mail = try JSONDecoder().decode(MailMessage.self,
                                                from: Data(try row.decode(column: "payload", as: String.self).utf8))
            return mail.to == [email] ? ReviewScenario.tokens(in: mail.text, after: "/login/reset/").first : nil
        }
    }

    func isSignedIn(_ s: ReviewScenario, _ cookie: String) async throws -> Bool {
        try await s.client.execute(uri: "/panel/account", method: .get, headers: [.cookie: cookie]).status == .ok
    }

    @Test("a forgotten password: the same answer for any address, a one-use link for an hour, every session ended",
          arguments: Engine.available)
    func resetByMail(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let before = try await s.client.signIn("agent@sklep.test")
            let login = try await s.client.execute(uri: "/login", method: .get)
            #expect(login.text.contains(#"href="/login/forgot""#))
            let (cookie, csrf, _) = try await s.anonymousForm("/login/forgot")
            let unknown = try await s.postForm("/login/forgot", cookie: cookie, [("_csrf", csrf), ("email", "nobody@nowhere.test")])
            let known = try await s.postForm("/login/forgot", cookie: cookie, [("_csrf", csrf), ("email", "AGENT@sklep.test")])
            #expect(unknown.status == .ok && known.status == .ok)
            #expect(unknown.text == known.text, "the page does not tell which addresses have an account")
            #expect(known.text.contains("a link to set a new password is on its way"))
            let tokens = try await resetTokens(s, to: "agent@sklep.test")
            #expect(tokens.count == 1)
            let token = try #require(tokens.first)
            #expect(try await resetTokens(s, to: "nobody@nowhere.test").isEmpty)
            // The form; a mismatch or a short password is refused and changes nothing.
            let (resetCookie, resetCSRF, form) = try await s.anonymousForm("/login/reset/\(token)")
            #expect(form.status == .ok && form.text.contains(#"autocomplete="new-password""#))
            let mismatch = try await s.postForm("/login/reset/\(token)", cookie: resetCookie, [
                ("_csrf", resetCSRF), ("password", "a-new-password-1"), ("confirmation", "another-password"),
            ])
            #expect(mismatch.status == .unprocessableContent && mismatch.text.contains("does not match"))
            let short = try await s.postForm("/login/reset/\(token)", cookie: resetCookie, [
                ("_csrf", resetCSRF), ("password", "short"), ("confirmation", "short"),
            ])
            #expect(short.status == .unprocessableContent && short.text.contains("10 to 200"))
            let forged = try await s.postForm("/login/reset/\(token)", cookie: resetCookie, [
                ("_csrf", "forged"), ("password", "a-new-password-1"), ("confirmation", "a-new-password-1"),
            ])
            #expect(forged.status == .forbidden)
            let done = try await s.postForm("/login/reset/\(token)", cookie: resetCookie, [
                ("_csrf", resetCSRF), ("password", "a-new-password-1"), ("confirmation", "a-new-password-1"),
            ])
            #expect(done.status == .seeOther && done.headers[.location] == "/login?reset=1")
            #expect(try await !isSignedIn(s, before.cookie), "the session from before the reset ended")
            // The new password works, the old one does not; the link works once.
            _ = try await s.client.signIn("agent@sklep.test", password: "a-new-password-1")
            let old = try await s.client.execute(
                uri: "/login", method: .post,
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)&email=agent%40sklep.test&password=\(SeededShop.password.formEncoded)"))
            #expect(old.status == .unauthorized)
            let again = try await s.postForm("/login/reset/\(token)", cookie: resetCookie, [
                ("_csrf", resetCSRF), ("password", "yet-another-pw-2"), ("confirmation", "yet-another-pw-2"),
            ])
            #expect(again.status == .notFound && again.text.contains("was used already or has expired"))
            // An hour later a new link has expired.
            _ = try await s.postForm("/login/forgot", cookie: cookie, [("_csrf", csrf), ("email", "owner@sklep.test")])
            let ownerToken = try #require(try await resetTokens(s, to: "owner@sklep.test").first)
            s.app.clock.advance(by: 3601)
            #expect(try await s.client.execute(uri: "/login/reset/\(ownerToken)", method: .get).status == .notFound)
            // Stored hashed only.
            let stored = try await s.app.services.database.sql.sqlDatabase.raw("SELECT token_hash FROM staff_tokens").all()
                .map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(!stored.contains(token) && stored.contains(SecretHash.of(token)))
        }
    }

    @Test("the form cannot be used to flood an inbox: five requests per address in 15 minutes")
    func resetIsThrottled() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let (cookie, csrf, _) = try await s.anonymousForm("/login/forgot")
            for _ in 0..<5 {
                #expect(try await s.postForm("/login/forgot", cookie: cookie, [("_csrf", csrf), ("email", "owner@sklep.test")])
                    .status == .ok)
            }
            let blocked = try await s.postForm("/login/forgot", cookie: cookie, [("_csrf", csrf), ("email", "owner@sklep.test")])
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] != nil)
            #expect(try await resetTokens(s, to: "owner@sklep.test").count == 5)
        }
    }

    @Test("changing the password in the panel needs the current one and ends the other sessions",
          arguments: Engine.available)
    func changeInPanel(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let other = try await s.client.signIn("owner@sklep.test")
            let me = try await s.client.signIn("owner@sklep.test")
            let page = try await s.client.execute(uri: "/panel/account", method: .get,
                                                  headers: [.cookie: me.cookie, .acceptLanguage: "en"])
            #expect(page.status == .ok && page.text.contains("owner@sklep.test") && page.text.contains(#"id="current""#))
            func change(_ fields: [(String, String)], csrf: String? = nil) async throws -> TestResponse {
                let body = ([("_csrf", csrf ?? me.csrf)] + fields).map { "\($0.0)=\($0.1.formEncoded)" }
                    .joined(separator: "&")
                return try await s.client.execute(
                    uri: "/panel/account/password", method: .post,
                    headers: [.cookie: me.cookie, .contentType: "application/x-www-form-urlencoded", .acceptLanguage: "en"],
                    body: ByteBuffer(string: body))
            }
            let wrong = try await change([("current", "not-my-password"), ("password", "brand-new-pass-1"),
                                          ("confirmation", "brand-new-pass-1")])
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("current password is not right"))
            #expect(try await isSignedIn(s, other.cookie), "nothing changed")
            #expect(try await change([("current", SeededShop.password), ("password", "brand-new-pass-1"),
                                      ("confirmation", "brand-new-pass-1")], csrf: "forged").status == .forbidden)
            let done = try await change([("current", SeededShop.password), ("password", "brand-new-pass-1"),
                                         ("confirmation", "brand-new-pass-1")])
            #expect(done.status == .ok && done.text.contains("Your password was changed"))
            #expect(try await isSignedIn(s, me.cookie), "this session goes on")
            #expect(try await !isSignedIn(s, other.cookie), "the other one ended")
            _ = try await s.client.signIn("owner@sklep.test", password: "brand-new-pass-1")
            let audit = try await s.api(.get, "/api/v1/audit")
            #expect(audit.text.contains("staff.password_changed"))
        }
    }

    @Test("item 7: staff identity is per shop: no 409 for another shop's address, no squatting, the right shop signs in",
          arguments: Engine.available)
    func staffPerShop(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let other = try await s.client.createShop("obcy")
            let ownerA = try await s.client.signIn("owner@sklep.test")
            let ownerB = try await s.client.signIn("owner@obcy.test")
            func add(_ owner: StaffBrowser, _ email: String, password: String) async throws -> TestResponse {
                try await s.client.execute(
                    uri: "/api/v1/staff", method: .post,
                    headers: [.cookie: owner.cookie, .contentType: "application/json", .init("X-CSRF-Token")!: owner.csrf],
                    body: jsonBody(["email": email, "name": "Anna", "role": "agent", "password": password]))
            }
            // The other shop "squats" the address first; the real shop can still add it, and learns nothing.
            #expect(try await add(ownerB, "anna@example.com", password: "squatter-password").status == .created)
            let real = try await add(ownerA, "Anna@Example.com", password: "annas-own-password")
            #expect(real.status == .created, "\(real.text)")
            // An address already staff of another shop: 201 there too (nothing revealed); twice in one shop: 409.
            #expect(try await add(ownerB, "agent@sklep.test", password: "whatever-password").status == .created)
            let twice = try await add(ownerA, "anna@example.com", password: "annas-own-password")
            #expect(twice.status == .conflict && !twice.text.contains("obcy"))
            // Each password opens its own shop.
            let annaA = try await s.client.signIn("anna@example.com", password: "annas-own-password")
            let pageA = try await s.client.execute(uri: "/panel/account", method: .get, headers: [.cookie: annaA.cookie])
            #expect(pageA.text.contains("Shop sklep") && !pageA.text.contains("Shop obcy"))
            let annaB = try await s.client.signIn("anna@example.com", password: "squatter-password")
            let pageB = try await s.client.execute(uri: "/panel/account", method: .get, headers: [.cookie: annaB.cookie])
            #expect(pageB.text.contains("Shop obcy"))
            // The same password in two shops: the form asks which shop, then signs in there.
            let form = try await s.client.execute(uri: "/login", method: .get)
            let csrf = try #require(cookieValue(form, SessionCookie.csrf))
            func login(_ extra: String) async throws -> TestResponse {
                try await s.client.execute(
                    uri: "/login", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "redress_csrf=\(csrf)",
                              .acceptLanguage: "en"],
                    body: ByteBuffer(string: "_csrf=\(csrf)&email=agent%40sklep.test&password=whatever-password" + extra))
            }
            #expect(try await login("").status == .seeOther, "the address's account in the other shop, by its password")
            #expect(try await add(ownerB, "agent@sklep.test", password: "x").status == .unprocessableContent)
            let sameA = try await add(ownerA, "twice@example.com", password: "one-password-1")
            let sameB = try await add(ownerB, "twice@example.com", password: "one-password-1")
            #expect(sameA.status == .created && sameB.status == .created)
            let ask = try await s.client.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "redress_csrf=\(csrf)",
                          .acceptLanguage: "en"],
                body: ByteBuffer(string: "_csrf=\(csrf)&email=twice%40example.com&password=one-password-1"))
            #expect(ask.status == .ok && ask.text.contains(#"<select id="shop" name="shop""#)
                    && ask.text.contains("Shop sklep") && ask.text.contains("Shop obcy"))
            let chosen = try await s.client.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "redress_csrf=\(csrf)"],
                body: ByteBuffer(string: "_csrf=\(csrf)&email=twice%40example.com&password=one-password-1&shop=obcy"))
            #expect(chosen.status == .seeOther)
            let session = try #require(cookieValue(chosen, "redress_session"))
            let page = try await s.client.execute(uri: "/panel/account", method: .get,
                                                  headers: [.cookie: "redress_session=\(session)"])
            #expect(page.text.contains("Shop obcy") && !page.text.contains("Shop sklep"))
            _ = other
        }
    }
}
