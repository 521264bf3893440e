import Foundation
import Logging
import RedressApp
import RedressCore
import RedressMail
import RedressPersistence
import RedressWeb
import SQLKit

// Benchmark data and timed-work passes for Redress (not a test; prints figures).
//
//   redress-bench generate DATABASE_URL REVIEWS DIALOGS DUE   one shop "bench" with REVIEWS reviews (DUE of them held
//                                                             and due for publication), DIALOGS open dialogs; prints
//                                                             the shop's API key
//   redress-bench publish-pass DATABASE_URL                   runs the deadline worker until nothing is due; prints
//                                                             the count and the time
//   redress-bench complaints DATABASE_URL COUNT DUE           one shop with COUNT complaints, DUE of them past their
//                                                             answer date with the deadline due; prints slug, key, login
//   redress-bench deadline-pass DATABASE_URL                  same as publish-pass (any due timed work)
//   redress-bench reports DATABASE_URL REVIEWS COMPLAINTS      one shop with both, with the facts reports read;
//                                                             prints slug, key, login
//   BENCH_SMTP_URL=smtp://… redress-bench mail DATABASE_URL COUNT
//                                                             queues COUNT e-mails in the outbox, then runs the
//                                                             dispatcher until all are delivered; prints mails/s

func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    say("usage: redress-bench generate DATABASE_URL REVIEWS DIALOGS DUE | publish-pass DATABASE_URL")
    exit(2)
}
var logger = Logger(label: "bench")
logger.logLevel = .error
var config = AppConfig(database: try DatabaseLocation(parsing: arguments[2]))
config.mailDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-mail").path
if let url = ProcessInfo.processInfo.environment["BENCH_SMTP_URL"] { config.smtp = try SMTPConfiguration(url: url) }
let services = try await prepareServices(config: config, clock: SystemWallClock(), logger: logger)

switch arguments[1] {
case "generate":
    let reviews = Int(arguments[3]) ?? 1_000_000
    let dialogs = Int(arguments[4]) ?? 100_000
    let due = Int(arguments[5]) ?? 10_000
    try await generate(reviews: reviews, dialogs: dialogs, due: due)
case "complaints":
    try await generateComplaints(count: Int(arguments[3]) ?? 50_000, due: Int(arguments[4]) ?? 10_000)
case "reports":
    // One shop with REVIEWS reviews over 400 days (a tenth of them with a dialog) and COMPLAINTS over 365 days.
    let shop = try await generate(reviews: Int(arguments[3]) ?? 1_000_000, dialogs: (Int(arguments[3]) ?? 1_000_000) / 10,
                                  due: 0, chronological: true)
    try await generateComplaints(count: Int(arguments[4]) ?? 100_000, due: 0, spreadDays: 365, chronological: true,
                                 into: shop)
    // The reports' daily roll-ups, counted from the rows just written (the stores keep them on every change).
    let rebuild = ContinuousClock.now
    try await services.database.transaction { tx in try await ReportRollupStore().rebuild(shop: ShopID(shop.id), on: tx) }
    try await services.database.sql.sqlDatabase.raw("ANALYZE").run()  // both engines: plans for the tables just filled
    say("report roll-ups rebuilt from the rows in \(ContinuousClock.now - rebuild)")
case "publish-pass", "deadline-pass":
    let start = ContinuousClock.now
    var total = 0
    while true {
        let claimed = try await services.deadlineWorker.tick(limit: 500)
        if claimed == 0 { break }
        total += claimed
    }
    let elapsed = ContinuousClock.now - start
    say("publish pass: \(total) due items in \(elapsed) (\(Int(Double(total) / max(0.001, elapsed.seconds))) per second)")
case "mail":
    let count = Int(arguments.count > 3 ? arguments[3] : "") ?? 10_000
    let queued = ContinuousClock.now
    var messages: [OutboxStore.NewMessage] = []
    for index in 0..<count {
        let mail = MailMessage(
            from: "sklep@bench.example", fromName: "Sklep Żółw", to: ["klient\(index)@bench.example"],
            replyTo: "obsluga@bench.example", subject: "Twoja opinia o Sklep Żółw zostanie opublikowana najpóźniej 30 listopada",
            text: String(repeating: "Dziękujemy za opinię. Możesz ją opublikować od razu.\n", count: 8),
            html: "<p>" + String(repeating: "Dziękujemy za opinię. ", count: 20) + "</p>")
        messages.append(.init(channel: "email", kind: "bench", payload: String(decoding: try JSONEncoder().encode(mail), as: UTF8.self),
                              shop: nil))
    }
    try await OutboxStore().enqueue(messages, now: Date(), on: services.database.sql)
    say("queued \(count) mails in \(ContinuousClock.now - queued)")
    // The dispatcher's own service loop, as `redress serve` runs it (issue 18: it must never sleep while mail is
    // due), watched from here until every mail is sent or failed.
    let start = ContinuousClock.now
    let loop = Task { try await services.dispatcher.run() }
    var counts = try await OutboxStore().counts(on: services.database.read)
    while counts.pending > 0 && ContinuousClock.now - start < .seconds(600) {
        try await Task.sleep(for: .milliseconds(20))
        counts = try await OutboxStore().counts(on: services.database.read)
    }
    let elapsed = ContinuousClock.now - start
    loop.cancel()
    _ = await loop.result
    let total = counts.sent + counts.failed
    say("delivered \(counts.sent) of \(total) claimed in \(elapsed) (\(Int(Double(counts.sent) / max(0.001, elapsed.seconds))) mails per second), \(counts.pending) pending, \(counts.failed) failed, via \(config.smtp?.redacted ?? "the mail folder")")
default:
    say("unknown command \(arguments[1])")
}
await services.database.shutdown()

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

