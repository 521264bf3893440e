import Crypto
import Foundation
import RedressCore
import RedressPersistence

/// The application service of review mediation (R1–R13): each operation loads what it needs, asks the rules in
/// `RedressCore`, and writes the change, its counters, its audit entry, its e-mails and its timed work in one
/// transaction.
package struct ReviewService: Sendable {
    package let services: AppServices
    package var policy: HoldPolicy { services.config.holdPolicy }
    package var notifier: Notifier { Notifier(services: services) }
    package var webhooks: Webhooks { Webhooks(services: services) }
    package let orders = OrderStore()
    package let links = CustomerLinkStore()
    package let reviews = ReviewStore()
    package let dialogs = DialogStore()
    package let stats = ReviewStatsStore()
    package let reports = AbuseReportStore()

    package enum Work {
        package static let sendInvitation = TimedWorkKind.sendInvitation.stored
        package static let remindInvitation = TimedWorkKind.remindInvitation.stored
        package static let publishReview = TimedWorkKind.publishReview.stored
        package static let remindShop = TimedWorkKind.remindShop.stored
    }

    // MARK: - Shops

    /// Shops, their time zones and the customers' links: shared with complaints and reports.
    package var directory: ShopDirectory { ShopDirectory(services: services) }

    package func shop(_ id: ShopID, on sql: DatabaseSession) async throws -> ShopRecord {
        try await directory.shop(id, on: sql)
    }

    package func timeZone(_ shop: ShopRecord) -> TimeZone { directory.timeZone(shop) }

    package func link(_ site: SiteURL) -> String { directory.link(site) }

    // MARK: - Orders (N4, R2)

    package enum OrderOutcome: Equatable {
        case created, unchanged, deliveryUpdated
    }

    /// Stores an order (idempotent on its external id) and schedules the invitation if it is delivered.
    /// `audited` is false for bulk imports, which record one entry for the whole import instead of one per order.
    package func submit(_ order: IncomingOrder, shop: ShopRecord, actor: AuditActor, audited: Bool = true, on tx: DatabaseSession,
                now: Date) async throws -> (OrderOutcome, OrderRecord)
    {
        try order.validate()
        let shopID = shop.shopID
        let hash = Self.bodyHash(order)
        switch try await orders.insert(order, bodyHash: hash, shop: shopID, defaultLocale: shop.locale, now: now, on: tx) {
        case .created(let record):
            if audited {
                try await services.audit.append(shop: shopID, actor: actor, action: "order.created",
                                                subjectType: "order", subjectId: record.id, now: now, on: tx)
            }
            if let delivered = record.deliveredAt {
                try await scheduleInvitation(record, deliveredAt: delivered, shop: shop, now: now, on: tx)
            }
            return (.created, record)
        case .unchanged(let record):
            return (.unchanged, record)
        case .conflict(let record):
            // The same order with only a delivery time added is an update, not a conflict.
            var withoutDelivery = order
            withoutDelivery.deliveredAt = record.deliveredAt
            if record.deliveredAt == nil, order.deliveredAt != nil, Self.bodyHash(withoutDelivery) == record.bodyHash {
                let updated = try await deliver(record, at: order.deliveredAt!, shop: shop, actor: actor, now: now, on: tx)
                return (.deliveryUpdated, updated)
            }
            throw AppError.conflict("order.conflicting_data", "An order with the external id \(order.externalId) exists with different data.")
        }
    }

    package func deliver(_ order: OrderRecord, at: Date, shop: ShopRecord, actor: AuditActor, now: Date, on tx: DatabaseSession)
        async throws -> OrderRecord
    {
        guard order.cancelledAt == nil else { throw AppError.conflict("order.cancelled", "The order is cancelled.") }
        var order = order
        try await orders.setDelivered(order.id, at: at, on: tx)
        order.deliveredAt = at
        try await services.audit.append(shop: shop.shopID, actor: actor, action: "order.delivered", subjectType: "order",
                                        subjectId: order.id, after: ["deliveredAt": at.formatted(.iso8601)],
                                        now: now, on: tx)
        try await scheduleInvitation(order, deliveredAt: at, shop: shop, now: now, on: tx)
        return order
    }

    private func scheduleInvitation(_ order: OrderRecord, deliveredAt: Date, shop: ShopRecord, now: Date,
                                    on tx: DatabaseSession) async throws {
        guard order.invitedAt == nil, order.cancelledAt == nil else { return }
        let due = max(now, policy.invitationDue(deliveredAt: deliveredAt, timeZone: timeZone(shop)))
        try await services.deadlines.schedule(kind: Work.sendInvitation, subjectId: order.id, shop: shop.shopID,
                                              dueAt: due, now: now, on: tx)
    }

    package func cancel(_ order: OrderRecord, shop: ShopID, actor: AuditActor, now: Date, on tx: DatabaseSession) async throws {
        guard order.cancelledAt == nil else { return }
        try await orders.setCancelled(order.id, at: now, on: tx)
        try await services.deadlines.cancel(kind: Work.sendInvitation, subjectId: order.id, now: now, on: tx)
        try await services.deadlines.cancel(kind: Work.remindInvitation, subjectId: order.id, now: now, on: tx)
        try await services.audit.append(shop: shop, actor: actor, action: "order.cancelled", subjectType: "order",
                                        subjectId: order.id, now: now, on: tx)
    }

    /// A review link for shops that send their own e-mails (R2).
    package func issueReviewLink(_ order: OrderRecord, shop: ShopRecord, now: Date, on tx: DatabaseSession) async throws
        -> (url: String, token: String, expiresAt: Date)
    {
        guard order.cancelledAt == nil else { throw AppError.conflict("order.cancelled", "No review invitations for a cancelled order.") }
        if try await reviews.find(orderId: order.id, on: tx) != nil {
            throw AppError.conflict("review.exists", "This order already has a review.")
        }
        let expires = policy.linkExpiry(issuedAt: now, timeZone: timeZone(shop))
        // The shop sees this link: it writes the first review and nothing else (S3).
        let (token, _) = try await links.issue(shop: shop.shopID, orderId: order.id, purpose: .review, now: now,
                                               expiresAt: expires, on: tx)
        return (link(.reviewForm(token: token)), token, expires)
    }

    package static func bodyHash(_ order: IncomingOrder) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        let data = (try? encoder.encode(order)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Timed work

    package func handlers() -> [TimedWorkKind.Family: TimedWorkHandler] {
        [
            .sendInvitation: { context in try await self.sendInvitation(context, reminder: false) },
            .remindInvitation: { context in try await self.sendInvitation(context, reminder: true) },
            .publishReview: { context in try await self.publishAtDeadline(context) },
            .remindShop: { context in try await self.remindShop(context) },
        ]
    }

    package func batchHandlers() -> [TimedWorkKind.Family: TimedWorkBatchHandler] {
        [.publishReview: { works, now, tx in try await self.publishDue(works, now: now, on: tx) }]
    }

    /// The set-based form of `publishAtDeadline` for many due reviews at once: one update, one counter statement,
    /// one audit insert, one link insert and one outbox insert per batch. Reviews it does not publish (withdrawn,
    /// published early, moved to day 14) are left to the one-by-one handler.
    private func publishDue(_ works: [DueWork], now: Date, on tx: DatabaseSession) async throws -> Set<String> {
        let published = try await reviews.publishDue(ids: works.map(\.subjectId), now: now, on: tx)
        guard !published.isEmpty else { return [] }
        var deltas: [ReviewStatsStore.Delta] = []
        var entries: [AuditEntry] = []
        for review in published {
            var before = review
            before.status = .standby
            before.publishedVia = nil
            before.statsRating = nil
            before.version -= 1
            deltas += ReviewStatsStore.deltas(before: before, after: review)
            entries.append(AuditLog.entry(
                shop: ShopID(review.shopId), actor: .system, action: "review.published", subjectType: "review",
                subjectId: review.id, before: Self.auditState(before), after: Self.auditState(review), now: now))
        }
        try await stats.apply(deltas, on: tx)
        try await services.audit.append(entries, on: tx)
        // "Your review is published", each with a fresh link to the case page.
        let orderRows = try await orders.contacts(ids: published.map(\.orderId), on: tx)
        var shops: [String: ShopRecord] = [:]
        for shopId in Set(published.map(\.shopId)) { shops[shopId] = try await shop(ShopID(shopId), on: tx) }
        let mailed = published.filter { orderRows[$0.orderId] != nil && shops[$0.shopId] != nil }
        var messages: [OutboxStore.NewMessage] = []
        for (shopId, group) in Dictionary(grouping: mailed, by: \.shopId) {
            let shop = shops[shopId]!
            let tokens = try await links.issue(
                shop: group.map(\.shopId), orderIds: group.map(\.orderId), purpose: .case, now: now,
                expiresAt: policy.linkExpiry(issuedAt: now, timeZone: timeZone(shop)), on: tx)
            for (review, token) in zip(group, tokens) {
                let contact = orderRows[review.orderId]!
                let mail = notifier.message(.reviewPublished, to: [contact.email], locale: contact.locale, shop: shop,
                                            date: nil, link: link(.customerCase(token: token)))
                messages.append(.init(channel: OutboxChannel.email, kind: Notifier.Event.reviewPublished.rawValue,
                                      payload: String(decoding: try JSONEncoder().encode(mail), as: UTF8.self),
                                      shop: shop.shopID))
            }
        }
        try await services.outbox.enqueue(messages, now: now, on: tx)
        try await webhooks.emit(.reviewPublished, items: published.map { (ShopID($0.shopId), WebhookResource(review: $0)) },
                                now: now, on: tx)
        let byReview = Dictionary(grouping: works, by: \.subjectId)
        return Set(published.flatMap { byReview[$0.id]?.map(\.id) ?? [] })
    }

    private func sendInvitation(_ context: TimedWorkContext, reminder: Bool) async throws -> TimedWorkOutcome {
        let tx = context.sql
        guard let shopID = context.work.shopId.map(ShopID.init),
              let order = try await orders.find(context.work.subjectId, shop: shopID, on: tx),
              order.cancelledAt == nil,
              try await reviews.find(orderId: order.id, on: tx) == nil
        else { return .done }
        if reminder ? order.remindedAt != nil : order.invitedAt != nil { return .done }
        let shop = try await shop(shopID, on: tx)
        let expires = policy.linkExpiry(issuedAt: context.now, timeZone: timeZone(shop))
        // Only Redress sees this link, mailed to the order's address: it opens the whole case.
        let (token, _) = try await links.issue(shop: shopID, orderId: order.id, purpose: .invitation,
                                               now: context.now, expiresAt: expires, on: tx)
        try await notifier.send(reminder ? .invitationReminder : .invitation, to: [order.email], locale: order.locale,
                                shop: shop, date: expires, link: link(.reviewForm(token: token)), now: context.now, on: tx)
        if reminder {
            try await orders.markReminded(order.id, at: context.now, on: tx)
        } else {
            try await orders.markInvited(order.id, at: context.now, on: tx)
            try await services.deadlines.schedule(
                kind: Work.remindInvitation, subjectId: order.id, shop: shopID,
                dueAt: policy.reminderDue(invitedAt: context.now, timeZone: timeZone(shop)), now: context.now, on: tx)
        }
        try await services.audit.append(shop: shopID, actor: .system,
                                        action: reminder ? "invitation.reminded" : "invitation.sent",
                                        subjectType: "order", subjectId: order.id, now: context.now, on: tx)
        return .done
    }

    private func publishAtDeadline(_ context: TimedWorkContext) async throws -> TimedWorkOutcome {
        let tx = context.sql
        guard let review = try await reviews.find(id: context.work.subjectId, on: tx),
              review.status == .standby, let publishAt = review.publishAt
        else { return .done }
        // The date may have moved (a dialog was opened): wait for the current one.
        if publishAt > context.now { return .repeatAt(publishAt) }
        let shop = try await shop(ShopID(review.shopId), on: tx)
        try await change(review, shop: shop, command: .deadlineReached, actor: .system, action: "review.published",
                         now: context.now, on: tx)
        return .done
    }

    private func remindShop(_ context: TimedWorkContext) async throws -> TimedWorkOutcome {
        let tx = context.sql
        guard let review = try await reviews.find(id: context.work.subjectId, on: tx),
              review.status == .standby, review.dialogState == .none,
              context.now < review.shopWindowEndsAt
        else { return .done }
        let shop = try await shop(ShopID(review.shopId), on: tx)
        try await notifier.send(.shopWindowReminder, to: try await notifier.shopRecipients(shop, on: tx),
                                locale: shop.locale, shop: shop, date: review.shopWindowEndsAt,
                                link: services.config.url(.panelReview(review.id)), now: context.now,
                                on: tx)
        return .done
    }

    // MARK: - The one way a review changes

    /// Applies a command through the state machine and writes the result with its counters, audit entry and
    /// e-mails. `adjust` fills in what the command implies beyond the facts (dates, texts, reasons).
    @discardableResult
    package func change(
        _ review: ReviewRecord, shop: ShopRecord, command: ReviewCommand, actor: AuditActor, action: String, now: Date,
        on tx: DatabaseSession, adjust: (inout ReviewRecord) -> Void = { _ in }
    ) async throws -> ReviewRecord {
        let lifecycle = ReviewLifecycle(policy: policy, timeZone: timeZone(shop))
        var next = review
        do {
            next.facts = try lifecycle.apply(command, to: review.facts, now: now)
        } catch let violation as ReviewRuleViolation {
            throw AppError.rule(violation)
        }
        adjust(&next)
        next = try await stats.track(before: review, after: next, on: tx)
        let saved = try await reviews.save(next, on: tx)
        try await services.audit.append(
            shop: shop.shopID, actor: actor, action: action, subjectType: "review", subjectId: review.id,
            before: Self.auditState(review), after: Self.auditState(saved), now: now, on: tx)
        try await notifyCustomer(before: review, after: saved, shop: shop, now: now, on: tx)
        if let event = Self.webhookEvent(before: review, after: saved) {
            try await webhooks.emit(event, shop: shop.shopID, data: WebhookResource(review: saved), now: now, on: tx)
        }
        return saved
    }

    /// The integration event a review change amounts to, if any (dialog events are emitted where dialogs change).
    package static func webhookEvent(before: ReviewRecord, after: ReviewRecord) -> WebhookEvent? {
        if before.status != .published && after.status == .published { return .reviewPublished }
        if before.status != .withdrawn && after.status == .withdrawn { return .reviewWithdrawn }
        if after.currentVersion != before.currentVersion { return .reviewUpdated }
        return nil
    }

    package static func auditState(_ review: ReviewRecord) -> [String: String] {
        var state = ["status": review.status.rawValue, "rating": String(review.rating),
                     "dialog": review.dialogState.rawValue, "version": String(review.currentVersion)]
        if let outcome = review.dialogOutcome { state["outcome"] = outcome.rawValue }
        if let publishAt = review.publishAt { state["publishAt"] = publishAt.formatted(.iso8601) }
        return state
    }

    private func notifyCustomer(before: ReviewRecord, after: ReviewRecord, shop: ShopRecord, now: Date,
                                on tx: DatabaseSession) async throws {
        var event: Notifier.Event?
        var date: Date?
        if before.status != .published && after.status == .published && after.publishedVia != .publishNow {
            event = .reviewPublished
        } else if before.dialogOutcome != .resolved
                    && after.dialogOutcome == .resolved {
            event = .editWindowOpened
            date = after.editWindowEndsAt
        } else if before.status != .removed && after.status == .removed {
            event = .reviewRemoved
        }
        guard let event, let order = try await orders.find(after.orderId, shop: shop.shopID, on: tx) else { return }
        let token = try await caseLink(order: order, shop: shop, now: now, on: tx)
        try await notifier.send(event, to: [order.email], locale: order.locale, shop: shop, date: date,
                                link: link(.customerCase(token: token)), now: now, on: tx)
    }

    package func caseLink(order: OrderRecord, shop: ShopRecord, now: Date, on tx: DatabaseSession) async throws -> String {
        try await directory.caseLink(order: order, shop: shop, now: now, on: tx)
    }

    package init(services: AppServices) {
        self.services = services
    }
}

extension AppConfig {
    package var holdPolicy: HoldPolicy { HoldPolicy(threshold: holdThreshold) }
}
