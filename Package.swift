// swift-tools-version:6.1
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "redress",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "redress", targets: ["RedressServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/async-kit.git", from: "1.22.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(
            name: "RedressCore",
            swiftSettings: settings
        ),
        .target(
            name: "RedressPersistence",
            dependencies: [
                "RedressCore",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "AsyncKit", package: "async-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "RedressMail",
            dependencies: [
                "RedressCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "RedressApp",
            dependencies: [
                "RedressCore",
                "RedressPersistence",
                "RedressMail",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "RedressWeb",
            dependencies: [
                "RedressApp",
                "RedressCore",
                "RedressPersistence",
                "RedressMail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/Templates"), .copy("Resources/Public")],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "RedressServer",
            dependencies: [
                "RedressWeb",
                "RedressApp",
                "RedressMail",
                "RedressPersistence",
                "RedressCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "RedressTestSupport",
            dependencies: [
                "RedressPersistence",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support",
            exclude: ["Python"],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "RedressBench",
            dependencies: [
                "RedressWeb",
                "RedressApp",
                "RedressMail",
                "RedressPersistence",
                "RedressCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/RedressBench",
            swiftSettings: settings
        ),
        .testTarget(
            name: "RedressCoreTests",
            dependencies: ["RedressCore"],
            exclude: ["Fixtures"],
            swiftSettings: settings
        ),
        // The application's pure parts (addresses, letters, errors, the timed-work catalog): no database, no HTTP.
        .testTarget(
            name: "RedressAppTests",
            dependencies: ["RedressApp", "RedressCore"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "RedressMailTests",
            dependencies: ["RedressMail", "RedressTestSupport"],
            swiftSettings: settings
        ),
        .testTarget(
            name: "RedressPersistenceTests",
            dependencies: ["RedressPersistence", "RedressCore", "RedressTestSupport", .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: settings
        ),
        .testTarget(
            name: "RedressWebTests",
            dependencies: [
                "RedressWeb",
                "RedressApp",
                "RedressPersistence",
                "RedressCore",
                "RedressMail",
                "RedressTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            exclude: ["__Snapshots__"],
            swiftSettings: settings
        ),
    ]
)
