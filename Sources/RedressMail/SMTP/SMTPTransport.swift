import Foundation
import NIOSSL

/// Delivers mail over SMTP, keeping up to `configuration.connections` sessions open and reusing them
/// (one EHLO/STARTTLS/AUTH per session, not per message).
public actor SMTPTransport: MailTransport {
    public nonisolated let configuration: SMTPConfiguration
    private let tls: NIOSSLContext?
    private let now: @Sendable () -> Date
    private var idle: [SMTPConnection] = []
    private var opened = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(configuration: SMTPConfiguration, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.configuration = configuration
        self.now = now
        if configuration.security == .plain {
            tls = nil
        } else {
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            if let file = configuration.trustedCertificateFile {
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw SMTPConfiguration.InvalidURL(reason: "the ca file \(file) cannot be read")
                }
                tlsConfiguration.trustRoots = .file(file)
            }
            tls = try NIOSSLContext(configuration: tlsConfiguration)
        }
    }

    public func send(_ message: MailMessage, messageID: String) async throws {
        let document = MIMEWriter.render(message, messageID: messageID, date: now())
        let (connection, reused) = try await checkout()
        do {
            try await attempt(message, document: document, on: connection)
        } catch let error as SMTPError where Self.isAnswer(error) {
            throw error
        } catch where reused {
            // A kept-open session the server has since dropped: try once more on another.
            let (next, _) = try await checkout()
            try await attempt(message, document: document, on: next)
        }
    }

    /// Sends on `connection` and gives it back: to the idle list when the session is still good (also when the
    /// server refused this one message), closed otherwise.
    private func attempt(_ message: MailMessage, document: String, on connection: SMTPConnection) async throws {
        do {
            try await connection.send(from: message.envelopeFrom ?? message.from, recipients: message.to, document: document)
            checkin(connection)
        } catch let error as SMTPError where Self.isAnswer(error) {
            checkin(connection)
            throw error
        } catch {
            connection.abort()
            release()
            throw error
        }
    }

    /// Closes the sessions kept open (at shutdown), with QUIT.
    public func close() async { await closeAll() }

    /// Closes the sessions kept open (at shutdown).
    public func closeAll() async {
        let connections = idle
        idle = []
        for connection in connections {
            await connection.close()
            release()
        }
    }

    private static func isAnswer(_ error: SMTPError) -> Bool {
        if case .reply = error { return true }
        return error == .invalidAddress
    }

    private func checkout() async throws -> (SMTPConnection, Bool) {
        while true {
            while let connection = idle.popLast() {
                if connection.isActive { return (connection, true) }
                connection.abort()
                release()
            }
            if opened < configuration.connections { return (try await open(), false) }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func open() async throws -> SMTPConnection {
        opened += 1
        do {
            return try await SMTPConnection.open(configuration, tls: tls)
        } catch {
            release()
            throw error
        }
    }

    private func checkin(_ connection: SMTPConnection) {
        idle.append(connection)
        wakeOne()
    }

    private func release() {
        opened -= 1
        wakeOne()
    }

    private func wakeOne() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }
}
