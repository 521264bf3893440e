import Foundation
import RedressMail
import RedressTestSupport
import Testing

/// Issue 19, SPEC E11: the MIME reader, read side by side with Python's `email` package on generated mail, and
/// fed broken and oversized input.
@Suite("MIME reader")
struct MIMEReaderTests {
    static let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/Python")

    struct Oracle: Decodable {
        struct Attachment: Decodable {
            var filename: String?
            var contentType: String
            var base64: String
            var size: Int
        }
        var subject: String
        var fromAddress: String?
        var fromName: String?
        var to: [String]
        var messageID: String?
        var inReplyTo: String?
        var references: [String]
        var date: Double?
        var text: String?
        var html: String?
        var attachments: [Attachment]
        var messages: [String]
        var partCount: Int
    }

    /// Generates `count` messages with Python and returns each raw message with Python's reading of it.
    static func corpus(count: Int, seed: Int) throws -> [(name: String, raw: [UInt8], oracle: Oracle)] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("redress-mime-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ChildProcess.run(["python3", python.appendingPathComponent("mime_corpus.py").path,
                                        directory.path, String(count), String(seed)])
        try #require(run.status == 0, "mime_corpus.py failed")
        return try (0..<count).map { number in
            let name = String(format: "%04d", number)
            let raw = try [UInt8](Data(contentsOf: directory.appendingPathComponent("\(name).eml")))
            let oracle = try JSONDecoder().decode(Oracle.self,
                                                  from: Data(contentsOf: directory.appendingPathComponent("\(name).json")))
            return (name, raw, oracle)
        }
    }

    static func differences(_ message: MIMEMessage, _ oracle: Oracle) -> [String] {
        var wrong: [String] = []
        func check<T: Equatable>(_ field: String, _ ours: T, _ theirs: T) {
            if ours != theirs { wrong.append("\(field): ours \(ours) ≠ Python \(theirs)") }
        }
        // Python keeps the white space of a fold at the start ("Subject:" then a folded encoded word) and at the
        // end of a subject; Redress trims both ends (RFC 5322 unstructured text has no meaning there).
        let trim = { (text: String) in text.trimmingCharacters(in: .whitespaces) }
        check("subject", message.subject, trim(oracle.subject))
        check("from", message.from?.address, oracle.fromAddress)
        check("from name", message.from?.name, oracle.fromName)
        check("to", message.to.map(\.address), oracle.to)
        check("message-id", message.messageID, oracle.messageID)
        check("in-reply-to", message.inReplyTo.first, oracle.inReplyTo)
        check("references", message.references, oracle.references)
        check("date", message.date?.timeIntervalSince1970, oracle.date)
        check("text", message.text, oracle.text)
        check("html", message.html, oracle.html)
        check("attachments", message.attachments.map { "\($0.filename ?? "-") \($0.contentType) \($0.data.count)" },
              oracle.attachments.map { "\($0.filename ?? "-") \($0.contentType) \($0.size)" })
        check("attachment bytes", message.attachments.map { Data($0.data).base64EncodedString() },
              oracle.attachments.map(\.base64))
        check("attached messages", message.messages.map(\.subject), oracle.messages.map(trim))
        check("parts", message.partCount, oracle.partCount)
        check("problems", message.problems, [])
        return wrong
    }

    @Test("generated mail reads as Python's email package reads it: structure, charsets, encodings, names")
    func differentialAgainstPython() throws {
        let corpus = try Self.corpus(count: 400, seed: 19)
        var failures: [String] = []
        for sample in corpus {
            do {
                let message = try MIMEReader().read(sample.raw)
                let wrong = Self.differences(message, sample.oracle)
                if !wrong.isEmpty { failures.append("\(sample.name): " + wrong.joined(separator: "; ")) }
            } catch {
                failures.append("\(sample.name): refused: \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(corpus.count) differ:\n\(failures.prefix(8).joined(separator: "\n"))")
    }

    @Test("every charset table equals Python's codec, byte for byte")
    func charsetTablesMatchPython() throws {
        let labels = ["utf-8", "us-ascii", "iso-8859-1", "iso-8859-2", "iso-8859-7", "iso-8859-15", "windows-1250",
                      "windows-1252", "windows-1253"]
        let bytes = [UInt8](0x00...0xFF)
        let code = """
            import sys, json
            data = bytes(range(256))
            print(json.dumps({c: data.decode(c, 'replace') for c in sys.argv[1:]}))
            """
        let run = try ChildProcess.run(["python3", "-c", code] + labels)
        let expected = try JSONDecoder().decode([String: String].self, from: run.output)
        for label in labels {
            #expect(MIMECharset.decode(bytes, label: label) == expected[label], "\(label)")
        }
        #expect(MIMECharset.canonical("UTF8") == "utf-8")
        #expect(MIMECharset.canonical("\"ISO_8859-2\"") == "iso-8859-2")
        #expect(MIMECharset.canonical("cp1250") == "windows-1250")
        #expect(MIMECharset.canonical("koi8-r") == nil)
    }

    @Test("encoded words, parameters, addresses and dates in the forms mail programs write")
    func headerValues() {
        #expect(MIMEWords.decode("=?UTF-8?Q?Zam=C3=B3wienie_nr_12?= =?UTF-8?B?IHVzemtvZHpvbmU=?=")
                == "Zamówienie nr 12 uszkodzone")
        // A character split between two words of one charset.
        #expect(MIMEWords.decode("=?utf-8?B?xQ==?= =?utf-8?B?vA==?=") == "ż")
        #expect(MIMEWords.decode("Re: =?iso-8859-2?q?=BF=F3=B3w?= tak") == "Re: żółw tak")
        #expect(MIMEWords.decode("=?utf-8*pl?q?gęś?=") == "gęś")
        #expect(MIMEWords.decode("plain =?broken") == "plain =?broken")
        let type = MIMEParameters.parse(#"Text/Plain; charset="ISO-8859-2"; format=flowed"#)
        #expect(type.value == "text/plain" && type.parameters["charset"] == "ISO-8859-2"
                && type.parameters["format"] == "flowed")
        let continued = MIMEParameters.parse("attachment; filename*0*=utf-8''zdj%C4%99; filename*1*=cie.jpg; size=3")
        #expect(continued.parameters["filename"] == "zdjęcie.jpg" && continued.parameters["size"] == "3")
        #expect(MIMEParameters.parse(#"attachment; filename="a;b \"c\".pdf""#).parameters["filename"] == #"a;b "c".pdf"#)
        let list = MIMEAddressList.parse(#""Kowalski, Jan" <jan@example.pl>, ewa@example.pl (Ewa), Team: a@x.pl, b@y.pl;"#)
        #expect(list.map(\.address) == ["jan@example.pl", "ewa@example.pl", "a@x.pl", "b@y.pl"])
        #expect(list.first?.name == "Kowalski, Jan")
        #expect(MIMEAddressList.parse("=?utf-8?q?Zofia_W=C4=85sik?= <z@example.pl>").first?.name == "Zofia Wąsik")
        #expect(MIMEAddressList.messageIDs("<a@x> <b@y>\r\n <c@z>") == ["a@x", "b@y", "c@z"])
        #expect(MailDate.parse("Mon, 7 Dec 2026 20:01:02 +0100")?.timeIntervalSince1970 == 1_796_670_062)
        #expect(MailDate.parse("7 Dec 26 19:01:02 GMT (UTC)")?.timeIntervalSince1970 == 1_796_670_062)
        #expect(MailDate.parse("31 Feb 2026 10:00:00 +0000") == nil)
        #expect(MailDate.parse("yesterday") == nil)
    }

    static func multipart(parts: Int) -> [UInt8] {
        var text = "From: a@example.pl\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        for number in 0..<parts { text += "--b\r\nContent-Type: text/plain\r\n\r\npart \(number)\r\n" }
        return Array((text + "--b--\r\n").utf8)
    }

    static func nested(_ depth: Int) -> [UInt8] {
        var text = "From: a@example.pl\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
        for level in 0..<depth {
            text += "--b\(level)\r\nContent-Type: multipart/mixed; boundary=b\(level + 1)\r\n\r\n"
        }
        text += "--b\(depth)\r\nContent-Type: text/plain\r\n\r\ninside\r\n"
        for level in stride(from: depth, through: 0, by: -1) { text += "--b\(level)--\r\n" }
        return Array(text.utf8)
    }

    @Test("bad input: each refused or read with a clear reason, nothing crashes")
    func badInput() throws {
        let reader = MIMEReader()
        var big = Array("From: a@example.pl\r\nSubject: big\r\n\r\n".utf8)
        big += [UInt8](repeating: UInt8(ascii: "a"), count: 30 << 20)
        #expect(throws: MIMEReadError.tooLarge(limit: 25 << 20)) { try reader.read(big) }
        #expect(MIMEReadError.tooLarge(limit: 25 << 20).description == "the message is larger than the limit of 25 MB")
        #expect(throws: MIMEReadError.tooManyParts(limit: 100)) { try reader.read(Self.multipart(parts: 200)) }
        #expect(try reader.read(Self.multipart(parts: 99)).partCount == 99)
        #expect(throws: MIMEReadError.tooDeep(limit: 8)) { try reader.read(Self.nested(20)) }
        #expect(try reader.read(Self.nested(6)).text == "inside")
        let header = Array(("From: a@example.pl\r\nX-Long: " + String(repeating: "x", count: 1 << 20) + "\r\n\r\nbody").utf8)
        #expect(throws: MIMEReadError.headersTooLarge(limit: 64 << 10)) { try reader.read(header) }
        #expect(throws: MIMEReadError.notAMessage) { try reader.read(Array("just some text\nand more".utf8)) }
        #expect(throws: MIMEReadError.notAMessage) { try reader.read([]) }

        let broken = try reader.read(Array("""
            From: a@example.pl\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: base64\r
            \r
            WmHFvMOzxYLEhyBn!!!xJnFm2zEhSBqYcW6xYQ\r

            """.utf8))
        #expect(broken.problems == [.brokenBase64])
        #expect(broken.text?.hasPrefix("Zażółć") == true)
        let unknown = try reader.read(Array("""
            From: a@example.pl\r
            Content-Type: text/plain; charset=x-klingon\r
            \r
            Qapla'\r

            """.utf8))
        #expect(unknown.problems == [.unknownCharset("x-klingon")])
        #expect(unknown.text == "Qapla'\n")
        #expect(unknown.problems.first?.description == "unknown charset x-klingon, read as UTF-8")
        let unterminated = try reader.read(Array("From: a@x.pl\nContent-Type: multipart/mixed; boundary=q\n\n--q\n\nhello".utf8))
        #expect(unterminated.text == "hello" && unterminated.problems == [.unterminatedMultipart])
    }

    @Test("quoted-printable: soft breaks, escapes, padding at line ends, stray equals signs")
    func quotedPrintable() {
        func decode(_ text: String) -> String {
            String(decoding: TransferEncoding.quotedPrintable(Array(text.utf8)[...]), as: UTF8.self)
        }
        #expect(decode("Zam=C3=B3wienie=\r\n nr 12") == "Zamówienie nr 12")
        #expect(decode("trailing   \r\nnext") == "trailing\r\nnext")
        #expect(decode("kept=20\nnext") == "kept \nnext")
        #expect(decode("a = b =4") == "a = b =4")
        #expect(decode("soft at end=") == "soft at end")
        #expect(TransferEncoding.base64(Array("Zm9v\r\nYmFy".utf8)) == (Array("foobar".utf8), true))
        #expect(TransferEncoding.base64(Array("Zm9vY".utf8)).clean == false)
    }

    /// A seeded generator of damaged mail (bytes flipped, cut, repeated, boundaries and encoded words inserted):
    /// the reader returns a message or one of its errors, never crashes, and what it returns is bounded by the input.
    @Test("fuzzed: 3,000 damaged messages, no crash, output bounded by the input")
    func fuzz() throws {
        let seeds = try Self.corpus(count: 30, seed: 7).map(\.raw)
        var random = SeededRandom(seed: 0x19)
        let reader = MIMEReader(limits: MIMELimits(maxBytes: 1 << 20, maxHeaderBytes: 16 << 10, maxParts: 40,
                                                   maxDepth: 5))
        let inserts: [[UInt8]] = ["\r\n--", "=?utf-8?B?", "?=", "\r\n\r\n", "Content-Type: multipart/mixed; boundary=",
                                  "=\r\n", "=F", "\"", ";", "\r\n ", "--===============", "%", "*0*=", "\u{0}", "\u{FF}"]
            .map { Array($0.utf8) }
        var read = 0, refused = 0
        for round in 0..<3_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...200, using: &random)))
                case 2: bytes.insert(contentsOf: inserts.randomElement(using: &random)!, at: at)
                case 3: bytes = Array(bytes[..<at])
                default:
                    let end = min(bytes.count, at + Int.random(in: 1...400, using: &random))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                }
            }
            do {
                let message = try reader.read(bytes)
                read += 1
                let output = message.attachments.reduce(0) { $0 + $1.data.count } + (message.text?.utf8.count ?? 0)
                #expect(output <= bytes.count * 4 + 64)
                #expect(message.partCount <= 40)
            } catch is MIMEReadError {
                refused += 1
            }
        }
        #expect(read + refused == 3_000)
        #expect(read > 1_000)
    }
}

/// SplitMix64: the same damaged messages on every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
