import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// Shops, staff, API keys and the audit log over the API (S1, S2, S4).
struct PlatformAPI {
    let services: AppServices
    let catalog: APICatalog
    var administration: ShopAdministration { ShopAdministration(services: services) }

    struct ShopView: Codable {
        var id, slug, name, locale, timeZone: String
        var senderEmail: String?
        var inboundAddress: String?
        var version: Int

        init(_ shop: ShopRecord) {
            id = shop.id
            slug = shop.slug
            name = shop.name
            locale = shop.locale
            timeZone = shop.timeZone
            senderEmail = shop.senderEmail
            inboundAddress = shop.inboundAddress
            version = shop.version
        }
    }

    struct ShopUpdate: Decodable {
        var name: String?
        var locale: String?
        var timeZone: String?
        /// The address shop e-mails come from (and Reply-To); an empty string goes back to the installation's.
        var senderEmail: String?
        /// Where the shop's mail arrives (E3, E4); replies are addressed `local+TOKEN@domain` of it. "" removes it.
        var inboundAddress: String?
        var version: Int?
    }

    struct APIKeyView: Codable {
        var id, label, prefix: String
        var createdAt: Date
        var revokedAt: Date?
    }

    struct NewAPIKey: Decodable { var label: String? }

    struct AuditView: Codable {
        var id: String
        var at: Date
        var actorType: String
        var actorId: String?
        var action, subjectType, subjectId: String
        var before: String?
        var after: String?
    }

    typealias Page = APIPage

    func register(on router: Router<AppContext>) {
        router.api(.post, "/api/v1/admin/shops", catalog: catalog, summary: "Create a shop and its first API key",
                   tag: "admin", security: .admin, request: .ref("NewShop"),
                   responses: [201: ("Created; the API key is shown only now", .ref("ShopCreated")),
                               409: ("The slug is taken", .ref("Problem"))],
                   use: createShop)
        router.api(.get, "/api/v1/admin/shops", catalog: catalog, summary: "All shops of the installation",
                   tag: "admin", security: .admin,
                   responses: [200: ("Shops", .page(of: .ref("Shop")))],
                   use: listShops)
        router.api(.post, "/api/v1/admin/shops/{shopId}/staff", catalog: catalog, summary: "Create a staff account",
                   tag: "admin", security: .admin, request: .ref("NewStaff"),
                   responses: [201: ("Created", .ref("Staff")), 409: ("The address has an account in this shop", .ref("Problem"))],
                   use: createShopOwner)
        router.api(.get, "/api/v1/shop", catalog: catalog, summary: "The calling shop", tag: "shop", security: .shop,
                   responses: [200: ("The shop", .ref("Shop"))],
                   use: showShop)
        router.api(.patch, "/api/v1/shop", catalog: catalog,
                   summary: "Change the shop's name, language, time zone or sender address (owners; optimistic locking on version)",
                   tag: "shop", security: .shop, request: .ref("ShopUpdate"),
                   responses: [200: ("Changed", .ref("Shop")), 409: ("Changed by somebody else", .ref("Problem"))],
                   use: updateShop)
        router.api(.get, "/api/v1/staff", catalog: catalog, summary: "The shop's staff", tag: "shop", security: .shop,
                   responses: [200: ("Staff", .page(of: .ref("Staff")))],
                   use: listStaff)
        router.api(.get, "/api/v1/staff/{staffId}", catalog: catalog, summary: "One staff member", tag: "shop",
                   security: .shop, responses: [200: ("Staff member", .ref("Staff"))],
                   use: showStaff)
        router.api(.post, "/api/v1/staff", catalog: catalog, summary: "Invite a colleague (owners)", tag: "shop",
                   security: .shop, request: .ref("NewStaff"),
                   responses: [201: ("Created", .ref("Staff")), 409: ("The address has an account in this shop", .ref("Problem"))],
                   use: createStaff)
        router.api(.get, "/api/v1/api-keys", catalog: catalog, summary: "The shop's API keys (owners)", tag: "shop",
                   security: .shop, responses: [200: ("Keys, without secrets", .page(of: .ref("APIKey")))],
                   use: listAPIKeys)
        router.api(.post, "/api/v1/api-keys", catalog: catalog, summary: "Create an API key (owners)", tag: "shop",
                   security: .shop, request: .ref("NewAPIKey"),
                   responses: [201: ("Created; the secret is shown only now", .ref("APIKeyCreated"))],
                   use: createAPIKey)
        router.api(.delete, "/api/v1/api-keys/{keyId}", catalog: catalog, summary: "Revoke an API key (owners)",
                   tag: "shop", security: .shop, responses: [204: ("Revoked", nil)],
                   use: revokeAPIKey)
        router.api(.get, "/api/v1/audit", catalog: catalog, summary: "The shop's audit log, oldest first", tag: "shop",
                   security: .shop, responses: [200: ("Entries", .page(of: .ref("AuditEntry")))],
                   use: listAudit)
    }

    @Sendable func createShop(_ request: Request, context: AppContext) async throws -> Response {
        try context.requireAdmin()
        let input = try await request.decode(as: ShopAdministration.NewShop.self, context: context)
        return try Response.json(try await administration.createShop(input, actor: .admin), status: .created)
    }

    @Sendable func listShops(_ request: Request, context: AppContext) async throws -> Response {
        try context.requireAdmin()
        let shops = try await services.shops.all(on: services.database.sql).map(ShopView.init)
        return try Response.json(Page(items: shops, nextCursor: nil))
    }

    @Sendable func createShopOwner(_ request: Request, context: AppContext) async throws -> Response {
        try context.requireAdmin()
        let shop = ShopID(try context.parameters.require("shopId"))
        let input = try await request.decode(as: ShopAdministration.NewStaff.self, context: context)
        return try Response.json(try await administration.createStaff(input, shop: shop, actor: .admin),
                                 status: .created)
    }

