import Foundation
import Prometheus

/// The process's Prometheus registry and the metrics Redress records into it.
public final class AppMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    public init() {}

    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(name: "redress_http_requests_total",
                             labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(name: "redress_http_request_duration_seconds",
                                       labels: [("route", route), ("method", method)], buckets: Self.buckets)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// Timed work done (`outcome` is done, retried or failed).
    public func recordTimedWork(kind: String, outcome: String) {
        registry.makeCounter(name: "redress_timed_work_total", labels: [("kind", kind), ("outcome", outcome)])
            .increment()
    }

    /// Outbox deliveries by channel and outcome (sent, retried, failed).
    public func recordDelivery(channel: String, outcome: String) {
        registry.makeCounter(name: "redress_outbox_deliveries_total",
                             labels: [("channel", channel), ("outcome", outcome)]).increment()
    }

    /// C2: complaints that became accepted because the deadline passed; the goal is zero.
    public func recordComplaintDeemedAccepted() {
        registry.makeCounter(name: "redress_complaints_deemed_accepted_total").increment()
    }

    /// Incoming mail by outcome (E12): threaded, complaint, unmatched, quarantined, rejected.
    public func recordInbound(outcome: String) {
        registry.makeCounter(name: "redress_inbound_mail_total", labels: [("outcome", outcome)]).increment()
    }

    public func setOutboxBacklog(pending: Int, failed: Int) {
        registry.makeGauge(name: "redress_outbox_pending").set(Double(pending))
        registry.makeGauge(name: "redress_outbox_failed").set(Double(failed))
    }

    public func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

extension Duration {
    package var nanoseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}
