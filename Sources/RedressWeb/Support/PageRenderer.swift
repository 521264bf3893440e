import Foundation
import Hummingbird
import RedressApp
import Mustache

/// What every page's layout needs: the title, the language, who is signed in and the CSRF token for forms.
struct Chrome: Sendable {
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
    var openCount: String = ""
    var standbyCount: String = ""
    var languages: [LanguageLink] = []

    static func plain(title: String, lang: String = "en", csrf: String = "") -> Chrome {
        Chrome(title: title, lang: lang, csrf: csrf, t: Localization(lang).strings)
    }
}

/// Renders swift-mustache templates (HTML-escaped by default) into responses.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> PageRenderer {
        let directory = Bundle.module.bundleURL.appendingPathComponent("Templates").path
        guard FileManager.default.fileExists(atPath: directory) else { throw RendererError.missingTemplates }
        return PageRenderer(library: try await MustacheLibrary(directory: directory))
    }

    func render(_ model: Any, template: String) -> String {
        library.render(model, withTemplate: template) ?? "<!doctype html><title>Error</title><p>Missing template"
    }

    func page(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = render(model, template: template)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    enum RendererError: Error { case missingTemplates }
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
