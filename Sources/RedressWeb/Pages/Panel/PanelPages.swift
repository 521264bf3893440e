import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// The staff panel's frame: the landing page and the shop's settings (API keys). Mediation and complaint views
/// hang off the same frame.
struct PanelPages {
    let services: AppServices
    let pages: PageRenderer
    var administration: ShopAdministration { ShopAdministration(services: services) }

    struct HomeModel {
        var chrome: Chrome
        var staffCount: Int
        var pendingMail: Int
        var failedText: String?
    }

    struct KeyRow {
        var id, label, prefix, createdAt: String
        var revoked: Bool
    }

    struct KeysModel {
        var chrome: Chrome
        var keys: [KeyRow]
        var hasKeys: Bool
        var newSecret: String?
    }

    func register(on router: Router<AppContext>) {
        router.get("/") { _, _ in Response.seeOther("/panel", status: .found) }
        router.get("/panel/overview") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            let sql = services.database.sql
            let staffCount = try await services.staff.list(shop: session.shopID, on: sql).count
            let counts = try await services.outbox.counts(shop: session.shopID, on: sql)
            let chrome = try await chrome(request, session, title: "overview")
            return pages.page(.panelHome, HomeModel(
                chrome: chrome, staffCount: staffCount, pendingMail: counts.pending,
                failedText: counts.failed > 0 ? Localization(chrome.lang)("failed_mail", ["n": String(counts.failed)]) : nil))
        }
        router.get("/panel/settings/api-keys") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            // API keys are the owner's business, as in the API (issue 15, item 10).
            _ = try context.requireOwner()
            return try await keysPage(request, session, newSecret: nil)
        }
        router.post("/panel/settings/api-keys") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            let owner = try context.requireOwner()
            let (_, secret) = try await administration.issueKey(label: form["label"], owner: owner)
            return try await keysPage(request, session, newSecret: secret)
        }
        router.post("/panel/settings/api-keys/{keyId}/revoke") { request, context in
            let session = try context.requireStaff()
            try CSRF.check(try await FormData.read(request), expected: session.csrfToken)
            let owner = try context.requireOwner()
            try await administration.revokeKey(try context.parameters.require("keyId"), owner: owner)
            return Response.seeOther("/panel/settings/api-keys")
        }
    }

    /// The panel's frame in the staff member's language, with the header counts; `title` is a string key.
    func chrome(_ request: Request, _ session: StaffSession, title: String) async throws -> Chrome {
        let t = Localization.forPanel(request)
        return try await PanelFrame(services: services).chrome(session, t, title: t(title), path: request.uri.path)
    }

    private func keysPage(_ request: Request, _ session: StaffSession, newSecret: String?) async throws -> Response {
        let keys = try await services.apiKeys.list(shop: session.shopID, on: services.database.sql)
        let formatter = ISO8601DateFormatter()
        let rows = keys.map {
            KeyRow(id: $0.id, label: $0.label, prefix: $0.prefix, createdAt: formatter.string(from: $0.createdAt),
                   revoked: $0.revokedAt != nil)
        }
        return pages.page(.panelApiKeys, KeysModel(
            chrome: try await chrome(request, session, title: "keys_heading"), keys: rows, hasKeys: !rows.isEmpty,
            newSecret: newSecret))
    }
}

/// The frame of every panel page: who is signed in, the shop, the header counts, the language links.
struct PanelFrame {
    let services: AppServices

    func chrome(_ session: StaffSession, _ t: Localization, title: String, path: String) async throws -> Chrome {
        let counts = try await ReviewStatsStore().current(shop: session.shopID, on: services.database.sql)
        return Chrome(
            title: title, lang: t.language, signedIn: true, staffName: session.staffName,
            staffRole: session.role, shopName: session.shopName, csrf: session.csrfToken,
            canManage: session.staffRole.canManageShop, canWrite: session.staffRole.canWrite, t: t.strings,
            openCount: t("open_count", ["n": String(counts.openDialogs)]),
            standbyCount: t("standby_count", ["n": String(counts.inStandby)]),
            languages: t.languageLinks(path: path, among: Localization.panelLanguages))
    }
}
