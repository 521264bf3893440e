import Foundation
import RedressCore
import RedressPersistence

extension ReviewService {
    private func requireReview(_ found: CustomerCase) throws -> ReviewRecord {
        guard let review = found.review else { throw AppError.notFound("review for this order") }
        return review
    }

    /// R1, R3, R4: the customer's review; standby or published at once.
    package func submitReview(token: String, text: ReviewText) async throws -> ReviewRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            let found = try await directory.customerCase(token: token, for: .writeReview, on: tx)
            guard found.review == nil else { throw AppError.conflict("review.exists", "This order already has a review.") }
            guard found.order.cancelledAt == nil else { throw AppError.conflict("order.cancelled", "The order was cancelled.") }
            let zone = timeZone(found.shop)
            var review = ReviewRecord(
                id: SecureToken.id("rev"), shopId: found.shop.id, orderId: found.order.id,
                orderExternalId: found.order.externalId, customerName: found.order.customerName,
                locale: found.order.locale, rating: text.rating, title: text.title, body: text.body, submittedAt: now,
                held: false, publishAt: nil, shopWindowEndsAt: policy.shopWindowEnds(submittedAt: now, timeZone: zone))
            if case .standby(let publishAt, _, let reminderAt) = policy.intake(rating: text.rating, submittedAt: now,
                                                                              timeZone: zone) {
                review = ReviewRecord(
                    id: review.id, shopId: review.shopId, orderId: review.orderId,
                    orderExternalId: review.orderExternalId, customerName: review.customerName, locale: review.locale,
                    rating: text.rating, title: text.title, body: text.body, submittedAt: now, held: true,
                    publishAt: publishAt, shopWindowEndsAt: review.shopWindowEndsAt)
                try await services.deadlines.schedule(kind: Work.publishReview, subjectId: review.id,
                                                      shop: found.shop.shopID, dueAt: publishAt, now: now, on: tx)
                if reminderAt > now {
                    try await services.deadlines.schedule(kind: Work.remindShop, subjectId: review.id,
                                                          shop: found.shop.shopID, dueAt: reminderAt, now: now, on: tx)
                }
            }
            review = try await stats.track(before: nil, after: review, on: tx)
            do {
                try await reviews.insert(review, now: now, on: tx)
            } catch where error.isConstraintFailure {
                throw AppError.conflict("review.exists", "This order already has a review.")
            }
            try await services.deadlines.cancel(kind: Work.remindInvitation, subjectId: found.order.id, now: now, on: tx)
            // The customer's links stay usable for the whole case.
            try await links.extend(orderId: found.order.id,
                                   until: policy.linkExpiry(issuedAt: now, timeZone: zone), on: tx)
            try await services.audit.append(
                shop: found.shop.shopID, actor: .customer(found.order.id), action: "review.submitted",
                subjectType: "review", subjectId: review.id, after: Self.auditState(review), now: now, on: tx)
            try await webhooks.emit(.reviewSubmitted, shop: found.shop.shopID, data: WebhookResource(review: review),
                                    now: now, on: tx)
            if !review.held {
                try await webhooks.emit(.reviewPublished, shop: found.shop.shopID, data: WebhookResource(review: review),
                                        now: now, on: tx)
            }
            if !review.held && !found.link.capability.allows(.changeReview) {
                // Written through the shop's link: the customer's own way to change it comes by e-mail.
                let caseToken = try await caseLink(order: found.order, shop: found.shop, now: now, on: tx)
                try await notifier.send(.reviewPublished, to: [found.order.email], locale: found.order.locale,
                                        shop: found.shop, link: link(.customerCase(token: caseToken)), now: now, on: tx)
            }
            if review.held, let publishAt = review.publishAt {
                let caseToken = try await caseLink(order: found.order, shop: found.shop, now: now, on: tx)
                try await notifier.send(.reviewStandbyCustomer, to: [found.order.email], locale: found.order.locale,
                                        shop: found.shop, date: publishAt, link: link(.customerCase(token: caseToken)), now: now,
                                        on: tx)
                try await notifier.send(.reviewStandbyShop, to: try await notifier.shopRecipients(found.shop, on: tx),
                                        locale: found.shop.locale, shop: found.shop, date: publishAt,
                                        link: services.config.url(.panelReview(review.id)), now: now,
                                        on: tx)
            }
            return review
        }
    }

    /// Runs a customer command on the review of the link's order.
    package func customerCommand(
        token: String, command: ReviewCommand, action: String, adjust: @escaping @Sendable (inout ReviewRecord, Date) -> Void = { _, _ in },
        after: @escaping @Sendable (ReviewRecord, CustomerCase, DatabaseSession, Date) async throws -> Void = { _, _, _, _ in }
    ) async throws -> ReviewRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            let found = try await directory.customerCase(token: token, for: .changeReview, on: tx)
            let review = try requireReview(found)
            let saved = try await change(review, shop: found.shop, command: command, actor: .customer(found.order.id),
                                         action: action, now: now, on: tx) { adjust(&$0, now) }
            try await after(saved, found, tx, now)
            return saved
        }
    }

    package func publishNow(token: String) async throws -> ReviewRecord {
        try await customerCommand(token: token, command: .publishNow, action: "review.published_now")
    }

    /// R8: only the customer's word resolves a dialog.
    package func resolve(token: String) async throws -> ReviewRecord {
        try await customerCommand(token: token, command: .customerResolved, action: "dialog.resolved", after: { saved, _, tx, now in
            try await self.closeDialogRecord(reviewId: saved.id, outcome: .resolved, now: now, on: tx)
        })
    }

    /// R9: a new version; after a dialog it is labelled with its date.
    package func edit(token: String, text: ReviewText) async throws -> ReviewRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            let found = try await directory.customerCase(token: token, for: .changeReview, on: tx)
            let review = try requireReview(found)
            let afterDialog = review.dialogState != .none
            let saved = try await change(review, shop: found.shop, command: .customerEdits(rating: text.rating),
                                         actor: .customer(found.order.id), action: "review.edited", now: now,
                                         on: tx) { next in
                next.title = text.title
                next.body = text.body
                next.currentVersion += 1
                if afterDialog && next.changedAfterDialogAt == nil { next.changedAfterDialogAt = now }
            }
            try await reviews.addVersion(saved, afterDialog: afterDialog, now: now, on: tx)
            if review.dialogOutcome != .resolved && saved.dialogOutcome == .resolved {
                try await closeDialogRecord(reviewId: saved.id, outcome: .resolved, now: now, on: tx)
            }
            return saved
        }
    }

    /// R10: withdrawn with a reason; counted in the public counters.
    package func withdraw(token: String, reason: WithdrawalReason, comment: String?) async throws -> ReviewRecord {
        try await customerCommand(token: token, command: .withdraw, action: "review.withdrawn") { review, now in
            review.withdrawnAt = now
            review.withdrawReason = reason.rawValue
            review.withdrawComment = comment
        }
    }

    /// The customer's side of the dialog.
    package func customerMessage(token: String, body: String) async throws -> DialogMessageRecord {
        try await services.database.transaction { tx in
            let found = try await directory.customerCase(token: token, for: .changeReview, on: tx)
            let review = try requireReview(found)
            guard let dialog = try await dialogs.find(reviewId: review.id, on: tx) else {
                throw AppError.conflict("dialog.none", "The shop has not opened a dialog about this review.")
            }
            return try await customerMessage(dialog: dialog, body: body, shop: found.shop, orderId: found.order.id,
                                             via: nil, on: tx)
        }
    }

    /// The customer's message in the caller's transaction: the page's (`via` nil) and a reply by mail (E10), with
    /// the same effects. Mail can only add messages: it never publishes, edits, withdraws or resolves (E10).
    package func customerMessage(dialog: DialogRecord, body: String, shop: ShopRecord, orderId: String, via: String?,
                                 on tx: DatabaseSession) async throws -> DialogMessageRecord {
        let now = services.clock.now()
        var dialog = dialog
        let message = DialogMessageRecord(
            id: SecureToken.id("msg"), dialogId: dialog.id, shopId: shop.id, author: "customer",
            staffId: nil, staffName: nil, body: body, isInternal: false, incentiveWarning: false, createdAt: now,
            via: via)
        try await dialogs.addMessage(message, on: tx)
        dialog.awaiting = "shop"
        dialog.lastMessageAt = now
        try await dialogs.save(dialog, on: tx)
        try await services.audit.append(shop: shop.shopID, actor: .customer(orderId),
                                        action: "dialog.customer_message", subjectType: "dialog",
                                        subjectId: dialog.id, after: via.map { ["via": $0] }, now: now, on: tx)
        try await webhooks.emit(.dialogMessage, shop: shop.shopID,
                                data: WebhookResource(reviewId: dialog.reviewId, dialogId: dialog.id, messageId: message.id,
                                                      author: "customer"), now: now, on: tx)
        try await notifier.send(.dialogMessageToShop, to: try await notifier.shopRecipients(shop, on: tx),
                                locale: shop.locale, shop: shop, link: services.config.url(.panelDialog(dialog.id)),
                                body: body, now: now, on: tx)
        return message
    }

    /// R12: a report by the customer (of their own review, e.g. a shop reply they find abusive).
    package func customerReport(token: String, reason: String) async throws -> AbuseReportRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            let found = try await directory.customerCase(token: token, for: .changeReview, on: tx)
            let review = try requireReview(found)
            return try await addReport(review: review, party: "customer", reason: reason,
                                       actor: .customer(found.order.id), now: now, on: tx)
        }
    }

    /// R12 / DSA art. 20: one appeal against a removal.
    package func appeal(token: String, statement: String) async throws -> ReviewRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            let found = try await directory.customerCase(token: token, for: .changeReview, on: tx)
            var review = try requireReview(found)
            switch ModerationRules.refusalToAppeal(status: review.status, appealedAt: review.appealAt) {
            case .notRemoved: throw AppError.conflict("appeal.not_removed", "Only a removed review can be appealed.")
            case .alreadyAppealed: throw AppError.conflict("appeal.used", "The removal was already appealed once.")
            case nil: break
            }
            review.appealAt = now
            review.appealStatement = statement
            let saved = try await reviews.save(review, on: tx)
            try await services.audit.append(shop: found.shop.shopID, actor: .customer(found.order.id),
                                            action: "review.appealed", subjectType: "review", subjectId: review.id,
                                            now: now, on: tx)
            return saved
        }
    }

    package func addReport(review: ReviewRecord, party: String, reason: String, actor: AuditActor, now: Date,
                   on tx: DatabaseSession) async throws -> AbuseReportRecord {
        let used = try await reports.count(reviewId: review.id, party: party, on: tx)
        switch ModerationRules.refusalToReport(status: review.status, used: used) {
        case .withdrawn: throw AppError.conflict("review.withdrawn", "The review was withdrawn.")
        case .limitReached(let limit): throw AppError.conflict("report.limit", "At most \(limit) reports per review can be made.")
        case nil: break
        }
        let report = AbuseReportRecord(
            id: SecureToken.id("rpt"), shopId: review.shopId, reviewId: review.id, party: party, reason: reason,
            createdAt: now, state: "open", decision: nil, decisionReason: nil, decidedAt: nil)
        try await reports.add(report, on: tx)
        try await services.audit.append(shop: ShopID(review.shopId), actor: actor, action: "review.reported",
                                        subjectType: "review", subjectId: review.id, after: ["party": party],
                                        now: now, on: tx)
        return report
    }

    /// Records the customer's resolution on the dialog row; an open dialog stays open until the shop closes it.
    package func closeDialogRecord(reviewId: String, outcome: DialogOutcome, now: Date, on tx: DatabaseSession) async throws {
        guard var dialog = try await dialogs.find(reviewId: reviewId, on: tx) else { return }
        if dialog.outcome == .resolved { return }
        dialog.outcome = outcome
        try await dialogs.save(dialog, on: tx)
    }
}
