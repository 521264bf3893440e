package import SQLKit

/// A handle on the database for one call or one transaction: what `DatabaseService.sql` and
/// `DatabaseService.transaction` hand out and every store takes. Opaque outside this module, so no signature of
/// the application can name SQLKit; rows written through the session of a transaction commit or roll back together.
public struct DatabaseSession: Sendable {
    let database: any SQLDatabase

    init(_ database: any SQLDatabase) { self.database = database }

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
