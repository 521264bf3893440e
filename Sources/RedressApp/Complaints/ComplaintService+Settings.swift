import Foundation
import RedressCore
import RedressPersistence

/// The shop's jurisdiction (answer term) and working calendar (C2, C3), with defaults for a Polish shop.
extension ComplaintService {
    package func settings(_ shop: ShopRecord, on sql: DatabaseSession) async throws -> ComplaintSettingsRecord {
        try await ComplaintSettingsStore().find(shop: shop.shopID, on: sql)
            ?? ComplaintSettingsRecord.defaults(shop: shop.shopID, locale: shop.locale)
    }

    package func legalClock(_ settings: ComplaintSettingsRecord) -> LegalClock {
        LegalClock(days: settings.termDays, warningDays: LegalClock.warningDays(forTerm: settings.termDays))
    }

    package func calendar(_ shop: ShopRecord, settings: ComplaintSettingsRecord) -> BusinessCalendar {
        let zone = directory.timeZone(shop)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let year = calendar.component(.year, from: services.clock.now())
        return settings.businessCalendar(timeZone: zone, years: (year - 1)...(year + 1))
    }

    package struct SettingsInput: Decodable, Sendable {
        package var termDays: Int?
        package var workingWeekdays: [Int]?
        package var opensAt: String?
        package var closesAt: String?
        package var nationalHolidays: String?
        package var extraHolidays: [String]?

        package init(termDays: Int? = nil, workingWeekdays: [Int]? = nil, opensAt: String? = nil, closesAt: String? = nil, nationalHolidays: String? = nil, extraHolidays: [String]? = nil) {
            self.termDays = termDays
            self.workingWeekdays = workingWeekdays
            self.opensAt = opensAt
            self.closesAt = closesAt
            self.nationalHolidays = nationalHolidays
            self.extraHolidays = extraHolidays
        }
    }

    /// Validates and saves; new complaints use the new term, existing ones keep the date they were given.
    package func saveSettings(_ input: SettingsInput, shop: ShopRecord, actor: AuditActor) async throws -> ComplaintSettingsRecord {
        let now = services.clock.now()
        let current = try await settings(shop, on: services.database.sql)
        var errors = ValidationErrors()
        let term = input.termDays ?? current.termDays
        if !(1...60).contains(term) { errors.add("termDays", "must be 1 to 60 days") }
        let weekdays = input.workingWeekdays.map(Set.init) ?? current.weekdays
        if weekdays.isEmpty || !weekdays.allSatisfy({ (1...7).contains($0) }) {
            errors.add("workingWeekdays", "give 1 to 7 weekdays, 1 = Sunday … 7 = Saturday")
        }
        func minutes(_ text: String?, _ fallback: Int, _ field: String) -> Int {
            guard let text else { return fallback }
            let parts = text.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2, (0...24).contains(parts[0]), (0...59).contains(parts[1]), parts[0] * 60 + parts[1] <= 1440 else {
                errors.add(field, "must be a time like 09:00")
                return fallback
            }
            return parts[0] * 60 + parts[1]
        }
        let opens = minutes(input.opensAt, current.opensAt, "opensAt")
        let closes = minutes(input.closesAt, current.closesAt, "closesAt")
        if closes <= opens { errors.add("closesAt", "must be after opensAt") }
        let national = input.nationalHolidays ?? current.nationalHolidays
        if !["pl", "none"].contains(national) { errors.add("nationalHolidays", "must be pl or none") }
        let extra = input.extraHolidays ?? Array(current.extraDays).sorted()
        if extra.count > 200 || extra.contains(where: { UTCDay.start($0) == nil }) {
            errors.add("extraHolidays", "give at most 200 dates like 2026-12-31")
        }
        try errors.throwIfAny()
        let record = ComplaintSettingsRecord(
            shopId: shop.id, termDays: term, workingWeekdays: weekdays.sorted().map(String.init).joined(separator: ","),
            opensAt: opens, closesAt: closes, nationalHolidays: national, extraHolidays: extra.sorted().joined(separator: ","),
            updatedAt: now)
        try await services.database.transaction { tx in
            try await ComplaintSettingsStore().save(record, on: tx)
            try await services.audit.append(shop: shop.shopID, actor: actor, action: "complaint_settings.updated",
                                            subjectType: "shop", subjectId: shop.id,
                                            after: ["termDays": String(term), "weekdays": record.workingWeekdays,
                                                    "hours": "\(opens)-\(closes)"], now: now, on: tx)
        }
        return record
    }
}

package struct ComplaintSettingsView: Encodable {
    package var termDays: Int
    package var workingWeekdays: [Int]
    package var opensAt, closesAt, nationalHolidays: String
    package var extraHolidays: [String]

    package init(_ record: ComplaintSettingsRecord) {
        termDays = record.termDays
        workingWeekdays = record.weekdays.sorted()
        opensAt = String(format: "%02d:%02d", record.opensAt / 60, record.opensAt % 60)
        closesAt = String(format: "%02d:%02d", record.closesAt / 60, record.closesAt % 60)
        nationalHolidays = record.nationalHolidays
        extraHolidays = record.extraDays.sorted()
    }
}

/// Look-ups by order number or reference and e-mail from the public pages and API: at most 10 misses per address
/// in 15 minutes, then 429 with Retry-After, so references and orders cannot be guessed in bulk.
extension ComplaintService {
    package static let lookupThrottle = LoginThrottle(maxFailures: 10, window: 15 * 60)

    package func checkLookup(address: String) async throws {
        let now = services.clock.now()
        let failures = try await services.throttle.failures(
            key: "complaint-lookup:" + address, since: Self.lookupThrottle.windowStart(now: now), on: services.database.sql)
        if case .throttled(let retryAfter) = Self.lookupThrottle.decide(failures: failures, now: now) {
            throw AppError(.throttled, code: "lookup.throttled",
                           detail: "Too many look-ups that found nothing. Try again in \(retryAfter / 60 + 1) minutes.",
                           retryAfter: retryAfter)
        }
    }

    package func recordLookupMiss(address: String) async throws {
        try await services.throttle.recordFailure(keys: ["complaint-lookup:" + address], at: services.clock.now(),
                                                  on: services.database.sql)
    }
}
