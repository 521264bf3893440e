import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

extension MediationPages {
    struct ReviewRowView: Sendable, Encodable {
        var href: String
        var customer: String
        var order: String
        var submitted: String
        var status: String
        var stars: Stars
        var snippet: String
        var deadline: String
    }

    struct ReviewListModel: Sendable, Encodable {
        var chrome: Chrome
        var t: [String: String]
        var heading: String
        var filter: FilterModel
        var standby: [ReviewRowView]
        var hasStandby: Bool
        var rows: [ReviewRowView]
        var hasRows: Bool
        var next: String?
    }

    func reviewRow(_ review: ReviewRecord, _ t: Localization, zone: TimeZone) -> ReviewRowView {
        ReviewRowView(
            href: SiteURL.panelReview(review.id).path, customer: review.customerName, order: review.orderExternalId,
            submitted: t.day(review.submittedAt, timeZone: zone), status: t("status_name_\(review.status.rawValue)"),
            stars: Stars(review.rating, t),
            snippet: snippet(review.body),
            deadline: deadlineText(review.publishAt, status: review.status, t, zone: zone))
    }

    /// All reviews with the filters; the held ones (with their deadlines) first when no status is chosen.
    func reviewList(_ request: Request, session: StaffSession) async throws -> Response {
        let t = language(request)
        let sql = services.database.sql
        let shop = try await reviews.shop(session.shopID, on: sql)
        let zone = reviews.timeZone(shop)
        // Every review unless a period is chosen.
        var filter = try listFilter(request, zone: zone, defaultPeriod: "all")
        var standby: [ReviewRowView] = []
        if filter.status == nil && filter.cursor == nil {
            var held = filter
            held.status = ReviewStatus.standby.rawValue
            held.limit = 50
            standby = try await ReviewQueries().reviews(shop: session.shopID, filter: held, on: sql).rows
                .sorted { ($0.publishAt ?? .distantFuture) < ($1.publishAt ?? .distantFuture) }
                .map { reviewRow($0, t, zone: zone) }
        }
        let page = try await ReviewQueries().reviews(shop: session.shopID, filter: filter, on: sql)
        let rows = page.rows.filter { filter.status != nil || $0.status != .standby }.map { reviewRow($0, t, zone: zone) }
        let heading = t("nav_reviews")
        let filterView = filterModel(request, t, state: "", defaultPeriod: "all")
        let model = ReviewListModel(
            chrome: try await chrome(request, session, t, title: heading, path: "/panel/reviews"), t: t.strings,
            heading: heading, filter: filterView, standby: standby, hasStandby: !standby.isEmpty, rows: rows,
            hasRows: !rows.isEmpty || !standby.isEmpty, next: nextLink(request, cursor: page.next))
        return pages.page(.panelReviews, model)
    }

    struct ReviewPageModel: Sendable, Encodable {
        var chrome: Chrome
        var t: [String: String]
        var heading: String
        var id: String
        var status: String
        var deadline: String
        var versions: [VersionItem]
        var canOpenDialog: Bool
        var windowUntil: String
        var dialogHref: String?
        var reply: String
        var replyEditable: Bool
        var replyUntil: String?
        var canWrite: Bool
        var changedLabel: String?
    }

    func reviewPage(_ request: Request, session: StaffSession, id: String) async throws -> Response {
        let t = language(request)
        let sql = services.database.sql
        let shop = try await reviews.shop(session.shopID, on: sql)
        let zone = reviews.timeZone(shop)
        let review = try await reviews.review(id, shop: session.shopID, on: sql)
        let versions = try await ReviewStore().versions(reviewId: review.id, on: sql)
        let dialog = try await DialogStore().find(reviewId: review.id, on: sql)
        let now = services.clock.now()
        let dto = ReviewViews.ShopReview(review, now: now, dialogId: dialog?.id)
        let heading = t("dialog_title", ["customer": review.customerName, "order": review.orderExternalId])
        let model = ReviewPageModel(
            chrome: try await chrome(request, session, t, title: heading, path: SiteURL.panelReview(id).path), t: t.strings,
            heading: heading, id: review.id, status: t("status_name_\(review.status.rawValue)"),
            deadline: review.publishAt.map { t("publish_deadline", ["date": t.date($0, timeZone: zone)]) } ?? "",
            versions: VersionItem.newestFirst(versions, currentVersion: review.currentVersion, t, zone: zone),
            canOpenDialog: dto.canOpenDialog && session.staffRole.canWrite,
            windowUntil: t("window_until", ["date": t.date(review.shopWindowEndsAt, timeZone: zone)]),
            dialogHref: dialog.map { SiteURL.panelDialog($0.id).path }, reply: review.replyBody ?? "",
            replyEditable: session.staffRole.canWrite && (review.replyEditableUntil.map { now < $0 } ?? true)
                && (review.status == .standby || review.status == .published),
            replyUntil: review.replyEditableUntil.map { t("reply_editable", ["date": t.date($0, timeZone: zone)]) },
            canWrite: session.staffRole.canWrite,
            changedLabel: review.changedAfterDialogAt.map { t("changed_label", ["date": t.day($0, timeZone: zone)]) })
        return pages.page(.panelReview, model)
    }
}
