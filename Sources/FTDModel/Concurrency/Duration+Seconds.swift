extension Duration {
    /// The duration in seconds, as a `Double` (the state machines' unit).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
