import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where a shop's mailbox is (E1): `imaps://user:pass@host:993/INBOX` (TLS), `imap://…:143/INBOX` (STARTTLS,
/// required), `imap+plain://…` (no encryption: only when the shop says so). Query option `ca=/path/ca.pem` trusts a
/// private certificate, as for SMTP.
public struct IMAPConfiguration: Sendable, Equatable {
    public enum Security: String, Sendable { case tls, startTLS, plain }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String
    public var password: String
    public var mailbox: String
    public var trustedCertificateFile: String?
    public var timeout: TimeInterval = 30
    /// Whether the server may be on loopback or a private network (the installation's setting, checked when the
    /// name is resolved at each connection, as for webhooks).
    public var allowPrivate = false

    public struct InvalidURL: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// `password` given: the URL as stored (its `redacted` form, without one) and the password kept apart.
    public init(url text: String, password: String? = nil) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw InvalidURL(reason: "not a URL; use imaps://user:password@host:993/INBOX")
        }
        switch scheme {
        case "imaps": security = .tls
        case "imap": security = .startTLS
        case "imap+plain": security = .plain
        default: throw InvalidURL(reason: "the scheme must be imaps, imap (STARTTLS) or imap+plain")
        }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(reason: "the URL names no host") }
        self.host = host
        port = components.port ?? (security == .tls ? 993 : 143)
        guard (1...65535).contains(port) else { throw InvalidURL(reason: "the port must be 1 to 65535") }
        guard let user = components.user, !user.isEmpty,
              let secret = password ?? components.password?.removingPercentEncoding ?? components.password,
              !secret.isEmpty
        else { throw InvalidURL(reason: "the URL needs user:password@") }
        username = user.removingPercentEncoding ?? user
        self.password = secret
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        mailbox = path.isEmpty ? "INBOX" : (path.removingPercentEncoding ?? path)
        trustedCertificateFile = components.queryItems?.first { $0.name == "ca" }?.value
        for value in [username, self.password, mailbox] where value.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw InvalidURL(reason: "user, password and mailbox cannot hold line breaks")
        }
    }

    /// The URL without its password, for pages, logs and the API (the user name percent-encoded: it is often an
    /// e-mail address, whose `@` would end the user part).
    public var redacted: String {
        let scheme = security == .tls ? "imaps" : (security == .startTLS ? "imap" : "imap+plain")
        let user = username.addingPercentEncoding(withAllowedCharacters: Self.userCharacters) ?? username
        let box = mailbox.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? mailbox
        return "\(scheme)://\(user)@\(host):\(port)/\(box)"
    }

    private static let userCharacters = CharacterSet.urlUserAllowed.subtracting(CharacterSet(charactersIn: "@:"))
}

public struct IMAPError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ text: String) { description = String(text.prefix(300)) }
}

/// One message as the mailbox holds it.
public struct IMAPMessage: Sendable {
    public var uid: UInt32
    /// When it reached the mailbox (INTERNALDATE, E9).
    public var internalDate: Date?
    public var bytes: [UInt8]
}

/// A small IMAP4rev1 client (RFC 3501/9051) for polling: LOGIN, SELECT (UIDVALIDITY), UID SEARCH, UID FETCH of the
/// whole message with BODY.PEEK (the message stays unseen), UID STORE \Seen after the caller stored it, LOGOUT.
/// One session, alive inside `IMAPClient.session`, which closes the connection when its body returns or throws.
public final class IMAPClient: @unchecked Sendable {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer: [UInt8] = []
    private var tag = 0
    /// The largest literal read: a message over it is refused by the reader anyway (E11).
    private let maxLiteral: Int

