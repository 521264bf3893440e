import Foundation

/// R11: spots a dialog message that seems to tie money, a discount or a gift to changing or removing the
/// review. It warns; it never blocks, and the warning is recorded.
public enum IncentiveCheck {
    static let offers = [
        // en
        "refund", "discount", "voucher", "coupon", "gift", "free ", "compensation", "money back", "% off", "rebate",
        // pl
        "zwrot", "rabat", "zniżk", "znizk", "kupon", "bon ", "prezent", "gratis", "rekompensat", "upust",
        // es
        "reembolso", "descuento", "cupón", "cupon", "regalo", "gratis", "compensación", "vale",
        // el
        "επιστροφή χρημάτων", "έκπτωση", "εκπτωση", "κουπόνι", "δώρο", "αποζημίωση",
    ]
    static let reviewChanges = [
        // en
        "review", "rating", "stars", "feedback", "remove", "delete", "change", "withdraw", "update your",
        // pl
        "opini", "ocen", "gwiazd", "komentarz", "usun", "usuń", "zmien", "zmień", "wycof",
        // es
        "reseña", "resena", "opinión", "opinion", "valoración", "estrellas", "eliminar", "cambiar", "retirar",
        // el
        "κριτική", "αξιολόγηση", "αστέρια", "αφαιρέσ", "διαγράψ", "αλλάξ", "αποσύρ",
    ]

    /// True when the text mentions an offer and a change of the review together.
    public static func looksLikeIncentive(_ text: String) -> Bool {
        let lower = text.lowercased()
        return offers.contains { lower.contains($0) } && reviewChanges.contains { lower.contains($0) }
    }
}
