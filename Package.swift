// swift-tools-version:6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "kiln",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "kiln", targets: ["kiln"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
  ],
  targets: [
    .executableTarget(
      name: "kiln",
      dependencies: ["KilnCommands"],
      swiftSettings: upcoming
    ),
    .target(
      name: "KilnCommands",
      dependencies: [
        "KilnCore", "Transport", "BuildKit", "Builders", "Bake", "Progress", "Build",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: upcoming
    ),
    .target(name: "KilnCore", swiftSettings: upcoming),
    .target(name: "HCL", dependencies: ["KilnCore"], swiftSettings: upcoming),
    .target(name: "CKilnSystem"),
    .target(name: "BuildContext", dependencies: ["KilnCore", "CKilnSystem"], swiftSettings: upcoming),
    .target(name: "Progress", swiftSettings: upcoming),
    .target(name: "Build", dependencies: ["KilnCore", "BuildKit", "DockerEngine", "Progress", "Transport"], swiftSettings: upcoming),
    .target(
      name: "Bake",
      dependencies: ["HCL", "KilnCore", .product(name: "Yams", package: "Yams")],
      swiftSettings: upcoming
    ),
    .target(
      name: "Builders",
      dependencies: ["KilnCore", "Transport", "BuildKit", "DockerEngine"],
      swiftSettings: upcoming
    ),
    .target(
      name: "DockerEngine",
      dependencies: [
        "KilnCore", "Transport",
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      swiftSettings: upcoming
    ),
    .target(
      name: "BuildKit",
      dependencies: [
        "KilnCore", "Transport", "BuildContext", "Progress",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCNIOTransportHTTP2TransportServices", package: "grpc-swift-nio-transport"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      exclude: ["Generated/README.md"],
      swiftSettings: upcoming
    ),
    .target(
      name: "Transport",
      dependencies: [
        "KilnCore",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ],
      swiftSettings: upcoming
    ),
    .testTarget(
      name: "TransportTests",
      dependencies: [
        "Transport", "KilnCore",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: upcoming
    ),
    .testTarget(name: "HCLTests", dependencies: ["HCL"], swiftSettings: upcoming),
    .testTarget(name: "BakeTests", dependencies: ["Bake", "HCL", "KilnCore"], swiftSettings: upcoming),
    .testTarget(name: "BuildersTests", dependencies: ["Builders", "KilnCore", "DockerEngine", "Transport"], swiftSettings: upcoming),
    .testTarget(name: "DockerEngineTests", dependencies: ["DockerEngine", "KilnCore", "Transport"], swiftSettings: upcoming),
    .testTarget(
      name: "BuildTests",
      dependencies: [
        "Build", "BuildKit", "Progress", "KilnCore",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
      ],
      swiftSettings: upcoming
    ),
    .testTarget(name: "ProgressTests", dependencies: ["Progress"], swiftSettings: upcoming),
    .testTarget(name: "BuildContextTests", dependencies: ["BuildContext"], swiftSettings: upcoming),
    .testTarget(name: "KilnCoreTests", dependencies: ["KilnCore"], swiftSettings: upcoming),
    .testTarget(
      name: "KilnIntegrationTests",
      dependencies: ["kiln"],
      swiftSettings: upcoming
    ),
  ]
)
