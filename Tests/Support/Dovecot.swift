import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real IMAP server for the tests: Dovecot from Debian's packages, on loopback, a passwd-file user with a maildir
/// in a temporary folder, plain IMAP with STARTTLS and implicit TLS (a self-signed certificate made by openssl).
public final class Dovecot: @unchecked Sendable {
    public let directory: URL
    public let imapPort: Int
    public let imapsPort: Int
    public let user = "shop"
    public let password = "s3cret pass\"word"
    public var certificate: String { directory.appendingPathComponent("cert.pem").path }
    private var process: ChildProcess?

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    static let tool = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Python/imap_tool.py").path

    public init() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot") else {
            throw Unavailable(description: "Dovecot is not installed (apt-get install dovecot-imapd; scripts/test does)")
        }
        directory = URL(fileURLWithPath: "/tmp/redress-dv-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("mail"), withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.appendingPathComponent("mail").path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let ports = try ChildProcess.run(["/usr/bin/env", "python3", "-c", """
            import socket
            s = [socket.socket() for _ in range(2)]
            for x in s: x.bind(("127.0.0.1", 0))
            print(" ".join(str(x.getsockname()[1]) for x in s))
            """]).output
        let numbers = String(decoding: ports, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard numbers.count == 2 else { throw Unavailable(description: "no free ports") }
        (imapPort, imapsPort) = (numbers[0], numbers[1])
        let dir = directory.path
        let certificate = try ChildProcess.run([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(dir)/key.pem",
            "-out", "\(dir)/cert.pem", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        guard certificate.status == 0 else { throw Unavailable(description: "openssl could not make a certificate") }
        try "\(user):{PLAIN}\(password)::::\n".write(toFile: "\(dir)/passwd", atomically: true, encoding: .utf8)
        try """
            base_dir = \(dir)/run
            state_dir = \(dir)/state
            log_path = \(dir)/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <\(dir)/cert.pem
            ssl_key = <\(dir)/key.pem
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            auth_failure_delay = 0
            mail_location = maildir:\(dir)/mail/%u
            first_valid_uid = 1
            default_internal_user = dovecot
            default_login_user = dovenull
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(dir)/passwd
            }
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home=\(dir)/mail/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = \(imapPort)
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = \(imapsPort)
                ssl = yes
              }
            }
            """.write(toFile: "\(dir)/dovecot.conf", atomically: true, encoding: .utf8)
        process = try ChildProcess(["/usr/sbin/dovecot", "-F", "-c", "\(dir)/dovecot.conf"], captureOutput: false)
        for _ in 0..<100 {
            if (try? tool("seen").status) == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw Unavailable(description: "Dovecot did not start: \((try? String(contentsOfFile: "\(dir)/dovecot.log", encoding: .utf8)) ?? "")")
    }

    @discardableResult
    func tool(_ arguments: String..., input: Data? = nil) throws -> (status: Int32, output: String) {
        let result = try ChildProcess.run(["/usr/bin/env", "python3", Self.tool, String(imapPort), user, password] + arguments,
                                          input: input)
        return (result.status, String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Puts a message into INBOX as a mail client does (APPEND), arrived at `at`.
    public func append(_ message: String, at: Date) throws {
        let result = try tool("append", String(Int(at.timeIntervalSince1970)), input: Data(message.utf8))
        guard result.status == 0 else { throw Unavailable(description: "APPEND failed: \(result.output)") }
    }

    /// How many messages are marked seen.
    public func seenCount() throws -> Int { Int(try tool("seen").output) ?? -1 }

    /// Marks every message unseen again.
    public func unsee() throws { try tool("unsee") }

    /// Deletes the mailbox on disk: the next access recreates it with a new UIDVALIDITY (RFC 3501 2.3.1.1).
    public func rebuildMailbox() throws {
        try FileManager.default.removeItem(at: directory.appendingPathComponent("mail/\(user)"))
    }

    public func stop() {
        if let process, process.isRunning {
            // SIGTERM: the master stops its login, auth and imap processes before it exits; a child that does not
            // go within five seconds is killed with it (the master waits for its auth process otherwise).
            _ = Glibc.kill(process.pid, SIGTERM)
            for _ in 0..<50 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning {
                _ = try? ChildProcess.run(["/usr/bin/pkill", "-KILL", "-P", String(process.pid)])
                process.kill()
            }
        }
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}
