import Foundation
import RedressCore
internal import SQLKit

public struct ComplaintRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var reference: String
    public var orderId: String?
    public var orderExternalId: String?
    public var email: String
    public var emailNormalized: String
    public var customerName: String
    public var locale: String
    public var claimType: String
    public var category: String
    public var description: String
    public var requestedRemedy: String?
    public var partyType: PartyType
    public var channel: String
    public var receivedAt: Date
    public var answerDueAt: Date
    public var legalState: LegalState
    public var status: ComplaintStatus
    public var priority: ComplaintPriority
    public var urgent: Bool
    public var assigneeId: String?
    public var firstResponseAt: Date?
    public var slaPausedSince: Date?
    public var slaPausedSeconds: Double
    public var decisionId: String?
    public var decidedAt: Date?
    public var decisionSentAt: Date?
    public var deemedAcceptedAt: Date?
    public var remedyTask: String?
    public var refundDueAt: Date?
    public var refundedAt: Date?
    public var closedAt: Date?
    public var mergedInto: String?
    public var surveySentAt: Date?
    public var surveyRating: Int?
    public var surveyComment: String?
    /// Times the complaint was reopened after closing (reports' reopen rate).
    public var reopenedCount: Int
    /// Replies written to the customer (not notes), for first-contact resolution.
    public var replyCount: Int
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// A new complaint as intake creates it: received, open, normal priority, nothing decided.
    public init(
        id: String, shopId: String, reference: String, orderId: String?, orderExternalId: String?, email: String,
        customerName: String, locale: String, claimType: String, category: String, description: String,
        requestedRemedy: String?, partyType: PartyType, channel: String, receivedAt: Date, answerDueAt: Date, now: Date
    ) {
        self.id = id
        self.shopId = shopId
        self.reference = reference
        self.orderId = orderId
        self.orderExternalId = orderExternalId
        self.email = email
        self.emailNormalized = email.lowercased()
        self.customerName = customerName
        self.locale = locale
        self.claimType = claimType
        self.category = category
        self.description = description
        self.requestedRemedy = requestedRemedy
        self.partyType = partyType
        self.channel = channel
        self.receivedAt = receivedAt
        self.answerDueAt = answerDueAt
        legalState = .open
        status = .received
        priority = .normal
        urgent = false
        slaPausedSeconds = 0
        reopenedCount = 0
        replyCount = 0
        version = 1
        createdAt = now
        updatedAt = now
    }

}

public struct ComplaintItemRecord: Codable, Sendable, Equatable {
    public var id: String
    public var complaintId: String
    public var productId: String
    public var name: String
    public var quantity: Int

    public init(id: String, complaintId: String, productId: String, name: String, quantity: Int) {
        self.id = id
        self.complaintId = complaintId
        self.productId = productId
        self.name = name
        self.quantity = quantity
    }
}

public struct ComplaintMessageRecord: Codable, Sendable, Equatable {
    public var id: String
    public var complaintId: String
    public var shopId: String
    /// `shop`, `customer` or `system`.
    public var author: String
    public var staffId: String?
    public var staffName: String?
    public var body: String
    public var isInternal: Bool
    public var createdAt: Date
    /// `email` for a message that came by mail (E10); nil for the page and the API.
    public var via: String?
    /// The address a mailed message came from when it is not the customer's (E5): such a message is a note.
    public var senderAddress: String?

    public init(id: String, complaintId: String, shopId: String, author: String, staffId: String?, staffName: String?,
                body: String, isInternal: Bool, createdAt: Date, via: String? = nil, senderAddress: String? = nil) {
        self.id = id
        self.complaintId = complaintId
        self.shopId = shopId
        self.author = author
        self.staffId = staffId
        self.staffName = staffName
        self.body = body
        self.isInternal = isInternal
        self.createdAt = createdAt
        self.via = via
        self.senderAddress = senderAddress
    }
}

