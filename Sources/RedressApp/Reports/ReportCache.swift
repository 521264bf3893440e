import Foundation
import RedressCore
import Synchronization

/// Report figures that scan a year of rows (repeat complaints over the 12 months before a period's end), kept by each
/// instance per shop and window for five minutes: reports are read far more often than those figures move, and the
/// scan was the largest single cost of a report on a shop with 100,000 complaints. Reports say so (`docs/reports.md`).
public final class ReportCache: Sendable {
    public static let lifetime: TimeInterval = 300
    private static let capacity = 1_000
    private let entries = Mutex<[String: (at: Date, value: RepeatComplaints)]>([:])

    public init() {}

    package func repeats(shop: ShopID, start: Date, end: Date, now: Date,
                 compute: () async throws -> RepeatComplaints) async throws -> RepeatComplaints {
        let key = "\(shop.rawValue)|\(start.timeIntervalSince1970)|\(end.timeIntervalSince1970)"
        if let hit = entries.withLock({ $0[key] }), now.timeIntervalSince(hit.at) < Self.lifetime, now >= hit.at {
            return hit.value
        }
        let value = try await compute()
        entries.withLock { entries in
            if entries.count >= Self.capacity {
                entries = entries.filter { now.timeIntervalSince($0.value.at) < Self.lifetime }
                if entries.count >= Self.capacity { entries.removeAll() }
            }
            entries[key] = (now, value)
        }
        return value
    }
}
