import FTDModel
import FTDStore
import PostgresNIO

/// How the write side runs its statements: single statements on a pooled connection, and
/// batches of rows bound as arrays (`UNNEST`), so that a cycle of 100,000 events is a few
/// statements, not 100,000. A cycle's writes go in `fencedTransaction`.
extension PostgresStore {
    /// One statement outside any transaction (it commits by itself), its rows read by
    /// `read` on the connection that ran it.
    func withRows<T: Sendable>(_ query: PostgresQuery, _ read: (PostgresRowSequence) async throws -> T)
        async throws -> T
    {
        try await mappingErrors {
            try await client.withConnection { connection in
                try await read(try await connection.query(query, logger: logger))
            }
        }
    }

    /// The most rows one batched statement carries: each column is one array value, and a
    /// first sync's million events go in statements of this many.
    static let rowsPerStatement = 10_000

    /// The most text one batch of events binds before it is cut, whatever its count: a
    /// statement's message, and each array in it, must stay under PostgreSQL's 1 GB, and an
    /// API that sends 100 KB messages would pass that in 10,000 events.
    static let bytesPerStatement = 64 << 20
}

/// A one-dimensional array bound as one value whose elements may be NULL: PostgresNIO's
/// arrays hold no nil, and a batch's nullable columns (an event's `type`, a step's losses)
/// go through `UNNEST` as arrays like this one. Its elements are written by plain calls
/// (`BatchElement`) rather than PostgresNIO's generic encoder: a first sync binds millions
/// of them.
struct BatchArray<Element: BatchElement>: PostgresNonThrowingEncodable {
    var elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    init(_ elements: [Element]) { self.elements = elements.map(Optional.some) }

    static var psqlType: PostgresDataType { Element.arrayType }
    static var psqlFormat: PostgresFormat { .binary }

    /// PostgreSQL's binary array: dimensions, a has-NULL flag, the element type, the length
    /// and lower bound of the one dimension, then each element as its length (-1 for NULL)
    /// and bytes.
    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.elementType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)
        for element in elements {
            if let element {
                element.write(into: &buffer)
            } else {
                buffer.writeInteger(-1, as: Int32.self)
            }
        }
    }
}

/// A value a `BatchArray` holds: it writes its length and its binary form.
protocol BatchElement {
    static var elementType: PostgresDataType { get }
    static var arrayType: PostgresDataType { get }
    func write(into buffer: inout ByteBuffer)
}

/// PostgreSQL refuses a NUL in text, and one refused value would fail every cycle that
/// carries it (an event's message keeps the API's NUL): each is stored as U+FFFD, as
/// `replacingNUL` stores the decoded fields.
extension String: BatchElement {
    static var elementType: PostgresDataType { .text }
    static var arrayType: PostgresDataType { .textArray }
    func write(into buffer: inout ByteBuffer) {
        let text = replacingNUL
        buffer.writeInteger(Int32(text.utf8.count))
        buffer.writeString(text)
    }
}

extension Int64: BatchElement {
    static var elementType: PostgresDataType { .int8 }
    static var arrayType: PostgresDataType { .int8Array }
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(8, as: Int32.self)
        buffer.writeInteger(self)
    }
}

extension Int: BatchElement {
    static var elementType: PostgresDataType { .int8 }
    static var arrayType: PostgresDataType { .int8Array }
    func write(into buffer: inout ByteBuffer) { Int64(self).write(into: &buffer) }
}

extension Double: BatchElement {
    static var elementType: PostgresDataType { .float8 }
    static var arrayType: PostgresDataType { .float8Array }
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(8, as: Int32.self)
        buffer.writeInteger(bitPattern)
    }
}

extension Bool: BatchElement {
    static var elementType: PostgresDataType { .bool }
    static var arrayType: PostgresDataType { .boolArray }
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeInteger(self ? 1 : 0, as: UInt8.self)
    }
}

extension Array {
    /// The array in consecutive parts of at most `size` elements (none when it is empty).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// A statement made of data-modifying parts (`WITH name AS (…)`) and a last one: a batch
/// of a cycle's rows that depend on each other (a job, its transition, the transition's
/// deliveries) is one round trip. Each part is written by a closure that binds its values.
struct ChainedStatement {
    private var values = BoundValues()
    private var parts: [(name: String, sql: String)] = []

    /// Binds a value the parts share; returns its placeholder.
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String { values.bind(value) }

    /// Adds a part the statement runs; later parts name it by `name`.
    mutating func with(_ name: String, _ sql: (inout BoundValues) -> String) {
        let text = sql(&values)
        parts.append((name, text))
    }

    var isEmpty: Bool { parts.isEmpty }

    /// The whole statement, ending in `last` (its result rows).
    mutating func query(_ last: (inout BoundValues) -> String) -> PostgresQuery {
        let text = last(&values)
        guard !parts.isEmpty else { return values.query(text) }
        return values.query(
            "WITH " + parts.map { "\($0.name) AS (\n\($0.sql)\n)" }.joined(separator: ",\n") + "\n" + text)
    }

    /// The whole statement, its parts run for what they write.
    mutating func query() -> PostgresQuery { query { _ in "SELECT 1" } }
}
