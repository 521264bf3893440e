import Crypto
import Foundation
import RedressCore
import RedressMail
import RedressPersistence

extension ComplaintService {
    /// A reply to the customer (e-mailed) or an internal note; the first reply is the SLA's first response, and a
    /// reply moves a new complaint into progress.
    package func post(reference: String, body: String, isInternal: Bool, by actor: ShopActor) async throws -> ComplaintMessageRecord {
        var errors = ValidationErrors()
        let text = Validate.requiredText(body, field: "body", max: 10_000, into: &errors)
        try errors.throwIfAny()
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var complaint = try await complaint(reference, shop: actor.shop, on: tx)
            let message = ComplaintMessageRecord(
                id: SecureToken.id("cms"), complaintId: complaint.id, shopId: complaint.shopId, author: "shop",
                staffId: actor.staffId, staffName: actor.name, body: text, isInternal: isInternal, createdAt: now)
            try await store.addMessage(message, on: tx)
            if !isInternal {
                if complaint.firstResponseAt == nil { complaint.firstResponseAt = now }
                complaint.replyCount += 1
                if complaint.status == .received { complaint.status = .inProgress }
                try await store.save(complaint, now: now, on: tx)
                let shop = try await directory.shop(actor.shop, on: tx)
                try await notifier.send(.complaintMessageToCustomer, to: [complaint.email], locale: complaint.locale,
                                        shop: shop, link: try await customerLink(complaint, shop: shop, now: now, on: tx),
                                        reference: complaint.reference, body: text, order: complaint.orderExternalId,
                                        thread: .init(.complaint, complaint.id), now: now, on: tx)
            }
            try await services.audit.append(shop: actor.shop, actor: actor.actor,
                                            action: isInternal ? "complaint.note" : "complaint.message",
                                            subjectType: "complaint", subjectId: complaint.id, now: now, on: tx)
            return message
        }
    }

    /// The complaint's status page through a signed complaint link (C7).
    package func complaintLink(token: String) -> String { directory.link(.customerComplaint(token: token)) }

    /// The customer's way back: the complaint page of the order's link, or the look-up page.
    package func customerLink(_ complaint: ComplaintRecord, shop: ShopRecord, now: Date, on tx: DatabaseSession) async throws
        -> String
    {
        if let orderId = complaint.orderId, let order = try await orders.find(orderId, shop: shop.shopID, on: tx) {
            return complaintLink(token: try await directory.complaintLink(order: order, complaintId: complaint.id, shop: shop,
                                                                        now: now, on: tx))
        }
        return services.config.url(.complaintLookup)
    }

    package func assign(reference: String, staffId: String?, by actor: ShopActor) async throws -> ComplaintRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var complaint = try await complaint(reference, shop: actor.shop, on: tx)
            if let staffId {
                let staff = try await services.staff.list(shop: actor.shop, on: tx)
                guard staff.contains(where: { $0.id == staffId && $0.staffRole.canWrite }) else {
                    throw AppError.invalid(["staffId": "is not an owner or agent of this shop"])
                }
            }
            let before = complaint.assigneeId
            complaint.assigneeId = staffId
            let saved = try await store.save(complaint, now: now, on: tx)
            try await services.audit.append(shop: actor.shop, actor: actor.actor, action: "complaint.assigned",
                                            subjectType: "complaint", subjectId: complaint.id,
                                            before: ["assignee": before ?? ""], after: ["assignee": staffId ?? ""],
                                            now: now, on: tx)
            return saved
        }
    }

    /// A status change allowed by the lifecycle (C4); waiting for the customer pauses the SLA clock.
    package func changeStatus(reference: String, to status: String, by actor: ShopActor) async throws -> ComplaintRecord {
        guard let target = ComplaintStatus(rawValue: status),
              [.inProgress, .waitingForCustomer, .remedyInProgress, .closed].contains(target)
        else {
            throw AppError.invalid(["status": "must be in_progress, waiting_for_customer, remedy_in_progress or closed"])
        }
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var complaint = try await complaint(reference, shop: actor.shop, on: tx)
            let from = complaint.status
            do {
                try lifecycle.change(from: from, to: target, closedAt: complaint.closedAt, now: now,
                                     hasDecision: complaint.decisionId != nil)
            } catch let violation as ComplaintRuleViolation {
                throw AppError.rule(violation)
            }
            let shop = try await directory.shop(actor.shop, on: tx)
            if from == .waitingForCustomer, let since = complaint.slaPausedSince {
                complaint.slaPausedSeconds += try await calendar(shop, on: tx).workingSeconds(from: since, to: now)
                complaint.slaPausedSince = nil
            }
            if target == .waitingForCustomer { complaint.slaPausedSince = now }
            complaint.status = target
            if target == .closed { complaint.closedAt = now }
            if from == .closed {
                complaint.closedAt = nil
                complaint.reopenedCount += 1
            }
            // C9: one satisfaction survey, the first time the complaint closes.
            let sendSurvey = target == .closed && complaint.surveySentAt == nil
            if sendSurvey { complaint.surveySentAt = now }
            let saved = try await store.save(complaint, now: now, on: tx)
            if sendSurvey {
                try await notifier.send(.complaintSurvey, to: [complaint.email], locale: complaint.locale, shop: shop,
                                        link: services.config.url(.complaintLookup),
                                        reference: complaint.reference, now: now, on: tx)
            }
            try await services.audit.append(shop: actor.shop, actor: actor.actor, action: "complaint.status",
                                            subjectType: "complaint", subjectId: complaint.id,
                                            before: ["status": from.rawValue], after: ["status": target.rawValue],
                                            now: now, on: tx)
            return saved
        }
    }

    /// The shop's working calendar, read in the caller's transaction.
    package func calendar(_ shop: ShopRecord, on sql: DatabaseSession) async throws -> BusinessCalendar {
        calendar(shop, settings: try await settings(shop, on: sql))
    }

    package struct DecisionInput: Sendable {
        package var outcome: String?
        package var remedy: String?
        package var amount: String?
        package var reason: String?
        package var adrStatement: String?

        package init(outcome: String? = nil, remedy: String? = nil, amount: String? = nil, reason: String? = nil, adrStatement: String? = nil) {
            self.outcome = outcome
            self.remedy = remedy
            self.amount = amount
            self.reason = reason
            self.adrStatement = adrStatement
        }
    }

    /// Records a decision (C5): validated, rendered as a letter in the customer's language, stored with its
    /// SHA-256, queued for e-mail. The complaint counts as answered only when the mail server accepts the letter.
    /// A decision as staff entered it, checked: what `decide` sends and what the panel previews.
    package struct DecisionDraft: Sendable {
        package var outcome: DecisionOutcome
        package var remedy: Remedy?
        package var amount: String?
        package var reason: String?
        package var adrStatement: String?
    }

    /// The field checks of a decision (C5), shared by the preview and the sending.
    package func validate(_ input: DecisionInput) throws -> DecisionDraft {
        var errors = ValidationErrors()
        let outcome = input.outcome.flatMap(DecisionOutcome.init(rawValue:))
        if outcome == nil { errors.add("outcome", "must be accepted, partially_accepted or rejected") }
        let remedy = input.remedy.flatMap { $0.isEmpty ? nil : $0 }.map { Remedy(rawValue: $0) }
        if remedy == .some(nil) { errors.add("remedy", "must be repair, replacement, price_reduction or refund") }
        let reason = input.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if outcome == .rejected && (reason ?? "").isEmpty { errors.add("reason", "is required for a rejection") }
        if outcome == .partiallyAccepted && (reason ?? "").isEmpty {
            errors.add("reason", "is required when the complaint is not fully accepted")
        }
        if (reason ?? "").count > 5_000 { errors.add("reason", "must be at most 5,000 characters") }
        let amount = input.amount?.trimmingCharacters(in: .whitespaces)
        if remedy == .priceReduction && (amount ?? "").isEmpty { errors.add("amount", "is required for a price reduction") }
        if let amount, !amount.isEmpty, Decimal(string: amount).map({ $0 > 0 && $0 <= 1_000_000_000 }) != true {
            errors.add("amount", "must be a positive number up to 1000000000")
        }
        try errors.throwIfAny()
        return DecisionDraft(outcome: outcome!, remedy: remedy ?? nil, amount: amount.flatMap { $0.isEmpty ? nil : $0 },
                             reason: reason,
                             adrStatement: (input.adrStatement?.trimmingCharacters(in: .whitespacesAndNewlines))
                                .flatMap { $0.isEmpty ? nil : $0 })
    }

    /// C5's refusals (decided already, deemed accepted and not accepting, …) as the application's error.
    private func checkDecidable(_ draft: DecisionDraft, _ complaint: ComplaintRecord) throws {
        do {
            try lifecycle.decide(draft.outcome, status: complaint.status, legal: complaint.legalState)
        } catch let violation as ComplaintRuleViolation {
            throw AppError.rule(violation)
        }
    }

    /// The letter a draft makes for this complaint, exactly as `decide` would store and send it (given the link).
    package func letter(_ draft: DecisionDraft, complaint: ComplaintRecord, shop: ShopRecord, now: Date, link: String?)
        -> (letter: DecisionLetter, refundDue: Date?, warnings: [DecisionWarning])
    {
        let zone = directory.timeZone(shop)
        let requested = complaint.requestedRemedy.flatMap(Remedy.init)
        let chosenRemedy = draft.outcome == .rejected ? nil : draft.remedy ?? requested
        let refundDue = RefundTerm.applies(to: chosenRemedy) ? RefundTerm.dueAt(decidedAt: now, timeZone: zone) : nil
        let language = complaint.locale
        let t = Localization(language)
        let adr = draft.outcome.needsADRStatement
            ? draft.adrStatement ?? DecisionLetter.defaultADR(shop: shop.name, language: language) : nil
        let letter = DecisionLetter(
            language: language, shopName: shop.name, customerName: complaint.customerName,
            reference: complaint.reference, receivedDay: t.day(complaint.receivedAt, timeZone: zone),
            outcome: draft.outcome, remedy: chosenRemedy, amount: draft.amount,
            reason: draft.reason, adrStatement: adr, refundDueDay: refundDue.map { t.day($0, timeZone: zone) }, link: link)
        let warnings = DecisionWarning.check(outcome: draft.outcome, requested: requested, granted: chosenRemedy,
                                             amount: draft.amount)
        return (letter, refundDue, warnings)
    }

    /// What the decision would say, without sending or storing anything (the panel's "Preview the letter"). The
    /// customer's personal link is made when the letter is sent; the preview shows where it will stand.
    package func previewDecision(reference: String, input: DecisionInput, shop shopID: ShopID) async throws
        -> (text: String, warnings: [DecisionWarning])
    {
        let draft = try validate(input)
        let sql = services.database.sql
        let complaint = try await complaint(reference, shop: shopID, on: sql)
        try checkDecidable(draft, complaint)
        let shop = try await directory.shop(shopID, on: sql)
        let link = complaint.orderId == nil ? services.config.url(.complaintLookup)
            : services.config.url(.customerComplaint(token: "…"))
        let drafted = letter(draft, complaint: complaint, shop: shop, now: services.clock.now(), link: link)
        return (drafted.letter.text, drafted.warnings)
    }

    package func decide(reference: String, input: DecisionInput, by actor: ShopActor) async throws
        -> (ComplaintRecord, ComplaintDecisionRecord)
    {
        let draft = try validate(input)
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var complaint = try await complaint(reference, shop: actor.shop, on: tx)
            try checkDecidable(draft, complaint)
            let shop = try await directory.shop(actor.shop, on: tx)
            let language = complaint.locale
            let link = try await customerLink(complaint, shop: shop, now: now, on: tx)
            let (letter, refundDue, _) = self.letter(draft, complaint: complaint, shop: shop, now: now, link: link)
            let text = letter.text
            let envelope = notifier.message(.complaintDecision, to: [complaint.email], locale: language, shop: shop,
                                            date: nil, link: nil, reference: complaint.reference,
                                            thread: .init(.complaint, complaint.id),
                                            tokens: shop.inboundAddress == nil ? nil : try await services.replyTokens(on: tx))
            // The letter is the durable medium (C5): its text is the mail's whole text.
            var mail = envelope
            mail.text = text
            mail.html = "<!doctype html><html lang=\"\(language)\"><body>"
                + text.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "<p>\(HTMLEscape.escape(String($0)))</p>" }.joined() + "</body></html>"
            guard let outboxId = try await notifier.enqueue(mail, kind: Notifier.Event.complaintDecision.rawValue,
                                                            shop: shop, now: now, notification: false, on: tx)
            else { throw AppError.conflict("mail.not_queued", "The decision letter could not be queued.") }
            let decision = ComplaintDecisionRecord(
                id: SecureToken.id("dec"), complaintId: complaint.id, shopId: complaint.shopId,
                outcome: draft.outcome.rawValue, remedy: letter.remedy?.rawValue, amount: letter.amount,
                reason: draft.reason, adrStatement: letter.adrStatement,
                letterSubject: mail.subject, letterText: text, letterSha256: Self.sha256(text), outboxId: outboxId,
                staffId: actor.staffId, createdAt: now, sentAt: nil)
            try await store.addDecision(decision, on: tx)
            complaint.status = .decided
            complaint.decisionId = decision.id
            complaint.decidedAt = now
            complaint.refundDueAt = refundDue
            if complaint.firstResponseAt == nil { complaint.firstResponseAt = now }
            if let since = complaint.slaPausedSince {
                complaint.slaPausedSeconds += try await calendar(shop, on: tx).workingSeconds(from: since, to: now)
                complaint.slaPausedSince = nil
            }
            let saved = try await store.save(complaint, now: now, on: tx)
            if let refundDue {
                try await services.deadlines.schedule(kind: Work.refundDue, subjectId: complaint.id, shop: actor.shop,
                                                      dueAt: refundDue, now: now, on: tx)
            }
            try await services.audit.append(shop: actor.shop, actor: actor.actor, action: "complaint.decided",
                                            subjectType: "complaint", subjectId: complaint.id,
                                            after: ["outcome": decision.outcome, "sha256": decision.letterSha256],
                                            now: now, on: tx)
            try await webhooks.emit(.complaintDecided, shop: actor.shop,
                                    data: WebhookResource(complaintId: complaint.reference,
                                                          orderExternalId: complaint.orderExternalId,
                                                          status: decision.outcome), now: now, on: tx)
            return (saved, decision)
        }
    }

    package static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Merges a duplicate into another complaint (C8): the thread and items move, the earliest receipt's legal
    /// clock wins, the duplicate is closed and points to the survivor.
    package func merge(duplicate: String, into target: String, by actor: ShopActor) async throws -> ComplaintRecord {
        guard duplicate.uppercased() != target.uppercased() else {
            throw AppError.invalid(["into": "a complaint cannot be merged into itself"])
        }
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var from = try await complaint(duplicate, shop: actor.shop, on: tx)
            var into = try await complaint(target, shop: actor.shop, on: tx)
            guard from.decisionId == nil && into.decisionId == nil else {
                throw AppError.conflict("complaint.decided", "Decided complaints are not merged.")
            }
            try await store.moveThread(from: from.id, to: into.id, on: tx)
            if from.receivedAt < into.receivedAt {
                into.receivedAt = from.receivedAt
                into.answerDueAt = from.answerDueAt
                if from.legalState == .deemedAccepted {
                    into.legalState = from.legalState
                    into.deemedAcceptedAt = from.deemedAcceptedAt
                    into.remedyTask = from.remedyTask
                }
                try await services.deadlines.schedule(kind: Work.deadline, subjectId: into.id, shop: actor.shop,
                                                      dueAt: into.answerDueAt, now: now, on: tx)
            }
            into.urgent = into.urgent || from.urgent
            into.replyCount += from.replyCount
            let saved = try await store.save(into, now: now, on: tx)
            from.mergedInto = into.id
            from.status = .closed
            from.closedAt = now
            try await store.save(from, now: now, on: tx)
            try await services.audit.append(shop: actor.shop, actor: actor.actor, action: "complaint.merged",
                                            subjectType: "complaint", subjectId: into.id,
                                            after: ["duplicate": from.reference, "answerDueAt": saved.answerDueAt.formatted(.iso8601)],
                                            now: now, on: tx)
            return saved
        }
    }
}

