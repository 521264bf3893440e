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

    public init(id: String, receivedAt: Date, category: String, claimType: String, requestedRemedy: String? = nil,
                firstResponseAt: Date? = nil, closedAt: Date? = nil, decisionSentAt: Date? = nil,
                outcome: String? = nil, grantedRemedy: String? = nil, legalState: String = LegalState.open.rawValue,
                refundDueAt: Date? = nil, refundedAt: Date? = nil, surveySentAt: Date? = nil, surveyRating: Int? = nil,
                assigneeId: String? = nil, shopReplies: Int = 0, reopened: Int = 0) {
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

    /// Everything about the facts given; business hours from `calendar`, the term's days from `term`. One pass over
    /// the facts, counting in place (a period can hold 100,000 complaints).
    public static func build(facts: [ComplaintFact], term: Int, calendar: BusinessCalendar, repeats: RepeatComplaints?,
                             byProduct: [BreakdownRow] = [], now: Date) -> ComplaintReport {
        let schedule = schedule(for: facts, calendar: calendar, now: now)
        let zone = calendar.timeZone
        var responseHours: [Double] = [], responseBusiness: [Double] = []
        var resolutionHours: [Double] = [], resolutionBusiness: [Double] = []
        var decided = 0, accepted = 0, partial = 0, rejected = 0, late = 0, deemed = 0
        var byDay = [Int](repeating: 0, count: term + 1)
        var closed = 0, firstContact = 0, closedEver = 0, reopened = 0, refunds = 0, overdue = 0
        var sent = 0, ratings: [Int] = []
        var categories: [String: Int] = [:], claimTypes: [String: Int] = [:]
        var requested: [String: Int] = [:], granted: [String: Int] = [:]
        for fact in facts {
            let received = fact.receivedAt
            if let end = fact.firstResponseAt, end >= received {
                responseHours.append(end.timeIntervalSince(received) / 3600)
                responseBusiness.append(schedule.workingSeconds(from: received, to: end) / 3600)
            }
            if let end = fact.closedAt, end >= received {
                resolutionHours.append(end.timeIntervalSince(received) / 3600)
                resolutionBusiness.append(schedule.workingSeconds(from: received, to: end) / 3600)
            }
            if let outcome = fact.outcome {
                decided += 1
                switch outcome {
                case DecisionOutcome.accepted.rawValue: accepted += 1
                case DecisionOutcome.partiallyAccepted.rawValue: partial += 1
                case DecisionOutcome.rejected.rawValue: rejected += 1
                default: break
                }
                if outcome != DecisionOutcome.rejected.rawValue, let remedy = fact.grantedRemedy {
                    granted[remedy, default: 0] += 1
                    if remedy == Remedy.refund.rawValue { refunds += 1 }
                }
            }
            if let letter = fact.decisionSentAt {
                let day = localDay(letter, zone) - localDay(received, zone)
                if day > term || fact.deemedAccepted { late += 1 } else { byDay[max(day, 0)] += 1 }
            }
            if fact.deemedAccepted { deemed += 1 }
            if fact.closedAt != nil {
                closed += 1
                if fact.firstContactResolved { firstContact += 1 }
            }
            if fact.closedAt != nil || fact.reopened > 0 {
                closedEver += 1
                if fact.reopened > 0 { reopened += 1 }
            }
            if fact.refundedAt == nil, let due = fact.refundDueAt, due < now { overdue += 1 }
            if fact.surveySentAt != nil { sent += 1 }
            if let rating = fact.surveyRating { ratings.append(rating) }
            categories[fact.category, default: 0] += 1
            claimTypes[fact.claimType, default: 0] += 1
            if let remedy = fact.requestedRemedy { requested[remedy, default: 0] += 1 }
        }
        return ComplaintReport(
            received: facts.count,
            firstResponse: Durations(calendarHours: Spread(responseHours), businessHours: Spread(responseBusiness)),
            resolution: Durations(calendarHours: Spread(resolutionHours), businessHours: Spread(resolutionBusiness)),
            outcomes: Outcomes(decided: decided, accepted: Share(accepted, of: decided),
                               partiallyAccepted: Share(partial, of: decided), rejected: Share(rejected, of: decided)),
            answering: Answering(term: term, days: byDay.enumerated().map { DayCount(day: $0.offset, count: $0.element) },
                                 late: late, deemedAccepted: deemed),
            firstContactResolution: Share(firstContact, of: closed),
            reopened: Share(reopened, of: closedEver),
            repeats: repeats,
            byCategory: BreakdownRow.rows(categories),
            byClaimType: BreakdownRow.rows(claimTypes),
            byProduct: byProduct,
            remedies: Remedy.allCases.map {
                RemedyRow(remedy: $0.rawValue, requested: requested[$0.rawValue] ?? 0, granted: granted[$0.rawValue] ?? 0)
            },
            refunds: Refunds(decided: refunds, overdue: overdue),
            survey: Survey(average: meanRating(ratings), sent: sent, responses: Share(ratings.count, of: sent),
                           satisfied: Share(ratings.filter { $0 >= 4 }.count, of: ratings.count)))
    }

    /// The working intervals from the first receipt to now, computed once for every duration of the report.
    static func schedule(for facts: [ComplaintFact], calendar: BusinessCalendar, now: Date) -> WorkingSchedule {
        let first = facts.map(\.receivedAt).min() ?? now
        let last = facts.flatMap { [$0.firstResponseAt, $0.closedAt].compactMap { $0 } }.max() ?? now
        return WorkingSchedule(calendar: calendar, from: first.addingTimeInterval(-86_400), to: max(last, first))
    }

    /// Days since 1970-01-01 in the zone's local time: the difference of two is the number of local midnights
    /// between them, as the legal clock counts (a `Calendar` per complaint is too slow for 100,000 of them).
    static func localDay(_ date: Date, _ zone: TimeZone) -> Int {
        Int(((date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))) / 86_400).rounded(.down))
    }

    static func firstContactResolution(_ facts: [ComplaintFact]) -> Share {
        let closed = facts.filter { $0.closedAt != nil }
        return Share(closed.filter(\.firstContactResolved).count, of: closed.count)
    }

    static func survey(_ facts: [ComplaintFact]) -> Survey {
        let sent = facts.filter { $0.surveySentAt != nil }
        let ratings = facts.compactMap(\.surveyRating)
        return Survey(average: meanRating(ratings), sent: sent.count, responses: Share(ratings.count, of: sent.count),
                      satisfied: Share(ratings.filter { $0 >= 4 }.count, of: ratings.count))
    }

    /// Calendar hours from receipt to the first response, of those answered.
    static func firstResponseHours(_ facts: [ComplaintFact]) -> [Double] {
        facts.compactMap { fact in fact.firstResponseAt.map { $0.timeIntervalSince(fact.receivedAt) / 3600 } }
    }

    /// Per agent: complaints assigned, their median first response (calendar hours), decisions, mean survey rating.
    public static func agents(_ facts: [ComplaintFact]) -> [AgentRow] {
        let rows: [AgentRow] = Dictionary(grouping: facts) { $0.assigneeId ?? "" }.map { agent, facts in
            let decisions = facts.filter { $0.outcome != nil }.count
            return AgentRow(agentId: agent, handled: facts.count,
                            firstResponseMedianHours: Spread(firstResponseHours(facts)).median, decisions: decisions,
                            satisfaction: meanRating(facts.compactMap(\.surveyRating)))
        }
        return rows.sorted { $0.handled != $1.handled ? $0.handled > $1.handled : $0.agentId < $1.agentId }
    }

    /// One row per day, week or month of the period (the monthly table when grouped by month), by receipt.
    public static func rows(_ facts: [ComplaintFact], buckets: [ReportPeriod.Bucket]) -> [PeriodRow] {
        var grouped = [[ComplaintFact]](repeating: [], count: buckets.count)
        for fact in facts {
            if let index = ReportPeriod.bucketIndex(of: fact.receivedAt, in: buckets) { grouped[index].append(fact) }
        }
        return zip(buckets, grouped).map { bucket, facts in
            let hours = firstResponseHours(facts)
            return PeriodRow(
                key: bucket.key, received: facts.count,
                averageFirstResponseHours: hours.isEmpty ? nil : Spread.round(hours.reduce(0, +) / Double(hours.count)),
                firstContactResolution: firstContactResolution(facts), satisfied: survey(facts).satisfied,
                deemedAccepted: facts.filter(\.deemedAccepted).count)
        }
    }
}
