import Foundation

/// Intake validation of a review (R1): a rating 1–5, an optional title and a body within limits.
/// Text is kept as typed (HTML included) and escaped wherever it is shown.
public struct ReviewText: Equatable, Sendable {
    public static let titleMax = 120
    public static let bodyMin = 10
    public static let bodyMax = 5_000

    public var rating: Int
    public var title: String?
    public var body: String

    public static func validate(rating: Int?, title: String?, body: String?) throws -> ReviewText {
        var errors = ValidationErrors()
        if let rating, !(1...5).contains(rating) {
            errors.add("rating", "must be a whole number from 1 to 5")
        } else if rating == nil {
            errors.add("rating", "is required (1 to 5 stars)")
        }
        let cleanTitle = title?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let cleanTitle, cleanTitle.count > titleMax {
            errors.add("title", "must be at most \(titleMax) characters (it has \(cleanTitle.count))")
        }
        let cleanBody = (body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if cleanBody.count < bodyMin {
            errors.add("body", "must be at least \(bodyMin) characters so others learn what happened")
        } else if cleanBody.count > bodyMax {
            errors.add("body", "must be at most \(bodyMax) characters (it has \(cleanBody.count))")
        }
        try errors.throwIfAny()
        return ReviewText(rating: rating!, title: cleanTitle?.isEmpty == true ? nil : cleanTitle, body: cleanBody)
    }
}

/// A dialog message or note body: 1 to 5,000 characters.
public enum MessageText {
    public static let max = 5_000

    public static func validate(_ body: String?, field: String = "body") throws -> String {
        var errors = ValidationErrors()
        let text = Validate.requiredText(body, field: field, max: max, into: &errors)
        try errors.throwIfAny()
        return text
    }
}

/// R10: the customer's withdrawal — a reason from the list and an optional comment of at most 1,000 characters.
/// One rule for the API and the case page (the page used to cut a longer comment silently).
public enum WithdrawalText {
    public static let maxComment = 1_000

    public static func validate(reason: String?, comment: String?) throws -> (reason: WithdrawalReason, comment: String?) {
        var errors = ValidationErrors()
        let reason = reason.flatMap(WithdrawalReason.init(rawValue:))
        if reason == nil {
            errors.add("reason", "must be " + WithdrawalReason.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if comment.count > maxComment { errors.add("comment", "must be at most \(maxComment) characters") }
        try errors.throwIfAny()
        return (reason!, comment.isEmpty ? nil : comment)
    }
}
