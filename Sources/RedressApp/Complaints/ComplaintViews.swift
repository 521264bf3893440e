import Foundation
import RedressApp
import RedressCore
import RedressPersistence

/// Complaints as the API shows them; the customer's form never sees internal notes or staff fields.
package enum ComplaintViews {
    package struct Item: Encodable {
        package var productId, name: String
        package var quantity: Int

        package init(productId: String, name: String, quantity: Int) {
            self.productId = productId
            self.name = name
            self.quantity = quantity
        }
    }

    package struct Message: Encodable {
        package var id, author: String
        package var staffName: String?
        package var body: String
        package var internalNote: Bool
        package var createdAt: Date
        /// `email` when it came by mail (E10).
        package var via: String?
        /// The address of mail that was not the customer's (E5); internal notes only, which customers never see.
        package var senderAddress: String?

        package init(_ record: ComplaintMessageRecord) {
            id = record.id
            author = record.author
            staffName = record.staffName
            body = record.body
            internalNote = record.isInternal
            createdAt = record.createdAt
            via = record.via
            senderAddress = record.senderAddress
        }
    }

    package struct Decision: Encodable {
        package var outcome: String
        package var remedy: String?
        package var amount: String?
        package var reason: String?
        package var adrStatement: String?
        package var decidedAt: Date
        package var sentAt: Date?
        package var letterSha256: String

        package init(_ record: ComplaintDecisionRecord) {
            outcome = record.outcome
            remedy = record.remedy
            amount = record.amount
            reason = record.reason
            adrStatement = record.adrStatement
            decidedAt = record.createdAt
            sentAt = record.sentAt
            letterSha256 = record.letterSha256
        }
    }

    package struct SLA: Encodable {
        package var firstResponse: String
        package var resolution: String
        package var usedHours: Double

        package init(firstResponse: String, resolution: String, usedHours: Double) {
            self.firstResponse = firstResponse
            self.resolution = resolution
            self.usedHours = usedHours
        }
    }

    /// The shop's view: everything, with the legal state and the SLA.
    package struct ShopComplaint: Encodable {
        package var reference: String
        package var status: String
        package var legalState: String
        package var answerDueAt: Date
        package var receivedAt: Date
        package var daysLeft: Int
        package var channel, claimType, category, description, partyType, priority: String
        package var urgent: Bool
        package var requestedRemedy: String?
        package var remedyTask: String?
        package var orderExternalId: String?
        package var customer: [String: String]
        package var assigneeId: String?
        package var refundDueAt: Date?
        package var refundOverdue: Bool
        package var sla: SLA
        package var items: [Item]?
        package var messages: [Message]?
        package var attachments: [AttachmentView]?
        package var decision: Decision?
        package var survey: [String: String]?

        package init(reference: String, status: String, legalState: String, answerDueAt: Date, receivedAt: Date, daysLeft: Int, channel: String, claimType: String, category: String, description: String, partyType: String, priority: String, urgent: Bool, requestedRemedy: String? = nil, remedyTask: String? = nil, orderExternalId: String? = nil, customer: [String: String], assigneeId: String? = nil, refundDueAt: Date? = nil, refundOverdue: Bool, sla: SLA, items: [Item]? = nil, messages: [Message]? = nil, attachments: [AttachmentView]? = nil, decision: Decision? = nil, survey: [String: String]? = nil) {
            self.reference = reference
            self.status = status
            self.legalState = legalState
            self.answerDueAt = answerDueAt
            self.receivedAt = receivedAt
            self.daysLeft = daysLeft
            self.channel = channel
            self.claimType = claimType
            self.category = category
            self.description = description
            self.partyType = partyType
            self.priority = priority
            self.urgent = urgent
            self.requestedRemedy = requestedRemedy
            self.remedyTask = remedyTask
            self.orderExternalId = orderExternalId
            self.customer = customer
            self.assigneeId = assigneeId
            self.refundDueAt = refundDueAt
            self.refundOverdue = refundOverdue
            self.sla = sla
            self.items = items
            self.messages = messages
            self.attachments = attachments
            self.decision = decision
            self.survey = survey
        }
    }

    package struct Page: Encodable {
        package var items: [ShopComplaint]
        package var nextCursor: String?

        package init(items: [ShopComplaint], nextCursor: String? = nil) {
            self.items = items
            self.nextCursor = nextCursor
        }
    }

    /// What the customer's link and the status page show (C7).
    package struct CustomerComplaint: Encodable {
        package var reference: String
        package var status: String
        package var legalState: String
        package var receivedAt: Date
        package var answerDueAt: Date
        package var items: [Item]
        package var messages: [Message]
        package var attachments: [AttachmentView]
        package var decision: Decision?
        package var nextSteps: String?

        package init(reference: String, status: String, legalState: String, receivedAt: Date, answerDueAt: Date, items: [Item], messages: [Message], attachments: [AttachmentView], decision: Decision? = nil, nextSteps: String? = nil) {
            self.reference = reference
            self.status = status
            self.legalState = legalState
            self.receivedAt = receivedAt
            self.answerDueAt = answerDueAt
            self.items = items
            self.messages = messages
            self.attachments = attachments
            self.decision = decision
            self.nextSteps = nextSteps
        }
    }
}

