import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// Complaint pages: the staff queue and case page in the panel (C8), the customer's form (C1) and the status page
/// by reference and e-mail (C7).
struct ComplaintPages {
    let services: AppServices
    let pages: PageRenderer
    let panel: PanelPages
    var complaints: ComplaintService { ComplaintService(services: services) }

    struct Option: Sendable, Encodable {
        var value, label: String
        var selected: Bool
    }

    struct QueueRow: Sendable, Encodable {
        var href, reference, customer, category, due, daysLeft, urgency, legal, status, sla, assignee: String
        var overdue, deemed, urgent: Bool
        /// A customer message (or the complaint itself) nobody on the staff has opened yet (issue 17).
        var unread: Bool = false
    }

    struct QueueModel: Sendable, Encodable {
        var chrome: Chrome
        var rows: [QueueRow]
        var hasRows: Bool
        var statuses: [Option]
        var categories: [Option]
        var assignees: [Option]
        var priorities: [Option]
        var staff: [Option]
        var urgent: Bool
        var dueBefore: String
        var canWrite: Bool
        var back: String
        var satisfaction: String?
        var overdue: Bool
        var q: String
        var next: String?
    }

    struct MessageView: Sendable, Encodable {
        var author, body, at: String
        var internalNote: Bool
    }

    struct CaseModel: Sendable, Encodable {
        var chrome: Chrome
        var reference, customer, email, order, received, due, daysLeft, legal, status, claimType, category, description: String
        var remedy, remedyTask, assignee: String?
        var deemed, overdue, canWrite, canDecide: Bool
        var slaFirst, slaResolution: String
        var items: [String]
        var messages: [MessageView]
        var hasMessages: Bool
        var moves: [Option]
        var outcomes: [Option]
        var remedies: [Option]
        var staff: [Option]
        var decision: String?
        var letterHref: String?
        var errors: [String]
        var hasErrors: Bool
        var attachments: [Option]
        var hasAttachments: Bool
        var survey: String?
        var templates: [Option]
        var hasTemplates: Bool
        var replyText: String
        /// The legal deadline's chip: `neutral`, `amber`, `red` or `answered` (DeadlineUrgency).
        var urgency: String
        var urgent: Bool
        /// "Answered on … (day N of 14)" once a decision is made.
        var answered: String?
        var requestedRemedy: String?
        var amountLabel: String
        var orderValue: String?
        /// The decision form as staff filled it, the letter it makes and the warnings (the preview step).
        var draft: [String: String]
        var preview: String?
        var warnings: [String]
        var hasWarnings: Bool
        var letterText: String?
        var done: String?
        /// Issue 17: who else has the case open, a reply that came in meanwhile, when the page was drawn.
        var presence: String?
        var collision: String?
        var drawnAt: String
    }

    /// What the panel shows of a complaint's legal deadline, everywhere a complaint appears.
    static func deadline(_ complaint: ComplaintRecord, daysLeft: Int, now: Date, _ t: Localization)
        -> (text: String, urgency: DeadlineUrgency)
    {
        let urgency = DeadlineUrgency.of(daysLeft: daysLeft, answered: complaint.decidedAt != nil)
        switch urgency {
        case .answered: return (t("cq_answered_chip"), urgency)
        case _ where complaint.answerDueAt <= now: return (t("cq_overdue"), urgency)
        default: return (t("cq_days_left", ["n": String(max(0, daysLeft))]), urgency)
        }
    }

    struct NewModel: Sendable, Encodable {
        var chrome: Chrome
        var values: [String: String]
        var channels: [Option]
        var claimTypes: [Option]
        var categories: [Option]
        var remedies: [Option]
        var parties: [Option]
        var errors: [String]
        var hasErrors: Bool
    }

    /// A select's options labelled `prefix_value` in the page's language, keeping what the form chose.
    static func choices(_ values: [String], prefix: String, _ t: Localization, chosen: String?) -> [Option] {
        values.map { Option(value: $0, label: t("\(prefix)_\($0)"), selected: $0 == chosen) }
    }

