import FTDConfig
import FTDStore
import Foundation
import Testing

@testable import FTDPostgres

/// The shared store's leader lease and heartbeats (SPEC section 11), against a real server:
/// two daemons (two stores with an instance each) in a schema of their own.
@Suite(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipReason), .timeLimit(.minutes(1)))
struct LeaderLeaseTests {
    static let a = PostgresStore.DaemonInstance(host: "host-a", pid: 101)
    static let b = PostgresStore.DaemonInstance(host: "host-b", pid: 202)

    /// Daemons `a` and `b` on one fresh store, and a command's store (no instance).
    func stores() async throws -> (a: PostgresStore, b: PostgresStore, command: PostgresStore) {
        let server = try TestPostgres.required()
        let schema = try await server.freshSchema()
        let a = try await server.open(schema: schema, instance: Self.a)
        let b = try await server.open(schema: schema, instance: Self.b)
        let command = try await server.open(schema: schema)
        return (a, b, command)
    }

    func close(_ stores: (a: PostgresStore, b: PostgresStore, command: PostgresStore)) {
        stores.a.close()
        stores.b.close()
        stores.command.close()
    }

    @Test func oneDaemonWinsAndTheOtherLearnsWhoHoldsTheLease() async throws {
        let stores = try await stores()
        defer { close(stores) }
        #expect(
            try await stores.a.acquireLease(ttl: .seconds(30))
                == .granted(LeaseGrant(term: 1, tookOver: true)))
        guard case .held(let holder?) = try await stores.b.acquireLease(ttl: .seconds(30)) else {
            Issue.record("b got the lease a holds")
            return
        }
        #expect(holder.instance == Self.a.id)
        #expect(holder.name == "host-a pid 101")
        #expect(holder.term == 1)
        #expect(holder.expiresIn > 25 && holder.expiresIn <= 30)
        #expect(holder.renewedAgo >= 0 && holder.renewedAgo < 5)

