import Foundation

/// What went wrong talking to the mail server, with the server's code and a plain explanation.
public enum SMTPError: DeliveryFailure, CustomStringConvertible, Equatable, Sendable {
    /// The server answered `code` to `command` when another answer was expected.
    case reply(command: String, code: Int, message: String)
    case timeout(stage: String)
    case connectionClosed
    case malformedReply
    case startTLSNotOffered
    case authenticationNotOffered
    case connectFailed(String)
    case invalidAddress

    public var description: String {
        switch self {
        case .reply(let command, let code, let message):
            return "SMTP \(command) refused with \(code) (\(Self.meaning(of: code))): \(message.prefix(200))"
        case .timeout(let stage): return "the mail server did not answer in time (\(stage))"
        case .connectionClosed: return "the mail server closed the connection"
        case .malformedReply: return "the mail server sent an answer that is not SMTP"
        case .startTLSNotOffered: return "STARTTLS is required but the mail server does not offer it"
        case .authenticationNotOffered: return "credentials are configured but the server offers neither AUTH PLAIN nor LOGIN"
        case .connectFailed(let reason): return "cannot connect to the mail server: \(reason)"
        case .invalidAddress: return "an address is not usable for SMTP (empty, without @, or with spaces or <>)"
        }
    }

    /// True when trying again cannot help this message (the recipient or the content is refused).
    /// Authentication and server-side trouble are not permanent: an operator can fix them and the outbox retries.
    public var isPermanent: Bool {
        if self == .invalidAddress { return true }
        guard case .reply(let command, let code, _) = self else { return false }
        return code >= 500 && ["MAIL FROM", "RCPT TO", "DATA", "message"].contains(command) && code != 530
    }

    /// The RFC 5321 (and RFC 4954 for AUTH) meaning of a reply code.
    public static func meaning(of code: Int) -> String {
        switch code {
        case 421: return "service not available, closing"
        case 432: return "a password transition is needed"
        case 450: return "mailbox unavailable, try later"
        case 451: return "local error in processing"
        case 452: return "insufficient system storage"
        case 454: return "temporary authentication or TLS failure"
        case 455: return "server unable to accommodate parameters"
        case 500: return "syntax error, command unrecognised"
        case 501: return "syntax error in parameters"
        case 502: return "command not implemented"
        case 503: return "bad sequence of commands"
        case 504: return "command parameter not implemented"
        case 521, 556: return "domain does not accept mail"
        case 530: return "authentication required"
        case 534: return "authentication mechanism too weak"
        case 535: return "authentication credentials invalid"
        case 538: return "encryption required for this authentication"
        case 550: return "mailbox unavailable or refused"
        case 551: return "user not local"
        case 552: return "exceeded storage allocation"
        case 553: return "mailbox name not allowed"
        case 554: return "transaction failed"
        case 555: return "MAIL FROM/RCPT TO parameters not recognised"
        default:
            switch code / 100 {
            case 4: return "temporary failure"
            case 5: return "permanent failure"
            default: return "unexpected reply"
            }
        }
    }
}
