import Foundation

/// The kind of case a mail belongs to (E3, E4).
public enum MailCaseKind: String, Sendable, Codable, CaseIterable {
    case dialog, complaint

    var letter: Character { self == .dialog ? "d" : "c" }
    var idPrefix: String { self == .dialog ? "dlg" : "cmp" }
}

/// What became of an incoming mail (E1, API.md).
public enum InboundOutcome: String, Sendable, Codable, CaseIterable {
    case threaded, complaint, unmatched, quarantined, duplicate, rejected
}

/// The token of a reply address and of our Message-IDs (E3): it names one case and carries a MAC over the shop, the
/// kind and the case, so it can be neither guessed nor moved to another case or shop. Lower case only (some mail
/// servers fold the local part): a kind letter, the case id's 12 random bytes and 8 bytes of MAC, in base32.
/// The MAC function is the caller's (HMAC-SHA256 with the installation's key in RedressApp).
public enum ReplyToken {
    public typealias MAC = (_ message: [UInt8]) -> [UInt8]

    public static let macBytes = 8

    /// The token of a case, or nil for an id not of the `prefix_` + 16 base64url form that `SecureToken.id` makes.
    public static func make(kind: MailCaseKind, caseId: String, shopId: String, mac: MAC) -> String? {
        make(letter: kind.letter, prefix: kind.idPrefix, name: kind.rawValue, id: caseId, shopId: shopId, mac: mac)
    }

    /// The case a token names when its MAC is right for `shopId`; nil for anything else.
    public static func verify(_ token: String, shopId: String, mac: MAC) -> (kind: MailCaseKind, caseId: String)? {
        guard let letter = token.lowercased().first,
              let kind = MailCaseKind.allCases.first(where: { $0.letter == letter }),
              let id = verify(token, letter: kind.letter, prefix: kind.idPrefix, name: kind.rawValue, shopId: shopId,
                              mac: mac)
        else { return nil }
        return (kind, id)
    }

    /// The tag of a per-message return path (E8): `b` and the outbox entry, so a bounce names the mail it returns.
    public static func bounce(outboxId: String, shopId: String, mac: MAC) -> String? {
        make(letter: "b", prefix: "msg", name: "bounce", id: outboxId, shopId: shopId, mac: mac)
    }

    /// The outbox entry a return-path tag names, when its MAC is right.
    public static func verifyBounce(_ token: String, shopId: String, mac: MAC) -> String? {
        verify(token, letter: "b", prefix: "msg", name: "bounce", shopId: shopId, mac: mac)
    }

    private static func make(letter: Character, prefix: String, name: String, id: String, shopId: String, mac: MAC)
        -> String?
    {
        guard let raw = idBytes(id, prefix: prefix) else { return nil }
        let code = Array(mac(signed(name, id: id, shopId: shopId)).prefix(macBytes))
        guard code.count == macBytes else { return nil }
        return String(letter) + Base32.encode(raw) + Base32.encode(code)
    }

    private static func verify(_ token: String, letter: Character, prefix: String, name: String, shopId: String,
                               mac: MAC) -> String? {
        let token = token.lowercased()
        guard token.count == 1 + 20 + 13, token.first == letter else { return nil }
        let body = token.dropFirst()
        guard let raw = Base32.decode(body.prefix(20)), raw.count == 12,
              let given = Base32.decode(body.suffix(13)), given.count == macBytes,
              // One spelling per case: the unused low bits of the last character of each part must be zero.
              Base32.encode(raw) + Base32.encode(given) == body
        else { return nil }
        let id = prefix + "_" + Data(raw).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let expected = Array(mac(signed(name, id: id, shopId: shopId)).prefix(macBytes))
        // Constant time: every byte compared.
        guard expected.count == macBytes, zip(expected, given).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        return id
    }

    /// Finds a token in a Message-ID we wrote (`<TOKEN.outboxId@host>`).
    public static func candidate(inMessageID id: String) -> String? {
        let local = id.split(separator: "@").first.map(String.init) ?? id
        guard let first = local.split(separator: ".").first, first.count == 34 else { return nil }
        return String(first)
    }

    /// The outbox entry of a Message-ID we wrote (`[TOKEN.]msg_…@host`).
    public static func outboxId(inMessageID id: String) -> String? {
        let bare = id.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        guard let local = bare.split(separator: "@").first,
              let last = local.split(separator: ".").last, last.hasPrefix("msg_"), last.count == 20 else { return nil }
        return String(last)
    }

