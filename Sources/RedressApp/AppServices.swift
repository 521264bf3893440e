import Foundation
import Synchronization
import HummingbirdBcrypt
import Logging
import NIOPosix
import RedressCore
import RedressMail
import RedressPersistence

/// The parts every room shares, built once at boot and injected into controllers and workers.
public final class AppServices: Sendable {
    public let config: AppConfig
    public let database: DatabaseService
    public let clock: any WallClock
    public let metrics: AppMetrics
    public let logger: Logger
    package let shops = ShopStore()
    package let staff = StaffStore()
    package let apiKeys = APIKeyStore()
    package let sessions = SessionStore()
    package let throttle = ThrottleStore()
    package let installation = InstallationStore()
    package let deadlines = DeadlineStore()
    package let outbox = OutboxStore()
    package let audit = AuditLog()
    public let loginThrottle = LoginThrottle()
    public let reportCache = ReportCache()
    public let deadlineWorker: DeadlineWorker
    public let dispatcher: OutboxDispatcher
    /// A bcrypt hash of a random string at the installation's work factor: a sign-in for an address that is no
    /// staff member's spends as long as one with a wrong password (issue 15, item 8). Made at the first use, so
    /// admin commands and start-up do not pay for it.
    public var dummyPasswordHash: String {
        dummyHash.withLock { hash in
            if let hash { return hash }
            let made = Bcrypt.hash(SecureToken.make(bytes: 16), cost: config.bcryptCost)
            hash = made
            return made
        }
    }
    private let dummyHash = Mutex<String?>(nil)
    /// The reply-token key once read (`replyTokens(on:)`).
    let replyTokenKey = Mutex<[UInt8]?>(nil)
    private let closed = Mutex(false)

    public init(
        config: AppConfig, database: DatabaseService, clock: any WallClock, logger: Logger,
        mailTransport: (any MailTransport)? = nil
    ) {
        self.config = config
        self.database = database
        self.clock = clock
        self.logger = logger
        let metrics = AppMetrics()
        self.metrics = metrics
        let transport: any MailTransport
        if let mailTransport {
            transport = mailTransport
        } else if let smtp = config.smtp, let client = try? SMTPTransport(configuration: smtp, now: { clock.now() }) {
            transport = client
        } else {
            if config.smtp != nil { logger.error("SMTP settings unusable (the ca file?); writing mail to the folder") }
            transport = FileMailTransport(directory: URL(fileURLWithPath: config.mailDirectory), now: { clock.now() })
        }
        deadlineWorker = DeadlineWorker(
            database: database, clock: clock, metrics: metrics, owner: config.instanceName, logger: logger,
            handlers: TimedWork.handlers(config: config), pollInterval: config.pollInterval)
        dispatcher = OutboxDispatcher(
            database: database, clock: clock, metrics: metrics, owner: config.instanceName, logger: logger,
            mail: transport, poster: try? HTTPPoster(timeout: config.webhookTimeout,
                                                     allowPrivateTargets: config.allowPrivateWebhookTargets), retryPolicy: config.deliveryRetry, pollInterval: config.pollInterval,
            concurrency: config.smtp?.connections ?? 4)
        let reviews = ReviewService(services: self)
        deadlineWorker.register(reviews.handlers(), batch: reviews.batchHandlers())
        let complaints = ComplaintService(services: self)
        deadlineWorker.register(complaints.handlers(), batch: [:])
        dispatcher.register(sent: complaints.sentHooks())
        deadlineWorker.register(ReportService(services: self).handlers(), batch: [:])
    }

    /// Admin token or shop API key → identity; nil for anything unknown or revoked.
    package func identity(forBearer token: String) async throws -> Identity? {
        guard !token.isEmpty, token.count < 512 else { return nil }
        let sql = database.read
        if token.hasPrefix("rk_") {
            return try await apiKeys.shop(forSecret: token, on: sql).map(Identity.integration)
        }
        if let adminHash = try await installation.value(InstallationKeys.adminTokenHash, on: sql),
           constantTimeEquals(adminHash, SecretHash.of(token))
        {
            return .admin
        }
        return nil
    }

    /// Makes sure an admin token exists. Returns the token when one was generated now, so the caller prints it once.
    public func ensureAdminToken() async throws -> String? {
        let sql = database.sql
        if let configured = config.adminToken, !configured.isEmpty {
            try await installation.set(InstallationKeys.adminTokenHash, SecretHash.of(configured), on: sql)
            return nil
        }
        if try await installation.value(InstallationKeys.adminTokenHash, on: sql) != nil { return nil }
        let token = "adm_" + SecureToken.make(bytes: 32)
        let stored = try await installation.valueOrInsert(InstallationKeys.adminTokenHash, SecretHash.of(token), on: sql)
        return stored == SecretHash.of(token) ? token : nil
    }

    /// Runs all timed work that is due now, repeatedly, until none is left (the test clock's promise).
    /// Moves the test clock to `target` as real time would: from one due item to the next (deadlines, outbox
    /// attempts and retries), running what is due at each moment, so work runs in the order it falls due
    /// (issue 15: a decision mailed just before a jump is delivered before the legal deadline passes).
    public func walkClock(_ clock: AdjustableClock, to target: Date) async throws {
        let sql = database.sql
        for _ in 0..<20_000 {
            try await runDueWork()
            let candidates = [try await deadlines.nextDue(on: sql), try await outbox.nextAttempt(on: sql)].compactMap { $0 }
            // Nothing more before the target, or something due now that could not run (leased by another
            // instance): time goes on to the target.
            guard let next = candidates.min(), next <= target, next > clock.now() else { break }
            _ = clock.set(next)
        }
        _ = clock.set(max(target, clock.now()))
        try await runDueWork()
    }

    /// A bcrypt hash at the installation's work factor, computed off the event loops.
    package func passwordHash(_ password: String) async throws -> String {
        let cost = config.bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Closes what the process holds open, after the server and the workers stopped: the pooled SMTP sessions (with
    /// QUIT, so the mail server does not log dropped connections) and the database. Every one-off command ends with
    /// it; `redress serve` runs it as the first service of the group (`ResourcesService`), so it stops last. Safe to
    /// call twice: the second call does nothing.
    public func shutdown() async {
        guard closed.withLock({ done in defer { done = true }; return !done }) else { return }
        await dispatcher.mail.close()
        await database.shutdown()
    }

    public func runDueWork() async throws {
        // Bounded so a handler that keeps rescheduling itself at "now" cannot spin forever.
        for _ in 0..<100_000 {
            let deadlines = try await deadlineWorker.tick(limit: 200)
            let messages = try await dispatcher.tick(limit: 200)
            if deadlines == 0 && messages == 0 {
                // Work leased by the background worker of this (or another) instance is not done yet: wait for it,
                // so the answer comes after everything that was due.
                guard try await self.deadlines.dueCount(now: clock.now(), on: database.sql) > 0 else { return }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}

package enum InstallationKeys {
    package static let adminTokenHash = "admin_token_hash"
}

package func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let a = Array(lhs.utf8)
    let b = Array(rhs.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
