import Foundation
import HummingbirdBcrypt
import NIOPosix
import RedressCore
import RedressPersistence

/// Creating shops and staff accounts, shared by the admin API, the panel and the `redress` command.
public struct ShopAdministration: Sendable {
    package let services: AppServices

    public init(services: AppServices) {
        self.services = services
    }

    public struct NewShop: Codable, Sendable {
        public var name: String?
        public var slug: String?
        public var locale: String?
        public var timeZone: String?
        public var senderEmail: String?

        public init(name: String?, slug: String?, locale: String? = nil, timeZone: String? = nil,
                    senderEmail: String? = nil) {
            self.name = name
            self.slug = slug
            self.locale = locale
            self.timeZone = timeZone
            self.senderEmail = senderEmail
        }
    }

    public struct CreatedShop: Codable, Sendable {
        public var id: String
        public var slug: String
        public var apiKey: String
    }

    /// Validates and creates a shop with its first API key, in one transaction; 409 when the slug is taken.
    public func createShop(_ input: NewShop, actor: AuditActor) async throws -> CreatedShop {
        var errors = ValidationErrors()
        let name = Validate.requiredText(input.name, field: "name", max: 120, into: &errors)
        let slug = (input.slug ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if !Validate.isSlug(slug) {
            errors.add("slug", "use 2 to 60 lower-case letters, digits and dashes, e.g. my-shop")
        }
        let locale = input.locale ?? "pl"
        if !Validate.supportedLocales.contains(locale) {
            errors.add("locale", "must be one of \(Validate.supportedLocales.joined(separator: ", "))")
        }
        let timeZone = input.timeZone ?? "Europe/Warsaw"
        if !Validate.isTimeZone(timeZone) { errors.add("timeZone", "is not a known time zone, e.g. Europe/Warsaw") }
        if let sender = input.senderEmail, !Validate.isEmail(sender) {
            errors.add("senderEmail", "is not a valid e-mail address")
        }
        try errors.throwIfAny()
        let now = services.clock.now()
        let shop = ShopRecord(
            id: SecureToken.id("shp"), slug: slug, name: name, locale: locale, timeZone: timeZone,
            senderEmail: input.senderEmail, version: 1, createdAt: now)
        let services = self.services
        do {
            return try await services.database.transaction { tx in
                try await services.shops.create(shop, on: tx)
                let (_, secret) = try await services.apiKeys.issue(shop: shop.shopID, label: "default", now: now, on: tx)
                try await services.audit.append(
                    shop: shop.shopID, actor: actor, action: "shop.created", subjectType: "shop", subjectId: shop.id,
                    after: ["slug": slug, "locale": locale, "timeZone": timeZone], now: now, on: tx)
                return CreatedShop(id: shop.id, slug: slug, apiKey: secret)
            }
        } catch where error.isConstraintFailure {
            throw AppError.conflict("shop.slug_taken", "The slug \(slug) is taken by another shop.")
        }
    }

    public struct NewStaff: Codable, Sendable {
        public var email: String?
        public var name: String?
        public var role: String?
        public var password: String?

        public init(email: String?, name: String?, role: String?, password: String?) {
            self.email = email
            self.name = name
            self.role = role
            self.password = password
        }
    }

    public struct StaffView: Codable, Sendable {
        public var id: String
        public var email: String
        public var name: String
        public var role: String
        public var createdAt: Date

        package init(_ record: StaffRecord) {
            id = record.id
            email = record.email
            name = record.name
            role = record.role
            createdAt = record.createdAt
        }
    }

    /// Validates and creates a staff account; 409 when the address already has an account.
    public func createStaff(_ input: NewStaff, shop: ShopID, actor: AuditActor) async throws -> StaffView {
        var errors = ValidationErrors()
        let email = (input.email ?? "").trimmingCharacters(in: .whitespaces)
        if !Validate.isEmail(email) { errors.add("email", "is not a valid e-mail address") }
        let name = Validate.requiredText(input.name, field: "name", max: 120, into: &errors)
        let role = StaffRole(rawValue: input.role ?? "")
        if role == nil { errors.add("role", "must be owner, agent or viewer") }
        let password = input.password ?? ""
        StaffPassword.check(password, into: &errors)
        try errors.throwIfAny()
        let services = self.services
        guard try await services.shops.find(shop, on: services.database.sql) != nil else {
            throw AppError.notFound("shop")
        }
        let hash = try await services.passwordHash(password)
        let now = services.clock.now()
        let record = StaffRecord(
            id: SecureToken.id("stf"), shopId: shop.rawValue, email: email,
            emailNormalized: Validate.normalizedEmail(email), name: name, role: role!.rawValue, passwordHash: hash,
            createdAt: now)
        do {
            try await services.database.transaction { tx in
                try await services.staff.create(record, on: tx)
                try await services.audit.append(
                    shop: shop, actor: actor, action: "staff.created", subjectType: "staff", subjectId: record.id,
                    after: ["role": record.role], now: now, on: tx)
            }
        } catch where error.isConstraintFailure {
            throw AppError.conflict("staff.exists", "This e-mail address already has a staff account in this shop.")
        }
        return StaffView(record)
    }

    // MARK: API keys

    /// A new API key for the owner's shop (the secret is shown once), audited.
    package func issueKey(label: String?, owner: StaffSession) async throws -> (APIKeyRecord, String) {
        var errors = ValidationErrors()
        let label = (label ?? "").trimmingCharacters(in: .whitespaces)
        if label.count > 80 { errors.add("label", "must be at most 80 characters") }
        try errors.throwIfAny()
        let now = services.clock.now()
        let services = self.services
        return try await services.database.transaction { tx in
            let (record, secret) = try await services.apiKeys.issue(
                shop: owner.shopID, label: label.isEmpty ? "API key" : label, now: now, on: tx)
            try await services.audit.append(
                shop: owner.shopID, actor: .staff(owner.staffId), action: "api_key.created", subjectType: "api_key",
                subjectId: record.id, after: ["prefix": record.prefix], now: now, on: tx)
            return (record, secret)
        }
    }

    package func revokeKey(_ id: String, owner: StaffSession) async throws {
        let now = services.clock.now()
        let services = self.services
        let revoked = try await services.database.transaction { tx in
            guard try await services.apiKeys.revoke(id, shop: owner.shopID, now: now, on: tx) else { return false }
            try await services.audit.append(
                shop: owner.shopID, actor: .staff(owner.staffId), action: "api_key.revoked", subjectType: "api_key",
                subjectId: id, before: ["state": "active"], after: ["state": "revoked"], now: now, on: tx)
            return true
        }
        guard revoked else { throw AppError.notFound("API key", code: "api_key.not_found") }
    }
}
