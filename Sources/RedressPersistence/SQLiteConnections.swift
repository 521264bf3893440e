internal import FluentSQLiteDriver
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
internal import SQLKit

/// SQLite's reading connections (issue 18): WAL lets them read while the one writer writes, each on its own thread,
/// so a page or a list never queues behind a create. They are opened `query_only`: a write sent here by mistake fails
/// loudly instead of breaking the single-writer rule (ARCHITECTURE.md, rule 1).
final class SQLiteReaders: @unchecked Sendable {
    private let path: String
    private let count: Int
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let group: MultiThreadedEventLoopGroup
    private let lock = NIOLock()
    private var connections: [SQLiteConnection] = []
    private var handles: [any SQLDatabase] = []
    private var turn = 0
    /// Queries under way on the readers, and whether `close()` began: a connection is closed only once no query runs
    /// on it (closing a handle while another thread enters `sqlite3_prepare` on it is a use-after-free in libsqlite3).
    private var inFlight = 0
    private var closing = false
    private var drained: [CheckedContinuation<Void, Never>] = []

    init(path: String, count: Int, logger: Logger) {
        self.path = path
        self.count = count
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: count)
        threadPool.start()
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Opens the connections; until then (and for a database nobody prepared) `next()` is nil and reads go to the
    /// writer.
    func open() async throws {
        guard lock.withLock({ connections.isEmpty }) else { return }
        var opened: [SQLiteConnection] = []
        for _ in 0..<count {
            let connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threadPool, logger: logger, on: group.any()).get()
            let sql = connection.sql(queryLogLevel: .trace)
            try await Self.tune(sql)
            try await sql.raw("PRAGMA query_only=1").run()
            opened.append(connection)
        }
        lock.withLock {
            connections = opened
            handles = opened.map { GatedReader(inner: $0.sql(queryLogLevel: .trace), readers: self) }
        }
    }

    /// The reading connections in turn.
    func next() -> DatabaseSession? {
        lock.withLock {
            guard !handles.isEmpty else { return nil }
            turn = (turn + 1) % handles.count
            return DatabaseSession(handles[turn])
        }
    }

    /// What every connection of the file sets: wait up to 5 s for a lock; reads map the file instead of copying pages
    /// through the kernel (re-reading pages was a fifth of a report's time on a 1 GB database), and up to 64 MiB of
    /// pages stay in SQLite's own cache.
    static func tune(_ sql: any SQLDatabase) async throws {
        try await sql.raw("PRAGMA busy_timeout=5000").run()
        try await sql.raw("PRAGMA mmap_size=1073741824").run()
        try await sql.raw("PRAGMA cache_size=-65536").run()
    }

    /// A query may start: false once `close()` began (the query then fails instead of touching a closed handle).
    fileprivate func enter() -> Bool {
        lock.withLock {
            guard !closing else { return false }
            inFlight += 1
            return true
        }
    }

    fileprivate func leave() {
        let waiting: [CheckedContinuation<Void, Never>] = lock.withLock {
            inFlight -= 1
            guard closing, inFlight == 0 else { return [] }
            defer { drained = [] }
            return drained
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Refuses new queries, waits for the ones under way, then closes the connections and their threads.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = lock.withLock {
                closing = true
                if inFlight == 0 { return true }
                drained.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        let open = lock.withLock {
            defer { connections = []; handles = [] }
            return connections
        }
        for connection in open { try? await connection.close() }
        try? await group.shutdownGracefully()
        try? await threadPool.shutdownGracefully()
    }
}

/// A reading connection that counts its queries, so `SQLiteReaders.close()` can wait for them.
private struct GatedReader: SQLDatabase {
    let inner: any SQLDatabase
    let readers: SQLiteReaders

    var logger: Logger { inner.logger }
    var eventLoop: any EventLoop { inner.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { inner.version }
    var dialect: any SQLDialect { inner.dialect }
    var queryLogLevel: Logger.Level? { inner.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        guard readers.enter() else { return eventLoop.makeFailedFuture(DatabaseShutDown()) }
        let result = inner.execute(sql: query, onRow)
        result.whenComplete { _ in readers.leave() }
        return result
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        guard readers.enter() else { throw DatabaseShutDown() }
        defer { readers.leave() }
        try await inner.execute(sql: query, onRow)
    }
}

/// A query asked for after the database was shut down: it fails with this instead of touching a closed connection.
struct DatabaseShutDown: Error, CustomStringConvertible {
    var description: String { "the database is shut down" }
}

/// What `DatabaseService.sql` hands out once shut down: every query fails with `DatabaseShutDown`.
struct ShutDownDatabase: SQLDatabase {
    let logger: Logger
    let eventLoop: any EventLoop
    let dialect: any SQLDialect

    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeFailedFuture(DatabaseShutDown())
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        throw DatabaseShutDown()
    }
}

/// The transactions waiting for SQLite's writer (issue 18): `DatabaseService.transaction` queues a job, one drain at
/// a time takes up to `batchLimit` of them and commits them together.
final class GroupCommit: @unchecked Sendable {
    /// A caller's transaction: `run` does its work inside the shared transaction (false: it threw and its writes are
    /// to be undone), `finish` answers the caller once the batch is committed (with the commit's error, if any).
    struct Job: Sendable {
        let run: @Sendable (DatabaseSession) async -> Bool
        let finish: @Sendable ((any Error)?) -> Void
    }

    /// What a job's body returned or threw, kept until the commit.
    final class Outcome<T>: @unchecked Sendable {
        var value: T?
        var error: (any Error)?
    }

    static let batchLimit = 64
    private let lock = NIOLock()
    private var waiting: [Job] = []
    private var draining = false
    private var batches = 0

    /// How many transactions wait, and how many batches were taken so far (for tests).
    var figures: (waiting: Int, batches: Int) { lock.withLock { (waiting.count, batches) } }

    /// Queues `job`; true when the caller must start a drain (none is running).
    func submit(_ job: Job) -> Bool {
        lock.withLock {
            waiting.append(job)
            if draining { return false }
            draining = true
            return true
        }
    }

    /// The next jobs to commit together, oldest first; nil (and the drain ends) when none waits.
    func nextBatch() -> [Job]? {
        lock.withLock {
            guard !waiting.isEmpty else {
                draining = false
                return nil
            }
            batches += 1
            let taken = min(waiting.count, Self.batchLimit)
            let batch = Array(waiting.prefix(taken))
            waiting.removeFirst(taken)
            return batch
        }
    }
}
