import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressMail
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// N1–N3 end to end: real SMTP (aiosmtpd on loopback) and a real HTTP receiver on loopback.
@Suite("N1–N3 notifications that never get lost", .serialized)
struct NotificationDeliveryTests {
    @Test("the mail server is down for hours: the standby mail arrives once, in Greek, with a working link",
          arguments: Engine.available)
    func mailSurvivesAnOutage(engine: Engine) async throws {
        let sink = try SMTPSink()
        let port = sink.port
        sink.stop()
        try await TestApp.scenario(engine, configure: { config in
            config.smtp = try? SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?timeout=5")
        }) { s in
            // The shop's own sender address (owner, session with CSRF header); a bad one is refused.
            let owner = try await s.client.signIn("owner@sklep.test")
            let headers: HTTPFields = [.cookie: owner.cookie, .init("X-CSRF-Token")!: owner.csrf,
                                       .contentType: "application/json"]
            let bad = try await s.client.execute(uri: "/api/v1/shop", method: .patch, headers: headers,
                                                 body: jsonBody(["senderEmail": "not an address", "version": 1]))
            #expect(bad.status == .unprocessableContent)
            let sender = try await s.client.execute(uri: "/api/v1/shop", method: .patch, headers: headers,
                                                    body: jsonBody(["senderEmail": "obsluga@sklep.example", "version": 1]))
            #expect(sender.status == .ok, "\(sender.text)")
            let token = try await s.orderWithLink("N-1", email: "pelatis@example.gr", locale: "el")
            let review = try await s.review(token, rating: 2)
            #expect(review.status == "standby")
            try await s.advance("PT1M")
            let sql = s.app.services.database.sql
            var counts = try await OutboxStore().counts(on: sql)
            #expect(counts.sent == 0 && counts.pending >= 2, "\(counts)")
            #expect(s.app.services.metrics.render().contains(#"redress_outbox_deliveries_total{channel="email",outcome="retried"}"#))
            try await s.advance("PT1H")
            #expect(try sink.received().isEmpty)
            try sink.start()
            try await s.advance("PT3H")
            let mail = try await sink.waitFor(2)
            let toCustomer = mail.filter { $0.envelopeTo == ["pelatis@example.gr"] }
            #expect(toCustomer.count == 1)
            let standby = try #require(toCustomer.first)
            #expect(standby.subject.contains("θα δημοσιευτεί το αργότερο"), "\(standby.subject)")
            #expect(standby.from.contains("Shop sklep") && standby.from.contains("<obsluga@sklep.example>"))
            #expect(standby.envelopeFrom == "obsluga@sklep.example" && standby.replyTo == "obsluga@sklep.example")
            #expect(standby.defects.isEmpty)
            // The shop's staff get theirs in the shop's language.
            #expect(mail.contains { $0.envelopeTo.contains("owner@sklep.test") && $0.subject.contains("wstrzymana") })
            // The link in the mail opens the customer's case page.
            let text = try #require(standby.text)
            let link = try #require(text.split(whereSeparator: \.isWhitespace).first { $0.contains("/c/") })
            let path = String(link[link.range(of: "/c/")!.lowerBound...])
            let page = try await s.client.execute(uri: path, method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains("The parcel arrived late"))
            // Nothing more, ever.
            try await s.advance("P2D")
            #expect(try sink.received().filter { $0.envelopeTo == ["pelatis@example.gr"] }.count == 1)
            counts = try await OutboxStore().counts(on: sql)
            #expect(counts.pending == 0 && counts.failed == 0)
        }
    }

