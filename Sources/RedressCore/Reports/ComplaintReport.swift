import Foundation

/// What a report needs to know of one complaint (merged duplicates are left out by the query).
public struct ComplaintFact: Sendable, Equatable {
    public var id: String
    public var receivedAt: Date
    public var category: String
    public var claimType: String
    public var requestedRemedy: String?
    public var firstResponseAt: Date?
    /// Set while the complaint is closed.
    public var closedAt: Date?
    /// When the SMTP server accepted the decision letter (the answer in the legal sense).
    public var decisionSentAt: Date?
    public var outcome: String?
    public var grantedRemedy: String?
    public var legalState: String
    public var refundDueAt: Date?
    public var refundedAt: Date?
    public var surveySentAt: Date?
    public var surveyRating: Int?
    public var assigneeId: String?
    /// Replies to the customer (internal notes not counted).
    public var shopReplies: Int
    /// How many times it was reopened after closing.
    public var reopened: Int
    /// The claimed products (each counts once).
    public var productIds: [String]

    public init(id: String, receivedAt: Date, category: String, claimType: String, requestedRemedy: String? = nil,
                firstResponseAt: Date? = nil, closedAt: Date? = nil, decisionSentAt: Date? = nil,
                outcome: String? = nil, grantedRemedy: String? = nil, legalState: String = LegalState.open.rawValue,
                refundDueAt: Date? = nil, refundedAt: Date? = nil, surveySentAt: Date? = nil, surveyRating: Int? = nil,
                assigneeId: String? = nil, shopReplies: Int = 0, reopened: Int = 0, productIds: [String] = []) {
        self.id = id
        self.receivedAt = receivedAt
        self.category = category
        self.claimType = claimType
        self.requestedRemedy = requestedRemedy
        self.firstResponseAt = firstResponseAt
        self.closedAt = closedAt
        self.decisionSentAt = decisionSentAt
        self.outcome = outcome
        self.grantedRemedy = grantedRemedy
        self.legalState = legalState
        self.refundDueAt = refundDueAt
        self.refundedAt = refundedAt
        self.surveySentAt = surveySentAt
        self.surveyRating = surveyRating
        self.assigneeId = assigneeId
        self.shopReplies = shopReplies
        self.reopened = reopened
        self.productIds = productIds
    }

    /// Contacts with the customer: every reply and the decision letter.
    var contacts: Int { shopReplies + (decisionSentAt == nil ? 0 : 1) }
    /// Closed after exactly one contact and never reopened.
    var firstContactResolved: Bool { closedAt != nil && contacts == 1 && reopened == 0 }
    var deemedAccepted: Bool { legalState == LegalState.deemedAccepted.rawValue }
}

/// Repeat complaints over the 12 months that end with the period, counted by the database.
public struct RepeatComplaints: Sendable, Equatable, Codable {
    /// Customers (by e-mail address) with two or more complaints.
    public var customers: Int
    /// Order lines (order and product) claimed in two or more complaints.
    public var orderLines: Int

    public init(customers: Int, orderLines: Int) {
        self.customers = customers
        self.orderLines = orderLines
    }
}

/// The complaints report of a period (issue 8): how many, how fast, how decided, on which day of the legal term,
/// what went wrong and with what, and how satisfied customers were.
public struct ComplaintReport: Sendable, Equatable, Codable {
    public struct Durations: Sendable, Equatable, Codable {
        public var calendarHours: Spread
        public var businessHours: Spread
    }

    public struct Outcomes: Sendable, Equatable, Codable {
        public var decided: Int
        public var accepted: Share
        public var partiallyAccepted: Share
        public var rejected: Share
    }

    public struct DayCount: Sendable, Equatable, Codable {
        public var day: Int
        public var count: Int
    }

    /// Answers by day of the legal term (0 = the day of receipt), answers after the term, and deemed acceptances
    /// (the goal is zero).
    public struct Answering: Sendable, Equatable, Codable {
        public var term: Int
        public var days: [DayCount]
        public var late: Int
        public var deemedAccepted: Int
    }

    public struct RemedyRow: Sendable, Equatable, Codable {
        public var remedy: String
        public var requested: Int
        public var granted: Int
    }

