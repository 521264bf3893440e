import Crypto
import Foundation
import Hummingbird
import RedressCore
import RedressPersistence
import SQLKit

/// Photos and documents of a complaint (C1): sniffed, limited, stored in the database, served only to the shop
/// and to the customer.
extension ComplaintService {
    var attachments: ComplaintAttachmentStore { ComplaintAttachmentStore() }

    struct Upload: Sendable {
        var name: String
        var data: [UInt8]
    }

    /// Checks every file first (nothing is stored if one is refused), then stores them in one transaction.
    @discardableResult
    func attach(_ uploads: [Upload], to complaint: ComplaintRecord, author: String, on tx: any SQLDatabase) async throws
        -> [ComplaintAttachmentRecord]
    {
        let existing = try await attachments.list(complaintId: complaint.id, on: tx).count
        let now = services.clock.now()
        var checked: [(ComplaintAttachmentRecord, [UInt8])] = []
        for (offset, upload) in uploads.enumerated() {
            let kind = try AttachmentKind.check(upload.data, name: AttachmentKind.safeName(upload.name, kind: .jpeg),
                                                existing: existing + offset)
            let digest = SHA256.hash(data: upload.data).map { String(format: "%02x", $0) }.joined()
            checked.append((ComplaintAttachmentRecord(
                id: SecureToken.id("att"), complaintId: complaint.id, shopId: complaint.shopId,
                filename: AttachmentKind.safeName(upload.name, kind: kind), contentType: kind.rawValue,
                size: upload.data.count, sha256: digest, author: author, createdAt: now), upload.data))
        }
        for (record, data) in checked { try await attachments.add(record, data: data, on: tx) }
        if !checked.isEmpty {
            try await services.audit.append(shop: ShopID(complaint.shopId), actor: .system,
                                            action: "complaint.attachments", subjectType: "complaint",
                                            subjectId: complaint.id, after: ["count": String(checked.count), "by": author],
                                            now: now, on: tx)
        }
        return checked.map(\.0)
    }

    /// Adds files to an existing complaint of the shop (staff or API).
    func attach(_ uploads: [Upload], reference: String, shop: ShopID, author: String) async throws -> [ComplaintAttachmentRecord] {
        try await services.database.transaction { tx in
            let complaint = try await complaint(reference, shop: shop, on: tx)
            return try await attach(uploads, to: complaint, author: author, on: tx)
        }
    }

    /// The file as a download that browsers will not render in the page's origin.
    func download(_ id: String, complaint: ComplaintRecord) async throws -> Response {
        guard let (record, data) = try await attachments.data(id, complaintId: complaint.id, on: services.database.sql)
        else { throw Problem.notFound("attachment") }
        var headers = HTTPFields()
        headers[.contentType] = record.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(record.filename)\""
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

struct AttachmentView: Encodable {
    var id, filename, contentType: String
    var size: Int
    var sha256: String
    var author: String
    var createdAt: Date

    init(_ record: ComplaintAttachmentRecord) {
        id = record.id
        filename = record.filename
        contentType = record.contentType
        size = record.size
        sha256 = record.sha256
        author = record.author
        createdAt = record.createdAt
    }
}
