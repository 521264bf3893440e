import Foundation
import Testing

@testable import RedressCore

@Suite("C2 the legal clock")
struct LegalClockTests {
    let warsaw = TimeZone(identifier: "Europe/Warsaw")!
    let clock = LegalClock()

    func local(_ text: String, _ zone: TimeZone) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    @Test("the day of receipt is not counted; due at the end of the 14th day, whatever the hour of receipt")
    func dayOfReceiptNotCounted() {
        for hour in ["00:01", "09:30", "23:59"] {
            let due = clock.answerDue(receivedAt: local("2026-03-03 \(hour)", warsaw), timeZone: warsaw)
            #expect(due == local("2026-03-18 00:00", warsaw), "received 3 March \(hour): the 14th day is 17 March")
        }
        #expect(clock.lastDay(receivedAt: local("2026-03-03 10:00", warsaw), timeZone: warsaw)
                == local("2026-03-17 00:00", warsaw))
    }

    @Test("a 14th day on a Sunday is not moved to Monday (the reading that is never late)")
    func sundayIsNotExtended() {
        // Received Sunday 1 November 2026 → 14th day Sunday 15 November.
        let due = clock.answerDue(receivedAt: local("2026-11-01 12:00", warsaw), timeZone: warsaw)
        #expect(due == local("2026-11-16 00:00", warsaw))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = warsaw
        #expect(calendar.component(.weekday, from: due.addingTimeInterval(-1)) == 1, "the last second is on a Sunday")
    }

    @Test("exact across daylight saving: the term counts calendar days, not 24-hour blocks")
    func daylightSaving() {
        // Spring forward on 29 March 2026 and fall back on 25 October 2026 in Warsaw.
        let spring = clock.answerDue(receivedAt: local("2026-03-20 15:00", warsaw), timeZone: warsaw)
        #expect(spring == local("2026-04-04 00:00", warsaw))
        let autumn = clock.answerDue(receivedAt: local("2026-10-20 15:00", warsaw), timeZone: warsaw)
        #expect(autumn == local("2026-11-04 00:00", warsaw))
        #expect(autumn.timeIntervalSince(local("2026-10-21 00:00", warsaw)) == 14 * 86_400 + 3600)
    }

    @Test("the shop's time zone decides the day: late evening in New York is already tomorrow in Warsaw")
    func timeZones() {
        let newYork = TimeZone(identifier: "America/New_York")!
        let received = local("2026-06-10 20:00", newYork)  // 02:00 on 11 June in Warsaw
        #expect(clock.answerDue(receivedAt: received, timeZone: warsaw) == local("2026-06-26 00:00", warsaw))
        #expect(clock.answerDue(receivedAt: received, timeZone: newYork) == local("2026-06-25 00:00", newYork))
    }

    @Test("warnings at 09:00 on days 7, 10 and 12; none before the receipt; the term is configurable")
    func warnings() {
        let received = local("2026-03-03 10:00", warsaw)
        let warnings = clock.warnings(receivedAt: received, timeZone: warsaw)
        #expect(warnings.map(\.day) == [7, 10, 12])
        #expect(warnings.map(\.at) == [local("2026-03-10 09:00", warsaw), local("2026-03-13 09:00", warsaw),
                                       local("2026-03-15 09:00", warsaw)])
        let short = LegalClock(days: 5, warningDays: [3], warningHour: 8)
        #expect(short.answerDue(receivedAt: received, timeZone: warsaw) == local("2026-03-09 00:00", warsaw))
        #expect(clock.dayOfTerm(receivedAt: received, now: local("2026-03-17 23:59", warsaw), timeZone: warsaw) == 14)
        #expect(clock.dayOfTerm(receivedAt: received, now: local("2026-03-03 23:59", warsaw), timeZone: warsaw) == 0)
    }
}

@Suite("C3 the SLA clock in business hours")
struct SLAClockTests {
    let warsaw = TimeZone(identifier: "Europe/Warsaw")!
    var calendar: BusinessCalendar { BusinessCalendar(timeZone: warsaw, holidays: BusinessCalendar.polishHolidays(2026)) }

    func local(_ text: String) -> Date { LegalClockTests().local(text, warsaw) }

