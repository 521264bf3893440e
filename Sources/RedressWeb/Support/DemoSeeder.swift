import Foundation
import RedressCore
import RedressPersistence

/// Fills an empty installation with a demo shop so a newcomer sees a working panel at once.
/// Running it again changes nothing.
public struct DemoSeeder: Sendable {
    public static let slug = "demo"
    public static let ownerEmail = "owner@demo.redress.test"
    public static let password = "redress-demo-2026"

    let services: AppServices

    public init(services: AppServices) {
        self.services = services
    }

    public struct Login: Sendable {
        public var email: String
        public var password: String
        public var created: Bool
    }

    @discardableResult
    public func seed() async throws -> Login {
        let sql = services.database.sql
        if try await services.shops.find(slug: Self.slug, on: sql) != nil {
            return Login(email: Self.ownerEmail, password: Self.password, created: false)
        }
        let administration = ShopAdministration(services: services)
        let created = try await administration.createShop(
            .init(name: "Demo Shop", slug: Self.slug, locale: "en", timeZone: "Europe/Warsaw"), actor: .system)
        let shop = ShopID(created.id)
        let people: [(String, String, StaffRole)] = [
            (Self.ownerEmail, "Olivia Owner", .owner),
            ("agent@demo.redress.test", "Adam Agent", .agent),
            ("viewer@demo.redress.test", "Vera Viewer", .viewer),
        ]
        for (email, name, role) in people {
            _ = try await administration.createStaff(
                .init(email: email, name: name, role: role.rawValue, password: Self.password), shop: shop, actor: .system)
        }
        return Login(email: Self.ownerEmail, password: Self.password, created: true)
    }
}