@discardableResult
func generate(reviews total: Int, dialogs: Int, due: Int, chronological: Bool = false) async throws
    -> ShopAdministration.CreatedShop
{
    let sql = services.database.sql
    let created = try await ShopAdministration(services: services).createShop(
        .init(name: "Bench Shop", slug: "bench-\(Int.random(in: 1000...9999))", locale: "pl", timeZone: "Europe/Warsaw"),
        actor: .system)
    let shop = created.id
    let now = Date()
    let start = ContinuousClock.now
    let batch = 400
    var counts: [String: [String: Int]] = [:]  // day → metric → count
    var standby = 0
    var index = 0
    while index < total {
        let upper = min(index + 5_000, total)
        let rows = (index..<upper).map { i -> (order: [any Encodable & Sendable], review: [any Encodable & Sendable], day: String, rating: Int, held: Bool) in
            // Spread over 400 days; the last `due` reviews are held and overdue; dialogs on the held ones before them.
            let isDue = i >= total - due
            // Dialogs on the newest reviews, or (chronological) on every n-th review over the whole stretch.
            let hasDialog = !isDue && (chronological ? i % max(1, (total - due) / max(dialogs, 1)) == 0
                                                     : i >= total - due - dialogs)
            // Chronological: rows are written in the order they arrive, as in a real shop (a month is then stored
            // together); otherwise each row lands on a day picked by `i % 400`.
            let submitted = isDue ? now.addingTimeInterval(-8 * 86_400 - Double(i % 1000))
                : chronological ? now.addingTimeInterval(-Double(total - i) * 400 * 86_400 / Double(total))
                : now.addingTimeInterval(-Double(i % 400) * 86_400 - Double(i % 86_400))
            let rating = hasDialog || isDue ? 1 + i % 3 : 1 + i % 5
            let held = isDue || hasDialog
            let status = held ? (hasDialog ? "standby" : "standby") : "published"
            let orderId = "ord_b\(i)"
            let order: [any Encodable & Sendable] = [
                orderId, shop, "B-\(i)", submitted.addingTimeInterval(-86_400), "c\(i)@example.com", "c\(i)@example.com",
                "Customer \(i)", "pl", submitted.addingTimeInterval(-3600), "h", now,
            ]
            let publishAt: Date? = held ? (isDue ? now.addingTimeInterval(-60) : now.addingTimeInterval(6 * 86_400)) : nil
            let day = ReviewRecord.statsDay(submitted)
            let review: [any Encodable & Sendable] = [
                "rev_b\(i)", shop, orderId, "B-\(i)", "Customer \(i)", "pl", status, rating, "Title \(i)",
                "Review text number \(i): the parcel arrived and the product was as described, more or less.",
                submitted, held, publishAt, submitted.addingTimeInterval(7 * 86_400),
                held ? nil : submitted, held ? nil : "immediate", hasDialog ? "open" : "none", 1,
                held ? nil : day, held ? nil : rating, 1,
            ]
            return (order, review, day, rating, held)
        }
        try await services.database.transaction { tx in
            for chunk in stride(from: 0, to: rows.count, by: batch) {
                let part = rows[chunk..<min(chunk + batch, rows.count)]
                var orders = tx.sqlDatabase.insert(into: "orders").columns(
                    "id", "shop_id", "external_id", "placed_at", "email", "email_normalized", "customer_name", "locale",
                    "delivered_at", "body_hash", "created_at")
                var items = tx.sqlDatabase.insert(into: "order_items").columns(
                    "id", "order_id", "shop_id", "product_id", "name", "quantity")
                var reviewRows = tx.sqlDatabase.insert(into: "reviews").columns(
                    "id", "shop_id", "order_id", "order_external_id", "customer_name", "locale", "status", "rating",
                    "title", "body", "submitted_at", "held", "publish_at", "shop_window_ends_at", "published_at",
                    "published_via", "dialog_state", "current_version", "stats_day", "stats_rating", "version")
                for row in part {
                    orders = orders.values(row.order.map { SQLBind($0) })
                    let orderId = row.order[0] as! String
                    items = items.values([SQLBind("itm_\(orderId)"), SQLBind(orderId), SQLBind(shop),
                                          SQLBind("P\((orderId.hashValue & 0xff))"), SQLBind("Product"), SQLBind(1)])
                    reviewRows = reviewRows.values(row.review.map { SQLBind($0) })
                }
                try await orders.run()
                try await items.run()
                try await reviewRows.run()
            }
        }
        for row in rows {
            if row.held { standby += 1 } else { counts[row.day, default: [:]]["published_\(row.rating)", default: 0] += 1 }
        }
        index = upper
        if index % 100_000 == 0 || index == total { say("  \(index) reviews (\(ContinuousClock.now - start))") }
    }
    // Dialogs for the held, not yet due reviews; deadlines for every held review.
    let firstDialog = total - due - dialogs
    let dialogIndices = chronological
        ? Array(stride(from: 0, to: total - due, by: max(1, (total - due) / max(dialogs, 1))))
        : Array(max(0, firstDialog)..<(total - due))
    let finalCounts = counts
    let finalStandby = standby
    try await services.database.transaction { tx in
        for chunk in stride(from: 0, to: dialogIndices.count, by: batch) {
            var insert = tx.sqlDatabase.insert(into: "dialogs").columns(
                "id", "shop_id", "review_id", "opened_at", "state", "awaiting", "last_message_at", "first_shop_reply_at",
                "version")
            for i in dialogIndices[chunk..<min(chunk + batch, dialogIndices.count)] {
                let reply: Date? = i % 4 == 0 ? nil : now.addingTimeInterval(Double(i % 72) * 3600)
                insert = insert.values([SQLBind("dlg_b\(i)"), SQLBind(shop), SQLBind("rev_b\(i)"), SQLBind(now),
                                        SQLBind("open"), SQLBind("shop"), SQLBind(now), SQLBind(reply), SQLBind(1)])
            }
            try await insert.run()
        }
        let heldIndices = dialogIndices + Array((total - due)..<total)
        for chunk in stride(from: 0, to: heldIndices.count, by: batch) {
            var insert = tx.sqlDatabase.insert(into: "deadlines").columns(
                "id", "shop_id", "kind", "subject_id", "due_at", "attempts", "created_at")
            for i in heldIndices[chunk..<min(chunk + batch, heldIndices.count)] {
                let dueAt = i >= total - due ? now.addingTimeInterval(-60) : now.addingTimeInterval(6 * 86_400)
                insert = insert.values([SQLBind("dl_b\(i)"), SQLBind(shop), SQLBind("review.publish"),
                                        SQLBind("rev_b\(i)"), SQLBind(dueAt), SQLBind(0), SQLBind(now)])
            }
            try await insert.run()
        }
        let stats = ReviewStatsStore()
        for (day, metrics) in finalCounts {
            for (metric, count) in metrics { try await stats.add(count, metric: metric, day: day, shop: ShopID(shop), on: tx) }
        }
        try await stats.add(finalStandby, metric: ReviewStatsStore.Metric.standby, day: ReviewStatsStore.Metric.allDays,
                            shop: ShopID(shop), on: tx)
        try await stats.add(dialogs, metric: ReviewStatsStore.Metric.openDialogs, day: ReviewStatsStore.Metric.allDays,
                            shop: ShopID(shop), on: tx)
    }
    // The reports' per-hour counters, counted from the rows just written (the service keeps them on every change).
    try await ReviewStatsStore.fillHourlyCounters(shop: ShopID(shop), on: sql)
    if services.database.location.isSQLite { try await sql.sqlDatabase.raw("ANALYZE").run() }
    say("generated \(total) reviews, \(dialogs) open dialogs, \(due) due for publication in \(ContinuousClock.now - start)")
    say("slug=\(created.slug)")
    say("apiKey=\(created.apiKey)")
    return created
}