extension ComplaintService {
    /// The customer's answer to the survey (C9): 1–5 and a comment, once, after closing.
    package func answerSurvey(reference: String, email: String, rating: Int?, comment: String?) async throws -> ComplaintRecord {
        var errors = ValidationErrors()
        if rating.map({ (1...5).contains($0) }) != true { errors.add("rating", "choose 1 to 5") }
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if (comment ?? "").count > 2_000 { errors.add("comment", "at most 2,000 characters") }
        try errors.throwIfAny()
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            guard ComplaintReference.isValid(reference.uppercased()),
                  var complaint = try await store.find(reference: reference.uppercased(), email: email, on: tx)
            else { throw AppError.notFound("complaint") }
            guard complaint.surveySentAt != nil, complaint.surveyRating == nil else {
                throw AppError.conflict("survey.not_open", "The survey is open once, after the complaint is closed.")
            }
            complaint.surveyRating = rating
            complaint.surveyComment = comment?.isEmpty == false ? comment : nil
            let saved = try await store.save(complaint, now: now, on: tx)
            try await services.audit.append(shop: ShopID(complaint.shopId), actor: .system, action: "complaint.survey",
                                            subjectType: "complaint", subjectId: complaint.id,
                                            after: ["rating": String(rating!)], now: now, on: tx)
            return saved
        }
    }
}

