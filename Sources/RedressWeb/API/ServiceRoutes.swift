import Foundation
import Hummingbird
import RedressApp
import RedressCore

/// /health, /ready, /metrics, /openapi.json and the test clock (S7).
struct ServiceRoutes {
    let services: AppServices
    let catalog: APICatalog

    func register(on router: Router<AppContext>) {
        router.api(.get, "/health", catalog: catalog, summary: "The process runs", tag: "service", security: .none,
                   responses: [200: ("Running", .ref("Health"))],
                   use: health)
        router.api(.get, "/ready", catalog: catalog, summary: "The database answers", tag: "service", security: .none,
                   responses: [200: ("Ready", .ref("Health")), 503: ("The database does not answer", .ref("Health"))],
                   use: readiness)
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: services.metrics.render())))
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.render(catalog))))
        }
        router.api(.post, "/api/v1/test-clock", catalog: catalog,
                   summary: "Move the test clock (only with --test-clock) and run due timed work", tag: "service",
                   security: .none, request: .ref("TestClockChange"),
                   responses: [200: ("The clock's new time", .ref("TestClockNow")),
                               404: ("Not started with --test-clock", .ref("Problem"))],
                   use: moveTestClock)
    }

    @Sendable func health(_ request: Request, context: AppContext) async throws -> Response {
        try Response.json(["status": "ok"])
    }

    @Sendable func readiness(_ request: Request, context: AppContext) async throws -> Response {
        let reachable = await services.database.isReachable()
        return try Response.json(["status": reachable ? "ready" : "database unavailable"],
                                 status: reachable ? .ok : .serviceUnavailable)
    }

    @Sendable func moveTestClock(_ request: Request, context: AppContext) async throws -> Response {
        try await moveClock(request, context: context)
    }

    struct ClockChange: Decodable {
        var advanceBy: String?
        var set: String?
    }

    private func moveClock(_ request: Request, context: AppContext) async throws -> Response {
        guard services.config.testClock, let clock = services.clock as? AdjustableClock else {
            throw Problem.notFound("endpoint")
        }
        let change = try await request.decode(as: ClockChange.self, context: context)
        switch (change.advanceBy, change.set) {
        case (let duration?, nil):
            guard let parsed = ISODuration(duration) else {
                throw Problem.invalid(["advanceBy": "use an ISO 8601 duration such as P7DT1H"])
            }
            try await services.walkClock(clock, to: clock.now().addingTimeInterval(parsed.seconds))
        case (nil, let text?):
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw Problem.invalid(["set": "use an ISO 8601 time such as 2026-12-01T10:00:00Z"])
            }
            guard date >= clock.now() else {
                throw Problem.invalid(["set": "the test clock only moves forward"])
            }
            try await services.walkClock(clock, to: date)
        default:
            throw Problem.invalid(["advanceBy": "give exactly one of advanceBy or set"])
        }
        try await services.runDueWork()
        return try Response.json(["now": ISO8601DateFormatter().string(from: clock.now())])
    }
}
