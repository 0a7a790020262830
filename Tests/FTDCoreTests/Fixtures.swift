import Foundation

/// The real API payloads, kept in the repository at `Tests/Fixtures` so that a clone with
/// nothing beside it passes its tests. `FixtureCopyTests` keeps them identical to the
/// project's shared copy when one stands beside the clone.
enum Fixtures {
    /// Tests/FTDCoreTests/Fixtures.swift → Tests/Fixtures
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func names(withSuffix suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(suffix) }.sorted()
    }
}
