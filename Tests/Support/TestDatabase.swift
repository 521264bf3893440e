import Foundation
import Logging
import RedressPersistence
import SQLKit

/// The engines a contract test runs on: SQLite always, PostgreSQL when `TEST_POSTGRES_URL` is set (`.ci/run` and
/// `scripts/test` always set it).
public enum Engine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public static var available: [Engine] {
        ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    public var description: String { rawValue }
}

/// A fresh, migrated database for one test: a temporary SQLite file, or a new schema on the test PostgreSQL server.
public final class TestDatabase: @unchecked Sendable {
    public let location: DatabaseLocation
    public let service: DatabaseService
    private let cleanup: @Sendable () async -> Void

    /// At most this many PostgreSQL test databases are open at once: every one holds a pool (up to 4 connections
    /// per event loop), and the parallel tests opened more than the server's 200 connections ("too many clients"; a
    /// pool that failed to open then crashed the whole run with AsyncKit's shutdown assertion).
    static let postgresGate = AsyncGate(slots: 12)

    public static func make(_ engine: Engine, migrate: Bool = true) async throws -> TestDatabase {
        if engine == .postgres { await postgresGate.acquire() }
        do {
            let location = try await freshLocation(engine)
            let service = try DatabaseService(location: location, logger: testLogger)
            do {
                try await service.prepare(migrate: migrate)
            } catch {
                await service.shutdown()
                await drop(location)
                throw error
            }
            return TestDatabase(location: location, service: service)
        } catch {
            if engine == .postgres { await postgresGate.release() }
            throw error
        }
    }

    /// A location nobody else uses; the schema or file is removed at `close()`.
    public static func freshLocation(_ engine: Engine) async throws -> DatabaseLocation {
        switch engine {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("redress-test-\(UUID().uuidString).sqlite").path
            return .sqlite(path: path)
        case .postgres:
            guard let url = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"] else {
                throw DatabaseConfigurationError(message: "TEST_POSTGRES_URL is not set")
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let admin = try DatabaseService(location: .postgres(url: url), logger: testLogger, poolSize: 1)
            do {
                try await admin.sql.sqlDatabase.raw("CREATE SCHEMA \(ident: String(schema))").run()
            } catch {
                await admin.shutdown()
                throw error
            }
            await admin.shutdown()
            return .postgres(url: url, searchPath: [String(schema)])
        }
    }

    init(location: DatabaseLocation, service: DatabaseService) {
        self.location = location
        self.service = service
        self.cleanup = { await TestDatabase.drop(location) }
    }

    /// Another connection pool on the same data, as a second instance would have.
    public func secondInstance() throws -> DatabaseService {
        try DatabaseService(location: location, logger: testLogger)
    }

    public func close() async {
        await service.shutdown()
        await cleanup()
        if !location.isSQLite { await Self.postgresGate.release() }
    }

    static func drop(_ location: DatabaseLocation) async {
        switch location {
        case .sqlite(let path):
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        case .postgres(let url, let searchPath):
            guard let schema = searchPath?.first,
                  let admin = try? DatabaseService(location: .postgres(url: url), logger: testLogger, poolSize: 1)
            else { return }
            try? await admin.sql.sqlDatabase.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
            await admin.shutdown()
        }
    }
}

public let testLogger: Logger = {
    var logger = Logger(label: "redress-test")
    logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    return logger
}()

/// Runs `body` with a fresh database and always closes it.
public func withTestDatabase(_ engine: Engine, _ body: (TestDatabase) async throws -> Void) async throws {
    let database = try await TestDatabase.make(engine)
    do {
        try await body(database)
    } catch {
        await database.close()
        throw error
    }
    await database.close()
}

/// A counting semaphore for async code: `acquire` waits for a free slot.
actor AsyncGate {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
