import Foundation
import RedressCore
import RedressPersistence

/// What is due in a shop (issue 17): the panel's home page and the counts beside its navigation.
package struct WorkQueue: Sendable {
    package let services: AppServices
    package let store = WorkQueueStore()

    package init(services: AppServices) { self.services = services }

    /// A hold ending within this time is "ending soon".
    package static let holdHorizon: TimeInterval = 3 * 86_400
    /// How many rows each list of the home page shows before "all …".
    package static let homeLimit = 10

    package struct Home: Sendable {
        package var counts: WorkQueueStore.Counts
        package var complaints: [ComplaintRecord]
        package var dialogs: [WorkQueueStore.DialogDue]
        package var holds: [WorkQueueStore.HoldEnding]
        package var unanswered: [WorkQueueStore.Unanswered]
    }

    package func counts(shop: ShopID) async throws -> WorkQueueStore.Counts {
        let now = services.clock.now()
        return try await store.counts(shop: shop, now: now, holdsBefore: now.addingTimeInterval(Self.holdHorizon),
                                      on: services.database.read)
    }

    package func home(shop: ShopID) async throws -> Home {
        let sql = services.database.read
        let now = services.clock.now()
        let before = now.addingTimeInterval(Self.holdHorizon)
        return Home(
            counts: try await store.counts(shop: shop, now: now, holdsBefore: before, on: sql),
            complaints: try await store.complaints(shop: shop, limit: Self.homeLimit, on: sql),
            dialogs: try await store.dialogs(shop: shop, now: now, limit: Self.homeLimit, on: sql),
            holds: try await store.holdsEnding(shop: shop, before: before, limit: Self.homeLimit, on: sql),
            unanswered: try await store.unanswered(shop: shop, limit: Self.homeLimit, on: sql))
    }
}