    @Test func polishHolidays() {
        let days = BusinessCalendar.polishHolidays(2026)
        #expect(days.contains("2026-04-05") && days.contains("2026-04-06"), "Easter 2026 is on 5 April")
        #expect(days.contains("2026-06-04"), "Corpus Christi")
        #expect(days.contains("2026-11-11") && days.contains("2026-12-24"))
        #expect(!days.contains("2026-04-07"))
    }

    @Test func workingSecondsSkipNightsWeekendsAndHolidays() {
        // Friday 16:00 → Monday 10:00: one hour on Friday, one on Monday.
        #expect(calendar.workingSeconds(from: local("2026-11-06 16:00"), to: local("2026-11-09 10:00")) == 2 * 3600)
        // Tuesday 10 November 16:00 → Thursday 12 November 10:00: 11 November is a holiday.
        #expect(calendar.workingSeconds(from: local("2026-11-10 16:00"), to: local("2026-11-12 10:00")) == 2 * 3600)
        #expect(calendar.workingSeconds(from: local("2026-11-07 10:00"), to: local("2026-11-07 15:00")) == 0)
    }

    @Test func addingWorkingTime() {
        #expect(calendar.adding(workingSeconds: 8 * 3600, to: local("2026-11-06 16:00")) == local("2026-11-09 16:00"))
        #expect(calendar.adding(workingSeconds: 3600, to: local("2026-11-10 16:30")) == local("2026-11-12 09:30"))
        // Across the DST change on Sunday 25 October: Friday 16:00 + 2h = Monday 10:00.
        #expect(calendar.adding(workingSeconds: 2 * 3600, to: local("2026-10-23 16:00")) == local("2026-10-26 10:00"))
    }

    @Test func pausedWhileWaitingForTheCustomer() {
        let sla = SLAClock.forPriority(.normal, urgent: false)
        let received = local("2026-11-09 09:00")
        let now = local("2026-11-10 17:00")  // 16 working hours later
        let used = sla.used(receivedAt: received, now: now, pausedSeconds: 0, pausedSince: local("2026-11-10 09:00"),
                            calendar: calendar)
        #expect(used == 8 * 3600)
        #expect(sla.state(targetHours: sla.firstResponseHours, used: used, done: false, paused: true) == .paused)
        #expect(sla.state(targetHours: 10, used: used, done: false, paused: false) == .nearBreach)
        #expect(sla.state(targetHours: 4, used: used, done: false, paused: false) == .breached)
        #expect(sla.state(targetHours: 40, used: used, done: true, paused: false) == .met)
        #expect(SLAClock.forPriority(.low, urgent: true).firstResponseHours == 2)
    }

    /// Issue 16: where a complaint stands against both targets, computed in one place (was in an API DTO file).
    @Test func standingAgainstBothTargets() {
        let sla = SLAClock.forPriority(.normal, urgent: false)  // 8 h first response, 40 h resolution
        let received = local("2026-11-09 09:00")
        let hours = calendar.workingSeconds(from:to:)
        // No reply after 9 working hours: first response breached, resolution fine.
        var standing = sla.standing(receivedAt: received, now: local("2026-11-10 10:00"), firstResponseAt: nil,
                                    decidedAt: nil, pausedSeconds: 0, pausedSince: nil, workingSeconds: hours)
        #expect(standing.firstResponse == .breached && standing.resolution == .ok && standing.usedHours == 9)
        // Replied after 2 working hours, decided after 16: both met; the clock stops at the decision.
        standing = sla.standing(receivedAt: received, now: local("2026-11-20 10:00"),
                                firstResponseAt: local("2026-11-09 11:00"), decidedAt: local("2026-11-10 17:00"),
                                pausedSeconds: 0, pausedSince: nil, workingSeconds: hours)
        #expect(standing.firstResponse == .met && standing.resolution == .met && standing.usedHours == 16)
        // Waiting for the customer since the morning of day 2: paused, 8 working hours used.
        standing = sla.standing(receivedAt: received, now: local("2026-11-10 17:00"),
                                firstResponseAt: local("2026-11-09 10:00"), decidedAt: nil, pausedSeconds: 0,
                                pausedSince: local("2026-11-10 09:00"), workingSeconds: hours)
        #expect(standing.firstResponse == .met && standing.resolution == .paused && standing.usedHours == 8)
    }

