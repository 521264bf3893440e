import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import SQLKit
import Testing

/// Issue 8: the Reports page, its CSV downloads, and the figures of a complaint worked through the real API.
@Suite("Reports in the panel")
struct ReportPageTests {
    @Test("a complaint answered, closed, reopened and closed again: reopen rate 100 %, not first-contact",
          arguments: Engine.available)
    func reopenThroughTheAPI(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let reference = try #require(try await s.fileComplaint("Z1")["reference"] as? String)
            try await s.advance("PT3H")
            #expect(try await s.api(.post, "/api/v1/complaints/\(reference)/messages", ["body": "Prosimy o zdjęcie."])
                .status == .created)
            #expect(try await s.api(.post, "/api/v1/complaints/\(reference)/notes", ["body": "Notatka"]).status == .created)
            let stored = try await s.app.services.database.sql.sqlDatabase.raw(
                "SELECT reply_count FROM complaints WHERE reference = \(bind: reference)").first()
            #expect(try stored?.decode(column: "reply_count", as: Int.self) == 1, "a reply counts, a note does not")
            let decided = try await s.api(.post, "/api/v1/complaints/\(reference)/decision",
                                          ["outcome": "accepted", "remedy": "refund"])
            #expect(decided.status == .created, "\(decided.text)")
            for status in ["closed", "in_progress", "closed"] {
                let changed = try await s.api(.post, "/api/v1/complaints/\(reference)/status", ["status": status])
                #expect(changed.status == .ok, "\(status): \(changed.text)")
            }
            let report = try #require(try await s.api(.get, "/api/v1/reports/complaints").json["report"] as? [String: Any])
            #expect(report["received"] as? Int == 1)
            #expect((report["reopened"] as? [String: Any])?["count"] as? Int == 1)
            #expect((report["reopened"] as? [String: Any])?["of"] as? Int == 1)
            #expect((report["firstContactResolution"] as? [String: Any])?["count"] as? Int == 0)
            #expect(((report["firstResponse"] as? [String: Any])?["calendarHours"] as? [String: Any])?["median"] as? Double == 3)
            #expect((report["survey"] as? [String: Any])?["sent"] as? Int == 1, "one survey, on the first close only")
        }
    }

    @Test("the page: figures, charts with tables, escaped names, CSV downloads that Python reads; viewers may read")
    func page() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let sql = s.app.services.database.sql
            let staff = try await ReportFixtureTests.staffIDs(s.app, shop: s.shop)
            var fixtures = ReportFixtureTests.october(agent: staff.agent, owner: staff.owner)
            fixtures[4].orderId = "O9"
            fixtures[4].items = [("P-9", "<script>alert(1)</script> \"Zażółć\"")]
            try await ReportFixtureTests.insert(fixtures, shop: s.shop.id, on: sql)
            let viewer = try await s.client.signIn("viewer@sklep.test")
            func get(_ uri: String) async throws -> TestResponse {
                try await s.client.execute(uri: uri, method: .get, headers: [.cookie: viewer.cookie, .acceptLanguage: "en"])
            }
            let page = try await get("/panel/reports?preset=custom&from=2026-10-01&to=2026-10-31")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("2026-10-01 – 2026-10-31 (31 days, Europe/Warsaw), compared with 2026-08-31 – 2026-09-30."))
            #expect(html.contains("<td>Complaints received</td><td>5</td><td>1</td>"))
            #expect(html.contains("<td>First response, median (business hours)</td><td>2.0</td>"))
            #expect(html.contains("<td>Deemed accepted (goal: 0)</td><td>1</td><td>0</td>"))
            #expect(html.contains("<td>2026-10</td><td>24.2</td><td>33.3</td><td>50.0</td><td>5</td><td>1</td>"))
            #expect(html.contains("<td>Agent of sklep</td><td>2</td><td>35.0</td><td>2</td><td>3.5</td>"))
            #expect(html.components(separatedBy: "<svg ").count - 1 == 8, "every chart of the page")
            #expect(html.contains("aria-labelledby=\"chart-categories-t chart-categories-d\""))
            #expect(!html.contains("<script>alert"), "names are escaped in tables and charts")
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains("href=\"/panel/reports/export/products?preset=custom&amp;from=2026-10-01&amp;to=2026-10-31\""))
            Snapshot.check(html, "panel-reports")

            let csv = try await get("/panel/reports/export/products?preset=custom&from=2026-10-01&to=2026-10-31")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"redress-products-2026-10-01-2026-10-31.csv\"")
            let parsed = try ReportRenderingTests.python("""
                import sys, csv, io, json
                text = sys.stdin.buffer.read().decode('utf-8-sig')
                print(json.dumps(list(csv.reader(io.StringIO(text, newline='')))))
                """, input: csv.text)
            let rows = try JSONSerialization.jsonObject(with: Data(parsed.utf8)) as? [[String]]
            #expect(rows == [["Product", "Complaints"], ["Kubek żółty", "2"], ["Talerz", "1"], ["Φλιτζάνι", "1"],
                             ["<script>alert(1)</script> \"Zażółć\"", "1"]])
            #expect(csv.text.hasPrefix("\u{FEFF}"))

            let polish = try await s.client.execute(uri: "/panel/reports/export/monthly?preset=custom&from=2026-10-01&to=2026-10-31",
                                                    method: .get, headers: [.cookie: viewer.cookie, .acceptLanguage: "pl"])
            #expect(polish.text.hasPrefix("\u{FEFF}Miesiąc,Średni czas odpowiedzi (godziny),"))

            let stars = try await get("/panel/reports/export/stars?preset=custom&from=2026-10-01&to=2026-10-31")
            #expect(stars.status == .ok && stars.text.hasPrefix("\u{FEFF}Stars,Reviews\r\n1★,0\r\n"), "\(stars.text)")
            #expect(try await get("/panel/reports/export/nothing").status == .notFound)
            let bad = try await get("/panel/reports?preset=custom&from=2026-10-31&to=2026-10-01")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("must not be before from") && bad.text.contains("value=\"2026-10-31\""))
            let anonymous = try await s.client.execute(uri: "/panel/reports", method: .get)
            #expect(anonymous.status == .seeOther)
            let anonymousCSV = try await s.client.execute(uri: "/panel/reports/export/monthly", method: .get)
            #expect(anonymousCSV.status == .unauthorized)
            let empty = try await get("/panel/reports?preset=custom&from=2025-01-01&to=2025-01-31")
            #expect(empty.status == .ok && empty.text.contains("Nothing in this period."))
        }
    }

    @Test("both report operations are in the OpenAPI document with their query parameters and response schemas")
    func openAPI() async throws {
        try await TestApp.scenario(.sqlite) { s in
            let document = try await s.client.execute(uri: "/openapi.json", method: .get).json
            let paths = try #require(document["paths"] as? [String: Any])
            for (path, schema) in [("/api/v1/reports/complaints", "ComplaintReportResponse"),
                                   ("/api/v1/reports/mediation", "MediationReportResponse")] {
                let get = try #require((paths[path] as? [String: Any])?["get"] as? [String: Any], "\(path)")
                let parameters = (get["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(Set(parameters) == ["from", "to", "preset", "groupBy", "table"])
                let ok = ((get["responses"] as? [String: Any])?["200"] as? [String: Any])?["content"] as? [String: Any]
                #expect(((ok?["application/json"] as? [String: Any])?["schema"] as? [String: String])?["$ref"]
                        == "#/components/schemas/\(schema)")
            }
        }
    }
}
