import Foundation
import Hummingbird
import RedressApp

/// One API operation: how it is registered on the router and how the OpenAPI document describes it.
/// Registering through the catalog keeps `/openapi.json` in step with the routes by construction.
struct APIOperation: Sendable {
    enum Security: Sendable { case none, admin, shop, customerToken }

    var method: HTTPRequest.Method
    var path: String
    var summary: String
    var tag: String
    var security: Security
    var request: JSON?
    var requestContentType: String = "application/json"
    /// Query parameters: name → schema (all optional).
    var query: [(String, JSON)] = []
    /// Status code → (description, schema or nil).
    var responses: [Int: (String, JSON?)]
}

/// A tiny JSON value for building the OpenAPI document.
indirect enum JSON: Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSON])
    case object([(String, JSON)])
    case null

    var foundation: Any {
        switch self {
        case .string(let value): return value
        case .number(let value): return value == value.rounded() ? Int(value) as Any : value
        case .bool(let value): return value
        case .array(let values): return values.map(\.foundation)
        case .object(let pairs): return Dictionary(pairs.map { ($0.0, $0.1.foundation) }, uniquingKeysWith: { $1 })
        case .null: return NSNull()
        }
    }

    // Schema helpers.
    static func ref(_ name: String) -> JSON { .object([("$ref", .string("#/components/schemas/\(name)"))]) }
    static let string = JSON.object([("type", .string("string"))])
    static let integer = JSON.object([("type", .string("integer"))])
    static let boolean = JSON.object([("type", .string("boolean"))])
    static let dateTime = JSON.object([("type", .string("string")), ("format", .string("date-time"))])
    static func nullable(_ type: String, format: String? = nil) -> JSON {
        var pairs: [(String, JSON)] = [("type", .array([.string(type), .string("null")]))]
        if let format { pairs.append(("format", .string(format))) }
        return .object(pairs)
    }
    static func enumeration(_ values: [String]) -> JSON {
        .object([("type", .string("string")), ("enum", .array(values.map(JSON.string)))])
    }
    static func stringMax(_ max: Int, min: Int = 0) -> JSON {
        .object([("type", .string("string")), ("minLength", .number(Double(min))), ("maxLength", .number(Double(max)))])
    }
    static func array(of item: JSON) -> JSON { .object([("type", .string("array")), ("items", item)]) }
    static func object(required: [String], _ properties: [(String, JSON)], additional: Bool = true) -> JSON {
        var pairs: [(String, JSON)] = [("type", .string("object")), ("properties", .object(properties))]
        if !required.isEmpty { pairs.append(("required", .array(required.map(JSON.string)))) }
        if !additional { pairs.append(("additionalProperties", .bool(false))) }
        return .object(pairs)
    }
    /// A page of a list; `nextCursor` is absent (or null) on the last page.
    static func page(of item: JSON) -> JSON {
        object(required: ["items"], [("items", array(of: item)), ("nextCursor", nullable("string"))])
    }

    /// Whether this schema is the problem document (answered as `application/problem+json`).
    var isProblem: Bool {
        if case .object(let pairs) = self, pairs.count == 1, pairs[0].0 == "$ref",
           case .string(let target) = pairs[0].1 {
            return target == "#/components/schemas/Problem"
        }
        return false
    }
}

/// Collects the API operations as they are registered.
final class APICatalog: @unchecked Sendable {
    private(set) var operations: [APIOperation] = []
    private let lock = NSLock()

    func add(_ operation: APIOperation) {
        lock.lock()
        operations.append(operation)
        lock.unlock()
    }
}

extension Router where Context == AppContext {
    /// Registers an API route and records it for the OpenAPI document.
    func api(
        _ method: HTTPRequest.Method, _ path: String, catalog: APICatalog, summary: String, tag: String,
        security: APIOperation.Security, request: JSON? = nil, requestContentType: String = "application/json",
        query: [(String, JSON)] = [], responses: [Int: (String, JSON?)],
        use handler: @Sendable @escaping (Request, AppContext) async throws -> Response
    ) {
        catalog.add(APIOperation(
            method: method, path: path, summary: summary, tag: tag, security: security, request: request,
            requestContentType: requestContentType, query: query, responses: responses))
        // The credential the operation declares is checked here, once, before the handler runs: a handler cannot
        // forget it, and the OpenAPI document says what the router enforces.
        switch security {
        case .none, .customerToken:
            on(RouterPath(path), method: method, use: handler)
        case .admin:
            on(RouterPath(path), method: method) { request, context in
                try context.requireAdmin()
                return try await handler(request, context)
            }
        case .shop:
            on(RouterPath(path), method: method) { request, context in
                _ = try context.requireShop()
                return try await handler(request, context)
            }
        }
    }
}