    @Test func daysLeftToTheLegalDueDate() {
        let due = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(LegalClock.daysLeft(dueAt: due, now: due.addingTimeInterval(-3 * 86_400 - 1)) == 3)
        #expect(LegalClock.daysLeft(dueAt: due, now: due.addingTimeInterval(-86_399)) == 0)
        #expect(LegalClock.daysLeft(dueAt: due, now: due) == 0)
        #expect(LegalClock.daysLeft(dueAt: due, now: due.addingTimeInterval(1)) == -1)
    }
}

@Suite("C4/C5 the complaint lifecycle")
struct ComplaintLifecycleTests {
    let lifecycle = ComplaintLifecycle()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func everyStatusPairIsAllowedOrRefused() {
        for from in ComplaintStatus.allCases {
            for to in ComplaintStatus.allCases {
                let allowed = ComplaintLifecycle.transitions[from]?.contains(to) == true
                let result = Result { try lifecycle.change(from: from, to: to, closedAt: now, now: now) }
                #expect(((try? result.get()) != nil) == allowed, "\(from) → \(to)")
            }
        }
        #expect(ComplaintLifecycle.transitions[.received]?.contains(.decided) != true, "decided only by a decision")
    }

    @Test func aReopenedDecidedComplaintClosesAgainWithoutASecondDecision() throws {
        try lifecycle.change(from: .inProgress, to: .closed, closedAt: nil, now: now, hasDecision: true)
        try lifecycle.change(from: .waitingForCustomer, to: .closed, closedAt: nil, now: now, hasDecision: true)
        #expect(throws: ComplaintRuleViolation.self) {
            try lifecycle.change(from: .inProgress, to: .closed, closedAt: nil, now: now, hasDecision: false)
        }
    }

    @Test func reopenWithinThirtyDaysOnly() throws {
        try lifecycle.change(from: .closed, to: .inProgress, closedAt: now, now: now.addingTimeInterval(30 * 86_400))
        #expect(throws: ComplaintRuleViolation.self) {
            try lifecycle.change(from: .closed, to: .inProgress, closedAt: now, now: now.addingTimeInterval(30 * 86_400 + 1))
        }
    }

    @Test func decisions() throws {
        for outcome in DecisionOutcome.allCases {
            for status in ComplaintStatus.allCases {
                let open = [.received, .inProgress, .waitingForCustomer].contains(status)
                #expect(((try? lifecycle.decide(outcome, status: status, legal: .open)) != nil) == open)
            }
            let afterDeadline = Result { try lifecycle.decide(outcome, status: .inProgress, legal: .deemedAccepted) }
            #expect(((try? afterDeadline.get()) != nil) == (outcome == .accepted))
        }
        #expect(DecisionOutcome.partiallyAccepted.needsADRStatement && DecisionOutcome.rejected.needsADRStatement)
        #expect(!DecisionOutcome.accepted.needsADRStatement)
    }

    @Test func deemedAcceptance() {
        let due = now
        #expect(lifecycle.isDeemedAccepted(legal: .open, party: .consumer, decisionSentAt: nil, answerDueAt: due, now: due))
        #expect(!lifecycle.isDeemedAccepted(legal: .open, party: .consumer, decisionSentAt: nil, answerDueAt: due,
                                            now: due.addingTimeInterval(-1)))
        #expect(!lifecycle.isDeemedAccepted(legal: .open, party: .business, decisionSentAt: nil, answerDueAt: due, now: due))
        #expect(!lifecycle.isDeemedAccepted(legal: .answered, party: .consumer, decisionSentAt: due, answerDueAt: due, now: due))
        #expect(ComplaintReference.make(year: 2026, number: 123) == "RC-2026-000123")
        #expect(ComplaintReference.isValid("RC-2026-000123") && !ComplaintReference.isValid("RC-26-1"))
    }
}

