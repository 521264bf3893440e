import Foundation
import RedressCore
import RedressPersistence
import RedressTestSupport
import SQLKit
import Testing

/// How the one SQLite writer commits (issue 18): durable by default, concurrent transactions committed together,
/// each undoing only its own writes when it fails; reads on their own connections that cannot write.
@Suite("Writer and readers")
struct WriterTests {
    struct Refused: Error {}

    @Test("SQLite syncs every commit by default (FULL); the reading connections refuse writes")
    func durableByDefault() async throws {
        try await withTestDatabase(.sqlite) { database in
            let sync = try await database.service.sql.sqlDatabase.raw("PRAGMA synchronous").first()
            #expect(try sync?.decode(column: "synchronous", as: Int.self) == 2, "2 is FULL")
            let reader = database.service.read.sqlDatabase
            let only = try await reader.raw("PRAGMA query_only").first()
            #expect(try only?.decode(column: "query_only", as: Int.self) == 1)
            await #expect(throws: (any Error).self) {
                try await InstallationStore().set("written-by-a-reader", "no", on: database.service.read)
            }
            #expect(try await InstallationStore().value("written-by-a-reader", on: database.service.sql) == nil)
        }
    }

    @Test("shutting down while reads run: every read answers or fails cleanly, none touches a closed connection")
    func shutdownDuringReads() async throws {
        for _ in 0..<5 {
            let location = try await TestDatabase.freshLocation(.sqlite)
            let service = try DatabaseService(location: location, logger: testLogger)
            try await service.prepare()
            let store = InstallationStore()
            try await store.set("probe", "yes", on: service.sql)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        var answered = true
                        for _ in 0..<20 {
                            do {
                                answered = try await store.value("probe", on: service.read) == "yes" && answered
                            } catch {
                                return answered // refused after the shutdown began: fine, as long as it is an error
                            }
                        }
                        return answered
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(2))
                    await service.shutdown()
                    return true
                }
                var all: [Bool] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.allSatisfy { $0 }, "a read that answered saw the committed row")
            if case .sqlite(let path) = location {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
    }

    @Test("normal is a choice: REDRESS_SQLITE_SYNCHRONOUS=normal gives synchronous NORMAL")
    func relaxedOnRequest() async throws {
        let location = try await TestDatabase.freshLocation(.sqlite)
        let service = try DatabaseService(location: location, logger: testLogger, synchronous: .normal)
        try await service.prepare()
        let sync = try await service.sql.sqlDatabase.raw("PRAGMA synchronous").first()
        #expect(try sync?.decode(column: "synchronous", as: Int.self) == 1, "1 is NORMAL")
        await service.shutdown()
        if case .sqlite(let path) = location { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test("40 transactions at once: every caller gets its own answer, the failing ones undo only their own writes",
          arguments: Engine.available)
    func groupCommit(engine: Engine) async throws {
        try await withTestDatabase(engine) { database in
            let service = database.service
            let store = InstallationStore()
            let before = service.writerQueue.batches
            let answers = try await withThrowingTaskGroup(of: (Int, Result<String, any Error>).self) { group in
                // SQLite: one transaction holds the writer until the 40 wait behind it, so they share one batch.
                let holding = engine == .sqlite
                if holding {
                    group.addTask {
                        let result = try await service.transaction { _ in
                            for _ in 0..<1000 where service.writerQueue.waiting < 40 {
                                try await Task.sleep(for: .milliseconds(5))
                            }
                            return "held"
                        }
                        return (-1, .success(result))
                    }
                    while service.writerQueue.batches == before { try await Task.sleep(for: .milliseconds(1)) }
                }
                for index in 0..<40 {
                    group.addTask {
                        do {
                            let value = try await service.transaction { tx in
                                try await store.set("group-\(index)", "value \(index)", on: tx)
                                // A savepoint of the caller's own inside the shared transaction still works.
                                try? await DatabaseService.savepoint(on: tx) {
                                    try await store.set("inner-\(index)", "undone", on: tx)
                                    throw Refused()
                                }
                                if index % 5 == 4 { throw Refused() }
                                return "answer \(index)"
                            }
                            return (index, .success(value))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var all: [Int: Result<String, any Error>] = [:]
                for try await (index, result) in group { all[index] = result }
                return all
            }
            for index in 0..<40 {
                let stored = try await store.value("group-\(index)", on: service.read)
                #expect(try await store.value("inner-\(index)", on: service.read) == nil)
                switch answers[index] {
                case .success(let value):
                    #expect(index % 5 != 4 && value == "answer \(index)" && stored == "value \(index)")
                case .failure(let error):
                    #expect(index % 5 == 4 && error is Refused && stored == nil, "\(index): \(error)")
                case nil:
                    Issue.record("no answer for \(index)")
                }
            }
            if engine == .sqlite {
                // The holding transaction alone, then the 40 that waited for it together.
                #expect(service.writerQueue.batches - before == 2, "\(service.writerQueue)")
            }
        }
    }
}
