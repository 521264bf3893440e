import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// Reads the list filters of the API and the panel from the query string, with clear errors.
struct ListQuery {
    var filter = ReviewQueries.Filter()
    /// The review statuses a list may filter on.
    static let reviewStatuses = ReviewStatus.allCases.map(\.rawValue)

    init(_ request: Request, timeZone: TimeZone, allowedStatuses: [String] = [], defaultFrom: Date? = nil) throws {
        let query = request.uri.queryParameters
        var errors = ValidationErrors()
        if let limit = query.get("limit") {
            if let value = Int(limit), (1...200).contains(value) { filter.limit = value } else {
                errors.add("limit", "must be a whole number from 1 to 200")
            }
        }
        if let cursor = query.get("cursor"), !cursor.isEmpty {
            if let decoded = ReviewQueries.Cursor(encoded: cursor) { filter.cursor = decoded } else {
                errors.add("cursor", "is not a cursor this server gave out")
            }
        }
        if let status = query.get("status"), !status.isEmpty {
            if allowedStatuses.contains(status) { filter.status = status } else {
                errors.add("status", "must be one of \(allowedStatuses.joined(separator: ", "))")
            }
        }
        for value in query.getAll("stars") {
            for part in value.split(separator: ",") {
                if let star = Int(part.trimmingCharacters(in: .whitespaces)), (1...5).contains(star) {
                    filter.stars.append(star)
                } else {
                    errors.add("stars", "must be 1 to 5, e.g. stars=1,2")
                }
            }
        }
        if let product = query.get("productId"), !product.isEmpty { filter.productId = String(product.prefix(100)) }
        if let text = query.get("q"), !text.isEmpty { filter.text = String(text.prefix(200)) }
        filter.from = defaultFrom
        if let from = query.get("from"), !from.isEmpty {
            if let date = Self.date(from, timeZone: timeZone, endOfDay: false) { filter.from = date } else {
                errors.add("from", "use a date (2026-11-01) or a time (2026-11-01T00:00:00Z)")
            }
        }
        if let to = query.get("to"), !to.isEmpty {
            if let date = Self.date(to, timeZone: timeZone, endOfDay: true) { filter.to = date } else {
                errors.add("to", "use a date (2026-11-30) or a time (2026-11-30T23:59:59Z)")
            }
        }
        try errors.throwIfAny()
    }

    /// A plain date means the whole day in the shop's time zone: `from` its start, `to` the next day's start.
    static func date(_ text: String, timeZone: TimeZone, endOfDay: Bool) -> Date? {
        if let date = ISO8601DateFormatter().date(from: text) { return StorableTime.checked(date) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        guard let day = StorableTime.checked(formatter.date(from: text)) else { return nil }
        return endOfDay ? HoldPolicy().addDays(1, to: day, in: timeZone) : day
    }
}

/// A `millis.id` keyset position (the outbox and complaint lists), from a query string.
enum KeysetCursor {
    static func parse(_ text: String) -> (Date, String)? {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let millis = Double(parts[0]),
              let date = StorableTime.date(secondsSince1970: millis / 1000) else { return nil }
        return (date, String(parts[1]))
    }
}
