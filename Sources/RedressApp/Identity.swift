import RedressCore
import RedressPersistence

/// Who is calling. Resolved once per request by `IdentityMiddleware`.
public enum Identity: Sendable {
    /// The installation admin (Bearer admin token).
    case admin
    /// A shop's integration (Bearer shop API key); it may do what an agent may do.
    case integration(ShopID)
    /// A signed-in staff member (session cookie).
    case staff(StaffSession)

    public var shop: ShopID? {
        switch self {
        case .admin: return nil
        case .integration(let shop): return shop
        case .staff(let session): return session.shopID
        }
    }

    public var canWrite: Bool {
        switch self {
        case .admin, .integration: return true
        case .staff(let session): return session.staffRole.canWrite
        }
    }

    public var actor: AuditActor {
        switch self {
        case .admin: return .admin
        case .integration(let shop): return .apiKey(shop)
        case .staff(let session): return .staff(session.staffId)
        }
    }
}
