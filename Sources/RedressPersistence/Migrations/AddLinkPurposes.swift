internal import FluentKit

/// Customer links as capabilities with one purpose (issue 15): a complaint link names the one complaint it opens.
/// Links stored before keep their purpose; a `review` link from then on only writes the first review.
struct AddLinkPurposes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("customer_links").field("complaint_id", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customer_links").deleteField("complaint_id").update()
    }
}
