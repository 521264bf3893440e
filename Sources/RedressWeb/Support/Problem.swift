import Foundation
import RedressApp
import RedressApp
import RedressCore
import Hummingbird

/// An error that becomes an RFC 9457 problem document on the API and a friendly page in the browser.
public struct Problem: Error, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var errors: [String: String]?
    public var headers: HTTPFields = [:]
    /// The application error's stable code, when the problem came from one (pages translate it as `error.<code>`).
    public var code: String?

    public init(status: HTTPResponse.Status, title: String, detail: String, errors: [String: String]? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    /// The problem document of an application error: its kind gives the status, its English detail and field
    /// messages the body.
    public init(_ error: AppError) {
        switch error.kind {
        case .notFound: self.init(status: .notFound, title: "Not Found", detail: error.detail)
        case .conflict: self.init(status: .conflict, title: "Conflict", detail: error.detail)
        case .forbidden: self.init(status: .forbidden, title: "Forbidden", detail: error.detail)
        case .badRequest: self.init(status: .badRequest, title: "Bad Request", detail: error.detail)
        case .invalid:
            self.init(status: .unprocessableContent, title: "Invalid input", detail: error.detail,
                      errors: error.fields.isEmpty ? nil : error.fields)
        case .throttled:
            self.init(status: .tooManyRequests, title: "Too Many Requests", detail: error.detail)
            if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        }
        code = error.code
    }

    public static func unauthorized() -> Problem {
        Problem(status: .unauthorized, title: "Unauthorized", detail: "Missing or invalid credentials.")
    }

    public static func notFound(_ what: String = "resource") -> Problem {
        var problem = Problem(status: .notFound, title: "Not Found", detail: "No such \(what).")
        problem.code = "not_found"
        return problem
    }

    /// A refusal with a stable code, so that a page can say it in the reader's language (`error.<code>`).
    static func forbidden(_ detail: String, code: String) -> Problem {
        var problem = Problem(status: .forbidden, title: "Forbidden", detail: detail)
        problem.code = code
        return problem
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, title: "Forbidden", detail: detail)
    }

    public static func conflict(_ detail: String) -> Problem {
        Problem(status: .conflict, title: "Conflict", detail: detail)
    }

    public static func invalid(_ errors: [String: String]) -> Problem {
        Problem(status: .unprocessableContent, title: "Invalid input",
                detail: "Some fields are invalid; see errors.", errors: errors)
    }

    public static func badRequest(_ detail: String) -> Problem {
        Problem(status: .badRequest, title: "Bad Request", detail: detail)
    }

    public static func throttled(retryAfter: Int) -> Problem {
        var problem = Problem(status: .tooManyRequests, title: "Too Many Requests",
                              detail: "Too many attempts. Try again in \(retryAfter) seconds.")
        problem.headers[.retryAfter] = String(retryAfter)
        return problem
    }

    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var instance: String?
        var errors: [String: String]?
    }

    func body(instance: String?) -> Body {
        Body(type: "about:blank", title: title, status: Int(status.code), detail: detail, instance: instance,
             errors: errors)
    }
}

extension ValidationErrors {
    /// "field: message" lines, sorted, for the error box of a form page, in the reader's language (issue 17).
    func lines(_ t: Localization) -> [String] { fields.sorted { $0.key < $1.key }.map { t.fieldError($0.key, $0.value) } }
}

extension AppError {
    /// The field errors as lines for a form page in the reader's language, or the detail when there are none
    /// (`error.<code>` when the catalog has the code).
    func lines(_ t: Localization) -> [String] { Problem(self).lines(t) }
}

extension Problem {
    /// The field errors in the reader's language, sorted by field.
    func fieldLines(_ t: Localization) -> [String] {
        (errors ?? [:]).sorted { $0.key < $1.key }.map { t.fieldError($0.key, $0.value) }
    }

    /// The field errors in the reader's language, or the detail (its words when the code has them).
    func lines(_ t: Localization) -> [String] {
        let fields = fieldLines(t)
        return fields.isEmpty ? [code.flatMap { t.optional("error." + $0) } ?? detail] : fields
    }
}
