import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// The customer's pages (S3, N2): `/r/{token}` to write the review, `/c/{token}` for everything after. No account:
/// the token in the link is the key. Every form carries the anonymous CSRF token; irreversible actions ask first,
/// on a page of their own, so it works without JavaScript.
struct CustomerPages {
    let services: AppServices
    let pages: PageRenderer
    var reads: ReviewReads { ReviewReads(services: services) }
    var reviews: ReviewService { ReviewService(services: services) }

    struct StarOption: Sendable, Encodable {
        var value: Int
        var label: String
        var checked: Bool
    }

    struct ReviewFormModel: Sendable, Encodable {
        var chrome: PublicChrome
        var t: [String: String]
        var heading: String
        var intro: String
        var policy: String
        var errors: [FieldError]
        var hasErrors: Bool
        var stars: [StarOption]
        var title: String
        var body: String
        var action: String
        var cancelled: Bool
        var bodyMax: Int
        var titleMax: Int
    }

    struct MessageView: Sendable, Encodable {
        var author: String
        var body: String
        var date: String
        var fromShop: Bool
    }

    struct Option: Sendable, Encodable {
        var value: String
        var label: String
    }

    struct CaseModel: Sendable, Encodable {
        var chrome: PublicChrome
        var t: [String: String]
        var heading: String
        var flash: String?
        var hasReview: Bool
        var statusText: String
        var stars: Stars?
        var title: String?
        var body: String
        var changedLabel: String?
        var versions: [VersionItem]
        var hasVersions: Bool
        var dialogHeading: String
        var hasDialog: Bool
        var noDialog: String
        var messages: [MessageView]
        var noObligation: Bool
        var canMessage: Bool
        var canResolve: Bool
        var canEdit: Bool
        var canPublishNow: Bool
        var canWithdraw: Bool
        var canReport: Bool
        var canAppeal: Bool
        var editUntil: String?
        var editStars: [StarOption]
        var reasons: [Option]
        var removedReason: String?
        var reply: String?
        var replyHeading: String
        var action: String
        var reviewLink: String?
        /// The link the shop handed out: it shows the review, the mailed link changes it.
        var readOnly: Bool
        var bodyMax: Int
    }

    struct ConfirmModel: Sendable, Encodable {
        var chrome: PublicChrome
        var t: [String: String]
        var heading: String
        var explanation: String
        var action: String
        var fields: [Option]
        var back: String
    }

    func register(on router: Router<AppContext>) {
        router.get("/r/{token}") { request, context in
            try await CSRF.withAnonymousToken(request, secure: services.config.secureCookies) {
            let token = try context.parameters.require("token")
            let found = try await reviews.directory.customerCase(token: token, for: .writeReview, on: services.database.sql)
            if found.review != nil { return Response.seeOther(casePath(token, request)) }
            return respond(request, reviewForm(request, found: found, token: token, errors: [:], values: nil))
            }
        }
        router.post("/r/{token}") { request, context in
            let token = try context.parameters.require("token")
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
            let found = try await reviews.directory.customerCase(token: token, for: .writeReview, on: services.database.sql)
            if found.review != nil { return Response.seeOther(casePath(token, request)) }
            do {
                let text = try ReviewText.validate(rating: form["rating"].flatMap { Int($0) }, title: form["title"],
                                                   body: form["body"])
                _ = try await reviews.submitReview(token: token, text: text)
                return Response.seeOther(casePath(token, request, flash: "submitted"))
            } catch let errors as ValidationErrors {
                var response = respond(request, reviewForm(request, found: found, token: token, errors: errors.fields,
                                                           values: form))
                response.status = .unprocessableContent
                return response
            }
        }
        router.get("/c/{token}") { request, context in
            try await CSRF.withAnonymousToken(request, secure: services.config.secureCookies) {
                let token = try context.parameters.require("token")
                let found = try await reviews.directory.customerCase(token: token, for: .readCase, .readComplaint,
                                                           on: services.database.sql)
                // A complaint link opens its complaint, never the review.
                if !found.link.capability.allows(.readCase) {
                    return Response.seeOther(SiteURL.customerComplaint(token: token).path + langSuffix(request))
                }
                return respond(request, try await casePage(request, token: token, found: found))
            }
        }
        router.post("/c/{token}/{action}") { request, context in
            let token = try context.parameters.require("token")
            let action = try context.parameters.require("action")
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
            return try await perform(action, token: token, form: form, request: request)
        }
    }

    // MARK: Pages

    private func language(_ request: Request, order: OrderRecord) -> Localization {
        Localization.forVisitor(request, preferred: order.locale)
    }

