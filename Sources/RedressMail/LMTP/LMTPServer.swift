import Foundation
import NIOCore
import NIOPosix

/// One message as LMTP hands it over (RFC 2033): the envelope, the bytes (dot-unstuffed, CRLF lines) and the time
/// it arrived, which is the start of a complaint's legal clock (E9).
public struct LMTPDelivery: Sendable {
    public var sender: String
    public var recipients: [String]
    public var data: [UInt8]
    public var receivedAt: Date
    /// The message went over `maxBytes`: `data` holds only its start.
    public var truncated: Bool
}

/// The commands of an LMTP session, as a state machine over lines (no network): what `LMTPServer` drives and the
/// tests exercise directly.
public struct LMTPSession: Sendable {
    public enum Step: Equatable, Sendable {
        /// Answer these lines and go on.
        case reply([String])
        /// A message is complete: deliver it and answer one line per accepted recipient (RFC 2033 §4.2).
        case deliver
        /// Answer and close.
        case close([String])
    }

    public let hostname: String
    public let maxBytes: Int
    private(set) var sender: String?
    private(set) var recipients: [String] = []
    private(set) var inData = false
    private(set) var data: [UInt8] = []
    private(set) var truncated = false
    private var greeted = false

    public init(hostname: String, maxBytes: Int) {
        self.hostname = hostname
        self.maxBytes = maxBytes
    }

    public var greeting: String { "220 \(hostname) Redress LMTP ready" }

    /// `accept` says whether a recipient is one of ours.
    public mutating func line(_ raw: [UInt8], accept: (String) -> Bool) -> Step {
        if inData { return dataLine(raw) }
        let text = String(decoding: raw, as: UTF8.self)
        let upper = text.uppercased()
        let verb = upper.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        switch verb {
        case "LHLO":
            greeted = true
            reset()
            return .reply(["250-\(hostname)", "250-8BITMIME", "250-ENHANCEDSTATUSCODES", "250-PIPELINING",
                           "250 SIZE \(maxBytes)"])
        case "HELO", "EHLO":
            return .reply(["500 5.5.1 this is LMTP: say LHLO"])
        case "MAIL":
            guard greeted else { return .reply(["503 5.5.1 LHLO first"]) }
            guard sender == nil else { return .reply(["503 5.5.1 nested MAIL command"]) }
            guard upper.hasPrefix("MAIL FROM:"), let address = Self.path(text.dropFirst(10)) else {
                return .reply(["501 5.5.4 syntax: MAIL FROM:<address>"])
            }
            sender = address
            return .reply(["250 2.1.0 sender ok"])
        case "RCPT":
            guard sender != nil else { return .reply(["503 5.5.1 MAIL first"]) }
            guard upper.hasPrefix("RCPT TO:"), let address = Self.path(text.dropFirst(8)), !address.isEmpty else {
                return .reply(["501 5.5.4 syntax: RCPT TO:<address>"])
            }
            guard recipients.count < 100 else { return .reply(["452 4.5.3 too many recipients"]) }
            guard accept(address) else { return .reply(["550 5.1.1 <\(address)> is no shop's inbound address"]) }
            recipients.append(address)
            return .reply(["250 2.1.5 recipient ok"])
        case "DATA":
            guard sender != nil else { return .reply(["503 5.5.1 MAIL first"]) }
            guard !recipients.isEmpty else { return .reply(["503 5.5.1 no valid recipients"]) }
            inData = true
            data = []
            truncated = false
            return .reply(["354 start mail input; end with <CRLF>.<CRLF>"])
        case "RSET":
            reset()
            return .reply(["250 2.0.0 ok"])
        case "NOOP":
            return .reply(["250 2.0.0 ok"])
        case "QUIT":
            return .close(["221 2.0.0 bye"])
        case "VRFY":
            return .reply(["252 2.5.2 cannot verify"])
        default:
            return .reply(["500 5.5.2 unknown command"])
        }
    }

    private mutating func dataLine(_ raw: [UInt8]) -> Step {
        if raw == [UInt8(ascii: ".")] {
            inData = false
            return .deliver
        }
        let line = raw.first == UInt8(ascii: ".") ? raw.dropFirst() : raw[...]
        if data.count + line.count + 2 > maxBytes {
            truncated = true
        } else {
            data += line
            data += [13, 10]
        }
        return .reply([])
    }

