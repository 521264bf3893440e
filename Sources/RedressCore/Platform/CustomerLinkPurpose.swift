import Foundation

/// What a customer's link may do (S3). A link is a capability with one purpose, checked where its token is
/// resolved: a link the shop can see (the review link it asks for to send its own e-mail, the status URL of a
/// complaint it enters) can never act as the customer on the review (R7–R10).
public enum CustomerLinkPurpose: String, Codable, Sendable, CaseIterable {
    /// Handed to the shop (`POST /api/v1/orders/{id}/review-invitation`): writes the first review and shows it.
    case review
    /// The invitation Redress itself mails to the order's address: the whole case.
    case invitation
    /// A case link Redress mails to the order's address: the whole case.
    case `case`
    /// One complaint, read and answered: mailed to the complainant, returned to whoever filed it.
    case complaint

    /// Whether a holder of this link may do `action`.
    public func allows(_ action: CustomerLinkAction) -> Bool {
        switch (self, action) {
        case (.invitation, _), (.case, _): true
        case (.review, .writeReview), (.review, .readCase): true
        case (.complaint, .readComplaint), (.complaint, .answerComplaint): true
        default: false
        }
    }

    /// Only Redress mails these, and only to the order's address; nobody else ever sees them.
    public var isMailedOnlyToTheOrder: Bool { self == .invitation || self == .case }

    /// The link's purpose as stored; links stored before purposes were checked, or unknown, can do least.
    public static func stored(_ raw: String) -> CustomerLinkPurpose {
        CustomerLinkPurpose(rawValue: raw) ?? .review
    }

    /// The customer's review actions (the names `allowedActions` uses) this link may take.
    public func permitted(_ actions: [String]) -> [String] {
        actions.filter { $0 == "review" ? allows(.writeReview) : allows(.changeReview) }
    }
}

/// The things a customer's link can be asked to do.
public enum CustomerLinkAction: String, Sendable, CaseIterable {
    /// Write the order's first review (R1).
    case writeReview
    /// See the order, the review and the dialog without internal notes.
    case readCase
    /// Edit, withdraw, resolve, publish now, answer in the dialog, report, appeal (R4, R8–R10, R12).
    case changeReview
    /// See the complaint (C7) and its attachments.
    case readComplaint
    /// Write in the complaint's conversation, attach files, answer its survey and offers.
    case answerComplaint
}

/// Staff may read the mails Redress sent (folder mode), never use the customer's links in them (S3).
public enum CustomerLinkMask {
    /// Replaces the token of every `/r/…` and `/c/…` link in `text` with a mark that opens nothing.
    public static func mask(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")
        }
        while index < scalars.count {
            if index + 3 <= scalars.count, scalars[index] == "/", scalars[index + 1] == "r" || scalars[index + 1] == "c",
               index + 2 < scalars.count, scalars[index + 2] == "/" {
                var end = index + 3
                while end < scalars.count, isTokenScalar(scalars[end]) { end += 1 }
                if end - (index + 3) >= 20 {
                    out.append(contentsOf: scalars[index..<(index + 3)])
                    out.append(contentsOf: "hidden-link".unicodeScalars)
                    index = end
                    continue
                }
            }
            out.append(scalars[index])
            index += 1
        }
        return String(out)
    }
}
