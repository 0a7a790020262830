/// What went wrong with the local database, worded for the person who has to fix it.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `ftd history` found no file: the daemon never ran with this path.
    case databaseMissing(path: String)
    /// The file exists but is not SQLite, or is SQLite without ftd's tables.
    case notAnFTDDatabase(path: String, reason: String)
    /// The database could not be created, opened or migrated.
    case cannotOpen(path: String, reason: String)
    /// A file permission could not be set as configured.
    case cannotSetPermissions(path: String, reason: String)
    /// No stored job matches what the user typed.
    case unknownJob(input: String)
    /// Several stored jobs start with what the user typed.
    case ambiguousJob(input: String, candidates: [String])

    public var description: String {
        switch self {
        case .databaseMissing(let path):
            return
                "no database at \(path): run `ftd run` first, or check storage.database / FTD_DATABASE"
        case .notAnFTDDatabase(let path, let reason):
            return
                "\(path) is not an ftd database (\(reason)): check storage.database / FTD_DATABASE"
        case .cannotOpen(let path, let reason):
            return
                "cannot open the database \(path): \(reason); check that its directory exists and is writable by this user"
        case .cannotSetPermissions(let path, let reason):
            return "cannot set the permissions of \(path): \(reason); check who owns the file"
        case .unknownJob(let input):
            return "no stored job matches \"\(input)\": run `ftd history` to list the known jobs"
        case .ambiguousJob(let input, let candidates):
            return "\"\(input)\" matches \(candidates.count) jobs: "
                + candidates.joined(separator: ", ") + "; type more of the id"
        }
    }
}
