import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import RedressApp
import RedressCore
import RedressPersistence

/// Staff passwords (S2, issue 15): change it in the panel, or reset a forgotten one by a signed, expiring, one-use
/// e-mailed link. Either way every other session of the account ends.
struct PasswordPages {
    let services: AppServices
    let pages: PageRenderer
    let tokens = StaffTokenStore()
    /// A reset link works for an hour.
    static let resetValidity: TimeInterval = 3600
    /// Reset mails per address and per account in the login throttle's window.
    static let resetThrottle = LoginThrottle(maxFailures: 5, window: 15 * 60)

    struct ForgotModel: Encodable {
        var chrome: Chrome
        var email: String
        var sent: Bool
        var error: String?
    }

    struct ResetModel: Encodable {
        var chrome: Chrome
        var valid: Bool
        var action: String
        var errors: [String]
    }

    struct AccountModel: Encodable {
        var chrome: Chrome
        var signedInAs: String
        var done: Bool
        var errors: [String]
    }

    func register(on router: Router<AppContext>) {
        router.get("/login/forgot") { request, _ in
            try await CSRF.withAnonymousToken(request, secure: services.config.secureCookies) {
                forgotPage(request, email: "", sent: false)
            }
        }
        router.post("/login/forgot") { request, context in
            try await requestReset(request, context: context)
        }
        router.get("/login/reset/{token}") { request, context in
            try await CSRF.withAnonymousToken(request, secure: services.config.secureCookies) {
                let token = try context.parameters.require("token")
                let holder = try await tokens.peek(token, purpose: StaffTokenStore.passwordReset,
                                                   now: services.clock.now(), on: services.database.sql)
                return resetPage(request, token: token, valid: holder != nil,
                                 errors: holder == nil ? [Localization.forPanel(request)("reset_unknown")] : [],
                                 status: holder == nil ? .notFound : .ok)
            }
        }
        router.post("/login/reset/{token}") { request, context in
            try await reset(request, token: try context.parameters.require("token"))
        }
        router.get("/panel/account") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            return try await accountPage(request, session, done: false, errors: [])
        }
        router.post("/panel/account/password") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request, limit: 16 * 1024)
            try CSRF.check(form, expected: session.csrfToken)
            return try await change(request, session, form: form)
        }
    }

    // MARK: Forgotten password

    private func forgotPage(_ request: Request, email: String, sent: Bool, error: String? = nil,
                            status: HTTPResponse.Status = .ok) -> Response {
        let t = Localization.forPanel(request)
        return pages.page(.passwordForgot, ForgotModel(
            chrome: .plain(title: t("forgot_heading"), lang: t.language, csrf: CSRF.anonymousToken(request).token),
            email: email, sent: sent, error: error), status: status)
    }

    /// The same answer whether or not the address has an account, so the form tells nobody which addresses exist.
    private func requestReset(_ request: Request, context: AppContext) async throws -> Response {
        let form = try await FormData.read(request, limit: 16 * 1024)
        try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let now = services.clock.now()
        let sql = services.database.sql
        let keys = ["reset-ip:" + context.clientAddress, "reset:" + SecretHash.of(Validate.normalizedEmail(email))]
        for key in keys {
            let sent = try await services.throttle.failures(key: key, since: Self.resetThrottle.windowStart(now: now), on: sql)
            if case .throttled(let retryAfter) = Self.resetThrottle.decide(failures: sent, now: now) {
                var response = forgotPage(
                    request, email: email, sent: false,
                    error: Localization.forPanel(request)("login_throttled", ["minutes": String(retryAfter / 60 + 1)]),
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(retryAfter)
                return response
            }
        }
        // Every request counts against the budget, found or not: no mail bombing through the form.
        try await services.throttle.recordFailure(keys: keys, at: now, on: sql)
        // One link per account (the same address may be staff of several shops), each mail in its shop's name.
        for staff in Validate.isEmail(email) ? try await services.staff.all(email: email, on: sql) : [] {
            guard let shop = try await services.shops.find(ShopID(staff.shopId), on: sql) else { continue }
            try await services.database.transaction { tx in
                let token = try await tokens.issue(purpose: StaffTokenStore.passwordReset, staffId: staff.id,
                                                   shop: shop.shopID, now: now,
                                                   expiresAt: now.addingTimeInterval(Self.resetValidity), on: tx)
                try await Notifier(services: services).send(
                    .passwordReset, to: [staff.email], locale: Localization.forPanel(request).language, shop: shop,
                    link: services.config.url(.passwordReset(token: token)), now: now, on: tx)
                try await services.audit.append(shop: shop.shopID, actor: .system, action: "staff.password_reset_requested",
                                                subjectType: "staff", subjectId: staff.id, now: now, on: tx)
            }
        }
        return forgotPage(request, email: "", sent: true)
    }

    private func resetPage(_ request: Request, token: String, valid: Bool, errors: [String],
                           status: HTTPResponse.Status = .ok) -> Response {
        let t = Localization.forPanel(request)
        return pages.page(.passwordReset, ResetModel(
            chrome: .plain(title: t("reset_heading"), lang: t.language, csrf: CSRF.anonymousToken(request).token),
            valid: valid, action: "/login/reset/\(token)", errors: errors), status: status)
    }

    private func reset(_ request: Request, token: String) async throws -> Response {
        let form = try await FormData.read(request, limit: 16 * 1024)
        try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
        let t = Localization.forPanel(request)
        let password = form["password"] ?? ""
        var errors = ValidationErrors()
        StaffPassword.check(password, confirmation: form["confirmation"] ?? "", into: &errors)
        guard errors.isEmpty else {
            return resetPage(request, token: token, valid: true, errors: errors.fields.values.sorted(),
                             status: .unprocessableContent)
        }
        let hash = try await services.passwordHash(password)
        let now = services.clock.now()
        let changed: Bool = try await services.database.transaction { tx in
            guard let staffId = try await tokens.consume(token, purpose: StaffTokenStore.passwordReset, now: now, on: tx),
                  let staff = try await services.staff.find(tokenHolder: staffId, on: tx)
            else { return false }
            try await setPassword(hash, staff: staff, keeping: nil, action: "staff.password_reset", now: now, on: tx)
            return true
        }
        guard changed else { return resetPage(request, token: token, valid: false, errors: [t("reset_unknown")],
                                              status: .notFound) }
        return Response.seeOther("/login?reset=1")
    }

    // MARK: Change in the panel

    private func accountPage(_ request: Request, _ session: StaffSession, done: Bool, errors: [String],
                             status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = Localization.forPanel(request)
        let chrome = try await PanelFrame(services: services).chrome(session, t, title: t("account_heading"),
                                                                    path: request.uri.path)
        let email = try await services.staff.find(session.staffId, shop: session.shopID, on: services.database.sql)?
            .email ?? ""
        return pages.page(.panelAccount, AccountModel(
            chrome: chrome, signedInAs: t("account_signed_in_as", ["email": email]), done: done, errors: errors),
            status: status)
    }

    private func change(_ request: Request, _ session: StaffSession, form: FormData) async throws -> Response {
        let t = Localization.forPanel(request)
        let sql = services.database.sql
        guard let staff = try await services.staff.find(session.staffId, shop: session.shopID, on: sql) else {
            throw Problem.unauthorized()
        }
        let current = form["current"] ?? ""
        let stored = staff.passwordHash
        let valid = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(current, hash: stored) }
        var errors = ValidationErrors()
        if !valid { errors.add("current", t("password_wrong_current")) }
        let password = form["password"] ?? ""
        StaffPassword.check(password, confirmation: form["confirmation"] ?? "", into: &errors)
        guard errors.isEmpty else {
            return try await accountPage(request, session, done: false, errors: errors.fields.values.sorted(),
                                         status: .unprocessableContent)
        }
        let hash = try await services.passwordHash(password)
        let now = services.clock.now()
        try await services.database.transaction { tx in
            try await setPassword(hash, staff: staff, keeping: session.sessionId, action: "staff.password_changed",
                                  now: now, on: tx)
        }
        return try await accountPage(request, session, done: true, errors: [])
    }

    // MARK: Shared

    /// The new hash, every other session ended, every outstanding reset link spent, and an audit entry.
    private func setPassword(_ hash: String, staff: StaffRecord, keeping sessionId: String?, action: String, now: Date,
                             on tx: DatabaseSession) async throws {
        try await services.staff.setPasswordHash(hash, staffId: staff.id, on: tx)
        try await services.sessions.deleteAll(staffId: staff.id, keeping: sessionId, on: tx)
        try await tokens.revokeAll(staffId: staff.id, now: now, on: tx)
        try await services.audit.append(shop: ShopID(staff.shopId), actor: .staff(staff.id), action: action,
                                        subjectType: "staff", subjectId: staff.id, now: now, on: tx)
    }
}