extension ComplaintService {
    /// The customer writes in the complaint's conversation (C7); a case waiting for them goes back to progress and
    /// its SLA clock runs again.
    package func postFromCustomer(_ complaint: ComplaintRecord, body: String) async throws -> ComplaintMessageRecord {
        let text = try customerText(body)
        guard complaint.status != .closed else {
            throw AppError.conflict("complaint.closed", "This complaint is closed.")
        }
        return try await services.database.transaction { tx in
            try await postFromCustomer(complaintId: complaint.id, text: text, via: nil, on: tx)
        }
    }

    package func customerText(_ body: String) throws -> String {
        var errors = ValidationErrors()
        let text = Validate.requiredText(body, field: "body", max: 10_000, into: &errors)
        try errors.throwIfAny()
        return text
    }

    /// The customer's message in the caller's transaction: the page's (`via` nil) and a reply by mail (E10).
    package func postFromCustomer(complaintId: String, text: String, via: String?, on tx: DatabaseSession) async throws
        -> ComplaintMessageRecord
    {
        let now = services.clock.now()
        guard var current = try await store.find(id: complaintId, on: tx) else { throw AppError.notFound("complaint") }
        let message = ComplaintMessageRecord(
            id: SecureToken.id("cms"), complaintId: current.id, shopId: current.shopId, author: "customer",
            staffId: nil, staffName: nil, body: text, isInternal: false, createdAt: now, via: via)
        try await store.addMessage(message, on: tx)
        let shop = try await directory.shop(ShopID(current.shopId), on: tx)
        if current.status == .waitingForCustomer {
            if let since = current.slaPausedSince {
                current.slaPausedSeconds += try await calendar(shop, on: tx).workingSeconds(from: since, to: now)
                current.slaPausedSince = nil
            }
            current.status = .inProgress
        }
        try await store.save(current, now: now, on: tx)
        try await services.audit.append(shop: shop.shopID, actor: .system, action: "complaint.customer_message",
                                        subjectType: "complaint", subjectId: current.id,
                                        after: via.map { ["via": $0] }, now: now, on: tx)
        try await notifier.send(.dialogMessageToShop, to: try await notifier.shopRecipients(shop, on: tx),
                                locale: shop.locale, shop: shop,
                                link: services.config.url(.panelComplaint(current.reference)),
                                reference: current.reference, body: text, now: now, on: tx)
        return message
    }