@Suite("C8 reply templates and round-robin")
struct ComplaintToolsTests {
    @Test func templatesFillKnownPlaceholdersAndRefuseUnknownOnes() throws {
        let body = "Dzień dobry {{customer.firstName}}, reklamacja {{ complaint.reference }} – odpowiemy do {{complaint.answerDueAt}}. {{decision.remedy}}"
        #expect(ReplyTemplate.names(in: body) == ["customer.firstName", "complaint.reference", "complaint.answerDueAt", "decision.remedy"])
        let text = ReplyTemplate.render(body, values: ["customer.firstName": "Anna", "complaint.reference": "RC-2026-000007",
                                                       "complaint.answerDueAt": "16 listopada 2026"])
        #expect(text == "Dzień dobry Anna, reklamacja RC-2026-000007 – odpowiemy do 16 listopada 2026. ")
        _ = try ReplyTemplate.validate(name: "Greeting", language: "pl", body: body)
        #expect(throws: ValidationErrors.self) {
            try ReplyTemplate.validate(name: "Bad", language: "pl", body: "Hi {{customer.password}}")
        }
        #expect(throws: ValidationErrors.self) { try ReplyTemplate.validate(name: "", language: "xx", body: "") }
        #expect(ReplyTemplate.render("no close {{ here", values: [:]) == "no close {{ here")
        #expect(ReplyTemplate.firstName("Jan Kowalski") == "Jan")
    }

    @Test func roundRobinByCategoryAmongAvailableAgents() {
        let t0 = Date(timeIntervalSince1970: 1_000)
        let slots = [
            AgentSlot(staffId: "a", categories: ["defective"], available: true, lastAssignedAt: t0.addingTimeInterval(60)),
            AgentSlot(staffId: "b", categories: [], available: true, lastAssignedAt: t0),
            AgentSlot(staffId: "c", categories: ["defective"], available: false, lastAssignedAt: nil),
            AgentSlot(staffId: "d", categories: ["wrong_item"], available: true, lastAssignedAt: nil),
        ]
        #expect(AgentSlot.next(for: "defective", among: slots) == "b", "b waited longest; c is away")
        #expect(AgentSlot.next(for: "wrong_item", among: slots) == "d", "never assigned goes first")
        #expect(AgentSlot.next(for: "other", among: slots) == "b")
        #expect(AgentSlot.next(for: "other", among: slots.filter { $0.staffId != "b" }) == nil)
    }
}

