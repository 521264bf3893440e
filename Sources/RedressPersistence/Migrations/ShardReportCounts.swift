internal import FluentKit
internal import SQLKit

/// The daily report counters in shards (issue 18): every complaint created moved the same few rows of its shop (the
/// day's and the all-days counters), so on PostgreSQL concurrent creates of one shop queued on those row locks until
/// each commit (9.5 ms per create waiting at 16 connections). A counter is now the sum of up to
/// `ReportRollupStore.shards` rows; a transaction adds to one shard, so creates of one shop rarely meet. SQLite has
/// one writer and always uses shard 0. The table is rebuilt (SQLite cannot change a unique constraint in place).
struct ShardReportCounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await Self.rebuild(sql, into: "report_daily_counts_sharded", shard: true)
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await Self.rebuild(sql, into: "report_daily_counts_single", shard: false)
    }

    private static func rebuild(_ sql: any SQLDatabase, into table: String, shard: Bool) async throws {
        let shardColumn: SQLQueryString = shard ? "shard BIGINT NOT NULL DEFAULT 0," : ""
        let key: SQLQueryString = shard ? "shop_id, family, day, metric, shard" : "shop_id, family, day, metric"
        try await sql.raw("""
            CREATE TABLE \(ident: table) (
              shop_id TEXT NOT NULL, family TEXT NOT NULL, day BIGINT NOT NULL, metric TEXT NOT NULL, \(shardColumn)
              value BIGINT NOT NULL, UNIQUE (\(key)))
            """).run()
        try await sql.raw("""
            INSERT INTO \(ident: table) (shop_id, family, day, metric, value)
            SELECT shop_id, family, day, metric, CAST(SUM(value) AS BIGINT) FROM report_daily_counts
            GROUP BY shop_id, family, day, metric
            """).run()
        try await sql.raw("DROP TABLE report_daily_counts").run()
        try await sql.raw("ALTER TABLE \(ident: table) RENAME TO report_daily_counts").run()
    }
}
