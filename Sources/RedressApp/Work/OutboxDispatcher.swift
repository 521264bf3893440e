import Foundation
import Logging
import RedressCore
import RedressMail
import RedressPersistence
import ServiceLifecycle
import Synchronization

/// Runs when the row of one outbox kind was delivered, in the transaction that marks it sent (a decision letter
/// accepted by the mail server answers its complaint: C2).
public typealias OutboxSentHook = @Sendable (_ outboxId: String, _ sentAt: Date, _ tx: DatabaseSession) async throws -> Void

/// Delivers outbox rows (N1): claims them with a lease, sends, marks sent; on failure retries with exponential
/// backoff and jitter, and gives up after the policy's limit, leaving the failure visible. A crash between
/// sending and marking sent means one duplicate at most, never a loss.
public final class OutboxDispatcher: Service, Sendable {
    package let database: DatabaseService
    package let clock: any WallClock
    package let metrics: AppMetrics
    package let owner: String
    package let logger: Logger
    package let mail: any MailTransport
    package let poster: HTTPPoster?
    package let retryPolicy: RetryPolicy
    package let pollInterval: Duration
    /// Deliveries in flight at once (the SMTP sessions kept open).
    package let concurrency: Int
    private let sentHooks = Mutex<[String: OutboxSentHook]>([:])

    /// Adds the completion hooks of a feature's outbox kinds (`OutboxMessage.kind`).
    public func register(sent hooks: [String: OutboxSentHook]) {
        sentHooks.withLock { $0.merge(hooks) { $1 } }
    }

    package init(
        database: DatabaseService, clock: any WallClock, metrics: AppMetrics, owner: String, logger: Logger,
        mail: any MailTransport, poster: HTTPPoster? = nil, retryPolicy: RetryPolicy = RetryPolicy(),
        pollInterval: Duration = .seconds(1), concurrency: Int = 4
    ) {
        self.poster = poster
        self.concurrency = max(1, concurrency)
        self.database = database
        self.clock = clock
        self.metrics = metrics
        self.owner = owner
        self.logger = logger
        self.mail = mail
        self.retryPolicy = retryPolicy
        self.pollInterval = pollInterval
    }

