/// Arithmetic on the API's unix times (whole seconds).
public enum UnixTime {
    /// Seconds from `start` to `end`, saturating instead of trapping: a database may
    /// hold times from before ftd checked them (`-2^63`), and one row must not stop
    /// `ftd history` for every job.
    public static func seconds(from start: Int64, to end: Int64) -> Int64 {
        let (difference, overflow) = end.subtractingReportingOverflow(start)
        return overflow ? (end > start ? .max : .min) : difference
    }
}
