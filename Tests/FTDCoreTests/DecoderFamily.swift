import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// The decoder that reads a fixture, and its contract: what a body must hold to be accepted.
enum DecoderFamily: CaseIterable {
    case job, jobList, eventList, checkpointList, errorEnvelope

    init?(fixture name: String) {
        switch name {
        case "jobs-list.json": self = .jobList
        case "checkpoints-list.json": self = .checkpointList
        case _ where name.hasPrefix("job-"): self = .job
        case _ where name.hasPrefix("events-list-"): self = .eventList
        case _ where name.hasPrefix("error-"): self = .errorEnvelope
        default: return nil
        }
    }

    /// A field the decoder cannot work without, in the order it checks them.
    enum RequiredField {
        case nonEmptyString(String)
        case wholeNumber(String)
        case string(String)

        /// The phrase the rejection names when `fields` lack this field.
        func problem(in fields: JSONObject, what: String) -> String? {
            let key: String
            switch self {
            case .nonEmptyString(let name), .wholeNumber(let name), .string(let name): key = name
            }
            guard let value = fields[key], !value.isNull else {
                return "\(what): the required field \"\(key)\" is missing"
            }
            switch self {
            case .nonEmptyString:
                if value.stringValue?.isEmpty == false { return nil }
                return "\(what): the field \"\(key)\" must be a non-empty string, got \(value.typeName)"
            case .wholeNumber:
                if value.int64Value != nil { return nil }
                return "\(what): the field \"\(key)\" must be a whole number, got \(value.typeName)"
            case .string:
                if value.stringValue != nil { return nil }
                return "\(what): the field \"\(key)\" must be a string, got \(value.typeName)"
            }
        }
    }

    var item: (what: String, required: [RequiredField]) {
        switch self {
        case .job, .jobList: ("job", [.nonEmptyString("id"), .nonEmptyString("status")])
        case .eventList: ("event", [.nonEmptyString("id"), .wholeNumber("created_at"), .string("message")])
        case .checkpointList: ("checkpoint", [.nonEmptyString("id")])
        case .errorEnvelope: ("error", [])
        }
    }

    /// What the rejection message must contain, or nil when the contract accepts `tree`.
    func expectedRejection(of tree: JSONValue) -> String? {
        switch self {
        case .job:
            return itemProblem(tree)
        case .jobList, .eventList, .checkpointList:
            guard let fields = tree.objectValue else {
                return "expected a list object with a \"data\" array, got \(tree.typeName)"
            }
            guard let data = fields["data"]?.arrayValue else {
                return "list: the field \"data\" must be an array"
            }
            for (index, element) in data.enumerated() {
                if let problem = itemProblem(element) { return "data[\(index)]: \(problem)" }
            }
            return nil
        case .errorEnvelope:
            return nil
        }
    }

    private func itemProblem(_ value: JSONValue) -> String? {
        guard let fields = value.objectValue else {
            return "\(item.what): expected a JSON object, got \(value.typeName)"
        }
        return item.required.lazy.compactMap { $0.problem(in: fields, what: self.item.what) }.first
    }
}
