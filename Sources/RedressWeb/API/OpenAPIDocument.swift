import Foundation

/// Builds the OpenAPI 3.1 document from the catalog of registered operations.
enum OpenAPIDocument {
    static func render(_ catalog: APICatalog) -> Data {
        var paths: [String: [String: Any]] = [:]
        for operation in catalog.operations {
            var entry: [String: Any] = [
                "summary": operation.summary,
                "tags": [operation.tag],
                "operationId": operationID(operation),
            ]
            let parameters = pathParameters(operation.path).map { name -> [String: Any] in
                ["name": name, "in": "path", "required": true, "schema": ["type": "string"]]
            }
            if !parameters.isEmpty { entry["parameters"] = parameters }
            switch operation.security {
            case .none, .customerToken: entry["security"] = [[String: Any]]()
            case .admin: entry["security"] = [["adminToken": [String]()]]
            case .shop: entry["security"] = [["shopApiKey": [String]()], ["staffSession": [String]()]]
            }
            if let request = operation.request {
                entry["requestBody"] = [
                    "required": true,
                    "content": [operation.requestContentType: ["schema": request.foundation]],
                ]
            }
            var responses: [String: Any] = [:]
            for (status, (description, schema)) in operation.responses {
                var response: [String: Any] = ["description": description]
                if let schema { response["content"] = ["application/json": ["schema": schema.foundation]] }
                responses[String(status)] = response
            }
            for status in errorStatuses(operation) where responses[String(status)] == nil {
                responses[String(status)] = [
                    "description": "Problem (RFC 9457)",
                    "content": ["application/problem+json": ["schema": JSON.ref("Problem").foundation]],
                ]
            }
            entry["responses"] = responses
            paths[operation.path, default: [:]][operation.method.rawValue.lowercased()] = entry
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "Redress API",
                "version": "1.0.0",
                "description": "Review mediation with a fair, capped hold, and complaints answered before the legal "
                    + "deadline. Errors are application/problem+json (RFC 9457).",
            ],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "adminToken": ["type": "http", "scheme": "bearer", "description": "Installation admin token"],
                    "shopApiKey": ["type": "http", "scheme": "bearer", "description": "A shop's API key (rk_…)"],
                    "staffSession": ["type": "apiKey", "in": "cookie", "name": SessionCookie.name],
                ],
                "schemas": Dictionary(uniqueKeysWithValues: APISchemas.all.map { ($0.0, $0.1.foundation) }),
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    static func operationID(_ operation: APIOperation) -> String {
        let words = operation.path.split(separator: "/").filter { $0 != "api" && $0 != "v1" }
            .map { $0.replacingOccurrences(of: "{", with: "by-").replacingOccurrences(of: "}", with: "") }
        return ([operation.method.rawValue.lowercased()] + words).joined(separator: "_")
            .replacingOccurrences(of: "-", with: "_")
    }

    private static func errorStatuses(_ operation: APIOperation) -> [Int] {
        var statuses = [400]
        if operation.security == .admin || operation.security == .shop { statuses += [401, 403] }
        if !pathParameters(operation.path).isEmpty || operation.security == .customerToken { statuses.append(404) }
        if operation.request != nil { statuses += [413, 422] }
        return statuses
    }
}

/// The component schemas the operations refer to.
enum APISchemas {
    static let all: [(String, JSON)] = [
        ("Problem", .object(required: ["type", "title", "status", "detail"], [
            ("type", .string), ("title", .string), ("status", .integer), ("detail", .string),
            ("instance", .string),
            ("errors", .object([("type", .string("object")), ("additionalProperties", .string)])),
        ])),
        ("NewShop", .object(required: ["name", "slug"], [
            ("name", .stringMax(120, min: 1)), ("slug", .stringMax(60, min: 2)),
            ("locale", .enumeration(["pl", "en", "es", "el"])), ("timeZone", .string),
            ("senderEmail", .string),
        ])),
        ("ShopCreated", .object(required: ["id", "slug", "apiKey"], [
            ("id", .string), ("slug", .string), ("apiKey", .string),
        ])),
        ("Shop", .object(required: ["id", "slug", "name", "locale", "timeZone", "version"], [
            ("id", .string), ("slug", .string), ("name", .string), ("locale", .string), ("timeZone", .string),
            ("senderEmail", .nullable("string")), ("version", .integer),
        ])),
        ("ShopUpdate", .object(required: ["version"], [
            ("name", .stringMax(120, min: 1)), ("locale", .enumeration(["pl", "en", "es", "el"])),
            ("timeZone", .string), ("version", .integer),
        ])),
        ("NewStaff", .object(required: ["email", "name", "role", "password"], [
            ("email", .string), ("name", .stringMax(120, min: 1)),
            ("role", .enumeration(["owner", "agent", "viewer"])), ("password", .stringMax(200, min: 10)),
        ])),
        ("Staff", .object(required: ["id", "email", "name", "role", "createdAt"], [
            ("id", .string), ("email", .string), ("name", .string), ("role", .string), ("createdAt", .dateTime),
        ])),
        ("NewAPIKey", .object(required: [], [("label", .stringMax(80))])),
        ("APIKeyCreated", .object(required: ["id", "label", "apiKey"], [
            ("id", .string), ("label", .string), ("apiKey", .string),
        ])),
        ("APIKey", .object(required: ["id", "label", "prefix", "createdAt"], [
            ("id", .string), ("label", .string), ("prefix", .string), ("createdAt", .dateTime),
            ("revokedAt", .nullable("string", format: "date-time")),
        ])),
        ("AuditEntry", .object(required: ["id", "at", "actorType", "action", "subjectType", "subjectId"], [
            ("id", .string), ("at", .dateTime), ("actorType", .string), ("actorId", .nullable("string")),
            ("action", .string), ("subjectType", .string), ("subjectId", .string),
            ("before", .nullable("string")), ("after", .nullable("string")),
        ])),
        ("TestClockChange", .object(required: [], [("advanceBy", .string), ("set", .dateTime)])),
        ("TestClockNow", .object(required: ["now"], [("now", .dateTime)])),
        ("Health", .object(required: ["status"], [("status", .string)])),
    ]
}
