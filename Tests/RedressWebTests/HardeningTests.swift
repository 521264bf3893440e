import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressWeb
import Testing

/// Issue 15, the medium and low items: each test failed before its fix.
@Suite("hardening: throttles, sizes, roles, timing")
struct HardeningTests {
    func anonymousForm(_ s: ReviewScenario, _ path: String) async throws -> (cookie: String, csrf: String) {
        let page = try await s.client.execute(uri: path, method: .get)
        #expect(page.status == .ok, "\(path): \(page.status)")
        let cookie = try #require(cookieValue(page, SessionCookie.csrf))
        return ("\(SessionCookie.csrf)=\(cookie)", try #require(hiddenCSRF(in: page.text)))
    }

    func post(_ s: ReviewScenario, _ path: String, cookie: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let body = fields.map { "\($0.0.formEncoded)=\($0.1.formEncoded)" }.joined(separator: "&")
        return try await s.client.execute(uri: path, method: .post,
                                          headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                          body: ByteBuffer(string: body))
    }

    @Test("item 6: replies and survey answers by reference + e-mail share the look-up throttle", arguments: [
        "/complaints/reply", "/complaints/survey",
    ])
    func replyAndSurveyAreThrottled(path: String) async throws {
        try await TestApp.scenario(.sqlite) { s in
            let (cookie, csrf) = try await anonymousForm(s, "/complaints/status")
            for number in 1...10 {
                let miss = try await post(s, path, cookie: cookie, [
                    ("_csrf", csrf), ("reference", String(format: "RC-2026-%06d", number)), ("email", "guess@example.com"),
                    ("body", "Hello there"), ("rating", "5"),
                ])
                #expect(miss.status == .notFound, "\(path) guess \(number): \(miss.status)")
            }
            let blocked = try await post(s, path, cookie: cookie, [
                ("_csrf", csrf), ("reference", "RC-2026-000011"), ("email", "guess@example.com"), ("body", "Hello there"),
                ("rating", "5"),
            ])
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] != nil, "\(blocked.status)")
            let status = try await post(s, "/complaints/status", cookie: cookie,
                                        [("_csrf", csrf), ("reference", "RC-2026-000012"), ("email", "guess@example.com")])
            #expect(status.status == .tooManyRequests, "one budget for status, reply and survey")
        }
    }

    @Test("item 5: the complaint form refuses a missing CSRF cookie and a throttled address before reading the body")
    func complaintFormChecksBeforeParsing() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let boundary = String(repeating: "-", count: 60) + "x"
            let dashes = String(repeating: "-", count: 2 * 1024 * 1024)
            let noCookie = try await s.client.execute(
                uri: "/shops/sklep/complaint", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(string: dashes))
            #expect(noCookie.status == .forbidden)
            let (cookie, _) = try await anonymousForm(s, "/shops/sklep/complaint")
            // A hostile body of the allowed size is parsed in linear time (KMP) and refused.
            let hostile = try await s.client.execute(
                uri: "/shops/sklep/complaint", method: .post,
                headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(string: dashes))
            #expect(hostile.status == .unprocessableContent || hostile.status == .forbidden, "\(hostile.status)")
            // Ten misses block the form before its body is read.
            let (formCookie, csrf) = try await anonymousForm(s, "/complaints/status")
            for number in 1...10 {
                _ = try await post(s, "/complaints/status", cookie: formCookie, [
                    ("_csrf", csrf), ("reference", String(format: "RC-2026-%06d", number)), ("email", "g@example.com"),
                ])
            }
            let blocked = try await s.client.execute(
                uri: "/shops/sklep/complaint", method: .post,
                headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(string: dashes))
            #expect(blocked.status == .tooManyRequests)
        }
    }

    @Test("item 10: agents and viewers cannot open the API keys page, and are not offered it")
    func apiKeysPageIsTheOwners() async throws {
        try await TestApp.scenario(.sqlite) { s in
            for role in ["agent", "viewer"] {
                let browser = try await s.client.signIn("\(role)@sklep.test")
                let page = try await s.client.execute(uri: "/panel/settings/api-keys", method: .get,
                                                      headers: [.cookie: browser.cookie])
                #expect(page.status == .forbidden, "\(role): \(page.status)")
                let home = try await s.client.execute(uri: "/panel", method: .get, headers: [.cookie: browser.cookie])
                #expect(!home.text.contains("/panel/settings/api-keys"), "\(role) is not shown the link")
            }
            let owner = try await s.client.signIn("owner@sklep.test")
            #expect(try await s.client.execute(uri: "/panel/settings/api-keys", method: .get,
                                               headers: [.cookie: owner.cookie]).status == .ok)
        }
    }

    @Test("item 8: a sign-in for an unknown address checks a hash of the installation's work factor")
    func signInTimingDoesNotTellAddresses() async throws {
        try await TestApp.scenario(.sqlite, configure: { $0.bcryptCost = 6 }) { s in
            let dummy = s.app.services.dummyPasswordHash
            let staff = try #require(try await StaffStore().find(email: "owner@sklep.test", on: s.app.services.database.sql))
            // `$2b$06$…`: the cost is the second field of both.
            let dummyFields = dummy.split(separator: "$"), realFields = staff.passwordHash.split(separator: "$")
            #expect(dummyFields.count == 3 && realFields.count == 3)
            #expect(dummyFields.count > 1 && dummyFields[1] == "06" && realFields[1] == "06", "\(dummyFields) vs \(realFields)")
        }
    }
}
