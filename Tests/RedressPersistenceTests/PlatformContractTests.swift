import Foundation
import RedressCore
import RedressPersistence
import RedressTestSupport
import SQLKit
import Testing

/// Contract tests that run on SQLite and, when configured, PostgreSQL: the same code must behave the same (S6).
@Suite("Persistence contract")
struct PlatformContractTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func shop(_ slug: String) -> ShopRecord {
        ShopRecord(id: SecureToken.id("shp"), slug: slug, name: "Shop \(slug)", locale: "pl",
                   timeZone: "Europe/Warsaw", senderEmail: nil, version: 1, createdAt: now)
    }

    @Test("migrations run from empty and again without change", arguments: Engine.available)
    func migrationsFromEmpty(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let sql = database.service.sql
            for table in ["shops", "staff", "api_keys", "sessions", "deadlines", "outbox", "audit_log"] {
                let rows = try await sql.sqlDatabase.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
                #expect(try rows?.decode(column: "n", as: Int.self) == 0, "table \(table)")
            }
            try await database.service.migrate()
            let applied = try await sql.sqlDatabase.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()
            #expect(try applied?.decode(column: "n", as: Int.self) == 15)
        }
    }

    @Test("a taken slug fails by constraint", arguments: Engine.available)
    func uniquenessByConstraint(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let store = ShopStore()
            try await store.create(shop("alpha"), on: database.service.sql)
            await #expect {
                try await store.create(shop("alpha"), on: database.service.sql)
            } throws: { $0.isConstraintFailure }
            #expect(try await store.all(on: database.service.sql).count == 1)
        }
    }

    @Test("a stale version is refused and nothing changes", arguments: Engine.available)
    func optimisticLocking(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let store = ShopStore()
            let record = shop("beta")
            let sql = database.service.sql
            try await store.create(record, on: sql)
            let version = try await store.update(record.shopID, name: "First", locale: "en", timeZone: "UTC",
                                                 senderEmail: "first@example.com", expectedVersion: 1, on: sql)
            #expect(version == 2)
            await #expect(throws: StaleVersion.self) {
                try await store.update(record.shopID, name: "Second", locale: "pl", timeZone: "UTC",
                                       senderEmail: nil, expectedVersion: 1, on: sql)
            }
            let stored = try #require(try await store.find(record.shopID, on: sql))
            #expect(stored.name == "First" && stored.senderEmail == "first@example.com")
            #expect(stored.version == 2)
        }
    }

    @Test("two workers claiming the same due deadline at once: exactly one wins", arguments: Engine.available)
    func concurrentClaims(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let store = DeadlineStore()
            for index in 0..<20 {
                try await store.schedule(kind: "test.publish", subjectId: "r\(index)", shop: nil,
                                         dueAt: now.addingTimeInterval(-60), now: now, on: database.service.sql)
            }
            let second = try database.secondInstance()
            // Many rounds of two instances racing for the same rows.
            var claimedBy: [String: [String]] = [:]
            for round in 0..<10 {
                async let first = store.claim(owner: "a\(round)", now: now, lease: 60, limit: 2,
                                              on: database.service.sql)
                async let other = store.claim(owner: "b\(round)", now: now, lease: 60, limit: 2, on: second.sql)
                for work in try await first + other { claimedBy[work.subjectId, default: []].append("r\(round)") }
            }
            await second.shutdown()
            #expect(claimedBy.count == 20, "every due row was claimed")
            #expect(claimedBy.values.allSatisfy { $0.count == 1 }, "no row was claimed twice: \(claimedBy)")
        }
    }

    @Test("two instances delivering the outbox at once: each message is claimed once (N1)", arguments: Engine.available)
    func concurrentOutboxClaims(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let store = OutboxStore()
            try await store.enqueue((0..<20).map {
                OutboxStore.NewMessage(channel: "email", kind: "test", payload: "m\($0)", shop: nil)
            }, now: now.addingTimeInterval(-60), on: database.service.sql)
            let second = try database.secondInstance()
            var claimedBy: [String: [String]] = [:]
            for round in 0..<10 {
                async let first = store.claim(owner: "a\(round)", now: now, lease: 60, limit: 2, on: database.service.sql)
                async let other = store.claim(owner: "b\(round)", now: now, lease: 60, limit: 2, on: second.sql)
                for message in try await first + other { claimedBy[message.payload, default: []].append("r\(round)") }
            }
            await second.shutdown()
            #expect(claimedBy.count == 20, "every message was claimed")
            #expect(claimedBy.values.allSatisfy { $0.count == 1 }, "no message was claimed twice: \(claimedBy)")
            // Claimed but not marked sent (a crash after sending): after the lease it is claimed again, once.
            let again = try await store.claim(owner: "c", now: now.addingTimeInterval(61), lease: 60, limit: 50,
                                              on: database.service.sql)
            #expect(again.count == 20 && again.allSatisfy { $0.attempts == 2 })
        }
    }

    @Test("a crashed worker's lease expires and the work is retried", arguments: Engine.available)
    func leaseExpiry(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let store = DeadlineStore()
            let sql = database.service.sql
            try await store.schedule(kind: "test.publish", subjectId: "r1", shop: nil, dueAt: now, now: now, on: sql)
            let crashed = try await store.claim(owner: "crashed", now: now, lease: 120, limit: 10, on: sql)
            #expect(crashed.count == 1)
            // While the lease holds, nobody else gets it.
            #expect(try await store.claim(owner: "other", now: now.addingTimeInterval(60), lease: 120, limit: 10,
                                          on: sql).isEmpty)
            // After it expires, another worker does; the crashed one can no longer complete it.
            let retried = try await store.claim(owner: "other", now: now.addingTimeInterval(121), lease: 120,
                                                limit: 10, on: sql)
            #expect(retried.map(\.subjectId) == ["r1"])
            #expect(retried.first?.attempts == 2)
            #expect(try await store.complete(retried[0].id, owner: "crashed", now: now, on: sql) == false)
            #expect(try await store.complete(retried[0].id, owner: "other", now: now, on: sql) == true)
            #expect(try await store.pending(kind: "test.publish", subjectId: "r1", on: sql) == nil)
        }
    }

    @Test("work that is not due yet is not claimed", arguments: Engine.available)
    func notDueYet(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let store = DeadlineStore()
            let sql = database.service.sql
            try await store.schedule(kind: "k", subjectId: "s", shop: nil, dueAt: now.addingTimeInterval(10), now: now,
                                     on: sql)
            #expect(try await store.claim(owner: "w", now: now, lease: 60, limit: 5, on: sql).isEmpty)
            #expect(try await store.nextDue(on: sql) == now.addingTimeInterval(10))
            #expect(try await store.claim(owner: "w", now: now.addingTimeInterval(10), lease: 60, limit: 5,
                                          on: sql).count == 1)
        }
    }

    @Test("outbox rows roll back with their transaction", arguments: Engine.available)
    func outboxRollsBack(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let outbox = OutboxStore()
            struct Boom: Error {}
            let now = self.now
            let record = shop("gamma")
            await #expect(throws: Boom.self) {
                try await database.service.transaction { tx in
                    try await ShopStore().create(record, on: tx)
                    try await outbox.enqueue(channel: "email", kind: "test", payload: "{}", shop: nil, now: now, on: tx)
                    throw Boom()
                }
            }
            #expect(try await outbox.counts(on: database.service.sql) == .init(pending: 0, sent: 0, failed: 0))
            #expect(try await ShopStore().find(slug: "gamma", on: database.service.sql) == nil)
            // The same writes commit together.
            try await database.service.transaction { tx in
                try await ShopStore().create(record, on: tx)
                try await outbox.enqueue(channel: "email", kind: "test", payload: "{}", shop: nil, now: now, on: tx)
            }
            #expect(try await outbox.counts(on: database.service.sql) == .init(pending: 1, sent: 0, failed: 0))
        }
    }

    @Test("an outbox row is delivered by one dispatcher only", arguments: Engine.available)
    func outboxClaims(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let outbox = OutboxStore()
            let sql = database.service.sql
            let id = try await outbox.enqueue(channel: "email", kind: "test", payload: "{}", shop: nil, now: now, on: sql)
            let second = try database.secondInstance()
            async let a = outbox.claim(owner: "a", now: now, lease: 60, limit: 5, on: sql)
            async let b = outbox.claim(owner: "b", now: now, lease: 60, limit: 5, on: second.sql)
            let (first, other) = try await (a, b)
            await second.shutdown()
            #expect(first.count + other.count == 1)
            let owner = first.isEmpty ? "b" : "a"
            #expect(try await outbox.markSent(id, owner: owner == "a" ? "b" : "a", now: now, on: sql) == false)
            #expect(try await outbox.markSent(id, owner: owner, now: now, on: sql) == true)
            #expect(try await outbox.status(id, on: sql)?.sentAt == now)
        }
    }

    @Test("the audit log keeps entries per shop in order", arguments: Engine.available)
    func auditLog(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let log = AuditLog()
            let sql = database.service.sql
            let a = ShopID("shp_a")
            try await log.append(shop: a, actor: .staff("stf_1"), action: "x.created", subjectType: "x", subjectId: "x1",
                                 after: ["state": "open"], now: now, on: sql)
            try await log.append(shop: a, actor: .system, action: "x.closed", subjectType: "x", subjectId: "x1",
                                 before: ["state": "open"], after: ["state": "closed"], now: now.addingTimeInterval(1),
                                 on: sql)
            try await log.append(shop: ShopID("shp_b"), actor: .system, action: "y", subjectType: "y", subjectId: "y1",
                                 now: now, on: sql)
            let entries = try await log.entries(shop: a, on: sql)
            #expect(entries.map(\.action) == ["x.created", "x.closed"])
            #expect(entries[1].beforeState == #"{"state":"open"}"#)
            #expect(entries[1].afterState == #"{"state":"closed"}"#)
            #expect(entries[0].actorType == "staff" && entries[0].actorId == "stf_1")
        }
    }

    @Test("sessions are found by token until they expire", arguments: Engine.available)
    func sessions(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let sql = database.service.sql
            let record = shop("delta")
            try await ShopStore().create(record, on: sql)
            let staff = StaffRecord(id: "stf_1", shopId: record.id, email: "A@x.pl", emailNormalized: "a@x.pl",
                                    name: "A", role: "agent", passwordHash: "h", createdAt: now)
            try await StaffStore().create(staff, on: sql)
            let store = SessionStore()
            let (token, csrf) = try await store.create(staffId: "stf_1", shopId: record.id, now: now, lifetime: 3600,
                                                       on: sql)
            let found = try #require(try await store.find(token: token, now: now.addingTimeInterval(10), on: sql))
            #expect(found.csrfToken == csrf && found.shopSlug == "delta" && found.staffRole == .agent)
            #expect(try await store.find(token: token, now: now.addingTimeInterval(3600), on: sql) == nil)
            #expect(try await store.find(token: token + "x", now: now, on: sql) == nil)
            // The stored id is the token's hash, never the token.
            let ids = try await sql.sqlDatabase.select().column("id").from("sessions").all()
                .map { try $0.decode(column: "id", as: String.self) }
            #expect(ids == [SecretHash.of(token)])
        }
    }
}
