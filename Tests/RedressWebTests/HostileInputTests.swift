import Foundation
import Hummingbird
import HummingbirdTesting
import RedressCore
import RedressPersistence
import RedressTestSupport
import RedressApp
import RedressWeb
import Testing

/// Issue 15, item 2: every cursor and date a request carries is validated before it is bound (a time of `1e300`
/// trapped the PostgreSQL driver and killed the server). The same requests on both engines, and the server still
/// answers afterwards.
@Suite("hostile cursors, dates and amounts: 422, never a crash")
struct HostileInputTests {
    /// Times that do not fit any column: huge, negative, not numbers, beyond year 9999.
    static let times = ["1e300", "-1e300", "nan", "inf", "-inf", "9.3e18", "-9.3e18", "1e20", "253402300800",
                        "-62135596800.5", "0x1p1000", ""]
    static let dates = ["99999999-01-01", "9223372036854775807-01-01", "-9223372036854775808-12-31", "0000-01-01",
                        "10000-01-01T00:00:00Z", "2026-13-45", "1e300", "nan", "+275760-09-13T00:00:00Z"]

    static func cursor(_ time: String, id: String = "x") -> String {
        Data("\(time)|\(id)".utf8).base64EncodedString()
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    @Test("cursors and dates of every list, anonymous and signed in", arguments: Engine.available)
    func everyCursorAndDate(engine: Engine) async throws {
        try await TestApp.scenario(engine) { s in
            let token = try await s.orderWithLink("H-1")
            _ = try await s.review(token, rating: 2)
            let owner = try await s.client.signIn("owner@sklep.test")
            let slug = s.shop.slug
            var probes: [(uri: String, panel: Bool)] = []
            for time in Self.times {
                let cursor = Self.cursor(time)
                probes += [
                    ("/api/v1/public/shops/\(slug)/reviews?cursor=\(cursor)", false),
                    ("/shops/\(slug)?cursor=\(cursor)", false),
                    ("/api/v1/reviews?cursor=\(cursor)", false),
                    ("/api/v1/dialogs?cursor=\(cursor)", false),
                    ("/api/v1/complaints?cursor=\(time).x", false),
                    ("/panel/reviews?cursor=\(cursor)", true),
                    ("/panel/dialogs?cursor=\(cursor)", true),
                    ("/panel/complaints?cursor=\(time).x", true),
                    ("/panel/notifications?before=\(time).x", true),
                ]
            }
            for date in Self.dates {
                let text = date.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                probes += [
                    ("/api/v1/reviews?from=\(text)", false), ("/api/v1/reviews?to=\(text)", false),
                    ("/api/v1/dialogs?from=\(text)", false),
                    ("/api/v1/complaints?dueBefore=\(text)", false),
                    ("/panel/complaints?dueBefore=\(text)", true),
                    ("/panel/reviews?from=\(text)", true),
                    ("/api/v1/reports/complaints?from=\(text)&to=\(text)", false),
                    ("/api/v1/reports/mediation?preset=custom&from=\(text)", false),
                    ("/panel/reports?preset=custom&from=\(text)", true),
                ]
            }
            for probe in probes {
                let headers: HTTPFields = probe.panel ? [.cookie: owner.cookie] : s.keyHeaders
                let response = try await s.client.execute(uri: probe.uri, method: .get, headers: headers)
                #expect([.ok, .badRequest, .unprocessableContent, .seeOther].contains(response.status),
                        "\(probe.uri) → \(response.status)")
                #expect(response.status.code < 500, "\(probe.uri) → \(response.status)")
            }
            // A bad cursor says so.
            let bad = try await s.client.execute(uri: "/api/v1/public/shops/\(slug)/reviews?cursor=\(Self.cursor("1e300"))",
                                                 method: .get)
            #expect(bad.status == .unprocessableContent && (bad.json["errors"] as? [String: String])?["cursor"] != nil)
            // Dates and amounts in bodies: 422 naming the field.
            let order = try await s.api(.post, "/api/v1/orders", [
                "externalId": "H-2", "placedAt": "0001-01-01T00:00:00Z",
                "customer": ["email": "h@example.com", "name": "H"],
                "items": [["productId": "P", "name": "N", "unitPrice": 1e12, "currency": "PLN"]],
            ])
            #expect(order.status == .unprocessableContent, "\(order.text)")
            let errors = order.json["errors"] as? [String: String] ?? [:]
            #expect(errors["items[0].unitPrice"] != nil && errors["placedAt"] != nil, "\(errors)")
            let huge = try await s.api(.post, "/api/v1/orders", [
                "externalId": "H-3", "placedAt": "2026-11-01T00:00:00Z", "customer": ["email": "h@example.com"],
                "items": [["productId": "P", "name": "N", "unitPrice": 1e300]],
            ])
            #expect([.badRequest, .unprocessableContent].contains(huge.status), "\(huge.text)")
            // Still alive and answering.
            #expect(try await s.client.execute(uri: "/health", method: .get).status == .ok)
            #expect(try await s.publicReviewIDs().isEmpty)
        }
    }

    @Test("the storable range is years 1900 to 9999, finite")
    func storableRange() {
        #expect(StorableTime.date(secondsSince1970: 1e300) == nil)
        #expect(StorableTime.date(secondsSince1970: -.infinity) == nil)
        #expect(StorableTime.date(secondsSince1970: .nan) == nil)
        #expect(StorableTime.date(secondsSince1970: 1_800_000_000) != nil)
        #expect(StorableTime.contains(StorableTime.latest) && !StorableTime.contains(StorableTime.latest + 1))
        #expect(UTCDay.start("9223372036854775807-01-01") == nil)
        #expect(ReviewQueries.Cursor(encoded: Data("nan|x".utf8).base64EncodedString()) == nil)
    }
}