/// A decision as it was sent: the letter and its SHA-256 never change (the durable medium, C5).
public struct ComplaintDecisionRecord: Codable, Sendable, Equatable {
    public var id: String
    public var complaintId: String
    public var shopId: String
    public var outcome: String
    public var remedy: String?
    public var amount: String?
    public var reason: String?
    public var adrStatement: String?
    public var letterSubject: String
    public var letterText: String
    public var letterSha256: String
    public var outboxId: String
    public var staffId: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(id: String, complaintId: String, shopId: String, outcome: String, remedy: String?, amount: String?,
                reason: String?, adrStatement: String?, letterSubject: String, letterText: String,
                letterSha256: String, outboxId: String, staffId: String?, createdAt: Date, sentAt: Date?) {
        self.id = id
        self.complaintId = complaintId
        self.shopId = shopId
        self.outcome = outcome
        self.remedy = remedy
        self.amount = amount
        self.reason = reason
        self.adrStatement = adrStatement
        self.letterSubject = letterSubject
        self.letterText = letterText
        self.letterSha256 = letterSha256
        self.outboxId = outboxId
        self.staffId = staffId
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

/// Complaints and their parts (C1–C9). Reads for customers never include internal notes.
public struct ComplaintStore: Sendable {
    public init() {}

    /// The next number of the shop's year, in the caller's transaction; numbers are never reused.
    /// The next reference of the shop's year, in one statement: the counter row is created or moved by the same
    /// upsert, so the first complaints of a year arriving at once never collide (on PostgreSQL a failed INSERT would
    /// abort the whole transaction; issue 15).
    public func nextReference(shop: ShopID, year: Int, on sql: DatabaseSession) async throws -> String {
        guard let row = try await sql.raw("""
            INSERT INTO complaint_counters (shop_id, year, last_number) VALUES (\(bind: shop.rawValue), \(bind: year), 1)
            ON CONFLICT (shop_id, year) DO UPDATE SET last_number = complaint_counters.last_number + 1
            RETURNING last_number
            """).first() else { throw StaleVersion(table: "complaint_counters", id: shop.rawValue) }
        return ComplaintReference.make(year: year, number: try row.decode(column: "last_number", as: Int.self))
    }

    public func insert(_ complaint: ComplaintRecord, items: [ComplaintItemRecord], on sql: DatabaseSession) async throws {
        try await sql.insert(into: "complaints").record(complaint).run()
        if !items.isEmpty {
            var insert = sql.insert(into: "complaint_items")
            for item in items { insert = try insert.record(item) }
            try await insert.run()
        }
        try await ReportRollupStore().refreshComplaint(complaint.id, on: sql)
    }

    /// Saves all fields with optimistic locking; returns the saved record with its new version.
    @discardableResult
    public func save(_ complaint: ComplaintRecord, now: Date, on sql: DatabaseSession) async throws -> ComplaintRecord {
        var next = complaint
        next.version += 1
        next.updatedAt = now
        let rows = try await sql.update("complaints")
            .set(model: next, keyEncodingStrategy: SnakeCaseColumns.encoding, nilEncodingStrategy: .asNil)
            .where("id", .equal, complaint.id).where("version", .equal, complaint.version)
            .returning("id").all()
        guard !rows.isEmpty else { throw StaleVersion(table: "complaints", id: complaint.id) }
        try await ReportRollupStore().refreshComplaint(complaint.id, on: sql)
        return next
    }

    public func find(reference: String, shop: ShopID, on sql: DatabaseSession) async throws -> ComplaintRecord? {
        try await sql.select().columns("*").from("complaints").where("shop_id", .equal, shop.rawValue)
            .where("reference", .equal, reference).first()?.decodeRecord(ComplaintRecord.self)
    }

    public func find(id: String, on sql: DatabaseSession) async throws -> ComplaintRecord? {
        try await sql.select().columns("*").from("complaints").where("id", .equal, id)
            .first()?.decodeRecord(ComplaintRecord.self)
    }

    /// The status page's look-up: a reference and the customer's e-mail address (normalized) must both match.
    public func find(reference: String, email: String, on sql: DatabaseSession) async throws -> ComplaintRecord? {
        try await sql.select().columns("*").from("complaints").where("reference", .equal, reference)
            .where("email_normalized", .equal, email.lowercased()).where("merged_into", .is, SQLLiteral.null)
            .orderBy("received_at", .descending).first()?.decodeRecord(ComplaintRecord.self)
    }

    /// The complaints of one order (newest first), for the customer's link.
    public func forOrder(_ orderId: String, on sql: DatabaseSession) async throws -> [ComplaintRecord] {
        try await sql.select().columns("*").from("complaints").where("order_id", .equal, orderId)
            .where("merged_into", .is, SQLLiteral.null).orderBy("received_at", .descending)
            .all().map { try $0.decodeRecord(ComplaintRecord.self) }
    }

    public func items(_ complaintId: String, on sql: DatabaseSession) async throws -> [ComplaintItemRecord] {
        try await sql.select().columns("*").from("complaint_items").where("complaint_id", .equal, complaintId)
            .orderBy("product_id").all().map { try $0.decodeRecord(ComplaintItemRecord.self) }
    }

    public func addMessage(_ message: ComplaintMessageRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "complaint_messages").record(message).run()
    }

    public func messages(_ complaintId: String, includeInternal: Bool, on sql: DatabaseSession) async throws
        -> [ComplaintMessageRecord]
    {
        var query = sql.select().columns("*").from("complaint_messages").where("complaint_id", .equal, complaintId)
        if !includeInternal { query = query.where("is_internal", .equal, false) }
        return try await query.orderBy("created_at").orderBy("id").all()
            .map { try $0.decodeRecord(ComplaintMessageRecord.self) }
    }

    public func addDecision(_ decision: ComplaintDecisionRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "complaint_decisions").record(decision).run()
    }

