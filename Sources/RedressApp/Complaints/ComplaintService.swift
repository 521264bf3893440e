import Crypto
import Foundation
import RedressCore
import RedressMail
import RedressPersistence

/// The application service of complaints (C1–C9): intake, the legal clock's timed work, messages, status
/// changes, decisions (the durable medium) and merging, each in one transaction with its audit entry, e-mails,
/// webhooks and timed work.
package struct ComplaintService: Sendable {
    package let services: AppServices
    package let store = ComplaintStore()
    package let orders = OrderStore()
    /// Shops, time zones and the customers' links, shared with reviews.
    package var directory: ShopDirectory { ShopDirectory(services: services) }
    package var notifier: Notifier { Notifier(services: services) }
    package var webhooks: Webhooks { Webhooks(services: services) }
    package let lifecycle = ComplaintLifecycle()

    package enum Work {
        package static func warning(day: Int) -> String { TimedWorkKind.complaintWarning(day: day).stored }
        package static let deadline = TimedWorkKind.complaintDeadline.stored
        package static let refundDue = TimedWorkKind.refundDue.stored
    }

    /// What a complaint says when it comes in (C1). Missing information never blocks intake: unknown fields get
    /// defaults; only values outside the lists are refused.
    package struct Intake: Sendable {
        package var orderExternalId: String?
        package var email: String?
        package var customerName: String?
        package var claimType: String?
        package var category: String?
        package var items: [(productId: String, quantity: Int)] = []
        package var description: String?
        package var requestedRemedy: String?
        package var partyType: String?
        package var receivedAt: Date?
        package var channel: String = "web"

        package init(orderExternalId: String? = nil, email: String? = nil, customerName: String? = nil, claimType: String? = nil, category: String? = nil, items: [(productId: String, quantity: Int)] = [], description: String? = nil, requestedRemedy: String? = nil, partyType: String? = nil, receivedAt: Date? = nil, channel: String = "web") {
            self.orderExternalId = orderExternalId
            self.email = email
            self.customerName = customerName
            self.claimType = claimType
            self.category = category
            self.items = items
            self.description = description
            self.requestedRemedy = requestedRemedy
            self.partyType = partyType
            self.receivedAt = receivedAt
            self.channel = channel
        }
    }

    package func validated(_ input: Intake) throws -> (ClaimType, ComplaintCategory, Remedy?, PartyType) {
        var errors = ValidationErrors()
        let claim = input.claimType.map { ClaimType(rawValue: $0) } ?? .other
        if claim == nil { errors.add("claimType", "must be one of \(ClaimType.allCases.map(\.rawValue).joined(separator: ", "))") }
        let category = input.category.map { ComplaintCategory(rawValue: $0) } ?? .other
        if category == nil {
            errors.add("category", "must be one of \(ComplaintCategory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var remedy: Remedy?
        if let text = input.requestedRemedy, !text.isEmpty {
            remedy = Remedy(rawValue: text)
            if remedy == nil { errors.add("requestedRemedy", "must be one of \(Remedy.allCases.map(\.rawValue).joined(separator: ", "))") }
        }
        let party = input.partyType.map { PartyType(rawValue: $0) } ?? .consumer
        if party == nil { errors.add("partyType", "must be one of \(PartyType.allCases.map(\.rawValue).joined(separator: ", "))") }
        if (input.description ?? "").count > 10_000 { errors.add("description", "must be at most 10,000 characters") }
        for item in input.items where item.quantity < 1 || item.quantity > 10_000 {
            errors.add("items", "quantities must be 1 to 10,000")
        }
        try errors.throwIfAny()
        return (claim!, category!, remedy, party!)
    }

    /// Files a complaint. The public form passes `requireOrder` with the customer's e-mail; an unknown order or a
    /// wrong e-mail is the same 404. A complaint by mail (E9) passes the customer's Message-ID as `replyingTo`, so the
    /// acknowledgement is threaded to it, and `within` to write its intake record in the same transaction.
    package func file(_ input: Intake, shop: ShopRecord, actor: AuditActor, requireOrder: Bool, uploads: [Upload] = [],
                      replyingTo: String? = nil,
                      within: (@Sendable (ComplaintRecord, DatabaseSession) async throws -> Void)? = nil)
        async throws -> (ComplaintRecord, caseToken: String?)
    {
        let (claim, category, remedy, party) = try validated(input)
        let now = services.clock.now()
        let zone = directory.timeZone(shop)
        let receivedAt = min(input.receivedAt ?? now, now)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let year = calendar.component(.year, from: receivedAt)
        // PostgreSQL: the reference is drawn in a statement of its own before the transaction, so the counter row of
        // the shop's year is locked for that statement only, not until the complaint commits (issue 18: concurrent
        // creates queued behind it). A complaint refused after this leaves a gap; a number is never given twice.
        // SQLite has one writer: the number is drawn inside the transaction and rolls back with it.
        let drawn = services.database.location.isSQLite
            ? nil : try await store.nextReference(shop: shop.shopID, year: year, on: services.database.sql)
        return try await services.database.transaction { tx in
            var order: OrderRecord?
            if let external = input.orderExternalId?.trimmingCharacters(in: .whitespaces), !external.isEmpty {
                order = try await orders.find(externalId: external, shop: shop.shopID, on: tx)
            }
            let email = (input.email ?? order?.email ?? "").trimmingCharacters(in: .whitespaces)
            if requireOrder {
                guard let found = order, found.emailNormalized == email.lowercased() else {
                    throw AppError.notFound("order with this e-mail address")
                }
            } else if order == nil && input.orderExternalId?.isEmpty == false {
                throw AppError.invalid(["orderExternalId": "no such order in this shop"])
            }
            guard Validate.isEmail(email) else { throw AppError.invalid(["email": "is not a valid e-mail address"]) }
            var orderItems: [OrderItemRecord] = []
            if let order { orderItems = try await orders.items(orderId: order.id, on: tx) }
            var items: [ComplaintItemRecord] = []
            let id = SecureToken.id("cmp")
            for wanted in input.items {
                guard let line = orderItems.first(where: { $0.productId == wanted.productId }) else {
                    throw AppError.invalid(["items": "product \(wanted.productId) is not in this order"])
                }
                guard wanted.quantity <= line.quantity else {
                    throw AppError.invalid(["items": "at most \(line.quantity) of \(wanted.productId) were ordered"])
                }
                items.append(ComplaintItemRecord(id: SecureToken.id("cit"), complaintId: id, productId: line.productId,
                                                 name: line.name, quantity: wanted.quantity))
            }
            let clock = legalClock(try await settings(shop, on: tx))
            var reference = drawn ?? ""
            if drawn == nil { reference = try await store.nextReference(shop: shop.shopID, year: year, on: tx) }
            var complaint = ComplaintRecord(
                id: id, shopId: shop.id, reference: reference, orderId: order?.id, orderExternalId: order?.externalId,
                email: email,
                customerName: (input.customerName ?? order?.customerName ?? "").trimmingCharacters(in: .whitespaces),
                locale: order?.locale ?? shop.locale, claimType: claim.rawValue, category: category.rawValue,
                description: (input.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
                requestedRemedy: remedy?.rawValue, partyType: party, channel: input.channel,
                receivedAt: receivedAt, answerDueAt: clock.answerDue(receivedAt: receivedAt, timeZone: zone), now: now)
            complaint.assigneeId = try await roundRobin(category: category.rawValue, shop: shop.shopID, now: now, on: tx)
            try await store.insert(complaint, items: items, on: tx)
            // The photos come with the form: all stored or the whole complaint refused with the reason.
            try await attach(uploads, to: complaint, author: "customer", on: tx)
            try await within?(complaint, tx)
            if party.hasStatutoryDeadline {
                let warnings = clock.warnings(receivedAt: receivedAt, timeZone: zone).filter { $0.at > now }
                    .map { (kind: Work.warning(day: $0.day), dueAt: $0.at) }
                try await services.deadlines.schedule(warnings + [(Work.deadline, complaint.answerDueAt)],
                                                      subjectId: id, shop: shop.shopID, now: now, on: tx)
            }
            try await services.audit.append(shop: shop.shopID, actor: actor, action: "complaint.received",
                                            subjectType: "complaint", subjectId: id,
                                            after: ["reference": reference, "channel": input.channel,
                                                    "answerDueAt": complaint.answerDueAt.formatted(.iso8601)],
                                            now: now, on: tx)
            var token: String?
            // A link to this complaint only: it goes to the complainant's address, which may not be the order's,
            // and back to whoever filed it (the shop, for a complaint it enters itself).
            if let order {
                token = try await directory.complaintLink(order: order, complaintId: id, shop: shop, now: now, on: tx)
            }
            try await notifier.send(.complaintReceived, to: [email], locale: complaint.locale, shop: shop,
                                    date: clock.lastDay(receivedAt: receivedAt, timeZone: zone)
                                        .addingTimeInterval(86_399),
                                    link: token.map { complaintLink(token: $0) }
                                        ?? services.config.url(.complaintLookup),
                                    reference: reference, order: order?.externalId,
                                    thread: .init(.complaint, id, inReplyTo: replyingTo), now: now, on: tx)
            try await webhooks.emit(.complaintReceived, shop: shop.shopID,
                                    data: WebhookResource(complaintId: reference, orderExternalId: order?.externalId,
                                                          status: complaint.status.rawValue), now: now, on: tx)
            return (complaint, token)
        }
    }

    package func complaint(_ reference: String, shop: ShopID, on sql: DatabaseSession) async throws -> ComplaintRecord {
        guard let complaint = try await store.find(reference: reference.uppercased(), shop: shop, on: sql),
              complaint.mergedInto == nil
        else { throw AppError.notFound("complaint") }
        return complaint
    }

    /// The complaint a customer link opens: a complaint link its own one (followed into the case it was merged
    /// into), a case link the order's latest.
    package func complaint(openedBy found: CustomerCase, on sql: DatabaseSession) async throws -> ComplaintRecord {
        guard var id = found.link.complaintId else {
            guard let latest = try await store.forOrder(found.order.id, on: sql).first else {
                throw AppError.notFound("complaint")
            }
            return latest
        }
        for _ in 0..<10 {
            guard let complaint = try await store.find(id: id, on: sql), complaint.shopId == found.shop.id else { break }
            guard let target = complaint.mergedInto else { return complaint }
            id = target
        }
        throw AppError.notFound("complaint")
    }

    // MARK: - Timed work (C2, C6)

    package func handlers() -> [TimedWorkKind.Family: TimedWorkHandler] {
        [
            .complaintDeadline: { context in try await self.deadlinePassed(context) },
            .refundDue: { context in try await self.refundDue(context) },
            // The warning's day comes with its kind (a term from 1 to 60 days has its own warning days).
            .complaintWarning: { context in
                guard case .complaintWarning(let day) = context.kind else { return .done }
                return try await self.warn(context, day: day)
            },
        ]
    }

    private func warn(_ context: TimedWorkContext, day: Int) async throws -> TimedWorkOutcome {
        let tx = context.sql
        guard let complaint = try await store.find(id: context.work.subjectId, on: tx), complaint.mergedInto == nil,
              complaint.legalState == .open, complaint.decisionId == nil
        else { return .done }
        let shop = try await directory.shop(ShopID(complaint.shopId), on: tx)
        // The day-7/10/12 texts name the days of the 14-day term; other terms get the text that quotes the date only.
        let term = try await settings(shop, on: tx).termDays
        let event: Notifier.Event = term != 14 ? .complaintWarning
            : day >= 12 ? .complaintWarningDay12 : day >= 10 ? .complaintWarningDay10 : .complaintWarningDay7
        try await notifier.send(event, to: try await notifier.shopRecipients(shop, on: tx), locale: shop.locale,
                                shop: shop, date: complaint.answerDueAt.addingTimeInterval(-1),
                                link: services.config.url(.panelComplaint(complaint.reference)),
                                reference: complaint.reference, now: context.now, on: tx)
        try await services.audit.append(shop: shop.shopID, actor: .system, action: "complaint.warning",
                                        subjectType: "complaint", subjectId: complaint.id, after: ["day": String(day)],
                                        now: context.now, on: tx)
        return .done
    }

    private func deadlinePassed(_ context: TimedWorkContext) async throws -> TimedWorkOutcome {
        let tx = context.sql
        guard var complaint = try await store.find(id: context.work.subjectId, on: tx), complaint.mergedInto == nil
        else { return .done }
        // A merge may have moved the due date; wait for the current one.
        if complaint.answerDueAt > context.now { return .repeatAt(complaint.answerDueAt) }
        guard lifecycle.isDeemedAccepted(legal: complaint.legalState, party: complaint.partyType,
                                         decisionSentAt: complaint.decisionSentAt, answerDueAt: complaint.answerDueAt,
                                         now: context.now)
        else { return .done }
        let before = complaint
        complaint.legalState = .deemedAccepted
        complaint.deemedAcceptedAt = context.now
        complaint.remedyTask = complaint.requestedRemedy ?? "accept the complaint"
        complaint.urgent = true
        let saved = try await store.save(complaint, now: context.now, on: tx)
        let shop = try await directory.shop(ShopID(complaint.shopId), on: tx)
        try await services.audit.append(shop: shop.shopID, actor: .system, action: "complaint.deemed_accepted",
                                        subjectType: "complaint", subjectId: complaint.id,
                                        before: ["legalState": before.legalState.rawValue],
                                        after: ["legalState": saved.legalState.rawValue, "remedyTask": saved.remedyTask ?? ""],
                                        now: context.now, on: tx)
        try await notifier.send(.complaintDeemedAccepted, to: try await notifier.shopRecipients(shop, on: tx),
                                locale: shop.locale, shop: shop, date: complaint.answerDueAt.addingTimeInterval(-1),
                                link: services.config.url(.panelComplaint(complaint.reference)),
                                reference: complaint.reference, now: context.now, on: tx)
        try await webhooks.emit(.complaintDeemedAccepted, shop: shop.shopID,
                                data: WebhookResource(complaintId: complaint.reference,
                                                      orderExternalId: complaint.orderExternalId,
                                                      status: saved.legalState.rawValue), now: context.now, on: tx)
        services.metrics.recordComplaintDeemedAccepted()
        return .done
    }

    private func refundDue(_ context: TimedWorkContext) async throws -> TimedWorkOutcome {
        let tx = context.sql
        guard var complaint = try await store.find(id: context.work.subjectId, on: tx), complaint.refundedAt == nil
        else { return .done }
        complaint.urgent = true
        try await store.save(complaint, now: context.now, on: tx)
        try await services.audit.append(shop: ShopID(complaint.shopId), actor: .system, action: "complaint.refund_overdue",
                                        subjectType: "complaint", subjectId: complaint.id, now: context.now, on: tx)
        return .done
    }

    /// The dispatcher's completion hooks: a decision letter accepted by the mail server answers the complaint, in
    /// the transaction that marks the letter sent (C2: sent means accepted by SMTP).
    package func sentHooks() -> [String: OutboxSentHook] {
        [Notifier.Event.complaintDecision.rawValue: { outboxId, sentAt, tx in
            try await self.decisionDelivered(outboxId: outboxId, at: sentAt, on: tx)
        }]
    }

    package func decisionDelivered(outboxId: String, at: Date, on tx: DatabaseSession) async throws {
        try await store.decisionSent(outboxId: outboxId, at: at, on: tx)
    }

    package init(services: AppServices) {
        self.services = services
    }
}
