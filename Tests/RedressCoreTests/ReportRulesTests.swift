import Foundation
import Testing

@testable import RedressCore

private func local(_ text: String, _ zone: TimeZone = warsaw) -> Date { LegalClockTests().local(text, zone) }

@Suite("Reports: periods and buckets")
struct ReportPeriodTests {
    let now = local("2026-11-23 15:00")

    @Test("default: the last 30 days with today, compared with the 30 days before")
    func defaultPeriod() throws {
        let period = try ReportPeriod.resolve(preset: nil, from: nil, to: nil, now: now, timeZone: warsaw)
        #expect(period.preset == .last30Days)
        #expect((period.from, period.to, period.days) == ("2026-10-25", "2026-11-23", 30))
        #expect(period.start == local("2026-10-25 00:00") && period.end == local("2026-11-24 00:00"))
        let previous = period.previous
        #expect((previous.from, previous.to, previous.days) == ("2026-09-25", "2026-10-24", 30))
        #expect(previous.end == period.start)
        // 25 October 2026 has 25 hours in Warsaw (summer time ends): local midnights, not 24-hour steps.
        #expect(period.end.timeIntervalSince(period.start) == 30 * 86_400 + 3600)
    }

    @Test("presets of 3 and 12 months, and custom dates in the shop's zone")
    func presetsAndCustom() throws {
        let three = try ReportPeriod.resolve(preset: "3m", from: "2020-01-01", to: nil, now: now, timeZone: warsaw)
        #expect((three.from, three.to, three.preset) == ("2026-08-24", "2026-11-23", .last3Months))
        let year = try ReportPeriod.resolve(preset: "12m", from: nil, to: nil, now: now, timeZone: warsaw)
        #expect((year.from, year.to, year.days) == ("2025-11-24", "2026-11-23", 365))
        let custom = try ReportPeriod.resolve(preset: nil, from: "2026-02-01", to: "2026-02-28", now: now,
                                              timeZone: TimeZone(identifier: "America/New_York")!)
        #expect((custom.preset, custom.days) == (.custom, 28))
        #expect(custom.start == local("2026-02-01 00:00", TimeZone(identifier: "America/New_York")!))
        #expect(custom.previous.from == "2026-01-04" && custom.previous.to == "2026-01-31")
        let onlyFrom = try ReportPeriod.resolve(preset: "custom", from: "2026-11-01", to: "", now: now, timeZone: warsaw)
        #expect((onlyFrom.from, onlyFrom.to) == ("2026-11-01", "2026-11-23"))
    }

    @Test("bad input is refused with the field and a clear message", arguments: [
        ("week", nil, nil, "preset"), (nil, "2026-02-30", nil, "from"), (nil, "1.2.2026", nil, "from"),
        (nil, nil, "2026-13-01", "to"), (nil, "2026-11-20", "2026-11-19", "to"), (nil, "2020-01-01", "2026-01-01", "from"),
    ] as [(String?, String?, String?, String)])
    func badInput(preset: String?, from: String?, to: String?, field: String) {
        #expect {
            _ = try ReportPeriod.resolve(preset: preset, from: from, to: to, now: now, timeZone: warsaw)
        } throws: { error in
            (error as? ValidationErrors)?.fields[field] != nil
        }
    }

    @Test("days, ISO weeks (Monday first) and months cut at the period's edges; binary search finds each")
    func buckets() throws {
        let period = try ReportPeriod.resolve(preset: nil, from: "2026-10-01", to: "2026-11-03", now: now, timeZone: warsaw)
        let days = period.buckets(.day)
        #expect(days.count == 34 && days.first?.key == "2026-10-01" && days.last?.key == "2026-11-03")
        #expect(days[24].key == "2026-10-25" && days[24].end.timeIntervalSince(days[24].start) == 25 * 3600)
        let weeks = period.buckets(.week)
        #expect(weeks.map(\.key) == ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45"])
        #expect(weeks[0].start == local("2026-10-01 00:00") && weeks[0].end == local("2026-10-05 00:00"))
        #expect(weeks[5].end == local("2026-11-04 00:00"))
        let months = period.buckets(.month)
        #expect(months.map(\.key) == ["2026-10", "2026-11"])
        #expect(months[1].start == local("2026-11-01 00:00"))
        #expect(ReportPeriod.bucketIndex(of: local("2026-10-25 23:30"), in: days) == 24)
        #expect(ReportPeriod.bucketIndex(of: local("2026-11-02 00:00"), in: weeks) == 5)
        #expect(ReportPeriod.bucketIndex(of: local("2026-09-30 23:59"), in: months) == nil)
        #expect(ReportPeriod.bucketIndex(of: local("2026-11-04 00:00"), in: months) == nil)
        // A year-end week belongs to the ISO year of its Thursday.
        let newYear = try ReportPeriod.resolve(preset: nil, from: "2026-12-28", to: "2027-01-04", now: now, timeZone: warsaw)
        #expect(newYear.buckets(.week).map(\.key) == ["2026-W53", "2027-W01"])
    }
}

