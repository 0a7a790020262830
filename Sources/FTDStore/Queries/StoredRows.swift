import FTDModel
import Foundation

/// How a stored row's columns become the query models, for every backend: the SQLite and
/// the PostgreSQL store read the same columns, and must give the same models (a JSON text
/// that no longer parses is no data, an error of all-null fields is no error, an alert of
/// a kind this ftd does not know is left out).
package enum StoredRows {
    /// nil unless at least one of the error's fields is stored.
    package static func jobError(code: String?, message: String?, param: String?) -> JobError? {
        if code == nil && message == nil && param == nil { return nil }
        return JobError(code: code, message: message, param: param)
    }

    /// An event with its `data` parsed again; nil data when the text does not parse.
    package static func event(
        id: String, jobID: String, createdAt: Int64, level: String, type: String?, message: String,
        dataJSON: String?
    ) -> JobEvent {
        JobEvent(
            id: id, jobID: jobID, createdAt: createdAt, level: level, type: type, message: message,
            data: dataJSON.flatMap { try? JSONValue.parse(Data($0.utf8)) })
    }

    /// A checkpoint with its `metrics` parsed again; nil metrics when the text does not parse.
    package static func checkpoint(
        id: String, jobID: String, createdAt: Int64?, stepNumber: Int?, fineTunedModelCheckpoint: String?,
        metricsJSON: String?
    ) -> Checkpoint {
        Checkpoint(
            id: id, jobID: jobID, createdAt: createdAt, stepNumber: stepNumber,
            fineTunedModelCheckpoint: fineTunedModelCheckpoint,
            metrics: metricsJSON.flatMap { try? JSONValue.parse(Data($0.utf8)) })
    }

    /// A stored alert; nil for a kind this ftd does not know (a newer ftd's).
    package static func alert(
        account: String, jobID: String, kind: String, detail: String, observedAt: Int64, step: Int?
    ) -> JobAlert? {
        guard let kind = AlertKind(rawValue: kind) else { return nil }
        return JobAlert(
            account: account, jobID: jobID, kind: kind, detail: detail, observedAt: observedAt, step: step)
    }

    /// The job as the API last sent it, its raw JSON decoded again; `columns` (the row's
    /// own fields) when that JSON no longer decodes.
    package static func job(rawJSON: String, columns: () -> FineTuningJob) -> FineTuningJob {
        if let raw = try? JSONValue.parse(Data(rawJSON.utf8)), let job = try? FineTuningJob(json: raw) {
            return job
        }
        return columns()
    }

    /// A step with the losses spelled in its `non_finite` column put back (`NonFiniteLosses`).
    package static func step(_ step: LossStep, nonFinite: String?) -> LossStep {
        guard let nonFinite else { return step }
        var step = step
        NonFiniteLosses.restore(nonFinite, into: &step)
        return step
    }

    /// A delivery as `ftd hooks runs` shows it: an alert's reads `to` = `alert:KIND` at the
    /// alert's time, with no `from`; a transition's, the transition.
    package static func delivery(
        id: String, hook: String, account: String, jobID: String, status: String, attempts: Int,
        createdAt: Int64, doneAt: Int64?, transition: (from: String?, to: String, observedAt: Int64)?,
        alert: (kind: String, observedAt: Int64)?, lastExitCode: Int32?, lastStderr: String?
    ) -> DeliveryView {
        DeliveryView(
            deliveryID: id, hook: hook, account: account, jobID: jobID, from: transition?.from,
            to: alert.map { AlertKind.hookPrefix + $0.kind } ?? transition?.to ?? "",
            observedAt: alert?.observedAt ?? transition?.observedAt ?? 0,
            status: status, attempts: attempts, lastExitCode: lastExitCode,
            lastStderrLine: lastStderr.flatMap(lastNonEmptyLine), createdAt: createdAt, doneAt: doneAt)
    }

    /// The last line of a hook's stderr with more than white space in it, trimmed.
    package static func lastNonEmptyLine(_ text: String) -> String? {
        text.split(whereSeparator: \.isNewline)
            .last { !$0.allSatisfy(\.isWhitespace) }
            .map { String($0.trimmingCharacters(in: .whitespaces)) }
    }
}

extension LossCurve {
    /// Appends a stored step's row, its non-finite losses put back (`NonFiniteLosses`):
    /// what a chart draws of each step, read in step order.
    package mutating func appendStored(
        jobID: String, step: Int, totalSteps: Int?, trainLoss: Double?, validLoss: Double?, nonFinite: String?
    ) {
        var (train, valid) = (trainLoss, validLoss)
        // Rare: a loss the API sent as `nan` or `inf`.
        if let nonFinite {
            var whole = LossStep(jobID: jobID, step: step, trainLoss: train, validLoss: valid)
            NonFiniteLosses.restore(nonFinite, into: &whole)
            (train, valid) = (whole.trainLoss, whole.validLoss)
        }
        append(step: step, totalSteps: totalSteps, trainLoss: train, validLoss: valid)
    }
}