    private static func signed(_ name: String, id: String, shopId: String) -> [UInt8] {
        Array("redress-reply|\(shopId)|\(name)|\(id)".utf8)
    }

    private static func idBytes(_ id: String, prefix: String) -> [UInt8]? {
        let prefix = prefix + "_"
        guard id.hasPrefix(prefix) else { return nil }
        let payload = id.dropFirst(prefix.count)
        guard payload.count == 16 else { return nil }
        let standard = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard let data = Data(base64Encoded: standard), data.count == 12 else { return nil }
        return Array(data)
    }
}

/// E8: the per-recipient results of a delivery status notification (RFC 3464 `message/delivery-status`).
public enum DeliveryReport {
    public struct Recipient: Equatable, Sendable {
        public var address: String
        /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
        public var action: String
        /// `5.1.1`…; a 5 in front is a permanent failure.
        public var status: String
        public var diagnostic: String?

        public var isPermanentFailure: Bool { action == "failed" && status.hasPrefix("5") }
    }

    /// Reads the per-recipient groups (after the per-message group); unknown fields are ignored.
    public static func recipients(_ text: String) -> [Recipient] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        var groups: [[String: String]] = []
        var current: [String: String] = [:]
        var last: String?
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { groups.append(current) }
                current = [:]
                last = nil
                continue
            }
            if line.first == " " || line.first == "\t", let key = last {
                current[key, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            current[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            last = key
        }
        if !current.isEmpty { groups.append(current) }
        return groups.compactMap { group in
            guard let recipient = group["final-recipient"] ?? group["original-recipient"],
                  let action = group["action"]?.lowercased() else { return nil }
            // `rfc822; someone@example.com`
            let address = recipient.split(separator: ";", maxSplits: 1).last
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " <>")) } ?? recipient
            let status = group["status"]?.split(separator: " ").first.map(String.init) ?? ""
            return Recipient(address: address.lowercased(), action: action, status: status,
                             diagnostic: group["diagnostic-code"].map { String($0.prefix(300)) })
        }
    }
}

/// RFC 4648 base32, lower case, no padding.
public enum Base32 {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for scalar in text.lowercased().utf8 {
            guard let value = alphabet.firstIndex(of: scalar) else { return nil }
            buffer = ((buffer << 5) | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}

/// An address split at its subaddress (RFC 5233): `local+tag@domain`.
public struct MailAddress: Sendable, Equatable {
    public var local: String
    public var tag: String?
    public var domain: String

    public init?(_ address: String) {
        let trimmed = address.trimmingCharacters(in: CharacterSet(charactersIn: " <>\t"))
        guard let at = trimmed.lastIndex(of: "@"), at != trimmed.startIndex else { return nil }
        let localPart = trimmed[..<at]
        domain = trimmed[trimmed.index(after: at)...].lowercased()
        guard !domain.isEmpty else { return nil }
        if let plus = localPart.firstIndex(of: "+") {
            local = localPart[..<plus].lowercased()
            tag = String(localPart[localPart.index(after: plus)...])
        } else {
            local = localPart.lowercased()
            tag = nil
        }
    }

    /// The address without its tag, lower case: what a shop's inbound address is compared by.
    public var base: String { "\(local)@\(domain)" }

    /// `local+tag@domain`.
    public static func tagged(_ address: String, tag: String) -> String? {
        guard let split = MailAddress(address) else { return nil }
        return "\(split.local)+\(tag)@\(split.domain)"
    }
}

/// E7: the signs that a mail was written by a machine. Such mail gets no automatic answer and goes to quarantine.
public enum AutomatedMail {
    /// More than this many mails from one sender within `floodWindow` are quarantined.
    public static let floodLimit = 10
    public static let floodWindow: TimeInterval = 600
    /// The value of `X-Loop` on every mail Redress sends.
    public static let loopMark = "redress"