@Suite("Reports: medians, percentiles, shares")
struct ReportStatisticsTests {
    @Test("median of odd and even counts, nearest-rank 90th percentile, empty sets")
    func spread() {
        #expect(Spread([3, 1, 2]) == Spread(count: 3, median: 2, p90: 3))
        #expect(Spread([4, 1, 3, 2]) == Spread(count: 4, median: 2.5, p90: 4))
        #expect(Spread(Array(1...10).map(Double.init)) == Spread(count: 10, median: 5.5, p90: 9))
        #expect(Spread(Array(1...11).map(Double.init)).p90 == 10)
        #expect(Spread([7]) == Spread(count: 1, median: 7, p90: 7))
        #expect(Spread([]) == Spread(count: 0, median: nil, p90: nil))
        #expect(Spread([1.0 / 3]).median == 0.33)
    }

    @Test("shares with one decimal, none of nothing; means of ratings")
    func shares() {
        #expect(Share(1, of: 3).percent == 33.3)
        #expect(Share(2, of: 3).percent == 66.7)
        #expect(Share(0, of: 0).percent == nil)
        #expect(meanRating(sum: 5 + 2, count: 2) == 3.5)
        #expect(meanRating(sum: 0, count: 0) == nil)
    }
}

@Suite("Reports: complaints and mediation from facts")
struct ReportBuildTests {
    let calendar = BusinessCalendar(timeZone: warsaw)
    let now = local("2026-11-02 10:00")

    /// Five complaints of October 2026 (summer time ends on the 25th), worked out by hand in the comments.
    var facts: [ComplaintFact] {
        [
            // Thu 10:00 → reply 14:00 (4 h, 4 business h); decided day 1; closed Mon 10:00 (96 h; 7 + 8 + 1 = 16 business h).
            ComplaintFact(id: "c1", receivedAt: local("2026-10-01 10:00"), category: "defective", claimType: "non_conformity",
                          requestedRemedy: "refund", firstResponseAt: local("2026-10-01 14:00"),
                          closedAt: local("2026-10-05 10:00"), decisionSentAt: local("2026-10-02 12:00"), outcome: "accepted",
                          grantedRemedy: "refund", legalState: "answered", refundDueAt: local("2026-10-16 12:00"),
                          surveySentAt: local("2026-10-05 10:00"), surveyRating: 5, assigneeId: "a", shopReplies: 1),
            // Fri 16:00 → Mon 10:00 (66 h; 1 + 1 = 2 business h); decided day 3 (rejected); closed Tue 09:00 (89 h; 9 business h).
            ComplaintFact(id: "c2", receivedAt: local("2026-10-02 16:00"), category: "damaged_in_transit",
                          claimType: "non_conformity", requestedRemedy: "replacement", firstResponseAt: local("2026-10-05 10:00"),
                          closedAt: local("2026-10-06 09:00"), decisionSentAt: local("2026-10-05 10:00"), outcome: "rejected",
                          legalState: "answered", surveySentAt: local("2026-10-06 09:00"), surveyRating: 2, assigneeId: "a"),
            // No answer: deemed accepted.
            ComplaintFact(id: "c3", receivedAt: local("2026-10-14 09:00"), category: "defective", claimType: "guarantee",
                          requestedRemedy: "repair", legalState: "deemed_accepted", assigneeId: "b"),
            // Mon (winter time) 08:00 → 10:30 (2.5 h; 1.5 business h); partial on day 1; reopened once, closed Tue 13:00
            // (29 h; 8 + 4 = 12 business h); one reply and the letter: not first-contact.
            ComplaintFact(id: "c4", receivedAt: local("2026-10-26 08:00"), category: "wrong_item", claimType: "non_conformity",
                          requestedRemedy: "refund", firstResponseAt: local("2026-10-26 10:30"),
                          closedAt: local("2026-10-27 13:00"), decisionSentAt: local("2026-10-27 12:00"),
                          outcome: "partially_accepted", grantedRemedy: "price_reduction", legalState: "answered",
                          refundDueAt: nil, surveySentAt: local("2026-10-27 13:00"), shopReplies: 1, reopened: 1),
            ComplaintFact(id: "c5", receivedAt: local("2026-10-31 12:00"), category: "defective", claimType: "other",
                          assigneeId: "b"),
        ]
    }

