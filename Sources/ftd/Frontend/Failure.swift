import ArgumentParser
import FTDAPI
import FTDConfig
import FTDModel
import FTDStore
import FTDWeb
import Foundation

/// A failure the user sees as one `ftd: …` line and a sysexits status.
struct Failure: Error, CustomStringConvertible {
    var message: String
    var code: Int32

    var description: String { message }

    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let noPermission: Int32 = 77
    static let config: Int32 = 78
    static let noInput: Int32 = 66
    static let cannotCreate: Int32 = 73
    /// EX_TEMPFAIL: another ftd holds the database; try again once it stopped.
    static let temporaryFailure: Int32 = 75
    /// 128 + SIGINT: stopped by Ctrl-C (or SIGTERM) before it was done.
    static let interrupted: Int32 = 130

    static func exitCode(for error: StoreError) -> Int32 {
        switch error {
        case .unknownJob, .ambiguousJob: return dataError
        case .databaseMissing, .notAnFTDDatabase: return noInput
        // The daemon upgrades it at its next start: nothing to read until then.
        case .olderSchema: return unavailable
        case .cannotOpen, .cannotSetPermissions: return cannotCreate
        // The disk or the file refuses writes: nothing of the cycle was recorded. Exit 73
        // lets systemd restart ftd, which then waits (or fails again) at the same place.
        case .full, .readOnly, .ioFailure: return cannotCreate
        // A new database is created at the next start (systemd restarts ftd).
        case .replaced: return cannotCreate
        // Another process holds the database: like another ftd holding its lock.
        case .locked: return temporaryFailure
        // The PostgreSQL server is down or cut off (69, as for an API that cannot be
        // reached); another daemon took the lead meanwhile (75: try again).
        case .unreachable: return unavailable
        case .notLeader: return temporaryFailure
        // The login was refused, as 77 says of the API's key.
        case .refused: return noPermission
        // The file is ftd's, but damaged: a restart cannot mend it (66 is for a path that
        // names no database, or someone else's).
        case .corrupt: return dataError
        }
    }

    /// 401/403: the key; another 4xx that is not retried (408, 409, 429 are): the request
    /// itself (an unknown job, a job that cannot be cancelled any more, a bad parameter);
    /// the rest: the API.
    static func exitCode(for error: APIError) -> Int32 {
        if error.isCredentialsRejected { return noPermission }
        if let status = error.httpStatus, (400..<500).contains(status), !RetryPolicy.isRetriedStatus(status) {
            return dataError
        }
        return unavailable
    }

    /// Prints the failure and returns the error ArgumentParser should exit with.
    static func map(_ error: any Error) -> any Error {
        guard let failure = classify(error) else { return error }  // usage errors, --help
        // A failure can quote the API (its error message): printed, it must not drive the terminal.
        let message = TerminalSanitizer.clean(SecretRedactor.redact(failure.message))
        FileHandle.standardError.write(Data("ftd: \(message)\n".utf8))
        return ExitCode(failure.code)
    }

    static func classify(_ error: any Error) -> Failure? {
        switch error {
        case let failure as Failure:
            return failure
        case let error as ConfigurationError:
            return Failure(message: "\(error)", code: config)
        case let error as APIError:
            return Failure(message: "\(error)", code: exitCode(for: error))
        case let error as StoreError:
            return Failure(message: "\(error)", code: exitCode(for: error))
        case let error as WebServerError:
            return Failure(message: "\(error)", code: unavailable)
        case let error as DaemonLockError:
            switch error {
            case .held: return Failure(message: "\(error)", code: temporaryFailure)
            case .cannotOpen, .symbolicLink: return Failure(message: "\(error)", code: cannotCreate)
            }
        case is ExitCode, is CleanExit, is ValidationError:
            return nil
        case _ where isArgumentParserError(error):
            // --help, --version and --generate-completion-script end as the parser's own
            // (internal) error type, which its exit(withError:) turns into their output.
            return nil
        default:
            return Failure(message: "unexpected failure: \(error)", code: 1)
        }
    }

    static func isArgumentParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
