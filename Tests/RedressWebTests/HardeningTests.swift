import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// Issue 15, the medium and low items: each test failed before its fix.
@Suite("hardening: throttles, sizes, roles, timing")
struct HardeningTests {
    @Test("item 6: replies and survey answers by reference + e-mail share the look-up throttle", arguments: [
        "/complaints/reply", "/complaints/survey",
    ])
    func replyAndSurveyAreThrottled(path: String) async throws {
        try await TestApp.scenario(.sqlite) { s in
            let (cookie, csrf, _) = try await s.anonymousForm("/complaints/status")
            for number in 1...10 {
                let miss = try await s.postForm(path, cookie: cookie, [
                    ("_csrf", csrf), ("reference", String(format: "RC-2026-%06d", number)), ("email", "guess@example.com"),
                    ("body", "Hello there"), ("rating", "5"),
                ])
                #expect(miss.status == .notFound, "\(path) guess \(number): \(miss.status)")
            }
            let blocked = try await s.postForm(path, cookie: cookie, [
                ("_csrf", csrf), ("reference", "RC-2026-000011"), ("email", "guess@example.com"), ("body", "Hello there"),
                ("rating", "5"),
            ])
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] != nil, "\(blocked.status)")
            let status = try await s.postForm("/complaints/status", cookie: cookie,
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
            let (cookie, _, _) = try await s.anonymousForm("/shops/sklep/complaint")
            // A hostile body of the allowed size is parsed in linear time (KMP) and refused.
            let hostile = try await s.client.execute(
                uri: "/shops/sklep/complaint", method: .post,
                headers: [.cookie: cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(string: dashes))
            #expect(hostile.status == .unprocessableContent || hostile.status == .forbidden, "\(hostile.status)")
            // Ten misses block the form before its body is read.
            let (formCookie, csrf, _) = try await s.anonymousForm("/complaints/status")
            for number in 1...10 {
                _ = try await s.postForm("/complaints/status", cookie: formCookie, [
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
            let staff = try #require(try await StaffStore().all(email: "owner@sklep.test", on: s.app.services.database.sql).first)
            // `$2b$06$…`: the cost is the second field of both.
            let dummyFields = dummy.split(separator: "$"), realFields = staff.passwordHash.split(separator: "$")
            #expect(dummyFields.count == 3 && realFields.count == 3)
            #expect(dummyFields.count > 1 && dummyFields[1] == "06" && realFields[1] == "06", "\(dummyFields) vs \(realFields)")
        }
    }

    @Test("the first 20 complaints of a shop's year arriving at once: 20 answers 201, references 1 to 20",
          arguments: Engine.available)
    func concurrentFirstComplaints(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        @Sendable func create() async throws -> TestResponse {
                            try await s.api(.post, "/api/v1/complaints", [
                                "email": "c\(index)@example.com", "claimType": "non_conformity", "category": "defective",
                                "description": "Complaint number \(index).", "requestedRemedy": "refund",
                                "partyType": "consumer", "channel": "phone",
                            ])
                        }
                        var response = try await create()
                        // An overloaded machine may answer 503 (every connection busy past the pool's wait): a
                        // client tries again; a 500 (the aborted transaction of before) is the defect.
                        for _ in 0..<5 where response.status == .serviceUnavailable { response = try await create() }
                        return (Int(response.status.code), response.json["reference"] as? String)
                    }
                }
                var all: [(Int, String?)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(statuses.map(\.0) == Array(repeating: 201, count: 20), "\(statuses)")
            let references = Set(statuses.compactMap(\.1))
            #expect(references == Set((1...20).map { String(format: "RC-2026-%06d", $0) }))
        }
    }

    @Test("order ids with spaces, slashes and non-ASCII letters are reachable by their paths", arguments: Engine.available)
    func percentEncodedOrderIds(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let id = "Zamówienie 7/ż ε"
            let created = try await s.api(.post, "/api/v1/orders", [
                "externalId": id, "placedAt": "2026-11-01T10:00:00Z", "customer": ["email": "z@example.com"],
                "items": [["productId": "P-1", "name": "Kubek"]],
            ])
            #expect(created.status == .created, "\(created.text)")
            let path = "/api/v1/orders/" + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            let found = try await s.api(.get, path)
            #expect(found.status == .ok && found.json["externalId"] as? String == id, "\(found.text)")
            #expect(try await s.api(.post, path + "/review-invitation").status == .created)
            #expect(try await s.api(.get, "/api/v1/orders/Zam%C3%B3wienie%207").status == .notFound)
        }
    }