    @Test("every complaint figure, hand-computed (business hours Mon–Fri 9–17, across the DST change)")
    func complaintReport() {
        let report = ComplaintReport.build(facts: facts, term: 14, calendar: calendar,
                                           repeats: RepeatComplaints(customers: 1, orderLines: 1), now: now)
        #expect(report.received == 5)
        #expect(report.firstResponse.calendarHours == Spread(count: 3, median: 4, p90: 66))
        #expect(report.firstResponse.businessHours == Spread(count: 3, median: 2, p90: 4))
        #expect(report.resolution.calendarHours == Spread(count: 3, median: 89, p90: 96))
        #expect(report.resolution.businessHours == Spread(count: 3, median: 12, p90: 16))
        #expect(report.outcomes.decided == 3)
        #expect([report.outcomes.accepted, report.outcomes.partiallyAccepted, report.outcomes.rejected].map(\.percent)
                == [33.3, 33.3, 33.3])
        var expectedDays = [Int](repeating: 0, count: 15)
        expectedDays[1] = 2
        expectedDays[3] = 1
        #expect(report.answering.days.map(\.count) == expectedDays)
        #expect(report.answering.late == 0 && report.answering.deemedAccepted == 1)
        #expect(report.firstContactResolution == Share(1, of: 3))
        #expect(report.reopened == Share(1, of: 3))
        #expect(report.byCategory.map { "\($0.key)=\($0.count)" } == ["defective=3", "damaged_in_transit=1", "wrong_item=1"])
        #expect(report.byClaimType.map { "\($0.key)=\($0.count)" } == ["non_conformity=3", "guarantee=1", "other=1"])
        #expect(report.remedies.map { "\($0.remedy) \($0.requested)/\($0.granted)" }
                == ["repair 1/0", "replacement 1/0", "price_reduction 0/1", "refund 2/1"])
        #expect(report.refunds == ComplaintReport.Refunds(decided: 1, overdue: 1))
        #expect(report.survey.average == 3.5 && report.survey.sent == 3)
        #expect(report.survey.responses == Share(2, of: 3) && report.survey.satisfied == Share(1, of: 2))
    }

    @Test("a decision after the term or after deemed acceptance counts as late; the day of receipt is day 0")
    func lateAnswers() {
        let received = local("2026-03-03 23:30")
        let facts = [
            ComplaintFact(id: "same-day", receivedAt: received, category: "other", claimType: "other",
                          decisionSentAt: local("2026-03-03 23:59"), outcome: "accepted"),
            ComplaintFact(id: "day-14", receivedAt: received, category: "other", claimType: "other",
                          decisionSentAt: local("2026-03-17 23:59"), outcome: "accepted"),
            ComplaintFact(id: "late", receivedAt: received, category: "other", claimType: "other",
                          decisionSentAt: local("2026-03-18 00:01"), outcome: "accepted", legalState: "deemed_accepted"),
        ]
        let answering = ComplaintReport.build(facts: facts, term: 14, calendar: calendar,
                                              repeats: RepeatComplaints(customers: 0, orderLines: 0), now: now).answering
        #expect(answering.days[0].count == 1 && answering.days[14].count == 1)
        #expect(answering.late == 1 && answering.deemedAccepted == 1)
    }

    @Test("per agent and per month (the table shops keep)")
    func agentsAndMonths() throws {
        let agents = ComplaintReport.agents(ComplaintReport.rollup(facts, calendar: calendar))
        #expect(agents.map(\.agentId) == ["a", "b", ""])
        #expect(agents[0] == ComplaintReport.AgentRow(agentId: "a", handled: 2, firstResponseMedianHours: 35, decisions: 2,
                                                       satisfaction: 3.5))
        #expect(agents[1] == ComplaintReport.AgentRow(agentId: "b", handled: 2, firstResponseMedianHours: nil, decisions: 0,
                                                       satisfaction: nil))
        #expect(agents[2].handled == 1 && agents[2].firstResponseMedianHours == 2.5)
        let period = try ReportPeriod.resolve(preset: nil, from: "2026-09-01", to: "2026-10-31", now: now, timeZone: warsaw)
        let months = ComplaintReport.rows(ComplaintReport.rollup(facts, calendar: calendar), buckets: period.buckets(.month),
                                          timeZone: warsaw)
        #expect(months.map(\.key) == ["2026-09", "2026-10"])
        #expect(months[0].received == 0 && months[0].averageFirstResponseHours == nil)
        #expect(months[1] == ComplaintReport.PeriodRow(
            key: "2026-10", received: 5, averageFirstResponseHours: 24.17, firstContactResolution: Share(1, of: 3),
            satisfied: Share(1, of: 2), deemedAccepted: 1))
    }

    @Test("mediation: stars, holds, dialogs, replies, ratings before and after, publication routes")
    func mediationReport() {
        let counts = [
            ReviewCount(rating: 5, held: false, publishedVia: "immediate", status: "published", count: 10),
            ReviewCount(rating: 2, held: true, publishedVia: "day7", status: "published", count: 3),
            ReviewCount(rating: 4, held: true, publishedVia: "day14", status: "published", count: 1),
            ReviewCount(rating: 3, held: true, publishedVia: "publish_now", status: "published", count: 2),
            ReviewCount(rating: 1, held: true, publishedVia: nil, status: "standby", count: 2),
            ReviewCount(rating: 1, held: true, publishedVia: nil, status: "withdrawn", count: 2),
        ]
        let submitted = local("2026-11-02 10:00")
        let dialogs = [
            DialogFact(reviewSubmittedAt: submitted, firstShopReplyAt: submitted.addingTimeInterval(2 * 3600),
                       outcome: "resolved", firstRating: 1, currentRating: 1, reviewStatus: "withdrawn", openedBy: "a"),
            DialogFact(reviewSubmittedAt: submitted, firstShopReplyAt: submitted.addingTimeInterval(6 * 3600),
                       outcome: "closed_by_shop", firstRating: 2, currentRating: 4, reviewStatus: "published", openedBy: "a"),
            DialogFact(reviewSubmittedAt: submitted, firstShopReplyAt: nil, outcome: nil, firstRating: 1, currentRating: 1,
                       reviewStatus: "standby", openedBy: nil),
        ]
        let report = MediationReport.build(counts: counts, dialogs: dialogs,
                                           profile: ProfileCounts(changedAfterDialog: 1, withdrawn: 2,
                                                                  withdrawnAfterCompensation: 1))
        #expect(report.reviews == 20)
        #expect(report.byStars.map(\.count) == [4, 3, 2, 1, 10])
        #expect(report.held == Share(10, of: 20))
        #expect(report.dialogs == Share(3, of: 10))
        #expect(report.firstShopReplyHours == Spread(count: 2, median: 4, p90: 6))
        #expect(report.resolvedByCustomer == Share(1, of: 3))
        #expect(report.ratingBefore == 1.33 && report.ratingAfter == 2.5)
        #expect(report.publication == MediationReport.Publication(day7: 3, day14: 1, publishNow: 2, stillHeld: 2,
                                                                  notPublished: 2))
        let agents = MediationReport.agents(MediationReport.rollup(dialogs, timeZone: warsaw))
        #expect(agents.map(\.key) == ["a", ""])
        #expect(agents[0].dialogs == 2 && agents[0].resolvedByCustomer == 1 && agents[0].firstShopReplyMedianHours == 4)
    }
}

