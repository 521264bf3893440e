import Foundation

/// When a failed delivery is tried again (N1): exponential backoff from `initial`, doubling up to `maximum`,
/// with up to `jitter` (a fraction) added at random, and given up after `giveUpAfter` from the first attempt.
public struct RetryPolicy: Sendable, Equatable {
    public var initial: TimeInterval
    public var maximum: TimeInterval
    public var jitter: Double
    public var giveUpAfter: TimeInterval

    public init(
        initial: TimeInterval = 60, maximum: TimeInterval = 24 * 3600, jitter: Double = 0.2,
        giveUpAfter: TimeInterval = 3 * 24 * 3600
    ) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
        self.giveUpAfter = giveUpAfter
    }

    /// The delay before attempt number `attempt + 1`, after `attempt` failures (1-based); `random` in 0..<1.
    public func delay(afterFailures attempt: Int, random: Double) -> TimeInterval {
        let exponent = min(max(attempt - 1, 0), 40)
        let base = min(maximum, initial * pow(2, Double(exponent)))
        return base + base * jitter * min(max(random, 0), 1)
    }

    public enum Outcome: Equatable, Sendable {
        case retry(at: Date)
        case giveUp
    }

    public func next(afterFailures attempt: Int, firstAttempt: Date, now: Date, random: Double) -> Outcome {
        let at = now.addingTimeInterval(delay(afterFailures: attempt, random: random))
        if at.timeIntervalSince(firstAttempt) > giveUpAfter { return .giveUp }
        return .retry(at: at)
    }
}
