import Foundation
import RedressCore
import RedressPersistence

/// Templates, assignment tools and availability (C8).
extension ComplaintService {
    package var tools: ComplaintToolStore { ComplaintToolStore() }

    package func createTemplate(shop: ShopID, name: String?, language: String?, body: String?, actor: AuditActor) async throws
        -> ComplaintTemplateRecord
    {
        let (name, language, body) = try ReplyTemplate.validate(name: name, language: language, body: body)
        let now = services.clock.now()
        return try await services.database.transaction { tx in
            let record = ComplaintTemplateRecord(id: SecureToken.id("tpl"), shopId: shop.rawValue, name: name,
                                                 language: language, body: body, createdAt: now)
            try await tools.addTemplate(record, on: tx)
            try await services.audit.append(shop: shop, actor: actor, action: "complaint_template.created",
                                            subjectType: "complaint_template", subjectId: record.id, now: now, on: tx)
            return record
        }
    }

    /// Edits a quick reply (issue 17): the same checks as a new one; audited.
    package func updateTemplate(_ id: String, shop: ShopID, name: String?, language: String?, body: String?,
                                actor: AuditActor) async throws {
        let (name, language, body) = try ReplyTemplate.validate(name: name, language: language, body: body)
        let now = services.clock.now()
        try await services.database.transaction { tx in
            guard try await tools.updateTemplate(id, shop: shop, name: name, language: language, body: body, on: tx) else {
                throw AppError.notFound("template")
            }
            try await services.audit.append(shop: shop, actor: actor, action: "complaint_template.updated",
                                            subjectType: "complaint_template", subjectId: id, now: now, on: tx)
        }
    }

    /// The template filled in for one complaint, in the shop's zone and the template's language.
    package func preview(templateId: String, reference: String, shop shopID: ShopID) async throws -> String {
        let sql = services.database.sql
        guard let template = try await tools.template(templateId, shop: shopID, on: sql) else {
            throw AppError.notFound("template")
        }
        let complaint = try await complaint(reference, shop: shopID, on: sql)
        let shop = try await directory.shop(shopID, on: sql)
        let zone = directory.timeZone(shop)
        let t = Localization(template.language)
        var decisionRemedy = ""
        if let id = complaint.decisionId, let decision = try await store.decision(id, on: sql), let remedy = decision.remedy {
            decisionRemedy = t("remedy_\(remedy)")
        }
        return ReplyTemplate.render(template.body, values: [
            "customer.name": complaint.customerName, "customer.firstName": ReplyTemplate.firstName(complaint.customerName),
            "complaint.reference": complaint.reference,
            "complaint.answerDueAt": t.day(complaint.answerDueAt.addingTimeInterval(-1), timeZone: zone),
            "complaint.receivedAt": t.day(complaint.receivedAt, timeZone: zone),
            "complaint.requestedRemedy": complaint.requestedRemedy.map { t("remedy_\($0)") } ?? "",
            "decision.remedy": decisionRemedy, "shop.name": shop.name,
        ])
    }

    /// Assigns several complaints at once; all or none.
    package func assignMany(references: [String], staffId: String?, by actor: ShopActor) async throws -> Int {
        guard !references.isEmpty, references.count <= 200 else {
            throw AppError.invalid(["references": "give 1 to 200 references"])
        }
        var count = 0
        for reference in Set(references.map { $0.uppercased() }) {
            _ = try await assign(reference: reference, staffId: staffId, by: actor)
            count += 1
        }
        return count
    }

    /// Marks an agent available (or away) for round-robin, for some categories or all.
    package func setAvailability(staffId: String, available: Bool, categories: [String], shop: ShopID, actor: AuditActor)
        async throws
    {
        let unknown = categories.filter { ComplaintCategory(rawValue: $0) == nil }
        guard unknown.isEmpty else { throw AppError.invalid(["categories": "unknown category \(unknown.joined(separator: ", "))"]) }
        let now = services.clock.now()
        try await services.database.transaction { tx in
            let staff = try await services.staff.list(shop: shop, on: tx)
            guard staff.contains(where: { $0.id == staffId && $0.staffRole.canWrite }) else {
                throw AppError.notFound("agent")
            }
            try await tools.setAvailability(staffId: staffId, shop: shop, available: available, categories: categories, on: tx)
            try await services.audit.append(shop: shop, actor: actor, action: "agent.availability", subjectType: "staff",
                                            subjectId: staffId, after: ["available": String(available),
                                                                        "categories": categories.joined(separator: ",")],
                                            now: now, on: tx)
        }
    }

    /// The agent round-robin picks for a new complaint, if any is available; records the pick.
    package func roundRobin(category: String, shop: ShopID, now: Date, on tx: DatabaseSession) async throws -> String? {
        let writers = Set(try await services.staff.list(shop: shop, on: tx).filter { $0.staffRole.canWrite }.map(\.id))
        let slots = try await tools.slots(shop: shop, on: tx).filter { writers.contains($0.staffId) }.map(\.slot)
        guard let staffId = AgentSlot.next(for: category, among: slots) else { return nil }
        try await tools.markAssigned(staffId: staffId, at: now, on: tx)
        return staffId
    }
}
