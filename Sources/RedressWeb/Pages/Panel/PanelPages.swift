import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// The staff panel's frame: the landing page and the shop's settings (API keys). Mediation and complaint views
/// hang off the same frame.
struct PanelPages {
    let services: AppServices
    let pages: PageRenderer
    var administration: ShopAdministration { ShopAdministration(services: services) }

    struct WorkRow: Sendable, Encodable {
        var href: String
        var title: String
        var detail: String
        var chip: String?
        var urgency: String?
        var urgent: Bool = false
        var unread: Bool = false
        var stars: Stars?
    }

    struct WorkList: Sendable, Encodable {
        var id: String
        var heading: String
        var count: Int
        var rows: [WorkRow]
        var hasRows: Bool
        var empty: String
        var more: String?
        var moreHref: String
    }

    /// The home page (issue 17): what is due, in the order it has to be done: the legal clock first.
    struct HomeModel: Encodable {
        var chrome: Chrome
        var lists: [WorkList]
        var staffCount: Int
        var pendingMail: Int
        var failedText: String?
    }

    struct KeyRow: Encodable {
        var id, label, prefix, createdAt: String
        var revoked: Bool
    }

    struct KeysModel: Encodable {
        var chrome: Chrome
        var keys: [KeyRow]
        var hasKeys: Bool
        var newSecret: String?
    }

