import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// Complaints over HTTP (C1–C9), as `API.md` fixes them.
struct ComplaintAPI {
    let services: AppServices
    let catalog: APICatalog
    var complaints: ComplaintService { ComplaintService(services: services) }

    struct IntakeBody: Decodable {
        struct Item: Decodable {
            var productId: String?
            var quantity: Int?
        }

        var orderExternalId: String?
        var email: String?
        var customerName: String?
        var claimType: String?
        var category: String?
        var items: [Item]?
        var description: String?
        var requestedRemedy: String?
        var partyType: String?
        var receivedAt: Date?
        var channel: String?

        func intake(channel defaultChannel: String, staff: Bool) throws -> ComplaintService.Intake {
            var intake = ComplaintService.Intake()
            intake.orderExternalId = orderExternalId
            intake.email = email
            intake.customerName = customerName
            intake.claimType = claimType
            intake.category = category
            intake.items = (items ?? []).map { ($0.productId ?? "", $0.quantity ?? 1) }
            intake.description = description
            intake.requestedRemedy = requestedRemedy
            intake.partyType = partyType
            if staff {
                if let receivedAt, !StorableTime.contains(receivedAt) {
                    throw Problem.invalid(["receivedAt": "must be a time between the years 1900 and 9999"])
                }
                intake.receivedAt = receivedAt
                let channel = channel ?? defaultChannel
                guard ["phone", "letter", "email", "in_store", "web", "api"].contains(channel) else {
                    throw Problem.invalid(["channel": "must be phone, letter, email, in_store, web or api"])
                }
                intake.channel = channel
            } else {
                intake.channel = defaultChannel
            }
            return intake
        }
    }

    struct Filed: Encodable {
        var reference: String
        var answerDueAt: Date
        var statusUrl: String
    }

    func register(on router: Router<AppContext>) {
        router.api(.post, "/api/v1/public/shops/{slug}/complaints", catalog: catalog,
                   summary: "The customer's complaint form (C1); order + e-mail must match", tag: "complaints",
                   security: .none, request: .ref("NewComplaint"),
                   responses: [201: ("Filed", .ref("ComplaintFiled")), 404: ("No such order with this e-mail", .ref("Problem")),
                               422: ("Invalid", .ref("Problem")), 429: ("Too many look-ups that found nothing", .ref("Problem"))],
                   use: fileComplaint)
        router.api(.post, "/api/v1/complaints", catalog: catalog,
                   summary: "A complaint entered by the shop (phone, letter…) with its real receivedAt", tag: "complaints",
                   security: .shop, request: .ref("NewComplaint"),
                   responses: [201: ("Filed", .ref("ComplaintFiled")), 422: ("Invalid", .ref("Problem"))],
                   use: recordComplaint)
        router.api(.get, "/api/v1/complaints", catalog: catalog,
                   summary: "The queue sorted by answerDueAt; filters status, dueBefore, assignee, category, priority, urgent, overdue, q",
                   tag: "complaints", security: .shop,
                   responses: [200: ("A page of complaints", .page(of: .ref("Complaint")))],
                   use: listComplaints)
        router.api(.get, "/api/v1/complaints/{reference}", catalog: catalog,
                   summary: "One complaint with its legal state, SLA, thread, notes and decision", tag: "complaints",
                   security: .shop, responses: [200: ("The complaint", .ref("Complaint"))],
                   use: showComplaint)
        router.api(.post, "/api/v1/complaints/{reference}/messages", catalog: catalog,
                   summary: "A reply to the customer (e-mailed)", tag: "complaints", security: .shop,
                   request: .object(required: ["body"], [("body", .stringMax(10_000, min: 1))]),
                   responses: [201: ("Posted", .ref("ComplaintMessage"))], use: replyToCustomer)
        router.api(.post, "/api/v1/complaints/{reference}/notes", catalog: catalog,
                   summary: "An internal note (never shown to the customer)", tag: "complaints", security: .shop,
                   request: .object(required: ["body"], [("body", .stringMax(10_000, min: 1))]),
                   responses: [201: ("Posted", .ref("ComplaintMessage"))], use: addInternalNote)
        router.api(.post, "/api/v1/complaints/{reference}/assign", catalog: catalog, summary: "Assign to a staff member",
                   tag: "complaints", security: .shop,
                   request: .object(required: ["staffId"], [("staffId", .nullable("string"))]),
                   responses: [200: ("Assigned", .ref("Complaint"))],
                   use: assignComplaint)
        router.api(.post, "/api/v1/complaints/{reference}/status", catalog: catalog,
                   summary: "Move the complaint along its lifecycle (C4); an illegal transition → 409", tag: "complaints",
                   security: .shop,
                   request: .object(required: ["status"], [("status", .enumeration(["in_progress", "waiting_for_customer", "remedy_in_progress", "closed"]))]),
                   responses: [200: ("Changed", .ref("Complaint")), 409: ("Not allowed now", .ref("Problem"))],
                   use: changeComplaintStatus)
        router.api(.post, "/api/v1/complaints/{reference}/decision", catalog: catalog,
                   summary: "Decide (C5): the letter is rendered, stored with its SHA-256 and e-mailed", tag: "complaints",
                   security: .shop, request: .ref("ComplaintDecisionInput"),
                   responses: [201: ("Decided", .ref("Complaint")), 409: ("Already decided, or only acceptance after the deadline", .ref("Problem")),
                               422: ("Invalid (a rejection needs a reason)", .ref("Problem"))],
                   use: decideComplaint)
        router.api(.get, "/api/v1/complaints/{reference}/decision/letter", catalog: catalog,
                   summary: "The decision letter exactly as sent (durable medium); X-Content-SHA256 carries its hash",
                   tag: "complaints", security: .shop, responses: [200: ("text/plain", nil)],
                   use: downloadDecisionLetter)
        router.api(.post, "/api/v1/complaints/{reference}/merge", catalog: catalog,
                   summary: "Merge this duplicate into another complaint; the earliest legal clock wins", tag: "complaints",
                   security: .shop, request: .object(required: ["into"], [("into", .string)]),
                   responses: [200: ("The surviving complaint", .ref("Complaint"))],
                   use: mergeComplaint)
    }

