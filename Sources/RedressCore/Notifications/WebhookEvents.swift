import Foundation

/// The events a shop can subscribe an endpoint to (N3).
public enum WebhookEvent: String, CaseIterable, Sendable, Codable {
    case reviewSubmitted = "review.submitted"
    case reviewPublished = "review.published"
    case reviewUpdated = "review.updated"
    case reviewWithdrawn = "review.withdrawn"
    case dialogOpened = "dialog.opened"
    case dialogMessage = "dialog.message"
    case dialogClosed = "dialog.closed"
    case complaintReceived = "complaint.received"
    case complaintDecided = "complaint.decided"
    case complaintDeemedAccepted = "complaint.deemed_accepted"
    /// Sent only by the test button.
    case test = "webhook.test"

    /// What an endpoint may subscribe to (everything but the test event, which always goes to the one endpoint).
    public static var subscribable: [WebhookEvent] { allCases.filter { $0 != .test } }
}

/// An endpoint's subscription: a set of events, or all of them (`*`).
public struct WebhookSubscription: Sendable, Equatable {
    public var events: Set<WebhookEvent>
    public var all: Bool

    public init(events: Set<WebhookEvent>, all: Bool = false) {
        self.events = events
        self.all = all
    }

    /// Parses the stored or submitted form: `*` or names separated by commas; unknown names are an error.
    public init(parsing text: String) throws {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names == ["*"] {
            self.init(events: [], all: true)
            return
        }
        var events: Set<WebhookEvent> = []
        for name in names {
            guard let event = WebhookEvent(rawValue: name), event != .test else {
                throw ValidationErrors.one("events", "unknown event \(name)")
            }
            events.insert(event)
        }
        guard !events.isEmpty else {
            throw ValidationErrors.one("events", "choose at least one event, or * for all")
        }
        self.init(events: events)
    }

    public var stored: String { all ? "*" : events.map(\.rawValue).sorted().joined(separator: ",") }

    public func includes(_ event: WebhookEvent) -> Bool { event == .test || all || events.contains(event) }
}

/// Checks a webhook URL: absolute http(s) with a host, no credentials in it, at most 500 characters.
public enum WebhookURL {
    /// An http(s) URL with a host; unless `allowPrivate`, the host must not be this machine or a private network
    /// written as an address or as `localhost` (names are resolved and checked again before every call).
    public static func validate(_ text: String, allowPrivate: Bool = false) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 500, let parts = URLComponents(string: trimmed),
              let scheme = parts.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parts.host, !host.isEmpty, parts.user == nil, parts.password == nil
        else {
            throw ValidationErrors.one("url", "an http:// or https:// address with a host, without user or password")
        }
        if !allowPrivate && !isPublicHost(host) { throw ValidationErrors.one("url", privateTargetMessage) }
        return trimmed
    }

    public static let privateTargetMessage =
        "must be a public internet address, not this server or a private network (loopback, private, link-local, "
        + "CGNAT, multicast or unspecified addresses)"

    /// False for `localhost` names and for addresses outside the public internet, in any spelling.
    public static func isPublicHost(_ host: String) -> Bool {
        if NetworkAddress.isLocalName(host) { return false }
        if let address = NetworkAddress.literal(host) { return address.isPublic }
        return true
    }
}

extension ValidationErrors {
    /// One field's error.
    public static func one(_ field: String, _ message: String) -> ValidationErrors {
        var errors = ValidationErrors()
        errors.add(field, message)
        return errors
    }
}
