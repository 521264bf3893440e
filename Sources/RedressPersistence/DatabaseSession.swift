package import SQLKit
import NIOConcurrencyHelpers
import RedressCore

/// A handle on the database for one call or one transaction: what `DatabaseService.sql` and
/// `DatabaseService.transaction` hand out and every store takes. Opaque outside this module, so no signature of
/// the application can name SQLKit; rows written through the session of a transaction commit or roll back together.
public struct DatabaseSession: Sendable {
    let database: any SQLDatabase
    /// In a PostgreSQL transaction: writes to hot rows held back to just before the commit (issue 18).
    let deferred: DeferredCounts?

    init(_ database: any SQLDatabase, deferred: DeferredCounts? = nil) {
        self.database = database
        self.deferred = deferred
    }

    /// The SQLKit handle, for tests that inspect rows directly (`package`: never part of the application's API;
    /// `scripts/test` refuses `import SQLKit` outside RedressPersistence and the tests).
    package var sqlDatabase: any SQLDatabase { database }

    // The SQLKit entry points the stores use, forwarded so that store code reads as SQLKit does.
    var dialect: any SQLDialect { database.dialect }
    func select() -> SQLSelectBuilder { database.select() }
    func insert(into table: String) -> SQLInsertBuilder { database.insert(into: table) }
    func update(_ table: String) -> SQLUpdateBuilder { database.update(table) }
    func delete(from table: String) -> SQLDeleteBuilder { database.delete(from: table) }
    func raw(_ sql: SQLQueryString) -> SQLRawBuilder { database.raw(sql) }
}

/// The report counter additions of one PostgreSQL transaction, written just before it commits: the counter rows
/// of a shop's day are what concurrent creates meet, and a row lock lasts from the write to the commit, so the
/// write comes last (issue 18). Within the transaction nothing reads those counters.
final class DeferredCounts: Sendable {
    private let pending = NIOLockedValueBox<[String: [ReportContribution.Delta]]>([:])

    func append(_ deltas: [ReportContribution.Delta], shop: ShopID) {
        pending.withLockedValue { $0[shop.rawValue, default: []] += deltas }
    }

    /// What is waiting, by shop, and nothing left behind.
    func take() -> [(ShopID, [ReportContribution.Delta])] {
        pending.withLockedValue { pending in
            defer { pending = [:] }
            return pending.keys.sorted().map { (ShopID($0), pending[$0]!) }
        }
    }
}