    @Sendable func fileComplaint(_ request: Request, context: AppContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let body = try await request.decode(as: IntakeBody.self, context: context)
        try await complaints.checkLookup(address: context.clientAddress)
        guard let shop = try await services.shops.find(slug: slug, on: services.database.sql) else {
            try await complaints.recordLookupMiss(address: context.clientAddress)
            throw Problem.notFound("order with this e-mail address")
        }
        let filed: (ComplaintRecord, String?)
        do {
            filed = try await complaints.file(try body.intake(channel: "web", staff: false), shop: shop,
                                              actor: .system, requireOrder: true)
        } catch let error as AppError where error.kind == .notFound {
            try await complaints.recordLookupMiss(address: context.clientAddress)
            throw error
        }
        let (complaint, token) = filed
        return try Response.json(Filed(reference: complaint.reference, answerDueAt: complaint.answerDueAt,
                                       statusUrl: statusURL(token)), status: .created)
    }

    @Sendable func recordComplaint(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        let body = try await request.decode(as: IntakeBody.self, context: context)
        let shop = try await complaints.directory.shop(shopID, on: services.database.sql)
        let (complaint, token) = try await complaints.file(
            try body.intake(channel: context.identity.map { if case .integration = $0 { "api" } else { "phone" } } ?? "api",
                            staff: true),
            shop: shop, actor: context.identity!.actor, requireOrder: false)
        return try Response.json(Filed(reference: complaint.reference, answerDueAt: complaint.answerDueAt,
                                       statusUrl: statusURL(token)), status: .created)
    }

