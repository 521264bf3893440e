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
