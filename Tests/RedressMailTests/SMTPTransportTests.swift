import Foundation
import RedressTestSupport
import Testing

@testable import RedressMail

/// N1/N2 over a real SMTP server (aiosmtpd on loopback), read back through Python's e-mail parser.
@Suite(.serialized)
struct SMTPTransportTests {
    static let greek = MailMessage(
        from: "sklep@example.com", fromName: "Sklep Żółw \"Ελλάδα\"", to: ["klient@example.com", "drugi@example.com"],
        replyTo: "obsluga@example.com",
        subject: "Η κριτική σας για Sklep Żółw θα δημοσιευτεί το αργότερο στις 30 Νοεμβρίου 2026, 14:00",
        text: "Γειά σας.\n.a line that starts with a dot\nŁódź – koniec.\n",
        html: "<p>Γειά σας <b>Łódź</b></p>")

    func configuration(_ sink: SMTPSink, scheme: String, query: String = "", host: String = "127.0.0.1") throws
        -> SMTPConfiguration
    {
        let user = sink.auth.map { "\($0)@" } ?? ""
        var items = query.isEmpty ? [] : [query]
        if let certificate = sink.certificate { items.append("ca=\(certificate.path)") }
        items.append("timeout=5")
        return try SMTPConfiguration(url: "\(scheme)://\(user)\(host):\(sink.port)?\(items.joined(separator: "&"))")
    }

    @Test func plainDeliveryIsReadBackExactly() async throws {
        let sink = try SMTPSink()
        let transport = try SMTPTransport(configuration: configuration(sink, scheme: "smtp"))
        try await transport.send(Self.greek, messageID: "msg_1@example.com")
        let mail = try #require(try await sink.waitFor(1).first)
        #expect(mail.envelopeFrom == "sklep@example.com")
        #expect(mail.envelopeTo == ["klient@example.com", "drugi@example.com"])
        #expect(mail.subject == Self.greek.subject)
        #expect(mail.from.hasSuffix("<sklep@example.com>"))
        #expect(mail.from.contains("Sklep Żółw"))
        #expect(mail.replyTo == "obsluga@example.com")
        #expect(mail.messageId == "<msg_1@example.com>")
        #expect(!mail.date.isEmpty)
        #expect(mail.contentType == "multipart/alternative")
        #expect(mail.text?.replacingOccurrences(of: "\r\n", with: "\n") == Self.greek.text)
        #expect(mail.html?.contains("<b>Łódź</b>") == true)
        #expect(mail.defects.isEmpty)
        await transport.closeAll()
    }

    @Test func startTLSWithAuthPlainAndLogin() async throws {
        let sink = try SMTPSink(security: .starttls, auth: "shop:s3cret!")
        for mechanism in ["plain", "login"] {
            let configuration = try configuration(sink, scheme: "smtp+starttls", query: "auth=\(mechanism)",
                                                  host: "localhost")
            let transport = try SMTPTransport(configuration: configuration)
            try await transport.send(Self.greek, messageID: "\(mechanism)@example.com")
            await transport.closeAll()
        }
        let received = try await sink.waitFor(2)
        #expect(received.map(\.messageId) == ["<plain@example.com>", "<login@example.com>"])
    }

    @Test func startTLSRefusesAnUntrustedCertificate() async throws {
        let sink = try SMTPSink(security: .starttls)
        let transport = try SMTPTransport(configuration: SMTPConfiguration(url: "smtp+starttls://localhost:\(sink.port)?timeout=5"))
        await #expect(throws: (any Error).self) { try await transport.send(Self.greek, messageID: "x@example.com") }
        #expect(try sink.received().isEmpty)
    }

    @Test func implicitTLSWithAuth() async throws {
        let sink = try SMTPSink(security: .implicit, auth: "shop:pw")
        let transport = try SMTPTransport(configuration: configuration(sink, scheme: "smtps"))
        try await transport.send(Self.greek, messageID: "tls@example.com")
        #expect(try await sink.waitFor(1).map(\.messageId) == ["<tls@example.com>"])
        await transport.closeAll()
    }

    @Test func wrongPasswordIsAClearNonPermanentError() async throws {
        let sink = try SMTPSink(security: .starttls, auth: "shop:right")
        var configuration = try configuration(sink, scheme: "smtp+starttls")
        configuration.password = "wrong"
        let transport = try SMTPTransport(configuration: configuration)
        do {
            try await transport.send(Self.greek, messageID: "x@example.com")
            Issue.record("sent with a wrong password")
        } catch let error as SMTPError {
            guard case .reply(let command, let code, _) = error else { Issue.record("\(error)"); return }
            #expect(command == "AUTH" && code == 535)
            #expect(error.description.contains("authentication credentials invalid"))
            #expect(!error.isPermanent)
        }
    }

