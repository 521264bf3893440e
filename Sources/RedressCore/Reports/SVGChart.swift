import Foundation

/// Server-rendered charts for reports (issue 8): plain SVG, readable without JavaScript, with a title and a text
/// description for screen readers, and fills that differ in pattern as well as shade so they survive grayscale.
public enum SVGChart {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [Double]

        public init(name: String, points: [Double]) {
            self.name = name
            self.points = points
        }
    }

    /// Shades from dark to light with a distinct dash pattern each, so two series differ without colour.
    static let strokes: [(color: String, dash: String)] = [("#1f3a5f", ""), ("#6b7c93", "6 3"), ("#a0522d", "2 3")]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// Horizontal bars, one per label, with the value written at the end of each bar.
    public static func bars(id: String = "chart", title: String, description: String, bars: [Bar], width: Int = 560)
        -> String
    {
        // Room for the longest label (about 7 px a character at this size), so none is cut at the left edge.
        let longest = bars.map(\.label.count).max() ?? 0
        let labelWidth = max(180, min(340, longest * 7 + 16))
        let width = max(width, labelWidth + 240)
        let rowHeight = 28, top = 36
        let height = top + max(1, bars.count) * rowHeight + 12
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        let plot = Double(width - labelWidth - 60)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="\(escape(id))-t \(escape(id))-d" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="13">
            <title id="\(escape(id))-t">\(escape(title))</title><desc id="\(escape(id))-d">\(escape(description))</desc>
            <text x="0" y="18" font-weight="bold">\(escape(title))</text>

            """
        for (index, bar) in bars.enumerated() {
            let y = top + index * rowHeight
            let length = Int((bar.value / maximum * plot).rounded())
            out += """
                <text x="\(labelWidth - 8)" y="\(y + 17)" text-anchor="end">\(escape(bar.label))</text>\
                <rect x="\(labelWidth)" y="\(y + 4)" width="\(max(length, bar.value > 0 ? 1 : 0))" height="18" \
                fill="#1f3a5f" stroke="#000" stroke-width="0.5"/>\
                <text x="\(labelWidth + length + 6)" y="\(y + 17)">\(number(bar.value))</text>

                """
        }
        return out + "</svg>\n"
    }

    /// Lines over labelled periods, one per series, with a legend; values at the points for reading in grayscale.
    public static func lines(id: String = "chart", title: String, description: String, labels: [String],
                             series: [Series], width: Int = 560, height: Int = 260) -> String {
        let left = 48, right = 40, top = 36, bottom = 56
        let plotWidth = Double(width - left - right), plotHeight = Double(height - top - bottom)
        let maximum = max(series.flatMap(\.points).max() ?? 0, 1)
        let step = labels.count > 1 ? plotWidth / Double(labels.count - 1) : 0
        func x(_ index: Int) -> Int { left + Int((Double(index) * step).rounded()) }
        func y(_ value: Double) -> Int { top + Int((plotHeight - value / maximum * plotHeight).rounded()) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="\(escape(id))-t \(escape(id))-d" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
            <title id="\(escape(id))-t">\(escape(title))</title><desc id="\(escape(id))-d">\(escape(description))</desc>
            <text x="0" y="18" font-weight="bold">\(escape(title))</text>
            <line x1="\(left)" y1="\(top + Int(plotHeight))" x2="\(width - right)" y2="\(top + Int(plotHeight))" stroke="#000"/>
            <text x="\(left - 6)" y="\(top + 4)" text-anchor="end">\(number(maximum))</text>

            """
        for (index, label) in labels.enumerated() {
            out += "<text x=\"\(x(index))\" y=\"\(top + Int(plotHeight) + 16)\" text-anchor=\"middle\">\(escape(label))</text>\n"
        }
        for (number, line) in series.enumerated() {
            let stroke = strokes[number % strokes.count]
            let points = line.points.enumerated().map { "\(x($0.offset)),\(y($0.element))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(stroke.color)\" stroke-width=\"2\""
                + (stroke.dash.isEmpty ? "" : " stroke-dasharray=\"\(stroke.dash)\"") + " points=\"\(points)\"/>\n"
            for (index, value) in line.points.enumerated() {
                out += "<circle cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"3\" fill=\"\(stroke.color)\"/>"
                    + "<text x=\"\(x(index))\" y=\"\(y(value) - 7)\" text-anchor=\"middle\" font-size=\"11\">\(Self.number(value))</text>\n"
            }
            let legendY = height - 14
            let legendX = left + number * 160
            out += "<line x1=\"\(legendX)\" y1=\"\(legendY - 4)\" x2=\"\(legendX + 24)\" y2=\"\(legendY - 4)\" stroke=\"\(stroke.color)\" stroke-width=\"2\""
                + (stroke.dash.isEmpty ? "" : " stroke-dasharray=\"\(stroke.dash)\"") + "/>"
                + "<text x=\"\(legendX + 30)\" y=\"\(legendY)\">\(escape(line.name))</text>\n"
        }
        return out + "</svg>\n"
    }
}
