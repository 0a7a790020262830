/// Prometheus' text format as a test reads it: each sample's value by its series
/// (`name{label="value",…}` exactly as written), each family's type and help.
struct Exposition {
    var samples: [String: Double] = [:]
    var types: [String: String] = [:]
    var help: [String: String] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") || line.hasPrefix("# HELP ") {
                let parts = line.split(separator: " ", maxSplits: 3)
                guard parts.count == 4 else { continue }
                if parts[1] == "TYPE" { types[String(parts[2])] = String(parts[3]) }
                if parts[1] == "HELP" { help[String(parts[2])] = String(parts[3]) }
            } else if !line.hasPrefix("#"), let space = line.lastIndex(of: " ") {
                samples[String(line[..<space])] = Double(line[line.index(after: space)...])
            }
        }
    }

    subscript(_ series: String) -> Double? { samples[series] }

    /// The series of the samples named `name`.
    func series(named name: String) -> [String] {
        samples.keys.filter { $0 == name || $0.hasPrefix(name + "{") }.sorted()
    }

    /// The label names of every sample of `name` (histograms: of its `_count`).
    func labelNames(of name: String) -> Set<[String]> {
        Set(
            series(named: name).map { series in
                guard let open = series.firstIndex(of: "{") else { return [] }
                return series[series.index(after: open)..<series.index(before: series.endIndex)]
                    .split(separator: ",").map { String($0.prefix { $0 != "=" }) }
            })
    }
}
