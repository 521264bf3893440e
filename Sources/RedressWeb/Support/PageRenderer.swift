import Foundation
import Hummingbird
import RedressApp

/// What every page's layout needs: the title, the language, who is signed in and the CSRF token for forms.
struct Chrome: Sendable, Encodable {
    var title: String
    var lang: String = "en"
    var signedIn: Bool = false
    var staffName: String = ""
    var staffRole: String = ""
    var shopName: String = ""
    var csrf: String = ""
    var flash: String?
    var canManage: Bool = false
    var canWrite: Bool = false
    var t: [String: String] = Localization("en").strings
    /// The panel's navigation with the count of each list of work (issue 17).
    var nav: [NavItem] = []
    var search: String = ""
    var languages: [LanguageLink] = []

    static func plain(title: String, lang: String = "en", csrf: String = "") -> Chrome {
        Chrome(title: title, lang: lang, csrf: csrf, t: Localization(lang).strings)
    }
}

/// A link of the panel's navigation; `count` is what waits there, `countText` says it in words.
struct NavItem: Sendable, Encodable {
    var href: String
    var label: String
    var count: String?
    var countText: String?
    var current: Bool
}

/// Every template the pages render, and the partials they include. `PageRenderer.load()` checks at boot that each
/// one exists and parses, so a missing template stops the server instead of answering 200 with an empty page.
enum Template: String, CaseIterable, Sendable {
    case complaintForm = "complaint_form"
    case complaintStatus = "complaint_status"
    case customerCase = "customer_case"
    case customerConfirm = "customer_confirm"
    case customerReview = "customer_review"
    case error = "error"
    case filters = "filters"
    case foot = "foot"
    case head = "head"
    case headPublic = "head_public"
    case login = "login"
    case panelAccount = "panel_account"
    case panelApiKeys = "panel_api_keys"
    case panelComplaint = "panel_complaint"
    case panelComplaintNew = "panel_complaint_new"
    case panelComplaintSettings = "panel_complaint_settings"
    case panelComplaints = "panel_complaints"
    case panelDialog = "panel_dialog"
    case panelDialogs = "panel_dialogs"
    case panelHome = "panel_home"
    case panelNotifications = "panel_notifications"
    case panelReports = "panel_reports"
    case panelReview = "panel_review"
    case panelReviews = "panel_reviews"
    case panelWebhooks = "panel_webhooks"
    case passwordForgot = "password_forgot"
    case passwordReset = "password_reset"
    case profile = "profile"
    case panelSearch = "panel_search"
    case stars = "stars"

    /// Included by the pages, never rendered alone.
    static let partials: Set<Template> = [.filters, .foot, .head, .headPublic, .stars]
}

/// Renders the page templates (Mustache, HTML-escaped by default; `PageTemplate`) into responses.
struct PageRenderer: Sendable {
    let templates: [String: PageTemplate]

    static func load() async throws -> PageRenderer {
        let directory = Bundle.module.bundleURL.appendingPathComponent("Templates")
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw RendererError.missingTemplates(directory.path)
        }
        var sources: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        where file.pathExtension == "mustache" {
            sources[file.deletingPathExtension().lastPathComponent] = try String(contentsOf: file, encoding: .utf8)
        }
        return try check(sources)
    }

    /// The renderer over the template sources by name, or an error naming every template of `Template` that is
    /// missing, or the first that does not parse.
    static func check(_ sources: [String: String]) throws -> PageRenderer {
        let missing = Template.allCases.filter { sources[$0.rawValue] == nil }.map(\.rawValue)
        guard missing.isEmpty else { throw RendererError.missingTemplate(missing) }
        var templates: [String: PageTemplate] = [:]
        for (name, source) in sources { templates[name] = try PageTemplate(parsing: source, name: name) }
        return PageRenderer(templates: templates)
    }

    /// Renders `model` (encoded into a `RenderValue` first: no reflection per field, see `RenderContext`).
    func render(_ model: some Encodable, template: Template) -> String {
        // Every template was checked at boot.
        templates[template.rawValue]?.render(RenderContext.make(model), partials: templates) ?? ""
    }

    func page(_ template: Template, _ model: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let html = render(model, template: template)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    enum RendererError: Error, CustomStringConvertible {
        case missingTemplates(String)
        case missingTemplate([String])

        var description: String {
            switch self {
            case .missingTemplates(let directory): "the page templates are missing (looked in \(directory))"
            case .missingTemplate(let names): "page templates missing: \(names.joined(separator: ", "))"
            }
        }
    }
}

extension Response {
    static func seeOther(_ location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        Response(status: status, headers: [.location: location])
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