    public struct Refunds: Sendable, Equatable, Codable {
        public var decided: Int
        public var overdue: Int
    }

    public struct Survey: Sendable, Equatable, Codable {
        public var average: Double?
        public var sent: Int
        public var responses: Share
        /// Ratings of 4 or 5 among the answers.
        public var satisfied: Share
    }

    public var received: Int
    public var firstResponse: Durations
    public var resolution: Durations
    public var outcomes: Outcomes
    public var answering: Answering
    public var firstContactResolution: Share
    public var reopened: Share
    /// Nil for a comparison period (the figure looks back 12 months anyway).
    public var repeats: RepeatComplaints?
    public var byCategory: [BreakdownRow]
    public var byClaimType: [BreakdownRow]
    public var byProduct: [BreakdownRow]
    public var remedies: [RemedyRow]
    public var refunds: Refunds
    public var survey: Survey

    /// Per agent (by assignee; `""` for unassigned complaints).
    public struct AgentRow: Sendable, Equatable, Codable {
        public var agentId: String
        public var handled: Int
        public var firstResponseMedianHours: Double?
        public var decisions: Int
        public var satisfaction: Double?
    }

    /// A row of the monthly table shops keep, or of a day/week/month series.
    public struct PeriodRow: Sendable, Equatable, Codable {
        public var key: String
        public var received: Int
        public var averageFirstResponseHours: Double?
        public var firstContactResolution: Share
        public var satisfied: Share
        public var deemedAccepted: Int
    }

    /// The counters, series and durations of the report (`c.` metrics).
    public enum Metric {
        public static let received = "c.received", responded = "c.responded", responseSeconds = "c.response_seconds"
        public static let closed = "c.closed", firstContact = "c.fcr", closedEver = "c.closed_ever"
        public static let reopened = "c.reopened", decided = "c.decided", refund = "c.refund", deemed = "c.deemed"
        public static let answeredDeemed = "c.answered_deemed", surveySent = "c.survey_sent", rated = "c.rated"
        public static let ratingSum = "c.rating_sum", satisfied = "c.satisfied"
        public static let category = "c.category:", claimType = "c.claim:", requested = "c.requested:"
        public static let granted = "c.granted:", outcome = "c.outcome:", answered = "c.answered:"
        public static let product = "c.product:", agent = "c.agent:", agentDecided = "c.agent_decided:"
        public static let agentRated = "c.agent_rated:", agentRatingSum = "c.agent_rating_sum:"
        public static let firstResponse = "c.first_response", firstResponseBusiness = "c.first_response_business"
        public static let resolution = "c.resolution", resolutionBusiness = "c.resolution_business"
        /// The first response of one agent's complaints (`c.first_response@` + agent id).
        public static let agentFirstResponse = "c.first_response@"
        /// What the day/week/month rows need per day.
        public static let series: Set<String> = [received, responded, responseSeconds, closed, firstContact, rated,
                                                 satisfied, deemed]
        public static let durations = [firstResponse, firstResponseBusiness, resolution, resolutionBusiness]
    }

    /// Everything about the facts given, through the same roll-up the database keeps (the reference for tests and
    /// for the recount); business hours from `calendar`, the term's days from `term`.
    public static func build(facts: [ComplaintFact], term: Int, calendar: BusinessCalendar, repeats: RepeatComplaints?,
                             byProduct: [BreakdownRow]? = nil, now: Date) -> ComplaintReport {
        let rollup = rollup(facts, calendar: calendar)
        let overdue = facts.filter { $0.refundedAt == nil && ($0.refundDueAt.map { $0 < now } ?? false) }.count
        return build(rollup: rollup, term: term, repeats: repeats, refundsOverdue: overdue,
                     byProduct: byProduct ?? BreakdownRow.rows(rollup.keyed(Metric.product)))
    }

    /// The facts' contributions summed in memory.
    public static func rollup(_ facts: [ComplaintFact], calendar: BusinessCalendar) -> ReportRollup {
        let schedule = schedule(for: facts, calendar: calendar)
        return ReportRollup(facts.map { $0.contribution(timeZone: calendar.timeZone, schedule: schedule) },
                            series: Metric.series)
    }