    func register(on router: Router<AppContext>) {
        router.get("/") { _, _ in Response.seeOther("/panel", status: .found) }
        router.get("/panel") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            return try await home(request, session)
        }
        router.get("/panel/overview") { _, _ in Response.seeOther("/panel") }
        router.get("/panel/search") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            return try await search(request, session)
        }
        router.get("/panel/settings/api-keys") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            // API keys are the owner's business, as in the API (issue 15, item 10).
            _ = try context.requireOwner()
            return try await keysPage(request, session, newSecret: nil)
        }
        router.post("/panel/settings/api-keys") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            let owner = try context.requireOwner()
            let (_, secret) = try await administration.issueKey(label: form["label"], owner: owner)
            return try await keysPage(request, session, newSecret: secret)
        }
        router.post("/panel/settings/api-keys/{keyId}/revoke") { request, context in
            let session = try context.requireStaff()
            try CSRF.check(try await FormData.read(request), expected: session.csrfToken)
            let owner = try context.requireOwner()
            try await administration.revokeKey(try context.parameters.require("keyId"), owner: owner)
            return Response.seeOther("/panel/settings/api-keys")
        }
    }

    /// The panel's frame in the staff member's language, with the header counts; `title` is a string key.
    func chrome(_ request: Request, _ session: StaffSession, title: String, search: String = "",
                counts: WorkQueueStore.Counts? = nil) async throws -> Chrome {
        let t = Localization.forPanel(request)
        return try await PanelFrame(services: services).chrome(session, t, title: t(title), path: request.uri.path,
                                                               search: search, counts: counts)
    }

    /// The shop's time zone: every date on the panel reads in it.
    private func shopZone(_ session: StaffSession) async throws -> TimeZone {
        let directory = ShopDirectory(services: services)
        return directory.timeZone(try await directory.shop(session.shopID, on: services.database.read))
    }

    private func home(_ request: Request, _ session: StaffSession) async throws -> Response {
        let t = Localization.forPanel(request)
        let sql = services.database.read
        let work = try await WorkQueue(services: services).home(shop: session.shopID)
        let zone = try await shopZone(session)
        let now = services.clock.now()
        let desk = CaseWorkStore()
        let unreadComplaints = try await desk.unread(.complaint, ids: work.complaints.map(\.id), shop: session.shopID, on: sql)
        let unreadDialogs = try await desk.unread(.dialog, ids: work.dialogs.compactMap(\.dialogId), shop: session.shopID, on: sql)
        func list(_ id: String, _ count: Int, _ rows: [WorkRow], more: String, href: String) -> WorkList {
            WorkList(id: id, heading: t("home_\(id)"), count: count, rows: rows, hasRows: !rows.isEmpty,
                     empty: t("home_\(id)_empty"), more: count > rows.count ? t(more, ["n": String(count)]) : nil,
                     moreHref: href)
        }
        let complaints = work.complaints.map { complaint in
            let chip = ComplaintPages.deadline(complaint, daysLeft: LegalClock.daysLeft(dueAt: complaint.answerDueAt, now: now),
                                               now: now, t)
            return WorkRow(href: SiteURL.panelComplaint(complaint.reference).path,
                           title: "\(complaint.reference) · \(complaint.customerName)",
                           detail: t("cat_\(complaint.category)") + " · " + t("qstatus_\(complaint.status.rawValue)"),
                           chip: chip.text, urgency: chip.urgency.rawValue, urgent: complaint.urgent,
                           unread: unreadComplaints.contains(complaint.id))
        }
        let dialogs = work.dialogs.map { dialog in
            WorkRow(href: dialog.dialogId.map { SiteURL.panelDialog($0).path } ?? SiteURL.panelReview(dialog.reviewId).path,
                    title: "\(dialog.customerName) · \(dialog.orderExternalId)",
                    detail: dialog.dialogId == nil ? t("home_no_dialog", ["date": t.date(dialog.lastMessageAt, timeZone: zone)])
                        : t("home_waiting_since", ["date": t.date(dialog.lastMessageAt, timeZone: zone)]),
                    unread: dialog.dialogId.map(unreadDialogs.contains) ?? false, stars: Stars(dialog.rating, t))
        }
        let holds = work.holds.map { hold in
            let hours = max(0, Int((hold.publishAt.timeIntervalSince(now) / 3600).rounded(.up)))
            return WorkRow(href: SiteURL.panelReview(hold.id).path,
                           title: "\(hold.customerName) · \(hold.orderExternalId)",
                           detail: t("home_publishes", ["date": t.date(hold.publishAt, timeZone: zone)]),
                           chip: hours < 24 ? t("home_hours_left", ["n": String(hours)]) : t("days_left", ["n": String((hours + 23) / 24)]),
                           urgency: hours < 24 ? "red" : "amber", stars: Stars(hold.rating, t))
        }
        let unanswered = work.unanswered.map { item in
            WorkRow(href: item.kind == "dialog" ? SiteURL.panelDialog(item.caseId).path : SiteURL.panelComplaint(item.key).path,
                    title: t(item.kind == "dialog" ? "home_kind_dialog" : "home_kind_complaint", ["key": item.key, "customer": item.customerName]),
                    detail: "\(t.date(item.createdAt, timeZone: zone)) · \(snippet(item.body))")
        }
        let staffCount = try await services.staff.list(shop: session.shopID, on: sql).count
        let mail = try await services.outbox.counts(shop: session.shopID, on: sql)
        return pages.page(.panelHome, HomeModel(
            chrome: try await chrome(request, session, title: "nav_home", counts: work.counts),
            lists: [
                list("complaints", work.counts.complaints, complaints, more: "home_all_complaints", href: "/panel/complaints"),
                list("dialogs", work.counts.shopsTurn, dialogs, more: "home_all_dialogs", href: "/panel/dialogs"),
                list("holds", work.counts.holdsEnding, holds, more: "home_all_holds", href: "/panel/reviews?status=standby&period=all"),
                list("unanswered", work.counts.unanswered, unanswered, more: "home_all_unanswered", href: "/panel/dialogs"),
            ],
            staffCount: staffCount, pendingMail: mail.pending,
            failedText: mail.failed > 0 ? t("failed_mail", ["n": String(mail.failed)]) : nil))
    }

    struct SearchGroup: Sendable, Encodable {
        var id: String
        var heading: String
        var rows: [WorkRow]
    }

    struct SearchModel: Encodable {
        var chrome: Chrome
        var q: String
        var message: String?
        var groups: [SearchGroup]
        var truncated: String?
    }

    private func search(_ request: Request, _ session: StaffSession) async throws -> Response {
        let t = Localization.forPanel(request)
        let raw = request.uri.queryParameters.get("q") ?? ""
        let chrome = try await chrome(request, session, title: "sr_heading", search: String(raw.prefix(200)))
        guard let q = PanelSearch.normalized(raw) else {
            return pages.page(.panelSearch, SearchModel(chrome: chrome, q: String(raw.prefix(200)),
                                                       message: raw.isEmpty ? nil : t("sr_short"), groups: [], truncated: nil))
        }
        let results = try await PanelSearch(services: services).run(q, shop: session.shopID)
        let zone = try await shopZone(session)
        func row(_ hit: SearchStore.Hit) -> WorkRow {
            let href = switch hit.kind {
            case "complaint", "complaint_message": SiteURL.panelComplaint(hit.target).path
            case "review": SiteURL.panelReview(hit.target).path
            default: SiteURL.panelDialog(hit.target).path
            }
            let title = hit.kind.hasPrefix("complaint") ? "\(hit.target) · \(hit.customerName)" : hit.customerName
            return WorkRow(href: href, title: title, detail: "\(t.date(hit.at, timeZone: zone)) · \(snippet(hit.text))")
        }
        let groups = [("complaints", results.complaints), ("reviews", results.reviews), ("messages", results.messages)]
            .filter { !$0.1.isEmpty }
            .map { SearchGroup(id: $0.0, heading: t("sr_\($0.0)"), rows: $0.1.map(row)) }
        return pages.page(.panelSearch, SearchModel(
            chrome: chrome, q: q, message: results.isEmpty ? t("sr_none", ["q": q]) : nil, groups: groups,
            truncated: results.truncated ? t("sr_more", ["n": String(PanelSearch.limit)]) : nil))
    }

    private func keysPage(_ request: Request, _ session: StaffSession, newSecret: String?) async throws -> Response {
        let keys = try await services.apiKeys.list(shop: session.shopID, on: services.database.sql)
        let formatter = ISO8601DateFormatter()
        let rows = keys.map {
            KeyRow(id: $0.id, label: $0.label, prefix: $0.prefix, createdAt: formatter.string(from: $0.createdAt),
                   revoked: $0.revokedAt != nil)
        }
        return pages.page(.panelApiKeys, KeysModel(
            chrome: try await chrome(request, session, title: "keys_heading"), keys: rows, hasKeys: !rows.isEmpty,
            newSecret: newSecret))
    }
}

