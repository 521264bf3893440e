import Foundation
import RedressCore
import RedressPersistence

/// Working together on a case (issue 17): opening it marks it read and shows who else has it open; a reply written
/// after somebody else answered is held back once with a warning (as Freshdesk's collision detection does); dialogs
/// get an assignee like complaints.
package struct CaseDesk: Sendable {
    package let services: AppServices
    package let work = CaseWorkStore()

    package init(services: AppServices) { self.services = services }

    /// Staff seen on a case within this many seconds are "working on it now".
    package static let presenceWindow: TimeInterval = 10 * 60

    /// Marks the case read and `staff` on it; returns the others on it now (most recent first).
    package func open(_ kind: CaseKind, id: String, shop: ShopID, staffId: String, staffName: String) async throws
        -> [CasePresenceRecord]
    {
        let now = services.clock.now()
        let sql = services.database.sql
        let others = try await work.others(kind, id: id, shop: shop, except: staffId,
                                           since: now.addingTimeInterval(-Self.presenceWindow), on: sql)
        try await work.opened(kind, id: id, shop: shop, staffId: staffId, staffName: staffName, now: now, on: sql)
        return others
    }

    /// Replies to the customer by others since `since` (when this staff member's page was drawn). A page that did not
    /// say when it was drawn (an old form, an API client) is not checked.
    package func repliesSince(_ since: Date?, _ kind: CaseKind, id: String, shop: ShopID, staffId: String) async throws
        -> [ShopReply]
    {
        guard let since else { return [] }
        return try await work.replies(kind, id: id, shop: shop, since: since, except: staffId, on: services.database.sql)
    }

    /// Assigns a dialog to an owner or agent of the shop, or to nobody; audited.
    package func assignDialog(_ id: String, to staffId: String?, by actor: ShopActor) async throws {
        let sql = services.database.sql
        if let staffId {
            let staff = try await services.staff.list(shop: actor.shop, on: sql)
            guard staff.contains(where: { $0.id == staffId && $0.staffRole.canWrite }) else {
                throw AppError.invalid(["staffId": "is not an owner or agent of this shop"])
            }
        }
        guard try await work.assign(dialog: id, shop: actor.shop, to: staffId, on: sql) else {
            throw AppError.notFound("dialog")
        }
        try await services.audit.append(shop: actor.shop, actor: actor.actor, action: "dialog.assigned",
                                        subjectType: "dialog", subjectId: id, after: ["assignee": staffId ?? ""],
                                        now: services.clock.now(), on: sql)
    }

    /// The moment a page was drawn, as its form carries it back (milliseconds since 1970); anything else is nil.
    package static func drawnAt(_ text: String?) -> Date? {
        guard let text, text.count <= 16, let milliseconds = Int64(text), milliseconds > 0 else { return nil }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    package static func drawnAtText(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1000).rounded(.up))) }
}