    private init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                 maxLiteral: Int) {
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.maxLiteral = maxLiteral
    }

    /// Connects, logs in (STARTTLS first for `imap://`), runs `body`, logs out and closes.
    public static func session<T: Sendable>(
        _ configuration: IMAPConfiguration, maxMessageBytes: Int, _ body: (IMAPClient) async throws -> T
    ) async throws -> T {
        var tls: NIOSSLContext?
        if configuration.security != .plain {
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            if let file = configuration.trustedCertificateFile {
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw IMAPError("the ca file \(file) cannot be read")
                }
                tlsConfiguration.trustRoots = .file(file)
            }
            tls = try NIOSSLContext(configuration: tlsConfiguration)
        }
        let serverName = TLSName.serverName(for: configuration.host)
        let implicit = configuration.security == .tls ? tls : nil
        let address = try await HTTPPoster.resolve(host: configuration.host, port: configuration.port,
                                                   allowPrivate: configuration.allowPrivate)
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(Int64(configuration.timeout)))
                .connect(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicit {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: implicit, serverHostname: serverName))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw IMAPError("cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            let client = IMAPClient(inbound: inbound, outbound: outbound, maxLiteral: maxMessageBytes)
            let greeting = try await client.line()
            guard greeting.hasPrefix("* OK") || greeting.hasPrefix("* PREAUTH") else {
                throw IMAPError("the server did not greet: \(greeting)")
            }
            if configuration.security == .startTLS, let tls {
                _ = try await client.command("STARTTLS")
                let raw = channel.channel
                try await raw.eventLoop.submit {
                    try raw.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: tls, serverHostname: serverName), position: .first)
                }.get()
            }
            _ = try await client.command("LOGIN \(quoted(configuration.username)) \(quoted(configuration.password))",
                                         secret: true)
            let result = try await body(client)
            _ = try? await client.command("LOGOUT")
            return result
        }
    }

    /// Selects the mailbox; its UIDVALIDITY (RFC 3501 2.3.1.1: when it changes, old UIDs mean nothing).
    public func select(_ mailbox: String) async throws -> UInt32 {
        let untagged = try await command("SELECT \(Self.quoted(mailbox))")
        for line in untagged {
            if let range = line.range(of: "[UIDVALIDITY ") {
                let digits = line[range.upperBound...].prefix { $0.isNumber }
                if let value = UInt32(digits) { return value }
            }
        }
        throw IMAPError("the server named no UIDVALIDITY for \(mailbox)")
    }

    /// The UIDs above `after`, ascending.
    public func uids(after: UInt32) async throws -> [UInt32] {
        let untagged = try await command("UID SEARCH UID \(after &+ 1):*")
        var found: [UInt32] = []
        for line in untagged where line.hasPrefix("* SEARCH") {
            found += line.dropFirst(8).split(separator: " ").compactMap { UInt32($0) }
        }
        // `n:*` always matches the highest UID, even one below n.
        return found.filter { $0 > after }.sorted()
    }

    /// The whole message with its INTERNALDATE; it stays unseen (BODY.PEEK).
    public func fetch(uid: UInt32) async throws -> IMAPMessage? {
        let untagged = try await command("UID FETCH \(uid) (UID INTERNALDATE BODY.PEEK[])", literal: true)
        var message: IMAPMessage?
        for (index, line) in untagged.enumerated() where line.hasPrefix("* ") && line.contains("FETCH") {
            var date: Date?
            if let range = line.range(of: "INTERNALDATE \"") {
                date = Self.internalDate(String(line[range.upperBound...].prefix { $0 != "\"" }))
            }
            if index < literals.count, let bytes = literals[index] {
                message = IMAPMessage(uid: uid, internalDate: date, bytes: bytes)
            }
        }
        return message
    }

    /// Marks a message seen, after the caller stored it (E2).
    public func markSeen(uid: UInt32) async throws {
        _ = try await command("UID STORE \(uid) +FLAGS.SILENT (\\Seen)")
    }

    // MARK: - The wire

    /// Literals of the last command's untagged lines, by line index.
    private var literals: [[UInt8]?] = []

    /// Sends a tagged command, gathers the untagged lines up to its tagged answer, and throws unless it is OK.
    private func command(_ text: String, secret: Bool = false, literal: Bool = false) async throws -> [String] {
        tag += 1
        let label = "r\(tag)"
        try await outbound.write(ByteBuffer(string: "\(label) \(text)\r\n"))
        var untagged: [String] = []
        literals = []
        while true {
            var (line, bytes) = try await response()
            if line.hasPrefix(label + " ") {
                let status = line.dropFirst(label.count + 1)
                guard status.hasPrefix("OK") else {
                    let shown = secret ? "LOGIN" : String(text.prefix(60))
                    throw IMAPError("\(shown): \(status)")
                }
                return untagged
            }
            if line.hasPrefix("* BYE") && !text.hasPrefix("LOGOUT") { throw IMAPError("the server closed: \(line)") }
            if !literal { bytes = nil }
            untagged.append(line)
            literals.append(bytes)
        }
    }

    /// One response: its line (literals replaced by `{}`) and the bytes of its first literal.
    private func response() async throws -> (String, [UInt8]?) {
        var text = try await line()
        var first: [UInt8]?
        while text.hasSuffix("}"), let open = text.lastIndex(of: "{"),
              let size = Int(text[text.index(after: open)..<text.index(before: text.endIndex)]) {
            guard size <= maxLiteral else { throw IMAPError("a message larger than \(maxLiteral) bytes") }
            let bytes = try await read(size)
            if first == nil { first = bytes }
            text = String(text[..<open]) + "{}" + (try await line())
        }
        return (text, first)
    }

    private func line() async throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var end = newline
                if end > 0 && buffer[end - 1] == 13 { end -= 1 }
                let text = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return text
            }
            guard buffer.count < 1 << 20 else { throw IMAPError("a response line longer than 1 MB") }
            try await more()
        }
    }

    private func read(_ count: Int) async throws -> [UInt8] {
        while buffer.count < count { try await more() }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    private func more() async throws {
        guard let chunk = try await inbound.next() else { throw IMAPError("the server closed the connection") }
        buffer += chunk.readableBytesView
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `07-Dec-2026 10:00:00 +0100`.
    static func internalDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "d-MMM-yyyy HH:mm:ss Z"
        return formatter.date(from: text.trimmingCharacters(in: .whitespaces))
    }
}
