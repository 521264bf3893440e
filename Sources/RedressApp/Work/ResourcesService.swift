import ServiceLifecycle

/// The database and the pooled SMTP sessions as a lifecycle service: it waits for the graceful shutdown and then
/// closes them. Placed first in the service group, it stops last (the group stops services in reverse order), after
/// the HTTP server drained its requests and the workers finished their batch.
public struct ResourcesService: Service {
    let services: AppServices

    public init(services: AppServices) {
        self.services = services
    }

    public func run() async throws {
        // Returns on graceful shutdown or when the group is cancelled; either way the resources close once.
        try? await gracefulShutdown()
        await services.shutdown()
    }
}
