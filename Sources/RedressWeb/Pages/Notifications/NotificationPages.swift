import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressMail
import RedressPersistence

/// The panel's view of notifications (N1): every e-mail and webhook call with its state, the `.eml` files of the
/// demo mailbox, and the webhook endpoints with their delivery logs and a test button (N3).
struct NotificationPages {
    let services: AppServices
    let pages: PageRenderer
    let panel: PanelPages
    var admin: WebhookAdministration { WebhookAdministration(services: services) }

    struct Row: Encodable {
        var createdAt, channel, kind, to, state, attempts: String
        var subject, lastError, emlHref: String?
        var failed: Bool
    }

    struct ListModel: Encodable {
        var chrome: Chrome
        var rows: [Row]
        var hasRows: Bool
        var olderHref: String?
    }

    struct AttemptRow: Encodable {
        var at, eventType, status: String
        var attempt, durationMs: Int
        var delivered: Bool
    }

    struct EndpointRow: Encodable {
        var id, url, events: String
        var description: String?
        var attempts: [AttemptRow]
        var hasAttempts: Bool
    }

    struct EventChoice: Encodable {
        var name: String
        var checked: Bool
    }

    struct FormState: Encodable {
        var url = ""
        var description = ""
        var all = false
        var events: Set<String> = []
    }

    struct WebhooksModel: Encodable {
        var chrome: Chrome
        var endpoints: [EndpointRow]
        var newSecret: String?
        var notice: String?
        var errors: [String]
        var hasErrors: Bool
        var form: FormState
        var eventChoices: [EventChoice]
    }

