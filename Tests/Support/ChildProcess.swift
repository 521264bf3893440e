import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` directly. Foundation's `Process.run()` on Linux lists
/// `/proc/self/fd` into a buffer sized before the listing and overran it (SIGSEGV in memcpy, twice in CI)
/// when parallel tests opened files and sockets meanwhile; the spawn here touches no shared state.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    /// The read end of the child's standard output, when asked for.
    public let output: FileHandle?
    /// The write end of the child's standard input, when asked for.
    public let input: FileHandle?
    private let lock = NSLock()
    private var status: Int32?

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `arguments` (looked up on PATH through /usr/bin/env); standard error goes to /dev/null.
    public init(_ arguments: [String], captureOutput: Bool = true, feedInput: Bool = false) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var ends: [Int32] = []
        defer { ends.forEach { close($0) } }

        func pipeEnds() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw SpawnError(description: "pipe failed: errno \(errno)") }
            // Close-on-exec on both ends (the child gets its copy through dup2, which clears the flag).
            fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
            return (fds[0], fds[1])
        }
        var outputRead: Int32?, inputWrite: Int32?
        if captureOutput {
            let pipe = try pipeEnds()
            outputRead = pipe.read
            ends.append(pipe.write)
            posix_spawn_file_actions_adddup2(&actions, pipe.write, 1)
        }
        if feedInput {
            let pipe = try pipeEnds()
            inputWrite = pipe.write
            ends.append(pipe.read)
            posix_spawn_file_actions_adddup2(&actions, pipe.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Descriptors the test process opened without close-on-exec (databases, sockets) stay out of the child.
        Self.closeFrom(&actions, 3)

        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, "/usr/bin/env", &actions, nil, argv, environ)
        guard result == 0 else {
            [outputRead, inputWrite].compactMap { $0 }.forEach { close($0) }
            throw SpawnError(description: "posix_spawn \(arguments.first ?? "") failed: \(String(cString: strerror(result)))")
        }
        pid = child
        output = outputRead.map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        input = inputWrite.map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// glibc 2.34+ has `posix_spawn_file_actions_addclosefrom_np`; the Glibc module does not declare it.
    private static let closeFromFunction: CloseFrom? = {
        guard let process = dlopen(nil, RTLD_NOW),
              let symbol = dlsym(process, "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    private static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ first: Int32) {
        _ = closeFromFunction?(actions, first)
    }

    /// Waits for the child to end and returns its exit status (128 + signal when killed).
    @discardableResult
    public func wait() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let signal = raw & 0x7f
        let code = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        status = code
        return code
    }

    /// Whether the child still runs (not yet reaped).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if status != nil { return false }
        var raw: Int32 = 0
        let reaped = waitpid(pid, &raw, WNOHANG)
        if reaped == pid {
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            return false
        }
        return reaped == 0
    }

    /// Kills the child outright and reaps it.
    public func kill() {
        guard isRunning else { return }
        _ = Glibc.kill(pid, SIGKILL)
        wait()
    }

    /// Runs `arguments` to the end with `input` on standard input; returns the exit status and what it printed.
    public static func run(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, output: Data) {
        let child = try ChildProcess(arguments, captureOutput: true, feedInput: input != nil)
        if let input, let handle = child.input {
            // A writer thread, so a child that prints before it has read everything cannot deadlock us.
            let writer = Thread {
                handle.write(input)
                try? handle.close()
            }
            writer.start()
        }
        let data = child.output?.readDataToEndOfFile() ?? Data()
        return (child.wait(), data)
    }
}
