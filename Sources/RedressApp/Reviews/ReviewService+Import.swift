import Foundation
import RedressCore
import RedressPersistence

extension ReviewService {
    package struct ImportReport: Codable, Sendable {
        package var created = 0
        package var updated = 0
        package var unchanged = 0
        package var rejected: [OrderCSVImport.LineError] = []
    }

    /// Imports a CSV export (N4). Orders are written in batches of 500 per transaction; a bad line or a conflicting
    /// order is reported with its line number and never stops the others.
    package func importOrders(csv: String, shop shopID: ShopID, actor: AuditActor,
                      progress: (@Sendable (String) -> Void)? = nil) async throws -> ImportReport {
        let sql = services.database.sql
        let shop = try await shop(shopID, on: sql)
        let parsed: OrderCSVImport.Result
        do {
            parsed = try OrderCSVImport(timeZone: timeZone(shop)).parse(csv) { lines in
                progress?("read \(lines) lines")
            }
        } catch let error as OrderCSVImport.HeaderError {
            throw AppError.invalid(["header": "\(error.description); expected at least "
                                   + OrderCSVImport.requiredColumns.joined(separator: ", ")])
        }
        var report = ImportReport(rejected: parsed.rejected)
        var index = 0
        while index < parsed.orders.count {
            let batch = Array(parsed.orders[index..<min(index + 500, parsed.orders.count)])
            let now = services.clock.now()
            let outcome = try await services.database.transaction { tx in
                var partial = ImportReport()
                // New orders go in with a few set-based statements; known ones (unchanged, a delivery added, a
                // conflict) take the one-by-one path. If another writer races us, the batch goes one by one.
                var individual = batch
                let inserted: Int?
                do {
                    inserted = try await DatabaseService.savepoint(on: tx, { () async throws -> Int in
                    let known = try await orders.existingExternalIds(batch.map(\.externalId), shop: shopID, on: tx)
                    let fresh = batch.filter { !known.contains($0.externalId) }
                    let records = try await orders.insertNew(fresh.map { ($0, Self.bodyHash($0)) }, shop: shopID,
                                                             defaultLocale: shop.locale, now: now, on: tx)
                    let zone = timeZone(shop)
                    let invitations = records.compactMap { record in
                        record.deliveredAt.map {
                            (subjectId: record.id, dueAt: max(now, policy.invitationDue(deliveredAt: $0, timeZone: zone)))
                        }
                    }
                    try await services.deadlines.scheduleMany(kind: Work.sendInvitation, items: invitations,
                                                              shop: shopID, now: now, on: tx)
                    individual = batch.filter { known.contains($0.externalId) }
                    return records.count
                    })
                } catch {
                    services.logger.warning("bulk order insert fell back to one by one",
                                            metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
                    inserted = nil
                }
                partial.created += inserted ?? 0
                for order in individual {
                    do {
                        switch try await submit(order, shop: shop, actor: actor, audited: false, on: tx, now: now).0 {
                        case .created: partial.created += 1
                        case .deliveryUpdated: partial.updated += 1
                        case .unchanged: partial.unchanged += 1
                        }
                    } catch let problem as AppError {
                        partial.rejected.append(.init(line: parsed.firstLine[order.externalId] ?? 0, error: problem.detail))
                    } catch let errors as ValidationErrors {
                        let text = errors.fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                            .joined(separator: "; ")
                        partial.rejected.append(.init(line: parsed.firstLine[order.externalId] ?? 0, error: text))
                    }
                }
                return partial
            }
            report.created += outcome.created
            report.updated += outcome.updated
            report.unchanged += outcome.unchanged
            report.rejected += outcome.rejected
            index += batch.count
            progress?("stored \(index) of \(parsed.orders.count) orders")
        }
        report.rejected.sort { $0.line < $1.line }
        try await services.audit.append(
            shop: shopID, actor: actor, action: "orders.imported", subjectType: "shop", subjectId: shopID.rawValue,
            after: ["created": String(report.created), "updated": String(report.updated),
                    "rejected": String(report.rejected.count)], now: services.clock.now(), on: sql)
        return report
    }
}
