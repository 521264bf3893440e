import Foundation
import NIOCore
import ServiceLifecycle
import RedressMail
import Hummingbird
import Logging
import RedressApp
import RedressCore
import RedressPersistence

/// The built application: the HTTP server plus, depending on the role, the timed-work services.
public struct RedressApplication {
    public let services: AppServices
    public let router: Router<AppContext>
    let catalog: APICatalog

    /// The Hummingbird application to run or test. With `ownsResources` (the `serve` command) the database and the
    /// SMTP sessions are a lifecycle service that closes them after everything else stopped; tests keep them open
    /// to inspect the rows afterwards.
    public func application(ownsResources: Bool = false,
                            onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        var workers: [any Service] = ownsResources ? [ResourcesService(services: services)] : []
        if services.config.role.runsWorkers {
            workers += [services.deadlineWorker, services.dispatcher,
                        MailboxPoller(services: services, interval: services.config.mailPollInterval)]
        }
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .init(services.config.idleTimeout))),
            configuration: .init(address: .hostname(services.config.host, port: services.config.port),
                                 serverName: "Redress"),
            services: workers,
            onServerRunning: onServerRunning,
            logger: services.logger)
    }
}

/// Builds the router with every room's routes and the middleware around them.
public func buildApplication(services: AppServices) async throws -> RedressApplication {
    let pages = try await PageRenderer.load()
    let catalog = APICatalog()
    let router = Router(context: AppContext.self)
    router.add(middleware: RequestMetricsMiddleware(metrics: services.metrics))
    router.add(middleware: SecurityHeadersMiddleware(hsts: services.config.secureCookies
        && services.config.publicBaseURL.hasPrefix("https://")))
    // Outside the error pages, so a language picked on an error page sticks too.
    router.add(middleware: LanguageMiddleware(secureCookies: services.config.secureCookies))
    router.add(middleware: ErrorMiddleware(pages: pages))
    // Static files before the identity: a stylesheet costs no session look-up.
    // bundleURL, not resourceURL: Foundation on Linux takes a "Resources" subfolder for the resources when one exists.
    let resources = Bundle.module.bundleURL.appendingPathComponent("Public").path
    router.add(middleware: FileMiddleware(resources, urlBasePath: "/static",
                                          cacheControl: .init([(MediaType(type: .any), [.maxAge(3600)])])))
    router.add(middleware: IdentityMiddleware(services: services))

    ServiceRoutes(services: services, catalog: catalog).register(on: router)
    if services.config.role.runsWeb {
        let platform = PlatformAPI(services: services, catalog: catalog)
        platform.register(on: router)
        let reviewAPI = ReviewAPI(services: services, catalog: catalog)
        reviewAPI.register(on: router)
        WebhookAPI(services: services, catalog: catalog).register(on: router)
        InboundAPI(services: services, catalog: catalog).register(on: router)
        let complaintAPI = ComplaintAPI(services: services, catalog: catalog)
        complaintAPI.registerTools(on: router)
        complaintAPI.registerAttachments(on: router)
        complaintAPI.registerMore(on: router)
        complaintAPI.register(on: router)
        ReportAPI(services: services, catalog: catalog).register(on: router)
        AuthPages(services: services, pages: pages).register(on: router)
        PasswordPages(services: services, pages: pages).register(on: router)
        let panel = PanelPages(services: services, pages: pages)
        panel.register(on: router)
        NotificationPages(services: services, pages: pages, panel: panel).register(on: router)
        let complaintPages = ComplaintPages(services: services, pages: pages, panel: panel)
        complaintPages.register(on: router)
        complaintPages.registerPublic(on: router)
        ComplaintSettingsPage(services: services, pages: pages, panel: panel).register(on: router)
        ReportPages(services: services, pages: pages, panel: panel).register(on: router)
        MediationPages(services: services, pages: pages).register(on: router)
        CustomerPages(services: services, pages: pages).register(on: router)
        ProfilePage(services: services, pages: pages).register(on: router)
    }
    return RedressApplication(services: services, router: router, catalog: catalog)
}

/// Opens the database, prepares it, and schedules the recurring housekeeping.
public func prepareServices(
    config: AppConfig, clock: any WallClock, logger: Logger, mailTransport: (any MailTransport)? = nil
) async throws -> AppServices {
    let database = try DatabaseService(location: config.database, logger: logger,
                                       synchronous: config.sqliteSynchronous)
    do {
        try await database.prepare(migrate: config.migrate || config.database.isSQLite)
    } catch {
        await database.shutdown()
        throw error
    }
    let services = AppServices(config: config, database: database, clock: clock, logger: logger,
                               mailTransport: mailTransport)
    do {
        if try await services.deadlines.pending(kind: TimedWork.housekeeping, subjectId: "installation",
                                                on: database.sql) == nil
        {
            try await services.deadlines.schedule(
                kind: TimedWork.housekeeping, subjectId: "installation", shop: nil,
                dueAt: clock.now().addingTimeInterval(3600), now: clock.now(), on: database.sql)
        }
    } catch {
        await database.shutdown()
        throw error
    }
    return services
}
