import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// A Redress application on a fresh database with a movable clock, for router and live tests.
struct TestApp: @unchecked Sendable {
    static let adminToken = "adm_test-admin-token-0123456789"
    static let start = ISO8601DateFormatter().date(from: "2026-11-02T09:00:00Z")!

    let database: TestDatabase
    let services: AppServices
    let built: RedressApplication
    let clock: AdjustableClock
    let mailDirectory: URL

    static func make(
        _ engine: Engine = .sqlite, testClock: Bool = true, on existing: TestDatabase? = nil,
        configure: (inout AppConfig) -> Void = { _ in }
    ) async throws -> TestApp {
        let database: TestDatabase
        if let existing { database = existing } else { database = try await TestDatabase.make(engine) }
        var config = AppConfig(database: database.location)
        config.testClock = testClock
        config.adminToken = adminToken
        config.bcryptCost = 4
        config.port = 0
        // Tests run timed work by hand (ticks, the test clock), never in the background.
        config.role = .web
        let mailDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("redress-mail-\(UUID())")
        config.mailDirectory = mailDirectory.path
        configure(&config)
        let clock = AdjustableClock(start: start)
        let services = try await prepareServices(config: config, clock: clock, logger: testLogger)
        _ = try await services.ensureAdminToken()
        let built = try await buildApplication(services: services)
        return TestApp(database: database, services: services, built: built, clock: clock, mailDirectory: mailDirectory)
    }

    /// Runs `body` against the router, then closes everything.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        do {
            try await built.application().test(.router, body)
        } catch {
            await close()
            throw error
        }
        await close()
    }

    func close() async {
        await services.database.shutdown()
        await database.close()
        try? FileManager.default.removeItem(at: mailDirectory)
    }
}

/// JSON helpers for requests and responses.
func jsonBody(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }
}

/// A shop created through the admin API, with an owner, an agent and a viewer who can sign in.
struct SeededShop {
    var id: String
    var slug: String
    var apiKey: String
    static let password = "correct-horse-battery"
}

extension TestClientProtocol {
    func createShop(_ slug: String) async throws -> SeededShop {
        let created = try await execute(
            uri: "/api/v1/admin/shops", method: .post,
            headers: [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"],
            body: jsonBody(["name": "Shop \(slug)", "slug": slug, "locale": "pl", "timeZone": "Europe/Warsaw"]))
        #expect(created.status == .created, "\(created.text)")
        let shop = SeededShop(id: created.json["id"] as! String, slug: slug, apiKey: created.json["apiKey"] as! String)
        for role in ["owner", "agent", "viewer"] {
            let staff = try await execute(
                uri: "/api/v1/admin/shops/\(shop.id)/staff", method: .post,
                headers: [.authorization: "Bearer \(TestApp.adminToken)", .contentType: "application/json"],
                body: jsonBody(["email": "\(role)@\(slug).test", "name": "\(role.capitalized) of \(slug)", "role": role,
                                "password": SeededShop.password]))
            #expect(staff.status == .created, "\(staff.text)")
        }
        return shop
    }

    /// Signs in through the login form like a browser and returns the cookie header and the session's CSRF token.
    func signIn(_ email: String, password: String = SeededShop.password) async throws -> StaffBrowser {
        let form = try await execute(uri: "/login", method: .get)
        let csrfCookie = try #require(cookieValue(form, SessionCookie.csrf))
        let response = try await execute(
            uri: "/login", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "redress_csrf=\(csrfCookie)"],
            body: ByteBuffer(string: "_csrf=\(csrfCookie)&email=\(email.formEncoded)&password=\(password.formEncoded)"))
        #expect(response.status == .seeOther, "sign-in of \(email): \(response.status)")
        let session = try #require(cookieValue(response, "redress_session"))
        let panel = try await execute(uri: "/panel/dialogs", method: .get, headers: [.cookie: "redress_session=\(session)"])
        let csrf = try #require(hiddenCSRF(in: panel.text))
        return StaffBrowser(cookie: "redress_session=\(session)", csrf: csrf)
    }
}

struct StaffBrowser {
    var cookie: String
    var csrf: String
}

enum SessionCookie {
    static let csrf = "redress_csrf"
}

func cookieValue(_ response: TestResponse, _ name: String) -> String? {
    for header in response.headers[values: .setCookie] where header.hasPrefix("\(name)=") {
        return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
    }
    return nil
}

func hiddenCSRF(in html: String) -> String? {
    guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
}

extension String {
    var formEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self
    }
}
