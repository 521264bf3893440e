import Foundation
import RedressCore
import Testing

/// E3, E4, E7: the pure rules of mail into cases.
@Suite("E3 E4 E7 inbound rules")
struct InboundRulesTests {
    /// A stand-in MAC for the token's layout (the real one is HMAC-SHA256 in RedressApp): depends on every byte.
    static func mac(key: UInt8) -> ReplyToken.MAC {
        { message in
            var state: [UInt8] = Array(repeating: key, count: 8)
            for (index, byte) in message.enumerated() {
                state[index % 8] = state[index % 8] &* 31 &+ byte &+ UInt8(truncatingIfNeeded: index)
            }
            return state
        }
    }

    @Test func tokenNamesOneCaseOfOneShop() throws {
        for _ in 0..<200 {
            let kind = MailCaseKind.allCases.randomElement()!
            let id = SecureToken.id(kind == .dialog ? "dlg" : "cmp")
            let token = try #require(ReplyToken.make(kind: kind, caseId: id, shopId: "shp_a", mac: Self.mac(key: 1)))
            #expect(token.count == 34 && token == token.lowercased(), "lower case: servers fold local parts")
            let found = try #require(ReplyToken.verify(token, shopId: "shp_a", mac: Self.mac(key: 1)))
            #expect(found.kind == kind && found.caseId == id)
            // Folded to upper case by a server on the way: still the same case.
            #expect(ReplyToken.verify(token.uppercased(), shopId: "shp_a", mac: Self.mac(key: 1))?.caseId == id)
            #expect(ReplyToken.verify(token, shopId: "shp_b", mac: Self.mac(key: 1)) == nil, "another shop")
            #expect(ReplyToken.verify(token, shopId: "shp_a", mac: Self.mac(key: 2)) == nil, "another key")
            // Any one character changed names nothing.
            var changed = Array(token)
            let index = Int.random(in: 0..<changed.count)
            changed[index] = changed[index] == "a" ? "b" : "a"
            #expect(ReplyToken.verify(String(changed), shopId: "shp_a", mac: Self.mac(key: 1)) == nil)
        }
        #expect(ReplyToken.make(kind: .dialog, caseId: "demo-1", shopId: "s", mac: Self.mac(key: 1)) == nil)
        for junk in ["", "d", String(repeating: "z", count: 34), "c!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", "x" + String(repeating: "a", count: 33)] {
            #expect(ReplyToken.verify(junk, shopId: "s", mac: Self.mac(key: 1)) == nil)
        }
        #expect(ReplyToken.candidate(inMessageID: "cabcdefghijklmnopqrstuvwxyz2345674.msg_1@x.example") != nil)
        #expect(ReplyToken.candidate(inMessageID: "CAF=abc@mail.gmail.com") == nil)
    }

    @Test func base32RoundTrips() {
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
        #expect(Base32.encode(Array("foobar".utf8)) == "mzxw6ytboi")
        #expect(Base32.decode("1") == nil)
    }

    @Test func addressesSplitAtTheirTag() throws {
        let tagged = try #require(MailAddress("<Reklamacje+cABC@Sklep.Example>"))
        #expect(tagged.local == "reklamacje" && tagged.tag == "cABC" && tagged.domain == "sklep.example")
        #expect(tagged.base == "reklamacje@sklep.example")
        #expect(MailAddress("plain@x.example")?.tag == nil)
        #expect(MailAddress("no-at-sign") == nil && MailAddress("@x") == nil && MailAddress("a@") == nil)
        #expect(MailAddress.tagged("reklamacje@sklep.example", tag: "c1") == "reklamacje+c1@sklep.example")
    }

