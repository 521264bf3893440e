import Foundation
import Logging
import RedressCore
import RedressPersistence
import ServiceLifecycle

/// What a handler of timed work gets: the row, a transaction to write in, and now.
public struct TimedWorkContext: Sendable {
    public let work: DueWork
    /// The row's kind with its payload.
    public let kind: TimedWorkKind
    public let now: Date
    public let sql: DatabaseSession
}

/// What became of a piece of timed work: finished, or to run again at a later time (recurring work).
public enum TimedWorkOutcome: Sendable, Equatable {
    case done
    case repeatAt(Date)
}

public typealias TimedWorkHandler = @Sendable (TimedWorkContext) async throws -> TimedWorkOutcome

/// Handles many due items of one kind at once with set-based statements; returns the ids it finished. Items it does
/// not return go through the kind's one-by-one handler.
public typealias TimedWorkBatchHandler = @Sendable ([DueWork], Date, DatabaseSession) async throws -> Set<String>

/// Runs due rows of the deadline table (S6): claims them with a lease, runs each kind's handler in a transaction
/// together with marking it done, and releases failures for a retry. Safe to run in several instances.
public final class DeadlineWorker: Service, Sendable {
    package let database: DatabaseService
    package let clock: any WallClock
    package let metrics: AppMetrics
    package let owner: String
    package let logger: Logger
    private let handlerBox: HandlerBox
    package let lease: TimeInterval = 120
    package let pollInterval: Duration

