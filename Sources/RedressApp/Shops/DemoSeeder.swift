import Foundation
import RedressCore
import RedressPersistence

/// Fills an empty installation with a demo shop so a newcomer sees a working panel at once: staff, orders, reviews
/// in every state, open and closed dialogs, complaints in every state (one deemed accepted). The story is played through the real services on a clock that starts
/// three weeks ago, so every date, counter and e-mail is what the product would have produced. Running it again
/// changes nothing.
public struct DemoSeeder: Sendable {
    public static let slug = "demo"
    public static let ownerEmail = "owner@demo.redress.test"
    public static let password = "redress-demo-2026"

    package let services: AppServices

    public init(services: AppServices) {
        self.services = services
    }

    public struct Login: Sendable {
        public var email: String
        public var password: String
        public var created: Bool
    }

    @discardableResult
    public func seed() async throws -> Login {
        let sql = services.database.sql
        if try await services.shops.find(slug: Self.slug, on: sql) != nil {
            return Login(email: Self.ownerEmail, password: Self.password, created: false)
        }
        let now = services.clock.now()
        let clock = AdjustableClock(start: now.addingTimeInterval(-21 * 86_400))
        let story = AppServices(config: services.config, database: services.database, clock: clock,
                                logger: services.logger)
        let administration = ShopAdministration(services: story)
        let created = try await administration.createShop(
            .init(name: "Demo Shop", slug: Self.slug, locale: "en", timeZone: "Europe/Warsaw"), actor: .system)
        let shopID = ShopID(created.id)
        var staff: [StaffRole: ShopAdministration.StaffView] = [:]
        let people: [(String, String, StaffRole)] = [
            (Self.ownerEmail, "Olivia Owner", .owner),
            ("agent@demo.redress.test", "Adam Agent", .agent),
            ("viewer@demo.redress.test", "Vera Viewer", .viewer),
        ]
        for (email, name, role) in people {
            staff[role] = try await administration.createStaff(
                .init(email: email, name: name, role: role.rawValue, password: Self.password), shop: shopID,
                actor: .system)
        }
        let agent = ShopActor(shop: shopID, actor: .staff(staff[.agent]!.id), staffId: staff[.agent]!.id,
                              name: staff[.agent]!.name)
        let reviews = ReviewService(services: story)

        let customers: [(String, String, String, String)] = [
            ("Jan Kowalski", "pl", "MUG-01", "Ceramic mug"), ("Ewa Nowak", "pl", "PLATE-02", "Dinner plate"),
            ("María García", "es", "MUG-01", "Ceramic mug"), ("Giorgos Papadopoulos", "el", "BOWL-03", "Salad bowl"),
            ("Anna Smith", "en", "KNIFE-04", "Chef's knife"), ("Piotr Wiśniewski", "pl", "PLATE-02", "Dinner plate"),
            ("Lucía Martínez", "es", "BOWL-03", "Salad bowl"), ("Tom Brown", "en", "MUG-01", "Ceramic mug"),
            ("Katarzyna Wójcik", "pl", "KNIFE-04", "Chef's knife"), ("Eleni Georgiou", "el", "MUG-01", "Ceramic mug"),
            ("Marek Lewandowski", "pl", "PLATE-02", "Dinner plate"), ("Sophie Taylor", "en", "BOWL-03", "Salad bowl"),
        ]
        var tokens: [String] = []
        for (index, (name, locale, product, productName)) in customers.enumerated() {
            let order = IncomingOrder(
                externalId: "DEMO-\(1001 + index)", placedAt: clock.now().addingTimeInterval(-3 * 86_400),
                email: "customer\(index + 1)@example.com", customerName: name, locale: locale,
                items: [.init(productId: product, name: productName, quantity: 1, unitPrice: 49, currency: "PLN")],
                deliveredAt: clock.now().addingTimeInterval(-86_400))
            let token = try await story.database.transaction { tx in
                let shop = try await reviews.shop(shopID, on: tx)
                let (_, record) = try await reviews.submit(order, shop: shop, actor: .system, on: tx, now: clock.now())
                // The demo plays the customer, with the customer's own link (the one Redress mails), not the shop's.
                return try await reviews.caseLink(order: record, shop: shop, now: clock.now(), on: tx)
            }
            tokens.append(token)
        }
        func review(_ index: Int, _ rating: Int, _ title: String, _ body: String) async throws -> ReviewRecord {
            try await reviews.submitReview(token: tokens[index], text: try ReviewText.validate(
                rating: rating, title: title, body: body))
        }
        func later(hours: Double) { clock.advance(by: hours * 3600) }

        // Three weeks ago: praise, published at once.
        _ = try await review(0, 5, "Perfect", "Arrived in two days, well packed. The mug is lovely.")
        _ = try await review(4, 4, "Good knife", "Sharp and well balanced; the box was a little dented.")
        // Held and never answered: published on day 7.
        _ = try await review(1, 2, "Late delivery", "The plate came a week later than promised.")
        // Held, dialog opened, the customer never answers: published on day 14, the dialog stays open.
        let silent = try await review(2, 1, "Roto", "La taza llegó rota y nadie me contestó.")
        later(hours: 5)
        let silentDialog = try await reviews.openDialog(reviewId: silent.id, by: agent)
        _ = try await reviews.postShopMessage(
            dialogId: silentDialog.id, body: "We are very sorry. Could you send us a photo of the broken mug?",
            isInternal: false, expectedVersion: nil, by: agent)
        _ = try await reviews.postShopMessage(
            dialogId: silentDialog.id, body: "Courier damage, third case this month with this carrier.",
            isInternal: true, expectedVersion: nil, by: agent)
        // Held, dialog, resolved by the customer, then edited to four stars: "changed after a dialog".
        let resolved = try await review(3, 3, "Missing lid", "The bowl came without its lid.")
        later(hours: 3)
        let resolvedDialog = try await reviews.openDialog(reviewId: resolved.id, by: agent)
        _ = try await reviews.postShopMessage(
            dialogId: resolvedDialog.id, body: "Sorry about that! We have sent the lid by express post today.",
            isInternal: false, expectedVersion: nil, by: agent)
        later(hours: 20)
        _ = try await reviews.customerMessage(token: tokens[3], body: "The lid arrived, thank you.")
        _ = try await reviews.resolve(token: tokens[3])
        _ = try await reviews.edit(token: tokens[3], text: try ReviewText.validate(
            rating: 4, title: "Lid sent quickly", body: "The lid was missing, but the shop sent it the next day."))
        // Held, dialog closed by the shop without the customer's confirmation.
        let closed = try await review(5, 2, "Wrong colour", "I ordered white plates and got grey ones.")
        later(hours: 2)
        let closedDialog = try await reviews.openDialog(reviewId: closed.id, by: agent)
        _ = try await reviews.postShopMessage(
            dialogId: closedDialog.id, body: "The photo on the site shows grey; we have updated the description.",
            isInternal: false, expectedVersion: nil, by: agent)
        _ = try await reviews.closeDialog(dialogId: closedDialog.id, by: agent)
        // Withdrawn by the customer after compensation.
        _ = try await review(6, 1, "Cracked", "The bowl had a crack.")
        _ = try await reviews.withdraw(token: tokens[6], reason: .compensated, comment: "They refunded me.")
        // Published early by the customer.
        _ = try await review(7, 3, "OK", "Average mug, arrived on time.")
        _ = try await reviews.publishNow(token: tokens[7])
        // Reported by the shop and removed by platform moderation with a statement of reasons (R12).
        let abusive = try await review(11, 1, "Scam", "The packer, Mr. John Doe of 12 Main St, is a thief.")
        _ = try await reviews.shopReport(reviewId: abusive.id, reason: "Names and addresses an employee.", by: agent)
        _ = try await reviews.moderate(reviewId: abusive.id, decision: .remove,
                                       reason: "The review names a private person and their home address.")
        // Complaints three weeks ago: one never answered (deemed accepted by now), one accepted, closed and rated.
        let complaints = ComplaintService(services: story)
        let shopRecord = try await reviews.shop(shopID, on: story.database.sql)
        func intake(_ index: Int, _ category: String, _ remedy: String, _ text: String) -> ComplaintService.Intake {
            var intake = ComplaintService.Intake()
            intake.orderExternalId = "DEMO-\(1001 + index)"
            intake.email = "customer\(index + 1)@example.com"
            intake.claimType = category == "late_delivery" ? "late_delivery" : "non_conformity"
            intake.category = category
            intake.items = [(customers[index].2, 1)]
            intake.description = text
            intake.requestedRemedy = remedy
            return intake
        }
        _ = try await complaints.createTemplate(
            shop: shopID, name: "Acknowledge", language: "en",
            body: "Dear {{customer.firstName}}, we have your complaint {{complaint.reference}} and will answer by {{complaint.answerDueAt}}.",
            actor: .system)
        try await complaints.setAvailability(staffId: staff[.agent]!.id, available: true, categories: [], shop: shopID,
                                             actor: .system)
        _ = try await complaints.file(intake(1, "late_delivery", "price_reduction", "The plates came a week late."),
                                      shop: shopRecord, actor: .system, requireOrder: true)
        later(hours: 4)
        let lid = try await complaints.file(intake(3, "missing_item", "replacement", "The lid of the bowl was missing."),
                                            shop: shopRecord, actor: .system, requireOrder: true).0
        later(hours: 20)
        _ = try await complaints.post(reference: lid.reference, body: "We are sending the lid today by express post.",
                                      isInternal: false, by: agent)
        _ = try await complaints.decide(reference: lid.reference, input: .init(outcome: "accepted", remedy: "replacement"),
                                        by: agent)
        try await story.runDueWork()
        later(hours: 30)
        _ = try await complaints.changeStatus(reference: lid.reference, to: "closed", by: agent)
        try await story.runDueWork()
        _ = try await complaints.answerSurvey(reference: lid.reference, email: "customer4@example.com", rating: 5,
                                              comment: "Quick and friendly.")
        try await story.runDueWork()

        // Two days ago: held reviews still in standby, one with an open dialog waiting for the shop.
        clock.set(now.addingTimeInterval(-2 * 86_400))
        try await story.runDueWork()
        _ = try await review(8, 1, "Blunt", "The knife was blunt out of the box.")
        let waiting = try await review(9, 2, "Slow answer", "I wrote to the shop twice before my review.")
        later(hours: 6)
        let waitingDialog = try await reviews.openDialog(reviewId: waiting.id, by: agent)
        _ = try await reviews.postShopMessage(
            dialogId: waitingDialog.id, body: "Sorry for the wait. What can we do to put it right?",
            isInternal: false, expectedVersion: nil, by: agent)
        later(hours: 12)
        _ = try await reviews.customerMessage(token: tokens[9], body: "A replacement would be fine.")
        _ = try await review(10, 5, "Great", "Beautiful plates, fast delivery.")
        // Open complaints: one waiting for the customer, one in progress with a note, one taken by phone yesterday.
        let blunt = try await complaints.file(intake(8, "defective", "replacement", "The knife is blunt out of the box."),
                                              shop: shopRecord, actor: .system, requireOrder: true).0
        _ = try await complaints.post(reference: blunt.reference, body: "Could you send a photo of the edge?",
                                      isInternal: false, by: agent)
        _ = try await complaints.changeStatus(reference: blunt.reference, to: "waiting_for_customer", by: agent)
        let chipped = try await complaints.file(intake(7, "damaged_in_transit", "refund", "The mug arrived chipped."),
                                                shop: shopRecord, actor: .system, requireOrder: true).0
        _ = try await complaints.post(reference: chipped.reference, body: "Same courier as last week; ask them for a claim.",
                                      isInternal: true, by: agent)
        later(hours: 20)
        var phone = intake(10, "wrong_item", "replacement", "Called: got grey plates instead of white.")
        phone.channel = "phone"
        phone.receivedAt = clock.now().addingTimeInterval(-3 * 3600)
        _ = try await complaints.file(phone, shop: shopRecord, actor: agent.actor, requireOrder: false)
        clock.set(now)
        try await story.runDueWork()
        return Login(email: Self.ownerEmail, password: Self.password, created: true)
    }
}
