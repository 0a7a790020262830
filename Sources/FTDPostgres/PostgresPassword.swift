import FTDConfig
import Foundation

/// The PostgreSQL password (SPEC section 11): `storage.password_file`, else the systemd
/// credential `pg_password` (`LoadCredential=pg_password:…`, in
/// `$CREDENTIALS_DIRECTORY`), else `PGPASSWORD`, else none (a server that trusts the connection, or a
/// client certificate). Read when the store is opened, kept only by the connection pool:
/// never logged, stored, shown by `ftd status` or handed to a hook.
public enum PostgresPassword {
    /// The systemd credential read when `storage.password_file` is not set.
    public static let credentialName = "pg_password"

    public static func resolve(
        _ settings: PostgresSettings,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> String? {
        var file = settings.passwordFile
        if file == nil, let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty,
            FileManager.default.fileExists(atPath: "\(directory)/\(credentialName)")
        {
            file = "\(directory)/\(credentialName)"
        }
        if let file {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue
            {
                throw .invalid(
                    "storage.password_file", "\(file) is a directory: name the file that holds the password")
            }
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw .invalid(
                    "storage.password_file",
                    "cannot read \(file): \((error as NSError).localizedDescription); check the path and that the user ftd runs as may read it"
                )
            }
            // A file written by `echo` ends with a newline that is not part of the password,
            // and one written on Windows with CRLF: one character for Swift, so one is
            // dropped (dropping two took the password's last character with it).
            let password =
                text.hasSuffix("\r\n") || text.hasSuffix("\n") ? String(text.dropLast()) : text
            guard !password.isEmpty else {
                throw .invalid("storage.password_file", "\(file) is empty")
            }
            return password
        }
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        return nil
    }
}
