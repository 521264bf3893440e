import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// Mail into cases over HTTP (E1, E12): the API door, and the intake log.
struct InboundAPI {
    let services: AppServices
    let catalog: APICatalog
    var inbound: InboundMail { InboundMail(services: services) }

    struct ResultView: Encodable {
        var outcome: String
        var caseType, caseId, reference, reason: String?
        var messageId: String?

        init(_ result: InboundMail.Result) {
            outcome = result.outcome.rawValue
            caseType = result.caseType?.rawValue
            caseId = result.caseId
            reference = result.reference
            reason = result.reason
            messageId = result.messageId
        }
    }

    struct MessageView: Encodable {
        var id, door, outcome, sha256: String
        var receivedAt, processedAt: Date
        var from, subject, reason, caseType, caseId, reference: String?
        var size: Int

        init(_ record: InboundMessageRecord) {
            id = record.id
            door = record.door
            outcome = record.outcome.rawValue
            sha256 = record.sha256
            receivedAt = record.receivedAt
            processedAt = record.processedAt
            from = record.fromAddress
            subject = record.subject
            reason = record.reason
            caseType = record.caseType?.rawValue
            caseId = record.caseId
            reference = record.reference
            size = record.size
        }
    }

    /// The largest body the API door reads: over the message limit, so that a mail somewhat too large is still kept
    /// aside with its reason (E11) instead of refused unseen.
    var bodyLimit: Int { services.config.inboundMaxBytes * 2 }

    func register(on router: Router<AppContext>) {
        router.api(.post, "/api/v1/inbound/email", catalog: catalog,
                   summary: "Take in one e-mail (the raw message): threaded into its case, a new complaint, or kept for staff (E1-E12)",
                   tag: "inbound", security: .shop, requestContentType: "message/rfc822",
                   responses: [200: ("What became of it", .ref("InboundResult")),
                               413: ("Larger than twice the message limit: not read", .ref("Problem"))],
                   use: receive)
        router.api(.get, "/api/v1/inbound", catalog: catalog, summary: "The intake log of mail, newest first (E12)",
                   tag: "inbound", security: .shop,
                   query: [("outcome", .enumeration(InboundOutcome.allCases.map(\.rawValue)))],
                   responses: [200: ("Messages", .page(of: .ref("InboundMessage"))),
                               422: ("A filter, limit or cursor that is not valid", .ref("Problem"))],
                   use: list)
        router.api(.get, "/api/v1/shop/mailbox", catalog: catalog,
                   summary: "The shop's IMAP mailbox that Redress polls (E1); the password is never returned",
                   tag: "inbound", security: .shop,
                   responses: [200: ("The mailbox", .ref("Mailbox")), 404: ("No mailbox set", .ref("Problem"))],
                   use: showMailbox)
        router.api(.put, "/api/v1/shop/mailbox", catalog: catalog,
                   summary: "Set the mailbox: imaps://user:pass@host:993/INBOX (TLS), imap:// (STARTTLS) or imap+plain:// (no encryption)",
                   tag: "inbound", security: .shop,
                   request: .object(required: ["imapUrl"], [("imapUrl", .stringMax(2000, min: 1)), ("enabled", .boolean)]),
                   responses: [200: ("Set", .ref("Mailbox"))],
                   use: setMailbox)
        router.api(.get, "/api/v1/shop/suppressions", catalog: catalog,
                   summary: "Addresses whose mail came back for good: no notification goes to them until cleared (E8)",
                   tag: "inbound", security: .shop,
                   responses: [200: ("Addresses", .page(of: .ref("MailSuppression")))],
                   use: listSuppressions)
        router.api(.delete, "/api/v1/shop/suppressions/{address}", catalog: catalog,
                   summary: "Clear an address: notifications go to it again (E8)", tag: "inbound", security: .shop,
                   responses: [204: ("Cleared", nil), 404: ("The address is not stopped", .ref("Problem"))],
                   use: clearSuppression)
    }

    struct MailboxInput: Decodable {
        var imapUrl: String?
        var enabled: Bool?
    }

    @Sendable func showMailbox(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        guard let view = try await inbound.mailbox(shop: shop) else { throw Problem.notFound("mailbox") }
        return try Response.json(view)
    }

    @Sendable func setMailbox(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let input = try await request.decode(as: MailboxInput.self, context: context)
        guard let url = input.imapUrl, !url.isEmpty else { throw Problem.invalid(["imapUrl": "is required"]) }
        return try Response.json(try await inbound.setMailbox(shop: shop, url: url, enabled: input.enabled ?? true,
                                                              actor: context.identity!.actor))
    }

    struct SuppressionView: Encodable {
        var address, reason: String
        var createdAt: Date
    }

    @Sendable func listSuppressions(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        let rows = try await BounceStore().list(shop: shop, on: services.database.sql)
        return try Response.json(APIPage(items: rows.map {
            SuppressionView(address: $0.address, reason: $0.reason, createdAt: $0.createdAt)
        }))
    }

    @Sendable func clearSuppression(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShopWriter()
        let address = try context.parameters.require("address").removingPercentEncoding ?? ""
        guard try await inbound.clearSuppression(address, shop: shop, actor: context.identity!.actor) else { throw Problem.notFound("stopped address") }
        return Response(status: .noContent)
    }

    @Sendable func receive(_ request: Request, context: AppContext) async throws -> Response {
        let shopID = try context.requireShopWriter()
        guard let shop = try await services.shops.find(shopID, on: services.database.sql) else {
            throw Problem.notFound("shop")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: bodyLimit)
        } catch {
            throw Problem(status: .contentTooLarge, title: "Too large",
                          detail: "The message is larger than \(bodyLimit >> 20) MB.")
        }
        let result = try await inbound.take(Array(buffer: body), shop: shop, door: .api)
        return try Response.json(ResultView(result))
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Response {
        let shop = try context.requireShop()
        // Limit and cursor as every list reads them.
        let list = try ListQuery(request, timeZone: .gmt).filter
        var outcome: InboundOutcome?
        if let text = request.uri.queryParameters.get("outcome"), !text.isEmpty {
            outcome = InboundOutcome(rawValue: text)
            if outcome == nil {
                throw Problem.invalid(["outcome": "must be one of \(InboundOutcome.allCases.map(\.rawValue).joined(separator: ", "))"])
            }
        }
        let page = try await InboundStore().list(shop: shop, outcome: outcome, limit: list.limit, after: list.cursor,
                                                 on: services.database.read)
        return try Response.json(APIPage(items: page.rows.map(MessageView.init), nextCursor: page.next?.encoded))
    }
}
