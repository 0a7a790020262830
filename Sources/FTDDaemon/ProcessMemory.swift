import CFTDSystem

#if canImport(Glibc)
    import Glibc
#endif

/// glibc's allocator, tuned for a daemon that spends months idle between short cycles.
/// `mallopt` and `malloc_trim` are glibc's own (`<malloc.h>`, which Swift's Glibc module
/// leaves out), so they are looked up at run time; elsewhere both do nothing.
public enum ProcessMemory {
    /// At most `count` malloc arenas. glibc gives each thread that meets a locked arena
    /// an arena of its own, up to eight per core, and each keeps the memory it once held;
    /// the daemon's few threads allocate little and never in parallel for long.
    /// Returns whether glibc took the setting.
    @discardableResult
    public static func limitArenas(to count: Int32 = 2) -> Bool {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        guard let mallopt = symbol("mallopt", as: Mallopt.self) else { return false }
        return mallopt(arenaMax, count) == 1
    }

    /// Hands the free memory of every arena back to the kernel: a cycle that read a
    /// large batch frees it all, but glibc keeps freed pages until told otherwise.
    /// Returns whether any memory went back.
    @discardableResult
    public static func releaseFreeMemory() -> Bool {
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let trim = symbol("malloc_trim", as: MallocTrim.self) else { return false }
        return trim(0) == 1
    }

    /// Lets the pages of the binary's code that ran once (start-up, configuration,
    /// migrations, a first sync) leave the resident set: the kernel maps a page back from
    /// the page cache when it runs again, so what stays resident is the code the daemon
    /// keeps running. Most of the RSS `ps` shows for an idle daemon was code it had run
    /// once (issue 17: 26 of 53 MiB). Returns the KiB that were resident, nil on failure.
    @discardableResult
    public static func releaseCodePages() -> Int? {
        #if os(Linux)
            let kilobytes = cftd_release_code_pages()
            return kilobytes < 0 ? nil : kilobytes
        #else
            return nil
        #endif
    }

    /// The KiB `releaseCodePages` would release from this smaps text for `executable`,
    /// without releasing anything: which mappings it picks is tested on texts of its own.
    static func releasableCodeKilobytes(smaps text: String, executable: String) -> Int? {
        #if os(Linux)
            var bytes = Array(text.utf8)
            guard !bytes.isEmpty else { return 0 }
            return bytes.withUnsafeMutableBytes { buffer -> Int? in
                guard let file = fmemopen(buffer.baseAddress, buffer.count, "r") else { return nil }
                defer { fclose(file) }
                let kilobytes = cftd_release_code_pages_in(file, executable, 1)
                return kilobytes < 0 ? nil : kilobytes
            }
        #else
            return nil
        #endif
    }

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        #if canImport(Glibc)
            guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
            return unsafeBitCast(address, to: type)
        #else
            return nil
        #endif
    }
}
