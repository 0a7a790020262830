import Foundation

/// The real API payloads in `../shared/fixtures` (beside the clone), or in
/// `$FTD_FIXTURES` when set.
enum Fixtures {
    static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["FTD_FIXTURES"] {
            return URL(fileURLWithPath: path)
        }
        // Tests/FTDCoreTests/Fixtures.swift -> repository root -> ../shared/fixtures
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("shared/fixtures")
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func names(withSuffix suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(suffix) }.sorted()
    }
}
