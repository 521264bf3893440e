import Foundation

/// Login throttling (S2): at most `maxFailures` failed attempts per account and per address within `window`.
public struct LoginThrottle: Sendable, Equatable {
    public var maxFailures: Int
    public var window: TimeInterval

    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; the caller may try again after this many whole seconds.
        case throttled(retryAfter: Int)
    }

    /// Decides from the times of the recent failures of one key (account or address).
    public func decide(failures: [Date], now: Date) -> Decision {
        let recent = failures.filter { now.timeIntervalSince($0) < window }.sorted()
        guard recent.count >= maxFailures else { return .allowed }
        // The oldest failure that still counts must leave the window before one more attempt is allowed.
        let freeAt = recent[recent.count - maxFailures].addingTimeInterval(window)
        return .throttled(retryAfter: max(1, Int(freeAt.timeIntervalSince(now).rounded(.up))))
    }

    /// The earliest failure time that still matters; older rows may be deleted.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-window) }
}
