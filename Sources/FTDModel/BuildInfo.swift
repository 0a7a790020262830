/// What this build of ftd calls itself: `ftd --version` prints it and `/metrics` exports
/// it (`ftd_build_info`), so both say the same.
public enum BuildInfo {
    public static let version = "0.1.0"
}

/// The account every job belongs to until several accounts exist (issue 11): the
/// dashboard's URLs, its JSON and the metrics' `account` label carry it.
public enum DefaultAccount {
    public static let name = "default"
}
