import Foundation
import RedressCore
import RedressMail
import RedressPersistence
import RedressTestSupport
import Testing

@testable import RedressApp

/// E1: the LMTP door, spoken to by Python's smtplib.LMTP (an independent client), and its session rules.
@Suite("E1 LMTP door")
struct LMTPDoorTests {
    @Test("a message over LMTP becomes a complaint received at the LMTP receipt; an address of no shop is refused at RCPT; dots are unstuffed",
          arguments: Engine.available)
    func deliveredByAnMTA(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            try await s.setInboundAddress()
            _ = try await s.orderWithLink("K-700")
            let lmtp = try await InboundMail(services: s.app.services).startLMTP(host: "127.0.0.1", port: 0)
            let mail = rawMail(subject: "Reklamacja K-700", body: "Kubek pękł.\r\n.kropka na początku linii\r\n")
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Support/Python/lmtp_client.py").path
            let (status, output) = try await Task.detached {
                try ChildProcess.run(["/usr/bin/env", "python3", script, String(lmtp.port), "klient@example.com",
                                      "Reklamacje+x@Sklep.Example", "nikt@gdzie-indziej.example"],
                                     input: Data(mail.utf8))
            }.value
            await lmtp.close()
            #expect(status == 0, "\(String(decoding: output, as: UTF8.self))")
            let result = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
            #expect((result["lhlo"] as? String)?.contains("PIPELINING") == true)
            let refused = try #require(result["refused"] as? [String: [Any]])
            #expect(refused.keys.sorted() == ["nikt@gdzie-indziej.example"], "\(result)")
            #expect(refused["nikt@gdzie-indziej.example"]?.first as? Int == 550)
            #expect(result["error"] == nil, "\(result)")

            let log = try await s.api(.get, "/api/v1/inbound")
            let entry = try #require((log.json["items"] as? [[String: Any]])?.first)
            #expect(entry["door"] as? String == "lmtp" && entry["outcome"] as? String == "complaint", "\(entry)")
            let complaint = try await s.complaint(try #require(entry["reference"] as? String))
            #expect(complaint["orderExternalId"] as? String == "K-700")
            #expect((complaint["description"] as? String)?.contains("\n.kropka na początku linii") == true,
                    "\(complaint["description"] ?? "")")
            // The LMTP receipt (the test clock's 09:00), not the older Received: header of the message.
            #expect(complaint["receivedAt"] as? String == "2026-11-02T09:00:00Z")
        }
    }

    @Test func sessionRules() {
        var session = LMTPSession(hostname: "redress", maxBytes: 40)
        let ours: (String) -> Bool = { $0.hasSuffix("@sklep.example") }
        func say(_ line: String) -> LMTPSession.Step { session.line(Array(line.utf8), accept: ours) }
        #expect(say("MAIL FROM:<a@b>") == .reply(["503 5.5.1 LHLO first"]))
        #expect(say("EHLO x") == .reply(["500 5.5.1 this is LMTP: say LHLO"]))
        guard case .reply(let lines) = say("LHLO mta.example") else { Issue.record("no LHLO answer"); return }
        #expect(lines.last == "250 SIZE 40")
        #expect(say("DATA") == .reply(["503 5.5.1 MAIL first"]))
        #expect(say("MAIL FROM:<>") == .reply(["250 2.1.0 sender ok"]), "the empty sender of a bounce")
        #expect(say("MAIL FROM:<again@x>") == .reply(["503 5.5.1 nested MAIL command"]))
        #expect(say("RCPT TO:<x@other.example>") == .reply(["550 5.1.1 <x@other.example> is no shop's inbound address"]))
        #expect(say("RCPT TO:broken") == .reply(["501 5.5.4 syntax: RCPT TO:<address>"]))
        #expect(say("DATA") == .reply(["503 5.5.1 no valid recipients"]))
        #expect(say("RCPT TO:<r@sklep.example> NOTIFY=NEVER") == .reply(["250 2.1.5 recipient ok"]))
        #expect(say("DATA") == .reply(["354 start mail input; end with <CRLF>.<CRLF>"]))
        #expect(say("..one") == .reply([]))
        #expect(say("Subject: x") == .reply([]))
        #expect(say(".") == .deliver)
        let first = session.take(at: Date(timeIntervalSince1970: 5))
        #expect(first.sender == "" && first.recipients == ["r@sklep.example"])
        #expect(String(decoding: first.data, as: UTF8.self) == ".one\r\nSubject: x\r\n")
        #expect(!first.truncated && first.receivedAt == Date(timeIntervalSince1970: 5))
        // Over the size: the start is kept and the delivery says so.
        _ = say("MAIL FROM:<a@b>")
        _ = say("RCPT TO:<r@sklep.example>")
        _ = say("DATA")
        for _ in 0..<10 { _ = say("0123456789") }
        #expect(say(".") == .deliver)
        let second = session.take(at: Date())
        #expect(second.truncated && second.data.count <= 40)
        #expect(say("QUIT") == .close(["221 2.0.0 bye"]))
    }
}
