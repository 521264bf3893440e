import Foundation

/// How to reach the mail server, read from one URL (`SMTP_URL`):
/// `smtp://host:25` (plain), `smtp+starttls://user:pass@host:587` (STARTTLS required),
/// `smtps://user:pass@host:465` (implicit TLS). Query options: `ca=/path/ca.pem` (trust this certificate or
/// CA instead of the system's, e.g. a self-signed test server), `timeout=SECONDS` (each step; default 30),
/// `helo=NAME` (the name given in EHLO; default `localhost`), `connections=N` (kept open in parallel; default 4),
/// `auth=plain|login` (the mechanism to use; by default PLAIN when offered, else LOGIN).
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        case plain
        case startTLS
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var trustedCertificateFile: String?
    public var timeout: TimeInterval
    public var heloName: String
    public var connections: Int
    /// The AUTH mechanism to insist on; nil picks PLAIN when offered, else LOGIN.
    public var authMechanism: String?

    public init(
        host: String, port: Int, security: Security, username: String? = nil, password: String? = nil,
        trustedCertificateFile: String? = nil, timeout: TimeInterval = 30, heloName: String = "localhost",
        connections: Int = 4, authMechanism: String? = nil
    ) {
        self.authMechanism = authMechanism
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.trustedCertificateFile = trustedCertificateFile
        self.timeout = timeout
        self.heloName = heloName
        self.connections = connections
    }

    public struct InvalidURL: Error, CustomStringConvertible, Equatable {
        public var reason: String
        public var description: String { "SMTP_URL is not usable: \(reason)" }
    }

    /// Parses an `SMTP_URL`; the error says what is wrong without echoing the password.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw InvalidURL(reason: "expected smtp://, smtp+starttls:// or smtps://host[:port]")
        }
        switch scheme {
        case "smtp": security = .plain
        case "smtp+starttls": security = .startTLS
        case "smtps", "smtp+tls": security = .tls
        default: throw InvalidURL(reason: "unknown scheme \(scheme); use smtp, smtp+starttls or smtps")
        }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(reason: "no host") }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? [.plain: 25, .startTLS: 587, .tls: 465][security]!
        guard (1...65535).contains(port) else { throw InvalidURL(reason: "port out of range") }
        username = components.user.flatMap { $0.removingPercentEncoding ?? $0 }.flatMap { $0.isEmpty ? nil : $0 }
        password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
        if username != nil && password == nil { throw InvalidURL(reason: "a user name without a password") }
        timeout = 30
        heloName = "localhost"
        connections = 4
        trustedCertificateFile = nil
        authMechanism = nil
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "ca":
                guard !value.isEmpty else { throw InvalidURL(reason: "ca needs a file path") }
                trustedCertificateFile = value
            case "timeout":
                guard let seconds = TimeInterval(value), seconds > 0, seconds <= 600 else {
                    throw InvalidURL(reason: "timeout must be 1 to 600 seconds")
                }
                timeout = seconds
            case "helo":
                guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
                    throw InvalidURL(reason: "helo must be a host name")
                }
                heloName = value
            case "connections":
                guard let count = Int(value), (1...32).contains(count) else {
                    throw InvalidURL(reason: "connections must be 1 to 32")
                }
                connections = count
            case "auth":
                guard ["plain", "login"].contains(value.lowercased()) else {
                    throw InvalidURL(reason: "auth must be plain or login")
                }
                authMechanism = value.uppercased()
            default:
                throw InvalidURL(reason: "unknown option \(item.name)")
            }
        }
        if trustedCertificateFile != nil && security == .plain {
            throw InvalidURL(reason: "ca is only used with smtp+starttls or smtps")
        }
    }

    /// The URL with the password hidden, for logs and the panel.
    public var redacted: String {
        let scheme = [.plain: "smtp", .startTLS: "smtp+starttls", .tls: "smtps"][security]!
        let user = username.map { "\($0):***@" } ?? ""
        return "\(scheme)://\(user)\(host):\(port)"
    }
}
