import FTDConfig
import FTDDaemon
import Testing

/// What ftd tells systemd's watchdog, fed with times instead of sleeping.
@Suite struct HeartbeatTests {
    @Test func theStallBoundIsOneRequestTimeoutPlusTheLongestHonouredWaitPlusRoom() {
        var api = APISettings()
        api.requestTimeout = 30
        #expect(Heartbeat.stallBound(api: api) == 30 + 120 + 30)
    }

    @Test func beforeReadyAMovingFirstSyncAsksForMoreStartTimeAndNeverPings() {
        var beat = Heartbeat(stallBound: 60)
        #expect(beat.action(at: 0, period: 10, watchdogEnabled: true) == .extendStart(seconds: 30))
        beat.cycleStarted(at: 1)
        beat.progressed(at: 50)
        #expect(beat.action(at: 100, period: 10, watchdogEnabled: true) == .extendStart(seconds: 30))
        // No progress for longer than the bound: the start is left to time out.
        #expect(beat.action(at: 111, period: 10, watchdogEnabled: true) == Heartbeat.Action.none)
    }

    @Test func afterReadyItPingsWhileCyclesComplete() {
        var beat = Heartbeat(stallBound: 60)
        beat.cycleStarted(at: 0)
        beat.cycleFinished(at: 2, nextIn: 28)
        beat.becameReady()
        // Waiting for the next tick is healthy until the tick is overdue by the bound.
        for time in stride(from: 2.0, through: 90, by: 5) {
            #expect(beat.action(at: time, period: 5, watchdogEnabled: true) == .ping, "at \(time)")
        }
        #expect(beat.action(at: 90.5, period: 5, watchdogEnabled: true) == Heartbeat.Action.none)
        // Without a watchdog there is nothing to send.
        #expect(beat.action(at: 10, period: 5, watchdogEnabled: false) == Heartbeat.Action.none)
    }

    @Test func aHungCycleStopsThePingsSoTheWatchdogFires() {
        var beat = Heartbeat(stallBound: 60)
        beat.becameReady()
        beat.cycleStarted(at: 100)
        beat.progressed(at: 130)  // an HTTP attempt ended
        #expect(beat.isHealthy(at: 190))
        #expect(!beat.isHealthy(at: 190.1))
        #expect(beat.action(at: 200, period: 5, watchdogEnabled: true) == Heartbeat.Action.none)
        // Progress comes back (a slow answer at last): pings resume.
        beat.progressed(at: 201)
        #expect(beat.action(at: 202, period: 5, watchdogEnabled: true) == .ping)
    }

    @Test func progressOutsideACycleDoesNotExtendTheDeadline() {
        var beat = Heartbeat(stallBound: 10)
        beat.cycleStarted(at: 0)
        beat.cycleFinished(at: 1, nextIn: 5)
        beat.progressed(at: 15)  // not inside a cycle: e.g. a late callback
        #expect(beat.deadline == 16)
    }

    @Test func aReloadThatMovesTheTimerMovesTheDeadlineBetweenCyclesOnly() {
        var beat = Heartbeat(stallBound: 60)
        beat.cycleStarted(at: 0)
        beat.cycleFinished(at: 1, nextIn: 30)
        #expect(beat.deadline == 91)
        beat.rescheduled(at: 10, nextIn: 300)  // interval 30 → 300
        #expect(beat.deadline == 370)
        beat.becameReady()
        #expect(beat.action(at: 300, period: 30, watchdogEnabled: true) == .ping)
        beat.cycleStarted(at: 400)
        beat.rescheduled(at: 401, nextIn: 5)  // inside a cycle: the cycle's own bound holds
        #expect(beat.deadline == 460)
    }

    @Test func theMonitorRunsTheStateMachineOnTheMonotonicClock() {
        let monitor = HealthMonitor(stallBound: 3600)
        #expect(!monitor.isReady)
        monitor.cycleStarted()
        monitor.progressed()
        monitor.cycleFinished(nextIn: 30)
        #expect(monitor.action(period: 1, watchdogEnabled: true) == .extendStart(seconds: 3))
        monitor.becameReady()
        #expect(monitor.isReady)
        #expect(monitor.action(period: 1, watchdogEnabled: true) == .ping)
        monitor.setStallBound(-100)
        monitor.cycleStarted()  // with a bound below zero, already overdue
        #expect(monitor.action(period: 1, watchdogEnabled: true) == Heartbeat.Action.none)
    }
}
