import RedressApp

/// A rating as star icons with its words for screen readers (issue 17): "★★☆☆☆" is seen, "2 of 5 stars" is read.
struct Stars: Sendable, Encodable {
    var on: String
    var off: String
    var text: String

    init(_ rating: Int, _ t: Localization) {
        let rating = max(0, min(5, rating))
        on = String(repeating: "★", count: rating)
        off = String(repeating: "☆", count: 5 - rating)
        text = t("stars_n", ["n": String(rating)])
    }
}
