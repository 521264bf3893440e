internal import AsyncKit
internal import FluentKit
internal import FluentPostgresDriver
internal import FluentSQLiteDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RedressCore
internal import SQLKit

/// Where the data lives: a SQLite file (the default, nothing to install) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String, searchPath: [String]? = nil)

    /// Parses `sqlite:PATH`, `sqlite::memory:` or `postgres://…` / `postgresql://…`.
    public init(parsing text: String) throws {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw DatabaseConfigurationError(message: "sqlite: needs a file path") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw DatabaseConfigurationError(
                message: "unknown database URL; use sqlite:PATH or postgres://user:pass@host:5432/db")
        }
    }

    /// A description that never includes a password.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url, _):
            guard var parts = URLComponents(string: url) else { return "postgres://…" }
            if parts.password != nil { parts.password = "***" }
            return parts.string ?? "postgres://…"
        }
    }

    public var isSQLite: Bool {
        if case .sqlite = self { return true }
        return false
    }
}

/// How SQLite makes a commit durable (`PRAGMA synchronous`). `full` (the default) syncs the write-ahead log on every
/// commit: an acknowledged write survives a power loss. `normal` syncs only at checkpoints: it survives a crash of the
/// process but a power loss can drop the last commits (`REDRESS_SQLITE_SYNCHRONOUS=normal`, docs/performance.md).
public enum SQLiteSynchronous: String, Sendable, CaseIterable {
    case full = "FULL"
    case normal = "NORMAL"
}

public struct DatabaseConfigurationError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Owns the connection pools and runs the migrations. The only door to the database for the other modules.
public final class DatabaseService: @unchecked Sendable {
    public let location: DatabaseLocation
    private let databases: Databases
    private let threadPool: NIOThreadPool
    private let ownedGroup: MultiThreadedEventLoopGroup?
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let synchronous: SQLiteSynchronous
    /// SQLite: the connections that only read (nil for an in-memory database, which another connection cannot see).
    private let readers: SQLiteReaders?
    /// SQLite: concurrent transactions committed together on the one writer connection.
    private let groupCommit = GroupCommit()

