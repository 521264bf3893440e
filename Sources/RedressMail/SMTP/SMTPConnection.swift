import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One open SMTP session: greeting, EHLO, STARTTLS when asked, AUTH PLAIN or LOGIN, then any number of
/// messages (MAIL FROM, RCPT TO, DATA) until `close()`.
final class SMTPConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<SMTPClientHandler>
    private let timeout: TimeAmount

    private init(channel: any Channel, handler: NIOLoopBound<SMTPClientHandler>, timeout: TimeAmount) {
        self.channel = channel
        self.handler = handler
        self.timeout = timeout
    }

    var isActive: Bool { channel.isActive }

    static func open(_ configuration: SMTPConfiguration, tls: NIOSSLContext?) async throws -> SMTPConnection {
        let timeout = TimeAmount.milliseconds(Int64(configuration.timeout * 1000))
        // SNI and name checks need a host name; for an address literal NIOSSL checks the address instead.
        let serverName = TLSName.serverName(for: configuration.host)
        let implicitTLS = configuration.security == .tls ? tls : nil
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let implicitTLS {
                        try pipeline.addHandler(NIOSSLClientHandler(context: implicitTLS, serverHostname: serverName))
                    }
                    try pipeline.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try pipeline.addHandler(SMTPClientHandler(eventLoop: channel.eventLoop))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw SMTPError.connectFailed(String(describing: error).prefix(200).description)
        }
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPClientHandler.self),
                         eventLoop: channel.eventLoop)
        }.get()
        let connection = SMTPConnection(channel: channel, handler: handler, timeout: timeout)
        do {
            try await connection.handshake(configuration, tls: tls, serverName: serverName)
        } catch {
            connection.abort()
            throw error
        }
        return connection
    }

    private func handshake(_ configuration: SMTPConfiguration, tls: NIOSSLContext?, serverName: String?) async throws {
        try await expect(nil, stage: "greeting", [220])
        var capabilities = try await hello(configuration.heloName)
        if configuration.security == .startTLS, let tls {
            guard capabilities.contains(where: { $0 == "STARTTLS" }) else { throw SMTPError.startTLSNotOffered }
            try await expect("STARTTLS", stage: "STARTTLS", [220])
            let channel = self.channel
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: tls, serverHostname: serverName), position: .first)
            }.get()
            capabilities = try await hello(configuration.heloName)
        }
        if let username = configuration.username, let password = configuration.password {
            let mechanisms = Set(capabilities.filter { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }
                .flatMap { $0.dropFirst(5).split(separator: " ").map(String.init) })
            let preferred = configuration.authMechanism
            if mechanisms.contains("PLAIN") && (preferred == nil || preferred == "PLAIN") {
                let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
                try await expect("AUTH PLAIN \(token)", stage: "AUTH", [235])
            } else if mechanisms.contains("LOGIN") && (preferred == nil || preferred == "LOGIN") {
                try await expect("AUTH LOGIN", stage: "AUTH", [334])
                try await expect(Data(username.utf8).base64EncodedString(), stage: "AUTH", [334])
                try await expect(Data(password.utf8).base64EncodedString(), stage: "AUTH", [235])
            } else {
                throw SMTPError.authenticationNotOffered
            }
        }
    }

    /// EHLO; the capability keywords in upper case (`STARTTLS`, `AUTH PLAIN LOGIN`, …).
    private func hello(_ name: String) async throws -> [String] {
        let reply = try await expect("EHLO \(name)", stage: "EHLO", [250])
        return reply.lines.dropFirst().map { $0.uppercased() }
    }

    /// Sends one message; `document` is the whole RFC 5322 text with CRLF line ends.
    func send(from: String, recipients: [String], document: String) async throws {
        for address in [from] + recipients where !Self.isSafeAddress(address) {
            throw SMTPError.invalidAddress
        }
        do {
            try await expect("MAIL FROM:<\(from)>", stage: "MAIL FROM", [250])
            for recipient in recipients {
                try await expect("RCPT TO:<\(recipient)>", stage: "RCPT TO", [250, 251])
            }
            try await expect("DATA", stage: "DATA", [354])
            try await expect(Self.dotStuffed(document) + ".", stage: "message", [250])
        } catch let error as SMTPError {
            if case .reply = error { _ = try? await expect("RSET", stage: "RSET", [250]) }
            throw error
        }
    }

    /// Politely ends the session; never throws.
    func close() async {
        _ = try? await command("QUIT", stage: "QUIT")
        abort()
    }

    func abort() {
        channel.close(promise: nil)
    }

    @discardableResult
    private func expect(_ line: String?, stage: String, _ codes: Set<Int>) async throws -> SMTPReply {
        let reply = try await command(line, stage: stage)
        guard codes.contains(reply.code) else {
            throw SMTPError.reply(command: stage, code: reply.code, message: reply.message)
        }
        return reply
    }

    private func command(_ line: String?, stage: String) async throws -> SMTPReply {
        let handler = self.handler
        let timeout = self.timeout
        let data = line.map { ByteBuffer(string: $0.hasSuffix("\r\n") ? $0 : $0 + "\r\n") }
        return try await channel.eventLoop.flatSubmit {
            handler.value.send(data, stage: stage, timeout: timeout)
        }.get()
    }

    /// RFC 5321 4.5.2: a line that starts with a dot gets one more; the text ends with CRLF.
    static func dotStuffed(_ document: String) -> String {
        var text = document.replacingOccurrences(of: "\r\n.", with: "\r\n..")
        if text.hasPrefix(".") { text = "." + text }
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        return text
    }

    /// Refuses anything that could smuggle a command into the envelope.
    static func isSafeAddress(_ address: String) -> Bool {
        !address.isEmpty && address.count <= 320 && address.contains("@")
            && !address.unicodeScalars.contains { $0.value < 0x21 || $0 == "<" || $0 == ">" || $0.value == 0x7F }
    }
}