/// The frame of every panel page: who is signed in, the shop, the navigation with the counts of what is due
/// (issue 17), the language links.
struct PanelFrame {
    let services: AppServices

    /// `counts` when the caller already has them (the home page), read otherwise.
    func chrome(_ session: StaffSession, _ t: Localization, title: String, path: String, search: String = "",
                counts known: WorkQueueStore.Counts? = nil) async throws -> Chrome
    {
        let counts = if let known { known } else { try await WorkQueue(services: services).counts(shop: session.shopID) }
        func item(_ href: String, _ label: String, count: Int? = nil, text: String? = nil) -> NavItem {
            let shown = count.flatMap { $0 > 0 ? String($0) : nil }
            return NavItem(href: href, label: t(label), count: shown,
                           countText: shown == nil ? nil : text.map { t($0, ["n": shown!]) },
                           current: href == path)
        }
        var nav = [
            item("/panel", "nav_home", count: counts.unanswered, text: "nav_count_home"),
            item("/panel/complaints", "nav_complaints", count: counts.complaints, text: "nav_count_complaints"),
            item("/panel/dialogs", "nav_open", count: counts.shopsTurn, text: "nav_count_dialogs"),
            item("/panel/reviews", "nav_reviews", count: counts.holdsEnding, text: "nav_count_reviews"),
            item("/panel/dialogs?state=closed", "nav_closed"),
            item("/panel/reports", "nav_reports"),
            item("/panel/notifications", "nav_notifications"),
        ]
        if session.staffRole.canManageShop {
            nav += [item("/panel/settings/complaints", "nav_complaint_settings"),
                    item("/panel/settings/webhooks", "nav_webhooks"), item("/panel/settings/api-keys", "nav_keys")]
        }
        return Chrome(
            title: title, lang: t.language, signedIn: true, staffName: session.staffName,
            staffRole: t("role_\(session.staffRole.rawValue)"), shopName: session.shopName, csrf: session.csrfToken,
            canManage: session.staffRole.canManageShop, canWrite: session.staffRole.canWrite, t: t.strings,
            nav: nav, search: search, languages: t.languageLinks(path: path, among: Localization.panelLanguages))
    }
}
