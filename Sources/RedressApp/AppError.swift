import RedressCore

/// What an application service throws when a request cannot be done: a stable `code` (`review.exists`,
/// `order.cancelled`, …) that pages translate and integrators can match, a `kind` that the HTTP layer maps to a
/// status, an English `detail` for the API's problem document, and per-field messages for invalid input.
/// RedressWeb turns it into problem+json or into a friendly page in the visitor's language (`error.<code>`).
public struct AppError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case notFound, conflict, invalid, forbidden, badRequest, throttled
    }

    public var kind: Kind
    public var code: String
    public var detail: String
    /// Field name → English message (invalid input).
    public var fields: [String: String]
    /// Seconds before trying again (throttled).
    public var retryAfter: Int?

    public init(_ kind: Kind, code: String, detail: String, fields: [String: String] = [:], retryAfter: Int? = nil) {
        self.kind = kind
        self.code = code
        self.detail = detail
        self.fields = fields
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code): \(detail)" }

    /// "No such review." with the code `review.not_found`.
    public static func notFound(_ what: String, code: String? = nil) -> AppError {
        AppError(.notFound, code: code ?? what.replacingOccurrences(of: " ", with: "_") + ".not_found",
                 detail: "No such \(what).")
    }

    public static func conflict(_ code: String, _ detail: String) -> AppError {
        AppError(.conflict, code: code, detail: detail)
    }

    public static func forbidden(_ code: String, _ detail: String) -> AppError {
        AppError(.forbidden, code: code, detail: detail)
    }

    public static func invalid(_ fields: [String: String], code: String = "input.invalid") -> AppError {
        AppError(.invalid, code: code, detail: "Some fields are invalid; see errors.", fields: fields)
    }

    public static func invalid(_ errors: ValidationErrors) -> AppError { invalid(errors.fields) }

    public static func throttled(retryAfter: Int) -> AppError {
        AppError(.throttled, code: "throttled", detail: "Too many attempts. Try again in \(retryAfter) seconds.",
                 retryAfter: retryAfter)
    }

    /// A rule of the review state machine refused the change.
    public static func rule(_ violation: ReviewRuleViolation) -> AppError { conflict("review.rule", violation.reason) }

    /// A rule of the complaint lifecycle refused the change.
    public static func rule(_ violation: ComplaintRuleViolation) -> AppError {
        conflict("complaint.rule", violation.reason)
    }
}
