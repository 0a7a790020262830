import Foundation
import Testing

/// The payloads in `Tests/Fixtures` are copies of facts (real API answers) that the
/// project also keeps outside this repository, in `shared/fixtures` beside the clone.
/// Where that folder exists the copies must not drift from it; where it does not (a
/// clone on its own, as users, packagers and contributors have it), there is nothing to
/// compare and the test says so.
@Suite("The repository's fixtures")
struct FixtureCopyTests {
    /// `shared/fixtures` beside the repository root, when it is there.
    static let sharedCopy: URL? = {
        let root = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else { return nil }
        return candidate
    }()

    @Test("Every file the decoders are tested on is in the repository")
    func theRepositoryHoldsThem() throws {
        let names = try Fixtures.names(withSuffix: "")
        for required in [
            "README.md", "jobs-list.json", "job-spec-succeeded.json", "events-list-metrics.json",
            "events-list-legacy-messages.json", "checkpoints-list.json", "error-401.json",
            "result-file.csv", "training-data.jsonl",
        ] {
            #expect(names.contains(required), "Tests/Fixtures/\(required) is missing")
        }
        #expect(try Fixtures.names(withSuffix: ".json").count >= 15)
    }

    @Test(
        "The copies are identical to shared/fixtures beside the clone, when it is there",
        .enabled(if: sharedCopy != nil, "no shared/fixtures beside this clone: nothing to compare"))
    func theCopiesMatchTheSharedOnes() throws {
        let shared = try #require(Self.sharedCopy)
        let theirs = try FileManager.default.contentsOfDirectory(atPath: shared.path).sorted()
        let ours = try Fixtures.names(withSuffix: "")
        #expect(ours == theirs, "Tests/Fixtures and \(shared.path) list different files")
        for name in theirs where ours.contains(name) {
            let same =
                try Data(contentsOf: shared.appendingPathComponent(name)) == (try Fixtures.data(name))
            #expect(same, "Tests/Fixtures/\(name) differs from \(shared.path)/\(name): copy it again")
        }
    }
}
