// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ftd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ftd", targets: ["ftd"]),
        .library(name: "FTDSimulator", targets: ["FTDSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .target(name: "CFTDSystem"),
        // The layers, lowest first. Each target names only those below it, so an import
        // that points up does not build (docs/architecture.md).
        .target(
            name: "FTDModel",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        .target(
            name: "FTDConfig",
            dependencies: ["FTDModel", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "FTDAPI",
            dependencies: [
                "FTDModel", "FTDConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .target(
            name: "FTDStore",
            dependencies: [
                "FTDModel", "FTDConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The PostgreSQL backend of the store (SPEC section 11): beside the SQLite one, so that
        // what only it needs (PostgresNIO) builds only where a store is opened.
        .target(
            name: "FTDPostgres",
            dependencies: [
                "FTDModel", "FTDConfig", "FTDStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(name: "FTDTrainingFile", dependencies: ["FTDModel"]),
        .target(
            name: "FTDEngine",
            dependencies: [
                "FTDModel", "FTDConfig", "FTDAPI", "FTDStore", "FTDTrainingFile",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .target(
            name: "FTDTerminal",
            dependencies: ["FTDModel", "FTDConfig", "FTDStore", "FTDTrainingFile"]
        ),
        .target(
            name: "FTDWeb",
            dependencies: [
                "FTDModel", "FTDConfig", "FTDStore",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The page's script, style and icon are compiled into the binary: an installed
            // /usr/bin/ftd has no resource folder beside it.
            resources: [
                .embedInCode("Assets/app.js"), .embedInCode("Assets/app.css"),
                .embedInCode("Assets/icon.svg"),
            ]
        ),
        .target(
            name: "FTDDaemon",
            dependencies: [
                "CFTDSystem", "FTDModel", "FTDConfig", "FTDAPI", "FTDStore", "FTDPostgres", "FTDEngine",
                "FTDWeb",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "FTDSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "ftd",
            dependencies: [
                "FTDModel", "FTDConfig", "FTDAPI", "FTDStore", "FTDPostgres", "FTDTrainingFile", "FTDEngine",
                "FTDTerminal",
                "FTDWeb", "FTDDaemon",
                "FTDSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "FTDCoreTests",
            dependencies: [
                "FTDModel", "FTDConfig", "FTDAPI", "FTDStore", "FTDPostgres", "FTDTrainingFile", "FTDEngine",
                "FTDTerminal",
                "FTDWeb", "FTDDaemon",
                "FTDSimulator",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "FTDSimulatorTests",
            dependencies: [
                // FTDModel only to decode what the simulator sends with ftd's own decoder.
                "FTDModel", "FTDSimulator",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ftd",
                "FTDSimulator",
                // WebhookVerifier's signer, to sign the webhooks a test posts.
                "FTDWeb",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