    private func newForm(_ request: Request, _ session: StaffSession, form: FormData?, errors: [String] = [])
        async throws -> Response
    {
        let t = Localization.forPanel(request)
        func options(_ values: [String], prefix: String, field: String, fallback: String) -> [Option] {
            Self.choices(values, prefix: prefix, t, chosen: form?[field] ?? fallback)
        }
        var values: [String: String] = [:]
        for key in ["order", "email", "name", "receivedAt", "description"] { values[key] = form?[key] ?? "" }
        let model = NewModel(
            chrome: try await panel.chrome(request, session, title: "cq_new"), values: values,
            channels: options(["phone", "letter", "email", "in_store"], prefix: "channel", field: "channel", fallback: "phone"),
            claimTypes: options(ClaimType.allCases.map(\.rawValue), prefix: "claim", field: "claimType", fallback: "non_conformity"),
            categories: options(ComplaintCategory.allCases.map(\.rawValue), prefix: "cat", field: "category", fallback: "defective"),
            remedies: options(Remedy.allCases.map(\.rawValue), prefix: "remedy", field: "requestedRemedy", fallback: "repair"),
            parties: options(PartyType.allCases.map(\.rawValue), prefix: "party", field: "partyType", fallback: "consumer"),
            errors: errors, hasErrors: !errors.isEmpty)
        return pages.page(.panelComplaintNew, model, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func register(on router: Router<AppContext>) {
        router.get("/panel/complaints/new") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            _ = try context.requireShopWriter()
            return try await newForm(request, session, form: nil)
        }
        router.post("/panel/complaints/new") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            let shopID = try context.requireShopWriter()
            let shop = try await complaints.directory.shop(shopID, on: services.database.sql)
            var intake = ComplaintService.Intake()
            intake.orderExternalId = form["order"].flatMap { $0.isEmpty ? nil : $0 }
            intake.email = form["email"].flatMap { $0.isEmpty ? nil : $0 }
            intake.customerName = form["name"]
            intake.claimType = form["claimType"]
            intake.category = form["category"]
            intake.description = form["description"]
            intake.requestedRemedy = form["requestedRemedy"]
            intake.partyType = form["partyType"]
            let channel = form["channel"] ?? "phone"
            guard ["phone", "letter", "email", "in_store"].contains(channel) else {
                return try await newForm(request, session, form: form, errors: ["channel: unknown"])
            }
            intake.channel = channel
            if let text = form["receivedAt"], !text.isEmpty {
                // `datetime-local` in the shop's zone.
                let parser = DateFormatter()
                parser.locale = Locale(identifier: "en_US_POSIX")
                parser.timeZone = complaints.directory.timeZone(shop)
                parser.dateFormat = "yyyy-MM-dd'T'HH:mm"
                guard let date = parser.date(from: text) else {
                    return try await newForm(request, session, form: form, errors: ["receivedAt: use the date and time picker"])
                }
                intake.receivedAt = date
            }
            do {
                let (complaint, _) = try await complaints.file(intake, shop: shop, actor: context.identity!.actor,
                                                               requireOrder: false)
                return Response.seeOther(SiteURL.panelComplaint(complaint.reference).path)
            } catch let errors as ValidationErrors {
                return try await newForm(request, session, form: form,
                                         errors: errors.lines(Localization.forPanel(request)))
            } catch let error as AppError where error.kind == .invalid {
                return try await newForm(request, session, form: form, errors: error.lines(Localization.forPanel(request)))
            }
        }
        router.post("/panel/complaints/assign") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            let shop = try context.requireShopWriter()
            let references = form.all("ref")
            if !references.isEmpty {
                _ = try await complaints.assignMany(references: references, staffId: form["staffId"].flatMap { $0.isEmpty ? nil : $0 },
                                                    by: ShopActor(identity: context.identity!, shop: shop))
            }
            let back = form["back"].flatMap { $0.hasPrefix("/panel/complaints") ? $0 : nil } ?? "/panel/complaints"
            return Response.seeOther(back)
        }
        router.get("/panel/complaints") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            return try await queue(request, session)
        }
        router.get("/panel/complaints/{reference}") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            return try await casePage(request, session, reference: try context.parameters.require("reference"))
        }
        router.get("/panel/complaints/{reference}/attachments/{attachmentId}") { _, context in
            let session = try context.requireStaff()
            let complaint = try await complaints.complaint(try context.parameters.require("reference"), shop: session.shopID,
                                                           on: services.database.sql)
            return try await complaints.download(try context.parameters.require("attachmentId"), complaint: complaint)
        }
        router.get("/panel/complaints/{reference}/letter") { _, context in
            let session = try context.requireStaff()
            let sql = services.database.sql
            let complaint = try await complaints.complaint(try context.parameters.require("reference"), shop: session.shopID, on: sql)
            guard let id = complaint.decisionId, let decision = try await complaints.store.decision(id, on: sql) else {
                throw Problem.notFound("decision")
            }
            return decision.download
        }
        router.post("/panel/complaints/{reference}/{action}") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            let shop = try context.requireShopWriter()
            let reference = try context.parameters.require("reference")
            let actor = ShopActor(identity: context.identity!, shop: shop)
            do {
                switch try context.parameters.require("action") {
                case "reply":
                    // Issue 17: somebody else answered since this page was drawn: show it first, keep the text.
                    let complaint = try await complaints.complaint(reference, shop: shop, on: services.database.sql)
                    let replies = try await CaseDesk(services: services).repliesSince(
                        CaseDesk.drawnAt(form["drawn"]), .complaint, id: complaint.id, shop: shop, staffId: session.staffId)
                    if !replies.isEmpty {
                        return try await casePage(request, session, reference: reference, collision: replies,
                                                  replyDraft: form["body"] ?? "")
                    }
                    _ = try await complaints.post(reference: reference, body: form["body"] ?? "", isInternal: false, by: actor)
                case "note": _ = try await complaints.post(reference: reference, body: form["body"] ?? "", isInternal: true, by: actor)
                case "status": _ = try await complaints.changeStatus(reference: reference, to: form["status"] ?? "", by: actor)
                case "assign":
                    let staffId = form["staffId"].flatMap { $0.isEmpty ? nil : $0 }
                    _ = try await complaints.assign(reference: reference, staffId: staffId, by: actor)
                case "decision":
                    let input = ComplaintService.DecisionInput(
                        outcome: form["outcome"], remedy: form["remedy"], amount: form["amount"], reason: form["reason"],
                        adrStatement: form["adrStatement"])
                    // Nothing goes out by mistake: the form first shows the exact letter; only its "Send" sends.
                    guard form["step"] == "send" else {
                        let preview = try await complaints.previewDecision(reference: reference, input: input, shop: shop)
                        return try await casePage(request, session, reference: reference,
                                                  draft: (form, preview.text, preview.warnings))
                    }
                    _ = try await complaints.decide(reference: reference, input: input, by: actor)
                default: throw Problem.notFound("action")
                }
            } catch let errors as ValidationErrors {
                var response = try await casePage(request, session, reference: reference,
                                                  errors: errors.lines(Localization.forPanel(request)), draft: (form, nil, []))
                response.status = .unprocessableContent
                return response
            } catch let error as AppError where error.kind == .conflict || error.kind == .invalid {
                var response = try await casePage(request, session, reference: reference,
                                                  errors: error.lines(Localization.forPanel(request)), draft: (form, nil, []))
                response.status = Problem(error).status
                return response
            }
            return Response.seeOther(ActionDone.path(SiteURL.panelComplaint(reference).path,
                                                     try context.parameters.require("action")))
        }
    }

    private func queue(_ request: Request, _ session: StaffSession) async throws -> Response {
        let t = Localization.forPanel(request)
        let sql = services.database.read
        let shop = try await complaints.directory.shop(session.shopID, on: sql)
        let zone = complaints.directory.timeZone(shop)
        let now = services.clock.now()
        let filter = try ComplaintStore.Filter(request, now: now)
        let rows = try await complaints.store.list(shop: session.shopID, filter: filter, on: sql)
        let members = try await services.staff.list(shop: session.shopID, on: sql)
        let staff = Dictionary(members.map { ($0.id, $0.name) }) { a, _ in a }
        let staffOptions = members.filter { $0.staffRole.canWrite }.map { Option(value: $0.id, label: $0.name, selected: false) }
        var views: [QueueRow] = []
        let schedule = try await complaints.schedule(for: rows, shop: shop)
        let desk = CaseWorkStore()
        let unread = try await desk.unread(.complaint, ids: rows.map(\.id), shop: session.shopID, on: sql)
        for row in rows {
            let view = try await complaints.shopView(row, shop: shop, detail: false, schedule: schedule)
            let overdue = row.answerDueAt <= now && row.decidedAt == nil
            let deadline = Self.deadline(row, daysLeft: view.daysLeft, now: now, t)
            views.append(QueueRow(
                href: SiteURL.panelComplaint(row.reference).path, reference: row.reference,
                customer: row.customerName.isEmpty ? row.email : row.customerName, category: t("cat_\(row.category)"),
                due: t.date(row.answerDueAt.addingTimeInterval(-1), timeZone: zone),
                daysLeft: deadline.text, urgency: deadline.urgency.rawValue,
                legal: t("legal_\(row.legalState.rawValue)"), status: t("qstatus_\(row.status.rawValue)"), sla: t("cq_sla_resolution", ["state": t("sla_\(view.sla.resolution)")]),
                assignee: row.assigneeId.flatMap { staff[$0] } ?? t("cq_unassigned"),
                overdue: overdue && row.legalState == .open, deemed: row.legalState == .deemedAccepted, urgent: row.urgent,
                unread: unread.contains(row.id)))
        }
        let survey = try await complaints.store.survey(shop: session.shopID, on: sql)
        let satisfaction = survey.average.map { t("cq_satisfaction", ["avg": t.number($0), "n": String(survey.answers)]) }
        let selected = Set(filter.statuses)
        let statuses = [Option(value: "", label: t("cq_all"), selected: selected.isEmpty)]
            + ComplaintStatus.allCases.map { Option(value: $0.rawValue, label: t("qstatus_\($0.rawValue)"), selected: selected == [$0.rawValue]) }
        var next: String?
        if rows.count == filter.limit, let last = rows.last {
            var parts = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("cursor=") }.map(String.init)
            parts.append("cursor=\(Int(last.answerDueAt.timeIntervalSince1970 * 1000)).\(last.id)")
            next = "/panel/complaints?" + parts.joined(separator: "&")
        }
        return pages.page(.panelComplaints, QueueModel(
            chrome: try await panel.chrome(request, session, title: "cq_heading"), rows: views, hasRows: !views.isEmpty,
            statuses: statuses,
            categories: [Option(value: "", label: t("cq_all"), selected: filter.category == nil)]
                + Self.choices(ComplaintCategory.allCases.map(\.rawValue), prefix: "cat", t, chosen: filter.category),
            assignees: [Option(value: "", label: t("cq_all"), selected: filter.assignee == nil)]
                + staffOptions.map { Option(value: $0.value, label: $0.label, selected: $0.value == filter.assignee) },
            priorities: [Option(value: "", label: t("cq_all"), selected: filter.priority == nil)]
                + Self.choices(ComplaintPriority.allCases.map(\.rawValue), prefix: "priority", t, chosen: filter.priority),
            staff: [Option(value: "", label: t("cq_unassigned"), selected: false)] + staffOptions,
            urgent: filter.urgent == true, dueBefore: request.uri.queryParameters.get("dueBefore") ?? "",
            canWrite: session.staffRole.canWrite, back: request.uri.description,
            satisfaction: satisfaction, overdue: filter.overdue, q: filter.query ?? "", next: next))
    }

    private func casePage(_ request: Request, _ session: StaffSession, reference: String, errors: [String] = [],
                          draft: (form: FormData, letter: String?, warnings: [DecisionWarning])? = nil,
                          collision: [ShopReply] = [], replyDraft: String = "")
        async throws -> Response
    {
        let t = Localization.forPanel(request)
        let sql = services.database.sql
        let shop = try await complaints.directory.shop(session.shopID, on: sql)
        let zone = complaints.directory.timeZone(shop)
        let complaint = try await complaints.complaint(reference, shop: session.shopID, on: sql)
        let view = try await complaints.shopView(complaint, shop: shop, detail: true)
        let now = services.clock.now()
        let staff = try await services.staff.list(shop: session.shopID, on: sql).filter { $0.staffRole.canWrite }
        let moves = (ComplaintLifecycle.transitions[complaint.status] ?? []).sorted { $0.rawValue < $1.rawValue }
            .map { Option(value: $0.rawValue, label: t("qstatus_\($0.rawValue)"), selected: false) }
        let canDecide = (try? ComplaintLifecycle().decide(.accepted, status: complaint.status, legal: complaint.legalState)) != nil
        // No outcome is chosen for staff: the radio group is required and starts empty (issue 17).
        let drafted = draft.map { draft in
            Dictionary(uniqueKeysWithValues: ["outcome", "remedy", "amount", "reason", "adrStatement"]
                .map { ($0, draft.form[$0] ?? "") })
        } ?? [:]
        let outcomes = DecisionOutcome.allCases
            .filter { complaint.legalState != .deemedAccepted || $0 == .accepted }
            .map { Option(value: $0.rawValue, label: t("outcome_\($0.rawValue)"), selected: $0.rawValue == drafted["outcome"]) }
        let chosenRemedy = drafted["remedy"] ?? complaint.requestedRemedy
        let remedies = Remedy.allCases.map {
            Option(value: $0.rawValue, label: t("remedy_\($0.rawValue)"), selected: $0.rawValue == chosenRemedy)
        }
        let requested = complaint.requestedRemedy.map { t("remedy_\($0)") }
        let warnings = (draft?.warnings ?? []).map {
            t("cq_warn_\($0.rawValue)", ["requested": requested ?? ""])
        }
        var orderItems: [OrderItemRecord] = []
        if let orderId = complaint.orderId { orderItems = try await complaints.orders.items(orderId: orderId, on: sql) }
        let currency = orderItems.compactMap(\.currency).first ?? "PLN"
        let orderTotal = orderItems.reduce(Decimal(0)) { sum, item in
            sum + (item.unitPrice.flatMap { Decimal(string: $0) } ?? 0) * Decimal(item.quantity)
        }
        let deadline = Self.deadline(complaint, daysLeft: view.daysLeft, now: now, t)
        let answered = complaint.decidedAt.map { decided in
            t("cq_answered", ["date": t.date(decided, timeZone: zone),
                              "n": String(LegalClock().dayOfTerm(receivedAt: complaint.receivedAt, now: decided, timeZone: zone)),
                              "term": String(LegalClock().days)])
        }
        var letterText: String?
        if let id = complaint.decisionId { letterText = try await complaints.store.decision(id, on: sql)?.letterText }
        let decision = view.decision.map { decision in
            [t("outcome_\(decision.outcome)"), decision.remedy.map { t("remedy_\($0)") }, decision.amount, decision.reason]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        }
        // A chosen template is filled in for this complaint and put into the reply box, to read and edit first.
        let chosen = request.uri.queryParameters.get("template")
        let templates = try await QuickReplies(services: services).offered(shop: session.shopID, language: complaint.locale).map {
            Option(value: $0.id, label: "\($0.name) (\($0.language))", selected: $0.id == chosen)
        }
        let others = try await CaseDesk(services: services).open(.complaint, id: complaint.id, shop: session.shopID,
                                                                  staffId: session.staffId, staffName: session.staffName)
        var replyText = replyDraft
        if replyText.isEmpty, let chosen, !chosen.isEmpty {
            replyText = try await complaints.preview(templateId: chosen, reference: complaint.reference, shop: session.shopID)
        }
        let model = CaseModel(
            chrome: try await panel.chrome(request, session, title: "cq_heading"), reference: complaint.reference,
            customer: complaint.customerName, email: complaint.email, order: complaint.orderExternalId ?? t("c_none"),
            received: t.date(complaint.receivedAt, timeZone: zone),
            due: t.date(complaint.answerDueAt.addingTimeInterval(-1), timeZone: zone),
            daysLeft: deadline.text,
            legal: t("legal_\(complaint.legalState.rawValue)"), status: t("qstatus_\(complaint.status.rawValue)"),
            claimType: t("claim_\(complaint.claimType)"), category: t("cat_\(complaint.category)"),
            description: complaint.description, remedy: complaint.requestedRemedy.map { t("remedy_\($0)") },
            remedyTask: complaint.remedyTask.map { t("cq_remedy_task", ["task": Remedy(rawValue: $0).map { t("remedy_\($0.rawValue)") } ?? $0]) },
            assignee: complaint.assigneeId.flatMap { id in staff.first { $0.id == id }?.name },
            deemed: complaint.legalState == .deemedAccepted, overdue: complaint.answerDueAt <= now && complaint.decidedAt == nil,
            canWrite: session.staffRole.canWrite, canDecide: canDecide && session.staffRole.canWrite,
            slaFirst: t("cq_sla_first", ["state": t("sla_\(view.sla.firstResponse)")]),
            slaResolution: t("cq_sla_resolution", ["state": t("sla_\(view.sla.resolution)")]),
            items: (view.items ?? []).map { "\($0.quantity) × \($0.name) (\($0.productId))" },
            messages: (view.messages ?? []).map {
                MessageView(author: $0.staffName ?? $0.author, body: $0.body, at: t.date($0.createdAt, timeZone: zone),
                            internalNote: $0.internalNote)
            },
            hasMessages: !(view.messages ?? []).isEmpty, moves: moves, outcomes: outcomes, remedies: remedies,
            staff: [Option(value: "", label: t("cq_unassigned"), selected: complaint.assigneeId == nil)]
                + staff.map { Option(value: $0.id, label: $0.name, selected: $0.id == complaint.assigneeId) },
            decision: decision, letterHref: view.decision == nil ? nil : SiteURL.panelDecisionLetter(complaint: complaint.reference).path,
            errors: errors, hasErrors: !errors.isEmpty,
            attachments: (view.attachments ?? []).map {
                Option(value: SiteURL.panelAttachment(complaint: complaint.reference, attachment: $0.id).path,
                       label: "\($0.filename) (\($0.size / 1024 + 1) KB, \($0.author))", selected: false)
            },
            hasAttachments: !(view.attachments ?? []).isEmpty,
            survey: complaint.surveyRating.map { t("cq_survey", ["rating": String($0), "comment": complaint.surveyComment ?? ""]) },
            templates: templates, hasTemplates: !templates.isEmpty,
            replyText: replyText, urgency: deadline.urgency.rawValue, urgent: complaint.urgent, answered: answered,
            requestedRemedy: requested, amountLabel: t("cq_amount_in", ["currency": currency]),
            orderValue: orderTotal > 0 ? t("cq_order_value", ["value": "\(t.number(NSDecimalNumber(decimal: orderTotal).doubleValue, digits: 2)) \(currency)"]) : nil,
            draft: drafted, preview: draft?.letter, warnings: warnings, hasWarnings: !warnings.isEmpty,
            letterText: letterText, done: errors.isEmpty && draft == nil && collision.isEmpty ? ActionDone.words(request, t) : nil,
            presence: DeskWords.presence(others, t), collision: DeskWords.collision(collision, shopName: shop.name, t),
            drawnAt: CaseDesk.drawnAtText(now))
        return pages.page(.panelComplaint, model,
                          status: !collision.isEmpty ? .conflict : errors.isEmpty ? .ok : .unprocessableContent)
    }
}
