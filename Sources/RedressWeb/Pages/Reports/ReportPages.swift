import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// The panel's Reports section (issue 8): every staff role may read it. Charts are SVG rendered here, each with its
/// table beside it; every table downloads as CSV with the same cells.
struct ReportPages {
    let services: AppServices
    let pages: PageRenderer
    let panel: PanelPages
    var reports: ReportService { ReportService(services: services) }

    struct Cell: Encodable { var text: String }
    struct Row: Encodable { var cells: [Cell] }

    struct TableView: Encodable {
        var id: String
        var title: String
        var header: [Cell]
        var rows: [Row]
        var hasRows: Bool
        var chart: String?
        var csvHref: String
    }

    struct Section: Encodable {
        var id: String
        var title: String
        var tables: [TableView]
    }

    struct PresetChoice: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Model: Encodable {
        var chrome: Chrome
        var intro: String
        var presets: [PresetChoice]
        var from: String
        var to: String
        var errors: [String]
        var hasErrors: Bool
        var sections: [Section]
    }

    func register(on router: Router<AppContext>) {
        router.get("/panel/reports") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            return try await page(request, session)
        }
        router.get("/panel/reports/export/{table}") { request, context in
            let session = try context.requireStaff()
            let id = try context.parameters.require("table")
            let shop = try await shop(session)
            let period = try reports.period(request, shop: shop)
            guard let table = try await reports.tables(Localization.forPanel(request), shop: shop, period: period, only: id)
                .first(where: { $0.id == id }) else {
                throw Problem.notFound("report table")
            }
            return table.download(period)
        }
    }

    private func shop(_ session: StaffSession) async throws -> ShopRecord {
        guard let shop = try await services.shops.find(session.shopID, on: services.database.sql) else {
            throw Problem.notFound("shop")
        }
        return shop
    }

    private func page(_ request: Request, _ session: StaffSession) async throws -> Response {
        let t = Localization.forPanel(request)
        let shop = try await shop(session)
        let query = request.uri.queryParameters
        var errors: [String] = []
        let period: ReportPeriod
        do {
            period = try reports.period(request, shop: shop)
        } catch let error as AppError {
            errors = error.lines(Localization.forPanel(request))
            period = try ReportPeriod.resolve(preset: nil, from: nil, to: nil, now: services.clock.now(),
                                              timeZone: TimeZone(identifier: shop.timeZone) ?? .gmt)
        }
        let search = Self.query(period)
        let tables = try await reports.tables(Localization.forPanel(request), shop: shop, period: period)
        let sections = ["complaints", "mediation", "team"].map { section in
            Section(id: section, title: t("rp_" + section), tables: tables.filter { $0.section == section }.map { table in
                TableView(id: table.id, title: table.title, header: table.header.map(Cell.init),
                          rows: table.rows.map { Row(cells: $0.map(Cell.init)) }, hasRows: !table.rows.isEmpty,
                          chart: table.rows.isEmpty ? nil : table.chart,
                          csvHref: "/panel/reports/export/\(table.id)?\(search)")
            })
        }
        let chosen = errors.isEmpty ? period.preset.rawValue : (query.get("preset") ?? "custom")
        var response = pages.page(.panelReports, Model(
            chrome: try await panel.chrome(request, session, title: "rp_heading"),
            intro: t("rp_intro", ["from": period.from, "to": period.to, "days": String(period.days),
                                  "zone": period.timeZone.identifier, "pfrom": period.previous.from,
                                  "pto": period.previous.to]),
            presets: ReportPeriod.Preset.allCases.map {
                PresetChoice(value: $0.rawValue, label: t("rp_preset_" + $0.rawValue), selected: $0.rawValue == chosen)
            },
            from: errors.isEmpty ? period.from : query.get("from") ?? "",
            to: errors.isEmpty ? period.to : query.get("to") ?? "",
            errors: errors, hasErrors: !errors.isEmpty, sections: sections))
        if !errors.isEmpty { response.status = .unprocessableContent }
        return response
    }

    /// The query that names the period's days exactly, so a CSV holds what the page showed even after midnight.
    static func query(_ period: ReportPeriod) -> String { "preset=custom&from=\(period.from)&to=\(period.to)" }
}
