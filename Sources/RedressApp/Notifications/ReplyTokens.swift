import Crypto
import Foundation
import RedressCore
import RedressPersistence

/// The installation's key for reply tokens (E3), and the MAC of `ReplyToken` with it: HMAC-SHA256.
package struct ReplyTokens: Sendable {
    let key: [UInt8]

    /// The installation value that holds the key (32 random bytes, base64url), made by the migration AddInboundMail.
    static let installationKey = "mail.reply_token_key"

    package func token(_ kind: MailCaseKind, caseId: String, shop: ShopID) -> String? {
        ReplyToken.make(kind: kind, caseId: caseId, shopId: shop.rawValue, mac: mac)
    }

    package func verify(_ token: String, shop: ShopID) -> (kind: MailCaseKind, caseId: String)? {
        ReplyToken.verify(token, shopId: shop.rawValue, mac: mac)
    }

    package func verifyBounce(_ tag: String, shop: ShopID) -> String? {
        ReplyToken.verifyBounce(tag, shopId: shop.rawValue, mac: mac)
    }

    package func mac(_ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}

extension AppServices {
    /// The reply-token key, read once from the database (through the caller's session: inside a transaction on
    /// SQLite there is no other writer to ask).
    package func replyTokens(on sql: DatabaseSession) async throws -> ReplyTokens {
        if let key = replyTokenKey.withLock({ $0 }) { return ReplyTokens(key: key) }
        guard let stored = try await installation.value(ReplyTokens.installationKey, on: sql) else {
            throw AppError.conflict("mail.no_key", "The database has no reply-token key: run redress migrate.")
        }
        let key = Array(stored.utf8)
        replyTokenKey.withLock { $0 = key }
        return ReplyTokens(key: key)
    }
}