    public func decision(_ id: String, on sql: DatabaseSession) async throws -> ComplaintDecisionRecord? {
        try await sql.select().columns("*").from("complaint_decisions").where("id", .equal, id)
            .first()?.decodeRecord(ComplaintDecisionRecord.self)
    }

    /// The decision e-mail was accepted by the mail server: the complaint is answered (if the deadline has not
    /// already made it deemed accepted). Returns the complaint id when this changed anything.
    @discardableResult
    public func decisionSent(outboxId: String, at: Date, on sql: DatabaseSession) async throws -> String? {
        guard let row = try await sql.raw("""
            UPDATE complaint_decisions SET sent_at = \(bind: at)
            WHERE outbox_id = \(bind: outboxId) AND sent_at IS NULL RETURNING complaint_id
            """).first() else { return nil }
        let complaintId = try row.decode(column: "complaint_id", as: String.self)
        try await sql.raw("""
            UPDATE complaints SET decision_sent_at = \(bind: at),
                legal_state = CASE WHEN legal_state = 'open' THEN 'answered' ELSE legal_state END,
                version = version + 1, updated_at = \(bind: at)
            WHERE id = \(bind: complaintId)
            """).run()
        try await ReportRollupStore().refreshComplaint(complaintId, on: sql)
        return complaintId
    }

    /// Moves the thread, items and attachments of `duplicate` to `target`.
    public func moveThread(from duplicate: String, to target: String, on sql: DatabaseSession) async throws {
        try await ComplaintAttachmentStore().move(from: duplicate, to: target, on: sql)
        try await sql.update("complaint_messages").set("complaint_id", to: target)
            .where("complaint_id", .equal, duplicate).run()
        try await sql.update("complaint_items").set("complaint_id", to: target)
            .where("complaint_id", .equal, duplicate).run()
    }

    public struct Filter: Sendable {
        public var statuses: [String] = []
        public var dueBefore: Date?
        public var assignee: String?
        public var category: String?
        public var query: String?
        public var overdue: Bool = false
        public var priority: String?
        public var urgent: Bool?
        public var now: Date = Date()
        public var after: (Date, String)?
        public var limit: Int = 50

        public init() {}
    }

