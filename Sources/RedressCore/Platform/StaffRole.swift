/// What a staff member may do in their shop (S2).
public enum StaffRole: String, Codable, Sendable, CaseIterable {
    case owner
    case agent
    case viewer

    /// Agents and owners work cases; viewers see everything and change nothing.
    public var canWrite: Bool { self != .viewer }

    /// Only owners manage staff, API keys and shop settings.
    public var canManageShop: Bool { self == .owner }
}
