import Foundation

/// Reply templates with placeholders (C8): `{{customer.firstName}}`, `{{complaint.reference}}`, … Unknown
/// placeholders are refused when a template is saved, so a customer never receives a raw `{{…}}`.
public enum ReplyTemplate {
    public static let placeholders = [
        "customer.name", "customer.firstName", "complaint.reference", "complaint.answerDueAt", "complaint.receivedAt",
        "complaint.requestedRemedy", "decision.remedy", "shop.name",
    ]

    /// The placeholders used in `body`, in order of appearance.
    public static func names(in body: String) -> [String] {
        var names: [String] = []
        var rest = body[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// Checks a template: a name, a known language, a body of 1…5,000 characters with known placeholders only.
    public static func validate(name: String?, language: String?, body: String?) throws -> (String, String, String) {
        var errors = ValidationErrors()
        let name = Validate.requiredText(name, field: "name", max: 80, into: &errors)
        let language = language ?? ""
        if !Validate.supportedLocales.contains(language) { errors.add("language", "must be pl, en, es or el") }
        let body = Validate.requiredText(body, field: "body", max: 5_000, into: &errors)
        let unknown = names(in: body).filter { !placeholders.contains($0) }
        if !unknown.isEmpty {
            errors.add("body", "unknown placeholder \(unknown.map { "{{\($0)}}" }.joined(separator: ", ")); "
                + "use \(placeholders.map { "{{\($0)}}" }.joined(separator: ", "))")
        }
        try errors.throwIfAny()
        return (name, language, body)
    }

    /// Fills the placeholders; a value that is not known (no decision yet) becomes an empty string.
    public static func render(_ body: String, values: [String: String]) -> String {
        var output = ""
        var rest = body[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            output += rest[..<open.lowerBound]
            output += values[rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)] ?? ""
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// The first word of a full name.
    public static func firstName(_ name: String) -> String {
        name.split(separator: " ").first.map(String.init) ?? ""
    }
}

/// Round-robin assignment by category among available agents (C8): the agent who has waited longest since their
/// last assignment gets the next complaint; an agent with no categories takes any.
public struct AgentSlot: Sendable, Equatable {
    public var staffId: String
    public var categories: Set<String>
    public var available: Bool
    public var lastAssignedAt: Date?

    public init(staffId: String, categories: Set<String>, available: Bool, lastAssignedAt: Date?) {
        self.staffId = staffId
        self.categories = categories
        self.available = available
        self.lastAssignedAt = lastAssignedAt
    }

    public static func next(for category: String, among slots: [AgentSlot]) -> String? {
        slots.filter { $0.available && ($0.categories.isEmpty || $0.categories.contains(category)) }
            .min { lhs, rhs in
                switch (lhs.lastAssignedAt, rhs.lastAssignedAt) {
                case (nil, nil): return lhs.staffId < rhs.staffId
                case (nil, _): return true
                case (_, nil): return false
                case let (l?, r?): return l == r ? lhs.staffId < rhs.staffId : l < r
                }
            }?.staffId
    }
}
