import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// Resolves who is calling from `Authorization: Bearer …` or the session cookie. Routes decide what they require.
/// A staff session used on the API must also send its CSRF token in `X-CSRF-Token` for anything but reads.
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let services: AppServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        let proxies = services.config.trustedProxies
        if !proxies.isEmpty {
            context.clientAddress = proxies.client(
                peer: context.clientAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!],
                forwarded: request.headers[values: .init("Forwarded")!])
        }
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer ") else { throw Problem.unauthorized() }
            let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let identity = try await services.identity(forBearer: token) else { throw Problem.unauthorized() }
            context.identity = identity
        } else if let token = request.cookies[SessionCookie.name]?.value, !token.isEmpty {
            if let session = try await services.sessions.find(token: token, now: services.clock.now(),
                                                              on: services.database.read)
            {
                context.identity = .staff(session)
                context.sessionToken = token
                if request.uri.path.hasPrefix("/api/"), request.method.isUnsafe,
                   request.headers[.init("X-CSRF-Token")!] != session.csrfToken
                {
                    throw Problem(status: .forbidden, title: "Forbidden",
                                  detail: "A staff session needs its CSRF token in X-CSRF-Token for this call.")
                }
            }
        }
        if let shop = context.identity?.shop { context.logger[metadataKey: "shop"] = "\(shop.rawValue)" }
        return try await next(request, context)
    }
}

extension HTTPRequest.Method {
    var isUnsafe: Bool { ![.get, .head, .options].contains(self) }
}

enum SessionCookie {
    static let name = "redress_session"
    static let csrfName = "redress_csrf"
}