extension ComplaintService {
    /// The working hours covering a set of complaints, computed once for a whole list.
    package func schedule(for complaints: [ComplaintRecord], shop: ShopRecord) async throws -> WorkingSchedule {
        let now = services.clock.now()
        let earliest = complaints.map(\.receivedAt).min() ?? now
        return WorkingSchedule(calendar: try await calendar(shop, on: services.database.sql), from: min(earliest, now),
                               to: now)
    }

    package func shopView(_ complaint: ComplaintRecord, shop: ShopRecord, detail: Bool, schedule: WorkingSchedule? = nil)
        async throws -> ComplaintViews.ShopComplaint
    {
        let sql = services.database.sql
        let now = services.clock.now()
        let given = schedule
        let schedule: WorkingSchedule
        if let given { schedule = given } else { schedule = try await self.schedule(for: [complaint], shop: shop) }
        let sla = SLAClock.forPriority(complaint.priority, urgent: complaint.urgent)
            .standing(receivedAt: complaint.receivedAt, now: now, firstResponseAt: complaint.firstResponseAt,
                      decidedAt: complaint.decidedAt, pausedSeconds: complaint.slaPausedSeconds,
                      pausedSince: complaint.slaPausedSince, workingSeconds: schedule.workingSeconds(from:to:))
        var view = ComplaintViews.ShopComplaint(
            reference: complaint.reference, status: complaint.status.rawValue, legalState: complaint.legalState.rawValue,
            answerDueAt: complaint.answerDueAt, receivedAt: complaint.receivedAt,
            daysLeft: LegalClock.daysLeft(dueAt: complaint.answerDueAt, now: now),
            channel: complaint.channel, claimType: complaint.claimType, category: complaint.category,
            description: complaint.description, partyType: complaint.partyType.rawValue, priority: complaint.priority.rawValue,
            urgent: complaint.urgent, requestedRemedy: complaint.requestedRemedy, remedyTask: complaint.remedyTask,
            orderExternalId: complaint.orderExternalId,
            customer: ["email": complaint.email, "name": complaint.customerName, "locale": complaint.locale],
            assigneeId: complaint.assigneeId, refundDueAt: complaint.refundDueAt,
            refundOverdue: complaint.refundDueAt.map { $0 < now && complaint.refundedAt == nil } ?? false,
            sla: .init(firstResponse: sla.firstResponse.rawValue, resolution: sla.resolution.rawValue,
                       usedHours: sla.usedHours),
            items: nil, messages: nil, attachments: nil, decision: nil, survey: nil)
        if detail {
            view.items = try await store.items(complaint.id, on: sql).map { .init(productId: $0.productId, name: $0.name, quantity: $0.quantity) }
            view.messages = try await store.messages(complaint.id, includeInternal: true, on: sql).map(ComplaintViews.Message.init)
            view.attachments = try await attachments.list(complaintId: complaint.id, on: sql).map(AttachmentView.init)
            if let id = complaint.decisionId, let decision = try await store.decision(id, on: sql) {
                view.decision = ComplaintViews.Decision(decision)
            }
            if let rating = complaint.surveyRating {
                view.survey = ["rating": String(rating), "comment": complaint.surveyComment ?? ""]
            }
        }
        return view
    }

    package func customerView(_ complaint: ComplaintRecord) async throws -> ComplaintViews.CustomerComplaint {
        let sql = services.database.sql
        var decision: ComplaintViews.Decision?
        if let id = complaint.decisionId, let record = try await store.decision(id, on: sql), record.sentAt != nil {
            decision = ComplaintViews.Decision(record)
        }
        return ComplaintViews.CustomerComplaint(
            reference: complaint.reference, status: complaint.status.rawValue, legalState: complaint.legalState.rawValue,
            receivedAt: complaint.receivedAt, answerDueAt: complaint.answerDueAt,
            items: try await store.items(complaint.id, on: sql).map { .init(productId: $0.productId, name: $0.name, quantity: $0.quantity) },
            messages: try await store.messages(complaint.id, includeInternal: false, on: sql).map(ComplaintViews.Message.init),
            attachments: try await attachments.list(complaintId: complaint.id, on: sql).map(AttachmentView.init),
            decision: decision, nextSteps: complaint.remedyTask)
    }
}