    /// The message just completed, and the session ready for the next one.
    public mutating func take(at now: Date) -> LMTPDelivery {
        let delivery = LMTPDelivery(sender: sender ?? "", recipients: recipients, data: data, receivedAt: now,
                                    truncated: truncated)
        reset()
        return delivery
    }

    private mutating func reset() {
        sender = nil
        recipients = []
        data = []
        inData = false
        truncated = false
    }

    /// `<address>` with optional parameters after it (`SIZE=…`, `BODY=8BITMIME`); `<>` is the empty sender.
    static func path(_ text: Substring) -> String? {
        let trimmed = text.drop { $0 == " " }
        guard trimmed.first == "<", let close = trimmed.firstIndex(of: ">") else { return nil }
        let address = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
        guard address.count <= 320, !address.contains(where: { $0.isWhitespace || $0 == "<" }) else { return nil }
        return address
    }
}

/// The LMTP door (E1, RFC 2033): a listener that an MTA (Postfix's `lmtp:inet:`) delivers to. Each message is handed
/// to `deliver` after the final dot; its answers (one per recipient) go back only once it is stored, so the MTA
/// keeps and retries anything not acknowledged.
public final class LMTPServer: Sendable {
    public typealias Accept = @Sendable (String) async -> Bool
    /// One reply line per recipient, in order (`250 2.0.0 …`, `451 4.3.0 …`).
    public typealias Deliver = @Sendable (LMTPDelivery) async -> [String]

    private let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let task: Task<Void, Never>
    public let port: Int

    /// Longest command line read; longer ones are refused (a message line may be longer: RFC 5322 allows 998).
    static let maxCommandLine = 2048
    static let maxDataLine = 1 << 20

    public init(host: String, port: Int, hostname: String = "redress", maxBytes: Int, now: @escaping @Sendable () -> Date,
                accept: @escaping Accept, deliver: @escaping Deliver) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        self.channel = channel
        self.port = channel.channel.localAddress?.port ?? port
        task = Task {
            try? await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask {
                            await Self.serve(connection, hostname: hostname, maxBytes: maxBytes, now: now,
                                             accept: accept, deliver: deliver)
                        }
                    }
                }
            }
        }
    }

    public func close() async {
        try? await channel.channel.close()
        await task.value
    }

    private static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, hostname: String, maxBytes: Int,
                              now: @Sendable () -> Date, accept: Accept, deliver: Deliver) async {
        try? await connection.executeThenClose { inbound, outbound in
            var session = LMTPSession(hostname: hostname, maxBytes: maxBytes)
            func send(_ lines: [String]) async throws {
                guard !lines.isEmpty else { return }
                try await outbound.write(ByteBuffer(string: lines.map { $0 + "\r\n" }.joined()))
            }
            try await send([session.greeting])
            var pending: [UInt8] = []
            for try await chunk in inbound {
                pending += chunk.readableBytesView
                var start = 0
                while let newline = pending[start...].firstIndex(of: 10) {
                    var end = newline
                    if end > start && pending[end - 1] == 13 { end -= 1 }
                    let line = Array(pending[start..<end])
                    start = newline + 1
                    var accepted: Set<String> = []
                    // Recipients are checked before the state machine sees the line (it cannot await).
                    if !session.isReceivingData, let address = Self.recipient(line) {
                        if await accept(address) { accepted.insert(address) }
                    }
                    switch session.line(line, accept: { accepted.contains($0) }) {
                    case .reply(let lines):
                        try await send(lines)
                    case .close(let lines):
                        try await send(lines)
                        return
                    case .deliver:
                        let delivery = session.take(at: now())
                        try await send(await deliver(delivery))
                    }
                }
                pending.removeFirst(start)
                let limit = session.isReceivingData ? maxDataLine : maxCommandLine
                if pending.count > limit {
                    try await send(["500 5.5.6 line too long"])
                    return
                }
            }
        }
    }

    private static func recipient(_ line: [UInt8]) -> String? {
        let text = String(decoding: line, as: UTF8.self)
        guard text.uppercased().hasPrefix("RCPT TO:") else { return nil }
        return LMTPSession.path(text.dropFirst(8))
    }
}

extension LMTPSession {
    public var isReceivingData: Bool { inData }
}
