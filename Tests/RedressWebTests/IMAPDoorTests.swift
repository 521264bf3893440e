import Foundation
import RedressCore
import RedressMail
import RedressPersistence
import RedressTestSupport
import Testing

@testable import RedressApp

/// E1, E2, E9: the IMAP poller against a real Dovecot on loopback.
@Suite("E1 E2 IMAP door with Dovecot")
struct IMAPDoorTests {
    @Test("STARTTLS and TLS, the clock from INTERNALDATE, marked seen only after the commit; taken again after a crash between store and mark, or from a rebuilt mailbox: duplicates, nothing lost; a wrong password is an error on the mailbox",
          arguments: Engine.available)
    func polls(engine: Engine) async throws {
        let dovecot = try Dovecot()
        defer { dovecot.stop() }
        try await TestApp.scenario(engine, configure: { $0.allowPrivateWebhookTargets = true }) { s in
            try await s.setInboundAddress()
            _ = try await s.orderWithLink("K-900")
            let arrived = ISO8601DateFormatter().date(from: "2026-11-02T07:30:00Z")!
            let complaint = rawMail(subject: "Reklamacja K-900", body: "Kubek pękł w zmywarce.")
            let outOfOffice = rawMail(from: "jan@example.org", subject: "Urlop", body: "Jestem na urlopie.",
                                      headers: ["Auto-Submitted: auto-replied"])
            try dovecot.append(complaint, at: arrived)
            try dovecot.append(outOfOffice, at: arrived)

            let password = dovecot.password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let set = try await s.api(.put, "/api/v1/shop/mailbox", [
                "imapUrl": "imap://\(dovecot.user):\(password)@127.0.0.1:\(dovecot.imapPort)/INBOX?ca=\(dovecot.certificate)",
                "enabled": true,
            ])
            #expect(set.status == .ok, "\(set.text)")
            #expect(!(set.text.contains("s3cret")), "the password is never shown")
            #expect((set.json["imapUrl"] as? String)?.hasPrefix("imap://shop@127.0.0.1:") == true)
            let stored = try await s.app.services.database.sql.sqlDatabase.raw(
                "SELECT url, password_sealed FROM mailboxes").first()
            #expect(try stored?.decode(column: "password_sealed", as: String.self).contains("s3cret") == false)

            let poller = MailboxPoller(services: s.app.services, interval: 60)
            #expect(try await poller.tick() == 1)
            #expect(try dovecot.seenCount() == 2, "seen only once stored")
            let log = try #require(try await s.api(.get, "/api/v1/inbound").json["items"] as? [[String: Any]])
            #expect(log.compactMap { $0["outcome"] as? String }.sorted() == ["complaint", "quarantined"], "\(log)")
            #expect(log.allSatisfy { $0["door"] as? String == "imap" })
            let reference = try #require(log.first { $0["outcome"] as? String == "complaint" }?["reference"] as? String)
            // E9: the legal clock starts at the arrival in the mailbox, not at the fetch (09:00).
            #expect(try await s.complaint(reference)["receivedAt"] as? String == "2026-11-02T07:30:00Z")
            #expect(try await poller.tick() == 0, "not due again within the interval")

            // A crash after the commit but before the mark (and before the UID was recorded): taken again, duplicates.
            try await s.app.services.database.sql.sqlDatabase.raw(
                "UPDATE mailboxes SET last_uid = 0, last_poll_at = NULL").run()
            try dovecot.unsee()
            let again = await InboundMail(services: s.app.services)
                .poll(try #require(try await MailboxStore().find(shop: ShopID(s.shop.id), on: s.app.services.database.sql)))
            #expect(again.error == nil, "\(again.error ?? "")")
            #expect(again.outcomes == [.duplicate, .duplicate])
            #expect(try dovecot.seenCount() == 2)

            // The mailbox rebuilt: a new UIDVALIDITY, the old UIDs mean nothing; the old mail again and one new.
            try dovecot.rebuildMailbox()
            try await Task.sleep(for: .seconds(1.1))   // UIDVALIDITY is a time in seconds
            try dovecot.append(complaint, at: arrived)
            try dovecot.append(outOfOffice, at: arrived)
            try dovecot.append(rawMail(subject: "Druga reklamacja", body: "Zamówienie K-900: pokrywka też."), at: arrived)
            let mailbox = try #require(try await MailboxStore().find(shop: ShopID(s.shop.id), on: s.app.services.database.sql))
            let rebuilt = await InboundMail(services: s.app.services).poll(mailbox)
            #expect(rebuilt.outcomes == [.duplicate, .duplicate, .complaint], "\(rebuilt)")
            let complaints = try await s.api(.get, "/api/v1/complaints")
            #expect((complaints.json["items"] as? [[String: Any]])?.count == 2)

            // Implicit TLS on the imaps port: nothing new.
            _ = try await s.api(.put, "/api/v1/shop/mailbox", [
                "imapUrl": "imaps://\(dovecot.user):\(password)@127.0.0.1:\(dovecot.imapsPort)/INBOX?ca=\(dovecot.certificate)",
            ])
            let tls = await InboundMail(services: s.app.services)
                .poll(try #require(try await MailboxStore().find(shop: ShopID(s.shop.id), on: s.app.services.database.sql)))
            #expect(tls.error == nil, "\(tls.error ?? "")")
            #expect(tls.outcomes.allSatisfy { $0 == .duplicate }, "another server URL starts from the first message")

            // A wrong password: an error on the mailbox, visible to staff; nothing else changes.
            _ = try await s.api(.put, "/api/v1/shop/mailbox", [
                "imapUrl": "imaps://\(dovecot.user):wrong@127.0.0.1:\(dovecot.imapsPort)/INBOX?ca=\(dovecot.certificate)",
            ])
            let failed = await InboundMail(services: s.app.services)
                .poll(try #require(try await MailboxStore().find(shop: ShopID(s.shop.id), on: s.app.services.database.sql)))
            #expect(failed.error?.contains("LOGIN") == true, "\(failed.error ?? "")")
            let shown = try await s.api(.get, "/api/v1/shop/mailbox")
            #expect((shown.json["lastError"] as? String)?.contains("LOGIN") == true, "\(shown.text)")
            #expect(!shown.text.contains("wrong"))
            // Bad URLs are refused with the reason; a private address unless the installation allows it.
            let bad = try await s.api(.put, "/api/v1/shop/mailbox", ["imapUrl": "ftp://x@y/INBOX"])
            #expect(bad.status == .unprocessableContent, "\(bad.text)")
        }
    }

    @Test("a mailbox on this machine or a private network is refused unless the installation allows it")
    func privateServersRefused() async throws {
        try await TestApp.scenario(.sqlite) { s in
            for host in ["127.0.0.1", "localhost", "10.0.0.5", "[::1]", "192.168.1.2"] {
                let response = try await s.api(.put, "/api/v1/shop/mailbox", ["imapUrl": "imaps://u:p@\(host):993/INBOX"])
                #expect(response.status == .unprocessableContent, "\(host): \(response.status)")
            }
            let response = try await s.api(.put, "/api/v1/shop/mailbox", ["imapUrl": "imaps://u:p@imap.example.com/INBOX"])
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.json["imapUrl"] as? String == "imaps://u@imap.example.com:993/INBOX")
            // A user name that is an e-mail address, a password with URL characters, a folder with a space.
            let named = try await s.api(.put, "/api/v1/shop/mailbox",
                                        ["imapUrl": "imaps://reklamacje%40sklep.example:p%40ss%3Aw%2Fd@imap.example.com/Skrzynka%20odbiorcza"])
            #expect(named.json["imapUrl"] as? String
                    == "imaps://reklamacje%40sklep.example@imap.example.com:993/Skrzynka%20odbiorcza", "\(named.text)")
            let record = try #require(try await MailboxStore().find(shop: ShopID(s.shop.id), on: s.app.services.database.sql))
            let box = try await SecretBox.load(on: s.app.services.database.sql, services: s.app.services)
            #expect(try box.open(record.passwordSealed) == "p@ss:w/d")
            let parsed = try IMAPConfiguration(url: record.url.replacingOccurrences(of: "%40sklep.example@", with: "%40sklep.example:x@"))
            #expect(parsed.username == "reklamacje@sklep.example" && parsed.mailbox == "Skrzynka odbiorcza")
        }
    }
}
