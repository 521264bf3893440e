import Foundation
import RedressTestSupport
import Testing

/// The test helper that starts the Python peers (SMTP sink, parsers) without Foundation's `Process`.
@Suite("Test support: child processes")
struct ChildProcessTests {
    @Test func childSeesOnlyItsStandardDescriptorsAndReturnsItsOutputAndStatus() throws {
        // A descriptor of ours without close-on-exec must not reach the child.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        #expect(leaked > 2)
        let listing = try ChildProcess.run(["python3", "-c", "import os; print(sorted(os.listdir('/proc/self/fd')))"])
        #expect(listing.status == 0)
        let printed = String(decoding: listing.output, as: UTF8.self)
        // 0, 1, 2 and the descriptor Python's listdir opens for itself.
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == "['0', '1', '2', '3']")

        let echoed = try ChildProcess.run(["python3", "-c", "import sys; sys.stdout.write(sys.stdin.read().upper())"],
                                          input: Data("zażółć".utf8))
        #expect(String(decoding: echoed.output, as: UTF8.self) == "ZAŻÓŁĆ")
        #expect(try ChildProcess.run(["python3", "-c", "raise SystemExit(3)"]).status == 3)
    }

    @Test func killedChildIsReaped() throws {
        let child = try ChildProcess(["python3", "-c", "import time; time.sleep(30)"])
        #expect(child.isRunning)
        child.kill()
        #expect(!child.isRunning)
        #expect(child.wait() == 128 + SIGKILL)
    }
}
