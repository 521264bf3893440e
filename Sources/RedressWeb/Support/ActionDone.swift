import Hummingbird
import RedressApp

/// What the last action did, said on the page it returns to (issue 17: "Sent to the customer", "Note saved"): the
/// action redirects with `?done=<what>` and the page reads the words; unknown values say nothing.
enum ActionDone {
    static let known: Set<String> = ["reply", "note", "status", "assign", "decision", "close"]

    static func path(_ path: String, _ what: String) -> String { known.contains(what) ? path + "?done=" + what : path }

    static func words(_ request: Request, _ t: Localization) -> String? {
        request.uri.queryParameters.get("done").flatMap { known.contains($0) ? t("done_" + $0) : nil }
    }
}
