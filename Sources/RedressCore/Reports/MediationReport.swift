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
    public var id: String
    public var reviewSubmittedAt: Date
    public var firstShopReplyAt: Date?
    public var outcome: String?
    /// The rating as first submitted and as it stands now.
    public var firstRating: Int
    public var currentRating: Int
    public var reviewStatus: String
    public var openedBy: String?

    public init(id: String = "", reviewSubmittedAt: Date, firstShopReplyAt: Date?, outcome: String?, firstRating: Int,
                currentRating: Int, reviewStatus: String, openedBy: String?) {
        self.id = id
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

    /// The dialog counters (`d.` metrics), by the day the review was submitted.
    public enum Metric {
        public static let dialogs = "d.dialogs", resolved = "d.resolved", firstRatingSum = "d.first_rating_sum"
        public static let standing = "d.standing", standingRatingSum = "d.standing_rating_sum"
        public static let replied = "d.replied", replySeconds = "d.reply_seconds"
        public static let agent = "d.agent:", agentResolved = "d.agent_resolved:"
        public static let reply = "d.reply"
        /// The first replies in one agent's dialogs (`d.reply@` + agent id).
        public static let agentReply = "d.reply@"
        public static let series: Set<String> = [dialogs, resolved, replied, replySeconds]
        /// Reviews and held reviews per day, counted apart and added to the dialogs' roll-up for the series.
        public static let reviews = "r.reviews", held = "r.held"
        /// Reviews of a product and the sum of their current ratings, by the day of submission.
        public static let product = "r.product:", productRatingSum = "r.product_rating_sum:"
    }

    /// From dialog facts in memory (the reference for tests and the recount).
    public static func build(counts: [ReviewCount], dialogs: [DialogFact], profile: ProfileCounts, timeZone: TimeZone = .gmt)
        -> MediationReport
    {
        build(counts: counts, dialogs: rollup(dialogs, timeZone: timeZone), profile: profile)
    }

    public static func rollup(_ dialogs: [DialogFact], timeZone: TimeZone) -> ReportRollup {
        ReportRollup(dialogs.map { $0.contribution(timeZone: timeZone) }, series: Metric.series)
    }

    public static func build(counts: [ReviewCount], dialogs: ReportRollup, profile: ProfileCounts) -> MediationReport {
        let total = counts.reduce(0) { $0 + $1.count }
        let held = counts.filter(\.held)
        let heldTotal = held.reduce(0) { $0 + $1.count }
        func heldCount(_ matches: (ReviewCount) -> Bool) -> Int { held.filter(matches).reduce(0) { $0 + $1.count } }
        let opened = dialogs.total(Metric.dialogs)
        return MediationReport(
            reviews: total,
            byStars: (1...5).map { stars in
                StarCount(stars: stars, count: counts.filter { $0.rating == stars }.reduce(0) { $0 + $1.count })
            },
            held: Share(heldTotal, of: total),
            dialogs: Share(opened, of: heldTotal),
            firstShopReplyHours: dialogs.spread(Metric.reply),
            resolvedByCustomer: Share(dialogs.total(Metric.resolved), of: opened),
            ratingBefore: meanRating(sum: dialogs.total(Metric.firstRatingSum), count: opened),
            ratingAfter: meanRating(sum: dialogs.total(Metric.standingRatingSum), count: dialogs.total(Metric.standing)),
            profile: profile,
            publication: Publication(
                day7: heldCount { $0.publishedVia == PublicationRoute.day7.rawValue },
                day14: heldCount { $0.publishedVia == PublicationRoute.day14.rawValue },
                publishNow: heldCount { $0.publishedVia == PublicationRoute.publishNow.rawValue },
                stillHeld: heldCount { $0.status == ReviewStatus.standby.rawValue },
                notPublished: heldCount { $0.publishedVia == nil && $0.status != ReviewStatus.standby.rawValue }))
    }

    /// A row of a day/week/month series (average first reply) or of the per-agent table (median first reply).
    public struct GroupRow: Sendable, Equatable, Codable {
        public var key: String
        public var reviews: Int?
        public var held: Int?
        public var dialogs: Int
        public var resolvedByCustomer: Int
        public var firstShopReplyMedianHours: Double?
        public var averageFirstShopReplyHours: Double?
    }

    /// Dialogs per agent who opened them (`""` when opened otherwise).
    public static func agents(_ dialogs: ReportRollup) -> [GroupRow] {
        let resolved = dialogs.keyed(Metric.agentResolved)
        return dialogs.keyed(Metric.agent).map { agent, count in
            GroupRow(key: agent, reviews: nil, held: nil, dialogs: count, resolvedByCustomer: resolved[agent] ?? 0,
                     firstShopReplyMedianHours: dialogs.spread(Metric.agentReply + agent).median)
        }
        .sorted { $0.dialogs != $1.dialogs ? $0.dialogs > $1.dialogs : $0.key < $1.key }
    }

    /// Reviews, held reviews and dialogs per day, week or month (`r.reviews` and `r.held` among the daily values).
    public static func rows(buckets: [ReportPeriod.Bucket], rollup dialogs: ReportRollup, timeZone: TimeZone)
        -> [GroupRow]
    {
        let sums = dialogs.buckets(buckets, timeZone: timeZone)
        return buckets.indices.map { index in
            GroupRow(key: buckets[index].key, reviews: sums[index][Metric.reviews] ?? 0,
                     held: sums[index][Metric.held] ?? 0, dialogs: sums[index][Metric.dialogs] ?? 0,
                     resolvedByCustomer: sums[index][Metric.resolved] ?? 0,
                     averageFirstShopReplyHours: averageHours(seconds: sums[index][Metric.replySeconds] ?? 0,
                                                              count: sums[index][Metric.replied] ?? 0))
        }
    }
}

extension DialogFact {
    /// What this dialog adds to the counters of the day its review was submitted (in `timeZone`).
    public func contribution(timeZone: TimeZone) -> ReportContribution {
        typealias M = MediationReport.Metric
        var result = ReportContribution(day: ComplaintReport.localDay(reviewSubmittedAt, timeZone))
        let agent = openedBy ?? ""
        result.add(M.dialogs)
        result.add(M.agent + agent)
        result.add(M.firstRatingSum, firstRating)
        if outcome == DialogOutcome.resolved.rawValue {
            result.add(M.resolved)
            result.add(M.agentResolved + agent)
        }
        if [ReviewStatus.published.rawValue, ReviewStatus.standby.rawValue].contains(reviewStatus) {
            result.add(M.standing)
            result.add(M.standingRatingSum, currentRating)
        }
        if let reply = firstShopReplyAt {
            let seconds = reply.timeIntervalSince(reviewSubmittedAt).rounded()
            result.duration(M.reply, seconds: seconds)
            result.duration(M.agentReply + agent, seconds: seconds)
            result.add(M.replied)
            result.add(M.replySeconds, Int(seconds))
        }
        return result
    }
}
