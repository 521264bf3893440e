import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RedressCore

/// Why a webhook call did not count as delivered.
public enum WebhookDeliveryError: DeliveryFailure, CustomStringConvertible, Equatable, Sendable {
    case status(Int)
    case timeout
    case connectFailed(String)
    case invalidURL
    case endpointRemoved
    /// The host resolved to loopback, a private network or another address outside the public internet.
    case privateAddress

    public var description: String {
        switch self {
        case .status(let code): return "the endpoint answered HTTP \(code)"
        case .timeout: return "the endpoint did not answer in time"
        case .connectFailed(let reason): return "cannot connect to the endpoint: \(reason)"
        case .invalidURL: return "the endpoint address is not a usable http(s) URL"
        case .endpointRemoved: return "the endpoint was removed"
        case .privateAddress: return "the endpoint's address is not a public internet address"
        }
    }

    /// Removed endpoints and unusable addresses cannot get better; `410 Gone` says the receiver wants no more.
    public var isPermanent: Bool {
        switch self {
        case .invalidURL, .endpointRemoved, .privateAddress, .status(410): return true
        default: return false
        }
    }

    public var statusCode: Int? {
        if case .status(let code) = self { return code }
        return nil
    }
}

/// A small HTTP/1.1 client on SwiftNIO that POSTs one JSON body per connection and returns the status code;
/// a 2xx answer within the timeout is a delivery, anything else throws.
///
/// It resolves the host itself, checks the address and connects to exactly that address (TLS still verifies the
/// name), so a name that resolves to a private address when called, not only when registered, is refused: DNS
/// rebinding cannot reach this machine or its network (issue 15). AsyncHTTPClient resolves inside its connection
/// pool and offers no hook to check the address it connects to, which is why this client stays.
public struct HTTPPoster: Sendable {
    let tls: NIOSSLContext
    let timeout: TimeAmount
    let allowPrivateTargets: Bool

    public init(timeout: TimeInterval = 10, trustedCertificateFile: String? = nil, allowPrivateTargets: Bool = false)
        throws
    {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustedCertificateFile { configuration.trustRoots = .file(trustedCertificateFile) }
        tls = try NIOSSLContext(configuration: configuration)
        self.timeout = .milliseconds(Int64(timeout * 1000))
        self.allowPrivateTargets = allowPrivateTargets
    }

    /// The address a call to `host` would connect to, refused when it is not public (unless allowed).
    public static func resolve(host: String, port: Int, allowPrivate: Bool) async throws -> SocketAddress {
        if !allowPrivate && NetworkAddress.isLocalName(host) { throw WebhookDeliveryError.privateAddress }
        let literal = NetworkAddress.literal(host)
        if let literal, !allowPrivate, !literal.isPublic { throw WebhookDeliveryError.privateAddress }
        // Literals in every spelling are connected to as what they mean (`127.1` is 127.0.0.1).
        let name = literal?.description ?? host
        let address: SocketAddress
        do {
            address = try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(name, port: port)
            }
        } catch {
            throw WebhookDeliveryError.connectFailed("cannot resolve the host")
        }
        guard let ip = address.ipAddress.flatMap(NetworkAddress.literal) else {
            throw WebhookDeliveryError.connectFailed("cannot resolve the host")
        }
        if !allowPrivate && !ip.isPublic { throw WebhookDeliveryError.privateAddress }
        return address
    }

    @discardableResult
    public func post(url: String, headers: [(String, String)], body: String) async throws -> Int {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
              scheme == "http" || scheme == "https", var host = parts.host, !host.isEmpty
        else { throw WebhookDeliveryError.invalidURL }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let secure = scheme == "https"
        let port = parts.port ?? (secure ? 443 : 80)
        let target = (parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath)
            + (parts.percentEncodedQuery.map { "?\($0)" } ?? "")
        let serverName = TLSName.serverName(for: host)
        let tls = secure ? self.tls : nil
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(StatusCollector(eventLoop: channel.eventLoop))
                }
            }
        let address = try await Self.resolve(host: host, port: port, allowPrivate: allowPrivateTargets)
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(to: address).get()
        } catch {
            throw WebhookDeliveryError.connectFailed(String(describing: error).prefix(200).description)
        }
        defer { channel.close(promise: nil) }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target)
        let hostHeader = host.contains(":") ? "[\(host)]" : host
        head.headers.add(name: "Host", value: parts.port.map { "\(hostHeader):\($0)" } ?? hostHeader)
        head.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "User-Agent", value: "Redress-Webhooks/1")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let timeout = self.timeout
        let status = try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Int> in
            guard let collector = try? channel.pipeline.syncOperations.handler(type: StatusCollector.self) else {
                return channel.eventLoop.makeFailedFuture(WebhookDeliveryError.connectFailed("connection closed"))
            }
            let future = collector.start(timeout: timeout)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            return future
        }.get()
        guard (200..<300).contains(status) else { throw WebhookDeliveryError.status(status) }
        return status
    }
}

/// Waits for the response head and end; the body is read and dropped.
private final class StatusCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    private let promise: EventLoopPromise<Int>
    private var status: Int?
    private var timer: Scheduled<Void>?
    private var done = false

    init(eventLoop: any EventLoop) { promise = eventLoop.makePromise(of: Int.self) }

    func start(timeout: TimeAmount) -> EventLoopFuture<Int> {
        timer = promise.futureResult.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.finish(.failure(WebhookDeliveryError.timeout))
        }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body: break
        case .end:
            finish(.success(status ?? 0))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(WebhookDeliveryError.connectFailed(String(describing: error).prefix(200).description)))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(status.map { .success($0) } ?? .failure(WebhookDeliveryError.connectFailed("connection closed")))
        context.fireChannelInactive()
    }

    /// A channel torn down before it was ever active (a refused connection) removes its handlers without
    /// `channelInactive`: the promise is failed here, so it never leaks (issue 15, item 4).
    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.failure(WebhookDeliveryError.connectFailed("connection closed")))
    }

    /// Completes once; later events (the close after the end, a late timer) are ignored.
    private func finish(_ result: Result<Int, any Error>) {
        guard !done else { return }
        done = true
        timer?.cancel()
        promise.completeWith(result)
    }
}
