import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RedressApp
import RedressCore
import RedressMail
import RedressPersistence
import RedressWeb

@main
struct Redress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redress",
        abstract: "Review mediation with a fair hold, and complaints answered before the legal deadline.",
        subcommands: [Serve.self, Migrate.self, ShopCommand.self, StaffCommand.self, OrdersCommand.self,
                      ReportsCommand.self, MailCommand.self])
}

/// Options every command that opens the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH or postgres://user:pass@host:5432/db (default: DATABASE_URL or sqlite:redress.sqlite)")
    var database: String?

    func location() throws -> DatabaseLocation {
        let text = database ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "sqlite:redress.sqlite"
        do { return try DatabaseLocation(parsing: text) } catch { throw ValidationError("\(error)") }
    }
}

func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
    logger.logLevel = level ?? .info
    return logger
}

/// Opens the database for a one-off command, runs `body`, and closes it.
func withServices<T>(
    _ options: DatabaseOptions, migrate: Bool = true, _ body: (AppServices) async throws -> T
) async throws -> T {
    var config = AppConfig(database: try options.location())
    config.migrate = migrate
    let services = try await prepareServices(config: config, clock: SystemWallClock(), logger: makeLogger("redress"))
    do {
        let result = try await body(services)
        await services.shutdown()
        return result
    } catch {
        await services.shutdown()
        throw error
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server.")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Port to listen on.") var port: Int = 8080
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "all, web or worker.") var role: String = "all"
    @Flag(name: .customLong("test-clock"), help: "Start a movable clock and enable POST /api/v1/test-clock.")
    var testClock = false
    @Flag(help: "Create a demo shop with data on an empty database and print a login.") var demo = false
    @Flag(name: .customLong("no-migrate"), help: "Do not migrate at start (PostgreSQL; run `redress migrate`).")
    var noMigrate = false
    @Flag(name: .customLong("insecure-cookies"), help: "Omit the Secure cookie flag (plain HTTP off localhost).")
    var insecureCookies = false
    @Option(name: .customLong("public-url"), help: "The address users reach this server at, for links in e-mails.")
    var publicURL: String?
    @Option(name: .customLong("mail-dir"), help: "Folder for .eml files when no SMTP server is configured.")
    var mailDirectory: String = "mail-out"
    @Option(name: .customLong("smtp-url"),
            help: "Mail server, e.g. smtp+starttls://user:pass@host:587 (or SMTP_URL); without it mail goes to --mail-dir.")
    var smtpURL: String?
    @Option(name: .customLong("delivery-give-up-hours"),
            help: "Hours after which an undeliverable e-mail or webhook call is given up (default 72).")
    var giveUpHours: Double?
    @Flag(name: .customLong("allow-private-webhook-targets"),
          help: "Let webhooks call loopback and private addresses (tests, receivers on the same network).")
    var allowPrivateWebhookTargets = false
    @Option(name: .customLong("trusted-proxy"),
            help: "A load balancer's address or CIDR range whose X-Forwarded-For/Forwarded is believed (repeatable; or REDRESS_TRUSTED_PROXIES, comma-separated).")
    var trustedProxies: [String] = []
    @Option(name: .customLong("idle-timeout"),
            help: "Seconds before a connection without a complete request is closed (default 30).")
    var idleTimeout: Int = 30
    @Option(name: .customLong("hold-threshold"),
            help: "Ratings at or below are held (R3); one value for the installation (default 3).")
    var holdThreshold: Int?
    @Option(name: .customLong("lmtp"), help: "HOST:PORT to take mail in over LMTP (E1), e.g. 127.0.0.1:2424; off unless given.")
    var lmtp: String?

    func run() async throws {
        var lmtpAddress: (host: String, port: Int)?
        if let lmtp {
            guard let colon = lmtp.lastIndex(of: ":"), let port = Int(lmtp[lmtp.index(after: colon)...]),
                  (0...65535).contains(port), colon != lmtp.startIndex else {
                throw ValidationError("--lmtp must be HOST:PORT, e.g. 127.0.0.1:2424")
            }
            lmtpAddress = (String(lmtp[..<colon]), port)
        }
        guard let role = AppConfig.Role(rawValue: role) else { throw ValidationError("--role must be all, web or worker") }
        var config = AppConfig(database: try db.location())
        config.port = port
        config.host = host
        config.role = role
        config.testClock = testClock
        config.migrate = !noMigrate
        config.publicBaseURL = publicURL ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        // Browsers drop `Secure` cookies sent over plain HTTP to 127.0.0.1; a loopback http:// address (the demo, tests)
        // therefore gets cookies without the flag. Any other address keeps it unless --insecure-cookies says otherwise.
        config.secureCookies = !insecureCookies && !AppConfig.isLoopbackHTTP(config.publicBaseURL)
        config.mailDirectory = mailDirectory
        config.allowPrivateWebhookTargets = allowPrivateWebhookTargets
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1 to 3600 seconds") }
        config.idleTimeout = .seconds(idleTimeout)
        do {
            config.trustedProxies = try TrustedProxies(
                parsing: trustedProxies + [ProcessInfo.processInfo.environment["REDRESS_TRUSTED_PROXIES"] ?? ""])
        } catch let errors as ValidationErrors {
            throw ValidationError("--trusted-proxy: " + errors.fields.values.sorted().joined(separator: "; "))
        }
        let environment = ProcessInfo.processInfo.environment
        if let url = smtpURL ?? environment["SMTP_URL"], !url.isEmpty {
            do {
                config.smtp = try SMTPConfiguration(url: url)
            } catch {
                throw ValidationError(String(describing: error))
            }
        }
        if let hours = giveUpHours ?? environment["REDRESS_DELIVERY_GIVE_UP_HOURS"].flatMap(Double.init) {
            guard hours >= 1 && hours <= 24 * 30 else { throw ValidationError("--delivery-give-up-hours must be 1 to 720") }
            config.deliveryRetry.giveUpAfter = hours * 3600
        }
        let threshold = holdThreshold
            ?? ProcessInfo.processInfo.environment["REDRESS_HOLD_THRESHOLD"].flatMap(Int.init) ?? 3
        guard (1...4).contains(threshold) else { throw ValidationError("--hold-threshold must be 1 to 4") }
        config.holdThreshold = threshold
        config.adminToken = ProcessInfo.processInfo.environment["REDRESS_ADMIN_TOKEN"]
        if let text = environment["REDRESS_SQLITE_SYNCHRONOUS"], !text.isEmpty {
            guard let mode = SQLiteSynchronous(rawValue: text.uppercased()) else {
                throw ValidationError("REDRESS_SQLITE_SYNCHRONOUS must be full or normal")
            }
            config.sqliteSynchronous = mode
        }
        let logger = makeLogger("redress")
        // The test clock starts on a whole second, so moving it by whole days lands exactly on day-based deadlines.
        let clock: any WallClock = testClock
            ? AdjustableClock(start: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
            : SystemWallClock()
        let services = try await prepareServices(config: config, clock: clock, logger: logger)
        if let token = try await services.ensureAdminToken() {
            say("Installation admin token (shown once; set REDRESS_ADMIN_TOKEN to choose your own): \(token)")
        }
        if demo {
            let login = try await DemoSeeder(services: services).seed()
            say("""
                Redress demo is ready\(login.created ? "" : " (already seeded)").
                  Panel:    \(config.url(.login))
                  Login:    \(login.email)
                  Password: \(login.password)
                  Profile:  \(config.url(.shopProfile(slug: DemoSeeder.slug)))
                  Mail:     \(config.smtp.map { "sent via \($0.redacted)" } ?? "written to \(config.mailDirectory)/ as .eml files")
                """)
        }
        logger.info("starting", metadata: ["database": "\(config.database)", "role": "\(role.rawValue)",
                                           "mail": "\(config.smtp?.redacted ?? "folder")",
                                           "port": "\(port)", "testClock": "\(testClock)"])
        let built = try await buildApplication(services: services)
        var lmtpServer: LMTPServer?
        if let lmtpAddress {
            lmtpServer = try await InboundMail(services: services).startLMTP(host: lmtpAddress.host, port: lmtpAddress.port)
            say("LMTP: taking mail on \(lmtpAddress.host):\(lmtpServer?.port ?? lmtpAddress.port)")
        }
        defer { if let lmtpServer { Task { await lmtpServer.close() } } }
        do {
            // The database and SMTP sessions close as the group's last service (ResourcesService).
            try await built.application(ownsResources: true).runService()
        } catch {
            await services.shutdown()
            throw error
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withServices(db) { _ in say("Database is up to date.") }
    }
}

struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "Check or rebuild the reports' daily roll-ups.",
        subcommands: [Verify.self, Rebuild.self])

    /// The shop named by `--shop`, or every shop.
    static func shops(_ slug: String?, services: AppServices) async throws -> [ShopRecord] {
        let sql = services.database.sql
        if let slug {
            guard let shop = try await ShopStore().find(slug: slug, on: sql) else {
                throw ValidationError("no shop with the slug \(slug)")
            }
            return [shop]
        }
        return try await ShopStore().all(on: sql)
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the kept roll-ups with a recount from the rows; exit 1 if they differ.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Only this shop (slug).") var shop: String?

        func run() async throws {
            let differ = try await withServices(db) { services in
                var differ = 0
                for shop in try await ReportsCommand.shops(shop, services: services) {
                    let result = try await ReportRollupStore().verify(shop: shop.shopID, on: services.database.sql)
                    say("\(shop.slug): \(result.counters) counters and \(result.durations) durations recounted, "
                        + (result.differences.isEmpty ? "all equal" : "\(result.differences.count) differences"))
                    for line in result.differences.prefix(20) { say("  \(line)") }
                    if !result.differences.isEmpty { differ += 1 }
                }
                return differ
            }
            if differ > 0 { throw ExitCode(1) }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the roll-ups with a recount from the rows (one transaction per shop).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Only this shop (slug).") var shop: String?

        func run() async throws {
            try await withServices(db) { services in
                for shop in try await ReportsCommand.shops(shop, services: services) {
                    let start = ContinuousClock.now
                    try await services.database.transaction { tx in
                        try await ReportRollupStore().rebuild(shop: shop.shopID, on: tx)
                    }
                    say("\(shop.slug): rebuilt in \(ContinuousClock.now - start)")
                }
            }
        }
    }
}