    package init(
        database: DatabaseService, clock: any WallClock, metrics: AppMetrics, owner: String, logger: Logger,
        handlers: [TimedWorkKind.Family: TimedWorkHandler], pollInterval: Duration = .seconds(1)
    ) {
        self.database = database
        self.clock = clock
        self.metrics = metrics
        self.owner = owner
        self.logger = logger
        self.handlerBox = HandlerBox(handlers)
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var claimed = 0
            do {
                claimed = try await tick()
            } catch {
                logger.warning("deadline worker tick failed", metadata: ["error.type": "\(type(of: error))"])
            }
            // After a batch, look again at once (a backlog, or work in steps such as a report re-zone, drains
            // quickly); idle, wait the poll interval.
            try? await Task.sleep(for: claimed > 0 ? .milliseconds(10) : pollInterval)
        }
    }

    /// Claims and runs one batch of due work; returns how many rows it claimed. The batch runs in one transaction,
    /// each item in its own savepoint: an item's writes and its "done" mark commit together, and a failing item is
    /// undone alone and released for a retry.
    @discardableResult
    public func tick(limit: Int = 200) async throws -> Int {
        let store = DeadlineStore()
        let claimed = try await store.claim(owner: owner, now: clock.now(), lease: lease, limit: limit,
                                            on: database.sql)
        guard !claimed.isEmpty else { return 0 }
        let now = clock.now()
        let owner = self.owner
        let handlerBox = self.handlerBox
        let metrics = self.metrics
        let logger = self.logger
        let results = try await database.transaction { tx in
            var results: [(DueWork, String, (any Error)?)] = []
            var remaining: [DueWork] = []
            for (kind, works) in Dictionary(grouping: claimed, by: \.kind) {
                guard let family = TimedWorkKind(stored: kind)?.family, let batch = handlerBox.batchHandler(family) else {
                    remaining += works
                    continue
                }
                let finished: Set<String>
                do {
                    finished = try await DatabaseService.savepoint(on: tx) { () async throws -> Set<String> in
                        let handled = try await batch(works, now, tx)
                        return try await store.completeAll(Array(handled), owner: owner, now: now, on: tx)
                    }
                } catch {
                    // The batch is undone; its items go through the one-by-one handler below.
                    finished = []
                    metrics.recordTimedWork(kind: kind, outcome: "batch_failed")
                    logger.warning("timed work batch failed", metadata: ["kind": "\(kind)",
                                                                         "error.type": "\(type(of: error))"])
                }
                for work in works {
                    if finished.contains(work.id) { results.append((work, "done", nil)) } else { remaining.append(work) }
                }
            }
            for work in remaining {
                guard let kind = TimedWorkKind(stored: work.kind), let handler = handlerBox.handler(kind.family) else {
                    results.append((work, "unknown", nil))
                    continue
                }
                do {
                    try await DatabaseService.savepoint(on: tx) {
                        let outcome = try await handler(TimedWorkContext(work: work, kind: kind, now: now, sql: tx))
                        guard try await store.complete(work.id, owner: owner, now: now, repeatAt: outcome.repeatAt,
                                                       on: tx)
                        else { throw LeaseLost() }
                    }
                    results.append((work, "done", nil))
                } catch is LeaseLost {
                    results.append((work, "lease_lost", nil))
                } catch {
                    results.append((work, "retried", error))
                }
            }
            return results
        }
        for (work, outcome, error) in results {
            metrics.recordTimedWork(kind: work.kind, outcome: outcome)
            switch outcome {
            case "unknown":
                try await store.release(work.id, owner: owner, error: "no handler for \(work.kind)",
                                        retryAt: now.addingTimeInterval(3600), on: database.sql)
            case "retried":
                let delay = RetryPolicy(initial: 30, maximum: 3600, jitter: 0.2)
                    .delay(afterFailures: work.attempts, random: Double.random(in: 0..<1))
                try? await store.release(work.id, owner: owner, error: "\(type(of: error!))",
                                         retryAt: now.addingTimeInterval(delay), on: database.sql)
                logger.warning("timed work failed", metadata: ["kind": "\(work.kind)", "id": "\(work.id)",
                                                               "error.type": "\(type(of: error!))"])
            default:
                break
            }
        }
        return claimed.count
    }

    package struct LeaseLost: Error {}

    /// Adds the handlers of a feature's kinds (each feature registers its own at boot).
    public func register(_ handlers: [TimedWorkKind.Family: TimedWorkHandler],
                         batch: [TimedWorkKind.Family: TimedWorkBatchHandler] = [:]) {
        handlerBox.add(handlers, batch: batch)
    }

    /// Whether a handler runs `family` (each feature registers its own at boot).
    package func handles(_ family: TimedWorkKind.Family) -> Bool { handlerBox.handler(family) != nil }

    private final class HandlerBox: @unchecked Sendable {
        private let lock = NSLock()
        private var handlers: [TimedWorkKind.Family: TimedWorkHandler]
        private var batchHandlers: [TimedWorkKind.Family: TimedWorkBatchHandler] = [:]

        package init(_ handlers: [TimedWorkKind.Family: TimedWorkHandler]) { self.handlers = handlers }

        package func add(_ more: [TimedWorkKind.Family: TimedWorkHandler],
                         batch: [TimedWorkKind.Family: TimedWorkBatchHandler]) {
            lock.withLock {
                handlers.merge(more) { $1 }
                batchHandlers.merge(batch) { $1 }
            }
        }

        package func batchHandler(_ kind: TimedWorkKind.Family) -> TimedWorkBatchHandler? {
            lock.withLock { batchHandlers[kind] }
        }

        package func handler(_ kind: TimedWorkKind.Family) -> TimedWorkHandler? {
            lock.withLock { handlers[kind] }
        }
    }
}

/// The installation's own timed work; the features register theirs (reviews, complaints, reports).
package enum TimedWork {
    package static let housekeeping = TimedWorkKind.housekeeping.stored

    package static func handlers(config: AppConfig) -> [TimedWorkKind.Family: TimedWorkHandler] {
        [
            .housekeeping: { context in
                // Forget expired sessions and old login failures, then come back in an hour.
                try await SessionStore().deleteExpired(now: context.now, on: context.sql)
                try await ThrottleStore().prune(before: LoginThrottle().windowStart(now: context.now), on: context.sql)
                return .repeatAt(context.now.addingTimeInterval(3600))
            },
        ]
    }
}

extension TimedWorkOutcome {
    package var repeatAt: Date? {
        if case .repeatAt(let date) = self { return date }
        return nil
    }
}
