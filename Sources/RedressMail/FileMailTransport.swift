import Foundation

/// Writes each message as an `.eml` file into a folder: the demo's mailbox when no SMTP server is configured.
public struct FileMailTransport: MailTransport {
    public let directory: URL
    private let now: @Sendable () -> Date

    public init(directory: URL, now: @escaping @Sendable () -> Date) {
        self.directory = directory
        self.now = now
    }

    public func send(_ message: MailMessage, messageID: String) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Named after the local part of the Message-ID (the outbox id), so the panel can find it.
        let local = messageID.split(separator: "@").first.map(String.init) ?? messageID
        let safeName = local.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        let file = directory.appendingPathComponent("\(safeName).eml")
        let document = MIMEWriter.render(message, messageID: messageID, date: now())
        // Written whole under a temporary name, then renamed: a reader never sees half a message.
        let temporary = directory.appendingPathComponent(".\(safeName).tmp")
        try Data(document.utf8).write(to: temporary)
        if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
        try FileManager.default.moveItem(at: temporary, to: file)
    }
}
