import ArgumentParser
import Foundation
import RedressApp
import RedressCore
import RedressPersistence

/// Mail into cases from the command line (E1): the pipe door an MTA delivers to.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mail", abstract: "E-mail into cases.",
                                                    subcommands: [Inbound.self, Address.self])

    struct Address: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the address a shop's mail arrives at (replies come back to local+TOKEN@domain of it).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The shop's slug.") var shop: String
        @Option(help: "e.g. reklamacje@kowalski.example; an empty value removes it.") var address: String

        func run() async throws {
            try await withServices(db) { services in
                guard let record = try await ShopStore().find(slug: shop, on: services.database.sql) else {
                    throw ValidationError("No shop with the slug \(shop).")
                }
                let (valid, inbound) = InboundMail.inboundAddress(address)
                guard valid else { throw ValidationError("--address \(InboundMail.inboundAddressRule)") }
                try await ShopStore().update(record.shopID, name: record.name, locale: record.locale,
                                             timeZone: record.timeZone, senderEmail: record.senderEmail,
                                             inboundAddress: .some(inbound), expectedVersion: record.version,
                                             on: services.database.sql)
                say(inbound.map { "Mail for \(shop) arrives at \($0); replies come back to its +addresses." }
                    ?? "\(shop) has no inbound address now.")
            }
        }
    }

    struct Inbound: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read one message on standard input and take it into the shop (the pipe door for an MTA).",
            discussion: """
                Exit status as MTAs read it (sysexits): 0 stored (threaded, a new complaint, unmatched, quarantined \
                or a duplicate), 65 unreadable (still kept for staff), 75 try again later (the database failed), \
                64 wrong use (no such shop). Postfix: a pipe transport with `flags=Rq user=redress argv=redress mail \
                inbound --shop SLUG`.
                """)
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The shop's slug.") var shop: String

        func run() async throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let code: Int32
            do {
                code = try await withServices(db) { services -> Int32 in
                    guard let record = try await ShopStore().find(slug: shop, on: services.database.sql) else {
                        FileHandle.standardError.write(Data("No shop with the slug \(shop).\n".utf8))
                        return 64
                    }
                    let result = try await InboundMail(services: services)
                        .take(Array(input), shop: record, door: .pipe)
                    say([result.outcome.rawValue, result.reference ?? result.caseId, result.reason]
                        .compactMap { $0 }.joined(separator: "\t"))
                    return result.outcome == .rejected ? 65 : 0
                }
            } catch {
                FileHandle.standardError.write(Data("Not stored, try again later: \(error)\n".utf8))
                code = 75
            }
            if code != 0 { throw ExitCode(code) }
        }
    }
}
