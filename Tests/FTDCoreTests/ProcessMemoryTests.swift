import FTDDaemon
import Testing

/// The daemon's allocator settings reach glibc (this machine's C library).
struct ProcessMemoryTests {
    @Test func glibcTakesTheArenaLimit() {
        #expect(ProcessMemory.limitArenas(to: 2))
    }

    @Test func freedMemoryGoesBackToTheKernel() {
        // Small blocks come from the heap, not from mmap: freed, they stay with glibc
        // until trimmed.
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<20_000 {
            let block = UnsafeMutableRawPointer.allocate(byteCount: 1_000, alignment: 8)
            block.storeBytes(of: 1, as: UInt8.self)
            blocks.append(block)
        }
        for block in blocks { block.deallocate() }
        #expect(ProcessMemory.releaseFreeMemory())
    }
}