    @Sendable func listComplaints(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShop()
        let sql = services.database.read
        let shop = try await complaints.directory.shop(shopID, on: sql)
        let filter = try ComplaintStore.Filter(request, now: services.clock.now())
        let rows = try await complaints.store.list(shop: shopID, filter: filter, on: sql)
        var items: [ComplaintViews.ShopComplaint] = []
        let schedule = try await complaints.schedule(for: rows, shop: shop)
        for row in rows { items.append(try await complaints.shopView(row, shop: shop, detail: false, schedule: schedule)) }
        let next = rows.count == filter.limit ? rows.last.map { "\(Int($0.answerDueAt.timeIntervalSince1970 * 1000)).\($0.id)" } : nil
        return try Response.json(ComplaintViews.Page(items: items, nextCursor: next))
    }

    @Sendable func showComplaint(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShop()
        let sql = services.database.read
        let complaint = try await complaints.complaint(try context.parameters.require("reference"), shop: shopID, on: sql)
        let shop = try await complaints.directory.shop(shopID, on: sql)
        return try Response.json(try await complaints.shopView(complaint, shop: shop, detail: true))
    }

    @Sendable func assignComplaint(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        struct Body: Decodable { var staffId: String? }
        let body = try await request.decode(as: Body.self, context: context)
        let saved = try await complaints.assign(reference: try context.parameters.require("reference"),
                                                staffId: body.staffId, by: ShopActor(identity: context.identity!, shop: shopID))
        return try Response.json(try await shopJSONView(saved, shopID, detail: false))
    }

    @Sendable func changeComplaintStatus(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        let body = try await request.decode(as: [String: String].self, context: context)
        let saved = try await complaints.changeStatus(reference: try context.parameters.require("reference"),
                                                      to: body["status"] ?? "", by: ShopActor(identity: context.identity!, shop: shopID))
        return try Response.json(try await shopJSONView(saved, shopID, detail: false))
    }

    @Sendable func decideComplaint(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        struct Body: Decodable {
            var outcome, remedy, reason, adrStatement: String?
            var amount: Decimal?
        }
        let body = try await request.decode(as: Body.self, context: context)
        let (saved, _) = try await complaints.decide(
            reference: try context.parameters.require("reference"),
            input: .init(outcome: body.outcome, remedy: body.remedy, amount: body.amount.map { "\($0)" },
                         reason: body.reason, adrStatement: body.adrStatement),
            by: ShopActor(identity: context.identity!, shop: shopID))
        let shop = try await complaints.directory.shop(shopID, on: services.database.sql)
        return try Response.json(try await complaints.shopView(saved, shop: shop, detail: true), status: .created)
    }

    @Sendable func downloadDecisionLetter(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShop()
        let sql = services.database.sql
        let complaint = try await complaints.complaint(try context.parameters.require("reference"), shop: shopID, on: sql)
        guard let id = complaint.decisionId, let decision = try await complaints.store.decision(id, on: sql) else {
            throw Problem.notFound("decision")
        }
        return decision.download
    }

    @Sendable func mergeComplaint(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        let body = try await request.decode(as: [String: String].self, context: context)
        let saved = try await complaints.merge(duplicate: try context.parameters.require("reference"),
                                               into: body["into"] ?? "", by: ShopActor(identity: context.identity!, shop: shopID))
        return try Response.json(try await shopJSONView(saved, shopID, detail: true))
    }

    struct TemplateView: Encodable {
        var id, name, language, body: String
        init(_ record: ComplaintTemplateRecord) {
            id = record.id
            name = record.name
            language = record.language
            body = record.body
        }
    }

