import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import RedressApp
import RedressCore
import RedressPersistence

/// Staff sign-in and sign-out (S2): bcrypt, database sessions, CSRF on the form, throttling per account and address.
struct AuthPages {
    let services: AppServices
    let pages: PageRenderer

    struct ShopChoice: Encodable {
        var value: String
        var label: String
    }

    struct LoginModel: Encodable {
        var chrome: Chrome
        var email: String
        var error: String?
        var notice: String?
        /// The shops whose account takes this address and password, when there is more than one.
        var shops: [ShopChoice]
        var chooseShop: Bool
    }

    func register(on router: Router<AppContext>) {
        router.get("/login") { request, context in
            if case .staff = context.identity { return Response.seeOther("/panel") }
            return loginPage(request: request, email: "", error: nil, status: .ok,
                             notice: request.uri.queryParameters.get("reset") == "1" ? "reset_done" : nil)
        }
        router.post("/login") { request, context in
            try await signIn(request, context: context)
        }
        router.post("/logout") { request, context in
            let session = try context.requireStaff()
            try CSRF.check(try await FormData.read(request), expected: session.csrfToken)
            if let token = context.sessionToken {
                try await services.sessions.delete(token: token, on: services.database.sql)
            }
            var response = Response.seeOther("/login")
            response.setCookie(expiredCookie(SessionCookie.name))
            return response
        }
    }

    private func loginPage(request: Request, email: String, error: String?, status: HTTPResponse.Status,
                           notice: String? = nil, shops: [ShopChoice] = []) -> Response {
        let (csrf, isNew) = CSRF.anonymousToken(request)
        let t = Localization.forPanel(request)
        var response = pages.page(
            .login, LoginModel(chrome: .plain(title: t("sign_in"), lang: t.language, csrf: csrf), email: email,
                                error: error, notice: notice.map { t($0) }, shops: shops, chooseShop: !shops.isEmpty),
                                status: status)
        if isNew { response.setCookie(CSRF.cookie(csrf, secure: services.config.secureCookies)) }
        return response
    }

    private func signIn(_ request: Request, context: AppContext) async throws -> Response {
        let form = try await FormData.read(request, limit: 16 * 1024)
        try CSRF.check(form, expected: request.cookies[SessionCookie.csrfName]?.value)
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let now = services.clock.now()
        let sql = services.database.sql
        let keys = ["account:" + SecretHash.of(Validate.normalizedEmail(email)), "ip:" + context.clientAddress]
        for key in keys {
            let failures = try await services.throttle.failures(
                key: key, since: services.loginThrottle.windowStart(now: now), on: sql)
            if case .throttled(let retryAfter) = services.loginThrottle.decide(failures: failures, now: now) {
                var response = loginPage(
                    request: request, email: email,
                    error: Localization.forPanel(request)("login_throttled", ["minutes": String(retryAfter / 60 + 1)]),
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(retryAfter)
                return response
            }
        }
        // An address may have an account in several shops, each with its own password (issue 15, item 7).
        let accounts = try await services.staff.all(email: email, on: sql)
        // Without an account, still spend the time of a bcrypt check, so timing does not tell which addresses exist.
        // (The dummy hash is made on first use, so it is read on the thread pool, not on an event loop.)
        let stored = accounts.map(\.passwordHash)
        let services = self.services
        let valid = try await NIOThreadPool.singleton.runIfActive {
            (stored.isEmpty ? [services.dummyPasswordHash] : stored).map { Bcrypt.verify(password, hash: $0) }
        }
        let matching = accounts.enumerated().filter { valid[$0.offset] }.map(\.element)
        var chosen = matching.first
        if matching.count > 1 {
            // The same password in two shops: the form asks which shop, once the password is known to be right.
            var shops: [ShopRecord] = []
            for account in matching {
                if let shop = try await services.shops.find(ShopID(account.shopId), on: sql) { shops.append(shop) }
            }
            chosen = matching.first { account in shops.contains { $0.id == account.shopId && $0.slug == form["shop"] } }
            if chosen == nil {
                return loginPage(request: request, email: email, error: nil, status: .ok,
                                 shops: shops.map { ShopChoice(value: $0.slug, label: $0.name) })
            }
        }
        guard let staff = chosen, !password.isEmpty else {
            try await services.throttle.recordFailure(keys: keys, at: now, on: sql)
            context.logger.info("sign-in failed")
            return loginPage(request: request, email: email, error: Localization.forPanel(request)("login_wrong"),
                             status: .unauthorized)
        }
        let session = try await services.database.transaction { tx in
            let session = try await services.sessions.create(
                staffId: staff.id, shopId: staff.shopId, now: now, lifetime: services.config.sessionLifetime, on: tx)
            try await services.audit.append(
                shop: ShopID(staff.shopId), actor: .staff(staff.id), action: "staff.signed_in", subjectType: "staff",
                subjectId: staff.id, now: now, on: tx)
            return session
        }
        var response = Response.seeOther("/panel")
        response.setCookie(Cookie(
            name: SessionCookie.name, value: session.token, maxAge: Int(services.config.sessionLifetime), path: "/",
            secure: services.config.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    private func expiredCookie(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: services.config.secureCookies, httpOnly: true,
               sameSite: .lax)
    }
}

/// CSRF checks for forms: the hidden `_csrf` field must match the session's token (or, before sign-in, the
/// `redress_csrf` cookie).
enum CSRF {
    static let field = "_csrf"

    static func check(_ form: FormData, expected: String?) throws {
        guard let expected, !expected.isEmpty, let sent = form[field], constantTimeEquals(sent, expected) else {
            throw refusal
        }
    }

    /// An anonymous form can only be genuine with the CSRF cookie: checked before a large body is read.
    static func requireCookie(_ request: Request) throws {
        guard request.cookies[SessionCookie.csrfName]?.value.isEmpty == false else { throw refusal }
    }

    static var refusal: Problem {
        Problem.forbidden("The form has expired or did not come from this site. Reload the page and try again.",
                          code: "form.expired")
    }
}
