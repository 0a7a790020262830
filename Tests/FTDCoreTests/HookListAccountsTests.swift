import FTDConfig
import FTDTerminal
import Testing

/// `ftd hooks list` says which accounts a hook fires for, when it is limited to some.
struct HookListAccountsTests {
    @Test func aHookLimitedToAccountsSaysSo() {
        let hooks = [
            HookSettings(
                name: "research-only", on: ["failed"], command: .argv(["/bin/true"]), accounts: ["research"]),
            HookSettings(name: "all", on: ["*"], command: .argv(["/bin/true"])),
        ]
        let text = HookListView.render(hooks, source: "/etc/ftd/ftd.toml")
        #expect(text.contains("research-only\n  on       failed\n  accounts research only\n"), "\(text)")
        #expect(!text.contains("all\n  on       every transition\n  accounts"), "\(text)")
    }
}