    /// Templates, previews, bulk assignment and availability (C8).
    func registerTools(on router: Router<AppContext>) {
        router.api(.get, "/api/v1/complaint-templates", catalog: catalog, summary: "Reply templates of the shop",
                   tag: "complaints", security: .shop,
                   responses: [200: ("Templates", .object(required: ["items", "placeholders"], [
                       ("items", .array(of: .ref("ComplaintTemplate"))), ("placeholders", .array(of: .string)),
                   ]))],
                   use: listTemplates)
        router.api(.post, "/api/v1/complaint-templates", catalog: catalog,
                   summary: "Add a reply template; unknown placeholders → 422", tag: "complaints", security: .shop,
                   request: .object(required: ["name", "language", "body"], [
                       ("name", .stringMax(80, min: 1)), ("language", .enumeration(["pl", "en", "es", "el"])),
                       ("body", .stringMax(5_000, min: 1)),
                   ]),
                   responses: [201: ("Added", .ref("ComplaintTemplate")), 422: ("Invalid", .ref("Problem"))],
                   use: createTemplate)
        router.api(.delete, "/api/v1/complaint-templates/{templateId}", catalog: catalog, summary: "Remove a template",
                   tag: "complaints", security: .shop, responses: [204: ("Removed", nil)],
                   use: deleteTemplate)
        router.api(.get, "/api/v1/complaints/{reference}/templates/{templateId}", catalog: catalog,
                   summary: "A template filled in for this complaint (preview)", tag: "complaints", security: .shop,
                   responses: [200: ("The text", .object(required: ["body"], [("body", .string)]))],
                   use: renderTemplate)
        router.api(.post, "/api/v1/complaints/assign", catalog: catalog, summary: "Assign several complaints at once",
                   tag: "complaints", security: .shop,
                   request: .object(required: ["references", "staffId"], [
                       ("references", .array(of: .string)), ("staffId", .nullable("string")),
                   ]),
                   responses: [200: ("Assigned", .object(required: ["assigned"], [("assigned", .integer)]))],
                   use: autoAssignComplaints)
        router.api(.put, "/api/v1/staff/{staffId}/availability", catalog: catalog,
                   summary: "Available for round-robin assignment, for some complaint categories or all", tag: "complaints",
                   security: .shop,
                   request: .object(required: ["available"], [("available", .boolean), ("categories", .array(of: .string))]),
                   responses: [204: ("Saved", nil)],
                   use: setStaffAvailability)
    }

    @Sendable func listTemplates(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        struct List: Encodable { var items: [TemplateView]; var placeholders: [String] }
        let items = try await complaints.tools.templates(shop: shop, on: services.database.sql).map(TemplateView.init)
        return try Response.json(List(items: items, placeholders: ReplyTemplate.placeholders.map { "{{\($0)}}" }))
    }

    @Sendable func createTemplate(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let body = try await request.decode(as: [String: String].self, context: context)
        let record = try await complaints.createTemplate(shop: shop, name: body["name"], language: body["language"],
                                                         body: body["body"], actor: context.identity!.actor)
        return try Response.json(TemplateView(record), status: .created)
    }

    @Sendable func deleteTemplate(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        guard try await complaints.tools.deleteTemplate(try context.parameters.require("templateId"), shop: shop,
                                                        on: services.database.sql)
        else { throw Problem.notFound("template") }
        return Response(status: .noContent)
    }

    @Sendable func renderTemplate(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        let text = try await complaints.preview(templateId: try context.parameters.require("templateId"),
                                                reference: try context.parameters.require("reference"), shop: shop)
        return try Response.json(["body": text])
    }

    @Sendable func autoAssignComplaints(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        struct Body: Decodable { var references: [String]?; var staffId: String? }
        let body = try await request.decode(as: Body.self, context: context)
        let count = try await complaints.assignMany(references: body.references ?? [], staffId: body.staffId,
                                                    by: ShopActor(identity: context.identity!, shop: shop))
        return try Response.json(["assigned": count])
    }

    @Sendable func setStaffAvailability(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let staffId = try context.parameters.require("staffId")
        // Owners and integrations set anyone's; an agent only their own.
        if case .staff(let session) = context.identity, !session.staffRole.canManageShop, session.staffId != staffId {
            throw Problem(status: .forbidden, title: "Forbidden", detail: "Agents set only their own availability.")
        }
        struct Body: Decodable { var available: Bool?; var categories: [String]? }
        let body = try await request.decode(as: Body.self, context: context)
        try await complaints.setAvailability(staffId: staffId, available: body.available ?? true,
                                             categories: body.categories ?? [], shop: shop, actor: context.identity!.actor)
        return Response(status: .noContent)
    }

