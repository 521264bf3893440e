import Foundation

/// A real SMTP server (aiosmtpd, from PyPI) on loopback for tests: started as a child process, stopped and
/// started again on the same port, and read back through Python's own e-mail parser.
public final class SMTPSink: @unchecked Sendable {
    public enum Security: String, Sendable { case none, starttls, implicit }

    /// One message as it arrived, decoded by Python's `email` package.
    public struct Received: Decodable, Sendable {
        public var envelopeFrom: String
        public var envelopeTo: [String]
        public var subject: String
        public var from: String
        public var to: String
        public var replyTo: String
        public var messageId: String
        public var date: String
        public var contentType: String
        public var text: String?
        public var html: String?
        public var defects: [String]
    }

    public let directory: URL
    public let security: Security
    public let auth: String?
    public let certificate: URL?
    public private(set) var port: Int = 0
    private var process: ChildProcess?
    private let lock = NSLock()

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Python/smtp_sink.py")

    public init(security: Security = .none, auth: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("redress-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.security = security
        self.auth = auth
        if security != .none {
            let certificates = directory.appendingPathComponent("cert")
            _ = try Self.run(["--make-cert", certificates.path])
            certificate = certificates.appendingPathComponent("cert.pem")
        } else {
            certificate = nil
        }
        try start()
    }

    deinit { stop() }

    /// Starts the server (again, on the same port after the first start).
    public func start() throws {
        var arguments = [Self.script.path, "--dir", directory.appendingPathComponent("mail").path, "--tls",
                         security.rawValue, "--port", String(port)]
        if let certificate {
            arguments += ["--cert", certificate.path,
                          "--key", certificate.deletingLastPathComponent().appendingPathComponent("key.pem").path]
        }
        if let auth { arguments += ["--auth", auth] }
        let process = try ChildProcess(["python3"] + arguments)
        let output = process.output!
        // "ready PORT" once it accepts connections.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.availableData
            if chunk.isEmpty { throw SinkError(reason: "the SMTP sink exited; is aiosmtpd installed? (pip install aiosmtpd)") }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("ready "), let started = Int(text.dropFirst(6)) else {
            process.kill()
            throw SinkError(reason: "unexpected output from the SMTP sink: \(text)")
        }
        lock.withLock {
            self.process = process
            port = started
        }
    }

    public func stop() {
        let running = lock.withLock { () -> ChildProcess? in
            defer { process = nil }
            return process
        }
        // Killed outright, like a mail server that goes away, and reaped at once.
        running?.kill()
    }

    /// Everything received so far, oldest first.
    public func received() throws -> [Received] {
        let folder = directory.appendingPathComponent("mail")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        return try names.map {
            try JSONDecoder().decode(Received.self, from: Data(contentsOf: folder.appendingPathComponent($0)))
        }
    }

    /// Waits until at least `count` messages arrived (or `seconds` passed) and returns them all.
    public func waitFor(_ count: Int, seconds: Double = 10) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let messages = try received()
            if messages.count >= count || Date() > deadline { return messages }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    public struct SinkError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    private static func run(_ arguments: [String]) throws -> String {
        let (status, data) = try ChildProcess.run(["python3", script.path] + arguments)
        guard status == 0 else {
            throw SinkError(reason: "smtp_sink.py \(arguments.first ?? "") failed; is openssl installed?")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
