import Foundation
import RedressCore
import RedressPersistence

/// Who on the shop's side acts, for the thread and the audit log.
package struct ShopActor: Sendable {
    package var shop: ShopID
    package var actor: AuditActor
    package var staffId: String?
    package var name: String?

    package init(shop: ShopID, actor: AuditActor, staffId: String?, name: String?) {
        self.shop = shop
        self.actor = actor
        self.staffId = staffId
        self.name = name
    }

    package init(identity: Identity, shop: ShopID) {
        self.shop = shop
        actor = identity.actor
        if case .staff(let session) = identity {
            staffId = session.staffId
            name = session.staffName
        }
    }
}

extension ReviewService {
    package func review(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> ReviewRecord {
        guard let review = try await reviews.find(id, shop: shop, on: sql) else { throw AppError.notFound("review") }
        return review
    }

    package func dialog(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> DialogRecord {
        guard let dialog = try await dialogs.find(id, shop: shop, on: sql) else { throw AppError.notFound("dialog") }
        return dialog
    }

    /// R5: the shop opens a dialog inside its window; a held review is then published at day 14 at the latest.
    package func openDialog(reviewId: String, by actor: ShopActor) async throws -> DialogRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            let review = try await review(reviewId, shop: actor.shop, on: tx)
            let shop = try await shop(actor.shop, on: tx)
            let saved = try await change(review, shop: shop, command: .openDialog, actor: actor.actor,
                                         action: "dialog.opened", now: now, on: tx)
            let dialog: DialogRecord
            do {
                dialog = try await dialogs.open(reviewId: review.id, shop: actor.shop, openedBy: actor.staffId, now: now,
                                                on: tx)
            } catch where error.isConstraintFailure {
                throw AppError.conflict("dialog.exists", "This review already has a dialog.")
            }
            if let publishAt = saved.publishAt {
                try await services.deadlines.schedule(kind: Work.publishReview, subjectId: review.id, shop: actor.shop,
                                                      dueAt: publishAt, now: now, on: tx)
            }
            try await services.deadlines.cancel(kind: Work.remindShop, subjectId: review.id, now: now, on: tx)
            try await webhooks.emit(.dialogOpened, shop: actor.shop,
                                    data: WebhookResource(reviewId: review.id, dialogId: dialog.id), now: now, on: tx)
            return dialog
        }
    }

    package struct PostedMessage: Sendable {
        package var message: DialogMessageRecord
        package var incentiveWarning: Bool
    }

