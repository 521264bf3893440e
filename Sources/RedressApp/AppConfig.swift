import Foundation
import RedressCore
import RedressMail
import RedressPersistence

/// Everything the server reads once at boot; built by the `redress` command from flags and the environment.
public struct AppConfig: Sendable {
    public enum Role: String, Sendable, CaseIterable {
        case all, web, worker
        public var runsWeb: Bool { self != .worker }
        public var runsWorkers: Bool { self != .web }
    }

    public var database: DatabaseLocation
    /// SQLite's durability per commit (`REDRESS_SQLITE_SYNCHRONOUS`): `full` by default, power-loss durable.
    public var sqliteSynchronous: SQLiteSynchronous = .full
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var role: Role = .all
    public var testClock: Bool = false
    public var migrate: Bool = true
    /// From `REDRESS_ADMIN_TOKEN`; when nil one is generated at first start and printed once.
    public var adminToken: String?
    /// The address customers and staff use, for links in e-mails.
    public var publicBaseURL: String = "http://127.0.0.1:8080"
    /// Set `Secure` on cookies; off only for plain-HTTP deployments that are not on localhost.
    public var secureCookies: Bool = true
    /// bcrypt work factor; tests lower it to stay fast.
    public var bcryptCost: UInt8 = 12
    /// Where mail goes without SMTP settings.
    public var mailDirectory: String = "mail-out"
    /// The largest incoming mail read (E11: 25 MB, `REDRESS_MAIL_MAX_BYTES`); larger mail is kept aside unread.
    public var inboundMaxBytes: Int = 25 << 20
    /// How often each shop's IMAP mailbox is polled (E1), in seconds.
    public var mailPollInterval: TimeInterval = 60
    /// The mail server (`SMTP_URL`); nil writes `.eml` files to `mailDirectory` instead.
    public var smtp: SMTPConfiguration?
    /// When failed e-mails and webhook calls are retried and when they are given up (N1).
    public var deliveryRetry = RetryPolicy()
    /// How long a webhook endpoint has to answer.
    public var webhookTimeout: TimeInterval = 10
    /// Let webhooks reach loopback and private networks (`--allow-private-webhook-targets`): tests and receivers on
    /// the same premises. Off, a shop cannot use webhooks to probe the server's own network.
    public var allowPrivateWebhookTargets = false
    public var sessionLifetime: TimeInterval = 12 * 3600
    /// A connection that sends no complete request for this long is closed: idle keep-alive connections and
    /// half-sent request heads alike (issue 15, item 9).
    public var idleTimeout: Duration = .seconds(30)
    /// Load balancers whose `X-Forwarded-For` / `Forwarded` name the client (`--trusted-proxy`); none by default.
    public var trustedProxies = TrustedProxies.none
    /// How often the workers look for due work when idle.
    public var pollInterval: Duration = .seconds(1)
    public var instanceName: String = SecureTokenName.make()
    /// Ratings at or below this are held (R3): one installation-wide value, shown on every profile.
    public var holdThreshold: Int = 3

    public init(database: DatabaseLocation) {
        self.database = database
    }

    /// True for `http://127.0.0.1…`, `http://localhost…` and `http://[::1]…`.
    public static func isLoopbackHTTP(_ url: String) -> Bool {
        guard let parts = URLComponents(string: url), parts.scheme == "http" else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(parts.host ?? "")
    }
}

package enum SecureTokenName {
    package static func make() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(Int.random(in: 1000...9999))"
    }
}