struct ShopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shop", abstract: "Manage shops.",
                                                    subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a shop and print its API key once.")
        @OptionGroup var db: DatabaseOptions
        @Option var name: String
        @Option var slug: String
        @Option var locale: String = "pl"
        @Option(name: .customLong("time-zone")) var timeZone: String = "Europe/Warsaw"

        func run() async throws {
            try await withServices(db) { services in
                let created = try await reportingProblems {
                    try await ShopAdministration(services: services).createShop(
                        .init(name: name, slug: slug, locale: locale, timeZone: timeZone), actor: .admin)
                }
                say("Shop \(created.slug) created (id \(created.id)).")
                say("API key (shown once): \(created.apiKey)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List shops.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withServices(db) { services in
                let shops = try await ShopStore().all(on: services.database.sql)
                if shops.isEmpty { say("No shops yet. Create one with: redress shop create --name … --slug …") }
                for shop in shops { say("\(shop.slug)\t\(shop.id)\t\(shop.name)") }
            }
        }
    }
}

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "Manage staff accounts.",
                                                    subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a staff account; prints a generated password once unless REDRESS_STAFF_PASSWORD is set.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The shop's slug.") var shop: String
        @Option var email: String
        @Option var name: String
        @Option(help: "owner, agent or viewer.") var role: String = "agent"

        func run() async throws {
            try await withServices(db) { services in
                guard let record = try await ShopStore().find(slug: shop, on: services.database.sql) else {
                    throw ValidationError("No shop with the slug \(shop).")
                }
                let given = ProcessInfo.processInfo.environment["REDRESS_STAFF_PASSWORD"]
                let password = given ?? SecureToken.make(bytes: 12)
                let staff = try await reportingProblems {
                    try await ShopAdministration(services: services).createStaff(
                        .init(email: email, name: name, role: role, password: password), shop: record.shopID,
                        actor: .admin)
                }
                say("Staff \(staff.email) (\(staff.role)) created in \(record.slug).")
                if given == nil { say("Password (shown once): \(password)") }
            }
        }
    }
}