@Suite("C3 precomputed schedule and C1 attachments")
struct ScheduleAndAttachmentTests {
    @Test func theScheduleAgreesWithTheCalendarEverywhere() {
        let warsaw = TimeZone(identifier: "Europe/Warsaw")!
        let calendar = BusinessCalendar(timeZone: warsaw, holidays: BusinessCalendar.polishHolidays(2026))
        let start = Date(timeIntervalSince1970: 1_790_000_000)  // September 2026, across the October DST change
        let end = start.addingTimeInterval(60 * 86_400)
        let schedule = WorkingSchedule(calendar: calendar, from: start, to: end)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let a = start.addingTimeInterval(Double.random(in: 0..<(60 * 86_400), using: &generator))
            let b = a.addingTimeInterval(Double.random(in: 0..<(20 * 86_400), using: &generator))
            let to = min(b, end)
            #expect(schedule.workingSeconds(from: a, to: to) == calendar.workingSeconds(from: a, to: to))
        }
    }

    @Test func contentIsSniffedNotTrusted() throws {
        #expect(AttachmentKind.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(AttachmentKind.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(AttachmentKind.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(AttachmentKind.sniff(Array("%PDF-1.7".utf8)) == .pdf)
        #expect(AttachmentKind.sniff(Array("<html><script>".utf8)) == nil)
        #expect(throws: ValidationErrors.self) { try AttachmentKind.check(Array("<svg/>".utf8), name: "photo.jpg", existing: 0) }
        #expect(throws: ValidationErrors.self) { try AttachmentKind.check([0xFF, 0xD8, 0xFF], name: "a.jpg", existing: 5) }
        #expect(throws: ValidationErrors.self) {
            try AttachmentKind.check([0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: AttachmentKind.maxBytes), name: "big.jpg", existing: 0)
        }
        #expect(try AttachmentKind.check([0xFF, 0xD8, 0xFF, 0], name: "x.png", existing: 4) == .jpeg)
        #expect(AttachmentKind.safeName("../../etc/pass wd.png", kind: .jpeg) == "passwd.jpg")
        #expect(AttachmentKind.safeName("", kind: .pdf) == "attachment.pdf")
    }

    @Test func multipartFormsAreSplitIntoFieldsAndFiles() throws {
        let boundary = "----x7"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"order\"\r\n\r\nWEB-1\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"item\"\r\n\r\nA\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"item\"\r\n\r\nB\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        let photo: [UInt8] = [0xFF, 0xD8, 0xFF, 13, 10, 45, 45, 0]
        let bytes = Array(body.utf8) + photo + Array("\r\n--\(boundary)--\r\n".utf8)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"\(boundary)\"") == boundary)
        #expect(MultipartForm.boundary(contentType: "application/json") == nil)
        let form = try MultipartForm(body: bytes, boundary: boundary)
        #expect(form["order"] == "WEB-1" && form.all("item") == ["A", "B"])
        let files = form.files("photos")
        #expect(files.count == 1 && files[0].filename == "a.jpg" && files[0].data == photo)
        #expect(throws: ValidationErrors.self) { try MultipartForm(body: Array("nothing".utf8), boundary: boundary) }
    }

    /// The naive search the parser used before, as the reference.
    static func naiveFind(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where Array(haystack[index..<index + needle.count]) == needle {
            return index
        }
        return nil
    }

    @Test("the boundary search equals the naive one on 5,000 random inputs (issue 15, item 5: linear, fuzzed)")
    func boundarySearchIsTheNaiveOneInLinearTime() {
        var generator = SeededGenerator(seed: 15)
        for _ in 0..<5_000 {
            let alphabet: [UInt8] = [45, 13, 10, 97]
            let haystack = (0..<Int.random(in: 0...60, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let needle = (0..<Int.random(in: 1...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let start = Int.random(in: 0...max(0, haystack.count), using: &generator)
            #expect(MultipartForm.find(needle, in: haystack, from: start) == Self.naiveFind(needle, in: haystack, from: start),
                    "\(needle) in \(haystack) from \(start)")
        }
        // The hostile case: 2 MB of dashes against a 200-dash boundary holds no part (and is read in one pass).
        let dashes = [UInt8](repeating: 45, count: 2 * 1024 * 1024)
        #expect((try? MultipartForm(body: dashes, boundary: String(repeating: "-", count: 198)))?.parts.isEmpty != false)
        #expect(throws: ValidationErrors.self) { try MultipartForm(body: dashes, boundary: "x" + String(repeating: "-", count: 198)) }
        // Random bytes never crash the parser.
        for _ in 0..<500 {
            let body = (0..<Int.random(in: 0...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? MultipartForm(body: body + Array("--b\r\n\r\n--b--".utf8), boundary: "b")
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing fuzz case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("issue 17: the deadline's urgency and the decision's warnings")
struct DecisionCheckTests {
    @Test("neutral above 3 days, amber at 3 to 2, red at 1, 0 and overdue; answered wins")
    func urgency() {
        let expected: [(Int, DeadlineUrgency)] = [(14, .neutral), (5, .neutral), (4, .neutral), (3, .amber), (2, .amber),
                                                  (1, .red), (0, .red), (-3, .red)]
        for (days, urgency) in expected { #expect(DeadlineUrgency.of(daysLeft: days, answered: false) == urgency, "\(days)") }
        for days in [-3, 0, 1, 5] { #expect(DeadlineUrgency.of(daysLeft: days, answered: true) == .answered) }
    }

    @Test("accepting with another remedy than requested is a partial acceptance; money remedies need an amount")
    func warnings() {
        #expect(DecisionWarning.check(outcome: .accepted, requested: .repair, granted: .repair, amount: nil) == [])
        #expect(DecisionWarning.check(outcome: .accepted, requested: .replacement, granted: .priceReduction, amount: "20")
                == [.remedyDiffersFromRequest])
        #expect(DecisionWarning.check(outcome: .partiallyAccepted, requested: .replacement, granted: .repair, amount: nil)
                == [], "already partial")
        #expect(DecisionWarning.check(outcome: .accepted, requested: nil, granted: .repair, amount: nil) == [])
        #expect(DecisionWarning.check(outcome: .accepted, requested: .refund, granted: .refund, amount: " ")
                == [.amountMissing])
        #expect(DecisionWarning.check(outcome: .rejected, requested: .refund, granted: .refund, amount: nil) == [])
    }
}
