import Hummingbird
import NIOCore
import RedressApp
import RedressCore
import RedressPersistence

/// The request context of every route: who is calling and from where.
public struct AppContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    public let remoteAddress: SocketAddress?
    /// The raw session token, kept to sign out.
    public var sessionToken: String?

    /// The caller's address for throttling, without the port: the peer, or behind a trusted proxy the client it
    /// forwarded for (set by `IdentityMiddleware`).
    public var clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientAddress = remoteAddress?.ipAddress ?? "unknown"
    }

    public var maxUploadSize: Int { 1024 * 1024 }


    /// The calling shop, or 401 without credentials and 403 for the admin (who has no shop).
    public func requireShop() throws -> ShopID {
        guard let identity else { throw Problem.unauthorized() }
        guard let shop = identity.shop else {
            throw Problem(status: .forbidden, title: "Forbidden", detail: "This call needs a shop API key or a staff session.")
        }
        return shop
    }

    /// The calling shop when it may change things (not a viewer).
    public func requireShopWriter() throws -> ShopID {
        let shop = try requireShop()
        guard identity?.canWrite == true else {
            throw Problem.forbidden("Viewers can see everything but change nothing.", code: "role.viewer")
        }
        return shop
    }

    /// A shop owner signed in on the panel or through the API.
    public func requireOwner() throws -> StaffSession {
        guard let identity else { throw Problem.unauthorized() }
        guard case .staff(let session) = identity, session.staffRole.canManageShop else {
            throw Problem.forbidden("Only a shop owner may do this.", code: "role.owner")
        }
        return session
    }

    public func requireStaff() throws -> StaffSession {
        guard case .staff(let session) = identity else { throw Problem.unauthorized() }
        return session
    }

    public func requireAdmin() throws {
        guard let identity else { throw Problem.unauthorized() }
        guard case .admin = identity else {
            throw Problem(status: .forbidden, title: "Forbidden", detail: "This call needs the installation admin token.")
        }
    }
}
