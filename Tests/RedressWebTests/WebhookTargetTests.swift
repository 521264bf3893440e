import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressMail
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// Issue 15, items 3 and 4: webhooks never reach this machine or its private network unless the installation
/// allows it, at registration and again at every connection; an unreachable receiver is a logged failure, never a
/// crash.
@Suite("webhook targets: no SSRF, no crash on an unreachable receiver")
struct WebhookTargetTests {
    static let privateSpellings = [
        "127.0.0.1", "localhost", "LOCALHOST.", "foo.localhost", "[::1]", "127.1", "0x7f000001", "2130706433",
        "0177.0.0.1", "0.0.0.0", "[::]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "10.0.0.8", "172.16.5.4",
        "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "[fe80::1]", "[fc00::1]", "[ff02::1]",
        "[64:ff9b::a00:1]", "255.255.255.255",
    ]

    @Test("addresses in every spelling: only the public internet is public",
          arguments: privateSpellings.filter { !$0.lowercased().contains("localhost") })
    func privateLiterals(host: String) throws {
        let address = try #require(NetworkAddress.literal(host), "\(host) parses")
        #expect(!address.isPublic, "\(host) = \(address)")
        #expect(!WebhookURL.isPublicHost(host))
    }

    @Test func publicLiteralsAndNames() {
        for host in ["93.184.216.34", "8.8.8.8", "[2606:4700::1111]", "2a00:1450:4001:82b::200e", "1.1.1.1"] {
            #expect(NetworkAddress.literal(host)?.isPublic == true, "\(host)")
        }
        #expect(NetworkAddress.literal("erp.example") == nil && WebhookURL.isPublicHost("erp.example"))
        #expect(NetworkAddress.literal("127.0.0.1.example") == nil)
        #expect(NetworkAddress.literal("256.1.1.1") == nil && NetworkAddress.literal("1.2.3.4.5") == nil)
        #expect(NetworkAddress.literal("::1::2") == nil && NetworkAddress.literal("[1:2:3:4:5:6:7:8:9]") == nil)
        #expect(NetworkAddress.literal("0x7f000001") == .v4(0x7f00_0001))
        #expect(NetworkAddress.literal("127.1") == .v4(0x7f00_0001))
    }

    @Test("registration refuses this machine and private networks, by API and panel", arguments: Engine.available)
    func registrationRefusesPrivateTargets(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            for host in Self.privateSpellings {
                let response = try await s.api(.post, "/api/v1/webhooks",
                                               ["url": "http://\(host):8080/hook", "events": ["review.published"]])
                #expect(response.status == .unprocessableContent, "\(host): \(response.status)")
                #expect((response.json["errors"] as? [String: String])?["url"]?.contains("public internet") == true,
                        "\(host): \(response.text)")
            }
            let owner = try await s.client.signIn("owner@sklep.test")
            let form = try await s.client.execute(
                uri: "/panel/settings/webhooks", method: .post,
                headers: [.cookie: owner.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(owner.csrf)&url=http%3A%2F%2F0x7f000001%3A22%2F&events=*"))
            #expect(form.status == .unprocessableContent && form.text.contains("public internet"))
            let listed = try await s.api(.get, "/api/v1/webhooks")
            #expect((listed.json["items"] as? [Any])?.isEmpty == true)
            // A public name that does not resolve here is accepted (it is checked again before each call).
            let later = try await s.api(.post, "/api/v1/webhooks",
                                        ["url": "https://erp.example/hook", "events": ["review.published"]])
            #expect(later.status == .created, "\(later.text)")
        }
    }

    @Test("a stored endpoint that now points to loopback (DNS rebinding) is refused when called, and says nothing of it")
    func refusedAtConnection() async throws {
        let calls = Counter()
        let router = Router()
        router.post("/hook") { _, _ in
            await calls.add()
            return Response(status: .ok)
        }
        let hooks = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await hooks.test(.live) { hookClient in
            let port = try #require(hookClient.port)
            try await TestApp.scenario(.sqlite) { s in
                // Registered while its name was public; the row now says loopback.
                let created = try await s.api(.post, "/api/v1/webhooks",
                                              ["url": "https://hooks.erp.example/in", "events": ["*"]])
                let endpointId = try #require(created.json["id"] as? String)
                try await s.app.services.database.sql.sqlDatabase.raw(
                    "UPDATE webhook_endpoints SET url = \(bind: "http://127.0.0.1:\(port)/hook") WHERE id = \(bind: endpointId)"
                ).run()
                #expect(try await s.api(.post, "/api/v1/webhooks/\(endpointId)/test").status == .accepted)
                try await s.advance("PT0S")
                #expect(await calls.value == 0, "the receiver on loopback was never called")
                let log = try await s.api(.get, "/api/v1/webhooks/\(endpointId)/deliveries")
                let attempts = try #require(log.json["items"] as? [[String: Any]])
                #expect(attempts.count == 1)
                #expect(attempts.first?["statusCode"] == nil || attempts.first?["statusCode"] is NSNull)
                #expect((attempts.first?["error"] as? String) == "the endpoint's address is not a public internet address")
                // Given up at once: it cannot get better by trying again.
                try await s.advance("PT2H")
                let again = try await s.api(.get, "/api/v1/webhooks/\(endpointId)/deliveries")
                #expect((again.json["items"] as? [[String: Any]])?.count == 1)
            }
        }
    }

    @Test("an unreachable receiver is a logged failure and the server goes on (debug build included)")
    func unreachableReceiver() async throws {
        try await TestApp.scenario(.sqlite, configure: { $0.allowPrivateWebhookTargets = true }) { s in
            // A port nothing listens on: the connection is refused.
            let closed = try Self.closedPort()
            let created = try await s.api(.post, "/api/v1/webhooks",
                                          ["url": "http://127.0.0.1:\(closed)/hook", "events": ["*"]])
            #expect(created.status == .created, "\(created.text)")
            let endpointId = try #require(created.json["id"] as? String)
            for _ in 0..<3 {
                #expect(try await s.api(.post, "/api/v1/webhooks/\(endpointId)/test").status == .accepted)
            }
            try await s.advance("PT0S")
            let log = try await s.api(.get, "/api/v1/webhooks/\(endpointId)/deliveries")
            let attempts = try #require(log.json["items"] as? [[String: Any]])
            #expect(attempts.count == 3)
            #expect(attempts.allSatisfy { ($0["error"] as? String)?.hasPrefix("cannot connect") == true }, "\(attempts)")
            #expect(try await s.client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    /// A loopback port that was free a moment ago.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}