    @Test func automatedMailIsKnownBySigns() {
        func reason(_ headers: [String: String], from: String? = "klient@example.com") -> String? {
            AutomatedMail.reason(header: { name in headers.first { $0.key.lowercased() == name.lowercased() }?.value },
                                 from: from)
        }
        #expect(reason([:]) == nil)
        #expect(reason(["Auto-Submitted": "no"]) == nil, "RFC 3834: `no` is a person")
        #expect(reason(["Auto-Submitted": "auto-replied"]) != nil)
        #expect(reason(["Auto-Submitted": "auto-generated; owner-email=x@y"]) != nil)
        for precedence in ["bulk", "list", "junk", "Bulk"] { #expect(reason(["Precedence": precedence]) != nil) }
        #expect(reason(["Precedence": "first-class"]) == nil)
        for name in ["List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond"] {
            #expect(reason([name: "yes"]) != nil, "\(name)")
        }
        #expect(reason(["X-Loop": "redress"]) != nil)
        #expect(reason(["Return-Path": "<>"]) != nil)
        #expect(reason(["Return-Path": "<klient@example.com>"]) == nil)
        #expect(reason(["X-Auto-Response-Suppress": "All"]) == nil, "a request to us, not a sign of a machine")
        #expect(reason([:], from: "MAILER-DAEMON@mx.example") != nil)
        #expect(reason([:], from: "postmaster@mx.example") != nil)
    }

    @Test func theOrderOfTrust() {
        let token = (MailCaseKind.complaint, "cmp_token")
        let reply = (MailCaseKind.dialog, "dlg_reply")
        #expect(InboundRouting.route(token: token, inReplyTo: reply, subjectCase: ("cmp_s", true), toComplaintAddress: true)
                == .thread(kind: .complaint, caseId: "cmp_token", key: "reply address"))
        #expect(InboundRouting.route(token: nil, inReplyTo: reply, subjectCase: ("cmp_s", true), toComplaintAddress: true)
                == .thread(kind: .dialog, caseId: "dlg_reply", key: "In-Reply-To"))
        #expect(InboundRouting.route(token: nil, inReplyTo: nil, subjectCase: ("cmp_s", true), toComplaintAddress: true)
                == .thread(kind: .complaint, caseId: "cmp_s", key: "subject reference"))
        #expect(InboundRouting.route(token: nil, inReplyTo: nil, subjectCase: ("cmp_s", false), toComplaintAddress: true)
                == .newComplaint, "a reference from a stranger is not enough")
        #expect(InboundRouting.route(token: nil, inReplyTo: nil, subjectCase: ("cmp_s", false), toComplaintAddress: false)
                == .unmatched)
        #expect(InboundRouting.route(token: nil, inReplyTo: nil, subjectCase: nil, toComplaintAddress: false) == .unmatched)
    }

    @Test func referencesAndOrderNumbersInText() {
        #expect(MailText.references(in: "Re: [RC-2026-000123] Reklamacja, też rc-2026-000124") == ["RC-2026-000123", "RC-2026-000124"])
        #expect(MailText.references(in: "RC-26-1") == [])
        #expect(MailText.orderNumbers(in: "Reklamacja zamówienia nr K-100, kubek pękł") == ["K-100"])
        #expect(MailText.orderNumbers(in: "Order #10452 arrived broken") == ["10452"])
        #expect(MailText.orderNumbers(in: "Mi pedido número: ES-2026-77 llegó roto") == ["ES-2026-77"])
        #expect(MailText.orderNumbers(in: "Η παραγγελία 5521 ήρθε σπασμένη") == ["5521"])
        #expect(MailText.orderNumbers(in: "Zamówienie dotarło, ale jest uszkodzone") == [], "a word without a digit")
        #expect(MailText.looseOrderNumbers(in: "Reklamacja K-700, kupione 12.11, faktura FV/2026/118") == ["K-700", "FV/2026/118"])
        #expect(MailText.looseOrderNumbers(in: String(repeating: "a1 ", count: 100)).count <= 20)
    }

    @Test func arrivalFromTheTopReceivedHeader() {
        let parse: (String) -> Date? = { text in text == "Mon, 02 Nov 2026 08:00:00 +0100" ? Date(timeIntervalSince1970: 1) : nil }
        #expect(MailArrival.receivedAt(["from a by b; Mon, 02 Nov 2026 08:00:00 +0100", "from c; Sun, 01 Nov 2026"],
                                       parse: parse) == Date(timeIntervalSince1970: 1))
        #expect(MailArrival.receivedAt(["no date here"], parse: parse) == nil)
        #expect(MailArrival.receivedAt([], parse: parse) == nil)
    }
}
