import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

@Suite("C1 attachments")
struct ComplaintAttachmentTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF photo bytes".utf8)

    @Test("photos are sniffed, limited, stored in the database and served only to the shop and the customer",
          arguments: Engine.available)
    func attachments(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let reference = try #require(try await s.fileComplaint("A-1")["reference"] as? String)
            func upload(_ bytes: [UInt8], name: String, key: String? = nil) async throws -> TestResponse {
                try await s.client.execute(
                    uri: "/api/v1/complaints/\(reference)/attachments", method: .post,
                    headers: [.authorization: "Bearer \(key ?? s.shop.apiKey)", .contentType: "application/octet-stream",
                              .init("X-Filename")!: name],
                    body: ByteBuffer(bytes: bytes))
            }
            let stored = try await upload(Self.jpeg, name: "../broken mug.png")
            #expect(stored.status == .created, "\(stored.text)")
            let first = try #require((try JSONSerialization.jsonObject(with: Data(buffer: stored.body)) as? [[String: Any]])?.first)
            #expect(first["contentType"] as? String == "image/jpeg" && first["filename"] as? String == "brokenmug.jpg")
            let fake = try await upload(Array("<html><script>alert(1)</script>".utf8), name: "photo.jpg")
            #expect(fake.status == .unprocessableContent && fake.text.contains("not a JPEG"))
            for index in 0..<4 { #expect(try await upload(Self.jpeg, name: "p\(index).jpg").status == .created) }
            let sixth = try await upload(Self.jpeg, name: "six.jpg")
            #expect(sixth.status == .unprocessableContent && sixth.text.contains("at most 5"))

            let id = try #require(first["id"] as? String)
            let download = try await s.api(.get, "/api/v1/complaints/\(reference)/attachments/\(id)")
            #expect(download.status == .ok && Array(buffer: download.body) == Self.jpeg)
            #expect(download.headers[.contentType] == "image/jpeg")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            // Its own sandbox policy survives the security headers (issue 15, item 11).
            #expect(download.headers[.contentSecurityPolicy] == "default-src 'none'; sandbox")
            #expect(download.headers[.xContentTypeOptions] == "nosniff")
            let other = try await s.client.createShop("obcy")
            #expect(try await s.api(.get, "/api/v1/complaints/\(reference)/attachments/\(id)", key: other.apiKey).status
                    == .notFound)
            let detail = try await s.complaint(reference)
            #expect((detail["attachments"] as? [[String: Any]])?.count == 5)

            // The customer sees them through the link (no staff notes, but their own and the shop's files).
            _ = try await s.orderWithLink("A-2")
            let filed = try await s.client.execute(
                uri: "/api/v1/public/shops/sklep/complaints", method: .post, headers: [.contentType: "application/json"],
                body: jsonBody(["orderExternalId": "A-2", "email": "klient@example.com", "description": "x"]))
            let token = ReviewScenario.token(of: try #require(filed.json["statusUrl"] as? String))
            let mine = try await s.client.execute(
                uri: "/api/v1/customer/\(token)/complaint/attachments", method: .post,
                headers: [.contentType: "application/octet-stream", .init("X-Filename")!: "scan.pdf"],
                body: ByteBuffer(bytes: Array("%PDF-1.7 receipt".utf8)))
            #expect(mine.status == .created, "\(mine.text)")
            let view = try await s.customer(.get, token)
            let attachments = (view.json["complaint"] as? [String: Any])?["attachments"] as? [[String: Any]]
            #expect(attachments?.count == 1 && attachments?.first?["contentType"] as? String == "application/pdf")
            let fileId = try #require(attachments?.first?["id"] as? String)
            let mineDownload = try await s.customer(.get, token, "/complaint/attachments/\(fileId)")
            #expect(mineDownload.status == .ok)
            #expect(mineDownload.headers[.contentSecurityPolicy] == "default-src 'none'; sandbox")
            #expect(try await s.customer(.get, token, "/complaint/attachments/\(id)").status == .notFound,
                    "another complaint's file is not reachable through this link")
        }
    }

    @Test("the public form takes photos with the complaint (multipart), and refuses a disguised file whole")
    func formWithPhoto() async throws {
        try await TestApp.scenario(.sqlite) { s in
            _ = try await s.orderWithLink("A-3", email: "ola@example.com")
            let page = try await s.client.execute(uri: "/shops/sklep/complaint", method: .get)
            let cookie = "\(SessionCookie.csrf)=\(try #require(cookieValue(page, SessionCookie.csrf)))"
            let csrf = try #require(hiddenCSRF(in: page.text))
            func multipart(_ photo: [UInt8], name: String) -> ByteBuffer {
                let boundary = "----redress-test"
                var body = ""
                for (field, value) in [("_csrf", csrf), ("step", "file"), ("order", "A-3"), ("email", "ola@example.com"),
                                       ("item", "P-1"), ("quantity_P-1", "1"), ("category", "damaged_in_transit"),
                                       ("description", "Rozbity"), ("requestedRemedy", "refund")] {
                    body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"\r\n\r\n\(value)\r\n"
                }
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"\(name)\"\r\nContent-Type: image/jpeg\r\n\r\n"
                return ByteBuffer(bytes: Array(body.utf8) + photo + Array("\r\n--\(boundary)--\r\n".utf8))
            }
            let headers: HTTPFields = [.cookie: cookie, .contentType: "multipart/form-data; boundary=----redress-test"]
            let disguised = try await s.client.execute(uri: "/shops/sklep/complaint", method: .post, headers: headers,
                                                       body: multipart(Array("MZ executable".utf8), name: "photo.jpg"))
            #expect(disguised.status == .unprocessableContent && disguised.text.contains("not a JPEG"))
            let queue = try await s.api(.get, "/api/v1/complaints")
            #expect((queue.json["items"] as? [Any])?.isEmpty == true, "nothing was filed")
            let filed = try await s.client.execute(uri: "/shops/sklep/complaint", method: .post, headers: headers,
                                                   body: multipart(Self.jpeg, name: "mug.jpg"))
            #expect(filed.status == .ok && filed.text.contains("RC-2026-000001"), "\(filed.status)")
            let detail = try await s.complaint("RC-2026-000001")
            #expect((detail["attachments"] as? [[String: Any]])?.first?["filename"] as? String == "mug.jpg")
            let staff = try await s.client.signIn("agent@sklep.test")
            let casePage = try await s.client.execute(uri: "/panel/complaints/RC-2026-000001", method: .get,
                                                      headers: [.cookie: staff.cookie])
            #expect(casePage.text.contains(#"id="attachments""#) && casePage.text.contains("mug.jpg"))
        }
    }
}
