import Foundation
import Hummingbird
import RedressApp
import Prometheus

/// Counts requests and their latency by route template, method and status; echoes the request id.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: AppMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: Int(response.status.code),
                              duration: ContinuousClock.now - start)
        response.headers[.init("X-Request-Id")!] = context.id
        return response
    }
}
