import FTDSimulator
import Foundation
import Testing

@testable import FTDAPI
@testable import FTDModel
@testable import FTDStore

struct FuzzFixture {
    /// The job whose events and checkpoints the list decoders are told they read.
    static let jobID = "ftjob-fuzz"

    let name: String
    let family: DecoderFamily
    let bytes: [UInt8]
    let tree: JSONValue
    /// The tree as raw tokens, and the path of each of its nodes, for the mutator.
    let raw: RawJSON
    let paths: [[RawJSON.Step]]
    /// What the fixture decodes to: the ids, or the error message of an error envelope.
    let ids: [String]?
    let errorMessage: String

    static func all() throws -> [FuzzFixture] {
        try Fixtures.names(withSuffix: ".json").compactMap { name in
            guard let family = DecoderFamily(fixture: name) else { return nil }
            let data = try Fixtures.data(name)
            let tree = try JSONValue.parse(data)
            let raw = RawJSON(tree)
            return FuzzFixture(
                name: name, family: family, bytes: [UInt8](data), tree: tree, raw: raw, paths: raw.paths(),
                ids: try? DecodedBody.decode(family, data).ids,
                errorMessage: OpenAIClient.errorMessage(status: 500, body: data))
        }
    }
}