    /// A note on the complaint that only staff see (mail from another address than the customer's, E5; a flag of
    /// the intake, E9).
    package func systemNote(complaintId: String, shop: ShopID, text: String, senderAddress: String?, via: String?,
                            on tx: DatabaseSession) async throws {
        try await store.addMessage(ComplaintMessageRecord(
            id: SecureToken.id("cms"), complaintId: complaintId, shopId: shop.rawValue, author: "system",
            staffId: nil, staffName: nil, body: text, isInternal: true, createdAt: services.clock.now(), via: via,
            senderAddress: senderAddress), on: tx)
    }

    /// Priority and the urgent flag (C8).
    package func setPriority(reference: String, priority: String?, urgent: Bool?, by actor: ShopActor) async throws -> ComplaintRecord {
        let level = try priority.map { raw in
            guard let level = ComplaintPriority(rawValue: raw) else {
                throw AppError.invalid(["priority": "must be low, normal or high"])
            }
            return level
        }
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var complaint = try await complaint(reference, shop: actor.shop, on: tx)
            let before = ["priority": complaint.priority.rawValue, "urgent": String(complaint.urgent)]
            if let level { complaint.priority = level }
            if let urgent { complaint.urgent = urgent }
            let saved = try await store.save(complaint, now: now, on: tx)
            try await services.audit.append(shop: actor.shop, actor: actor.actor, action: "complaint.priority",
                                            subjectType: "complaint", subjectId: complaint.id, before: before,
                                            after: ["priority": saved.priority.rawValue, "urgent": String(saved.urgent)],
                                            now: now, on: tx)
            return saved
        }
    }

    /// The refund was paid (C6): the overdue flag stops.
    package func markRefunded(reference: String, by actor: ShopActor) async throws -> ComplaintRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var complaint = try await complaint(reference, shop: actor.shop, on: tx)
            guard complaint.refundDueAt != nil, complaint.refundedAt == nil else {
                throw AppError.conflict("refund.none_open", "This complaint has no open refund.")
            }
            complaint.refundedAt = now
            let saved = try await store.save(complaint, now: now, on: tx)
            try await services.audit.append(shop: actor.shop, actor: actor.actor, action: "complaint.refunded",
                                            subjectType: "complaint", subjectId: complaint.id, now: now, on: tx)
            return saved
        }
    }
}