@Suite("Reports: daily roll-ups")
struct ReportRollupTests {
    let warsaw = TimeZone(identifier: "Europe/Warsaw")!

    @Test("the spread read at ranks equals the spread of all values, for every count from 0 to 60")
    func spreadAtRanks() {
        var generator = SystemRandomNumberGenerator()
        for count in 0...60 {
            let seconds = (0..<count).map { _ in Double(Int.random(in: 0...2_000_000, using: &generator)) }
            let sorted = seconds.sorted()
            #expect(Spread(count: count) { sorted[$0] } == Spread(seconds.map { $0 / 3600 }), "count \(count)")
        }
        #expect(Spread.ranks(count: 0) == nil)
        #expect(Spread.ranks(count: 1)! == ([0], 0))
        #expect(Spread.ranks(count: 10)! == ([4, 5], 8))
    }

    @Test("deltas: a subject appears, changes day and figures, and leaves; durations are counted for all days too")
    func deltas() throws {
        let first = ReportContribution(day: 20_000, counts: ["c.received": 1, "c.category:a": 1, "#c.reply": 1],
                                       durations: ["c.reply": 60])
        var moved = first
        moved.day = 20_001
        moved.counts["c.category:a"] = nil
        moved.counts["c.category:b"] = 1
        let appear = ReportContribution.deltas(from: nil, to: first)
        #expect(appear.map { "\($0.day) \($0.metric) \($0.value)" }
                == ["-1 #c.reply 1", "20000 #c.reply 1", "20000 c.category:a 1", "20000 c.received 1"])
        let change = ReportContribution.deltas(from: first, to: moved)
        #expect(change.map { "\($0.day) \($0.metric) \($0.value)" } == [
            "20000 #c.reply -1", "20000 c.category:a -1", "20000 c.received -1",
            "20001 #c.reply 1", "20001 c.category:b 1", "20001 c.received 1",
        ])
        #expect(ReportContribution.deltas(from: moved, to: moved).isEmpty)
        let leave = ReportContribution.deltas(from: moved, to: nil)
        #expect(leave.allSatisfy { $0.value == -1 } && leave.count == 4)
        #expect(ReportContribution.decode(moved.encoded()) == moved)
        #expect(ReportContribution.decode("not json") == nil)
        #expect(["#c.reply", "c.product:P.1", "d.dialogs", "r.product_rating_sum:x.y"].map(ReportContribution.family)
                == ["c", "c", "d", "r"])
    }

    @Test("a complaint's contribution: day of receipt in the shop's zone, day of the term, agent figures")
    func complaintContribution() throws {
        let received = try #require(ISO8601DateFormatter().date(from: "2026-10-31T23:30:00Z"))  // 1 November in Warsaw
        let fact = ComplaintFact(id: "c", receivedAt: received, category: "defective", claimType: "guarantee",
                                 requestedRemedy: "repair", firstResponseAt: received.addingTimeInterval(5400),
                                 decisionSentAt: received.addingTimeInterval(3 * 86_400), outcome: "accepted",
                                 grantedRemedy: "refund", legalState: "answered", surveyRating: 4, assigneeId: "ag",
                                 productIds: ["P1", "P1", "P2"])
        let schedule = ComplaintReport.schedule(for: [fact], calendar: BusinessCalendar(timeZone: warsaw))
        let contribution = fact.contribution(timeZone: warsaw, schedule: schedule)
        #expect(contribution.day == ComplaintReport.localDay(received, warsaw))
        #expect(contribution.day == 20_758)  // 2026-11-01 is 20,758 days after 1970-01-01
        let c = contribution.counts
        #expect(c["c.answered:3"] == 1 && c["c.refund"] == 1 && c["c.granted:refund"] == 1)
        #expect(c["c.product:P1"] == 1 && c["c.product:P2"] == 1)
        #expect(c["c.agent:ag"] == 1 && c["c.agent_decided:ag"] == 1 && c["c.agent_rating_sum:ag"] == 4)
        #expect(c["c.satisfied"] == 1 && c["c.rated"] == 1 && c["c.response_seconds"] == 5400)
        #expect(contribution.durations == ["c.first_response": 5400, "c.first_response_business": 0,
                                           "c.first_response@ag": 5400])
        #expect(c["#c.first_response"] == 1 && c["#c.first_response@ag"] == 1)
    }
}
