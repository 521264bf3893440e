import Foundation
import RedressCore

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
            } + operation.query.map { name, schema -> [String: Any] in
                ["name": name, "in": "query", "required": false, "schema": schema.foundation]
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
                if let schema {
                    response["content"] = [schema.isProblem ? "application/problem+json" : "application/json":
                                            ["schema": schema.foundation]]
                }
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
        // A customer link whose purpose does not allow the call (the shop's review link, a complaint link): 403.
        if operation.security == .customerToken { statuses.append(403) }
        // A shop's call can name something that does not exist (in the path or the body): 404.
        if !pathParameters(operation.path).isEmpty || operation.security == .customerToken || operation.security == .shop {
            statuses.append(404)
        }
        if operation.request != nil { statuses += [413, 422] }
        // A change can meet a state that refuses it, or a newer version (optimistic locking): 409.
        if operation.method != .get && (operation.security == .shop || operation.security == .customerToken) {
            statuses.append(409)
        }
        return statuses
    }
}

/// The component schemas the operations refer to.
enum APISchemas {
    private static let inboundOutcomes: [String] = InboundOutcome.allCases.map(\.rawValue)
    private static let caseKinds: [String] = MailCaseKind.allCases.map(\.rawValue)
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
            ("senderEmail", .nullable("string")), ("inboundAddress", .nullable("string")), ("version", .integer),
        ])),
        ("ShopUpdate", .object(required: ["version"], [
            ("name", .stringMax(120, min: 1)), ("locale", .enumeration(["pl", "en", "es", "el"])),
            ("timeZone", .string), ("senderEmail", .string), ("inboundAddress", .string), ("version", .integer),
        ])),
        ("InboundResult", .object(required: ["outcome"], [
            ("outcome", .enumeration(inboundOutcomes)),
            ("caseType", .enumeration(caseKinds)), ("caseId", .string),
            ("reference", .string), ("reason", .string), ("messageId", .string),
        ])),
        ("Mailbox", .object(required: ["imapUrl", "enabled", "lastUid"], [
            ("imapUrl", .string), ("enabled", .boolean), ("lastPollAt", .dateTime), ("lastError", .string),
            ("lastUid", .integer),
        ])),
        ("MailSuppression", .object(required: ["address", "reason", "createdAt"], [
            ("address", .string), ("reason", .string), ("createdAt", .dateTime),
        ])),
        ("InboundMessage", .object(required: ["id", "door", "outcome", "sha256", "receivedAt", "processedAt", "size"], [
            ("id", .string), ("door", .enumeration(["api", "lmtp", "pipe", "imap"])),
            ("outcome", .enumeration(inboundOutcomes)), ("sha256", .string),
            ("receivedAt", .dateTime), ("processedAt", .dateTime), ("from", .string), ("subject", .string),
            ("reason", .string), ("caseType", .enumeration(caseKinds)),
            ("caseId", .string), ("reference", .string), ("size", .integer),
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
    ] + reviewSchemas + WebhookAPI.schemas + ComplaintAPI.schemas + ReportAPI.schemas

    static let version = JSON.object(required: ["number", "rating", "body", "createdAt", "afterDialog"], [
        ("number", .integer), ("rating", .integer), ("title", .string), ("body", .string), ("createdAt", .dateTime),
        ("afterDialog", .boolean),
    ])
    static let reply = JSON.object(required: ["body", "repliedAt"], [
        ("body", .string), ("repliedAt", .dateTime), ("editableUntil", .dateTime),
    ])
    static let message = JSON.object(required: ["id", "author", "body", "internalNote", "incentiveWarning", "createdAt"], [
        ("id", .string), ("author", .enumeration(["shop", "customer", "system"])), ("staffName", .string),
        ("body", .string), ("internalNote", .boolean), ("incentiveWarning", .boolean), ("createdAt", .dateTime),
        ("via", .enumeration(["email"])), ("senderAddress", .string),
    ])
    static let stars = JSON.object([("type", .string("integer")), ("minimum", .number(1)), ("maximum", .number(5))])

    static let reviewSchemas: [(String, JSON)] = [
        ("NewOrder", .object(required: ["externalId", "placedAt", "customer", "items"], [
            ("externalId", .stringMax(100, min: 1)), ("placedAt", .dateTime),
            ("customer", .object(required: ["email"], [
                ("email", .string), ("name", .stringMax(200)), ("locale", .enumeration(["pl", "en", "es", "el"])),
            ])),
            ("items", .object([("type", .string("array")), ("minItems", .number(1)), ("items", .object(
                required: ["productId"], [
                    ("productId", .stringMax(100, min: 1)), ("name", .stringMax(300)),
                    ("quantity", .object([("type", .string("integer")), ("minimum", .number(1))])),
                    ("unitPrice", .object([("type", .string("number"))])), ("currency", .string),
                ]))])),
            ("deliveredAt", .dateTime),
        ])),
        ("Order", .object(required: ["id", "externalId", "placedAt", "locale"], [
            ("id", .string), ("externalId", .string), ("placedAt", .dateTime), ("deliveredAt", .dateTime),
            ("cancelledAt", .dateTime), ("invitedAt", .dateTime), ("locale", .string),
        ])),
        ("Delivery", .object(required: ["deliveredAt"], [("deliveredAt", .dateTime)])),
        ("ImportReport", .object(required: ["created", "updated", "unchanged", "rejected"], [
            ("created", .integer), ("updated", .integer), ("unchanged", .integer),
            ("rejected", .array(of: .object(required: ["line", "error"], [("line", .integer), ("error", .string)]))),
        ])),
        ("ReviewLink", .object(required: ["url", "token", "expiresAt"], [
            ("url", .string), ("token", .string), ("expiresAt", .dateTime),
        ])),
        ("ReviewInput", .object(required: ["rating", "body"], [
            ("rating", stars), ("title", .stringMax(120)), ("body", .stringMax(5000, min: 10)),
        ])),
        ("ReviewAccepted", .object(required: ["reviewId", "status"], [
            ("reviewId", .string), ("status", .enumeration(["standby", "published", "withdrawn", "removed"])),
            ("publishAt", .dateTime),
        ])),
        ("TextInput", .object(required: ["body"], [("body", .stringMax(5000, min: 1))])),
        ("DialogMessageInput", .object(required: ["body"], [
            ("body", .stringMax(5000, min: 1)), ("version", .integer),
        ])),
        ("ReasonInput", .object(required: ["reason"], [("reason", .stringMax(5000, min: 1))])),
        ("AppealInput", .object(required: ["statement"], [("statement", .stringMax(5000, min: 1))])),
        ("WithdrawInput", .object(required: ["reason"], [
            ("reason", .enumeration(["resolved", "compensated", "mistake", "other"])), ("comment", .stringMax(1000)),
        ])),
        ("ModerationInput", .object(required: ["decision", "reason"], [
            ("decision", .enumeration(["keep", "remove", "reinstate", "uphold"])), ("reason", .stringMax(5000, min: 1)),
        ])),
        ("ModerationResult", .object(required: ["reviewId", "status"], [("reviewId", .string), ("status", .string)])),
        ("Report", .object(required: ["id", "state"], [
            ("id", .string), ("state", .string), ("shopId", .string), ("reviewId", .string), ("party", .string),
            ("reason", .string), ("createdAt", .dateTime),
        ])),
        ("Message", message),
        ("PostedMessage", .object(required: ["message", "incentiveWarning"], [
            ("message", message), ("incentiveWarning", .boolean),
        ])),
        ("DialogOpened", .object(required: ["dialogId"], [("dialogId", .string)])),
        ("ShopReview", .object(required: ["id", "orderExternalId", "customerName", "status", "rating", "body",
                                          "submittedAt", "held", "shopWindowEndsAt", "canOpenDialog", "dialogState",
                                          "changedAfterDialog", "currentVersion", "version"], [
            ("id", .string), ("orderExternalId", .string), ("customerName", .string),
            ("status", .enumeration(["standby", "published", "withdrawn", "removed"])), ("rating", stars),
            ("title", .string), ("body", .string), ("submittedAt", .dateTime), ("held", .boolean),
            ("publishAt", .dateTime), ("shopWindowEndsAt", .dateTime), ("canOpenDialog", .boolean),
            ("publishedAt", .dateTime), ("publishedVia", .enumeration(["immediate", "day7", "day14", "publish_now"])),
            ("dialogState", .enumeration(["none", "open", "closed"])),
            ("dialogOutcome", .enumeration(["resolved", "closed_by_shop"])), ("dialogId", .string),
            ("changedAfterDialog", .boolean), ("changedAfterDialogAt", .dateTime), ("withdrawnAt", .dateTime),
            ("withdrawReason", .string), ("reply", reply), ("currentVersion", .integer),
            ("versions", .array(of: version)), ("version", .integer),
        ])),
        ("DialogRow", .object(required: ["dialogId", "reviewId", "customerName", "orderExternalId", "submittedAt",
                                         "status", "stars", "snippet", "awaiting"], [
            ("dialogId", .string), ("reviewId", .string), ("customerName", .string), ("orderExternalId", .string),
            ("submittedAt", .dateTime), ("status", .string), ("outcome", .string), ("stars", stars),
            ("snippet", .string), ("publishAt", .dateTime), ("awaiting", .enumeration(["shop", "customer"])),
        ])),
        ("Dialog", .object(required: ["id", "reviewId", "state", "openedAt", "awaiting", "version", "messages"], [
            ("id", .string), ("reviewId", .string), ("state", .enumeration(["open", "closed"])),
            ("outcome", .enumeration(["resolved", "closed_by_shop"])), ("openedAt", .dateTime),
            ("closedAt", .dateTime), ("awaiting", .string), ("version", .integer), ("messages", .array(of: message)),
            ("review", .ref("ShopReview")),
        ])),
        ("CustomerCase", .object(required: ["shop", "locale", "order", "allowedActions", "holdThreshold"], [
            ("shop", .object(required: ["name", "slug"], [("name", .string), ("slug", .string)])),
            ("locale", .string),
            ("order", .object(required: ["externalId", "placedAt", "items"], [
                ("externalId", .string), ("placedAt", .dateTime), ("deliveredAt", .dateTime),
                ("items", .array(of: .object(required: ["productId", "name", "quantity"], [
                    ("productId", .string), ("name", .string), ("quantity", .integer),
                ]))),
            ])),
            ("review", .object(required: ["id", "status", "rating", "body", "submittedAt", "changedAfterDialog",
                                          "versions", "appealed"], [
                ("id", .string), ("status", .string), ("rating", stars), ("title", .string), ("body", .string),
                ("submittedAt", .dateTime), ("publishAt", .dateTime), ("publishedAt", .dateTime),
                ("editWindowEndsAt", .dateTime), ("changedAfterDialog", .boolean), ("versions", .array(of: version)),
                ("reply", reply), ("removalReason", .string), ("appealed", .boolean),
            ])),
            ("dialog", .object(required: ["state", "messages"], [
                ("state", .string), ("outcome", .string), ("messages", .array(of: message)),
            ])),
            ("complaint", .string),
            ("allowedActions", .array(of: .string)), ("holdThreshold", .integer),
        ])),
        ("PublicSummary", .object(required: ["count", "distribution", "inStandby", "changedAfterDialog", "withdrawn",
                                             "withdrawnAfterCompensation", "periodMonths", "holdThreshold",
                                             "verification", "policy"], [
            ("shop", .string), ("name", .string), ("average", .object([("type", .string("number"))])),
            ("count", .integer),
            ("distribution", .object(required: ["1", "2", "3", "4", "5"], [
                ("1", .integer), ("2", .integer), ("3", .integer), ("4", .integer), ("5", .integer),
            ])),
            ("inStandby", .integer), ("changedAfterDialog", .integer), ("withdrawn", .integer),
            ("withdrawnAfterCompensation", .integer), ("periodMonths", .integer), ("holdThreshold", .integer),
            ("verification", .string), ("policy", .string),
        ])),
        ("PublicReview", .object(required: ["id", "rating", "body", "author", "submittedAt", "changedAfterDialog"], [
            ("id", .string), ("rating", stars), ("title", .string), ("body", .string), ("author", .string),
            ("submittedAt", .dateTime), ("publishedAt", .dateTime), ("changedAfterDialog", .boolean),
            ("changedAfterDialogAt", .dateTime), ("original", version), ("reply", reply),
        ])),
    ]
}
