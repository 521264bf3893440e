import Foundation
import Hummingbird
import Logging
import NIOCore
import RedressApp
import RedressCore
import RedressPersistence

/// Turns every error into a problem document (API) or a friendly page (browser), and never shows internals.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, context: context)
            return respond(problem, request: request, context: context)
        }
    }

    static func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as AppError:
            return Problem(error)
        case let errors as ValidationErrors:
            return .invalid(errors.fields)
        case is StaleVersion:
            return .conflict("Somebody else changed this in the meantime. Reload it and try again.")
        case let error as HTTPError:
            let detail = error.body ?? error.status.reasonPhrase
            var problem = Problem(status: error.status, title: error.status.reasonPhrase, detail: detail)
            problem.headers = error.headers
            if error.status == .contentTooLarge { problem.detail = "The request body is too large." }
            return problem
        case is NIOTooManyBytesError:
            return Problem(status: .contentTooLarge, title: "Content Too Large", detail: "The request body is too large.")
        case is DecodingError:
            return .badRequest("The request body is not valid JSON of the expected shape.")
        case let busy where busy.isDatabaseBusy:
            // Overload is the client's to retry, not a defect: 503 with a short Retry-After.
            context.logger.warning("database busy: every connection stayed taken past the pool's wait")
            var problem = Problem(status: .serviceUnavailable, title: "Service Unavailable",
                                  detail: "The server is busy. Try again in a few seconds.")
            problem.headers[.retryAfter] = "2"
            return problem
        default:
            // The type and message of an unexpected error go to the log with the request id, never to the client.
            context.logger.error("unhandled error", metadata: ["error.type": "\(String(reflecting: type(of: error)))",
                                                              "error": "\(String(describing: error).prefix(300))"])
            return Problem(status: .internalServerError, title: "Internal Server Error",
                           detail: "Something went wrong on our side. The request id is \(context.id).")
        }
    }

    static func wantsHTML(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/api/") || path == "/openapi.json" || path == "/metrics" || path == "/health"
            || path == "/ready"
        {
            return false
        }
        return true
    }

    private func respond(_ problem: Problem, request: Request, context: Context) -> Response {
        var headers = problem.headers
        if Self.wantsHTML(request) {
            let t = Localization.forVisitor(request, preferred: request.cookies["redress_lang"]?.value)
            // An application error reads in the visitor's language when its code has words (`error.<code>`).
            // Issue 17: the title, the refusal and the field errors too (a form page without its own error box).
            let title = t.optional("error_title_\(problem.status.code)") ?? problem.title
            let fields = problem.fieldLines(t)
            let words = problem.code.flatMap { t.optional("error." + $0) }
                ?? (problem.status == .notFound ? t.optional("error.not_found") : nil)
            let detail = fields.isEmpty ? (words ?? problem.detail) : t("error.invalid")
            let page = ErrorPage(title: title, detail: detail, errors: fields, hasErrors: !fields.isEmpty,
                                 meta: t("error_meta", ["status": String(problem.status.code), "id": context.id]))
            var response = pages.page(.error, ErrorPageModel(page: page, chrome: .plain(title: title, lang: t.language)))
            response.status = problem.status
            for field in headers { response.headers.append(field) }
            return response
        }
        headers[.contentType] = "application/problem+json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(problem.body(instance: request.uri.path))) ?? Data("{}".utf8)
        return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

struct ErrorPage: Encodable {
    var title: String
    var detail: String
    var errors: [String] = []
    var hasErrors = false
    var meta: String
}

struct ErrorPageModel: Encodable {
    var page: ErrorPage
    var chrome: Chrome
}
