import Crypto
import Foundation
import RedressCore
import RedressMail
import RedressPersistence

/// Secrets the installation keeps for shops (the IMAP password, E1): AES-GCM with the installation's key (made by
/// the migration AddMailboxes). A database dump shows no password; the key lives in the same database, so this
/// protects the column, not a stolen database.
package struct SecretBox: Sendable {
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    package static func load(on sql: DatabaseSession, services: AppServices) async throws -> SecretBox {
        guard let text = try await services.installation.value("secret.box_key", on: sql) else {
            throw AppError.conflict("secret.no_key", "The database has no secret key: run redress migrate.")
        }
        return SecretBox(keyBytes: Array(SHA256.hash(data: Data(text.utf8))))
    }

    package func seal(_ text: String) throws -> String {
        try AES.GCM.seal(Data(text.utf8), using: key).combined!.base64EncodedString()
    }

    package func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw AppError.conflict("secret.broken", "A sealed secret is not base64.") }
        return String(decoding: try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }
}

extension InboundMail {
    /// The mailbox as the API shows it: never the password.
    package struct MailboxView: Sendable, Encodable {
        package var imapUrl: String
        package var enabled: Bool
        package var lastPollAt: Date?
        package var lastError: String?
        package var lastUid: Int64
    }

    package func mailbox(shop: ShopID) async throws -> MailboxView? {
        guard let record = try await MailboxStore().find(shop: shop, on: services.database.sql) else { return nil }
        return MailboxView(imapUrl: record.url, enabled: record.enabled, lastPollAt: record.lastPollAt,
                           lastError: record.lastError, lastUid: record.lastUid)
    }

    /// Sets the shop's mailbox from `imaps://user:pass@host:993/INBOX` (checked, not connected to); the password is
    /// sealed, the rest kept for display.
    package func setMailbox(shop: ShopID, url: String, enabled: Bool, actor: AuditActor) async throws -> MailboxView {
        let configuration: IMAPConfiguration
        do {
            configuration = try IMAPConfiguration(url: url)
        } catch {
            throw AppError.invalid(["imapUrl": "\(error)"])
        }
        if !services.config.allowPrivateWebhookTargets,
           NetworkAddress.isLocalName(configuration.host) || NetworkAddress.literal(configuration.host)?.isPublic == false {
            throw AppError.invalid(["imapUrl": "must be a server on the public internet, not this machine or a private network"])
        }
        var shown = configuration.redacted
        if let ca = configuration.trustedCertificateFile { shown += "?ca=\(ca)" }
        let services = self.services, displayed = shown
        try await services.database.transaction { tx in
            let box = try await SecretBox.load(on: tx, services: services)
            let previous = try await MailboxStore().find(shop: shop, on: tx)
            try await MailboxStore().save(
                MailboxRecord(shopId: shop.rawValue, url: displayed, passwordSealed: try box.seal(configuration.password),
                              enabled: enabled, updatedAt: services.clock.now()),
                resetPosition: previous?.url != displayed, on: tx)
            try await services.audit.append(shop: shop, actor: actor, action: "mailbox.set", subjectType: "mailbox",
                                            subjectId: shop.rawValue, after: ["url": displayed, "enabled": "\(enabled)"],
                                            now: services.clock.now(), on: tx)
        }
        return try await mailbox(shop: shop)!
    }

    /// What one poll did.
    package struct PollResult: Sendable, Equatable {
        package var fetched = 0
        package var outcomes: [InboundOutcome] = []
        package var error: String?
    }

    /// Polls one mailbox (E1, E2): a changed UIDVALIDITY starts again from the first message (duplicates are caught
    /// by the raw-bytes key); each message is stored, then its UID recorded, then it is marked seen — a crash between
    /// any two steps takes it again on the next poll and finds it a duplicate, never loses it.
    package func poll(_ record: MailboxRecord) async -> PollResult {
        var result = PollResult()
        let shopID = ShopID(record.shopId)
        do {
            let sql = services.database.sql
            guard let shop = try await services.shops.find(shopID, on: sql) else { return result }
            let box = try await SecretBox.load(on: sql, services: services)
            var configuration = try IMAPConfiguration(url: record.url, password: try box.open(record.passwordSealed))
            configuration.allowPrivate = services.config.allowPrivateWebhookTargets
            let inbound = self
            result = try await IMAPClient.session(configuration, maxMessageBytes: services.config.inboundMaxBytes * 2) { client in
                var result = PollResult()
                let validity = Int64(try await client.select(configuration.mailbox))
                var last = record.uidValidity == validity ? record.lastUid : 0
                for uid in try await client.uids(after: UInt32(clamping: last)) {
                    guard let message = try await client.fetch(uid: uid) else { continue }
                    result.fetched += 1
                    let taken = try await inbound.take(message.bytes, shop: shop, door: .imap,
                                                       envelope: Envelope(arrivedAt: message.internalDate))
                    result.outcomes.append(taken.outcome)
                    last = Int64(uid)
                    try await MailboxStore().advance(shop: shopID, uidValidity: validity, lastUid: last,
                                                     on: inbound.services.database.sql)
                    try await client.markSeen(uid: uid)
                }
                if record.uidValidity != validity {
                    try await MailboxStore().advance(shop: shopID, uidValidity: validity, lastUid: last,
                                                     on: inbound.services.database.sql)
                }
                return result
            }
        } catch {
            result.error = "\(error)"
            services.logger.warning("mailbox poll failed", metadata: ["shop": "\(record.shopId)", "error": "\(error)"])
        }
        try? await MailboxStore().finishPoll(shop: shopID, at: services.clock.now(), error: result.error,
                                             on: services.database.sql)
        return result
    }
}