    public init(location: DatabaseLocation, logger: Logger, poolSize: Int = 4,
                synchronous: SQLiteSynchronous = .full) throws {
        self.location = location
        self.logger = logger
        self.synchronous = synchronous
        threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        switch location {
        case .sqlite(let path):
            // One connection on a private one-thread loop: concurrent write transactions on several SQLite
            // connections deadlocked in a probe here (ARCHITECTURE.md, rule 1).
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            ownedGroup = group
            eventLoopGroup = group
            databases = Databases(threadPool: threadPool, on: group)
            let storage: SQLiteConfiguration.Storage = path == ":memory:" ? .memory : .file(path: path)
            databases.use(.sqlite(.init(storage: storage), maxConnectionsPerEventLoop: 1, sqlLogLevel: .trace), as: .sqlite)
            readers = path == ":memory:" ? nil : SQLiteReaders(path: path, count: 2, logger: logger)
        case .postgres(let url, let searchPath):
            readers = nil
            ownedGroup = nil
            eventLoopGroup = MultiThreadedEventLoopGroup.singleton
            databases = Databases(threadPool: threadPool, on: eventLoopGroup)
            var configuration = try SQLPostgresConfiguration(url: url)
            configuration.searchPath = searchPath
            databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: poolSize, sqlLogLevel: .trace),
                as: .psql)
        }
    }

    /// A Fluent handle; use for schema work and simple writes. Throws once the service is shut down (a request or a
    /// worker still running then gets an error, never a crash).
    var db: any Database {
        get throws {
            guard !shuttingDown.withLockedValue({ $0 }), let handle = databases.database(logger: logger, on: eventLoopGroup.any()) else {
                throw DatabaseShutDown()
            }
            return handle
        }
    }

    /// A SQLKit handle; use for every conditional statement and every write outside a transaction. Once the service is
    /// shut down its queries fail with an error.
    public var sql: DatabaseSession {
        if !shuttingDown.withLockedValue({ $0 }),
           let handle = databases.database(logger: logger, on: eventLoopGroup.any()) as? any SQLDatabase {
            return DatabaseSession(handle)
        }
        let dialect: any SQLDialect = location.isSQLite ? SQLiteDialect() : PostgresDialect()
        return DatabaseSession(ShutDownDatabase(logger: logger, eventLoop: eventLoopGroup.any(), dialect: dialect))
    }

    /// A handle for reads only, for the hot reads of pages and lists (issue 18). On SQLite one of the reader
    /// connections (WAL lets them read while the writer writes; they refuse writes: `query_only`), so a page never
    /// waits behind the writer; on PostgreSQL the same pool as `sql`. A read here sees every acknowledged commit.
    public var read: DatabaseSession { readers?.next() ?? sql }

    /// Set when `shutdown()` begins: from then on `sql` and `read` hand out a handle whose queries fail.
    private let shuttingDown = NIOLockedValueBox(false)

    /// Runs `body` in one transaction; rows written through the given handle commit or roll back together.
    ///
    /// On SQLite the transactions of concurrent callers are committed together (group commit, issue 18): the one
    /// writer connection runs the waiting bodies one after another, each inside its own savepoint (a body that throws
    /// undoes only its own writes), then commits once; every caller is answered after that commit. One writer, as
    /// before (ARCHITECTURE.md, rule 1), but one sync of the log for many requests.
    public func transaction<T: Sendable>(
        _ body: @Sendable @escaping (DatabaseSession) async throws -> T
    ) async throws -> T {
        guard location.isSQLite else {
            return try await db.transaction { tx in
                let sql = tx as! any SQLDatabase
                let deferred = DeferredCounts()
                let value = try await body(DatabaseSession(sql, deferred: deferred))
                try await ReportRollupStore().flush(deferred, on: DatabaseSession(sql))
                return value
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let outcome = GroupCommit.Outcome<T>()
            let job = GroupCommit.Job(
                run: { session in
                    do {
                        outcome.value = try await body(session)
                        return true
                    } catch {
                        outcome.error = error
                        return false
                    }
                },
                finish: { commitError in
                    if let error = commitError ?? outcome.error {
                        continuation.resume(throwing: error)
                    } else {
                        continuation.resume(returning: outcome.value!)
                    }
                })
            if groupCommit.submit(job) {
                Task { await self.drainWrites() }
            }
        }
    }

    /// SQLite: how many transactions wait for the writer and how many batches it has committed (for tests).
    package var writerQueue: (waiting: Int, batches: Int) { groupCommit.figures }

    /// Runs the waiting transactions in batches until none is left (one drain at a time: `GroupCommit.submit`).
    private func drainWrites() async {
        while let jobs = groupCommit.nextBatch() {
            var failure: (any Error)?
            do {
                try await db.withConnection { connection in
                    let sql = connection as! any SQLDatabase
                    // BEGIN IMMEDIATE takes the write lock up front. A deferred transaction that reads and then writes
                    // fails with SQLITE_BUSY at once when another process (a second instance, the CLI) wrote in
                    // between, whatever the busy timeout; IMMEDIATE waits for the lock instead.
                    try await sql.raw("BEGIN IMMEDIATE").run()
                    do {
                        if jobs.count == 1 {
                            // Alone: no savepoint, the transaction itself commits or rolls back.
                            try await sql.raw(await jobs[0].run(DatabaseSession(sql)) ? "COMMIT" : "ROLLBACK").run()
                            return
                        }
                        for job in jobs {
                            try await sql.raw("SAVEPOINT redress_request").run()
                            if await job.run(DatabaseSession(sql)) {
                                try await sql.raw("RELEASE SAVEPOINT redress_request").run()
                            } else {
                                try await sql.raw("ROLLBACK TO SAVEPOINT redress_request").run()
                                try await sql.raw("RELEASE SAVEPOINT redress_request").run()
                            }
                        }
                        try await sql.raw("COMMIT").run()
                    } catch {
                        try? await sql.raw("ROLLBACK").run()
                        throw error
                    }
                }
            } catch {
                failure = error
            }
            for job in jobs { job.finish(failure) }
        }
    }

    /// Runs `body` inside a savepoint of the caller's transaction: on a throw only `body`'s writes are undone and the
    /// transaction goes on (also on PostgreSQL, where a failed statement otherwise aborts the whole transaction).
    public static func savepoint<T: Sendable>(
        on sql: DatabaseSession, _ body: () async throws -> T
    ) async throws -> T {
        try await sql.raw("SAVEPOINT redress_item").run()
        do {
            let result = try await body()
            try await sql.raw("RELEASE SAVEPOINT redress_item").run()
            return result
        } catch {
            try? await sql.raw("ROLLBACK TO SAVEPOINT redress_item").run()
            try? await sql.raw("RELEASE SAVEPOINT redress_item").run()
            throw error
        }
    }

    /// Sets the connections up for durability (WAL, a sync of the log on every commit unless relaxed) and brings the
    /// schema up to date.
    public func prepare(migrate: Bool = true) async throws {
        if location.isSQLite {
            // WAL keeps readers off the writer's back; synchronous=FULL syncs the log at every commit, so an
            // acknowledged write survives a power loss (group commit shares that sync among concurrent requests).
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            try await sql.raw(SQLQueryString("PRAGMA synchronous=\(unsafeRaw: synchronous.rawValue)")).run()
            try await SQLiteReaders.tune(sql.database)
            try await readers?.open()
        }
        if migrate { try await self.migrate() }
    }

    public func migrate() async throws {
        let migrations = Migrations()
        migrations.add(RedressMigrations.all)
        let migrator = Migrator(
            databases: databases, migrations: migrations, logger: logger, on: eventLoopGroup.any())
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
        let rebuilt = try await ReportRollupStore().rebuildIfRequested(on: sql)
        if rebuilt > 0 { logger.info("report roll-ups counted from the rows", metadata: ["shops": "\(rebuilt)"]) }
    }

    /// True when the database answers a trivial query.
    public func isReachable() async -> Bool {
        guard let handle = databases.database(logger: logger, on: eventLoopGroup.any()) as? any SQLDatabase else {
            return false
        }
        do {
            _ = try await handle.raw("SELECT 1 AS one").all()
            return true
        } catch {
            return false
        }
    }

    public func shutdown() async {
        shuttingDown.withLockedValue { $0 = true }
        await readers?.close()
        await databases.shutdownAsync()
        try? await ownedGroup?.shutdownGracefully()
        try? await threadPool.shutdownGracefully()
    }
}

extension Error {
    /// A unique or foreign-key constraint said no (ARCHITECTURE.md, rule 8).
    public var isConstraintFailure: Bool {
        (self as? any DatabaseError)?.isConstraintFailure ?? false
    }

    /// Every database connection stayed busy past the pool's wait: the server is overloaded, not broken.
    public var isDatabaseBusy: Bool { self is ConnectionPoolTimeoutError }
}