    /// How many messages one tick claims.
    public static let batch = 50

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var claimed = 0
            do {
                claimed = try await tick()
            } catch {
                logger.warning("outbox tick failed", metadata: ["error.type": "\(type(of: error))"])
            }
            // A full batch means more is due: go on at once; sleep only once the due work is drained (issue 18).
            if claimed >= Self.batch { continue }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Claims and delivers one batch, `concurrency` at a time; returns how many rows it claimed.
    @discardableResult
    public func tick(limit: Int = OutboxDispatcher.batch) async throws -> Int {
        let claimed = try await OutboxStore().claim(owner: owner, now: clock.now(), lease: 300, limit: limit,
                                                    on: database.sql)
        // Rows delivered without a completion hook are marked sent together at the end of the batch: one write
        // instead of one per mail (issue 18). A crash before that mark means those mails go once more, never lost.
        let delivered = Delivered()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, message) in claimed.enumerated() {
                    if index >= concurrency { try await group.next() }
                    group.addTask { try await self.handle(message, delivered: delivered) }
                }
                try await group.waitForAll()
            }
        } catch {
            try await markDelivered(delivered.rows.withLock { $0 })
            throw error
        }
        try await markDelivered(delivered.rows.withLock { $0 })
        if !claimed.isEmpty, let counts = try? await OutboxStore().counts(on: database.sql) {
            metrics.setOutboxBacklog(pending: counts.pending, failed: counts.failed)
        }
        return claimed.count
    }

    /// The rows of one batch delivered so far and not yet marked sent.
    private final class Delivered: Sendable {
        let rows = Mutex<[OutboxMessage]>([])
    }

    private func markDelivered(_ messages: [OutboxMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await OutboxStore().markSent(messages.map(\.id), owner: owner, now: clock.now(), on: database.sql)
        for message in messages { metrics.recordDelivery(channel: message.channel, outcome: "sent") }
    }

    /// Delivers one claimed row and records the outcome: sent (a row without a completion hook is added to
    /// `delivered`, marked with its batch), retried later, or given up (at once when the failure is permanent,
    /// e.g. a refused recipient).
    private func handle(_ message: OutboxMessage, delivered: Delivered) async throws {
        let store = OutboxStore()
        let sql = database.sql
        do {
            try await deliver(message)
            guard let hook = sentHooks.withLock({ $0[message.kind] }) else {
                delivered.rows.withLock { $0.append(message) }
                return
            }
            // The kind's completion commits with the "sent" mark, or neither does.
            let sentAt = clock.now()
            try await database.transaction { tx in
                if try await store.markSent(message.id, owner: self.owner, now: sentAt, on: tx) {
                    try await hook(message.id, sentAt, tx)
                }
            }
            metrics.recordDelivery(channel: message.channel, outcome: "sent")
        } catch {
            let now = clock.now()
            let reason = String(String(describing: error).prefix(300))
            let permanent = (error as? any DeliveryFailure)?.isPermanent ?? false
            let outcome = permanent ? .giveUp : retryPolicy.next(
                afterFailures: message.attempts, firstAttempt: message.createdAt, now: now,
                random: Double.random(in: 0..<1))
            switch outcome {
            case .retry(let at):
                try await store.scheduleRetry(message.id, owner: owner, at: at, error: reason, on: sql)
                metrics.recordDelivery(channel: message.channel, outcome: "retried")
            case .giveUp:
                try await store.markFailed(message.id, owner: owner, now: now, error: reason, on: sql)
                metrics.recordDelivery(channel: message.channel, outcome: "failed")
            }
            logger.warning("delivery failed", metadata: ["outbox.id": "\(message.id)", "channel": "\(message.channel)",
                                                         "permanent": "\(permanent)"])
        }
    }

    private func deliver(_ message: OutboxMessage) async throws {
        switch message.channel {
        case OutboxChannel.email:
            let mailMessage = try JSONDecoder().decode(MailMessage.self, from: Data(message.payload.utf8))
            try await mail.send(mailMessage, messageID: mailMessage.messageID(outboxId: message.id))
        case OutboxChannel.webhook:
            try await call(try JSONDecoder().decode(WebhookCall.self, from: Data(message.payload.utf8)), message)
        default:
            throw UnknownChannel(channel: message.channel)
        }
    }

    /// POSTs a webhook body, signed with the endpoint's current secret, and logs the attempt for the panel.
    private func call(_ call: WebhookCall, _ message: OutboxMessage) async throws {
        let store = WebhookStore()
        guard let endpoint = try await store.endpoint(call.endpointId, on: database.sql), endpoint.disabledAt == nil
        else { throw WebhookDeliveryError.endpointRemoved }
        let poster = try self.poster ?? HTTPPoster()
        let now = clock.now()
        let timestamp = Int(now.timeIntervalSince1970)
        let started = ContinuousClock.now
        var failure: (any Error)?
        var status: Int?
        do {
            status = try await poster.post(url: endpoint.url, headers: [
                (WebhookSignature.header, WebhookSignature.sign(body: call.body, secret: endpoint.secret,
                                                                timestamp: timestamp)),
                ("X-Redress-Event", call.type), ("X-Redress-Delivery", call.eventId),
            ], body: call.body)
        } catch {
            failure = error
            status = (error as? WebhookDeliveryError)?.statusCode
        }
        let elapsed = ContinuousClock.now - started
        try await store.record(WebhookAttemptRecord(
            id: SecureToken.id("wha"), endpointId: endpoint.id, shopId: endpoint.shopId, outboxId: message.id,
            eventId: call.eventId, eventType: call.type, attempt: message.attempts, at: now, statusCode: status,
            error: failure.map { String(String(describing: $0).prefix(300)) },
            durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)),
            on: database.sql)
        if let failure { throw failure }
    }

    package struct UnknownChannel: Error, CustomStringConvertible {
        package let channel: String
        package var description: String { "unknown outbox channel \(channel)" }
    }
}

public enum OutboxChannel {
    public static let email = "email"
    public static let webhook = "webhook"
}
