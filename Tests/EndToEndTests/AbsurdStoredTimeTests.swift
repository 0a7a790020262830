import Foundation
import Testing

/// A job stored with `finished_at = -2^63` (written before ftd checked times, or by hand)
/// must not break `ftd history` for every job (issue 19, item 4).
@Suite struct AbsurdStoredTimeTests {
    @Test func historyReadsAJobWithAnAbsurdStoredTime() async throws {
        try await DatabaseProbe.withTamperedJob(
            """
            UPDATE jobs SET finished_at = -9223372036854775808, status = 'succeeded';
            UPDATE event_rows SET created_at = 9223372036854775807;
            UPDATE transitions SET observed_at = -9223372036854775808;
            """
        ) { sandbox, id in
            for arguments in [
                ["history"], ["history", id], ["history", "--json"], ["history", id, "--json"],
            ] {
                let result = try await sandbox.ftd(arguments, environment: [:])
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
                #expect(result.stdout.contains(id), "\(arguments)")
            }
        }
    }
}