    func register(on router: Router<AppContext>) {
        router.get("/panel/notifications") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            return try await list(request, session)
        }
        router.get("/panel/notifications/{messageId}/eml") { _, context in
            let session = try context.requireStaff()
            return try await eml(try context.parameters.require("messageId"), shop: session.shopID)
        }
        router.get("/panel/settings/webhooks") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            _ = try context.requireOwner()
            return try await webhooksPage(request, session)
        }
        router.post("/panel/settings/webhooks") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            let owner = try context.requireOwner()
            let events = form.all("events")
            var state = FormState(url: form["url"] ?? "", description: form["description"] ?? "",
                                  all: events.contains("*"), events: Set(events))
            do {
                let record = try await admin.create(shop: owner.shopID, url: state.url,
                                                    events: state.all ? "*" : events.joined(separator: ","),
                                                    description: state.description, actor: .staff(owner.staffId))
                return try await webhooksPage(request, session, newSecret: record.secret)
            } catch let errors as ValidationErrors {
                state.events.remove("*")
                var response = try await webhooksPage(request, session, form: state,
                                                      errors: errors.lines(Localization.forPanel(request)))
                response.status = .unprocessableContent
                return response
            }
        }
        router.post("/panel/settings/webhooks/{endpointId}/test") { request, context in
            let session = try context.requireStaff()
            try CSRF.check(try await FormData.read(request), expected: session.csrfToken)
            let owner = try context.requireOwner()
            _ = try await admin.sendTest(try context.parameters.require("endpointId"), shop: owner.shopID)
            return try await webhooksPage(request, session, notice: Localization.forPanel(request)("wh_test_queued"))
        }
        router.post("/panel/settings/webhooks/{endpointId}/remove") { request, context in
            let session = try context.requireStaff()
            try CSRF.check(try await FormData.read(request), expected: session.csrfToken)
            let owner = try context.requireOwner()
            try await admin.remove(try context.parameters.require("endpointId"), shop: owner.shopID,
                                   actor: .staff(owner.staffId))
            return Response.seeOther("/panel/settings/webhooks")
        }
    }

    private func list(_ request: Request, _ session: StaffSession) async throws -> Response {
        let t = Localization.forPanel(request)
        let sql = services.database.sql
        let zone = TimeZone(identifier: try await services.shops.find(session.shopID, on: sql)?.timeZone ?? "UTC") ?? .gmt
        let before = request.uri.queryParameters.get("before").flatMap(KeysetCursor.parse)
        let pageSize = 50
        let entries = try await services.outbox.list(shop: session.shopID, limit: pageSize + 1, before: before, on: sql)
        let shown = entries.prefix(pageSize)
        let folder = services.config.smtp == nil
        let rows = shown.map { entry -> Row in
            var to = ""
            var subject: String?
            if entry.channel == OutboxChannel.email,
               let mail = try? JSONDecoder().decode(MailMessage.self, from: Data(entry.payload.utf8)) {
                to = mail.to.joined(separator: ", ")
                subject = mail.subject
            } else if let call = try? JSONDecoder().decode(WebhookCall.self, from: Data(entry.payload.utf8)) {
                to = call.endpointId
            }
            let state: String
            if let sent = entry.sentAt {
                state = t("n_sent", ["date": t.date(sent, timeZone: zone)])
            } else if let failed = entry.failedAt {
                state = t("n_failed", ["date": t.date(failed, timeZone: zone)])
            } else {
                state = t("n_pending", ["date": t.date(entry.nextAttemptAt, timeZone: zone)])
            }
            return Row(createdAt: t.date(entry.createdAt, timeZone: zone), channel: entry.channel, kind: entry.kind,
                       to: to, state: state, attempts: String(entry.attempts), subject: subject,
                       lastError: entry.lastError,
                       emlHref: folder && entry.sentAt != nil && entry.channel == OutboxChannel.email
                           ? "/panel/notifications/\(entry.id)/eml" : nil,
                       failed: entry.failedAt != nil)
        }
        var older: String?
        if entries.count > pageSize, let last = shown.last {
            let cursor = "\(Int(last.createdAt.timeIntervalSince1970 * 1000)).\(last.id)"
            older = "/panel/notifications?before=\(cursor)"
        }
        return pages.page(.panelNotifications, ListModel(
            chrome: try await panel.chrome(request, session, title: "notifications_heading"), rows: Array(rows),
            hasRows: !rows.isEmpty, olderHref: older))
    }

    /// The `.eml` file the folder transport wrote for one of this shop's messages.
    private func eml(_ id: String, shop: ShopID) async throws -> Response {
        guard services.config.smtp == nil,
              id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
              let entry = try await services.outbox.list(shop: shop, limit: 1, before: nil, on: services.database.sql,
                                                         id: id).first
        else { throw Problem.notFound("message") }
        let file = URL(fileURLWithPath: services.config.mailDirectory).appendingPathComponent("\(entry.id).eml")
        guard let data = FileManager.default.contents(atPath: file.path),
              var mail = try? JSONDecoder().decode(MailMessage.self, from: Data(entry.payload.utf8))
        else { throw Problem.notFound("message") }
        // The mail as it was sent, with the customer's links masked: staff read them, never use them (S3).
        let sent = String(decoding: data, as: UTF8.self)
        let messageID = sent.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: <") }
            .map { String($0.dropFirst("Message-ID: <".count).dropLast()) } ?? "\(entry.id)@redress"
        mail.text = CustomerLinkMask.mask(mail.text)
        mail.html = mail.html.map(CustomerLinkMask.mask)
        let document = MIMEWriter.render(mail, messageID: messageID, date: entry.sentAt ?? entry.createdAt)
        var headers = HTTPFields()
        headers[.contentType] = "message/rfc822"
        headers[.contentDisposition] = "inline; filename=\"\(entry.id).eml\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: document)))
    }

    private func webhooksPage(
        _ request: Request, _ session: StaffSession, newSecret: String? = nil, notice: String? = nil,
        form: FormState = FormState(), errors: [String] = []
    ) async throws -> Response {
        let t = Localization.forPanel(request)
        let sql = services.database.sql
        let zone = TimeZone(identifier: try await services.shops.find(session.shopID, on: sql)?.timeZone ?? "UTC") ?? .gmt
        let store = WebhookStore()
        var endpoints: [EndpointRow] = []
        for endpoint in try await store.list(shop: session.shopID, on: sql) {
            let attempts = try await store.attempts(endpoint: endpoint.id, shop: session.shopID, limit: 10, on: sql)
            let rows = attempts.map {
                AttemptRow(at: t.date($0.at, timeZone: zone), eventType: $0.eventType,
                           status: $0.statusCode.map { "HTTP \($0)" } ?? ($0.error ?? "—"),
                           attempt: $0.attempt, durationMs: $0.durationMs, delivered: $0.error == nil)
            }
            endpoints.append(EndpointRow(id: endpoint.id, url: endpoint.url,
                                         events: endpoint.events == "*" ? t("wh_all") : endpoint.events,
                                         description: endpoint.description, attempts: rows, hasAttempts: !rows.isEmpty))
        }
        let choices = WebhookEvent.subscribable.map { EventChoice(name: $0.rawValue, checked: form.events.contains($0.rawValue)) }
        return pages.page(.panelWebhooks, WebhooksModel(
            chrome: try await panel.chrome(request, session, title: "webhooks_heading"), endpoints: endpoints,
            newSecret: newSecret, notice: notice, errors: errors, hasErrors: !errors.isEmpty, form: form,
            eventChoices: choices))
    }
}