    @Sendable func showShop(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        guard let record = try await services.shops.find(shop, on: services.database.sql) else {
            throw Problem.notFound("shop")
        }
        return try Response.json(ShopView(record))
    }

    @Sendable func updateShop(_ request: Request, context: AppContext) async throws -> Response {
        let owner = try context.requireOwner()
        return try Response.json(try await updateShop(request, context: context, owner: owner))
    }

    @Sendable func listStaff(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        let staff = try await services.staff.list(shop: shop, on: services.database.sql)
        return try Response.json(Page(items: staff.map(ShopAdministration.StaffView.init), nextCursor: nil))
    }

    @Sendable func showStaff(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        guard let record = try await services.staff.find(try context.parameters.require("staffId"), shop: shop,
                                                         on: services.database.sql)
        else { throw Problem.notFound("staff member") }
        return try Response.json(ShopAdministration.StaffView(record))
    }

    @Sendable func createStaff(_ request: Request, context: AppContext) async throws -> Response {
        let owner = try context.requireOwner()
        let input = try await request.decode(as: ShopAdministration.NewStaff.self, context: context)
        return try Response.json(
            try await administration.createStaff(input, shop: owner.shopID, actor: .staff(owner.staffId)),
            status: .created)
    }

    @Sendable func listAPIKeys(_ request: Request, context: AppContext) async throws -> Response {
        let owner = try context.requireOwner()
        let keys = try await services.apiKeys.list(shop: owner.shopID, on: services.database.sql)
        return try Response.json(Page(items: keys.map {
            APIKeyView(id: $0.id, label: $0.label, prefix: $0.prefix, createdAt: $0.createdAt, revokedAt: $0.revokedAt)
        }, nextCursor: nil))
    }

    @Sendable func createAPIKey(_ request: Request, context: AppContext) async throws -> Response {
        let owner = try context.requireOwner()
        let input = try await request.decode(as: NewAPIKey.self, context: context)
        let (record, secret) = try await ShopAdministration(services: services).issueKey(label: input.label, owner: owner)
        return try Response.json(["id": record.id, "label": record.label, "apiKey": secret], status: .created)
    }

    @Sendable func revokeAPIKey(_ request: Request, context: AppContext) async throws -> Response {
        let owner = try context.requireOwner()
        try await ShopAdministration(services: services).revokeKey(try context.parameters.require("keyId"), owner: owner)
        return Response(status: .noContent)
    }

    @Sendable func listAudit(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        let entries = try await services.audit.entries(
            shop: shop, subjectId: request.uri.queryParameters.get("subjectId"), on: services.database.sql)
        return try Response.json(Page(items: entries.map {
            AuditView(id: $0.id, at: $0.at, actorType: $0.actorType, actorId: $0.actorId, action: $0.action,
                      subjectType: $0.subjectType, subjectId: $0.subjectId, before: $0.beforeState,
                      after: $0.afterState)
        }, nextCursor: nil))
    }

    private func updateShop(_ request: Request, context: AppContext, owner: StaffSession) async throws -> ShopView {
        let input = try await request.decode(as: ShopUpdate.self, context: context)
        let sql = services.database.sql
        guard let current = try await services.shops.find(owner.shopID, on: sql) else { throw Problem.notFound("shop") }
        var errors = ValidationErrors()
        guard let version = input.version else { throw Problem.invalid(["version": "is required"]) }
        let name = input.name.map { Validate.requiredText($0, field: "name", max: 120, into: &errors) } ?? current.name
        let locale = input.locale ?? current.locale
        if !Validate.supportedLocales.contains(locale) { errors.add("locale", "must be pl, en, es or el") }
        let timeZone = input.timeZone ?? current.timeZone
        if !Validate.isTimeZone(timeZone) { errors.add("timeZone", "is not a known time zone") }
        var sender = current.senderEmail
        if let given = input.senderEmail?.trimmingCharacters(in: .whitespaces) {
            if given.isEmpty {
                sender = nil
            } else if Validate.isEmail(given) {
                sender = given
            } else {
                errors.add("senderEmail", "is not a valid e-mail address")
            }
        }
        var inbound: String?? = .none
        if let given = input.inboundAddress {
            let (valid, address) = InboundMail.inboundAddress(given)
            if valid { inbound = .some(address) } else { errors.add("inboundAddress", InboundMail.inboundAddressRule) }
        }
        try errors.throwIfAny()
        let now = services.clock.now()
        let services = self.services
        let senderEmail = sender
        let inboundAddress = inbound
        _ = try await services.database.transaction { tx in
            let newVersion = try await services.shops.update(
                owner.shopID, name: name, locale: locale, timeZone: timeZone, senderEmail: senderEmail,
                inboundAddress: inboundAddress, expectedVersion: version, on: tx)
            // Report roll-ups count by local day: a new zone moves complaints and dialogs to other days, counted
            // again in short steps of timed work.
            if timeZone != current.timeZone {
                try await DeadlineStore().schedule(kind: ReportService.Work.rezone, subjectId: owner.shopId,
                                                   shop: owner.shopID, dueAt: now, now: now, on: tx)
            }
            try await services.audit.append(
                shop: owner.shopID, actor: .staff(owner.staffId), action: "shop.updated", subjectType: "shop",
                subjectId: owner.shopId,
                before: ["locale": current.locale, "timeZone": current.timeZone, "version": String(version)],
                after: ["locale": locale, "timeZone": timeZone, "version": String(newVersion)], now: now, on: tx)
            return newVersion
        }
        guard let updated = try await services.shops.find(owner.shopID, on: sql) else { throw Problem.notFound("shop") }
        return ShopView(updated)
    }
}
