import NIOCore

/// The name to send in SNI and check the certificate against: the host name, or nil for an address literal
/// (NIOSSL then checks the certificate against the address it connected to).
enum TLSName {
    static func serverName(for host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}
