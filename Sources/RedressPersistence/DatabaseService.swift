internal import AsyncKit
internal import FluentKit
internal import FluentPostgresDriver
internal import FluentSQLiteDriver
import Foundation
import Logging
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

    public init(location: DatabaseLocation, logger: Logger, poolSize: Int = 4) throws {
        self.location = location
        self.logger = logger
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
        case .postgres(let url, let searchPath):
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

    /// A Fluent handle; use for schema work and simple writes.
    var db: any Database {
        databases.database(logger: logger, on: eventLoopGroup.any())!
    }

    /// A SQLKit handle; use for every conditional statement and every hot read.
    public var sql: DatabaseSession { DatabaseSession(db as! any SQLDatabase) }

    /// Runs `body` in one transaction; rows written through the given handle commit or roll back together.
    public func transaction<T: Sendable>(
        _ body: @Sendable @escaping (DatabaseSession) async throws -> T
    ) async throws -> T {
        guard location.isSQLite else {
            return try await db.transaction { tx in try await body(DatabaseSession(tx as! any SQLDatabase)) }
        }
        // SQLite: take the write lock up front. A deferred transaction that reads and then writes fails with
        // SQLITE_BUSY at once when another process (a second instance, the CLI) wrote in between, whatever the busy
        // timeout; BEGIN IMMEDIATE waits for the lock instead.
        return try await db.withConnection { connection in
            let sql = connection as! any SQLDatabase
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(DatabaseSession(sql))
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
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

    /// Sets the connection up for durability (WAL, synchronous writes on commit) and brings the schema up to date.
    public func prepare(migrate: Bool = true) async throws {
        if location.isSQLite {
            // WAL keeps readers off the writer's back. With WAL, synchronous=NORMAL keeps every acknowledged commit
            // through a crash of the process (not a power loss) at a fraction of the cost of FULL.
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            try await sql.raw("PRAGMA synchronous=NORMAL").run()
            try await sql.raw("PRAGMA busy_timeout=5000").run()
            // Reads map the file instead of copying pages through the kernel (re-reading pages was a fifth of a
            // report's time on a 1 GB database), and up to 64 MiB of pages stay in SQLite's own cache.
            try await sql.raw("PRAGMA mmap_size=1073741824").run()
            try await sql.raw("PRAGMA cache_size=-65536").run()
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
