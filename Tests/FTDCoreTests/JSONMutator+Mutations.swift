import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

/// The mutations themselves: each `Kind` applied to a fixture, and what it implies.
extension JSONMutator {
    func mutate(_ fixture: FuzzFixture, _ random: inout SplitMix64) -> MutatedBody {
        let kind = random.pick(Kind.allCases)
        var mutated = apply(kind, to: fixture, &random)
        mutated.probesParser = kind.probesParser
        return mutated
    }

    private func apply(_ kind: Kind, to fixture: FuzzFixture, _ random: inout SplitMix64) -> MutatedBody {
        var tree = fixture.raw
        let paths = fixture.paths
        let inner = Array(paths.dropFirst())
        let memberPaths = inner.filter { if case .member = $0.last { true } else { false } }
        let elementPaths = inner.filter { if case .element = $0.last { true } else { false } }
        let stringPaths = inner.filter { tree.node(at: $0[...])?.isStringToken == true }
        let containerPaths = paths.filter {
            switch tree.node(at: $0[...]) {
            case .array(let items)?: !items.isEmpty
            case .object(let members)?: !members.isEmpty
            default: false
            }
        }
        let name = "\(kind)"

        func replaced(at path: [RawJSON.Step], with token: [UInt8], _ parse: MutatedBody.ParseExpectation)
            -> MutatedBody
        {
            var copy = tree
            copy.modify(at: path[...]) { $0 = .token(token) }
            return MutatedBody(
                kind: "\(name) at \(tree.names(along: path[...]))", bytes: copy.bytes(), parse: parse,
                touched: [tree.names(along: path[...])])
        }
        func bytesChanged(_ bytes: [UInt8], _ parse: MutatedBody.ParseExpectation = .unknown) -> MutatedBody {
            MutatedBody(kind: name, bytes: bytes, parse: parse, touched: nil)
        }

        switch kind {
        case .dropMember, .renameKey, .duplicateKeyFirst, .duplicateKeyLast:
            let path = random.pick(memberPaths)
            guard case .member(let index) = path.last else { return bytesChanged(fixture.bytes, .sameTree) }
            let names = tree.names(along: path[...])
            var touched = [names]
            tree.modify(at: path.dropLast()) { parent in
                guard case .object(var members) = parent else { return }
                switch kind {
                case .dropMember:
                    members.remove(at: index)
                case .renameKey:
                    let key = random.pick(Self.newKeys)
                    touched.append(Array(names.dropLast()) + [key])
                    members[index].key = RawJSON.text(.string(key))
                default:
                    let copy = RawMember(
                        key: members[index].key, value: .token(Array(random.pick(Self.otherTypes).utf8)))
                    members.insert(copy, at: kind == .duplicateKeyFirst ? index : index + 1)
                }
                parent = .object(members)
            }
            // Of duplicated keys the first wins, so a later duplicate changes nothing.
            let parse: MutatedBody.ParseExpectation = kind == .duplicateKeyLast ? .sameTree : .valid
            return MutatedBody(
                kind: "\(name) at \(names)", bytes: tree.bytes(), parse: parse,
                touched: kind == .duplicateKeyLast ? [] : touched)
        case .nullValue:
            return replaced(at: random.pick(inner), with: Array("null".utf8), .valid)
        case .blankString:
            return replaced(
                at: random.pick(inner), with: Array(random.pick([#""""#, #"" ""#, #""\t\n""#]).utf8), .valid)
        case .otherType:
            return replaced(at: random.pick(inner), with: Array(random.pick(Self.otherTypes).utf8), .valid)
        case .hugeString:
            return replaced(at: random.pick(inner), with: hugeString(&random), .valid)
        case .deepValue:
            let depth = random.percent(50) ? 1 + random.below(10) : 1 + random.below(400)
            let open = random.percent(50) ? "[" : #"{"a":"#
            let close = open == "[" ? "]" : "}"
            let text = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            return replaced(at: random.pick(inner), with: Array(text.utf8), .valid)
        case .edgeNumber:
            return replaced(at: random.pick(inner), with: Array(random.pick(Self.validNumbers).utf8), .valid)
        case .edgeString:
            return replaced(at: random.pick(inner), with: Array(random.pick(Self.validStrings).utf8), .valid)
        case .invalidNumber:
            return replaced(
                at: random.pick(inner), with: Array(random.pick(Self.invalidNumbers).utf8), .invalid(nil))
        case .invalidLiteral:
            return replaced(
                at: random.pick(inner), with: Array(random.pick(Self.invalidLiterals).utf8), .invalid(nil))
        case .invalidString:
            return replaced(
                at: random.pick(inner), with: Array(random.pick(Self.invalidStrings).utf8), .invalid(nil))
        case .invalidUTF8, .controlCharacter:
            guard !stringPaths.isEmpty else { return bytesChanged(fixture.bytes, .sameTree) }
            let path = random.pick(stringPaths)
            guard case .token(var bytes)? = tree.node(at: path[...]) else {
                return bytesChanged(fixture.bytes, .sameTree)
            }
            let inserted = kind == .invalidUTF8 ? random.pick(Self.invalidUTF8) : [UInt8(random.below(0x20))]
            // Right after the opening quote or right before the closing one: never inside an
            // escape, where the parser would rightly report the escape instead.
            bytes.insert(contentsOf: inserted, at: random.percent(50) ? 1 : bytes.count - 1)
            let phrase = kind == .invalidUTF8 ? "invalid UTF-8" : "control character"
            return replaced(at: path, with: bytes, .invalid(phrase))
        case .addMember:
            let objects = paths.filter { if case .object? = tree.node(at: $0[...]) { true } else { false } }
            let path = random.pick(objects)
            let key = random.pick(Self.newKeys)
            let names = tree.names(along: path[...])
            let value = RawJSON.token(Array(random.pick(Self.otherTypes + Self.validNumbers).utf8))
            tree.modify(at: path[...]) { node in
                guard case .object(var members) = node else { return }
                members.insert(
                    RawMember(key: RawJSON.text(.string(key)), value: value),
                    at: random.below(members.count + 1))
                node = .object(members)
            }
            return MutatedBody(
                kind: "\(name) \(key) at \(names)", bytes: tree.bytes(), parse: .valid,
                touched: [names + [key]])
        case .duplicateElement, .dropElement, .swapElements:
            guard !elementPaths.isEmpty else { return bytesChanged(fixture.bytes, .sameTree) }
            let path = random.pick(elementPaths)
            guard case .element(let index) = path.last else { return bytesChanged(fixture.bytes, .sameTree) }
            let names = tree.names(along: path.dropLast())
            tree.modify(at: path.dropLast()) { node in
                guard case .array(var items) = node else { return }
                switch kind {
                case .duplicateElement: items.insert(items[index], at: random.below(items.count + 1))
                case .dropElement: items.remove(at: index)
                default: items.swapAt(index, random.below(items.count))
                }
                node = .array(items)
            }
            return MutatedBody(
                kind: "\(name) in \(names)", bytes: tree.bytes(), parse: .valid, touched: [names])
        case .trailingComma:
            // JSONDecoder allowed `[1,]` and `{"a":1,}`; ftd keeps accepting them.
            let path = random.pick(containerPaths)
            tree.modify(at: path[...]) { node in
                switch node {
                case .array(let items): node = .array(items + [.token([])])
                case .object(let members): node = .object(members + [RawMember(key: [], value: .token([]))])
                case .token: break
                }
            }
            return MutatedBody(kind: name, bytes: tree.bytes(), parse: .sameTree, touched: [])
        case .whitespace:
            let spacer = JSONSpacer(random: SplitMix64(seed: random.next()))
            return MutatedBody(kind: name, bytes: tree.bytes(spacer: spacer), parse: .sameTree, touched: [])
        case .escapedKeys:
            return MutatedBody(
                kind: name, bytes: Self.escapingKeys(tree).bytes(), parse: .sameTree, touched: [])
        case .byteOrderMark:
            return bytesChanged([0xEF, 0xBB, 0xBF] + fixture.bytes, .sameTree)
        case .utf16Mark:
            return bytesChanged(random.pick([[0xFE, 0xFF], [0xFF, 0xFE]]) + fixture.bytes, .invalid(nil))
        case .truncate:
            let cut = random.below(DecoderFuzzTests.endOfText(fixture.bytes))
            return bytesChanged(Array(fixture.bytes.prefix(cut)), .invalid("the text ends at byte \(cut)"))
        case .setByte:
            var bytes = fixture.bytes
            bytes[random.below(bytes.count)] = random.byte()
            return bytesChanged(bytes)
        case .insertBytes:
            var bytes = fixture.bytes
            let palette: [UInt8] =
                Array("\"\\{}[],: \n0-e.".utf8) + [0x00, 0xFF, 0xC0, 0x80, 0xEF, 0xBB, 0xBF]
            let inserted = (0...random.below(8)).map { _ in
                random.percent(50) ? random.pick(palette) : random.byte()
            }
            bytes.insert(contentsOf: inserted, at: random.below(bytes.count + 1))
            return bytesChanged(bytes)
        case .deleteRange:
            var bytes = fixture.bytes
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(32)))
            return bytesChanged(bytes)
        case .duplicateRange:
            var bytes = fixture.bytes
            let start = random.below(bytes.count)
            let chunk = bytes[start..<min(bytes.count, start + 1 + random.below(64))]
            bytes.insert(contentsOf: chunk, at: random.below(bytes.count + 1))
            return bytesChanged(bytes)
        case .splice:
            let other = fixture.raw.bytes(spacer: JSONSpacer(random: SplitMix64(seed: random.next())))
            return bytesChanged(
                Array(fixture.bytes.prefix(random.below(fixture.bytes.count)))
                    + Array(other.suffix(random.below(other.count))))
        case .garbage:
            return bytesChanged((0..<random.below(256)).map { _ in random.byte() })
        case .repeatBody:
            return bytesChanged(fixture.bytes + fixture.bytes, .invalid("after the JSON value"))
        case .nestDeep:
            let limit = JSONParser.maximumDepth - Self.depth(of: fixture.tree)
            let count = random.pick([limit, limit + 1, 1 + random.below(1_000), 100_000])
            let bytes =
                Array(String(repeating: "[", count: count).utf8) + fixture.bytes
                + Array(String(repeating: "]", count: count).utf8)
            return bytesChanged(bytes, count > limit ? .invalid("more than 512 nested") : .valid)
        case .openDeep:
            let prefix = random.pick(["", #"{"data":"#, #"{"id":"x","status":"y","a":"#])
            let count = random.pick([511, 512, 513, 1 + random.below(1_000)])
            let depth = count + (prefix.isEmpty ? 0 : 1)
            return bytesChanged(
                Array((prefix + String(repeating: "[", count: count)).utf8),
                .invalid(depth > JSONParser.maximumDepth ? "more than 512 nested" : "ends at byte"))
        }
    }

    private func hugeString(_ random: inout SplitMix64) -> [UInt8] {
        let length = random.pick([16, 1_000, 8_000, hugeBytes])
        let pieces = random.pick([["x"], ["é", "\u{1F600}", "a"], [#"\n"#, #"\u00e9"#, #"\""#, "b"]])
        var text = "\""
        text.reserveCapacity(length + 8)
        while text.utf8.count < length { text += random.pick(pieces) }
        return Array((text + "\"").utf8)
    }

    /// Every key written with `\u` escapes only: the same document.
    private static func escapingKeys(_ node: RawJSON) -> RawJSON {
        switch node {
        case .token: return node
        case .array(let items): return .array(items.map(escapingKeys))
        case .object(let members):
            return .object(
                members.map { member in
                    let name = (try? JSONValue.parse(Data(member.key)))?.stringValue ?? ""
                    let escaped = name.utf16.map { unit in
                        let digits = String(unit, radix: 16)
                        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                    }.joined()
                    return RawMember(key: Array("\"\(escaped)\"".utf8), value: escapingKeys(member.value))
                })
        }
    }
}
