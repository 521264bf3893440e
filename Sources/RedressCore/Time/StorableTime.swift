import Foundation

/// The times a request may bring (cursors, filters, dates in bodies): years 1900 to 9999, finite. Anything else is
/// refused with a message before it reaches a database driver, which would trap converting it (issue 15).
public enum StorableTime {
    /// 1900-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: -2_208_988_800)
    /// 9999-12-31T23:59:59Z.
    public static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    public static func contains(_ date: Date) -> Bool {
        date.timeIntervalSince1970.isFinite && date >= earliest && date <= latest
    }

    /// A time from seconds since 1970, or nil when it is not a number or out of range (`1e300`, `nan`, `-inf`).
    public static func date(secondsSince1970 seconds: Double) -> Date? {
        guard seconds.isFinite else { return nil }
        let date = Date(timeIntervalSince1970: seconds)
        return contains(date) ? date : nil
    }

    /// `date` if it can be stored, else nil.
    public static func checked(_ date: Date?) -> Date? {
        date.flatMap { contains($0) ? $0 : nil }
    }
}