    /// Files: one per request, the raw bytes as the body and the name in `X-Filename` (C1).
    func registerAttachments(on router: Router<AppContext>) {
        let fileResponses: [Int: (String, JSON?)] = [
            201: ("Stored", .array(of: .ref("Attachment"))),
            422: ("Not a JPEG, PNG, WebP or PDF, over 10 MB, or the sixth file", .ref("Problem")),
        ]
        router.api(.post, "/api/v1/complaints/{reference}/attachments", catalog: catalog,
                   summary: "Attach a photo or PDF (type read from the content)", tag: "complaints", security: .shop,
                   requestContentType: "application/octet-stream", responses: fileResponses,
                   use: attachToComplaint)
        router.api(.get, "/api/v1/complaints/{reference}/attachments/{attachmentId}", catalog: catalog,
                   summary: "Download an attachment", tag: "complaints", security: .shop,
                   responses: [200: ("The file", nil)],
                   use: downloadAttachment)
        router.api(.post, "/api/v1/customer/{token}/complaint/attachments", catalog: catalog,
                   summary: "The customer attaches a photo or PDF to the order's complaint", tag: "customer",
                   security: .customerToken, requestContentType: "application/octet-stream", responses: fileResponses,
                   use: customerAttach)
        router.api(.get, "/api/v1/customer/{token}/complaint/attachments/{attachmentId}", catalog: catalog,
                   summary: "The customer downloads an attachment of the order's complaint", tag: "customer",
                   security: .customerToken, responses: [200: ("The file", nil)],
                   use: customerDownloadAttachment)
    }

    @Sendable func attachToComplaint(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let upload = try await Self.upload(request)
        let stored = try await complaints.attach([upload], reference: try context.parameters.require("reference"),
                                                 shop: shop, author: "shop")
        return try Response.json(stored.map(AttachmentView.init), status: .created)
    }

    @Sendable func downloadAttachment(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        let complaint = try await complaints.complaint(try context.parameters.require("reference"), shop: shop,
                                                       on: services.database.sql)
        return try await complaints.download(try context.parameters.require("attachmentId"), complaint: complaint)
    }

    @Sendable func customerAttach(_ request: Request, context: AppContext) async throws -> Response {
        let complaint = try await customerComplaint(try context.parameters.require("token"), for: .answerComplaint)
        let upload = try await Self.upload(request)
        let stored = try await services.database.transaction { tx in
            try await complaints.attach([upload], to: complaint, author: "customer", on: tx)
        }
        return try Response.json(stored.map(AttachmentView.init), status: .created)
    }

    @Sendable func customerDownloadAttachment(_ request: Request, context: AppContext) async throws -> Response {
        let complaint = try await customerComplaint(try context.parameters.require("token"), for: .readComplaint)
        return try await complaints.download(try context.parameters.require("attachmentId"), complaint: complaint)
    }

    /// Customer messages, priority, refunds and the shop's complaint settings.
    func registerMore(on router: Router<AppContext>) {
        let settingsSchema = JSON.object(required: [], [
            ("termDays", .integer), ("workingWeekdays", .array(of: .integer)), ("opensAt", .string), ("closesAt", .string),
            ("nationalHolidays", .enumeration(["pl", "none"])), ("extraHolidays", .array(of: .string)),
        ])
        router.api(.get, "/api/v1/shop/complaint-settings", catalog: catalog,
                   summary: "The answer term of the shop's jurisdiction and its working calendar (C2, C3)",
                   tag: "complaints", security: .shop, responses: [200: ("Settings", settingsSchema)],
                   use: showComplaintSettings)
        router.api(.put, "/api/v1/shop/complaint-settings", catalog: catalog,
                   summary: "Change them (owners, integrations); new complaints use the new term", tag: "complaints",
                   security: .shop, request: settingsSchema,
                   responses: [200: ("Saved", settingsSchema), 422: ("Invalid", .ref("Problem"))],
                   use: saveComplaintSettings)
        router.api(.post, "/api/v1/customer/{token}/complaint/messages", catalog: catalog,
                   summary: "The customer writes in the complaint's conversation", tag: "customer",
                   security: .customerToken, request: .object(required: ["body"], [("body", .stringMax(10_000, min: 1))]),
                   responses: [201: ("Posted", .ref("ComplaintMessage")), 409: ("Closed", .ref("Problem"))],
                   use: customerComplaintMessage)
        router.api(.post, "/api/v1/complaints/{reference}/priority", catalog: catalog,
                   summary: "Set the priority (low, normal, high) and the urgent flag", tag: "complaints", security: .shop,
                   request: .object(required: [], [("priority", .enumeration(["low", "normal", "high"])), ("urgent", .boolean)]),
                   responses: [200: ("Changed", .ref("Complaint"))],
                   use: setComplaintPriority)
        router.api(.post, "/api/v1/complaints/{reference}/refunded", catalog: catalog,
                   summary: "The decided refund was paid (C6)", tag: "complaints", security: .shop,
                   responses: [200: ("Recorded", .ref("Complaint")), 409: ("No open refund", .ref("Problem"))],
                   use: markRefunded)
    }