    /// The shop's queue sorted by the legal due date (C8), keyset-paginated; merged duplicates are left out.
    public func list(shop: ShopID, filter: Filter, on sql: DatabaseSession) async throws -> [ComplaintRecord] {
        var query = sql.select().columns("*").from("complaints").where("shop_id", .equal, shop.rawValue)
            .where("merged_into", .is, SQLLiteral.null)
        if !filter.statuses.isEmpty { query = query.where("status", .in, filter.statuses) }
        if let due = filter.dueBefore { query = query.where("answer_due_at", .lessThan, due) }
        if let assignee = filter.assignee { query = query.where("assignee_id", .equal, assignee) }
        if let category = filter.category { query = query.where("category", .equal, category) }
        if let priority = filter.priority { query = query.where("priority", .equal, priority) }
        if let urgent = filter.urgent { query = query.where("urgent", .equal, urgent) }
        if filter.overdue {
            query = query.where("answer_due_at", .lessThan, filter.now).where("decision_sent_at", .is, SQLLiteral.null)
        }
        if let text = filter.query?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let lowered = text.lowercased()
            query = query.where { group in
                group.where("reference", .equal, text.uppercased())
                    .orWhere("email_normalized", .equal, lowered)
                    .orWhere("order_external_id", .equal, text)
            }
        }
        if let (due, id) = filter.after {
            query = query.where { group in
                group.where("answer_due_at", .greaterThan, due)
                    .orWhere { $0.where("answer_due_at", .equal, due).where("id", .greaterThan, id) }
            }
        }
        return try await query.orderBy("answer_due_at").orderBy("id").limit(max(1, min(filter.limit, 200)))
            .all().map { try $0.decodeRecord(ComplaintRecord.self) }
    }

    /// Satisfaction (C9): how many answered the survey and their average rating.
    public func survey(shop: ShopID, on sql: DatabaseSession) async throws -> (answers: Int, average: Double?) {
        let row = try await sql.raw("""
            SELECT COUNT(survey_rating) AS answers, CAST(AVG(survey_rating * 1.0) AS DOUBLE PRECISION) AS average
            FROM complaints WHERE shop_id = \(bind: shop.rawValue) AND survey_rating IS NOT NULL
            """).first()
        return (try row?.decode(column: "answers", as: Int?.self) ?? 0, try row?.decode(column: "average", as: Double?.self))
    }

    /// Counters for the panel and the metrics: open complaints and deemed acceptances (whose goal is zero).
    public func counts(shop: ShopID, on sql: DatabaseSession) async throws -> (open: Int, deemedAccepted: Int) {
        let row = try await sql.raw("""
            SELECT SUM(CASE WHEN status NOT IN ('decided', 'remedy_in_progress', 'closed') THEN 1 ELSE 0 END) AS open,
                   SUM(CASE WHEN legal_state = 'deemed_accepted' THEN 1 ELSE 0 END) AS deemed
            FROM complaints WHERE shop_id = \(bind: shop.rawValue) AND merged_into IS NULL
            """).first()
        return (try row?.decode(column: "open", as: Int?.self) ?? 0, try row?.decode(column: "deemed", as: Int?.self) ?? 0)
    }
}

public struct ComplaintTemplateRecord: Codable, Sendable, Equatable {
    public var id: String
    public var shopId: String
    public var name: String
    public var language: String
    public var body: String
    public var createdAt: Date

    public init(id: String, shopId: String, name: String, language: String, body: String, createdAt: Date) {
        self.id = id
        self.shopId = shopId
        self.name = name
        self.language = language
        self.body = body
        self.createdAt = createdAt
    }
}

public struct AgentSlotRecord: Codable, Sendable, Equatable {
    public var staffId: String
    public var shopId: String
    public var categories: String
    public var available: Bool
    public var lastAssignedAt: Date?

    public var slot: AgentSlot {
        AgentSlot(staffId: staffId, categories: Set(categories.split(separator: ",").map(String.init)),
                  available: available, lastAssignedAt: lastAssignedAt)
    }
}

/// Reply templates and agents' availability for round-robin assignment (C8).
public struct ComplaintToolStore: Sendable {
    public init() {}

