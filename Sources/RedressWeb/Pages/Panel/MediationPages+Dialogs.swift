import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

extension MediationPages {
    struct DialogRowView: Sendable, Encodable {
        var href: String
        var customer: String
        var order: String
        var submitted: String
        var status: String
        var stars: Stars
        var snippet: String
        var deadline: String
        var turn: String
        var shopsTurn: Bool
        var outcome: String
        var unread: Bool
        var assignee: String
    }

    struct DialogListModel: Sendable, Encodable {
        var chrome: Chrome
        var t: [String: String]
        var heading: String
        var closed: Bool
        var filter: FilterModel
        var rows: [DialogRowView]
        var hasRows: Bool
        var empty: String
        var next: String?
    }

    func dialogList(_ request: Request, session: StaffSession) async throws -> Response {
        let t = language(request)
        let state = request.uri.queryParameters.get("state") == "closed" ? "closed" : "open"
        let sql = services.database.read
        let shop = try await reviews.shop(session.shopID, on: sql)
        let zone = reviews.timeZone(shop)
        let filter = try listFilter(request, zone: zone, defaultPeriod: Self.defaultPeriod(state: state))
        let page = try await ReviewQueries().dialogs(shop: session.shopID, state: state, filter: filter,
                                                     awaitingSince: services.clock.now(), on: sql)
        let dialogIds = page.rows.compactMap(\.dialogId)
        let desk = CaseWorkStore()
        let unread = try await desk.unread(.dialog, ids: dialogIds, shop: session.shopID, on: sql)
        let assigned = try await desk.assignees(dialogs: dialogIds, shop: session.shopID, on: sql)
        let names = Dictionary(try await services.staff.list(shop: session.shopID, on: sql).map { ($0.id, $0.name) }) { a, _ in a }
        let rows = page.rows.map { row in
            DialogRowView(
                href: row.dialogId.map { SiteURL.panelDialog($0).path } ?? SiteURL.panelReview(row.reviewId).path, customer: row.customerName, order: row.orderExternalId,
                submitted: t.day(row.submittedAt, timeZone: zone), status: t("status_name_\(row.status.rawValue)"),
                stars: Stars(row.stars, t),
                snippet: snippet(row.body),
                deadline: deadlineText(row.publishAt, status: row.status, t, zone: zone),
                turn: t(row.awaiting == "shop" ? "turn_shop" : "turn_customer"), shopsTurn: row.awaiting == "shop",
                outcome: row.outcome.map { t("outcome_\($0)") } ?? "",
                unread: row.dialogId.map(unread.contains) ?? false,
                assignee: row.dialogId.flatMap { assigned[$0] }.flatMap { names[$0] } ?? "")
        }
        let heading = t(state == "open" ? "nav_open" : "nav_closed")
        let model = DialogListModel(
            chrome: try await chrome(request, session, t, title: heading, path: "/panel/dialogs"), t: t.strings,
            heading: heading, closed: state == "closed", filter: filterModel(request, t, state: state, defaultPeriod: Self.defaultPeriod(state: state)), rows: rows,
            hasRows: !rows.isEmpty, empty: t(state == "open" ? "empty_open" : "empty_closed"),
            next: nextLink(request, cursor: page.next))
        return pages.page(.panelDialogs, model)
    }

    struct ThreadItem: Sendable, Encodable {
        var author: String
        var body: String
        var date: String
        var note: Bool
        var fromShop: Bool
        var warned: Bool
    }

    struct DialogPageModel: Sendable, Encodable {
        var chrome: Chrome
        var t: [String: String]
        var heading: String
        var dialogId: String
        var reviewHref: String
        var status: String
        var deadline: String
        var open: Bool
        var outcome: String?
        var versions: [VersionItem]
        var thread: [ThreadItem]
        var canWrite: Bool
        var incentiveWarning: Bool
        var draft: String
        var submission: String
        var version: Int
        var bodyMax: Int
        var done: String?
        /// Issue 17: who else has the case open, a reply that came in meanwhile, the assignee, quick replies.
        var presence: String?
        var collision: String?
        var drawnAt: String
        var assignees: [Option]
        var quickReplies: [Option]
        var hasQuickReplies: Bool
    }