    @Sendable func showComplaintSettings(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShop()
        let sql = services.database.sql
        let shop = try await complaints.directory.shop(shopID, on: sql)
        return try Response.json(ComplaintSettingsView(try await complaints.settings(shop, on: sql)))
    }

    @Sendable func saveComplaintSettings(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireWebhookManager()
        let input = try await request.decode(as: ComplaintService.SettingsInput.self, context: context)
        let shop = try await complaints.directory.shop(shopID, on: services.database.sql)
        let saved = try await complaints.saveSettings(input, shop: shop, actor: context.identity!.actor)
        return try Response.json(ComplaintSettingsView(saved))
    }

    @Sendable func customerComplaintMessage(_ request: Request, context: AppContext) async throws -> Response {
        let complaint = try await customerComplaint(try context.parameters.require("token"), for: .answerComplaint)
        let body = try await request.decode(as: [String: String].self, context: context)
        let message = try await complaints.postFromCustomer(complaint, body: body["body"] ?? "")
        return try Response.json(ComplaintViews.Message(message), status: .created)
    }

    @Sendable func setComplaintPriority(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        struct Body: Decodable { var priority: String?; var urgent: Bool? }
        let body = try await request.decode(as: Body.self, context: context)
        let saved = try await complaints.setPriority(reference: try context.parameters.require("reference"),
                                                     priority: body.priority, urgent: body.urgent,
                                                     by: ShopActor(identity: context.identity!, shop: shopID))
        return try Response.json(try await shopJSONView(saved, shopID, detail: false))
    }

    @Sendable func markRefunded(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        let saved = try await complaints.markRefunded(reference: try context.parameters.require("reference"),
                                                      by: ShopActor(identity: context.identity!, shop: shopID))
        return try Response.json(try await shopJSONView(saved, shopID, detail: false))
    }

    /// The complaint a customer link opens, if it may do `action` with it.
    func customerComplaint(_ token: String, for action: CustomerLinkAction) async throws -> ComplaintRecord {
        let sql = services.database.sql
        let found = try await complaints.directory.customerCase(token: token, for: action, on: sql)
        return try await complaints.complaint(openedBy: found, on: sql)
    }

    static func upload(_ request: Request) async throws -> ComplaintService.Upload {
        let buffer = try await request.body.collect(upTo: AttachmentKind.maxBytes + 1)
        let name = request.headers[.init("X-Filename")!] ?? "attachment"
        return .init(name: name, data: Array(buffer: buffer))
    }

    /// The shop's view of a complaint an action just changed.
    func shopJSONView(_ complaint: ComplaintRecord, _ shopID: ShopID, detail: Bool) async throws -> ComplaintViews.ShopComplaint {
        try await complaints.shopView(complaint, shop: try await complaints.directory.shop(shopID, on: services.database.sql),
                                      detail: detail)
    }

    func statusURL(_ token: String?) -> String {
        token.map { complaints.complaintLink(token: $0) } ?? services.config.url(.complaintLookup)
    }

