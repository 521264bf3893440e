import RedressApp
import RedressPersistence

/// What a case page says about the others working on it (issue 17), the same on dialogs and complaints.
enum DeskWords {
    /// "Anna opened this case in the last 10 minutes…", or nil when nobody else did.
    static func presence(_ others: [CasePresenceRecord], _ t: Localization) -> String? {
        others.isEmpty ? nil : t("presence", ["names": names(others.map(\.staffName))])
    }

    /// "Anna replied to the customer after you opened this case…", or nil when nobody did.
    static func collision(_ replies: [ShopReply], shopName: String, _ t: Localization) -> String? {
        replies.isEmpty ? nil : t("collision", ["names": names(replies.map { $0.staffName ?? shopName })])
    }

    private static func names(_ list: [String]) -> String { Array(Set(list)).sorted().joined(separator: ", ") }
}