    /// The report from summed counters: `refundsOverdue` depends on the moment and is counted apart; product
    /// rows come with their names.
    public static func build(rollup: ReportRollup, term: Int, repeats: RepeatComplaints?, refundsOverdue: Int,
                             byProduct: [BreakdownRow]) -> ComplaintReport {
        let total = rollup.total
        let answered = rollup.keyed(Metric.answered)
        var byDay = [Int](repeating: 0, count: term + 1)
        var late = total(Metric.answeredDeemed)
        for (key, count) in answered {
            guard let day = Int(key) else { continue }
            if day > term { late += count } else { byDay[max(day, 0)] += count }
        }
        let decided = total(Metric.decided)
        let requested = rollup.keyed(Metric.requested), granted = rollup.keyed(Metric.granted)
        let rated = total(Metric.rated)
        return ComplaintReport(
            received: total(Metric.received),
            firstResponse: Durations(calendarHours: rollup.spread(Metric.firstResponse),
                                     businessHours: rollup.spread(Metric.firstResponseBusiness)),
            resolution: Durations(calendarHours: rollup.spread(Metric.resolution),
                                  businessHours: rollup.spread(Metric.resolutionBusiness)),
            outcomes: Outcomes(decided: decided,
                               accepted: Share(total(Metric.outcome + DecisionOutcome.accepted.rawValue), of: decided),
                               partiallyAccepted: Share(total(Metric.outcome + DecisionOutcome.partiallyAccepted.rawValue),
                                                        of: decided),
                               rejected: Share(total(Metric.outcome + DecisionOutcome.rejected.rawValue), of: decided)),
            answering: Answering(term: term, days: byDay.enumerated().map { DayCount(day: $0.offset, count: $0.element) },
                                 late: late, deemedAccepted: total(Metric.deemed)),
            firstContactResolution: Share(total(Metric.firstContact), of: total(Metric.closed)),
            reopened: Share(total(Metric.reopened), of: total(Metric.closedEver)),
            repeats: repeats,
            byCategory: BreakdownRow.rows(rollup.keyed(Metric.category)),
            byClaimType: BreakdownRow.rows(rollup.keyed(Metric.claimType)),
            byProduct: byProduct,
            remedies: Remedy.allCases.map {
                RemedyRow(remedy: $0.rawValue, requested: requested[$0.rawValue] ?? 0, granted: granted[$0.rawValue] ?? 0)
            },
            refunds: Refunds(decided: total(Metric.refund), overdue: refundsOverdue),
            survey: Survey(average: meanRating(sum: total(Metric.ratingSum), count: rated), sent: total(Metric.surveySent),
                           responses: Share(rated, of: total(Metric.surveySent)),
                           satisfied: Share(total(Metric.satisfied), of: rated)))
    }

    /// The working intervals from the first receipt to the last answer, computed once for every duration.
    public static func schedule(for facts: [ComplaintFact], calendar: BusinessCalendar) -> WorkingSchedule {
        let first = facts.map(\.receivedAt).min() ?? Date(timeIntervalSince1970: 0)
        let last = facts.flatMap { [$0.firstResponseAt, $0.closedAt].compactMap { $0 } }.max() ?? first
        return WorkingSchedule(calendar: calendar, from: first.addingTimeInterval(-86_400), to: max(last, first))
    }

