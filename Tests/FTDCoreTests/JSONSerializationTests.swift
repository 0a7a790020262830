import FTDSimulator
import Foundation
import Testing

@testable import FTDModel

/// `JSONValue.encoded()` is written by hand for speed; stored raw JSON and hook payloads
/// must stay byte for byte what Foundation's `JSONEncoder` (sorted keys, unescaped
/// slashes) made of them before.
struct JSONSerializationTests {
    @Test func everyFixtureEncodesAsFoundationDoes() throws {
        let names = try Fixtures.names(withSuffix: ".json")
        #expect(names.count >= 12)
        for name in names {
            let tree = try JSONValue.parse(try Fixtures.data(name))
            #expect(tree.encoded() == tree.encodedByFoundation(), "\(name)")
            #expect(try JSONValue.parse(tree.encoded()) == tree, "\(name)")
        }
    }

    @Test func randomTreesEncodeAsFoundationDoes() throws {
        var generator = SeededGenerator(seed: 0x15_0B_7E5)
        for index in 0..<2_000 {
            let tree = Self.randomValue(depth: 3, &generator)
            let ours = tree.encoded()
            #expect(
                ours == tree.encodedByFoundation(), "case \(index): \(String(decoding: ours, as: UTF8.self))")
            #expect(tree.encodedString == String(decoding: ours, as: UTF8.self))
        }
    }

    @Test func aNumberJSONCannotHoldEncodesTheDocumentAsNull() {
        let tree = JSONValue.object(["loss": .double(.infinity), "step": .int(1)])
        #expect(tree.encoded() == Data("null".utf8))
        #expect(tree.encodedByFoundation() == Data("null".utf8))
    }

    static let alphabet: [String] = [
        "a", "B", "z", "_", "0", "9", " ", "\"", "\\", "/", "é", "😀", "\u{0}", "\u{1}", "\u{8}", "\t", "\n",
        "\u{b}", "\u{c}", "\r", "\u{1b}", "\u{1f}", "\u{7f}", "\u{2028}", "ß", "Z", "a10", "a2",
    ]

    static func randomString(_ generator: inout SeededGenerator) -> String {
        (0..<Int(generator.next() % 6)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            .joined()
    }

    static func randomDouble(_ generator: inout SeededGenerator) -> Double {
        switch generator.next() % 4 {
        case 0: return Double(Int64(bitPattern: generator.next()) % 1_000_000) / 1_000
        case 1: return Double(generator.next() % 100_000) * 1e-9
        case 2:
            return [0.1, 1.0, -0.0, 1e16, 1e21, .leastNonzeroMagnitude, 1.5e300, 0.30000000000000004][
                Int(generator.next() % 8)]
        default:
            let value = Double(bitPattern: generator.next())
            return value.isFinite ? value : 2.5
        }
    }

    static func randomValue(depth: Int, _ generator: inout SeededGenerator) -> JSONValue {
        switch generator.next() % (depth > 0 ? 8 : 6) {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64))
        case 3: return .double(randomDouble(&generator))
        case 4, 5: return .string(randomString(&generator))
        case 6:
            return .array(
                (0..<Int(generator.next() % 4)).map { _ in randomValue(depth: depth - 1, &generator) })
        default:
            var members: JSONObject = [:]
            for _ in 0..<Int(generator.next() % 5) {
                members[randomString(&generator)] = randomValue(depth: depth - 1, &generator)
            }
            return .object(members)
        }
    }
}
