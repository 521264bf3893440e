import Foundation
import RedressCore
import RedressMail
import RedressPersistence

extension InboundMail {
    /// LMTP's RCPT check: an address whose base is some shop's inbound address.
    package func acceptsRecipient(_ address: String) async -> Bool {
        (try? await services.shops.find(inboundAddress: address, on: services.database.sql)) != nil
    }

    /// One reply per recipient for a message LMTP handed over (RFC 2033): 250 once stored, 451 when the database
    /// failed (the MTA tries again), 552 for a message over twice the limit (not kept: the MTA returns it).
    package func deliver(_ delivery: LMTPDelivery) async -> [String] {
        var replies: [String] = []
        for recipient in delivery.recipients {
            if delivery.truncated {
                replies.append("552 5.3.4 message larger than \(services.config.inboundMaxBytes * 2 >> 20) MB")
                continue
            }
            do {
                guard let shop = try await services.shops.find(inboundAddress: recipient, on: services.database.sql) else {
                    replies.append("550 5.1.1 <\(recipient)> is no shop's inbound address")
                    continue
                }
                let result = try await take(delivery.data, shop: shop, door: .lmtp, envelope: Envelope(
                    sender: delivery.sender, recipients: [recipient], arrivedAt: delivery.receivedAt))
                replies.append("250 2.0.0 \(result.outcome.rawValue)" + (result.reference.map { " \($0)" } ?? ""))
            } catch {
                services.logger.error("inbound mail not stored", metadata: ["door": "lmtp", "error": "\(error)"])
                replies.append("451 4.3.0 not stored, try again later")
            }
        }
        return replies
    }

    /// Starts the LMTP door on `host:port` (E1: `redress serve --lmtp 127.0.0.1:2424`).
    package func startLMTP(host: String, port: Int) async throws -> LMTPServer {
        let inbound = self
        return try await LMTPServer(
            host: host, port: port, maxBytes: services.config.inboundMaxBytes * 2, now: { [clock = services.clock] in clock.now() },
            accept: { await inbound.acceptsRecipient($0) }, deliver: { await inbound.deliver($0) })
    }
}

extension InboundMail {
    /// Staff clear an address whose mail came back (E8): notifications go to it again. False when it was not stopped.
    package func clearSuppression(_ address: String, shop: ShopID, actor: AuditActor) async throws -> Bool {
        let services = self.services
        return try await services.database.transaction { tx in
            guard try await BounceStore().clear(address, shop: shop, on: tx) else { return false }
            try await services.audit.append(shop: shop, actor: actor, action: "mail.suppression_cleared",
                                            subjectType: "address", subjectId: address.lowercased(),
                                            now: services.clock.now(), on: tx)
            return true
        }
    }
}

extension InboundMail {
    /// The message a wrong inbound address gets, on the API and the command line.
    package static let inboundAddressRule = "must be an e-mail address without a +tag, e.g. reklamacje@shop.example"

    /// A shop's inbound address as stored (lower case, no tag), nil for "" (none); nil result with `valid` false
    /// for anything else.
    package static func inboundAddress(_ given: String) -> (valid: Bool, address: String?) {
        let trimmed = given.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return (true, nil) }
        guard Validate.isEmail(trimmed), let split = MailAddress(trimmed), split.tag == nil else { return (false, nil) }
        return (true, split.base)
    }
}