    static let schemas: [(String, JSON)] = [
        ("NewComplaint", .object(required: [], [
            ("orderExternalId", .string), ("email", .string), ("customerName", .stringMax(200)),
            ("claimType", .enumeration(ClaimType.allCases.map(\.rawValue))),
            ("category", .enumeration(ComplaintCategory.allCases.map(\.rawValue))),
            ("items", .array(of: .object(required: ["productId"], [("productId", .string), ("quantity", .integer)]))),
            ("description", .stringMax(10_000)), ("requestedRemedy", .enumeration(Remedy.allCases.map(\.rawValue))),
            ("partyType", .enumeration(PartyType.allCases.map(\.rawValue))),
            ("receivedAt", .dateTime), ("channel", .enumeration(["phone", "letter", "email", "in_store", "web", "api"])),
        ])),
        ("Attachment", .object(required: ["id", "filename", "contentType", "size", "sha256"], [
            ("id", .string), ("filename", .string), ("contentType", .string), ("size", .integer), ("sha256", .string),
            ("author", .string), ("createdAt", .dateTime),
        ])),
        ("ComplaintTemplate", .object(required: ["id", "name", "language", "body"], [
            ("id", .string), ("name", .string), ("language", .string), ("body", .string),
        ])),
        ("ComplaintFiled", .object(required: ["reference", "answerDueAt", "statusUrl"], [
            ("reference", .string), ("answerDueAt", .dateTime), ("statusUrl", .string),
        ])),
        ("ComplaintMessage", .object(required: ["id", "author", "body", "internalNote", "createdAt"], [
            ("id", .string), ("author", .string), ("staffName", .string), ("body", .string), ("internalNote", .boolean),
            ("createdAt", .dateTime),
        ])),
        ("ComplaintDecisionInput", .object(required: ["outcome"], [
            ("outcome", .enumeration(DecisionOutcome.allCases.map(\.rawValue))),
            ("remedy", .enumeration(Remedy.allCases.map(\.rawValue))), ("amount", .object([("type", .string("number"))])),
            ("reason", .stringMax(5_000)), ("adrStatement", .stringMax(2_000)),
        ])),
        ("Complaint", .object(required: ["reference", "status", "legalState", "answerDueAt", "receivedAt", "sla"], [
            ("reference", .string), ("status", .enumeration(ComplaintStatus.allCases.map(\.rawValue))),
            ("legalState", .enumeration(LegalState.allCases.map(\.rawValue))), ("answerDueAt", .dateTime),
            ("receivedAt", .dateTime), ("daysLeft", .integer), ("channel", .string), ("claimType", .string),
            ("category", .string), ("description", .string), ("partyType", .string), ("priority", .string),
            ("urgent", .boolean), ("requestedRemedy", .string), ("remedyTask", .string), ("orderExternalId", .string),
            ("assigneeId", .string), ("refundDueAt", .dateTime), ("refundOverdue", .boolean),
            ("sla", .object(required: ["firstResponse", "resolution"], [
                ("firstResponse", .string), ("resolution", .string), ("usedHours", .object([("type", .string("number"))])),
            ])),
            ("messages", .array(of: .ref("ComplaintMessage"))),
            ("decision", .object(required: ["outcome", "decidedAt", "letterSha256"], [
                ("outcome", .string), ("remedy", .string), ("amount", .string), ("reason", .string),
                ("adrStatement", .string), ("decidedAt", .dateTime), ("sentAt", .dateTime), ("letterSha256", .string),
            ])),
        ])),
    ]

    // MARK: Thread

    @Sendable func replyToCustomer(_ request: Request, context: AppContext) async throws -> Response {
        try await post(request, context: context, isInternal: false)
    }

    @Sendable func addInternalNote(_ request: Request, context: AppContext) async throws -> Response {
        try await post(request, context: context, isInternal: true)
    }

    private func post(_ request: Request, context: AppContext, isInternal: Bool) async throws -> Response {
        let shopID = try context.requireShopWriter()
        let body = try await request.decode(as: [String: String].self, context: context)
        let message = try await complaints.post(
            reference: try context.parameters.require("reference"), body: body["body"] ?? "", isInternal: isInternal,
            by: ShopActor(identity: context.identity!, shop: shopID))
        return try Response.json(ComplaintViews.Message(message), status: .created)
    }
}
