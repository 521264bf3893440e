import Crypto
import Foundation
import RedressCore
import RedressPersistence

/// Photos and documents of a complaint (C1): sniffed, limited, stored in the database, served only to the shop
/// and to the customer.
extension ComplaintService {
    package var attachments: ComplaintAttachmentStore { ComplaintAttachmentStore() }

    package struct Upload: Sendable {
        package var name: String
        package var data: [UInt8]

        package init(name: String, data: [UInt8]) {
            self.name = name
            self.data = data
        }
    }

    /// Checks every file first (nothing is stored if one is refused), then stores them in one transaction.
    @discardableResult
    package func attach(_ uploads: [Upload], to complaint: ComplaintRecord, author: String, on tx: DatabaseSession) async throws
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
    package func attach(_ uploads: [Upload], reference: String, shop: ShopID, author: String) async throws -> [ComplaintAttachmentRecord] {
        try await services.database.transaction { tx in
            let complaint = try await complaint(reference, shop: shop, on: tx)
            return try await attach(uploads, to: complaint, author: author, on: tx)
        }
    }

    /// The stored file of one of the complaint's attachments (the HTTP layer serves it as a sandboxed download).
    package func attachmentFile(_ id: String, complaint: ComplaintRecord) async throws
        -> (record: ComplaintAttachmentRecord, data: Data)
    {
        guard let (record, data) = try await attachments.data(id, complaintId: complaint.id, on: services.database.sql)
        else { throw AppError.notFound("attachment") }
        return (record, data)
    }
}

package struct AttachmentView: Encodable {
    package var id, filename, contentType: String
    package var size: Int
    package var sha256: String
    package var author: String
    package var createdAt: Date

    package init(_ record: ComplaintAttachmentRecord) {
        id = record.id
        filename = record.filename
        contentType = record.contentType
        size = record.size
        sha256 = record.sha256
        author = record.author
        createdAt = record.createdAt
    }
}
