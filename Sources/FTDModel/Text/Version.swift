/// ftd's version: what `ftd --version` prints and what the dashboard and the metrics
/// (`ftd_build_info`) report.
public enum FTDVersion {
    public static let current = "0.1.0"
}