    @Test("a mail that cannot be delivered is given up after the configured time, visibly")
    func givenUpVisibly() async throws {
        let sink = try SMTPSink()
        let port = sink.port
        sink.stop()
        try await TestApp.scenario(.sqlite, configure: { config in
            config.smtp = try? SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?timeout=5")
            config.deliveryRetry.giveUpAfter = 6 * 3600
        }) { s in
            let token = try await s.orderWithLink("N-2")
            _ = try await s.review(token, rating: 1)
            for _ in 0..<12 { try await s.advance("PT1H") }
            let counts = try await OutboxStore().counts(on: s.app.services.database.sql)
            #expect(counts.failed >= 2 && counts.pending == 0, "\(counts)")
            let metrics = s.app.services.metrics.render()
            #expect(metrics.contains(#"redress_outbox_deliveries_total{channel="email",outcome="failed"}"#))
            #expect(metrics.contains("redress_outbox_failed"))
            let owner = try await s.client.signIn("owner@sklep.test")
            let page = try await s.client.execute(uri: "/panel/notifications", method: .get,
                                                  headers: [.cookie: owner.cookie])
            #expect(page.status == .ok)
            #expect(page.text.contains("cannot connect to the mail server"))
        }
    }

    @Test("the panel lists notifications with their .eml files; owners manage webhooks, agents cannot")
    func panelPages() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let token = try await s.orderWithLink("P-1")
            _ = try await s.review(token, rating: 2)
            try await s.advance("PT1M")
            let owner = try await s.client.signIn("owner@sklep.test")
            let list = try await s.client.execute(uri: "/panel/notifications", method: .get, headers: [.cookie: owner.cookie])
            #expect(list.status == .ok)
            let href = try #require(list.text.range(of: #"/panel/notifications/[A-Za-z0-9_-]+/eml"#, options: .regularExpression)
                .map { String(list.text[$0]) })
            let eml = try await s.client.execute(uri: href, method: .get, headers: [.cookie: owner.cookie])
            #expect(eml.status == .ok && eml.headers[.contentType] == "message/rfc822")
            #expect(eml.text.contains("Subject: ") && eml.text.contains("Message-ID: <"))
            _ = try await s.client.createShop("inny")
            let stranger = try await s.client.signIn("owner@inny.test")
            #expect(try await s.client.execute(uri: href, method: .get, headers: [.cookie: stranger.cookie]).status
                    == .notFound)

            let form: HTTPFields = [.cookie: owner.cookie, .contentType: "application/x-www-form-urlencoded"]
            let bad = try await s.client.execute(
                uri: "/panel/settings/webhooks", method: .post, headers: form,
                body: ByteBuffer(string: "_csrf=\(owner.csrf)&url=ftp%3A%2F%2Fx&events=review.published"))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains(#"value="ftp://x""#), "what was typed is kept")
            #expect(bad.text.contains(#"value="review.published" checked"#))
            let good = try await s.client.execute(
                uri: "/panel/settings/webhooks", method: .post, headers: form,
                body: ByteBuffer(string: "_csrf=\(owner.csrf)&url=https%3A%2F%2Ferp.example%2Fhook&events=*&description=ERP"))
            #expect(good.status == .ok && good.text.contains("whsec_") && good.text.contains("https://erp.example/hook"))
            let forged = try await s.client.execute(
                uri: "/panel/settings/webhooks", method: .post, headers: form,
                body: ByteBuffer(string: "_csrf=wrong&url=https%3A%2F%2Fevil.example&events=*"))
            #expect(forged.status == .forbidden)
            let agent = try await s.client.signIn("agent@sklep.test")
            #expect(try await s.client.execute(uri: "/panel/settings/webhooks", method: .get,
                                               headers: [.cookie: agent.cookie]).status == .forbidden)
        }
    }

    @Test("a webhook receiver that fails twice: delivered once, signed, three attempts in the log")
    func webhookRetries() async throws {
        let receiver = Receiver()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let accepted = await receiver.record(body: body, signature: request.headers[.init("X-Redress-Signature")!] ?? "",
                                                 event: request.headers[.init("X-Redress-Event")!] ?? "")
            return Response(status: accepted ? .ok : .internalServerError)
        }
        let hooks = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await hooks.test(.live) { hookClient in
            let port = try #require(hookClient.port)
            // The receiver is on loopback: allowed by the installation setting, refused without it (SSRF tests).
            try await TestApp.scenario(.sqlite, configure: { $0.allowPrivateWebhookTargets = true }) { s in
                let created = try await s.api(.post, "/api/v1/webhooks", [
                    "url": "http://127.0.0.1:\(port)/hook", "events": ["review.published"], "description": "ERP",
                ])
                #expect(created.status == .created, "\(created.text)")
                let endpointId = try #require(created.json["id"] as? String)
                let secret = try #require(created.json["secret"] as? String)
                #expect(secret.hasPrefix("whsec_"))
                let listed = try await s.api(.get, "/api/v1/webhooks")
                #expect(!listed.text.contains(secret), "the secret is shown once")

                let test = try await s.api(.post, "/api/v1/webhooks/\(endpointId)/test")
                #expect(test.status == .accepted)
                let eventId = try #require(test.json["eventId"] as? String)
                try await s.advance("PT0S")
                try await s.advance("PT2M")
                try await s.advance("PT3M")
                try await s.advance("PT1H")
                let calls = await receiver.calls
                #expect(calls.count == 3)
                #expect(await receiver.acceptedCount == 1)
                for call in calls {
                    #expect(WebhookSignature.verify(header: call.signature, body: call.body, secret: secret,
                                                    now: s.app.clock.now(), tolerance: 24 * 3600))
                    #expect(!WebhookSignature.verify(header: call.signature, body: call.body + " ", secret: secret,
                                                     now: s.app.clock.now(), tolerance: 24 * 3600))
                    let json = try JSONSerialization.jsonObject(with: Data(call.body.utf8)) as? [String: Any]
                    #expect(json?["id"] as? String == eventId && json?["type"] as? String == "webhook.test")
                }
                let log = try await s.api(.get, "/api/v1/webhooks/\(endpointId)/deliveries")
                let attempts = try #require(log.json["items"] as? [[String: Any]])
                #expect(attempts.count == 3)
                #expect(attempts.map { $0["statusCode"] as? Int } == [200, 500, 500])
                #expect(attempts.map { $0["delivered"] as? Bool } == [true, false, false])

                // A real event: a five-star review is published at once.
                let token = try await s.orderWithLink("W-1")
                let review = try await s.review(token, rating: 5)
                try await s.advance("PT0S")
                let published = await receiver.calls.last
                #expect(published?.event == "review.published")
                let body = try JSONSerialization.jsonObject(with: Data((published?.body ?? "{}").utf8)) as? [String: Any]
                #expect((body?["data"] as? [String: Any])?["reviewId"] as? String == review.id)
                #expect((body?["data"] as? [String: Any])?["rating"] as? Int == 5)

                // Another shop sees nothing of it; bad input is refused field by field.
                let other = try await s.client.createShop("inny")
                let foreign = try await s.api(.get, "/api/v1/webhooks/\(endpointId)/deliveries", key: other.apiKey)
                #expect(foreign.status == .notFound)
                let bad = try await s.api(.post, "/api/v1/webhooks", ["url": "ftp://x", "events": ["review.eaten"]])
                #expect(bad.status == .unprocessableContent)
                #expect(bad.text.contains("url") && bad.text.contains("review.eaten"))
                let removed = try await s.api(.delete, "/api/v1/webhooks/\(endpointId)")
                #expect(removed.status == .noContent)
                #expect(try await s.api(.post, "/api/v1/webhooks/\(endpointId)/test").status == .notFound)
            }
        }
    }
}

actor Receiver {
    struct Call {
        var body: String
        var signature: String
        var event: String
    }

    private(set) var calls: [Call] = []
    private(set) var acceptedCount = 0

    /// Fails the first two calls, accepts the rest.
    func record(body: String, signature: String, event: String) -> Bool {
        calls.append(Call(body: body, signature: signature, event: event))
        let accept = calls.count > 2
        if accept { acceptedCount += 1 }
        return accept
    }
}
