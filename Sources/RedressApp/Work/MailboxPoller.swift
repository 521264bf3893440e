import Foundation
import Logging
import RedressPersistence
import ServiceLifecycle

/// Polls the shops' IMAP mailboxes (E1) in the worker role: every mailbox at most once per `interval`, each claimed
/// with a lease so that of several instances one polls it; outside any database transaction (a poll talks to
/// another server).
public final class MailboxPoller: Service, Sendable {
    let services: AppServices
    let interval: TimeInterval

    public init(services: AppServices, interval: TimeInterval) {
        self.services = services
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await tick()
            } catch {
                services.logger.warning("mailbox poll round failed", metadata: ["error.type": "\(type(of: error))"])
            }
            // A round every 5 s (each mailbox is polled at most once per `interval`): a mailbox just set is polled at
            // once; in one-second steps, so a shutdown never waits for the next round.
            for _ in 0..<Int(min(interval, 5)) where !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Polls what is due now; returns how many mailboxes it polled.
    @discardableResult
    public func tick() async throws -> Int {
        let due = try await MailboxStore().claimDue(owner: services.config.instanceName, now: services.clock.now(),
                                                    interval: interval, lease: 600, on: services.database.sql)
        let inbound = InboundMail(services: services)
        for mailbox in due { _ = await inbound.poll(mailbox) }
        return due.count
    }
}
