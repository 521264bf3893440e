import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

extension ComplaintPages {
    struct ItemChoice: Sendable, Encodable {
        var productId, name: String
        var max: Int
        var checked: Bool
    }

    struct FormModel: Sendable, Encodable {
        var chrome: PublicChrome
        var t: [String: String]
        var heading: String
        var slug: String
        var found: Bool
        var notFound: Bool
        var order, email, description: String
        var items: [ItemChoice]
        var claimTypes: [Option]
        var categories: [Option]
        var remedies: [Option]
        var parties: [Option]
        var errors: [String]
        var hasErrors: Bool
    }

    struct StatusModel: Sendable, Encodable {
        var chrome: PublicChrome
        var t: [String: String]
        var heading: String
        var shown: Bool
        var failed: Bool
        var justFiled: String?
        var reference, email: String
        var state, legal, received, due, decision, nextSteps: String
        var messages: [MessageView]
        var hasMessages: Bool
        var surveyOpen = false
        var surveyThanks: String?
        var canReply = false
        var replyError: String?
    }

    func registerPublic(on router: Router<AppContext>) {
        router.get("/shops/{slug}/complaint") { request, context in
            try await CSRF.withAnonymousToken(request, secure: services.config.secureCookies) {
                let shop = try await publicShop(try context.parameters.require("slug"))
                return pages.page(.complaintForm, try await formModel(request, shop: shop, form: nil, order: nil))
            }
        }
        router.post("/shops/{slug}/complaint") { request, context in
            // Throttle, CSRF cookie and size come before the body is read or parsed (issue 15, item 5).
            try await complaints.checkLookup(address: context.clientAddress)
            try CSRF.requireCookie(request)
            // The second step uploads photos (multipart); the first is a plain form.
            var files: [ComplaintService.Upload] = []
            let form: FormData
            if let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(contentType:)) {
                let limit = (AttachmentKind.maxBytes + 64 * 1024) * AttachmentKind.maxPerComplaint
                if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                    throw Problem(status: .contentTooLarge, title: "Content Too Large",
                                  detail: "At most \(AttachmentKind.maxPerComplaint) files of 10 MB each.")
                }
                let buffer = try await request.body.collect(upTo: limit)
                let multipart = try MultipartForm(body: Array(buffer: buffer), boundary: boundary)
                var values: [String: [String]] = [:]
                for part in multipart.parts where part.filename == nil { values[part.name, default: []].append(part.text) }
                form = FormData(values: values)
                files = multipart.files("photos").map { .init(name: $0.filename ?? "photo", data: $0.data) }
            } else {
                form = try await FormData.read(request)
            }
            try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
            let shop = try await publicShop(try context.parameters.require("slug"))
            let sql = services.database.sql
            let external = (form["order"] ?? "").trimmingCharacters(in: .whitespaces)
            let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            let order = external.isEmpty ? nil : try await OrderStore().find(externalId: external, shop: shop.shopID, on: sql)
            // The same answer whether the order is unknown or the e-mail does not match it.
            guard let order, order.emailNormalized == email else {
                try await complaints.recordLookupMiss(address: context.clientAddress)
                var model = try await formModel(request, shop: shop, form: form, order: nil)
                model.notFound = form["step"] == "lookup" || form["step"] == "file"
                return pages.page(.complaintForm, model, status: model.notFound ? .notFound : .ok)
            }
            guard form["step"] == "file" else {
                return pages.page(.complaintForm, try await formModel(request, shop: shop, form: form, order: order))
            }
            var intake = ComplaintService.Intake()
            intake.orderExternalId = order.externalId
            intake.email = order.email
            intake.claimType = form["claimType"]
            intake.category = form["category"]
            intake.description = form["description"]
            intake.requestedRemedy = form["requestedRemedy"]
            intake.partyType = form["partyType"]
            intake.items = form.all("item").map { ($0, Int(form["quantity_\($0)"] ?? "1") ?? 1) }
            do {
                let (complaint, _) = try await complaints.file(intake, shop: shop, actor: .system, requireOrder: true,
                                                               uploads: files)
                let t = Localization.forVisitor(request, preferred: order.locale)
                return pages.page(.complaintStatus, try await statusModel(request, t, complaint: complaint, shop: shop,
                                                                            justFiled: true))
            } catch let errors as ValidationErrors {
                var model = try await formModel(request, shop: shop, form: form, order: order)
                model.errors = errors.lines(Localization.forVisitor(request, preferred: order.locale))
                model.hasErrors = true
                return pages.page(.complaintForm, model, status: .unprocessableContent)
            } catch let error as AppError where error.kind == .invalid {
                var model = try await formModel(request, shop: shop, form: form, order: order)
                model.errors = error.lines(Localization.forVisitor(request, preferred: order.locale))
                model.hasErrors = true
                return pages.page(.complaintForm, model, status: .unprocessableContent)
            }
        }
        router.post("/complaints/survey") { request, context in
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
            // Reference + e-mail is a look-up: throttled like the status page (issue 15, item 6).
            try await complaints.checkLookup(address: context.clientAddress)
            let complaint: ComplaintRecord
            do {
                complaint = try await complaints.answerSurvey(
                    reference: form["reference"] ?? "", email: form["email"] ?? "",
                    rating: form["rating"].flatMap { Int($0) }, comment: form["comment"])
            } catch let error as AppError where error.kind == .notFound {
                try await complaints.recordLookupMiss(address: context.clientAddress)
                throw error
            }
            guard let shop = try await services.shops.find(ShopID(complaint.shopId), on: services.database.sql) else {
                throw Problem.notFound("shop")
            }
            let t = Localization.forVisitor(request, preferred: complaint.locale)
            var model = try await statusModel(request, t, complaint: complaint, shop: shop, justFiled: false)
            model.surveyThanks = t("c_survey_thanks")
            return pages.page(.complaintStatus, model)
        }
        router.post("/complaints/reply") { request, context in
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
            try await complaints.checkLookup(address: context.clientAddress)
            let reference = (form["reference"] ?? "").uppercased()
            guard ComplaintReference.isValid(reference),
                  let complaint = try await complaints.store.find(reference: reference, email: form["email"] ?? "",
                                                                  on: services.database.sql),
                  let shop = try await services.shops.find(ShopID(complaint.shopId), on: services.database.sql)
            else {
                try await complaints.recordLookupMiss(address: context.clientAddress)
                throw Problem.notFound("complaint")
            }
            let t = Localization.forVisitor(request, preferred: complaint.locale)
            do {
                _ = try await complaints.postFromCustomer(complaint, body: form["body"] ?? "")
            } catch let errors as ValidationErrors {
                var model = try await statusModel(request, t, complaint: complaint, shop: shop, justFiled: false)
                model.replyError = errors.fields.values.sorted().joined(separator: " ")
                return pages.page(.complaintStatus, model, status: .unprocessableContent)
            }
            let updated = try await complaints.store.find(id: complaint.id, on: services.database.sql) ?? complaint
            return pages.page(.complaintStatus, try await statusModel(request, t, complaint: updated, shop: shop,
                                                                        justFiled: false))
        }
        // The link in every complaint e-mail: a complaint link opens its complaint, a case link the order's latest.
        router.get("/c/{token}/complaint") { request, context in
            try await CSRF.withAnonymousToken(request, secure: services.config.secureCookies) {
                let sql = services.database.sql
                let found = try await complaints.directory.customerCase(token: try context.parameters.require("token"),
                                                                      for: .readComplaint, on: sql)
                let complaint = try await complaints.complaint(openedBy: found, on: sql)
                let t = Localization.forVisitor(request, preferred: complaint.locale)
                return pages.page(.complaintStatus, try await statusModel(request, t, complaint: complaint, shop: found.shop,
                                                                            justFiled: false))
            }
        }
        router.get("/complaints/status") { request, _ in
            try await CSRF.withAnonymousToken(request, secure: services.config.secureCookies) {
                let t = Localization.forVisitor(request, preferred: nil)
                return pages.page(.complaintStatus, emptyStatus(request, t, failed: false, reference: "", email: ""))
            }
        }
        router.post("/complaints/status") { request, context in
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
            try await complaints.checkLookup(address: context.clientAddress)
            let reference = (form["reference"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            let sql = services.database.sql
            let t = Localization.forVisitor(request, preferred: nil)
            let found = ComplaintReference.isValid(reference)
                ? try await complaints.store.find(reference: reference, email: email, on: sql) : nil
            guard let complaint = found,
                  let shop = try await services.shops.find(ShopID(complaint.shopId), on: sql)
            else {
                try await complaints.recordLookupMiss(address: context.clientAddress)
                return pages.page(.complaintStatus, emptyStatus(request, t, failed: true, reference: reference, email: email),
                                  status: .notFound)
            }
            return pages.page(.complaintStatus, try await statusModel(request, Localization.forVisitor(request, preferred: complaint.locale),
                                                                        complaint: complaint, shop: shop, justFiled: false))
        }
    }

    private func publicShop(_ slug: String) async throws -> ShopRecord {
        guard let shop = try await services.shops.find(slug: slug, on: services.database.sql) else { throw Problem.notFound("shop") }
        return shop
    }

    private func publicChrome(_ request: Request, _ t: Localization, title: String) -> PublicChrome {
        PublicChrome(title: title, lang: t.language, csrf: CSRF.anonymousToken(request).token, t: t.strings,
                     languages: t.languageLinks(path: request.uri.path, among: Localization.customerLanguages))
    }

    private func formModel(_ request: Request, shop: ShopRecord, form: FormData?, order: OrderRecord?) async throws -> FormModel {
        let t = Localization.forVisitor(request, preferred: order?.locale, fallback: shop.locale)
        func options(_ values: [String], prefix: String, field: String, fallback: String?) -> [Option] {
            Self.choices(values, prefix: prefix, t, chosen: form?[field] ?? fallback)
        }
        var items: [ItemChoice] = []
        if let order {
            let chosen = Set(form?.all("item") ?? [])
            items = try await OrderStore().items(orderId: order.id, on: services.database.sql).map {
                ItemChoice(productId: $0.productId, name: $0.name, max: $0.quantity, checked: chosen.contains($0.productId))
            }
        }
        let heading = t("c_form_heading", ["shop": shop.name])
        return FormModel(
            chrome: publicChrome(request, t, title: heading), t: t.strings, heading: heading, slug: shop.slug,
            found: order != nil, notFound: false, order: form?["order"] ?? "", email: form?["email"] ?? "",
            description: form?["description"] ?? "", items: items,
            claimTypes: options(ClaimType.allCases.map(\.rawValue), prefix: "claim", field: "claimType", fallback: "non_conformity"),
            categories: options(ComplaintCategory.allCases.map(\.rawValue), prefix: "cat", field: "category", fallback: "defective"),
            remedies: options(Remedy.allCases.map(\.rawValue), prefix: "remedy", field: "requestedRemedy", fallback: "repair"),
            parties: options(PartyType.allCases.map(\.rawValue), prefix: "party", field: "partyType", fallback: "consumer"),
            errors: [], hasErrors: false)
    }

    private func emptyStatus(_ request: Request, _ t: Localization, failed: Bool, reference: String, email: String) -> StatusModel {
        StatusModel(chrome: publicChrome(request, t, title: t("c_status_lookup")), t: t.strings, heading: t("c_status_lookup"),
                    shown: false, failed: failed, justFiled: nil, reference: reference, email: email, state: "", legal: "",
                    received: "", due: "", decision: "", nextSteps: "", messages: [], hasMessages: false)
    }

    private func statusModel(_ request: Request, _ t: Localization, complaint: ComplaintRecord, shop: ShopRecord,
                             justFiled: Bool) async throws -> StatusModel {
        let zone = complaints.directory.timeZone(shop)
        let view = try await complaints.customerView(complaint)
        let due = t.date(complaint.answerDueAt.addingTimeInterval(-1), timeZone: zone)
        let decision = view.decision.map { decision in
            [t("outcome_\(decision.outcome)"), decision.remedy.map { t("remedy_\($0)") }, decision.amount, decision.reason]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        } ?? t("c_none")
        return StatusModel(
            chrome: publicChrome(request, t, title: t("c_status_heading", ["ref": complaint.reference])), t: t.strings,
            heading: t(justFiled ? "c_received_heading" : "c_status_heading", ["ref": complaint.reference]),
            shown: true, failed: false,
            justFiled: justFiled ? t("c_due", ["shop": shop.name, "date": due]) : nil,
            reference: complaint.reference, email: complaint.email, state: t("cstatus_\(complaint.status.rawValue)"),
            legal: t("legal_\(complaint.legalState.rawValue)"), received: t.date(complaint.receivedAt, timeZone: zone), due: due,
            decision: decision, nextSteps: view.nextSteps.map { Remedy(rawValue: $0).map { t("remedy_\($0.rawValue)") } ?? $0 } ?? t("c_none"),
            messages: view.messages.map {
                MessageView(author: $0.author == "shop" ? shop.name : t("c_you"), body: $0.body,
                            at: t.date($0.createdAt, timeZone: zone), internalNote: false)
            },
            hasMessages: !view.messages.isEmpty,
            surveyOpen: complaint.surveySentAt != nil && complaint.surveyRating == nil,
            canReply: complaint.status != .closed)
    }
}
