import Foundation
import Testing
@testable import RedressCore

@Suite("N4 CSV import")
struct OrderImportTests {
    let importer = OrderCSVImport(timeZone: TimeZone(identifier: "Europe/Warsaw")!)

    @Test func readsQuotedFieldsWithNewlinesAndDoubledQuotes() {
        let records = Array(CSVReader("a,b\n\"x, \"\"y\"\"\",\"line1\nline2\"\nlast,1\n"))
        #expect(records == [
            .init(line: 1, fields: ["a", "b"]),
            .init(line: 2, fields: ["x, \"y\"", "line1\nline2"]),
            .init(line: 4, fields: ["last", "1"]),
        ])
    }

    @Test func detectsSemicolonsAndStripsTheBOM() {
        let reader = CSVReader("\u{FEFF}order_id;email\r\n1;a@b.pl\r\n")
        #expect(reader.delimiter == ";")
        #expect(Array(reader).map(\.fields) == [["order_id", "email"], ["1", "a@b.pl"]])
    }

    @Test func importsOrdersGroupingLinesAndReportingBadOnes() throws {
        let csv = "\u{FEFF}" + #"""
            Order_ID;DATE;Email;First_Name;Last_Name;Product_ID;Product_Name;Delivered_At
            A-1;2026-11-01 10:00;jan@sklep.pl;Jan;Kowalski;P1;"Kubek; duży";2026-11-03
            A-1;2026-11-01 10:00;jan@sklep.pl;Jan;Kowalski;P2;Talerz;2026-11-03
            A-2;yesterday;ewa@sklep.pl;Ewa;Nowak;P1;Kubek;
            A-3;2026-11-02;not-an-email;Ola;Lis;P3;Miska;
            ;2026-11-02;x@y.pl;A;B;P3;Miska;
            A-4;2026-11-02T08:00:00Z;ola@sklep.pl;Ola;"Lis
            Kowalska";P3;Miska;not a date
            A-5;2026-11-02;adam@sklep.pl;Adam;;P9;"Opis ""premium""";
            """#
        var progress: [Int] = []
        let result = try importer.parse(csv) { progress.append($0) }
        #expect(result.orders.map(\.externalId) == ["A-1", "A-5"])
        #expect(result.orders[0].items.map(\.productId) == ["P1", "P2"])
        #expect(result.orders[0].items[0].name == "Kubek; duży")
        #expect(result.orders[0].customerName == "Jan Kowalski")
        #expect(result.orders[0].placedAt == ISO8601DateFormatter().date(from: "2026-11-01T09:00:00Z"))
        #expect(result.orders[1].items[0].name == "Opis \"premium\"")
        #expect(result.rejected.map(\.line) == [4, 5, 6, 7])
        #expect(result.rejected[0].error.contains("date"))
        #expect(result.rejected[1].error.contains("email"))
        #expect(result.rejected[2].error.contains("order_id"))
        #expect(result.rejected[3].error.contains("delivered_at"))
        #expect(result.firstLine["A-5"] == 9)
        #expect(progress.last == 7, "seven records, one of them over two lines")
    }

    @Test func missingColumnsAreNamed() {
        #expect(throws: OrderCSVImport.HeaderError(missing: ["product_id", "product_name", "delivered_at"])) {
            try importer.parse("order_id,date,email,first_name,last_name\n")
        }
    }
}

@Suite("N4 CSV dates")
struct OrderImportDateTests {
    let warsaw = TimeZone(identifier: "Europe/Warsaw")!

    @Test(arguments: [
        ("2026-11-01", "2026-10-31T23:00:00Z"), ("2026-07-01 12:30", "2026-07-01T10:30:00Z"),
        ("2026-03-29 03:30:15", "2026-03-29T01:30:15Z"), ("2026-10-25T04:30:00", "2026-10-25T03:30:00Z"), ("2026-10-24T23:30:00", "2026-10-24T21:30:00Z"),
        ("2028-02-29", "2028-02-28T23:00:00Z"),
    ])
    func readsLocalTimesInTheShopsZone(text: String, utc: String) {
        #expect(OrderCSVImport(timeZone: warsaw).parseDate(text) == ISO8601DateFormatter().date(from: utc))
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "2026-11-01 25:00", "01.11.2026", "2026-11-01 7pm", "yesterday"])
    func refusesWhatIsNotADate(text: String) {
        #expect(OrderCSVImport(timeZone: warsaw).parseDate(text) == nil)
    }

    @Test func zonedTimesKeepTheirZone() {
        #expect(OrderCSVImport(timeZone: warsaw).parseDate("2026-11-01T10:00:00+02:00")
                == ISO8601DateFormatter().date(from: "2026-11-01T08:00:00Z"))
    }
}
