internal import FluentKit
internal import SQLKit

/// A staff identity belongs to one shop (issue 15, item 7): the same address may be staff of two shops, each with
/// its own password, and an owner can neither learn that an address works elsewhere nor squat it before the real
/// shop adds it. The address is unique within a shop only. SQLite cannot drop a constraint, so the table is built
/// again; sessions are ended once by this step (everyone signs in again after the upgrade).
struct AddStaffPerShop: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            try await sql.raw("DELETE FROM sessions").run()
            try await sql.raw("""
                CREATE TABLE "staff_per_shop" ("id" TEXT PRIMARY KEY,
                  "shop_id" TEXT NOT NULL REFERENCES "shops" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
                  "email" TEXT NOT NULL, "email_normalized" TEXT NOT NULL, "name" TEXT NOT NULL, "role" TEXT NOT NULL,
                  "password_hash" TEXT NOT NULL, "created_at" REAL NOT NULL,
                  CONSTRAINT "uq:staff.shop_id+staff.email_normalized" UNIQUE ("shop_id", "email_normalized"))
                """).run()
            try await sql.raw("""
                INSERT INTO staff_per_shop (id, shop_id, email, email_normalized, name, role, password_hash, created_at)
                SELECT id, shop_id, email, email_normalized, name, role, password_hash, created_at FROM staff
                """).run()
            try await sql.raw("DROP TABLE staff").run()
            try await sql.raw("ALTER TABLE staff_per_shop RENAME TO staff").run()
            try await sql.create(index: "staff_shop").on("staff").column("shop_id").run()
        } else {
            try await database.schema("staff").deleteUnique(on: "email_normalized")
                .unique(on: "shop_id", "email_normalized").update()
        }
        try await sql.create(index: "staff_email").on("staff").column("email_normalized").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "staff_email").run()
    }
}
