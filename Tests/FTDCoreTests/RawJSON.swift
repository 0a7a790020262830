import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// A JSON document as a tree of raw tokens, so that a mutation can put any bytes anywhere:
/// duplicated keys, invalid UTF-8, numbers no `Double` holds.
enum RawJSON {
    case token([UInt8])
    case array([RawJSON])
    case object([RawMember])

    enum Step: Equatable {
        case member(Int)
        case element(Int)
    }

    init(_ value: JSONValue) {
        switch value {
        case .array(let items):
            self = .array(items.map(RawJSON.init))
        case .object(let fields):
            self = .object(
                fields.keys.sorted().map {
                    RawMember(key: Self.text(.string($0)), value: RawJSON(fields[$0] ?? .null))
                })
        default:
            self = .token(Self.text(value))
        }
    }

    static func text(_ value: JSONValue) -> [UInt8] { [UInt8](value.encoded()) }

    /// The JSON text; `spacer` puts whitespace between tokens.
    func bytes(spacer: JSONSpacer? = nil) -> [UInt8] {
        var out: [UInt8] = []
        var spacer = spacer
        write(to: &out, spacer: &spacer)
        return out
    }

    private func write(to out: inout [UInt8], spacer: inout JSONSpacer?) {
        switch self {
        case .token(let bytes):
            out += bytes
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += spacer?.space() ?? []
                item.write(to: &out, spacer: &spacer)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                // A member without a key stands for a trailing comma.
                guard !member.key.isEmpty else { continue }
                out += spacer?.space() ?? []
                out += member.key
                out += spacer?.space() ?? []
                out.append(UInt8(ascii: ":"))
                out += spacer?.space() ?? []
                member.value.write(to: &out, spacer: &spacer)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The path of every node, the root's (empty) first.
    func paths(under prefix: [Step] = []) -> [[Step]] {
        var result = [prefix]
        switch self {
        case .token: break
        case .array(let items):
            for index in items.indices { result += items[index].paths(under: prefix + [.element(index)]) }
        case .object(let members):
            for index in members.indices {
                result += members[index].value.paths(under: prefix + [.member(index)])
            }
        }
        return result
    }

    func node(at path: ArraySlice<Step>) -> RawJSON? {
        guard let step = path.first else { return self }
        switch (self, step) {
        case (.array(let items), .element(let index)): return items[index].node(at: path.dropFirst())
        case (.object(let members), .member(let index)):
            return members[index].value.node(at: path.dropFirst())
        default: return nil
        }
    }

    mutating func modify(at path: ArraySlice<Step>, _ change: (inout RawJSON) -> Void) {
        guard let step = path.first else { return change(&self) }
        switch (self, step) {
        case (.array(var items), .element(let index)):
            items[index].modify(at: path.dropFirst(), change)
            self = .array(items)
        case (.object(var members), .member(let index)):
            members[index].value.modify(at: path.dropFirst(), change)
            self = .object(members)
        default:
            break
        }
    }

    /// The key names and `[index]`es along a path.
    func names(along path: ArraySlice<Step>) -> [String] {
        guard let step = path.first else { return [] }
        switch (self, step) {
        case (.array(let items), .element(let index)):
            return ["[\(index)]"] + items[index].names(along: path.dropFirst())
        case (.object(let members), .member(let index)):
            let name = (try? JSONValue.parse(Data(members[index].key)))?.stringValue ?? "?"
            return [name] + members[index].value.names(along: path.dropFirst())
        default:
            return []
        }
    }

    var isStringToken: Bool {
        if case .token(let bytes) = self { return bytes.first == UInt8(ascii: "\"") }
        return false
    }
}

struct RawMember {
    /// The key's JSON text, quotes included; empty for a trailing comma.
    var key: [UInt8]
    var value: RawJSON
}

/// Random JSON whitespace between tokens.
struct JSONSpacer {
    var random: SplitMix64

    mutating func space() -> [UInt8] {
        guard random.percent(30) else { return [] }
        return Array(random.pick([" ", "\n", "\t", "\r\n", "  \n    "]).utf8)
    }
}
