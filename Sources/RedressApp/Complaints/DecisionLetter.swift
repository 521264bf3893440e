import Foundation
import RedressCore

/// The decision letter (C5) in the customer's language: plain text, stored unchangeable with its SHA-256 and
/// sent exactly as stored.
package struct DecisionLetter {
    package var language: String
    package var shopName: String
    package var customerName: String
    package var reference: String
    package var receivedDay: String
    package var outcome: DecisionOutcome
    package var remedy: Remedy?
    package var amount: String?
    package var reason: String?
    package var adrStatement: String?
    package var refundDueDay: String?
    package var link: String?

    package static let words: [String: [String: String]] = [
        "pl": [
            "hello": "Dzień dobry", "intro": "rozpatrzyliśmy Twoją reklamację {ref} złożoną {date}.",
            "accepted": "Reklamacja została uznana.", "partially_accepted": "Reklamacja została uznana częściowo.",
            "rejected": "Reklamacja nie została uznana.", "remedy": "Sposób załatwienia", "amount": "kwota",
            "reason": "Uzasadnienie", "refund": "Zwrot pieniędzy nastąpi najpóźniej {date}.",
            "next": "Szczegóły i dalsze kroki", "adr": "Pozasądowe rozwiązywanie sporów",
            "repair": "naprawa", "replacement": "wymiana", "price_reduction": "obniżenie ceny", "refund_remedy": "zwrot pieniędzy",
            "default_adr": "{shop} nie wyraża zgody na udział w pozasądowym rozwiązywaniu sporów konsumenckich. Możesz zwrócić się o pomoc do miejskiego lub powiatowego rzecznika konsumentów albo do wojewódzkiego inspektoratu Inspekcji Handlowej.",
        ],
        "en": [
            "hello": "Hello", "intro": "we have considered your complaint {ref} filed on {date}.",
            "accepted": "Your complaint is accepted.", "partially_accepted": "Your complaint is partially accepted.",
            "rejected": "Your complaint is not accepted.", "remedy": "Remedy", "amount": "amount",
            "reason": "Reasons", "refund": "The refund will be made by {date} at the latest.",
            "next": "Details and next steps", "adr": "Out-of-court dispute resolution",
            "repair": "repair", "replacement": "replacement", "price_reduction": "price reduction", "refund_remedy": "refund",
            "default_adr": "{shop} does not agree to take part in out-of-court resolution of consumer disputes. You can ask a consumer ombudsman or the Trade Inspection for help.",
        ],
        "es": [
            "hello": "Hola", "intro": "hemos examinado tu reclamación {ref} presentada el {date}.",
            "accepted": "Tu reclamación ha sido aceptada.", "partially_accepted": "Tu reclamación ha sido aceptada parcialmente.",
            "rejected": "Tu reclamación no ha sido aceptada.", "remedy": "Solución", "amount": "importe",
            "reason": "Motivos", "refund": "El reembolso se realizará como tarde el {date}.",
            "next": "Detalles y próximos pasos", "adr": "Resolución extrajudicial de litigios",
            "repair": "reparación", "replacement": "sustitución", "price_reduction": "rebaja del precio", "refund_remedy": "reembolso",
            "default_adr": "{shop} no acepta participar en la resolución extrajudicial de litigios de consumo. Puedes pedir ayuda a una oficina de consumo.",
        ],
        "el": [
            "hello": "Γεια σας", "intro": "εξετάσαμε την καταγγελία σας {ref} που υποβλήθηκε στις {date}.",
            "accepted": "Η καταγγελία σας έγινε δεκτή.", "partially_accepted": "Η καταγγελία σας έγινε εν μέρει δεκτή.",
            "rejected": "Η καταγγελία σας δεν έγινε δεκτή.", "remedy": "Λύση", "amount": "ποσό",
            "reason": "Αιτιολογία", "refund": "Η επιστροφή χρημάτων θα γίνει το αργότερο στις {date}.",
            "next": "Λεπτομέρειες και επόμενα βήματα", "adr": "Εξωδικαστική επίλυση διαφορών",
            "repair": "επισκευή", "replacement": "αντικατάσταση", "price_reduction": "μείωση τιμής", "refund_remedy": "επιστροφή χρημάτων",
            "default_adr": "Το {shop} δεν συμμετέχει σε εξωδικαστική επίλυση καταναλωτικών διαφορών. Μπορείτε να απευθυνθείτε στον Συνήγορο του Καταναλωτή.",
        ],
    ]

    package static func word(_ key: String, _ language: String) -> String {
        words[language]?[key] ?? words["en"]![key]!
    }

    /// The shop's default ADR statement in a language.
    package static func defaultADR(shop: String, language: String) -> String {
        word("default_adr", language).replacingOccurrences(of: "{shop}", with: shop)
    }

    package var text: String {
        let w = { (key: String) in Self.word(key, language) }
        var lines: [String] = []
        lines.append("\(w("hello"))\(customerName.isEmpty ? "" : " \(customerName)"),")
        lines.append("")
        lines.append(w("intro").replacingOccurrences(of: "{ref}", with: reference).replacingOccurrences(of: "{date}", with: receivedDay))
        lines.append("")
        lines.append(w(outcome.rawValue))
        if let remedy, outcome != .rejected {
            var line = "\(w("remedy")): \(w(remedy == .refund ? "refund_remedy" : remedy.rawValue))"
            if let amount { line += ", \(w("amount")): \(amount)" }
            lines.append(line)
        }
        if let reason, !reason.isEmpty {
            lines.append("")
            lines.append("\(w("reason")): \(reason)")
        }
        if let refundDueDay {
            lines.append("")
            lines.append(w("refund").replacingOccurrences(of: "{date}", with: refundDueDay))
        }
        if let adrStatement, outcome.needsADRStatement {
            lines.append("")
            lines.append("\(w("adr")): \(adrStatement)")
        }
        if let link {
            lines.append("")
            lines.append("\(w("next")): \(link)")
        }
        lines.append("")
        lines.append("— \(shopName)")
        return lines.joined(separator: "\n") + "\n"
    }
}
