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

@Suite("Service endpoints, errors and headers")
struct ServiceEndpointTests {
    @Test("/health, /ready and the security headers")
    func healthAndReady() async throws {
        try await TestApp.make().test { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "ok")
            #expect(health.headers[.xContentTypeOptions] == "nosniff")
            let csp = try #require(health.headers[.contentSecurityPolicy])
            #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
            #expect(health.headers[.init("Referrer-Policy")!] == "no-referrer")
            #expect(health.headers[.init("X-Request-Id")!]?.isEmpty == false)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok)
        }
    }

    @Test("/ready answers 503 when the database is gone")
    func readyWithoutDatabase() async throws {
        let app = try await TestApp.make()
        try await app.built.application().test(.router) { client in
            await app.services.database.shutdown()
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
        await app.database.close()
    }

    @Test("/metrics counts requests by route template")
    func metrics() async throws {
        try await TestApp.make().test { client in
            _ = try await client.execute(uri: "/health", method: .get)
            _ = try await client.execute(uri: "/api/v1/staff/stf_unknown", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            let text = metrics.text
            #expect(text.contains(#"redress_http_requests_total{route="/health",method="GET",status="200"} 1"#))
            #expect(text.contains(#"route="/api/v1/staff/{staffId}""#), "templates, not raw paths with ids")
            #expect(!text.contains("stf_unknown"))
            #expect(text.contains("redress_http_request_duration_seconds_bucket"))
        }
    }

    @Test("errors: problem+json on the API, a friendly page in the browser, never internals")
    func errors() async throws {
        try await TestApp.make().test { client in
            let api = try await client.execute(uri: "/api/v1/does-not-exist", method: .get)
            #expect(api.status == .notFound)
            #expect(api.headers[.contentType] == "application/problem+json")
            #expect(Set(api.json.keys).isSuperset(of: ["type", "title", "status", "detail"]))
            let page = try await client.execute(uri: "/does-not-exist", method: .get)
            #expect(page.status == .notFound)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("<html lang=\"en\">") && page.text.contains("Back to the start"))
            let malformed = try await client.execute(
                uri: "/api/v1/admin/shops", method: .post,
                headers: [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"],
                body: ByteBuffer(string: "{not json"))
            #expect(malformed.status == .badRequest)
            #expect(!malformed.text.contains("Swift") && !malformed.text.contains("DecodingError"))
            let huge = try await client.execute(
                uri: "/api/v1/admin/shops", method: .post,
                headers: [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"],
                body: ByteBuffer(string: "{\"name\":\"" + String(repeating: "x", count: 2_000_000) + "\"}"))
            #expect(huge.status == .contentTooLarge)
        }
    }

    @Test("/openapi.json is OpenAPI 3.1, covers every API route and resolves every reference")
    func openAPIDocument() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = response.json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            for required in ["/health", "/ready", "/api/v1/test-clock", "/api/v1/admin/shops",
                             "/api/v1/admin/shops/{shopId}/staff", "/api/v1/api-keys/{keyId}"] {
                #expect(paths[required] != nil, "\(required) is documented")
            }
            var operationIDs = Set<String>()
            for (path, operations) in paths {
                for (method, value) in operations {
                    let operation = try #require(value as? [String: Any])
                    let id = try #require(operation["operationId"] as? String)
                    #expect(operationIDs.insert(id).inserted, "duplicate operationId \(id)")
                    #expect((operation["responses"] as? [String: Any])?.isEmpty == false, "\(method) \(path)")
                    let declared = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }
                        .compactMap { $0["name"] as? String }
                    let inPath = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
                    #expect(Set(declared) == Set(inPath), "\(method) \(path) declares its path parameters")
                }
            }
            let text = response.text
            var searchRange = text.startIndex..<text.endIndex
            while let found = text.range(of: "#/components/schemas/", range: searchRange) {
                let name = String(text[found.upperBound...].prefix { $0 != "\"" })
                #expect(schemas[name] != nil, "reference to \(name) resolves")
                searchRange = found.upperBound..<text.endIndex
            }
        }
    }
}

@Suite("S6/S7 timed work and the test clock")
struct TimedWorkTests {
    @Test("the test clock is refused without --test-clock")
    func testClockRefused() async throws {
        try await TestApp.make(testClock: false).test { client in
            let response = try await client.execute(uri: "/api/v1/test-clock", method: .post,
                                                    headers: [.contentType: "application/json"],
                                                    body: jsonBody(["advanceBy": "P1D"]))
            #expect(response.status == .notFound)
        }
    }