    public func addTemplate(_ template: ComplaintTemplateRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "complaint_templates").record(template).run()
    }

    public func templates(shop: ShopID, on sql: DatabaseSession) async throws -> [ComplaintTemplateRecord] {
        try await sql.select().columns("*").from("complaint_templates").where("shop_id", .equal, shop.rawValue)
            .orderBy("language").orderBy("name").all().map { try $0.decodeRecord(ComplaintTemplateRecord.self) }
    }

    public func template(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> ComplaintTemplateRecord? {
        try await sql.select().columns("*").from("complaint_templates").where("id", .equal, id)
            .where("shop_id", .equal, shop.rawValue).first()?.decodeRecord(ComplaintTemplateRecord.self)
    }

    /// Rewrites a template's name, language and text; false when the shop has no such template.
    public func updateTemplate(_ id: String, shop: ShopID, name: String, language: String, body: String,
                               on sql: DatabaseSession) async throws -> Bool {
        try await !sql.update("complaint_templates").set("name", to: name).set("language", to: language)
            .set("body", to: body).where("id", .equal, id).where("shop_id", .equal, shop.rawValue)
            .returning("id").all().isEmpty
    }

    public func deleteTemplate(_ id: String, shop: ShopID, on sql: DatabaseSession) async throws -> Bool {
        try await !sql.delete(from: "complaint_templates").where("id", .equal, id).where("shop_id", .equal, shop.rawValue)
            .returning("id").all().isEmpty
    }

    public func setAvailability(staffId: String, shop: ShopID, available: Bool, categories: [String],
                                on sql: DatabaseSession) async throws {
        try await sql.insert(into: "agent_slots").columns("staff_id", "shop_id", "categories", "available")
            .values(SQLBind(staffId), SQLBind(shop.rawValue), SQLBind(categories.sorted().joined(separator: ",")),
                    SQLBind(available))
            .onConflict(with: ["staff_id"]) {
                $0.set(excludedValueOf: "categories").set(excludedValueOf: "available")
            }.run()
    }

    public func slots(shop: ShopID, on sql: DatabaseSession) async throws -> [AgentSlotRecord] {
        try await sql.select().columns("*").from("agent_slots").where("shop_id", .equal, shop.rawValue)
            .all().map { try $0.decodeRecord(AgentSlotRecord.self) }
    }

    public func markAssigned(staffId: String, at: Date, on sql: DatabaseSession) async throws {
        try await sql.update("agent_slots").set("last_assigned_at", to: at).where("staff_id", .equal, staffId).run()
    }
}

public struct ComplaintAttachmentRecord: Codable, Sendable, Equatable {
    public var id: String
    public var complaintId: String
    public var shopId: String
    public var filename: String
    public var contentType: String
    public var size: Int
    public var sha256: String
    public var author: String
    public var createdAt: Date

    public init(id: String, complaintId: String, shopId: String, filename: String, contentType: String, size: Int,
                sha256: String, author: String, createdAt: Date) {
        self.id = id
        self.complaintId = complaintId
        self.shopId = shopId
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.author = author
        self.createdAt = createdAt
    }
}

/// Attachments live in the database, so every instance serves them; reads of the bytes are one row at a time.
public struct ComplaintAttachmentStore: Sendable {
    public init() {}

    static let columns = ["id", "complaint_id", "shop_id", "filename", "content_type", "size", "sha256", "author", "created_at"]

    public func add(_ record: ComplaintAttachmentRecord, data: [UInt8], on sql: DatabaseSession) async throws {
        try await sql.insert(into: "complaint_attachments").columns(Self.columns + ["data"])
            .values(SQLBind(record.id), SQLBind(record.complaintId), SQLBind(record.shopId), SQLBind(record.filename),
                    SQLBind(record.contentType), SQLBind(record.size), SQLBind(record.sha256), SQLBind(record.author),
                    SQLBind(record.createdAt), SQLBind(Data(data)))
            .run()
    }

    public func list(complaintId: String, on sql: DatabaseSession) async throws -> [ComplaintAttachmentRecord] {
        try await sql.select().columns(Self.columns.map { SQLIdentifier($0) }).from("complaint_attachments")
            .where("complaint_id", .equal, complaintId).orderBy("created_at").orderBy("id")
            .all().map { try $0.decodeRecord(ComplaintAttachmentRecord.self) }
    }

