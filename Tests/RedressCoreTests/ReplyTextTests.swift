import Foundation
import RedressCore
import Testing

/// E6: quotes and signatures cut from replies by e-mail, measured on the corpus in Fixtures/replies (85 replies as
/// Gmail, Outlook desktop/web/phone, Apple Mail, Thunderbird, Onet, WP and Interia lay them out, pl/en/es/el).
@Suite("E6 reply text")
struct ReplyTextTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/replies")

    static func samples() throws -> [(name: String, mail: String, expected: String)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".txt") }.sorted()
            .map { name in
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                let halves = text.components(separatedBy: "\n=== expected ===\n")
                precondition(halves.count == 2, "\(name) has no expected part")
                return (name, halves[0], halves[1].trimmingCharacters(in: .newlines))
            }
    }

    @Test("the corpus: at least 95 % exactly right, and no line of the customer's ever lost")
    func corpus() throws {
        let samples = try Self.samples()
        #expect(samples.count >= 60)
        var exact = 0
        var wrong: [String] = []
        var lost: [String] = []
        for sample in samples {
            let result = ReplyText.strip(sample.mail)
            if result.text == sample.expected { exact += 1 } else { wrong.append("\(sample.name):\n\(result.text)") }
            let kept = Set(result.text.split(separator: "\n").map(String.init))
            for line in sample.expected.split(separator: "\n") where !kept.contains(String(line)) {
                lost.append("\(sample.name): \(line)")
            }
        }
        print("E6 corpus: \(exact) of \(samples.count) replies exactly right (\(exact * 100 / samples.count) %)")
        #expect(exact * 100 >= samples.count * 95, "\(wrong.count) wrong:\n\(wrong.prefix(6).joined(separator: "\n---\n"))")
        #expect(lost.isEmpty, "customer text lost:\n\(lost.prefix(10).joined(separator: "\n"))")
    }

    @Test("what is cut and what is kept")
    func cuts() {
        let interleaved = ReplyText.strip("""
            > Czy paczka była uszkodzona?
            Tak.
            > Czy ma Pan zdjęcia?
            Tak, w załączniku.
            """)
        #expect(interleaved.text == "Tak.\n\nTak, w załączniku.")
        #expect(interleaved.cut)
        let plain = ReplyText.strip("Dzień dobry,\r\n\r\nnic nie przyszło.\r\n")
        #expect(plain == .init(text: "Dzień dobry,\n\nnic nie przyszło.", cut: false))
        #expect(ReplyText.strip("").text == "")
        #expect(ReplyText.strip("Text\n\nSent from my iPhone").text == "Text")
        // One label is the customer's sentence, not an Outlook block.
        #expect(ReplyText.strip("Od: wczoraj czekam.\nJan").text == "Od: wczoraj czekam.\nJan")
        #expect(ReplyText.marker(language: "pl-PL") == ReplyText.markers["pl"])
        #expect(ReplyText.marker(language: "de") == ReplyText.markers["en"])
    }
}
