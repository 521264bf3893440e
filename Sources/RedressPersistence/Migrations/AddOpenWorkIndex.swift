internal import FluentKit
internal import SQLKit

/// The open complaints of a shop, by their legal deadline (issue 18): the panel counts them on every page (the
/// navigation) and the home page lists them; without this index both read every complaint the shop ever had.
struct AddOpenWorkIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("""
            CREATE INDEX complaints_open ON complaints (shop_id, answer_due_at, id)
            WHERE merged_into IS NULL AND decided_at IS NULL AND status <> 'closed'
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("DROP INDEX complaints_open").run()
    }
}
