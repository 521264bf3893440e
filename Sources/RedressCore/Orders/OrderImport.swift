import Foundation

/// One order as it arrives from a shop system (N4): by API or from a CSV line group.
public struct IncomingOrder: Equatable, Sendable, Codable {
    public struct Item: Equatable, Sendable, Codable {
        public var productId: String
        public var name: String
        public var quantity: Int
        public var unitPrice: Decimal?
        public var currency: String?

        public init(productId: String, name: String, quantity: Int = 1, unitPrice: Decimal? = nil,
                    currency: String? = nil) {
            self.productId = productId
            self.name = name
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.currency = currency
        }
    }

    public var externalId: String
    public var placedAt: Date
    public var email: String
    public var customerName: String
    public var locale: String?
    public var items: [Item]
    public var deliveredAt: Date?

    public init(externalId: String, placedAt: Date, email: String, customerName: String, locale: String?,
                items: [Item], deliveredAt: Date?) {
        self.externalId = externalId
        self.placedAt = placedAt
        self.email = email
        self.customerName = customerName
        self.locale = locale
        self.items = items
        self.deliveredAt = deliveredAt
    }

    /// Checks the fields every order needs; messages name the field.
    public func validate() throws {
        var errors = ValidationErrors()
        if externalId.isEmpty || externalId.count > 100 { errors.add("externalId", "is required, at most 100 characters") }
        if !Validate.isEmail(email) { errors.add("customer.email", "is not a valid e-mail address") }
        if customerName.count > 200 { errors.add("customer.name", "must be at most 200 characters") }
        if let locale, !Validate.supportedLocales.contains(locale) {
            errors.add("customer.locale", "must be one of pl, en, es, el")
        }
        if items.isEmpty { errors.add("items", "needs at least one item") }
        for (index, item) in items.enumerated() {
            if item.productId.isEmpty || item.productId.count > 100 {
                errors.add("items[\(index)].productId", "is required, at most 100 characters")
            }
            if item.name.count > 300 { errors.add("items[\(index)].name", "must be at most 300 characters") }
            if item.quantity < 1 || item.quantity > 100_000 { errors.add("items[\(index)].quantity", "must be 1 or more") }
            if let price = item.unitPrice, price < 0 || price > 1_000_000_000 || price.isNaN {
                errors.add("items[\(index)].unitPrice", "must be from 0 to 1000000000")
            }
        }
        if !StorableTime.contains(placedAt) { errors.add("placedAt", "must be a time between the years 1900 and 9999") }
        if let deliveredAt, !StorableTime.contains(deliveredAt) {
            errors.add("deliveredAt", "must be a time between the years 1900 and 9999")
        }
        if let deliveredAt, deliveredAt < placedAt.addingTimeInterval(-86_400) {
            errors.add("deliveredAt", "cannot be before the order was placed")
        }
        try errors.throwIfAny()
    }
}

/// Turns a CSV export (the shape review platforms receive from shop engines) into orders, reporting each bad
/// line with its number and never stopping at one.
public struct OrderCSVImport {
    public static let requiredColumns = [
        "order_id", "date", "email", "first_name", "last_name", "product_id", "product_name", "delivered_at",
    ]

    public struct LineError: Equatable, Sendable, Codable {
        public var line: Int
        public var error: String

        public init(line: Int, error: String) {
            self.line = line
            self.error = error
        }
    }

    public struct Result: Sendable {
        public var orders: [IncomingOrder]
        /// For each order, the first line it came from (to report store errors by line).
        public var firstLine: [String: Int]
        public var rejected: [LineError]
    }

    public struct HeaderError: Error, Equatable, CustomStringConvertible {
        public var missing: [String]
        public var description: String { "missing columns: \(missing.joined(separator: ", "))" }
    }

