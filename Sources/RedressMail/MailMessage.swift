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

    public init(
        from: String, fromName: String? = nil, to: [String], replyTo: String? = nil, subject: String, text: String,
        html: String? = nil
    ) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
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