    @Test("the test clock moves time, validates input and runs due work before answering")
    func testClockRunsDueWork() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let mail = #"{"from":"shop@x.test","to":["c@x.test"],"subject":"Zażółć gęślą jaźń","text":"Hej","html":"<p>Hej</p>"}"#
            let sql = app.services.database.sql
            try await OutboxStore().enqueue(channel: "email", kind: "test", payload: mail, shop: nil,
                                            now: app.clock.now(), on: sql)
            try await DeadlineStore().schedule(kind: "housekeeping", subjectId: "installation", shop: nil,
                                               dueAt: app.clock.now().addingTimeInterval(86_400), now: app.clock.now(),
                                               on: sql)
            let bad = try await client.execute(uri: "/api/v1/test-clock", method: .post,
                                               headers: [.contentType: "application/json"],
                                               body: jsonBody(["advanceBy": "seven days"]))
            #expect(bad.status == .unprocessableContent)
            let moved = try await client.execute(uri: "/api/v1/test-clock", method: .post,
                                                 headers: [.contentType: "application/json"],
                                                 body: jsonBody(["advanceBy": "P1DT1H"]))
            #expect(moved.status == .ok)
            #expect(moved.json["now"] as? String == "2026-11-03T10:00:00Z")
            // The mail was delivered (to the demo mailbox folder) and the housekeeping ran and rescheduled itself.
            let files = try FileManager.default.contentsOfDirectory(atPath: app.mailDirectory.path)
                .filter { $0.hasSuffix(".eml") }
            #expect(files.count == 1)
            let eml = try String(contentsOf: app.mailDirectory.appendingPathComponent(files[0]), encoding: .utf8)
            #expect(eml.contains("Subject: =?UTF-8?B?"))
            #expect(eml.contains("multipart/alternative"))
            let next = try await DeadlineStore().pending(kind: "housekeeping", subjectId: "installation", on: sql)
            #expect(next?.dueAt == app.clock.now().addingTimeInterval(3600))
            let counts = try await OutboxStore().counts(on: sql)
            #expect(counts == .init(pending: 0, sent: 1, failed: 0))
            let setBack = try await client.execute(uri: "/api/v1/test-clock", method: .post,
                                                   headers: [.contentType: "application/json"],
                                                   body: jsonBody(["set": "2026-01-01T00:00:00Z"]))
            #expect(setBack.status == .unprocessableContent)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains(#"redress_timed_work_total{kind="housekeeping",outcome="done"}"#))
            #expect(metrics.text.contains(#"redress_outbox_deliveries_total{channel="email",outcome="sent"} 1"#))
        }
    }

    @Test("issue 18: a backlog of mail drains batch after batch, never sleeping a poll interval while more is due")
    func backlogDrainsWithoutSleeping() async throws {
        let app = try await TestApp.make(.sqlite) { $0.pollInterval = .seconds(120) }
        let sql = app.services.database.sql
        let count = OutboxDispatcher.batch * 3 + 7
        try await OutboxStore().enqueue((0..<count).map { number in
            OutboxStore.NewMessage(channel: "email", kind: "test",
                                   payload: #"{"from":"a@x.test","to":["b\#(number)@x.test"],"subject":"s","text":"t"}"#,
                                   shop: nil)
        }, now: app.clock.now(), on: sql)
        let runner = Task { try await app.services.dispatcher.run() }
        var pending = count
        // Four batches; with a sleep between batches this would take 6 minutes.
        for _ in 0..<600 where pending > 0 {
            try await Task.sleep(for: .milliseconds(50))
            pending = try await OutboxStore().counts(on: sql).pending
        }
        runner.cancel()
        _ = await runner.result
        #expect(pending == 0, "\(pending) of \(count) still waiting")
        let sent = try await OutboxStore().counts(on: sql).sent
        #expect(sent == count, "each once")
        await app.close()
    }

    @Test("a failing delivery is retried with backoff, then given up and counted", arguments: [true])
    func deliveryRetries(_: Bool) async throws {
        let database = try await TestDatabase.make(.sqlite)
        var config = AppConfig(database: database.location)
        config.testClock = true
        let clock = AdjustableClock(start: TestApp.start)
        let transport = FailingTransport()
        let services = try await prepareServices(config: config, clock: clock, logger: testLogger,
                                                 mailTransport: transport)
        let sql = services.database.sql
        let id = try await OutboxStore().enqueue(
            channel: "email", kind: "test",
            payload: #"{"from":"a@x.test","to":["b@x.test"],"subject":"s","text":"t"}"#, shop: nil,
            now: clock.now(), on: sql)
        #expect(try await services.dispatcher.tick() == 1)
        var status = try #require(try await OutboxStore().status(id, on: sql))
        #expect(status.sentAt == nil && status.failedAt == nil && status.attempts == 1)
        let firstDelay = status.nextAttemptAt.timeIntervalSince(clock.now())
        #expect(firstDelay >= 60 && firstDelay <= 72)
        // Not retried before its time.
        #expect(try await services.dispatcher.tick() == 0)
        for _ in 0..<40 {
            clock.advance(by: 86_400 * 1.3)
            try await services.dispatcher.tick()
        }
        status = try #require(try await OutboxStore().status(id, on: sql))
        #expect(status.failedAt != nil, "given up after the policy's limit")
        #expect(status.lastError?.contains("550") == true)
        #expect(transport.attempts() == status.attempts)
        #expect(services.metrics.render().contains(#"redress_outbox_deliveries_total{channel="email",outcome="failed"} 1"#))
        await services.database.shutdown()
        await database.close()
    }

    @Test("sessions survive a restart and work on a second instance", arguments: Engine.available)
    func sessionsAcrossInstances(engine: Engine) async throws {
        let database = try await TestDatabase.make(engine)
        let first = try await TestApp.make(on: database)
        let browser = try await first.built.application().test(.router) { client in
            _ = try await client.createShop("kappa")
            return try await client.signIn("owner@kappa.test")
        }
        await first.services.database.shutdown()
        let second = try await TestApp.make(on: database)
        try await second.test { client in
            let shop = try await client.execute(uri: "/api/v1/shop", method: .get, headers: [.cookie: browser.cookie])
            #expect(shop.status == .ok)
            #expect(shop.json["slug"] as? String == "kappa")
        }
    }
}

/// A mail server that always refuses, to exercise retries.
final class FailingTransport: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func send(_ message: MailMessage, messageID: String) async throws {
        lock.withLock { count += 1 }
        throw SMTPRefusal()
    }

    func attempts() -> Int {
        lock.withLock { count }
    }

    struct SMTPRefusal: Error, CustomStringConvertible {
        var description: String { "550 mailbox unavailable" }
    }
}
