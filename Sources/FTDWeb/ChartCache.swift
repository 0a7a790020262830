import FTDModel

/// The downsampled steps of the jobs whose charts were asked for lately. A live page asks
/// for its job's chart every few seconds, and several pages may watch one job; reading
/// 100,000 steps for each answer would cost more than the answer. An entry holds while
/// the job's stored curve looks the same (its number of steps and its last loss) and for
/// at most `lifetime` seconds, which bounds how long a change that alters neither (a
/// step rewritten in place) can go unseen.
final class ChartCache: Sendable {
    struct Key: Hashable {
        var job: JobKey
        var maxPoints: Int
        var stepCount: Int
        var lastTrainLoss: Double?
    }

    private struct Entry {
        var steps: [LossStep]
        var storedAt: Int64
    }

    let capacity: Int
    let lifetime: Int64
    private let entries = Locked<[Key: Entry]>([:])

    init(capacity: Int = 64, lifetime: Int64 = 60) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    func steps(for key: Key, now: Int64) -> [LossStep]? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now - entry.storedAt < lifetime, now >= entry.storedAt else {
                entries[key] = nil
                return nil
            }
            return entry.steps
        }
    }

    func store(_ steps: [LossStep], for key: Key, now: Int64) {
        entries.withLock { entries in
            // The job's older curves go: only its latest is asked for again.
            entries = entries.filter { $0.key.job != key.job || $0.key.maxPoints != key.maxPoints }
            if entries.count >= capacity,
                let oldest = entries.min(by: { $0.value.storedAt < $1.value.storedAt })
            {
                entries[oldest.key] = nil
            }
            entries[key] = Entry(steps: steps, storedAt: now)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
