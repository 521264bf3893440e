import Foundation

/// Every page address the application hands out (in mail, webhooks, redirects and page links), built in one place
/// so a route that moves moves everywhere. `path` is relative to the site; `AppConfig.url(_:)` makes it absolute
/// for mail and other places outside the browser.
package enum SiteURL: Equatable, Sendable {
    case login
    case passwordReset(token: String)
    case panelReview(String)
    case panelDialog(String)
    case panelComplaint(String)
    case panelDecisionLetter(complaint: String)
    case panelAttachment(complaint: String, attachment: String)
    /// The review form a customer's invitation opens.
    case reviewForm(token: String)
    /// The customer's case (review, dialog, complaint) behind a link.
    case customerCase(token: String)
    case customerComplaint(token: String)
    /// The public page where a complaint is followed by reference and e-mail.
    case complaintLookup
    case shopProfile(slug: String)

    package var path: String {
        switch self {
        case .login: "/login"
        case .passwordReset(let token): "/login/reset/\(token)"
        case .panelReview(let id): "/panel/reviews/\(id)"
        case .panelDialog(let id): "/panel/dialogs/\(id)"
        case .panelComplaint(let reference): "/panel/complaints/\(reference)"
        case .panelDecisionLetter(let reference): "/panel/complaints/\(reference)/letter"
        case .panelAttachment(let reference, let attachment): "/panel/complaints/\(reference)/attachments/\(attachment)"
        case .reviewForm(let token): "/r/\(token)"
        case .customerCase(let token): "/c/\(token)"
        case .customerComplaint(let token): "/c/\(token)/complaint"
        case .complaintLookup: "/complaints/status"
        case .shopProfile(let slug): "/shops/\(slug)"
        }
    }
}

extension AppConfig {
    /// The absolute address of a page of this installation.
    package func url(_ site: SiteURL) -> String { publicBaseURL + site.path }
}