    @Test("the reports API answers Accept: text/csv with the panel's CSV of a table", arguments: Engine.available)
    func reportsAPIServesCSV(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            _ = try await s.fileComplaint("CSV-1")
            let token = try await s.orderWithLink("CSV-2")
            _ = try await s.review(token, rating: 2)
            let owner = try await s.client.signIn("owner@sklep.test")
            for (family, table) in [("complaints", "monthly"), ("complaints", "categories"), ("mediation", "stars"),
                                    ("mediation", "mediation-summary")] {
                let panel = try await s.client.execute(uri: "/panel/reports/export/\(table)?preset=12m", method: .get,
                                                       headers: [.cookie: owner.cookie, .acceptLanguage: "en"])
                #expect(panel.status == .ok)
                var headers = s.keyHeaders
                headers[.accept] = "text/csv"
                headers[.acceptLanguage] = "en"
                let api = try await s.client.execute(uri: "/api/v1/reports/\(family)?preset=12m&table=\(table)",
                                                     method: .get, headers: headers)
                #expect(api.status == .ok && api.headers[.contentType] == "text/csv; charset=utf-8", "\(table)")
                #expect(api.text == panel.text && api.text.hasPrefix("\u{FEFF}"), "\(table): the same cells as the panel")
                #expect(api.headers[.contentDisposition] == panel.headers[.contentDisposition])
            }
            var headers = s.keyHeaders
            headers[.accept] = "text/csv"
            let summary = try await s.client.execute(uri: "/api/v1/reports/complaints", method: .get, headers: headers)
            #expect(summary.status == .ok && summary.headers[.contentDisposition]?.contains("complaints-summary") == true)
            let wrong = try await s.client.execute(uri: "/api/v1/reports/complaints?table=stars", method: .get,
                                                   headers: headers)
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("monthly"))
            // JSON stays the default.
            #expect(try await s.api(.get, "/api/v1/reports/complaints").json["report"] != nil)
        }
    }

    @Test("item 9: a connection with a half-sent request head, or idle, is closed after the idle timeout")
    func idleConnectionsAreClosed() async throws {
        let app = try await TestApp.make(.sqlite, configure: { $0.idleTimeout = .seconds(1) })
        do {
            try await app.built.application().test(.live) { client in
                let port = try #require(client.port)
                // The head never ends: the server closes the connection (recv gives 0), not the 20 s guard.
                let half = try await Self.rawExchange(port: port, send: "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                #expect(half == .closed, "\(half)")
                // A complete request is answered; the idle keep-alive connection is closed afterwards.
                let full = try await Self.rawExchange(port: port, send: "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(full == .answeredThenClosed, "\(full)")
            }
        } catch {
            await app.close()
            throw error
        }
        await app.close()
    }

    enum Exchange: Equatable { case closed, answeredThenClosed, stillOpen }

    /// Sends `text` on a fresh loopback connection and reads until the server closes it (at most 20 s).
    static func rawExchange(port: Int, send text: String) async throws -> Exchange {
        try await Task.detached {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw Problem.badRequest("cannot connect") }
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = text.withCString { Glibc.send(fd, $0, strlen($0), 0) }
            var received = 0
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count == 0 { return received > 0 ? .answeredThenClosed : .closed }
                if count < 0 { return .stillOpen }
                received += count
            }
        }.value
    }

    @Test("throttles behind a load balancer: a trusted proxy's X-Forwarded-For names the client; anyone else's is ignored",
          arguments: [true, false])
    func trustedProxies(trusted: Bool) async throws {
        let app = try await TestApp.make(.sqlite, configure: {
            if trusted { $0.trustedProxies = try! TrustedProxies(parsing: ["127.0.0.0/8", "::1", "10.0.0.0/8"]) }
        })
        do {
            try await app.built.application().test(.live) { client in
                _ = try await client.createShop("sklep")
                func lookUp(from address: String) async throws -> HTTPResponse.Status {
                    try await client.execute(
                        uri: "/api/v1/public/shops/sklep/complaints", method: .post,
                        headers: [.contentType: "application/json", .init("X-Forwarded-For")!: "\(address), 10.9.8.7"],
                        body: jsonBody(["orderExternalId": "NOPE", "email": "guess@example.com"])).status
                }
                for _ in 0..<10 { #expect(try await lookUp(from: "203.0.113.5") == .notFound) }
                #expect(try await lookUp(from: "203.0.113.5") == .tooManyRequests)
                // Another customer behind the same balancer is not blocked, but only if the balancer is trusted:
                // otherwise the header could be forged to escape the throttle.
                let other = try await lookUp(from: "198.51.100.7")
                #expect(other == (trusted ? .notFound : .tooManyRequests), "\(other)")
            }
        } catch {
            await app.close()
            throw error
        }
        await app.close()
    }

    @Test("the test clock walks from due item to due item: a decision mailed before a long jump is answered in time",
          arguments: Engine.available)
    func testClockRunsWorkInTimeOrder(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let reference = try #require(try await s.fileComplaint("TC-1")["reference"] as? String)
            try await s.advance("P13D")
            let decided = try await s.api(.post, "/api/v1/complaints/\(reference)/decision",
                                          ["outcome": "rejected", "reason": "The handle was broken by a fall."])
            #expect(decided.status == .created, "\(decided.text)")
            // One jump past the legal deadline: the letter goes out first (now), the deadline pass comes later.
            try await s.advance("P15D")
            let complaint = try await s.complaint(reference)
            #expect(complaint["legalState"] as? String == "answered", "\(complaint["legalState"] ?? "nil")")
            #expect(complaint["urgent"] as? Bool != true)
        }
    }
}