    /// Days since 1970-01-01 in the zone's local time: the difference of two is the number of local midnights
    /// between them, as the legal clock counts (a `Calendar` per complaint is too slow for 100,000 of them).
    public static func localDay(_ date: Date, _ zone: TimeZone) -> Int {
        Int(((date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))) / 86_400).rounded(.down))
    }

    /// Per agent (`""` unassigned): complaints assigned, their median first response (calendar hours), decisions,
    /// mean survey rating; the busiest first.
    public static func agents(_ rollup: ReportRollup) -> [AgentRow] {
        let handled = rollup.keyed(Metric.agent), decided = rollup.keyed(Metric.agentDecided)
        let rated = rollup.keyed(Metric.agentRated), sums = rollup.keyed(Metric.agentRatingSum)
        return handled.map { agent, count in
            AgentRow(agentId: agent, handled: count,
                     firstResponseMedianHours: rollup.spread(Metric.agentFirstResponse + agent).median,
                     decisions: decided[agent] ?? 0, satisfaction: meanRating(sum: sums[agent] ?? 0, count: rated[agent] ?? 0))
        }
        .sorted { $0.handled != $1.handled ? $0.handled > $1.handled : $0.agentId < $1.agentId }
    }

    /// One row per day, week or month of the period (the monthly table when grouped by month), by receipt.
    public static func rows(_ rollup: ReportRollup, buckets: [ReportPeriod.Bucket], timeZone: TimeZone) -> [PeriodRow] {
        zip(buckets, rollup.buckets(buckets, timeZone: timeZone)).map { bucket, sums in
            PeriodRow(
                key: bucket.key, received: sums[Metric.received] ?? 0,
                averageFirstResponseHours: averageHours(seconds: sums[Metric.responseSeconds] ?? 0,
                                                        count: sums[Metric.responded] ?? 0),
                firstContactResolution: Share(sums[Metric.firstContact] ?? 0, of: sums[Metric.closed] ?? 0),
                satisfied: Share(sums[Metric.satisfied] ?? 0, of: sums[Metric.rated] ?? 0),
                deemedAccepted: sums[Metric.deemed] ?? 0)
        }
    }
}

extension ComplaintFact {
    /// What this complaint adds to the report counters of its day of receipt (in `timeZone`); business hours from
    /// `schedule`, which must span from the day before receipt to the last answer.
    public func contribution(timeZone zone: TimeZone, schedule: WorkingSchedule) -> ReportContribution {
        typealias M = ComplaintReport.Metric
        var result = ReportContribution(day: ComplaintReport.localDay(receivedAt, zone))
        result.add(M.received)
        result.add(M.category + category)
        result.add(M.claimType + claimType)
        if let requestedRemedy { result.add(M.requested + requestedRemedy) }
        let agent = assigneeId ?? ""
        result.add(M.agent + agent)
        if let end = firstResponseAt, end >= receivedAt {
            let seconds = end.timeIntervalSince(receivedAt).rounded()
            result.duration(M.firstResponse, seconds: seconds)
            result.duration(M.firstResponseBusiness, seconds: schedule.workingSeconds(from: receivedAt, to: end))
            result.duration(M.agentFirstResponse + agent, seconds: seconds)
            result.add(M.responded)
            result.add(M.responseSeconds, Int(seconds))
        }
        if let end = closedAt, end >= receivedAt {
            result.duration(M.resolution, seconds: end.timeIntervalSince(receivedAt))
            result.duration(M.resolutionBusiness, seconds: schedule.workingSeconds(from: receivedAt, to: end))
        }
        if let outcome {
            result.add(M.decided)
            result.add(M.agentDecided + agent)
            result.add(M.outcome + outcome)
            if outcome != DecisionOutcome.rejected.rawValue, let grantedRemedy {
                result.add(M.granted + grantedRemedy)
                if grantedRemedy == Remedy.refund.rawValue { result.add(M.refund) }
            }
        }
        if let letter = decisionSentAt {
            if deemedAccepted {
                result.add(M.answeredDeemed)
            } else {
                result.add(M.answered + String(ComplaintReport.localDay(letter, zone) - ComplaintReport.localDay(receivedAt, zone)))
            }
        }
        if deemedAccepted { result.add(M.deemed) }
        if closedAt != nil {
            result.add(M.closed)
            if firstContactResolved { result.add(M.firstContact) }
        }
        if closedAt != nil || reopened > 0 {
            result.add(M.closedEver)
            if reopened > 0 { result.add(M.reopened) }
        }
        if surveySentAt != nil { result.add(M.surveySent) }
        if let surveyRating {
            result.add(M.rated)
            result.add(M.ratingSum, surveyRating)
            if surveyRating >= 4 { result.add(M.satisfied) }
            result.add(M.agentRated + agent)
            result.add(M.agentRatingSum + agent, surveyRating)
        }
        for product in Set(productIds) { result.add(M.product + product) }
        return result
    }
}
