import Foundation
import Logging
import RedressCore
import RedressMail
import RedressPersistence
import ServiceLifecycle

/// Delivers outbox rows (N1): claims them with a lease, sends, marks sent; on failure retries with exponential
/// backoff and jitter, and gives up after the policy's limit, leaving the failure visible. A crash between
/// sending and marking sent means one duplicate at most, never a loss.
public final class OutboxDispatcher: Service, Sendable {
    let database: DatabaseService
    let clock: any WallClock
    let metrics: AppMetrics
    let owner: String
    let logger: Logger
    let mail: any MailTransport
    let retryPolicy: RetryPolicy
    let pollInterval: Duration

    init(
        database: DatabaseService, clock: any WallClock, metrics: AppMetrics, owner: String, logger: Logger,
        mail: any MailTransport, retryPolicy: RetryPolicy = RetryPolicy(), pollInterval: Duration = .seconds(1)
    ) {
        self.database = database
        self.clock = clock
        self.metrics = metrics
        self.owner = owner
        self.logger = logger
        self.mail = mail
        self.retryPolicy = retryPolicy
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await tick()
            } catch {
                logger.warning("outbox tick failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Claims and delivers one batch; returns how many rows it claimed.
    @discardableResult
    public func tick(limit: Int = 20) async throws -> Int {
        let store = OutboxStore()
        let sql = database.sql
        let claimed = try await store.claim(owner: owner, now: clock.now(), lease: 300, limit: limit, on: sql)
        for message in claimed {
            do {
                try await deliver(message)
                try await store.markSent(message.id, owner: owner, now: clock.now(), on: sql)
                metrics.recordDelivery(channel: message.channel, outcome: "sent")
            } catch {
                let now = clock.now()
                let reason = String(describing: error).prefix(300)
                switch retryPolicy.next(afterFailures: message.attempts, firstAttempt: message.createdAt, now: now,
                                        random: Double.random(in: 0..<1)) {
                case .retry(let at):
                    try await store.scheduleRetry(message.id, owner: owner, at: at, error: String(reason), on: sql)
                    metrics.recordDelivery(channel: message.channel, outcome: "retried")
                case .giveUp:
                    try await store.markFailed(message.id, owner: owner, now: now, error: String(reason), on: sql)
                    metrics.recordDelivery(channel: message.channel, outcome: "failed")
                }
                logger.warning("delivery failed", metadata: ["outbox.id": "\(message.id)",
                                                             "channel": "\(message.channel)"])
            }
        }
        if !claimed.isEmpty, let counts = try? await store.counts(on: sql) {
            metrics.setOutboxBacklog(pending: counts.pending, failed: counts.failed)
        }
        return claimed.count
    }

    private func deliver(_ message: OutboxMessage) async throws {
        switch message.channel {
        case OutboxChannel.email:
            let mailMessage = try JSONDecoder().decode(MailMessage.self, from: Data(message.payload.utf8))
            try await mail.send(mailMessage, messageID: "\(message.id)@redress")
        default:
            throw UnknownChannel(channel: message.channel)
        }
    }

    struct UnknownChannel: Error, CustomStringConvertible {
        let channel: String
        var description: String { "unknown outbox channel \(channel)" }
    }
}

public enum OutboxChannel {
    public static let email = "email"
    public static let webhook = "webhook"
}