    let timeZone: TimeZone
    // Made once per import: creating date formatters per line was the import's hottest path.
    private let isoFormatter = ISO8601DateFormatter()
    private let localFormatters: [DateFormatter]

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        localFormatters = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"].map {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = timeZone
            formatter.dateFormat = $0
            return formatter
        }
    }

    public func parse(_ text: String, progress: ((Int) -> Void)? = nil) throws -> Result {
        var records = CSVReader(text).makeIterator()
        guard let header = records.next() else { throw HeaderError(missing: Self.requiredColumns) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var column: [String: Int] = [:]
        for (index, name) in names.enumerated() where column[name] == nil { column[name] = index }
        let missing = Self.requiredColumns.filter { column[$0] == nil }
        guard missing.isEmpty else { throw HeaderError(missing: missing) }

        var orders: [String: IncomingOrder] = [:]
        var order: [String] = []
        var firstLine: [String: Int] = [:]
        var rejected: [LineError] = []
        var count = 0
        while let record = records.next() {
            count += 1
            if count % 10_000 == 0 { progress?(count) }
            func value(_ name: String) -> String {
                guard let index = column[name], index < record.fields.count else { return "" }
                return record.fields[index].trimmingCharacters(in: .whitespaces)
            }
            let id = value("order_id")
            guard !id.isEmpty else {
                rejected.append(LineError(line: record.line, error: "order_id is empty"))
                continue
            }
            guard let placedAt = parseDate(value("date")) else {
                rejected.append(LineError(line: record.line, error: "date is not a date: \(value("date").prefix(40))"))
                continue
            }
            let email = value("email")
            guard Validate.isEmail(email) else {
                rejected.append(LineError(line: record.line, error: "email is not a valid e-mail address"))
                continue
            }
            let deliveredText = value("delivered_at")
            var deliveredAt: Date?
            if !deliveredText.isEmpty {
                guard let parsed = parseDate(deliveredText) else {
                    rejected.append(LineError(line: record.line,
                                              error: "delivered_at is not a date: \(deliveredText.prefix(40))"))
                    continue
                }
                deliveredAt = parsed
            }
            let productID = value("product_id")
            guard !productID.isEmpty else {
                rejected.append(LineError(line: record.line, error: "product_id is empty"))
                continue
            }
            let quantity = Int(value("quantity")) ?? 1
            let item = IncomingOrder.Item(productId: productID, name: value("product_name"), quantity: max(1, quantity))
            let name = [value("first_name"), value("last_name")].filter { !$0.isEmpty }.joined(separator: " ")
            let localeText = value("locale").lowercased()
            let locale = Validate.supportedLocales.contains(localeText) ? localeText : nil
            if var existing = orders[id] {
                existing.items.append(item)
                if existing.deliveredAt == nil { existing.deliveredAt = deliveredAt }
                orders[id] = existing
            } else {
                let incoming = IncomingOrder(externalId: id, placedAt: placedAt, email: email, customerName: name,
                                             locale: locale, items: [item], deliveredAt: deliveredAt)
                do {
                    try incoming.validate()
                } catch let errors as ValidationErrors {
                    let text = errors.fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                        .joined(separator: "; ")
                    rejected.append(LineError(line: record.line, error: text))
                    continue
                }
                orders[id] = incoming
                order.append(id)
                firstLine[id] = record.line
            }
        }
        progress?(count)
        return Result(orders: order.compactMap { orders[$0] }, firstLine: firstLine, rejected: rejected)
    }

    /// The common shop-engine forms `yyyy-MM-dd`, `yyyy-MM-dd HH:mm` and `yyyy-MM-dd HH:mm:ss` (or with `T`, no zone),
    /// read by hand: date formatters were the import's hottest path.
    static func localDateTime(_ text: String, in timeZone: TimeZone) -> Date? {
        let bytes = Array(text.utf8)
        guard [10, 16, 19].contains(bytes.count), bytes[4] == 45, bytes[7] == 45 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let start = UTCDay.start(String(format: "%04d-%02d-%02d", year, month, day)),
              UTCDay.string(start) == String(format: "%04d-%02d-%02d", year, month, day)
        else { return nil }
        var seconds = 0
        if bytes.count >= 16 {
            guard bytes[10] == 32 || bytes[10] == 84, bytes[13] == 58, let hour = number(11..<13),
                  let minute = number(14..<16), hour < 24, minute < 60 else { return nil }
            seconds = hour * 3600 + minute * 60
            if bytes.count == 19 {
                guard bytes[16] == 58, let second = number(17..<19), second < 60 else { return nil }
                seconds += second
            }
        }
        // Wall-clock time in the zone → instant: subtract the zone's offset, checked once more near a DST change.
        let wall = start.timeIntervalSince1970 + Double(seconds)
        var offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wall))
        let corrected = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - Double(offset)))
        if corrected != offset { offset = corrected }
        return Date(timeIntervalSince1970: wall - Double(offset))
    }

    /// ISO 8601 with a zone, or a local `yyyy-MM-dd[ HH:mm[:ss]]` in the shop's time zone.
    public func parseDate(_ text: String) -> Date? {
        guard !text.isEmpty else { return nil }
        if let date = Self.localDateTime(text, in: timeZone) { return date }
        if let date = isoFormatter.date(from: text) { return date }
        for formatter in localFormatters {
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