    func dialogPage(_ request: Request, session: StaffSession, id: String, draft: String = "",
                    incentiveWarning: Bool = false, collision: [ShopReply] = []) async throws -> Response {
        let t = language(request)
        let view = try await reads.dialogView(id, shop: session.shopID)
        let sql = services.database.sql
        let shop = try await reviews.shop(session.shopID, on: sql)
        let zone = reviews.timeZone(shop)
        guard let review = view.review else { throw Problem.notFound("dialog") }
        let desk = CaseDesk(services: services)
        let others = try await desk.open(.dialog, id: id, shop: session.shopID, staffId: session.staffId,
                                         staffName: session.staffName)
        let assignee = try await desk.work.assignees(dialogs: [id], shop: session.shopID, on: sql)[id]
        let staff = try await services.staff.list(shop: session.shopID, on: sql).filter { $0.staffRole.canWrite }
        let locale = try await ReviewStore().find(review.id, shop: session.shopID, on: sql)?.locale ?? shop.locale
        let quick = QuickReplies(services: services)
        let chosen = request.uri.queryParameters.get("quick")
        let offered = try await quick.offered(shop: session.shopID, language: locale)
        var draft = draft
        if draft.isEmpty, let chosen, !chosen.isEmpty {
            draft = try await quick.forDialog(chosen, customerName: review.customerName, shop: session.shopID)
        }
        let heading = t("dialog_title", ["customer": review.customerName, "order": review.orderExternalId])
        let versions = (review.versions ?? []).reversed().map {
            VersionItem(number: $0.number, rating: $0.rating, title: $0.title, body: $0.body, createdAt: $0.createdAt,
                        currentVersion: review.currentVersion, t, zone: zone)
        }
        let thread = view.messages.map {
            ThreadItem(author: $0.author == "shop" ? ($0.staffName ?? shop.name) : review.customerName, body: $0.body,
                       date: t.date($0.createdAt, timeZone: zone), note: $0.internalNote, fromShop: $0.author == "shop",
                       warned: $0.incentiveWarning)
        }
        let model = DialogPageModel(
            chrome: try await chrome(request, session, t, title: heading, path: SiteURL.panelDialog(id).path), t: t.strings,
            heading: heading, dialogId: id, reviewHref: SiteURL.panelReview(review.id).path,
            status: t("status_name_\(review.status)"),
            deadline: review.publishAt.map { t("publish_deadline", ["date": t.date($0, timeZone: zone)]) } ?? "",
            open: view.state == "open", outcome: view.outcome.map { t("outcome_\($0)") }, versions: versions,
            thread: thread, canWrite: session.staffRole.canWrite, incentiveWarning: incentiveWarning, draft: draft,
            submission: SecureToken.make(bytes: 16), version: view.version, bodyMax: MessageText.max,
            done: incentiveWarning || !collision.isEmpty ? nil : ActionDone.words(request, t),
            presence: DeskWords.presence(others, t), collision: DeskWords.collision(collision, shopName: shop.name, t),
            drawnAt: CaseDesk.drawnAtText(services.clock.now()),
            assignees: [Option(value: "", label: t("dl_unassigned"), selected: assignee == nil)]
                + staff.map { Option(value: $0.id, label: $0.name, selected: $0.id == assignee) },
            quickReplies: offered.map { Option(value: $0.id, label: "\($0.name) (\($0.language))", selected: $0.id == chosen) },
            hasQuickReplies: !offered.isEmpty)
        return pages.page(.panelDialog, model, status: collision.isEmpty ? .ok : .conflict)
    }

    /// Replies, notes and closing. R11: a reply that looks like an offer for a review change is shown back with the
    /// warning first (and the warning is recorded); only "Send anyway" sends it. A repeated submission (double click,
    /// reload) carries the same one-time key and creates nothing new.
    func dialogAction(_ request: Request, session: StaffSession, id: String, action: String, form: FormData)
        async throws -> Response
    {
        let actor = ShopActor(shop: session.shopID, actor: .staff(session.staffId), staffId: session.staffId,
                              name: session.staffName)
        switch action {
        case "messages", "notes":
            let body = try MessageText.validate(form["body"])
            let isNote = action == "notes"
            // Issue 17: somebody else answered since this page was drawn: show their reply first, keep the text.
            if !isNote {
                let replies = try await CaseDesk(services: services).repliesSince(
                    CaseDesk.drawnAt(form["drawn"]), .dialog, id: id, shop: session.shopID, staffId: session.staffId)
                if !replies.isEmpty {
                    return try await dialogPage(request, session: session, id: id, draft: body, collision: replies)
                }
            }
            if !isNote && form["confirm_incentive"] != "1" && IncentiveCheck.looksLikeIncentive(body) {
                try await services.audit.append(
                    shop: session.shopID, actor: .staff(session.staffId), action: "dialog.incentive_warning_shown",
                    subjectType: "dialog", subjectId: id, now: services.clock.now(), on: services.database.sql)
                return try await dialogPage(request, session: session, id: id, draft: body, incentiveWarning: true)
            }
            do {
                _ = try await reviews.postShopMessage(dialogId: id, body: body, isInternal: isNote, expectedVersion: nil,
                                                      submissionKey: form["submission"], by: actor)
            } catch where error.isConstraintFailure {
                // The same form was sent twice: the first one counts.
            }
        case "close":
            _ = try await reviews.closeDialog(dialogId: id, by: actor)
        case "assign":
            let chosen = form["assignee"].flatMap { $0.isEmpty ? nil : $0 }
            try await CaseDesk(services: services).assignDialog(id, to: chosen, by: actor)
        default:
            throw Problem.notFound("action")
        }
        return Response.seeOther(ActionDone.path(SiteURL.panelDialog(id).path,
                                                 action == "messages" ? "reply" : action == "notes" ? "note" : action))
    }
}
