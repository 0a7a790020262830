import ArgumentParser
import FTDModel
import FTDStore
import Foundation

@main
struct FTD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        // Every command names itself: deriving a name from the type costs a scan of the
        // binary's protocol conformances per command at each start.
        commandName: "ftd",
        abstract: "Watches fine-tuning jobs, keeps their history, runs hooks on every change.",
        discussion: """
            New here? `ftd demo` runs the built-in simulator and the daemon together.
            Exit codes: 0 ok, 1 unexpected failure, 64 bad usage, 65 bad input data,
            69 the API could not be reached, 77 credentials rejected, 78 configuration error.
            """,
        version: BuildInfo.version,
        subcommands: [
            Run.self, Status.self, History.self, Report.self, Hooks.self, Validate.self, Submit.self,
            Watch.self,
            Cancel.self,
            Pause.self, Resume.self, Try.self, Serve.self, Migrate.self, Sim.self, Demo.self,
        ]
    )

    /// Parses, runs, and turns every failure into one line on stderr and a sysexits code.
    static func main() async {
        Signals.unblockAll()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: Failure.map(error))
        }
    }
}
