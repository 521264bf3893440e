import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// The public shop profile `/shops/{slug}` (R1, R9, R10, R13): rating, distribution, the honest counters, how
/// reviews are verified and held, and the reviews with their labels and the shop's replies.
struct ProfilePage {
    let services: AppServices
    let pages: PageRenderer
    var reads: ReviewReads { ReviewReads(services: services) }

    struct Bar: Sendable, Encodable {
        var stars: Stars
        var count: Int
        var percent: Int
    }

    struct ReviewView: Sendable, Encodable {
        var author: String
        var stars: Stars
        var rating: Int
        var title: String?
        var body: String
        var date: String
        var changedLabel: String?
        var originalStars: Stars?
        var originalBody: String?
        var reply: String?
    }

    struct Model: Sendable, Encodable {
        var chrome: PublicChrome
        var t: [String: String]
        var heading: String
        var average: String
        var basedOn: String
        var bars: [Bar]
        var countersHeading: String
        var counters: [String]
        var verification: String
        var policy: String
        var reviews: [ReviewView]
        var hasReviews: Bool
        var next: String?
        var replyHeading: String
    }

    func register(on router: Router<AppContext>) {
        router.get("/shops/{slug}") { request, context in
            let slug = try context.parameters.require("slug")
            guard let shop = try await services.shops.find(slug: slug, on: services.database.read) else {
                throw Problem.notFound("shop")
            }
            let t = Localization.forVisitor(request, preferred: nil, fallback: shop.locale)
            let summary = try await reads.publicSummary(slug: slug, language: t.language)
            let cursor = request.uri.queryParameters.get("cursor").flatMap(ReviewQueries.Cursor.init(encoded:))
            let page = try await reads.publicReviews(slug: slug, limit: 20, cursor: cursor)
            let zone = TimeZone(identifier: shop.timeZone) ?? .gmt
            let months = String(summary.periodMonths)
            let total = max(1, summary.count)
            let model = Model(
                chrome: PublicChrome(title: t("profile_heading", ["shop": shop.name]), lang: t.language,
                                     csrf: "", t: t.strings,
                                     languages: t.languageLinks(path: "/shops/\(slug)", among: Localization.customerLanguages)),
                t: t.strings, heading: t("profile_heading", ["shop": shop.name]),
                average: summary.average.map { t.number($0) } ?? t("no_rating"),
                basedOn: t("based_on", ["count": String(summary.count), "months": months]),
                bars: (1...5).reversed().map { stars in
                    let count = summary.distribution[String(stars)] ?? 0
                    return Bar(stars: Stars(stars, t), count: count, percent: count * 100 / total)
                },
                countersHeading: t("counters_heading", ["months": months]),
                counters: [
                    t("in_standby", ["n": String(summary.inStandby)]),
                    t("changed_after_dialog", ["n": String(summary.changedAfterDialog)]),
                    t("withdrawn", ["n": String(summary.withdrawn), "m": String(summary.withdrawnAfterCompensation)]),
                ],
                verification: summary.verification, policy: summary.policy,
                reviews: page.items.map { review in
                    ReviewView(
                        author: review.author, stars: Stars(review.rating, t), rating: review.rating,
                        title: review.title, body: review.body, date: t.day(review.submittedAt, timeZone: zone),
                        changedLabel: review.changedAfterDialogAt.map { t("changed_label", ["date": t.day($0, timeZone: zone)]) },
                        originalStars: review.original.map { Stars($0.rating, t) },
                        originalBody: review.original?.body, reply: review.reply?.body)
                },
                hasReviews: !page.items.isEmpty,
                next: page.nextCursor.map { "/shops/\(slug)?lang=\(t.language)&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" },
                replyHeading: t("shop_reply", ["shop": shop.name]))
            var response = pages.page(.profile, model)
            response.headers[.cacheControl] = "public, max-age=30"
            return response
        }
    }
}