    /// A reply to the customer (e-mailed) or an internal note (never shown to the customer). R11: a message that
    /// looks like an offer for a review change is flagged, recorded and sent only as the staff decided.
    package func postShopMessage(dialogId: String, body: String, isInternal: Bool, expectedVersion: Int?,
                         submissionKey: String? = nil, by actor: ShopActor) async throws -> PostedMessage
    {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var dialog = try await dialog(dialogId, shop: actor.shop, on: tx)
            if let expectedVersion, expectedVersion != dialog.version {
                throw StaleVersion(table: "dialogs", id: dialog.id)
            }
            let incentive = !isInternal && IncentiveCheck.looksLikeIncentive(body)
            let message = DialogMessageRecord(
                id: SecureToken.id("msg"), dialogId: dialog.id, shopId: actor.shop.rawValue, author: "shop",
                staffId: actor.staffId, staffName: actor.name, body: body, isInternal: isInternal,
                incentiveWarning: incentive, createdAt: now,
                submissionKey: submissionKey.map { "\(actor.shop.rawValue):\($0.prefix(64))" })
            try await dialogs.addMessage(message, on: tx)
            if !isInternal {
                dialog.awaiting = "customer"
                dialog.lastMessageAt = now
                if dialog.firstShopReplyAt == nil { dialog.firstShopReplyAt = now }
            }
            // Saving even for a note bumps the version, so two agents acting at once do not both pass.
            try await dialogs.save(dialog, on: tx)
            try await services.audit.append(
                shop: actor.shop, actor: actor.actor, action: isInternal ? "dialog.note" : "dialog.message",
                subjectType: "dialog", subjectId: dialog.id,
                after: incentive ? ["incentiveWarning": "true"] : nil, now: now, on: tx)
            if !isInternal {
                try await webhooks.emit(.dialogMessage, shop: actor.shop,
                                        data: WebhookResource(reviewId: dialog.reviewId, dialogId: dialog.id,
                                                              messageId: message.id, author: "shop"), now: now, on: tx)
                let shop = try await shop(actor.shop, on: tx)
                let review = try await review(dialog.reviewId, shop: actor.shop, on: tx)
                if let order = try await orders.find(review.orderId, shop: actor.shop, on: tx) {
                    let token = try await caseLink(order: order, shop: shop, now: now, on: tx)
                    try await notifier.send(.dialogMessageToCustomer, to: [order.email], locale: order.locale, shop: shop,
                                            link: link(.customerCase(token: token)), body: message.body,
                                            order: order.externalId, thread: .init(.dialog, dialog.id), now: now, on: tx)
                }
            }
            return PostedMessage(message: message, incentiveWarning: incentive)
        }
    }

    /// R8: "Confirm and close" — closed by the shop unless the customer already resolved it.
    package func closeDialog(dialogId: String, by actor: ShopActor) async throws -> DialogRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var dialog = try await dialog(dialogId, shop: actor.shop, on: tx)
            guard dialog.state == .open else { throw AppError.conflict("dialog.closed", "The dialog is already closed.") }
            let shop = try await shop(actor.shop, on: tx)
            let review = try await review(dialog.reviewId, shop: actor.shop, on: tx)
            try await change(review, shop: shop, command: .shopCloses, actor: actor.actor, action: "dialog.closed",
                             now: now, on: tx)
            dialog.state = .closed
            dialog.outcome = dialog.outcome ?? .closedByShop
            dialog.closedAt = now
            let saved = try await dialogs.save(dialog, on: tx)
            try await webhooks.emit(.dialogClosed, shop: actor.shop,
                                    data: WebhookResource(reviewId: review.id, dialogId: dialog.id,
                                                          status: saved.outcome?.rawValue), now: now, on: tx)
            if let order = try await orders.find(review.orderId, shop: actor.shop, on: tx) {
                let token = try await caseLink(order: order, shop: shop, now: now, on: tx)
                try await notifier.send(.dialogClosed, to: [order.email], locale: order.locale, shop: shop,
                                        link: link(.customerCase(token: token)), now: now, on: tx)
            }
            return saved
        }
    }

    /// R7: one public reply per review, editable for 7 days.
    package func reply(reviewId: String, body: String, by actor: ShopActor) async throws -> ReviewRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            var review = try await review(reviewId, shop: actor.shop, on: tx)
            let shop = try await shop(actor.shop, on: tx)
            guard review.status != .withdrawn && review.status != .removed else {
                throw AppError.conflict("review.not_shown", "The review is no longer shown.")
            }
            if let until = review.replyEditableUntil, now >= until {
                throw AppError.conflict("reply.edit_closed", "The public reply can be edited for \(policy.replyEditDays) days only.")
            }
            let before = review.replyBody
            if review.replyAt == nil {
                review.replyAt = now
                review.replyEditableUntil = policy.replyEditableUntil(repliedAt: now, timeZone: timeZone(shop))
            }
            review.replyBody = body
            let saved = try await reviews.save(review, on: tx)
            try await services.audit.append(shop: actor.shop, actor: actor.actor,
                                            action: before == nil ? "review.replied" : "review.reply_edited",
                                            subjectType: "review", subjectId: review.id, now: now, on: tx)
            return saved
        }
    }

    package func shopReport(reviewId: String, reason: String, by actor: ShopActor) async throws -> AbuseReportRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            let review = try await review(reviewId, shop: actor.shop, on: tx)
            return try await addReport(review: review, party: "shop", reason: reason, actor: actor.actor, now: now, on: tx)
        }
    }

    // MARK: - Platform moderation (R12)

    package enum ModerationDecision: String, Sendable {
        case keep, remove
    }

    package func moderate(reviewId: String, decision: ModerationDecision, reason: String) async throws -> ReviewRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            guard let review = try await reviews.find(id: reviewId, on: tx) else { throw AppError.notFound("review") }
            let shop = try await shop(ShopID(review.shopId), on: tx)
            try await reports.decide(reviewId: review.id, decision: decision.rawValue, reason: reason, now: now, on: tx)
            switch decision {
            case .keep:
                try await services.audit.append(shop: shop.shopID, actor: .admin, action: "review.moderation_kept",
                                                subjectType: "review", subjectId: review.id, now: now, on: tx)
                return review
            case .remove:
                return try await change(review, shop: shop, command: .moderatorRemoves, actor: .admin,
                                        action: "review.removed", now: now, on: tx) { next in
                    next.removedAt = now
                    next.removalReason = reason
                }
            }
        }
    }

    /// The platform's answer to the one appeal: reinstate, or uphold the removal.
    package func decideAppeal(reviewId: String, reinstate: Bool, reason: String) async throws -> ReviewRecord {
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            guard let review = try await reviews.find(id: reviewId, on: tx) else { throw AppError.notFound("review") }
            guard ModerationRules.appealAwaitsDecision(appealedAt: review.appealAt, decidedAt: review.appealDecidedAt) else {
                throw AppError.conflict("appeal.none_open", "There is no open appeal for this review.")
            }
            let shop = try await shop(ShopID(review.shopId), on: tx)
            if reinstate {
                return try await change(review, shop: shop, command: .moderatorReinstates, actor: .admin,
                                        action: "review.reinstated", now: now, on: tx) { next in
                    next.appealDecidedAt = now
                    next.removedAt = nil
                    next.removalReason = nil
                    if next.publishedAt == nil { next.publishedAt = now }
                }
            }
            var next = review
            next.appealDecidedAt = now
            let saved = try await reviews.save(next, on: tx)
            try await services.audit.append(shop: shop.shopID, actor: .admin, action: "review.removal_upheld",
                                            subjectType: "review", subjectId: review.id, after: ["reason": reason],
                                            now: now, on: tx)
            return saved
        }
    }
}