/// COUNT complaints (DUE of them past their answer date, undecided) received over the last SPREAD days, with what
/// reports read: first responses, decisions sent, closes, surveys, assignees, claimed products and replies.
func generateComplaints(count: Int, due: Int, spreadDays: Int = 13, chronological: Bool = false,
                        into existing: ShopAdministration.CreatedShop? = nil) async throws
{
    let sql = services.database.sql
    let administration = ShopAdministration(services: services)
    let created: ShopAdministration.CreatedShop
    if let existing {
        created = existing
    } else {
        created = try await administration.createShop(
            .init(name: "Complaint Bench", slug: "cbench-\(Int.random(in: 1000...9999))", locale: "pl",
                  timeZone: "Europe/Warsaw"), actor: .system)
    }
    let password = "bench-password-2026"
    _ = try await administration.createStaff(.init(email: "owner@\(created.slug).bench", name: "Owner", role: "owner",
                                                   password: password), shop: ShopID(created.id), actor: .system)
    var agents: [String] = []
    for number in 1...4 {
        agents.append(try await administration.createStaff(
            .init(email: "agent\(number)@\(created.slug).bench", name: "Agent \(number)", role: "agent", password: password),
            shop: ShopID(created.id), actor: .system).id)
    }
    let now = Date()
    let start = ContinuousClock.now
    let categories = ComplaintCategory.allCases.map(\.rawValue)
    let outcomes = DecisionOutcome.allCases.map(\.rawValue)
    let remedies = Remedy.allCases.map(\.rawValue)
    let zone = TimeZone(identifier: "Europe/Warsaw")!
    var deadlines: [(subjectId: String, dueAt: Date)] = []
    for chunk in stride(from: 0, to: count, by: 400) {
        var insert = sql.sqlDatabase.insert(into: "complaints")
        var decisions = sql.sqlDatabase.insert(into: "complaint_decisions")
        var items = sql.sqlDatabase.insert(into: "complaint_items")
        var messages = sql.sqlDatabase.insert(into: "complaint_messages")
        var anyDecision = false, anyMessage = false
        for i in chunk..<min(chunk + 400, count) {
            let isDue = i >= count - due
            let received = isDue ? now.addingTimeInterval(-16 * 86_400 - Double(i % 3600))
                : chronological ? now.addingTimeInterval(-Double(count - i) * Double(spreadDays) * 86_400 / Double(count))
                : now.addingTimeInterval(-Double(i % spreadDays) * 86_400 - Double(i % 86_400))
            var record = ComplaintRecord(
                id: "cmp_b\(i)", shopId: created.id, reference: ComplaintReference.make(year: 2026, number: i + 1),
                // One complaint in ten from a customer who complained before; one in twenty about the same order line.
                orderId: "ord_c\(i % 20 == 1 ? i - 1 : i)", orderExternalId: "B-\(i)",
                email: "c\(i % 10 == 3 ? i - 2 : i)@example.com",
                customerName: "Customer \(i)", locale: "pl", claimType: ClaimType.allCases[i % ClaimType.allCases.count].rawValue,
                category: categories[i % categories.count],
                description: "Complaint \(i): the product broke after a week.", requestedRemedy: remedies[i % remedies.count],
                partyType: .consumer, channel: "web", receivedAt: received,
                answerDueAt: LegalClock().answerDue(receivedAt: received, timeZone: zone), now: received)
            record.assigneeId = agents[i % agents.count]
            let product = (i % 20 == 1 ? i - 1 : i) % 50
            items = items.values([SQLBind("itm_c\(i)"), SQLBind(record.id), SQLBind("P\(product)"),
                                  SQLBind("Produkt \(product) żółty"), SQLBind(1)])
            if !isDue && i % 10 < 7 && received < now.addingTimeInterval(-3 * 86_400) {
                let sent = received.addingTimeInterval(Double(i % 13) * 86_400 + Double(i % 7) * 3600)
                record.firstResponseAt = received.addingTimeInterval(Double(i % 48) * 3600)
                record.decisionId = "dec_c\(i)"
                record.decidedAt = sent
                record.decisionSentAt = sent
                record.legalState = .answered
                record.status = i % 3 == 0 ? .decided : .closed
                if i % 3 != 0 {
                    record.closedAt = sent.addingTimeInterval(86_400)
                    record.surveySentAt = record.closedAt
                    if i % 2 == 0 { record.surveyRating = 1 + i % 5 }
                    record.reopenedCount = i % 17 == 0 ? 1 : 0
                }
                decisions = decisions.values([
                    SQLBind(record.decisionId!), SQLBind(record.id), SQLBind(created.id), SQLBind(outcomes[i % outcomes.count]),
                    SQLBind(remedies[(i / 3) % remedies.count]), SQLBind("Decyzja"), SQLBind("…"), SQLBind("0"),
                    SQLBind("none"), SQLBind(sent), SQLBind(sent),
                ])
                anyDecision = true
                if i % 2 == 0 {
                    record.replyCount = 1
                    messages = messages.values([
                        SQLBind("cms_c\(i)"), SQLBind(record.id), SQLBind(created.id), SQLBind("shop"),
                        SQLBind("Dzień dobry, prosimy o zdjęcie."), SQLBind(false), SQLBind(record.firstResponseAt!),
                    ])
                    anyMessage = true
                }
            }
            insert = try insert.model(record, keyEncodingStrategy: .convertToSnakeCase, nilEncodingStrategy: .asNil)
            if isDue { deadlines.append(("cmp_b\(i)", record.answerDueAt)) }
        }
        try await insert.run()
        try await items.columns("id", "complaint_id", "product_id", "name", "quantity").run()
        if anyDecision {
            try await decisions.columns("id", "complaint_id", "shop_id", "outcome", "remedy", "letter_subject", "letter_text",
                                        "letter_sha256", "outbox_id", "created_at", "sent_at").run()
        }
        if anyMessage {
            try await messages.columns("id", "complaint_id", "shop_id", "author", "body", "is_internal", "created_at").run()
        }
        if (chunk + 400) % 20_000 == 0 { say("  \(chunk + 400) complaints (\(ContinuousClock.now - start))") }
    }
    try await DeadlineStore().scheduleMany(kind: "complaint.deadline", items: deadlines, shop: ShopID(created.id), now: now, on: sql)
    // The references above are the shop's 2026 numbers 1…COUNT: new complaints go on after them.
    try await sql.sqlDatabase.raw("""
        INSERT INTO complaint_counters (shop_id, year, last_number) VALUES (\(bind: created.id), 2026, \(bind: count))
        ON CONFLICT (shop_id, year) DO UPDATE SET last_number = excluded.last_number
        """).run()
    if services.database.location.isSQLite { try await sql.sqlDatabase.raw("ANALYZE").run() }
    say("generated \(count) complaints (\(due) due) in \(ContinuousClock.now - start)")
    say("slug=\(created.slug)")
    say("apiKey=\(created.apiKey)")
    say("login=owner@\(created.slug).bench")
    say("password=\(password)")
}