    @Test func plainServerWithoutStartTLSIsRefusedWhenTLSIsRequired() async throws {
        let sink = try SMTPSink()
        let transport = try SMTPTransport(configuration: SMTPConfiguration(url: "smtp+starttls://127.0.0.1:\(sink.port)"))
        await #expect(throws: SMTPError.startTLSNotOffered) {
            try await transport.send(Self.greek, messageID: "x@example.com")
        }
    }

    @Test func serverDownThenBackOnTheSamePort() async throws {
        let sink = try SMTPSink()
        let transport = try SMTPTransport(configuration: configuration(sink, scheme: "smtp"))
        try await transport.send(Self.greek, messageID: "one@example.com")
        sink.stop()
        await #expect(throws: (any Error).self) { try await transport.send(Self.greek, messageID: "two@example.com") }
        try sink.start()
        // The kept-open session died with the server; the transport opens a new one.
        try await transport.send(Self.greek, messageID: "three@example.com")
        #expect(try await sink.waitFor(2).map(\.messageId) == ["<one@example.com>", "<three@example.com>"])
        await transport.closeAll()
    }

    @Test func manyMessagesOverFewSessions() async throws {
        let sink = try SMTPSink()
        let transport = try SMTPTransport(configuration: configuration(sink, scheme: "smtp", query: "connections=3"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<60 {
                group.addTask { try await transport.send(Self.greek, messageID: "m\(index)@example.com") }
            }
            try await group.waitForAll()
        }
        #expect(Set(try await sink.waitFor(60).map(\.messageId)).count == 60)
        await transport.closeAll()
    }

    @Test func refusedRecipientIsPermanentAndKeepsTheSession() async throws {
        let sink = try SMTPSink()
        let transport = try SMTPTransport(configuration: configuration(sink, scheme: "smtp"))
        var bad = Self.greek
        bad.to = ["bad address@example.com"]
        await #expect(throws: SMTPError.invalidAddress) { try await transport.send(bad, messageID: "b@example.com") }
        #expect(SMTPError.invalidAddress.isPermanent)
        try await transport.send(Self.greek, messageID: "ok@example.com")
        #expect(try await sink.waitFor(1).count == 1)
        await transport.closeAll()
    }
}

struct SMTPConfigurationTests {
    @Test func parsesTheThreeSchemes() throws {
        let plain = try SMTPConfiguration(url: "smtp://mail.example.com")
        #expect(plain.security == .plain && plain.port == 25 && plain.username == nil)
        let startTLS = try SMTPConfiguration(url: "smtp+starttls://user%40shop:p%3Ass@mail.example.com:2525?timeout=9&helo=shop.example")
        #expect(startTLS.security == .startTLS && startTLS.port == 2525)
        #expect(startTLS.username == "user@shop" && startTLS.password == "p:ss")
        #expect(startTLS.timeout == 9 && startTLS.heloName == "shop.example")
        #expect(startTLS.redacted == "smtp+starttls://user@shop:***@mail.example.com:2525")
        let tls = try SMTPConfiguration(url: "smtps://u:p@mail.example.com?ca=/etc/ca.pem&connections=2&auth=login")
        #expect(tls.security == .tls && tls.port == 465 && tls.trustedCertificateFile == "/etc/ca.pem")
        #expect(tls.connections == 2 && tls.authMechanism == "LOGIN")
    }

    @Test(arguments: [
        "http://mail.example.com", "smtp://", "smtp://u@host", "smtp://host?ca=/x.pem", "smtp://host?timeout=0",
        "smtp://host?connections=99", "smtp://host?colour=blue", "smtp://host?auth=cram-md5", "not a url",
    ])
    func rejectsUnusableURLs(_ url: String) {
        #expect(throws: SMTPConfiguration.InvalidURL.self) { try SMTPConfiguration(url: url) }
    }

    @Test func errorsNeverEchoThePassword() {
        do {
            _ = try SMTPConfiguration(url: "smtp://user:topsecret@host?colour=blue")
        } catch {
            #expect(!String(describing: error).contains("topsecret"))
        }
    }

    @Test func dotStuffingAndAddressSafety() {
        #expect(SMTPConnection.dotStuffed(".a\r\nb\r\n.c\r\n..d") == "..a\r\nb\r\n..c\r\n...d\r\n")
        #expect(SMTPConnection.isSafeAddress("a@b.pl"))
        #expect(!SMTPConnection.isSafeAddress("a@b.pl>\r\nRCPT TO:<x@y"))
        #expect(!SMTPConnection.isSafeAddress("no-at-sign"))
    }

    @Test func everyReplyCodeHasAMeaning() {
        #expect(SMTPError.meaning(of: 550) == "mailbox unavailable or refused")
        #expect(SMTPError.meaning(of: 421) == "service not available, closing")
        #expect(SMTPError.meaning(of: 499) == "temporary failure")
        #expect(SMTPError.reply(command: "RCPT TO", code: 550, message: "no").isPermanent)
        #expect(!SMTPError.reply(command: "RCPT TO", code: 450, message: "busy").isPermanent)
        #expect(!SMTPError.reply(command: "AUTH", code: 535, message: "no").isPermanent)
    }

    @Test func longUTF8SubjectsAreFoldedIntoShortEncodedWords() {
        let subject = String(repeating: "Ελλάδα ", count: 20)
        let encoded = MIMEWriter.encodedWord(subject)
        for word in encoded.components(separatedBy: "\r\n ") { #expect(word.count <= 75) }
        #expect(encoded.components(separatedBy: "\r\n ").count > 1)
    }
}
