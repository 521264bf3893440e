import Foundation

/// One e-mail as the outbox stores it: addresses, a subject and both bodies, already rendered in the
/// recipient's language.
public struct MailMessage: Codable, Sendable, Equatable {
    public var from: String
    /// The name shown with the sender address (the shop's name).
    public var fromName: String?
    public var to: [String]
    public var replyTo: String?
    public var subject: String
    public var text: String
    public var html: String?
    /// The case's reply token (E3): the Message-ID is `<token.outboxId@domain>`, so a reply's In-Reply-To finds the
    /// case even when the reply address was lost.
    public var threadToken: String?
    /// The customer's mail this one answers (E9: the acknowledgement of a complaint sent by mail).
    public var inReplyTo: String?
    /// Written by Redress on its own (`Auto-Submitted: auto-generated`, E3); false or nil for what staff wrote.
    public var automatic: Bool?
    /// The envelope sender (SMTP `MAIL FROM`, the Return-Path): a per-message address of the shop's inbound address,
    /// so a bounce names the mail it returns (E8); nil sends from `from`.
    public var envelopeFrom: String?

    public init(
        from: String, fromName: String? = nil, to: [String], replyTo: String? = nil, subject: String, text: String,
        html: String? = nil, threadToken: String? = nil, inReplyTo: String? = nil, automatic: Bool? = nil
    ) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.threadToken = threadToken
        self.inReplyTo = inReplyTo
        self.automatic = automatic
    }

    /// The Message-ID (without brackets) of this mail as the outbox entry `outboxId` sends it.
    public func messageID(outboxId: String) -> String {
        let domain = from.split(separator: "@").last.map(String.init) ?? "redress"
        return (threadToken.map { "\($0)." } ?? "") + "\(outboxId)@\(domain)"
    }
}

/// Delivers a message or throws; the dispatcher retries on a throw (N1).
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage, messageID: String) async throws
    /// Ends what the transport keeps open (pooled SMTP sessions) at shutdown; nothing for most transports.
    func close() async
}

extension MailTransport {
    public func close() async {}
}

/// A delivery failure that says whether trying again can help (a refused recipient cannot).
public protocol DeliveryFailure: Error {
    var isPermanent: Bool { get }
}
