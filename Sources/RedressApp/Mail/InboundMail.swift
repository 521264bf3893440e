import Crypto
import Foundation
import RedressCore
import RedressMail
import RedressPersistence

/// One pipeline behind the doors of E1 (the API, the pipe command, LMTP; IMAP to come): a message's bytes in, its
/// effect once (E2), and what became of it in the intake log. The rules (tokens, loops, the order of trust, the
/// quote stripping) are RedressCore's; this orchestrates them over the stores in one transaction per message.
package struct InboundMail: Sendable {
    package let services: AppServices
    let store = InboundStore()

    package init(services: AppServices) { self.services = services }

    package enum Door: String, Sendable, CaseIterable { case api, lmtp, pipe, imap }

    /// What the door answers (API.md: `{"outcome", "caseType"?, "caseId"?, "reference"?, "reason"?}`).
    package struct Result: Sendable, Equatable {
        package var outcome: InboundOutcome
        package var caseType: MailCaseKind?
        package var caseId: String?
        package var reference: String?
        package var reason: String?
        /// The intake log entry.
        package var messageId: String?
    }

    /// The envelope as a door knows it: LMTP's MAIL FROM and RCPT TO, IMAP's INTERNALDATE.
    package struct Envelope: Sendable {
        package var sender: String?
        package var recipients: [String] = []
        package var arrivedAt: Date?

        package init(sender: String? = nil, recipients: [String] = [], arrivedAt: Date? = nil) {
            self.sender = sender
            self.recipients = recipients
            self.arrivedAt = arrivedAt
        }
    }

    private var complaints: ComplaintService { ComplaintService(services: services) }
    private var reviews: ReviewService { ReviewService(services: services) }

    /// Takes one message into the shop. Never throws for what the message holds: unreadable, oversized or automated
    /// mail is stored with its reason (E7, E11); a throw means the database failed and the door should ask the
    /// sender to try later (LMTP 451, the pipe's exit 75).
    package func receive(_ raw: [UInt8], shop: ShopRecord, door: Door, envelope: Envelope = Envelope()) async throws
        -> Result
    {
        let now = services.clock.now()
        let digest = Self.digest(raw)
        if let seen = try await store.find(sha256: digest, shop: shop.shopID, on: services.database.sql) {
            return duplicate(seen)
        }
        var record = InboundMessageRecord(
            id: SecureToken.id("inm"), shopId: shop.id, sha256: digest, door: door.rawValue,
            receivedAt: min(envelope.arrivedAt ?? now, now), processedAt: now, fromAddress: nil, subject: nil,
            messageId: nil, outcome: .rejected, reason: nil, caseType: nil, caseId: nil, reference: nil, size: raw.count)

        // E11: what cannot be read is kept aside, whole, with the reason.
        let message: MIMEMessage
        do {
            guard raw.count <= services.config.inboundMaxBytes else {
                throw MIMEReadError.tooLarge(limit: services.config.inboundMaxBytes)
            }
            message = try MIMEReader(limits: MIMELimits(maxBytes: services.config.inboundMaxBytes)).read(raw)
        } catch {
            record.reason = "unreadable: \(error)"
            return try await keep(record, raw: raw)
        }
        let from = message.from?.address.lowercased()
        record.fromAddress = from.map { String($0.prefix(320)) }
        record.subject = String(message.subject.prefix(500))
        record.messageId = message.messageID.map { String($0.prefix(500)) }
        // E9: the arrival in the mailbox, never the fetch: the door's own time, else the top Received: header.
        if envelope.arrivedAt == nil, let received = MailArrival.receivedAt(message.headers.all("Received"), parse: MailDate.parse) {
            record.receivedAt = min(received, now)
        }

        // E8: a delivery report about a mail of ours (before E7: a bounce is machine mail by every sign).
        if let report = message.reports.first(where: { $0.contentType == "message/delivery-status" }) {
            return try await bounce(record, raw: raw, message: message, report: report.text, shop: shop,
                                    envelope: envelope)
        }

        // E7: machines get no answer, and their mail waits in quarantine.
        var returnPathHeaders = message.headers
        if let sender = envelope.sender { returnPathHeaders.fields.insert(("Return-Path", "<\(sender)>"), at: 0) }
        if let automated = AutomatedMail.reason(header: { returnPathHeaders[$0] }, from: from) {
            record.outcome = .quarantined
            record.reason = automated
            return try await keep(record, raw: raw)
        }
        guard let sender = from, MailAddress(sender) != nil else {
            record.outcome = .quarantined
            record.reason = "no sender address"
            return try await keep(record, raw: raw)
        }
        let recent = try await store.count(from: sender, shop: shop.shopID,
                                           since: now.addingTimeInterval(-AutomatedMail.floodWindow),
                                           on: services.database.sql)
        if recent >= AutomatedMail.floodLimit {
            record.outcome = .quarantined
            record.reason = "more than \(AutomatedMail.floodLimit) messages from this sender in 10 minutes"
            return try await keep(record, raw: raw)
        }

        let route = try await route(message, sender: sender, shop: shop, envelope: envelope)
        let body = message.text ?? message.html.map(Self.textOfHTML) ?? ""
        let reply = ReplyText.strip(body)
        do {
            switch route {
            case .thread(let kind, let caseId, let key):
                return try await thread(record, raw: raw, kind: kind, caseId: caseId, key: key, text: reply.text,
                                        sender: sender, shop: shop)
            case .newComplaint:
                return try await newComplaint(record, raw: raw, message: message, text: reply.text, sender: sender,
                                              shop: shop)
            case .unmatched:
                record.outcome = .unmatched
                record.reason = "no case found, and not sent to the shop's complaint address"
                return try await keep(record, raw: raw)
            }
        } catch let error as AppError where error.kind != .notFound {
            // A refusal of the rules (a closed case, text too long…) must not lose the mail: it waits for staff.
            record.outcome = .unmatched
            record.reason = "could not be filed: \(error.detail)"
            return try await keep(record, raw: raw)
        }
    }

    // MARK: - E4

    /// Every address the mail was delivered to: the envelope's, then Delivered-To, X-Original-To, To and Cc.
    private func addressed(_ message: MIMEMessage, _ envelope: Envelope) -> [MailAddress] {
        var addressed = envelope.recipients
        for name in ["Delivered-To", "X-Original-To", "To", "Cc"] {
            for value in message.headers.all(name) {
                addressed += MIMEAddressList.parse(value).map(\.address)
            }
        }
        return addressed.compactMap(MailAddress.init)
    }

    private func route(_ message: MIMEMessage, sender: String, shop: ShopRecord, envelope: Envelope) async throws
        -> InboundRouting.Route
    {
        let sql = services.database.sql
        let tokens = try await services.replyTokens(on: sql)
        let inbound = shop.inboundAddress.flatMap(MailAddress.init)
        let split = addressed(message, envelope)
        func existing(_ found: (kind: MailCaseKind, caseId: String)?) async throws -> (MailCaseKind, String)? {
            guard let found else { return nil }
            switch found.kind {
            case .dialog:
                return try await DialogStore().find(found.caseId, shop: shop.shopID, on: sql) == nil ? nil : found
            case .complaint:
                guard let complaint = try await ComplaintStore().find(id: found.caseId, on: sql),
                      complaint.shopId == shop.id else { return nil }
                return found
            }
        }
        var byToken: (MailCaseKind, String)?
        for address in split {
            guard let tag = address.tag else { continue }
            if let inbound, address.base != inbound.base { continue }
            if let found = try await existing(tokens.verify(tag, shop: shop.shopID)) {
                byToken = found
                break
            }
        }
        var byReply: (MailCaseKind, String)?
        if byToken == nil {
            for id in message.inReplyTo + message.references.reversed() {
                guard let candidate = ReplyToken.candidate(inMessageID: id) else { continue }
                if let found = try await existing(tokens.verify(candidate, shop: shop.shopID)) {
                    byReply = found
                    break
                }
            }
        }
        var bySubject: (caseId: String, senderIsCustomer: Bool)?
        if byToken == nil && byReply == nil {
            for reference in MailText.references(in: message.subject) {
                if let complaint = try await ComplaintStore().find(reference: reference, shop: shop.shopID, on: sql) {
                    bySubject = (complaint.id, complaint.email.lowercased() == sender)
                    break
                }
            }
        }
        let toComplaints = inbound.map { inbound in split.contains { $0.base == inbound.base } } ?? true
        return InboundRouting.route(token: byToken, inReplyTo: byReply, subjectCase: bySubject,
                                    toComplaintAddress: toComplaints)
    }

    // MARK: - Effects, each in one transaction with its log entry

    private func thread(_ record: InboundMessageRecord, raw: [UInt8], kind: MailCaseKind, caseId: String, key: String,
                        text: String, sender: String, shop: ShopRecord) async throws -> Result {
        var threaded = record
        threaded.outcome = .threaded
        threaded.caseType = kind
        threaded.caseId = caseId
        let reviews = self.reviews, complaints = self.complaints, start = threaded
        return try await services.database.transaction { tx in
            var record = start
            var reasons = ["matched by \(key)"]
            switch kind {
            case .dialog:
                guard let dialog = try await DialogStore().find(caseId, shop: shop.shopID, on: tx),
                      let review = try await ReviewStore().find(dialog.reviewId, shop: shop.shopID, on: tx),
                      let order = try await OrderStore().find(review.orderId, shop: shop.shopID, on: tx)
                else { throw AppError.notFound("dialog") }
                if text.isEmpty {
                    reasons.append("no new text above the quote")
                } else if order.emailNormalized == sender {
                    _ = try await reviews.customerMessage(dialog: dialog, body: String(text.prefix(10_000)), shop: shop,
                                                          orderId: order.id, via: "email", on: tx)
                } else {
                    // E5: someone else wrote; staff see it, it is never the customer's word.
                    try await dialogNote(dialog.id, shop: shop, text: String(text.prefix(10_000)),
                                         senderAddress: sender, on: tx)
                    reasons.append("sender is not the customer")
                }
            case .complaint:
                guard let complaint = try await ComplaintStore().find(id: caseId, on: tx) else {
                    throw AppError.notFound("complaint")
                }
                record.reference = complaint.reference
                if text.isEmpty {
                    reasons.append("no new text above the quote")
                } else if complaint.email.lowercased() != sender {
                    try await complaints.systemNote(complaintId: complaint.id, shop: shop.shopID,
                                                    text: String(text.prefix(10_000)), senderAddress: sender,
                                                    via: "email", on: tx)
                    reasons.append("sender is not the customer")
                } else if complaint.status == .closed {
                    try await complaints.systemNote(complaintId: complaint.id, shop: shop.shopID,
                                                    text: String(text.prefix(10_000)), senderAddress: nil,
                                                    via: "email", on: tx)
                    reasons.append("the complaint is closed: kept as a note")
                } else {
                    _ = try await complaints.postFromCustomer(complaintId: complaint.id, text: String(text.prefix(10_000)),
                                                              via: "email", on: tx)
                }
            }
            record.reason = reasons.joined(separator: "; ")
            return try await log(record, raw: raw, on: tx)
        }
    }

    /// E9: a new complaint. The clock starts at the arrival; an order number in the text is matched with the sender,
    /// a missing or wrong one flagged; attachments follow C1 and refused ones are named.
    private func newComplaint(_ record: InboundMessageRecord, raw: [UInt8], message: MIMEMessage, text: String,
                              sender: String, shop: ShopRecord) async throws -> Result {
        let sql = services.database.sql
        var order: OrderRecord?
        let searched = message.subject + "\n" + text
        let candidates = MailText.orderNumbers(in: searched)
        for candidate in candidates + MailText.looseOrderNumbers(in: searched).filter({ !candidates.contains($0) }) {
            if let found = try await OrderStore().find(externalId: candidate, shop: shop.shopID, on: sql),
               found.emailNormalized == sender {
                order = found
                break
            }
        }
        var flags: [String] = []
        if order == nil {
            flags.append(candidates.isEmpty ? "no order number in the mail"
                         : "order number \(candidates.joined(separator: ", ")) not found for this sender")
        }
        var uploads: [ComplaintService.Upload] = []
        var refused: [String] = []
        for attachment in message.attachments where !attachment.inline || attachment.filename != nil {
            let name = attachment.filename ?? "attachment"
            do {
                _ = try AttachmentKind.check(attachment.data, name: name, existing: uploads.count)
                uploads.append(.init(name: name, data: attachment.data))
            } catch let error as ValidationErrors {
                refused.append(error.fields.values.joined(separator: "; "))
            } catch {
                refused.append("\(name): \(error)")
            }
        }
        if !refused.isEmpty { flags.append("files refused: " + refused.joined(separator: "; ")) }
        var description = text.isEmpty ? message.subject : text
        if !refused.isEmpty { description += "\n\n[" + refused.joined(separator: "; ") + "]" }
        let intake = ComplaintService.Intake(
            orderExternalId: order?.externalId, email: sender, customerName: message.from?.name,
            description: String(description.prefix(10_000)), receivedAt: record.receivedAt, channel: "email")
        var logged = record
        logged.outcome = .complaint
        logged.caseType = .complaint
        logged.reason = flags.isEmpty ? nil : flags.joined(separator: "; ")
        let entry = logged, notes = flags
        let complaints = self.complaints
        let box = ResultBox()
        _ = try await complaints.file(
            intake, shop: shop, actor: .system, requireOrder: false, uploads: uploads, replyingTo: message.messageID
        ) { complaint, tx in
            var entry = entry
            entry.caseId = complaint.id
            entry.reference = complaint.reference
            for flag in notes {
                try await complaints.systemNote(complaintId: complaint.id, shop: shop.shopID, text: flag,
                                                senderAddress: nil, via: "email", on: tx)
            }
            box.set(try await log(entry, raw: raw, on: tx))
        }
        guard let result = box.value else { throw AppError.notFound("complaint") }
        return result
    }

    // MARK: - E8

    /// A delivery report: the mail it names is marked bounced, a permanent failure stops notifications to that
    /// address, shows on the case, and while a complaint's legal term runs (or for its decision) alerts staff.
    private func bounce(_ record: InboundMessageRecord, raw: [UInt8], message: MIMEMessage, report: String,
                        shop: ShopRecord, envelope: Envelope) async throws -> Result {
        let sql = services.database.sql
        let tokens = try await services.replyTokens(on: sql)
        var record = record
        record.outcome = .quarantined
        let recipients = DeliveryReport.recipients(report)
        // The mail it returns: by the tag of our per-message return path, else by the Message-ID it quotes.
        var outboxId = addressed(message, envelope).lazy.compactMap { $0.tag.flatMap { tokens.verifyBounce($0, shop: shop.shopID) } }.first
        if outboxId == nil {
            var quoted = message.messages.compactMap(\.messageID)
            for part in message.reports where part.contentType == "text/rfc822-headers" {
                for line in part.text.split(whereSeparator: \.isNewline)
                where line.lowercased().hasPrefix("message-id:") {
                    quoted += MIMEAddressList.messageIDs(String(line.dropFirst(11)))
                }
            }
            outboxId = quoted.lazy.compactMap(ReplyToken.outboxId(inMessageID:)).first
        }
        guard let outboxId, let entry = try await BounceStore().outboxEntry(outboxId, shop: shop.shopID, on: sql),
              let mail = try? JSONDecoder().decode(MailMessage.self, from: Data(entry.payload.utf8))
        else {
            record.reason = "a delivery report about no mail of this shop"
            return try await keep(record, raw: raw)
        }
        let sentTo = Set(mail.to.map { $0.lowercased() })
        let failed = recipients.filter { $0.isPermanentFailure && sentTo.contains($0.address) }
        guard !failed.isEmpty else {
            record.reason = "a delivery report, no permanent failure: "
                + (recipients.map { "\($0.address) \($0.action) \($0.status)" }.joined(separator: "; "))
            return try await keep(record, raw: raw)
        }
        let summary = failed.map { "\($0.address) \($0.status)" + ($0.diagnostic.map { " (\($0))" } ?? "") }
            .joined(separator: "; ")
        let found = mail.threadToken.flatMap { tokens.verify($0, shop: shop.shopID) }
        let complaints = self.complaints, notifier = Notifier(services: services), now = services.clock.now()
        let start = record
        return try await services.database.transaction { tx in
            var record = start
            record.outcome = found == nil ? .quarantined : .threaded
            record.caseType = found?.kind
            record.caseId = found?.caseId
            record.reason = "bounce of \"\(mail.subject)\": \(summary)"
            try await BounceStore().markBounced(outboxId, reason: summary, at: now, on: tx)
            for failure in failed {
                try await BounceStore().suppress(MailSuppressionRecord(
                    id: SecureToken.id("sup"), shopId: shop.id, address: failure.address,
                    reason: String("\(failure.status) \(failure.diagnostic ?? "")".prefix(300)), outboxId: outboxId,
                    createdAt: now), on: tx)
            }
            let note = "The mail \"\(mail.subject)\" did not reach the customer: \(summary). Notifications to this address are stopped until staff clear it."
            switch found?.kind {
            case .complaint:
                guard let complaint = try await ComplaintStore().find(id: found!.caseId, on: tx) else { break }
                record.reference = complaint.reference
                try await complaints.systemNote(complaintId: complaint.id, shop: shop.shopID, text: note,
                                                senderAddress: nil, via: "email", on: tx)
                let termRuns = complaint.decidedAt == nil && complaint.status != .closed
                    && complaint.partyType.hasStatutoryDeadline
                if termRuns || entry.kind == Notifier.Event.complaintDecision.rawValue {
                    try await notifier.send(.mailBounced, to: try await notifier.shopRecipients(shop, on: tx),
                                            locale: shop.locale, shop: shop, date: complaint.answerDueAt,
                                            link: services.config.url(.panelComplaint(complaint.reference)),
                                            reference: complaint.reference, now: now, on: tx)
                    record.reason! += "; staff alerted"
                }
            case .dialog:
                try await dialogNote(found!.caseId, shop: shop, text: note, senderAddress: nil, on: tx)
            case nil:
                break
            }
            return try await log(record, raw: raw, on: tx)
        }
    }

    // MARK: - The log

    /// Stores a message that has no effect (quarantined, unmatched, unreadable).
    private func keep(_ record: InboundMessageRecord, raw: [UInt8]) async throws -> Result {
        try await services.database.transaction { tx in try await log(record, raw: raw, on: tx) }
    }

    /// Writes the log entry in the effect's transaction; the same bytes already there (a second door, at once) roll
    /// the effect back and answer `duplicate`.
    private func log(_ record: InboundMessageRecord, raw: [UInt8], on tx: DatabaseSession) async throws -> Result {
        guard try await store.insert(record, raw: raw, on: tx) else { throw Duplicate() }
        services.metrics.recordInbound(outcome: record.outcome.rawValue)
        return Result(outcome: record.outcome, caseType: record.caseType, caseId: record.caseId,
                      reference: record.reference, reason: record.reason, messageId: record.id)
    }

    private struct Duplicate: Error {}

    /// The key of exactly-once (E2): SHA-256 of the raw bytes, hex.
    static func digest(_ raw: [UInt8]) -> String {
        SHA256.hash(data: raw).map { String(format: "%02x", $0) }.joined()
    }

    /// A note on a dialog that only staff see: mail from another address (E5), a bounce (E8).
    private func dialogNote(_ dialogId: String, shop: ShopRecord, text: String, senderAddress: String?,
                            on tx: DatabaseSession) async throws {
        try await DialogStore().addMessage(DialogMessageRecord(
            id: SecureToken.id("msg"), dialogId: dialogId, shopId: shop.id, author: "system", staffId: nil,
            staffName: nil, body: text, isInternal: true, incentiveWarning: false, createdAt: services.clock.now(),
            via: "email", senderAddress: senderAddress), on: tx)
    }

    private func duplicate(_ seen: InboundMessageRecord) -> Result {
        Result(outcome: .duplicate, caseType: seen.caseType, caseId: seen.caseId, reference: seen.reference,
               reason: "the same message was received \(seen.processedAt.formatted(.iso8601)) (\(seen.outcome.rawValue))",
               messageId: seen.id)
    }

    /// Customer HTML is never rendered (E11): its text only, tags dropped, entities of the five characters read.
    static func textOfHTML(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "(?is)<(script|style)[^>]*>.*?</\\1>", with: "",
                                             options: .regularExpression)
        text = text.replacingOccurrences(of: "(?i)<br\\s*/?>|</p>|</div>|</li>|</tr>", with: "\n",
                                         options: .regularExpression)
        text = text.replacingOccurrences(of: "(?i)<blockquote[^>]*>", with: "\n> ", options: .regularExpression)
        text = text.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        for (entity, character) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"),
                                    ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }
}

/// The result of the complaint's log entry, written inside `ComplaintService.file`'s transaction.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: InboundMail.Result?
    var value: InboundMail.Result? { lock.withLock { stored } }
    func set(_ result: InboundMail.Result) { lock.withLock { stored = result } }
}

extension InboundMail {
    /// Receives, turning a race with the same bytes through another door into `duplicate`.
    package func take(_ raw: [UInt8], shop: ShopRecord, door: Door, envelope: Envelope = Envelope()) async throws
        -> Result
    {
        do {
            return try await receive(raw, shop: shop, door: door, envelope: envelope)
        } catch is Duplicate {
            guard let seen = try await store.find(sha256: Self.digest(raw), shop: shop.shopID, on: services.database.sql) else {
                throw AppError.conflict("mail.race", "The message was stored by another door at once; try again.")
            }
            return duplicate(seen)
        }
    }
}
