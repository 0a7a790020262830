import FTDModel
import FTDStore
import FTDTerminal
import Foundation
import Testing

/// `ftd status` on a shared PostgreSQL store (SPEC section 11): the store by its URL
/// without password, the leader (host, pid, its lease) and the standbys.
@Suite struct SharedStoreStatusTests {
    let store = "postgres://ftd@db.internal:5432/ftd"
    let leader = LeaseHolder(
        instance: "i-a", host: "host-a", pid: 101, term: 3, renewedAgo: 4.2, expiresIn: 25.8)
    let standby = StoreMember(instance: "i-b", host: "host-b", pid: 202, startedAgo: 600, seenAgo: 3.4)
    let stored = StoredDaemonStatus(accounts: [], pendingDeliveries: 2)

    @Test func itNamesTheStoreTheLeaderAndTheStandbys() throws {
        let members = StoreMembers(
            lease: leader,
            daemons: [
                StoreMember(instance: "i-a", host: "host-a", pid: 101, startedAgo: 900, seenAgo: 1), standby,
                StoreMember(instance: "i-c", host: "host-c", pid: 303, startedAgo: 60, seenAgo: 0.4),
            ])
        let report = DaemonStatusReport.shared(store: store, members: members, stored: stored)
        #expect(report.isRunning)
        let lines = report.text(now: 0).split(separator: "\n").map(String.init)
        #expect(
            lines.prefix(3) == [
                "ftd leads postgres://ftd@db.internal:5432/ftd from host-a (pid 101): term 3, renewed 4 s ago, expires in 26 s",
                "standbys:           host-b (pid 202), seen 3 s ago",
                "                    host-c (pid 303), seen 0 s ago",
            ])
        #expect(lines.contains("pending deliveries: 2"))

        let json = report.json()
        guard case .object(let object) = json else {
            Issue.record("not an object: \(json.rendered())")
            return
        }
        #expect(object["store"] == .string("postgres"))
        #expect(object["database"] == .string(store))
        #expect(object["running"] == .bool(true))
        #expect(object["pid"] == .int(101))
        #expect(
            object["leader"]
                == .object([
                    "host": .string("host-a"), "pid": .int(101), "term": .int(3),
                    "renewed_seconds_ago": .int(4),
                    "expires_in_seconds": .int(26),
                ]))
        guard case .array(let standbys)? = object["standbys"] else {
            Issue.record("no standbys in \(json.rendered())")
            return
        }
        #expect(standbys.count == 2)
        #expect(
            standbys.first
                == .object([
                    "host": .string("host-b"), "pid": .int(202), "seen_seconds_ago": .int(3),
                    "started_seconds_ago": .int(600),
                ]))
    }

    @Test func anExpiredLeaseSaysWhoseItWasAndNoneLeads() throws {
        var expired = leader
        expired.expiresIn = -12.3
        let report = DaemonStatusReport.shared(
            store: store, members: StoreMembers(lease: expired, daemons: [standby]), stored: stored)
        #expect(!report.isRunning)
        let text = report.text(now: 0)
        #expect(
            text.hasPrefix(
                "no ftd leads postgres://ftd@db.internal:5432/ftd: the lease of host-a (pid 101, term 3) expired 12 s ago\n"
                    + "standbys:           host-b (pid 202), seen 3 s ago\n"))
        guard case .object(let object) = report.json() else { return }
        #expect(object["running"] == .bool(false))
        #expect(object["leader"] == .null)
        #expect(object["pid"] == .null)
    }

    @Test func aStoreNoDaemonStartedOnAndOneThatCannotBeRead() throws {
        let empty = DaemonStatusReport.shared(
            store: store, members: StoreMembers(lease: nil, daemons: []), stored: nil)
        #expect(
            empty.text(now: 0)
                == "no ftd leads postgres://ftd@db.internal:5432/ftd: no daemon has led it yet\n"
                + "standbys:           none\n"
                + "no store yet: `ftd run` creates its tables when it first starts\n")

        let unreachable = DaemonStatusReport.shared(
            store: store, members: nil, stored: nil, problem: "cannot reach the PostgreSQL store")
        #expect(
            unreachable.text(now: 0)
                == "ftd: cannot tell which daemon leads postgres://ftd@db.internal:5432/ftd\n"
                + "store: cannot reach the PostgreSQL store\n")
        guard case .object(let object) = unreachable.json() else { return }
        #expect(object["running"] == .null)
        #expect(object["database_error"] == .string("cannot reach the PostgreSQL store"))
    }

    @Test func aFileStoreSaysItIsOne() throws {
        let report = DaemonStatusReport(database: "/var/lib/ftd/ftd.sqlite3", lock: .stopped, stored: nil)
        guard case .object(let object) = report.json() else { return }
        #expect(object["store"] == .string("sqlite"))
        #expect(object["leader"] == nil)
    }
}
