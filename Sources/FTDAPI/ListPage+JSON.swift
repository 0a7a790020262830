import FTDModel
import Foundation

extension ListPage {
    /// Decodes `{"object": "list", "data": [...], "has_more": bool}`; a missing
    /// `has_more` means there is no further page. An item that cannot be decoded fails
    /// the whole page, naming its index: a page is stored whole or not at all.
    public init(
        json: JSONValue, item decodeItem: (JSONValue) throws(APIDecodingError) -> Item
    ) throws(APIDecodingError) {
        guard let fields = json.objectValue else {
            throw APIDecodingError("expected a list object with a \"data\" array, got \(json.typeName)")
        }
        guard let data = fields["data"]?.arrayValue else {
            let found = fields["data"].map { "got \($0.typeName)" } ?? "it is missing"
            throw APIDecodingError("list: the field \"data\" must be an array, \(found)")
        }
        var items: [Item] = []
        items.reserveCapacity(data.count)
        for (index, element) in data.enumerated() {
            do throws(APIDecodingError) {
                items.append(try decodeItem(element))
            } catch {
                throw error.located(at: "data[\(index)]")
            }
        }
        self.init(data: items, hasMore: fields["has_more"]?.boolValue ?? false)
    }

    /// Decodes a list body.
    public init(
        body: Data, item decodeItem: (JSONValue) throws(APIDecodingError) -> Item
    ) throws(APIDecodingError) {
        try self.init(json: try JSONValue.parseBody(body), item: decodeItem)
    }
}

extension ListPage where Item == FineTuningJob {
    public static func jobs(body: Data) throws(APIDecodingError) -> ListPage<FineTuningJob> {
        try ListPage(body: body) { json throws(APIDecodingError) in try FineTuningJob(json: json) }
    }
}

extension ListPage where Item == JobEvent {
    public static func events(body: Data, jobID: String) throws(APIDecodingError) -> ListPage<
        JobEvent
    > {
        try ListPage(body: body) { json throws(APIDecodingError) in
            try JobEvent(json: json, jobID: jobID)
        }
    }
}

extension ListPage where Item == Checkpoint {
    public static func checkpoints(body: Data, jobID: String) throws(APIDecodingError) -> ListPage<
        Checkpoint
    > {
        try ListPage(body: body) { json throws(APIDecodingError) in
            try Checkpoint(json: json, jobID: jobID)
        }
    }
}
