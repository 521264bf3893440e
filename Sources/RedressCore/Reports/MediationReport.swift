import Foundation

/// Reviews of a period counted by the database: one row per current rating, held or not, and publication route.
public struct ReviewCount: Sendable, Equatable {
    public var rating: Int
    public var held: Bool
    public var publishedVia: String?
    public var status: String
    public var count: Int

    public init(rating: Int, held: Bool, publishedVia: String?, status: String, count: Int) {
        self.rating = rating
        self.held = held
        self.publishedVia = publishedVia
        self.status = status
        self.count = count
    }
}

/// What a report needs to know of one mediation dialog and its review.
public struct DialogFact: Sendable, Equatable {
    public var reviewSubmittedAt: Date
    public var firstShopReplyAt: Date?
    public var outcome: String?
    /// The rating as first submitted and as it stands now.
    public var firstRating: Int
    public var currentRating: Int
    public var reviewStatus: String
    public var openedBy: String?

    public init(reviewSubmittedAt: Date, firstShopReplyAt: Date?, outcome: String?, firstRating: Int,
                currentRating: Int, reviewStatus: String, openedBy: String?) {
        self.reviewSubmittedAt = reviewSubmittedAt
        self.firstShopReplyAt = firstShopReplyAt
        self.outcome = outcome
        self.firstRating = firstRating
        self.currentRating = currentRating
        self.reviewStatus = reviewStatus
        self.openedBy = openedBy
    }
}

/// The counters the public profile shows (R10, R13), summed over the period's days.
public struct ProfileCounts: Sendable, Equatable, Codable {
    public var changedAfterDialog: Int
    public var withdrawn: Int
    public var withdrawnAfterCompensation: Int

    public init(changedAfterDialog: Int, withdrawn: Int, withdrawnAfterCompensation: Int) {
        self.changedAfterDialog = changedAfterDialog
        self.withdrawn = withdrawn
        self.withdrawnAfterCompensation = withdrawnAfterCompensation
    }
}

/// The mediation report of a period (issue 8), over the reviews submitted in it.
public struct MediationReport: Sendable, Equatable, Codable {
    public struct StarCount: Sendable, Equatable, Codable {
        public var stars: Int
        public var count: Int
    }

    /// How held reviews left standby: day 7 (no dialog), day 14 (dialog), Publish now, or not (yet) published.
    public struct Publication: Sendable, Equatable, Codable {
        public var day7: Int
        public var day14: Int
        public var publishNow: Int
        public var stillHeld: Int
        public var notPublished: Int
    }

    public var reviews: Int
    public var byStars: [StarCount]
    public var held: Share
    /// Dialogs opened, as a share of held reviews.
    public var dialogs: Share
    /// Hours from the review's submission to the shop's first message in the dialog.
    public var firstShopReplyHours: Spread
    /// Dialogs the customer confirmed resolved (R8).
    public var resolvedByCustomer: Share
    /// Mean rating of mediated reviews as first submitted, and now (only those still standing).
    public var ratingBefore: Double?
    public var ratingAfter: Double?
    public var profile: ProfileCounts
    public var publication: Publication

    public static func build(counts: [ReviewCount], dialogs: [DialogFact], profile: ProfileCounts) -> MediationReport {
        let total = counts.reduce(0) { $0 + $1.count }
        let held = counts.filter(\.held)
        let heldTotal = held.reduce(0) { $0 + $1.count }
        func heldCount(_ matches: (ReviewCount) -> Bool) -> Int { held.filter(matches).reduce(0) { $0 + $1.count } }
        let standing: Set<String> = [ReviewStatus.published.rawValue, ReviewStatus.standby.rawValue]
        return MediationReport(
            reviews: total,
            byStars: (1...5).map { stars in
                StarCount(stars: stars, count: counts.filter { $0.rating == stars }.reduce(0) { $0 + $1.count })
            },
            held: Share(heldTotal, of: total),
            dialogs: Share(dialogs.count, of: heldTotal),
            firstShopReplyHours: Spread(replyHours(dialogs)),
            resolvedByCustomer: Share(dialogs.filter { $0.outcome == DialogOutcome.resolved.rawValue }.count,
                                      of: dialogs.count),
            ratingBefore: meanRating(dialogs.map(\.firstRating)),
            ratingAfter: meanRating(dialogs.filter { standing.contains($0.reviewStatus) }.map(\.currentRating)),
            profile: profile,
            publication: Publication(
                day7: heldCount { $0.publishedVia == PublicationRoute.day7.rawValue },
                day14: heldCount { $0.publishedVia == PublicationRoute.day14.rawValue },
                publishNow: heldCount { $0.publishedVia == PublicationRoute.publishNow.rawValue },
                stillHeld: heldCount { $0.status == ReviewStatus.standby.rawValue },
                notPublished: heldCount { $0.publishedVia == nil && $0.status != ReviewStatus.standby.rawValue }))
    }

    /// A row of a day/week/month series or of the per-agent table.
    public struct GroupRow: Sendable, Equatable, Codable {
        public var key: String
        public var reviews: Int?
        public var held: Int?
        public var dialogs: Int
        public var resolvedByCustomer: Int
        public var firstShopReplyMedianHours: Double?
    }

    /// Dialogs per agent who opened them (`""` when opened otherwise).
    public static func agents(_ dialogs: [DialogFact]) -> [GroupRow] {
        Dictionary(grouping: dialogs) { $0.openedBy ?? "" }.map { agent, dialogs in
            group(key: agent, reviews: nil, held: nil, dialogs: dialogs)
        }
        .sorted { $0.dialogs != $1.dialogs ? $0.dialogs > $1.dialogs : $0.key < $1.key }
    }

    /// Reviews, held reviews (counted per bucket by the caller) and dialogs per day, week or month.
    public static func rows(buckets: [ReportPeriod.Bucket], reviews: [Int], held: [Int], dialogs: [DialogFact])
        -> [GroupRow]
    {
        var grouped = [[DialogFact]](repeating: [], count: buckets.count)
        for dialog in dialogs {
            if let index = ReportPeriod.bucketIndex(of: dialog.reviewSubmittedAt, in: buckets) {
                grouped[index].append(dialog)
            }
        }
        return buckets.indices.map { index in
            group(key: buckets[index].key, reviews: reviews[index], held: held[index], dialogs: grouped[index])
        }
    }

    static func group(key: String, reviews: Int?, held: Int?, dialogs: [DialogFact]) -> GroupRow {
        GroupRow(key: key, reviews: reviews, held: held, dialogs: dialogs.count,
                 resolvedByCustomer: dialogs.filter { $0.outcome == DialogOutcome.resolved.rawValue }.count,
                 firstShopReplyMedianHours: Spread(replyHours(dialogs)).median)
    }

    /// Hours from submission to the shop's first message, of dialogs where the shop wrote.
    static func replyHours(_ dialogs: [DialogFact]) -> [Double] {
        dialogs.compactMap { dialog in dialog.firstShopReplyAt.map { $0.timeIntervalSince(dialog.reviewSubmittedAt) / 3600 } }
    }
}
