import Foundation
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

@Suite("S6 timed work runs exactly once with two workers")
struct TimedWorkOnceTests {
    @Test("two instances racing publish each held review once and send each mail once", arguments: Engine.available)
    func exactlyOnce(engine: Engine) async throws {
        let app = try await TestApp.make(engine)
        let count = 30
        try await app.built.application().test(.router) { client in
            let shop = try await client.createShop("race")
            let scenario = ReviewScenario(client: client, app: app, shop: shop)
            for index in 0..<count {
                let token = try await scenario.orderWithLink("T-\(index)")
                _ = try await scenario.review(token, rating: 1)
            }
        }
        // A second instance on the same database, with its own pool, worker and dispatcher.
        let second = try await TestApp.make(engine, on: app.database)
        app.clock.advance(by: 8 * 86_400)
        second.clock.set(app.clock.now())
        async let first: Void = drain(app.services)
        async let other: Void = drain(second.services)
        _ = try await (first, other)

        let sql = app.services.database.sql
        let published = try await sql.sqlDatabase.raw("""
            SELECT subject_id, COUNT(*) AS n FROM audit_log WHERE action = 'review.published' GROUP BY subject_id
            """).all().map { (try $0.decode(column: "subject_id", as: String.self), try $0.decode(column: "n", as: Int.self)) }
        let errors = try await sql.sqlDatabase.raw("SELECT last_error FROM deadlines WHERE last_error IS NOT NULL").all()
            .map { try $0.decode(column: "last_error", as: String.self) }
        #expect(errors.isEmpty, "\(errors)")
        #expect(published.count == count, "every held review was published")
        #expect(published.allSatisfy { $0.1 == 1 }, "none twice")
        let outbox = try await OutboxStore().counts(on: sql)
        #expect(outbox.pending == 0 && outbox.failed == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: app.mailDirectory.path)
            + ((try? FileManager.default.contentsOfDirectory(atPath: second.mailDirectory.path)) ?? [])
        #expect(files.filter { $0.hasSuffix(".eml") }.count == outbox.sent, "each message written once")
        let stillHeld = try await sql.sqlDatabase.raw("SELECT COUNT(*) AS n FROM reviews WHERE status = 'standby'").first()
        #expect(try stillHeld?.decode(column: "n", as: Int.self) == 0)
        await second.services.database.shutdown()
        await app.close()
        try? FileManager.default.removeItem(at: second.mailDirectory)
    }

    private func drain(_ services: AppServices) async throws {
        // Small batches so both instances interleave.
        for _ in 0..<200 {
            let claimed = try await services.deadlineWorker.tick(limit: 2)
            let sent = try await services.dispatcher.tick(limit: 2)
            if claimed == 0 && sent == 0 { return }
        }
    }
}