/// Turns validation problems into a readable command-line error.
func reportingProblems<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let problem as AppError {
        let fields = problem.fields.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        throw ValidationError(([problem.detail] + fields).joined(separator: "\n"))
    } catch let errors as ValidationErrors {
        let fields = errors.fields.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        throw ValidationError((["Invalid input:"] + fields).joined(separator: "\n"))
    }
}

/// Writes a line to standard output at once (unbuffered), so it shows even when the output is piped.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "orders", abstract: "Orders from the shop system.",
                                                    subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CSV export (order_id, date, email, first_name, last_name, product_id, product_name, "
                + "delivered_at), printing progress; bad lines are listed with their numbers.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The CSV file (UTF-8, comma or semicolon separated).") var file: String
        @Option(help: "The shop's slug.") var shop: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("Cannot read \(file).")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(file) is not UTF-8.") }
            try await withServices(db) { services in
                guard let record = try await ShopStore().find(slug: shop, on: services.database.sql) else {
                    throw ValidationError("No shop with the slug \(shop).")
                }
                let start = Date()
                let report = try await reportingProblems {
                    try await OrderImporter(services: services).importCSV(text, shop: record.shopID) { say($0) }
                }
                say("Done in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: \(report.created) created, "
                    + "\(report.updated) updated, \(report.unchanged) unchanged, \(report.rejected.count) rejected.")
                for line in report.rejected.prefix(50) { say("  line \(line.line): \(line.error)") }
                if report.rejected.count > 50 { say("  … and \(report.rejected.count - 50) more") }
            }
        }
    }
}
