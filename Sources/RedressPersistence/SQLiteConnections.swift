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
            handles = opened.map { $0.sql(queryLogLevel: .trace) }
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

    func close() async {
        let open = lock.withLock {
            defer { connections = []; handles = [] }
            return connections
        }
        for connection in open { try? await connection.close() }
        try? await group.shutdownGracefully()
        try? await threadPool.shutdownGracefully()
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
