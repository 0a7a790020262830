@testable import FTDEngine
@testable import FTDModel
@testable import FTDStore

extension AppDatabase {
    /// A cycle recorded under the rule every writer uses (`TransitionDetector.rule`).
    @discardableResult
    func record(cycle: CycleRecord) throws -> [Transition] {
        try record(cycle: cycle, rule: TransitionDetector.rule)
    }
}