    /// The bytes of one attachment of one complaint.
    public func data(_ id: String, complaintId: String, on sql: DatabaseSession) async throws
        -> (ComplaintAttachmentRecord, Data)?
    {
        guard let row = try await sql.select().columns((Self.columns + ["data"]).map { SQLIdentifier($0) })
            .from("complaint_attachments").where("id", .equal, id).where("complaint_id", .equal, complaintId).first()
        else { return nil }
        return (try row.decodeRecord(ComplaintAttachmentRecord.self), try row.decode(column: "data", as: Data.self))
    }

    public func move(from duplicate: String, to target: String, on sql: DatabaseSession) async throws {
        try await sql.update("complaint_attachments").set("complaint_id", to: target)
            .where("complaint_id", .equal, duplicate).run()
    }
}

/// A shop's jurisdiction and working calendar for complaints (C2, C3).
public struct ComplaintSettingsRecord: Codable, Sendable, Equatable {
    public var shopId: String
    /// Calendar days to answer (14 in Poland).
    public var termDays: Int
    /// Gregorian weekdays, comma-separated (1 = Sunday).
    public var workingWeekdays: String
    public var opensAt: Int
    public var closesAt: Int
    /// `pl` for Polish public holidays, `none` otherwise.
    public var nationalHolidays: String
    /// Extra days off, `yyyy-MM-dd`, comma-separated.
    public var extraHolidays: String
    public var updatedAt: Date

    public init(shopId: String, termDays: Int = 14, workingWeekdays: String = "2,3,4,5,6", opensAt: Int = 540,
                closesAt: Int = 1020, nationalHolidays: String = "pl", extraHolidays: String = "", updatedAt: Date) {
        self.shopId = shopId
        self.termDays = termDays
        self.workingWeekdays = workingWeekdays
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.nationalHolidays = nationalHolidays
        self.extraHolidays = extraHolidays
        self.updatedAt = updatedAt
    }

    public var weekdays: Set<Int> { Set(workingWeekdays.split(separator: ",").compactMap { Int($0) }) }
    public var extraDays: Set<String> { Set(extraHolidays.split(separator: ",").map(String.init)) }

    /// The shop's working hours in `zone`, with Polish public holidays (when chosen) of the years given.
    public func businessCalendar(timeZone zone: TimeZone, years: ClosedRange<Int>) -> BusinessCalendar {
        var holidays = extraDays
        if nationalHolidays == "pl" {
            for year in years { holidays.formUnion(BusinessCalendar.polishHolidays(year)) }
        }
        return BusinessCalendar(timeZone: zone, workingWeekdays: weekdays, opensAt: opensAt, closesAt: closesAt,
                                holidays: holidays)
    }

    /// The settings a shop has until it saves its own.
    public static func defaults(shop: ShopID, locale: String) -> ComplaintSettingsRecord {
        ComplaintSettingsRecord(shopId: shop.rawValue, nationalHolidays: locale == "pl" ? "pl" : "none",
                                updatedAt: Date(timeIntervalSince1970: 0))
    }
}

public struct ComplaintSettingsStore: Sendable {
    public init() {}

    public func find(shop: ShopID, on sql: DatabaseSession) async throws -> ComplaintSettingsRecord? {
        try await sql.select().columns("*").from("complaint_settings").where("shop_id", .equal, shop.rawValue)
            .first()?.decodeRecord(ComplaintSettingsRecord.self)
    }

    public func save(_ record: ComplaintSettingsRecord, on sql: DatabaseSession) async throws {
        try await sql.insert(into: "complaint_settings").record(record)
            .onConflict(with: ["shop_id"]) {
                $0.set(excludedValueOf: "term_days").set(excludedValueOf: "working_weekdays")
                    .set(excludedValueOf: "opens_at").set(excludedValueOf: "closes_at")
                    .set(excludedValueOf: "national_holidays").set(excludedValueOf: "extra_holidays")
                    .set(excludedValueOf: "updated_at")
            }.run()
    }
}
