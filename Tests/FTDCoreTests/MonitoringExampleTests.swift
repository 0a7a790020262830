import Foundation
import Testing

@testable import FTDEngine

/// config/grafana-dashboard.json and config/prometheus-alerts.yml are what users load
/// into Grafana and Prometheus: they must parse, and ask only for metrics ftd exports.
@Suite struct MonitoringExampleTests {
    static let config = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config")
    static let dashboard = config.appendingPathComponent("grafana-dashboard.json").path
    static let alerts = config.appendingPathComponent("prometheus-alerts.yml").path

    /// Every series name `/metrics` can hold: the SPEC's table, a histogram with its parts.
    static var exported: Set<String> {
        var names: Set<String> = []
        for (name, metric) in MetricsEndpointTests.table {
            names.insert(name)
            if metric.type == "histogram" {
                names.formUnion(["_bucket", "_count", "_sum"].map { name + $0 })
            }
        }
        return names
    }

    /// The `ftd_…` names a text mentions.
    static func metricNames(in text: String) -> Set<String> {
        Set(text.matches(of: /ftd_[a-z_]+/).map { String($0.output) })
    }

    static func hasTool(_ name: String) -> Bool { ExampleHookTests.hasTool(name) }

    /// Runs `argv` as a hook would be (swift-subprocess, its own process group).
    static func run(_ argv: [String]) async -> (status: Int32?, output: String) {
        let result = await HookTestKit.runner().run(
            HookTestKit.hook(.argv(argv), timeout: 60), environment: [:], stdin: Data())
        return (result.exitCode, result.stdout + result.stderr)
    }

    @Test func theDashboardIsJSONWhosePanelsQueryOnlyExportedMetrics() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboard))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
        }
        #expect(panels.count >= 10)
        #expect(expressions.count >= panels.count)
        let used = expressions.reduce(into: Set<String>()) { $0.formUnion(Self.metricNames(in: $1)) }
        #expect(
            used.subtracting(Self.exported).isEmpty, "unknown metrics: \(used.subtracting(Self.exported))")
        // Every metric of the table but the build has a panel.
        let shown = Set(used.map { $0.replacing(/_(bucket|count|sum)$/, with: "") })
        #expect(Set(MetricsEndpointTests.table.keys).subtracting(shown) == ["ftd_build_info"])
    }

    @Test func theAlertRulesAskOnlyForExportedMetrics() throws {
        let text = try String(contentsOfFile: Self.alerts, encoding: .utf8)
        let used = Self.metricNames(in: text)
        #expect(
            used.subtracting(Self.exported).isEmpty, "unknown metrics: \(used.subtracting(Self.exported))")
        #expect(used.isSuperset(of: ["ftd_transitions_total", "ftd_last_complete_cycle_timestamp_seconds"]))
        #expect(used.contains("ftd_hook_runs_total"))
    }

    @Test(
        .enabled(
            if: hasTool("python3"), "python3 is not installed: the alert rules' YAML structure is not checked"
        ))
    func theAlertRulesAreYAMLWithTheirAlerts() async throws {
        let check = """
            import sys
            try:
                import yaml
            except ImportError:
                print("skip: PyYAML is missing (Debian: python3-yaml)")
                sys.exit(0)
            rules = yaml.safe_load(open(sys.argv[1]))["groups"][0]["rules"]
            assert all(rule["expr"].strip() and rule["annotations"]["summary"] for rule in rules)
            print(",".join(rule["alert"] for rule in rules))
            """
        let (status, output) = await Self.run(["/usr/bin/env", "python3", "-c", check, Self.alerts])
        #expect(status == 0, "\(output)")
        if output.hasPrefix("skip:") {
            // Reported rather than failed: scripts/install-deps installs python3-yaml.
            print("MonitoringExampleTests: \(output)")
            return
        }
        #expect(
            output.trimmingCharacters(in: .whitespacesAndNewlines)
                == "FineTuningJobFailed,FtdNotCycling,FtdHookFailures,FineTuningJobAlert")
    }

    @Test(
        .enabled(
            if: hasTool("promtool"),
            "promtool is not installed (Debian: prometheus): the alert rules are not checked by Prometheus"))
    func promtoolAcceptsTheAlertRules() async throws {
        let (status, output) = await Self.run(["/usr/bin/env", "promtool", "check", "rules", Self.alerts])
        #expect(status == 0, "\(output)")
        #expect(output.contains("SUCCESS: 4 rules found"), "\(output)")
    }
}
