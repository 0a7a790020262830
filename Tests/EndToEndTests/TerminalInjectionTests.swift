import Foundation
import Testing

/// The built `ftd` prints API text (job fields, event messages, errors) without letting it
/// drive the reader's terminal: window titles, a cleared screen, a rewritten line, the
/// clipboard. The hostile text is put into the database as an API would have sent it.
@Suite struct TerminalInjectionTests {
    /// `ESC ] 0 ; pwned BEL`, `ESC [ 2 J`, `\r ESC [ K`, `ESC ] 52 ; c ; … BEL` in SQL.
    static let title = "char(27) || ']0;pwned' || char(7)"
    static let clear = "char(27) || '[2J'"
    static let rewrite = "char(13) || char(27) || '[K'"
    static let clipboard = "char(27) || ']52;c;ZXZpbA==' || char(7)"

    /// Whether `text` holds a byte a terminal acts on (ESC, BEL, CR, C1 controls).
    static func drivesTheTerminal(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.value == 0x1B || scalar.value == 0x07 || scalar.value == 0x0D
                || (0x80...0x9F).contains(scalar.value) || scalar.value == 0x202E
        }
    }

    @Test func historyAndHistoryJobPrintHostileAPITextInertly() async throws {
        try await DatabaseProbe.withTamperedJob(
            """
            UPDATE jobs SET model = 'gpt-4o-mini' || \(Self.clipboard),
                fine_tuned_model = 'ft:gpt-4o-mini:' || \(Self.title) || \(Self.clear) || 'x',
                error_code = 'bad' || \(Self.clear),
                error_message = 'all fine' || \(Self.rewrite) || 'it failed' || char(8238);
            UPDATE event_rows SET message = 'Step 1: ' || \(Self.title) || \(Self.clear) || 'training',
                step = NULL, rendering = NULL;
            UPDATE transitions SET to_status = 'queued' || \(Self.clear);
            """
        ) { sandbox, id in
            let table = try await sandbox.ftd(["history"], environment: [:])
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains(id))
            #expect(!Self.drivesTheTerminal(table.stdout), "\(table.stdout.debugDescription)")

            let detail = try await sandbox.ftd(["history", id], environment: [:])
            #expect(detail.status == 0, "\(detail.stderr)")
            #expect(detail.stdout.contains("Step 1: training"))
            #expect(detail.stdout.contains("all fine it failed"))
            #expect(!Self.drivesTheTerminal(detail.stdout), "\(detail.stdout.debugDescription)")

            // The JSON keeps the exact text (escaped, as JSON strings are): scripts get
            // what the API sent.
            let json = try #require(try await sandbox.historyJSON(id) as? [String: Any])
            let events = try #require(json["events"] as? [[String: Any]])
            #expect(events.contains { ($0["message"] as? String)?.contains("\u{1B}[2J") == true })
        }
    }
}