    private func langSuffix(_ request: Request) -> String {
        request.uri.queryParameters.get("lang").flatMap { Localization.customerLanguages.contains($0) ? "?lang=\($0)" : nil } ?? ""
    }

    private func casePath(_ token: String, _ request: Request, flash: String? = nil) -> String {
        let lang = request.uri.queryParameters.get("lang").flatMap { Localization.customerLanguages.contains($0) ? $0 : nil }
        var query: [String] = []
        if let lang { query.append("lang=\(lang)") }
        if let flash { query.append("done=\(flash)") }
        return SiteURL.customerCase(token: token).path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    private func chrome(_ request: Request, _ t: Localization, title: String, path: String) -> PublicChrome {
        PublicChrome(title: title, lang: t.language, csrf: CSRF.anonymousToken(request).token, t: t.strings,
                     languages: t.languageLinks(path: path, among: Localization.customerLanguages))
    }

    private func respond(_ request: Request, _ rendered: (template: Template, model: any Encodable)) -> Response {
        pages.page(rendered.template, rendered.model)
    }

    func starOptions(_ t: Localization, checked: Int?) -> [StarOption] {
        (1...5).reversed().map { StarOption(value: $0, label: t("star_\($0)"), checked: $0 == checked) }
    }

    private func reviewForm(_ request: Request, found: CustomerCase, token: String, errors: [String: String],
                            values: FormData?) -> (template: Template, model: any Encodable) {
        let t = language(request, order: found.order)
        let heading = t("review_heading", ["order": found.order.externalId, "shop": found.shop.name])
        let model = ReviewFormModel(
            chrome: chrome(request, t, title: heading, path: SiteURL.reviewForm(token: token).path), t: t.strings, heading: heading,
            intro: t("review_intro", ["shop": found.shop.name]),
            policy: reviews.policy.description(language: t.language).policy,
            errors: errors.sorted { $0.key < $1.key }.map { FieldError(field: $0.key, message: $0.value) },
            hasErrors: !errors.isEmpty, stars: starOptions(t, checked: values?["rating"].flatMap { Int($0) }),
            title: values?["title"] ?? "", body: values?["body"] ?? "",
            action: SiteURL.reviewForm(token: token).path + langSuffix(request), cancelled: found.order.cancelledAt != nil,
            bodyMax: ReviewText.bodyMax, titleMax: ReviewText.titleMax)
        return (.customerReview, model)
    }

    /// The case page of a link already resolved for reading the case.
    private func casePage(_ request: Request, token: String, found: CustomerCase, flash: String? = nil) async throws
        -> (template: Template, model: any Encodable)
    {
        let sql = services.database.sql
        let t = language(request, order: found.order)
        let zone = reviews.timeZone(found.shop)
        let heading = t("case_heading", ["shop": found.shop.name])
        let view = try await reads.customerView(token: token)
        let allowed = Set(view.allowedActions)
        var model = CaseModel(
            chrome: chrome(request, t, title: heading, path: SiteURL.customerCase(token: token).path), t: t.strings, heading: heading,
            flash: flashText(request.uri.queryParameters.get("done") ?? flash, t: t, review: found.review, zone: zone),
            hasReview: found.review != nil, statusText: "", stars: nil, title: nil, body: "", changedLabel: nil,
            versions: [], hasVersions: false, dialogHeading: t("dialog_heading", ["shop": found.shop.name]),
            hasDialog: view.dialog != nil, noDialog: t("no_dialog", ["shop": found.shop.name]), messages: [],
            noObligation: false, canMessage: allowed.contains("message"), canResolve: allowed.contains("resolve"),
            canEdit: allowed.contains("edit"), canPublishNow: allowed.contains("publish_now"),
            canWithdraw: allowed.contains("withdraw"), canReport: allowed.contains("report"),
            canAppeal: allowed.contains("appeal"), editUntil: nil, editStars: [], reasons: [], removedReason: nil,
            reply: nil, replyHeading: t("shop_reply", ["shop": found.shop.name]),
            action: SiteURL.customerCase(token: token).path, reviewLink: found.review == nil ? SiteURL.reviewForm(token: token).path + langSuffix(request) : nil,
            readOnly: found.review != nil && !found.link.capability.allows(.changeReview),
            bodyMax: ReviewText.bodyMax)
        if let review = found.review {
            model.statusText = switch review.status {
            case .standby: t("status_standby", ["date": review.publishAt.map { t.date($0, timeZone: zone) } ?? ""])
            case .published: t("status_published")
            case .withdrawn: t("status_withdrawn")
            case .removed: t("status_removed")
            }
            model.noObligation = review.status == .standby
            model.stars = Stars(review.rating, t)
            model.title = review.title
            model.body = review.body
            model.changedLabel = review.changedAfterDialogAt.map { t("changed_label", ["date": t.day($0, timeZone: zone)]) }
            let versions = try await ReviewStore().versions(reviewId: review.id, on: sql)
            model.versions = VersionItem.newestFirst(Array(versions.dropLast()), currentVersion: review.currentVersion, t,
                                                     zone: zone)
            model.hasVersions = !model.versions.isEmpty
            model.editUntil = review.editWindowEndsAt.map { t("edit_until", ["date": t.date($0, timeZone: zone)]) }
            model.editStars = starOptions(t, checked: review.rating)
            model.reasons = WithdrawalReason.allCases.map { Option(value: $0.rawValue, label: t("reason_\($0.rawValue)")) }
            model.removedReason = review.removalReason.map { t("removed_reason", ["reason": $0]) }
            model.reply = review.replyBody
        }
        model.messages = (view.dialog?.messages ?? []).map {
            MessageView(author: $0.author == "shop" ? found.shop.name : t("author_customer"), body: $0.body,
                        date: t.date($0.createdAt, timeZone: zone), fromShop: $0.author == "shop")
        }
        return (.customerCase, model)
    }

    private func flashText(_ code: String?, t: Localization, review: ReviewRecord?, zone: TimeZone) -> String? {
        switch code {
        case "submitted":
            guard let review else { return nil }
            if let publishAt = review.publishAt, review.status == .standby {
                return t("outcome_standby", ["date": t.date(publishAt, timeZone: zone)])
            }
            return t("outcome_published")
        case "resolved": return t("resolved_done")
        case nil: return nil
        default: return t("done")
        }
    }

    // MARK: Actions

    /// Irreversible actions first show what will happen; the confirmation page posts again with `confirmed=1`.
    private func perform(_ action: String, token: String, form: FormData, request: Request) async throws -> Response {
        let found = try await reviews.directory.customerCase(token: token, for: .changeReview, on: services.database.sql)
        let t = language(request, order: found.order)
        let zone = reviews.timeZone(found.shop)
        func confirm(_ heading: String, _ explanation: String, fields: [Option] = []) -> Response {
            let model = ConfirmModel(
                chrome: chrome(request, t, title: heading, path: SiteURL.customerCase(token: token).path), t: t.strings, heading: heading,
                explanation: explanation, action: "/c/\(token)/\(action)\(langSuffix(request))",
                fields: fields + [Option(value: "1", label: "confirmed")], back: casePath(token, request))
            return pages.page(.customerConfirm, model)
        }
        let confirmed = form["confirmed"] == "1"
        do {
            switch action {
            case "publish-now":
                guard confirmed else {
                    let cap = found.review?.publishAt.map { t.date($0, timeZone: zone) } ?? ""
                    return confirm(t("publish_now"), t("publish_now_explain", ["date": cap]))
                }
                _ = try await reviews.publishNow(token: token)
            case "resolved":
                guard confirmed else {
                    return confirm(t("resolved_button"), t("resolved_explain", ["shop": found.shop.name]))
                }
                _ = try await reviews.resolve(token: token)
                return Response.seeOther(casePath(token, request, flash: "resolved"))
            case "withdraw":
                let withdrawal = try WithdrawalText.validate(reason: form["reason"], comment: form["comment"])
                guard confirmed else {
                    return confirm(t("withdraw_heading"), t("withdraw_explain"),
                                   fields: [Option(value: withdrawal.reason.rawValue, label: "reason"),
                                            Option(value: form["comment"] ?? "", label: "comment")])
                }
                _ = try await reviews.withdraw(token: token, reason: withdrawal.reason, comment: withdrawal.comment)
            case "message":
                _ = try await reviews.customerMessage(token: token, body: try MessageText.validate(form["body"]))
            case "edit":
                let text = try ReviewText.validate(rating: form["rating"].flatMap { Int($0) }, title: form["title"],
                                                   body: form["body"])
                _ = try await reviews.edit(token: token, text: text)
            case "report":
                _ = try await reviews.customerReport(token: token,
                                                     reason: try MessageText.validate(form["reason"], field: "reason"))
            case "appeal":
                _ = try await reviews.appeal(token: token,
                                             statement: try MessageText.validate(form["statement"], field: "statement"))
            default:
                throw Problem.notFound("action")
            }
        } catch let errors as ValidationErrors {
            throw Problem(status: .unprocessableContent, title: t("errors_heading"),
                          detail: errors.lines(t)
                              .joined(separator: "; "))
        }
        return Response.seeOther(casePath(token, request, flash: action))
    }
}