    /// Why the mail looks automated, or nil. `header` answers a header's first value by name (any case).
    public static func reason(header: (String) -> String?, from: String?) -> String? {
        func value(_ name: String) -> String? {
            header(name)?.trimmingCharacters(in: .whitespaces).lowercased()
        }
        if let auto = value("Auto-Submitted"), !auto.isEmpty, !auto.hasPrefix("no") {
            return "Auto-Submitted: \(auto)"
        }
        if let precedence = value("Precedence"), ["bulk", "list", "junk", "auto_reply"].contains(precedence) {
            return "Precedence: \(precedence)"
        }
        for name in ["List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond", "X-Autoresponder"]
        where header(name) != nil {
            return "\(name) present"
        }
        if let loop = value("X-Loop"), loop.contains(loopMark) { return "our own X-Loop" }
        if let path = value("Return-Path"), path.replacingOccurrences(of: " ", with: "") == "<>" {
            return "empty Return-Path"
        }
        if let sender = from.flatMap(MailAddress.init) {
            if ["mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply", "donotreply"]
                .contains(sender.local) {
                return "sent by \(sender.local)@"
            }
        }
        return nil
    }
}

/// E9: when a mail reached the mailbox, from the topmost `Received:` header: the date after its last `;`
/// (`parse` reads RFC 5322 dates: RedressMail's `MailDate`).
public enum MailArrival {
    public static func receivedAt(_ receivedHeaders: [String], parse: (String) -> Date?) -> Date? {
        guard let top = receivedHeaders.first, let semicolon = top.lastIndex(of: ";") else { return nil }
        return parse(String(top[top.index(after: semicolon)...]).trimmingCharacters(in: .whitespaces))
    }
}

/// E4's order of trust, as a decision over what the pipeline found.
public enum InboundRouting {
    public enum Route: Equatable, Sendable {
        /// To this case, found by `key` (what the note on the intake log says).
        case thread(kind: MailCaseKind, caseId: String, key: String)
        case newComplaint
        case unmatched
    }

    /// - Parameters:
    ///   - token: the case a valid plus-token names.
    ///   - inReplyTo: the case a valid token in `In-Reply-To`/`References` names.
    ///   - subjectCase: the complaint a reference in the subject names, and whether the sender is its customer.
    ///   - toComplaintAddress: the mail was sent to the shop's inbound address.
    public static func route(
        token: (MailCaseKind, String)?, inReplyTo: (MailCaseKind, String)?,
        subjectCase: (caseId: String, senderIsCustomer: Bool)?, toComplaintAddress: Bool
    ) -> Route {
        if let (kind, id) = token { return .thread(kind: kind, caseId: id, key: "reply address") }
        if let (kind, id) = inReplyTo { return .thread(kind: kind, caseId: id, key: "In-Reply-To") }
        if let subject = subjectCase, subject.senderIsCustomer {
            return .thread(kind: .complaint, caseId: subject.caseId, key: "subject reference")
        }
        return toComplaintAddress ? .newComplaint : .unmatched
    }
}

/// The order numbers and complaint references a customer's mail may name (E4, E9).
public enum MailText {
    /// A complaint reference as Redress writes it (`RC-2026-000123`, in brackets in our subjects).
    public static func references(in text: String) -> [String] {
        matches(of: #"\bRC-\d{4}-\d{6,}\b"#, in: text.uppercased()).filter(ComplaintReference.isValid)
    }

    /// Words that could be an order number: after "order"/"zamówienie"/"pedido"/"παραγγελία" or a `#`, 3–40 of
    /// letters, digits and `-_/`, holding a digit.
    public static func orderNumbers(in text: String) -> [String] {
        let pattern = #"(?:#|(?:order|zam[óo]wieni[ea]|nr zam[óo]wienia|pedido|παραγγελία|παραγγελίας)(?:\s*(?:no\.?|nr\.?|number|numer|n[úu]mero|αρ\.?))?\s*[:#]?\s*)([A-Za-z0-9][A-Za-z0-9_/-]{2,39})"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        var found: [String] = []
        for match in regex.matches(in: text, range: range) {
            guard let group = Range(match.range(at: 1), in: text) else { continue }
            let word = String(text[group])
            if word.contains(where: \.isNumber), !found.contains(word) { found.append(word) }
        }
        return found
    }

    /// Every word that could be an order number even without a word before it ("Reklamacja K-700"): 3–40 letters,
    /// digits and `-_/` holding a digit, at most 20. Only for looking up, where the sender must also match.
    public static func looseOrderNumbers(in text: String) -> [String] {
        var found: [String] = []
        for word in matches(of: #"[A-Za-z0-9][A-Za-z0-9_/-]{2,39}"#, in: text)
        where word.contains(where: \.isNumber) && !found.contains(word) {
            found.append(word.trimmingCharacters(in: CharacterSet(charactersIn: "-_/")))
            if found.count == 20 { break }
        }
        return found
    }

    private static func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }
    }
}
