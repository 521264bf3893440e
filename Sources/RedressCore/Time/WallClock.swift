import Foundation

/// The one source of "now" for every rule that depends on the date (S7).
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real clock of the machine.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that tests and `--test-clock` servers move by hand. Starts at the given instant and only moves
/// when told to.
public final class AdjustableClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(start: Date = Date()) {
        self.current = start
    }

    public func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Moves the clock forward; a negative interval is refused because timed work is never undone.
    @discardableResult
    public func advance(by interval: TimeInterval) -> Date {
        lock.lock()
        defer { lock.unlock() }
        current = current.addingTimeInterval(max(0, interval))
        return current
    }

    @discardableResult
    public func set(_ date: Date) -> Date {
        lock.lock()
        defer { lock.unlock() }
        current = date
        return current
    }
}
