import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

// The HTTP faces of application values: files as downloads, report parameters from the query string.

extension ComplaintService {
    /// The attachment as a download that browsers will not render in the page's origin.
    func download(_ id: String, complaint: ComplaintRecord) async throws -> Response {
        let (record, data) = try await attachmentFile(id, complaint: complaint)
        var headers = HTTPFields()
        headers[.contentType] = record.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(record.filename)\""
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension ReportTable {
    /// The CSV as a download named after the table and the period (the panel's button, the API's `text/csv`).
    func download(_ period: ReportPeriod) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename(period))\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
    }
}

extension ReportService {
    /// The period from `preset`, `from` and `to` of the query (bad input → 422 naming the field).
    func period(_ request: Request, shop: ShopRecord) throws -> ReportPeriod {
        let query = request.uri.queryParameters
        return try period(preset: query.get("preset"), from: query.get("from"), to: query.get("to"), shop: shop)
    }

    /// `groupBy` of the query (default `month`).
    func grouping(_ request: Request) throws -> Grouping {
        try grouping(request.uri.queryParameters.get("groupBy"))
    }
}

extension ComplaintDecisionRecord {
    /// The decision letter as a plain-text download with its SHA-256.
    var download: Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"decision-\(complaintId).txt\""
        headers[.init("X-Content-SHA256")!] = letterSha256
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: letterText)))
    }
}

extension ComplaintStore.Filter {
    /// The complaint list's filters from the query string, for the API and the panel queue alike.
    init(_ request: Request, now: Date) throws {
        let query = request.uri.queryParameters
        var filter = Self()
        filter.now = now
        var errors = ValidationErrors()
        if let status = query.get("status"), !status.isEmpty {
            filter.statuses = status.split(separator: ",").map(String.init)
            if filter.statuses.contains(where: { ComplaintStatus(rawValue: $0) == nil }) { errors.add("status", "unknown status") }
        }
        if let due = query.get("dueBefore"), !due.isEmpty {
            // A time, or a plain date meaning "before the end of that day" (the panel's date field).
            filter.dueBefore = StorableTime.checked(
                (try? Date(due, strategy: .iso8601)) ?? UTCDay.start(due).map { $0.addingTimeInterval(86_400) })
            if filter.dueBefore == nil { errors.add("dueBefore", "must be an ISO 8601 time or a date") }
        }
        filter.assignee = query.get("assignee").flatMap { $0.isEmpty ? nil : $0 }
        if let category = query.get("category"), !category.isEmpty {
            filter.category = category
            if ComplaintCategory(rawValue: category) == nil { errors.add("category", "unknown category") }
        }
        if let priority = query.get("priority"), !priority.isEmpty {
            filter.priority = priority
            if ComplaintPriority(rawValue: priority) == nil { errors.add("priority", "must be low, normal or high") }
        }
        if let urgent = query.get("urgent") { filter.urgent = urgent == "true" }
        filter.overdue = query.get("overdue") == "true"
        filter.query = query.get("q")
        if let limit = query.get("limit") {
            guard let value = Int(limit), (1...200).contains(value) else {
                throw Problem.invalid(["limit": "must be 1 to 200"])
            }
            filter.limit = value
        }
        if let cursor = query.get("cursor") {
            filter.after = KeysetCursor.parse(cursor)
            if filter.after == nil { errors.add("cursor", "is not a cursor from this list") }
        }
        try errors.throwIfAny()
        self = filter
    }
}
