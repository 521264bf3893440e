import Foundation
import RedressApp
import RedressCore
import RedressPersistence

/// Complaints as the API shows them; the customer's form never sees internal notes or staff fields.
enum ComplaintDTO {
    struct Item: Encodable {
        var productId, name: String
        var quantity: Int
    }

    struct Message: Encodable {
        var id, author: String
        var staffName: String?
        var body: String
        var internalNote: Bool
        var createdAt: Date

        init(_ record: ComplaintMessageRecord) {
            id = record.id
            author = record.author
            staffName = record.staffName
            body = record.body
            internalNote = record.isInternal
            createdAt = record.createdAt
        }
    }

    struct Decision: Encodable {
        var outcome: String
        var remedy: String?
        var amount: String?
        var reason: String?
        var adrStatement: String?
        var decidedAt: Date
        var sentAt: Date?
        var letterSha256: String

        init(_ record: ComplaintDecisionRecord) {
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

    struct SLA: Encodable {
        var firstResponse: String
        var resolution: String
        var usedHours: Double
    }

    /// The shop's view: everything, with the legal state and the SLA.
    struct ShopComplaint: Encodable {
        var reference: String
        var status: String
        var legalState: String
        var answerDueAt: Date
        var receivedAt: Date
        var daysLeft: Int
        var channel, claimType, category, description, partyType, priority: String
        var urgent: Bool
        var requestedRemedy: String?
        var remedyTask: String?
        var orderExternalId: String?
        var customer: [String: String]
        var assigneeId: String?
        var refundDueAt: Date?
        var refundOverdue: Bool
        var sla: SLA
        var items: [Item]?
        var messages: [Message]?
        var attachments: [AttachmentView]?
        var decision: Decision?
        var survey: [String: String]?
    }

    struct Page: Encodable {
        var items: [ShopComplaint]
        var nextCursor: String?
    }

    /// What the customer's link and the status page show (C7).
    struct CustomerComplaint: Encodable {
        var reference: String
        var status: String
        var legalState: String
        var receivedAt: Date
        var answerDueAt: Date
        var items: [Item]
        var messages: [Message]
        var attachments: [AttachmentView]
        var decision: Decision?
        var nextSteps: String?
    }
}

extension ComplaintService {
    /// The working hours covering a set of complaints, computed once for a whole list.
    func schedule(for complaints: [ComplaintRecord], shop: ShopRecord) async throws -> WorkingSchedule {
        let now = services.clock.now()
        let earliest = complaints.map(\.receivedAt).min() ?? now
        return WorkingSchedule(calendar: try await calendar(shop, on: services.database.sql), from: min(earliest, now),
                               to: now)
    }

    func shopView(_ complaint: ComplaintRecord, shop: ShopRecord, detail: Bool, schedule: WorkingSchedule? = nil)
        async throws -> ComplaintDTO.ShopComplaint
    {
        let sql = services.database.sql
        let now = services.clock.now()
        let given = schedule
        let schedule: WorkingSchedule
        if let given { schedule = given } else { schedule = try await self.schedule(for: [complaint], shop: shop) }
        let sla = SLAClock.forPriority(ComplaintPriority(rawValue: complaint.priority) ?? .normal, urgent: complaint.urgent)
            .standing(receivedAt: complaint.receivedAt, now: now, firstResponseAt: complaint.firstResponseAt,
                      decidedAt: complaint.decidedAt, pausedSeconds: complaint.slaPausedSeconds,
                      pausedSince: complaint.slaPausedSince, workingSeconds: schedule.workingSeconds(from:to:))
        var view = ComplaintDTO.ShopComplaint(
            reference: complaint.reference, status: complaint.status, legalState: complaint.legalState,
            answerDueAt: complaint.answerDueAt, receivedAt: complaint.receivedAt,
            daysLeft: LegalClock.daysLeft(dueAt: complaint.answerDueAt, now: now),
            channel: complaint.channel, claimType: complaint.claimType, category: complaint.category,
            description: complaint.description, partyType: complaint.partyType, priority: complaint.priority,
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
            view.messages = try await store.messages(complaint.id, includeInternal: true, on: sql).map(ComplaintDTO.Message.init)
            view.attachments = try await attachments.list(complaintId: complaint.id, on: sql).map(AttachmentView.init)
            if let id = complaint.decisionId, let decision = try await store.decision(id, on: sql) {
                view.decision = ComplaintDTO.Decision(decision)
            }
            if let rating = complaint.surveyRating {
                view.survey = ["rating": String(rating), "comment": complaint.surveyComment ?? ""]
            }
        }
        return view
    }

    func customerView(_ complaint: ComplaintRecord) async throws -> ComplaintDTO.CustomerComplaint {
        let sql = services.database.sql
        var decision: ComplaintDTO.Decision?
        if let id = complaint.decisionId, let record = try await store.decision(id, on: sql), record.sentAt != nil {
            decision = ComplaintDTO.Decision(record)
        }
        return ComplaintDTO.CustomerComplaint(
            reference: complaint.reference, status: complaint.status, legalState: complaint.legalState,
            receivedAt: complaint.receivedAt, answerDueAt: complaint.answerDueAt,
            items: try await store.items(complaint.id, on: sql).map { .init(productId: $0.productId, name: $0.name, quantity: $0.quantity) },
            messages: try await store.messages(complaint.id, includeInternal: false, on: sql).map(ComplaintDTO.Message.init),
            attachments: try await attachments.list(complaintId: complaint.id, on: sql).map(AttachmentView.init),
            decision: decision, nextSteps: complaint.remedyTask)
    }
}
