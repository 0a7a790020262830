/// The message and `data` of a `metrics` event, said again from its loss step.
///
/// A job's events are mostly one `metrics` event per step, and its text says nothing its
/// step does not: `Step 300/300: training loss=0.00, validation loss=0.00` and the step's
/// figures as JSON. The store keeps such an event's text only when saying it again from
/// the stored step would not give the same bytes; otherwise it keeps the event's id, time
/// and step, and `say` gives the text back when the event is read. Whether the bytes match
/// is checked when the event is stored, so every event reads back exactly as it came.
///
/// The spelling is versioned: a stored row names the `version` that says it, and a
/// change of spelling takes a new version (the old one stays, for the rows it said).
public enum MetricsEventText {
    /// The version a stored row names (`event_rows.rendering`).
    public static let version = 1

    /// The event's message and its `data` as the store encodes it (`JSONValue.encodedUTF8`),
    /// or nil when the step cannot say them: no total or training loss, a value that is
    /// not finite, or one too large for two decimals.
    ///
    /// Values are taken as SQLite gives them back: it stores -0.0 as 0, so -0.0 is said as
    /// 0, and an event that said `-0` keeps its own text.
    public static func say(_ step: LossStep, version: Int = version) -> (message: [UInt8], data: [UInt8])? {
        guard let total = step.totalSteps else { return nil }
        let fields: [(key: String, value: Double?)] = [
            ("full_valid_loss", step.fullValidLoss),
            ("full_valid_mean_token_accuracy", step.fullValidMeanTokenAccuracy),
            ("train_loss", step.trainLoss),
            ("train_mean_token_accuracy", step.trainMeanTokenAccuracy),
            ("valid_loss", step.validLoss),
            ("valid_mean_token_accuracy", step.validMeanTokenAccuracy),
        ]
        for field in fields {
            if let value = field.value, !value.isFinite { return nil }
        }

        guard let message = message(step, version: version) else { return nil }

        // Keys in code-point order, as the encoder writes them.
        var data: JSONObject = [:]
        data.reserveCapacity(8)
        for field in fields.prefix(2) {
            if let value = field.value { data[field.key] = .double(stored(value)) }
        }
        data["step"] = .int(Int64(step.step))
        data["total_steps"] = .int(Int64(total))
        for field in fields.dropFirst(2) {
            if let value = field.value { data[field.key] = .double(stored(value)) }
        }
        return (message, JSONValue.object(data).encodedUTF8)
    }

    /// The message alone (`say`), for a search through events' text.
    public static func message(_ step: LossStep, version: Int = version) -> [UInt8]? {
        guard version == 1, let total = step.totalSteps, let train = step.trainLoss else { return nil }
        var message: [UInt8] = []
        message.reserveCapacity(96)
        message.append(contentsOf: "Step \(step.step)/\(total): training loss=".utf8)
        guard appendTwoDecimals(stored(train), to: &message) else { return nil }
        if let valid = step.validLoss {
            message.append(contentsOf: ", validation loss=".utf8)
            guard appendTwoDecimals(stored(valid), to: &message) else { return nil }
        }
        if let full = step.fullValidLoss {
            message.append(contentsOf: ", full validation loss=".utf8)
            guard appendTwoDecimals(stored(full), to: &message) else { return nil }
        }
        return message
    }

    /// The value SQLite gives back for `value`: the same, but -0.0 reads as 0.
    static func stored(_ value: Double) -> Double { value == 0 ? 0 : value }

    /// `value` with two decimals, as `%.2f` spells it in the cases that matter (a loss
    /// between 0 and a few thousand). Where it would differ from `%.2f`, the event keeps
    /// its own text: the store compares the bytes. It must only be deterministic, which
    /// IEEE arithmetic is. False for a magnitude of 1e15 or more.
    static func appendTwoDecimals(_ value: Double, to bytes: inout [UInt8]) -> Bool {
        guard value.isFinite, value.magnitude < 1e15 else { return false }
        let hundredths = UInt64((value.magnitude * 100).rounded(.toNearestOrEven))
        if value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: String(hundredths / 100).utf8)
        bytes.append(UInt8(ascii: "."))
        let cents = hundredths % 100
        bytes.append(UInt8(ascii: "0") + UInt8(cents / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(cents % 10))
        return true
    }
}
