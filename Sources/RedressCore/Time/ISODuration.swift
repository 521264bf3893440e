import Foundation

/// An ISO 8601 duration such as `P7DT1H` or `PT30M`, as the test clock accepts it.
/// Years and months are refused: their length depends on the calendar, and the test clock moves by exact time.
public struct ISODuration: Equatable, Sendable {
    public let seconds: TimeInterval

    public init?(_ text: String) {
        let upper = text.uppercased()
        guard upper.hasPrefix("P"), upper.count > 1 else { return nil }
        var total: TimeInterval = 0
        var number = ""
        var inTime = false
        var sawComponent = false
        var sawTimeComponent = false
        for char in upper.dropFirst() {
            if char == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if char.isNumber || char == "." {
                number.append(char)
                continue
            }
            guard let value = Double(number) else { return nil }
            number = ""
            sawComponent = true
            if inTime { sawTimeComponent = true }
            switch (char, inTime) {
            case ("W", false): total += value * 7 * 86_400
            case ("D", false): total += value * 86_400
            case ("H", true): total += value * 3_600
            case ("M", true): total += value * 60
            case ("S", true): total += value
            default: return nil
            }
        }
        guard number.isEmpty, sawComponent, !inTime || sawTimeComponent else { return nil }
        seconds = total
    }
}