        // The holder renews: the same term, no takeover.
        #expect(
            try await stores.a.acquireLease(ttl: .seconds(30))
                == .granted(LeaseGrant(term: 1, tookOver: false)))
    }

    @Test func anExpiredLeaseGoesToTheOtherDaemonWithTheNextTerm() async throws {
        let stores = try await stores()
        defer { close(stores) }
        #expect(
            try await stores.a.acquireLease(ttl: .milliseconds(300))
                == .granted(LeaseGrant(term: 1, tookOver: true)))
        try await Task.sleep(for: .milliseconds(500))
        #expect(
            try await stores.b.acquireLease(ttl: .seconds(30))
                == .granted(LeaseGrant(term: 2, tookOver: true)))
        guard case .held(let holder?) = try await stores.a.acquireLease(ttl: .seconds(30)) else {
            Issue.record("a took back the lease b holds")
            return
        }
        #expect(holder.instance == Self.b.id && holder.term == 2)
    }

    @Test func aLapsedLeaseRetakenByItsOwnHolderStartsANewTerm() async throws {
        let stores = try await stores()
        defer { close(stores) }
        _ = try await stores.a.acquireLease(ttl: .milliseconds(200))
        try await Task.sleep(for: .milliseconds(400))
        // Its work may have overlapped another leader's: a new term, a takeover.
        #expect(
            try await stores.a.acquireLease(ttl: .seconds(30))
                == .granted(LeaseGrant(term: 2, tookOver: true)))
    }

    @Test func aReleasedLeaseIsTakenAtOnceAndAReleaseByAnotherDoesNothing() async throws {
        let stores = try await stores()
        defer { close(stores) }
        _ = try await stores.a.acquireLease(ttl: .seconds(30))
        try await stores.b.releaseLease()  // not b's: nothing happens
        guard case .held = try await stores.b.acquireLease(ttl: .seconds(30)) else {
            Issue.record("b's release ended a's lease")
            return
        }
        try await stores.a.releaseLease()
        #expect(
            try await stores.b.acquireLease(ttl: .seconds(30))
                == .granted(LeaseGrant(term: 2, tookOver: true)))
        try await stores.a.releaseLease()  // no longer a's
        #expect(
            try await stores.b.acquireLease(ttl: .seconds(30))
                == .granted(LeaseGrant(term: 2, tookOver: false)))
    }

    @Test func daemonsRacingForAFreeLeaseGiveItToExactlyOne() async throws {
        let server = try TestPostgres.required()
        let schema = try await server.freshSchema()
        var daemons: [PostgresStore] = []
        for index in 0..<6 {
            daemons.append(
                try await server.open(
                    schema: schema, instance: PostgresStore.DaemonInstance(host: "host-\(index)", pid: index))
            )
        }
        defer { for store in daemons { store.close() } }
        let attempts = try await withThrowingTaskGroup(of: (Int, LeaseAttempt).self) { group in
            for (index, store) in daemons.enumerated() {
                group.addTask { (index, try await store.acquireLease(ttl: .seconds(30))) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let winners = attempts.filter { if case .granted = $0.value { return true } else { return false } }
        #expect(winners.count == 1)
        #expect(winners.first?.value == .granted(LeaseGrant(term: 1, tookOver: true)))
        for (_, attempt) in attempts {
            if case .held(let holder?) = attempt { #expect(holder.pid == winners.first?.key) }
        }
    }

    @Test func fencedWritesAreRefusedOnceTheLeaseIsLost() async throws {
        let stores = try await stores()
        defer { close(stores) }
        // Without the lease: refused.
        await #expect(throws: StoreError.notLeader(path: stores.a.displayName)) {
            try await stores.a.fencedTransaction { _ in 1 }
        }
        _ = try await stores.a.acquireLease(ttl: .milliseconds(500))
        #expect(try await stores.a.fencedTransaction { _ in 1 } == 1)
        // A command is not fenced.
        #expect(try await stores.command.fencedTransaction { _ in 2 } == 2)
        try await Task.sleep(for: .milliseconds(700))
        // Expired, even before anyone took over.
        await #expect(throws: StoreError.notLeader(path: stores.a.displayName)) {
            try await stores.a.fencedTransaction { _ in 1 }
        }
        _ = try await stores.b.acquireLease(ttl: .seconds(30))
        await #expect(throws: StoreError.notLeader(path: stores.a.displayName)) {
            try await stores.a.fencedTransaction { _ in 1 }
        }
        #expect(try await stores.b.fencedTransaction { _ in 3 } == 3)
    }

    @Test func heartbeatsListTheLiveDaemonsAndWhichLeads() async throws {
        let stores = try await stores()
        defer { close(stores) }
        #expect(try await stores.command.members() == StoreMembers(lease: nil, daemons: []))
        try await stores.a.heartbeat(ttl: .seconds(30))
        try await stores.b.heartbeat(ttl: .seconds(30))
        _ = try await stores.a.acquireLease(ttl: .seconds(30))
        try await stores.b.heartbeat(ttl: .seconds(30))  // again: one row each

        // Any store reads them, a command's too.
        let members = try await stores.command.members()
        #expect(members.daemons.map(\.host) == ["host-a", "host-b"])
        #expect(members.leader?.instance == Self.a.id)
        #expect(members.leader?.pid == 101)
        #expect(members.standbys.map(\.pid) == [202])
        let standby = try #require(members.standbys.first)
        #expect(standby.seenAgo >= 0 && standby.seenAgo < 5)
        #expect(standby.startedAgo >= standby.seenAgo)

        // A graceful stop: b's row goes; a's lease is released and no longer leads.
        try await stores.b.removeHeartbeat()
        try await stores.a.releaseLease()
        let after = try await stores.command.members()
        #expect(after.daemons.map(\.host) == ["host-a"])
        #expect(after.leader == nil)
        #expect(after.lease?.instance == Self.a.id)
        #expect(after.standbys.map(\.host) == ["host-a"])

        // A daemon that stops beating drops out once its heartbeat expires.
        try await stores.a.heartbeat(ttl: .milliseconds(200))
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await stores.command.members().daemons.isEmpty)
    }
}
