import Foundation

/// Field-level validation that collects every problem at once, so a form or API call shows all of them.
public struct ValidationErrors: Error, Equatable, Sendable {
    public private(set) var fields: [String: String] = [:]

    public init() {}

    public var isEmpty: Bool { fields.isEmpty }

    public mutating func add(_ field: String, _ message: String) {
        if fields[field] == nil { fields[field] = message }
    }

    /// Adds another set's errors (the first message per field wins).
    public mutating func merge(_ other: ValidationErrors) {
        for (field, message) in other.fields { add(field, message) }
    }

    public func throwIfAny() throws {
        if !isEmpty { throw self }
    }
}

public enum Validate {
    public static let supportedLocales = ["pl", "en", "es", "el"]

    /// Lower-case letters, digits and single dashes, 2 to 60 characters: it appears in public URLs.
    public static func isSlug(_ value: String) -> Bool {
        guard (2...60).contains(value.count) else { return false }
        guard value.first != "-", value.last != "-", !value.contains("--") else { return false }
        return value.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A pragmatic address check: one `@`, a dot in the domain, no spaces, at most 254 characters.
    public static func isEmail(_ value: String) -> Bool {
        guard value.count <= 254, !value.contains(where: { $0.isWhitespace }) else { return false }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 3 else { return false }
        let domain = parts[1]
        return domain.contains(".") && domain.first != "." && domain.last != "."
    }

    /// The form in which addresses are compared and looked up (rule 4 of ARCHITECTURE.md).
    public static func normalizedEmail(_ value: String) -> String {
        value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    public static func isTimeZone(_ value: String) -> Bool {
        TimeZone(identifier: value) != nil
    }

    /// Text that must be present and at most `max` characters after trimming.
    public static func requiredText(
        _ value: String?, field: String, max: Int, into errors: inout ValidationErrors
    ) -> String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            errors.add(field, "is required")
        } else if trimmed.count > max {
            errors.add(field, "must be at most \(max) characters (it has \(trimmed.count))")
        }
        return trimmed
    }
}

/// A staff member's password (S2): 10 to 200 characters; where it is typed twice, both the same.
public enum StaffPassword {
    public static let lengths = 10...200

    public static func check(_ password: String, confirmation: String? = nil, field: String = "password",
                             into errors: inout ValidationErrors) {
        if !lengths.contains(password.count) { errors.add(field, "must be 10 to 200 characters long") }
        if let confirmation, confirmation != password { errors.add("confirmation", "does not match the new password") }
    }
}
