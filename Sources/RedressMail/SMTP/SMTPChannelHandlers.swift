import Foundation
import NIOCore

/// One SMTP reply: a three-digit code and its text lines (multi-line replies joined).
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]
    var message: String { lines.joined(separator: " ") }
}

/// Splits the byte stream into replies: `250-first`, `250-second`, `250 last` form one reply.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPError.malformedReply }
            return .needMoreData
        }
        // Bytes, not Characters: Swift treats "\r\n" as one Character.
        var bytes = buffer.readBytes(length: newline - buffer.readerIndex + 1) ?? []
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
            throw SMTPError.malformedReply
        }
        let continues = bytes.count > 3 && bytes[3] == UInt8(ascii: "-")
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if !continues {
            context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
            lines = []
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Matches each reply to the command that waits for it (SMTP answers in order), with a timeout per step.
final class SMTPClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = SMTPReply

    private var waiting: CircularBuffer<(promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>)> = []
    /// Replies that came before anyone asked: the greeting usually does, or a 421 before the server hangs up.
    private var early: CircularBuffer<SMTPReply> = []
    private var context: ChannelHandlerContext?
    private var failure: (any Error)?
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes `data` (or nothing, for the greeting) and returns the next reply. Call on the event loop.
    func send(_ data: ByteBuffer?, stage: String, timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        guard let context else { return eventLoop.makeFailedFuture(SMTPError.connectionClosed) }
        let promise = context.eventLoop.makePromise(of: SMTPReply.self)
        if let failure {
            promise.fail(failure)
            return promise.futureResult
        }
        if let data { context.writeAndFlush(NIOAny(data), promise: nil) }
        if let reply = early.popFirst() {
            promise.succeed(reply)
            return promise.futureResult
        }
        let scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.failAll(SMTPError.timeout(stage: stage))
        }
        waiting.append((promise: promise, timeout: scheduled))
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let head = waiting.popFirst() else {
            early.append(reply)
            return
        }
        head.timeout.cancel()
        head.promise.succeed(reply)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(SMTPError.connectionClosed)
        context.fireChannelInactive()
    }

    private func failAll(_ error: any Error) {
        if failure == nil { failure = error }
        while let head = waiting.popFirst() {
            head.timeout.cancel()
            head.promise.fail(error)
        }
        context?.close(promise: nil)
    }
}
