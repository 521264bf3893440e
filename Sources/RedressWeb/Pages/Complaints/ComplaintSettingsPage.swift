import Foundation
import Hummingbird
import RedressApp
import RedressCore
import RedressPersistence

/// The owner's complaint settings in the panel: the answer term and working calendar, reply templates, and who
/// takes new complaints by round-robin (C2, C3, C8).
struct ComplaintSettingsPage {
    let services: AppServices
    let pages: PageRenderer
    let panel: PanelPages
    var complaints: ComplaintService { ComplaintService(services: services) }

    typealias Option = ComplaintPages.Option

    struct TemplateRow: Sendable, Encodable {
        var id, name, language, body: String
        var languages: [Option]
    }

    struct AgentRow: Sendable, Encodable {
        var staffId, name: String
        var available: Bool
        var categories: [Option]
    }

    struct Model: Sendable, Encodable {
        var chrome: Chrome
        var termDays: Int
        var weekdays: [Option]
        var opensAt, closesAt, extraHolidays: String
        var national: [Option]
        var templates: [TemplateRow]
        var hasTemplates: Bool
        var languages: [Option]
        var placeholders: String
        var agents: [AgentRow]
        var notice: String?
        var errors: [String]
        var hasErrors: Bool
    }

    func register(on router: Router<AppContext>) {
        router.get("/panel/settings/complaints") { request, context in
            guard case .staff(let session) = context.identity else { return Response.seeOther("/login") }
            _ = try context.requireOwner()
            return try await page(request, session)
        }
        router.post("/panel/settings/complaints/{part}") { request, context in
            let session = try context.requireStaff()
            let form = try await FormData.read(request)
            try CSRF.check(form, expected: session.csrfToken)
            let owner = try context.requireOwner()
            let shop = try await complaints.directory.shop(owner.shopID, on: services.database.sql)
            let t = Localization.forPanel(request)
            do {
                switch try context.parameters.require("part") {
                case "calendar":
                    var input = ComplaintService.SettingsInput()
                    input.termDays = form["termDays"].flatMap { Int($0) } ?? 0
                    input.workingWeekdays = form.all("weekday").compactMap { Int($0) }
                    input.opensAt = form["opensAt"]
                    input.closesAt = form["closesAt"]
                    input.nationalHolidays = form["nationalHolidays"]
                    input.extraHolidays = (form["extraHolidays"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
                    _ = try await complaints.saveSettings(input, shop: shop, actor: .staff(owner.staffId))
                case "templates":
                    _ = try await complaints.createTemplate(shop: owner.shopID, name: form["name"], language: form["language"],
                                                            body: form["body"], actor: .staff(owner.staffId))
                case "update-template":
                    try await complaints.updateTemplate(form["id"] ?? "", shop: owner.shopID, name: form["name"],
                                                        language: form["language"], body: form["body"],
                                                        actor: .staff(owner.staffId))
                case "delete-template":
                    _ = try await complaints.tools.deleteTemplate(form["id"] ?? "", shop: owner.shopID,
                                                                  on: services.database.sql)
                case "availability":
                    try await complaints.setAvailability(staffId: form["staffId"] ?? "", available: form["available"] == "true",
                                                         categories: form.all("category"), shop: owner.shopID,
                                                         actor: .staff(owner.staffId))
                default:
                    throw Problem.notFound("setting")
                }
            } catch let errors as ValidationErrors {
                return try await page(request, session, errors: errors.lines(Localization.forPanel(request)))
            } catch let error as AppError where error.kind == .invalid {
                return try await page(request, session, errors: error.lines(Localization.forPanel(request)))
            }
            return try await page(request, session, notice: t("cs_saved"))
        }
    }

    private func page(_ request: Request, _ session: StaffSession, notice: String? = nil, errors: [String] = [])
        async throws -> Response
    {
        let t = Localization.forPanel(request)
        let sql = services.database.sql
        let shop = try await complaints.directory.shop(session.shopID, on: sql)
        let settings = try await complaints.settings(shop, on: sql)
        let weekdayNames = Calendar(identifier: .gregorian).weekdaySymbols
        let working = settings.weekdays
        let weekdays = [2, 3, 4, 5, 6, 7, 1].map {
            Option(value: String($0), label: t("weekday_\($0)").hasPrefix("weekday_") ? weekdayNames[$0 - 1] : t("weekday_\($0)"),
                   selected: working.contains($0))
        }
        let view = ComplaintSettingsView(settings)
        let templates = try await complaints.tools.templates(shop: session.shopID, on: sql).map {
            let language = $0.language
            return TemplateRow(id: $0.id, name: $0.name, language: language, body: $0.body,
                               languages: Localization.customerLanguages.map {
                                   Option(value: $0, label: $0, selected: $0 == language)
                               })
        }
        let slots = Dictionary(try await complaints.tools.slots(shop: session.shopID, on: sql).map { ($0.staffId, $0) }) { a, _ in a }
        let agents = try await services.staff.list(shop: session.shopID, on: sql).filter { $0.staffRole.canWrite }.map { member in
            let slot = slots[member.id]
            let chosen = slot.map { Set($0.categories.split(separator: ",").map(String.init)) } ?? []
            return AgentRow(staffId: member.id, name: member.name, available: slot?.available ?? false,
                            categories: ComplaintCategory.allCases.map {
                                Option(value: $0.rawValue, label: t("cat_\($0.rawValue)"), selected: chosen.contains($0.rawValue))
                            })
        }
        let model = Model(
            chrome: try await panel.chrome(request, session, title: "cs_heading"), termDays: settings.termDays,
            weekdays: weekdays, opensAt: view.opensAt, closesAt: view.closesAt,
            extraHolidays: view.extraHolidays.joined(separator: "\n"),
            national: [Option(value: "pl", label: t("cs_holidays_pl"), selected: settings.nationalHolidays == "pl"),
                       Option(value: "none", label: t("cs_holidays_none"), selected: settings.nationalHolidays == "none")],
            templates: templates, hasTemplates: !templates.isEmpty,
            languages: Localization.customerLanguages.map { Option(value: $0, label: $0, selected: $0 == shop.locale) },
            placeholders: ReplyTemplate.placeholders.map { "{{\($0)}}" }.joined(separator: " "),
            agents: agents, notice: notice, errors: errors, hasErrors: !errors.isEmpty)
        return pages.page(.panelComplaintSettings, model, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
