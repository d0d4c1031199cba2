#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation
import KilnCore

/// The `index.json` of an OCI layout, read and updated as BuildKit's client
/// does (`client/ociindex`): entries are found by the
/// `io.containerd.image.name` annotation, then by
/// `org.opencontainers.image.ref.name`; a new entry replaces those with the
/// same name, under `index.json.lock`, and `oci-layout` is (re)written.
public enum OCILayoutIndex {
  public enum Name: Sendable, Equatable {
    /// Only `org.opencontainers.image.ref.name`.
    case tag(String)
    /// An image name: `io.containerd.image.name`, and its tag as the ref name.
    case image(String)
  }

  static let imageNameKey = "io.containerd.image.name"
  static let refNameKey = "org.opencontainers.image.ref.name"

  /// The manifests listed in `root/index.json`.
  static func manifests(in root: String) throws -> [[String: Any]] {
    let path = root + "/index.json"
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KilnError(.notFound, "could not read \(path): no such file or directory")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw KilnError(.io, "could not unmarshal \(path)")
    }
    return object["manifests"] as? [[String: Any]] ?? []
  }

  /// The digest of the manifest named `tag`, or nil.
  public static func digest(in root: String, tag: String) throws -> String? {
    let manifests = try manifests(in: root)
    for key in [imageNameKey, refNameKey] {
      if let match = manifests.first(where: { ($0["annotations"] as? [String: Any])?[key] as? String == tag }) {
        return match["digest"] as? String
      }
    }
    return nil
  }

  /// The digest of the only manifest, or nil when there are none or several.
  public static func singleDigest(in root: String) throws -> String? {
    let manifests = try manifests(in: root)
    return manifests.count == 1 ? manifests[0]["digest"] as? String : nil
  }

  /// Adds a descriptor (a JSON object) under each name (or once, unnamed).
  public static func put(descriptor: Data, in root: String, names: [Name]) throws {
    guard let descriptor = try? JSONSerialization.jsonObject(with: descriptor) as? [String: Any] else {
      throw KilnError(.daemon, "the daemon's descriptor is not a JSON object")
    }
    let lockPath = root + "/index.json.lock"
    let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
      if lock >= 0 { close(lock) }
      throw KilnError(.io, "could not lock \(lockPath)")
    }
    defer {
      flock(lock, LOCK_UN)
      close(lock)
      unlink(lockPath)
    }
    do {
      try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: root + "/oci-layout"))
      let path = root + "/index.json"
      var index: [String: Any] = [:]
      if let data = FileManager.default.contents(atPath: path), !data.isEmpty {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
          throw KilnError(.io, "could not unmarshal \(path)")
        }
        index = object
      }
      if (index["schemaVersion"] as? Int ?? 0) == 0 { index["schemaVersion"] = 2 }
      if (index["mediaType"] as? String ?? "").isEmpty { index["mediaType"] = "application/vnd.oci.image.index.v1+json" }
      var manifests = index["manifests"] as? [[String: Any]] ?? []
      for name in names.isEmpty ? [nil] : names.map(Optional.some) {
        var entry = descriptor
        if let name {
          var annotations = entry["annotations"] as? [String: Any] ?? [:]
          let (imageName, refName): (String, String) =
            switch name {
            case .tag(let tag): ("", tag)
            case .image(let image): (image, referenceObject(image))
            }
          if !imageName.isEmpty { annotations[imageNameKey] = imageName }
          annotations[refNameKey] = refName
          entry["annotations"] = annotations
          manifests.removeAll { existing in
            let existingAnnotations = existing["annotations"] as? [String: Any] ?? [:]
            return existingAnnotations[refNameKey] as? String ?? "" == refName && existingAnnotations[imageNameKey] as? String ?? "" == imageName
          }
        }
        manifests.append(entry)
      }
      index["manifests"] = manifests
      try Data(encode(index, order: indexOrder).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch let error as KilnError {
      throw error
    } catch {
      throw KilnError(.io, "cannot update the OCI layout at \(root)", underlying: error)
    }
  }

  /// The tag (and digest) part of an image name, as containerd's
  /// `reference.Parse` gives it: everything after the first `:` or `@` past
  /// the host. Names it cannot parse are used whole.
  static func referenceObject(_ name: String) -> String {
    guard !name.contains("://") else { return name }
    let slash = name.firstIndex(of: "/")
    let host = slash.map { name[..<$0] } ?? name[...]
    guard !host.isEmpty else { return name }
    guard let slash else { return "" }
    let path = name[slash...]
    guard let split = path.firstIndex(where: { $0 == ":" || $0 == "@" }) else { return "" }
    let object = path[split...]
    return object.hasPrefix(":") ? String(object.dropFirst()) : String(object)
  }

  // Go's encoding/json writes struct fields in declaration order (OCI's
  // Index and Descriptor types); unknown keys follow, sorted.
  static let indexOrder = ["schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations"]
  static let descriptorOrder = ["mediaType", "digest", "size", "urls", "annotations", "data", "platform", "artifactType"]

  static func encode(_ object: [String: Any], order: [String]) -> String {
    let keys = order.filter { object[$0] != nil } + object.keys.filter { !order.contains($0) }.sorted()
    let fields = keys.map { key -> String in
      let value: String
      if key == "manifests", let list = object[key] as? [[String: Any]] {
        value = "[" + list.map { encode($0, order: descriptorOrder) }.joined(separator: ",") + "]"
      } else {
        value = plain(object[key] as Any)
      }
      return plain(key) + ":" + value
    }
    return "{" + fields.joined(separator: ",") + "}"
  }

  static func plain(_ value: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])) ?? Data("null".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}

extension OCILayoutIndex {
  static let indexTypes: Set = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"]
  static let manifestTypes: Set = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"]

  /// `reset=true` on a local cache export (BuildKit's client `resetCacheStore`):
  /// deletes every blob that no manifest listed in `index.json` reaches
  /// (indexes → manifests → config and layers). Returns what it deleted.
  @discardableResult
  public static func removeUnreferencedBlobs(in root: String) throws -> [String] {
    let store = OCILayoutStore(root: root)
    var referenced: Set<String> = []
    var pending = try manifests(in: root)
    while let descriptor = pending.popLast() {
      guard let text = descriptor["digest"] as? String, referenced.insert(text).inserted else { continue }
      let mediaType = descriptor["mediaType"] as? String ?? ""
      guard indexTypes.contains(mediaType) || manifestTypes.contains(mediaType) else { continue }
      let digest = try BlobDigest(text)
      guard let data = FileManager.default.contents(atPath: try store.blobPath(digest)),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
      else {
        throw KilnError(.io, "reset: cannot read \(text) in \(root)")
      }
      if indexTypes.contains(mediaType) {
        pending += object["manifests"] as? [[String: Any]] ?? []
      } else {
        if let config = object["config"] as? [String: Any] { pending.append(config) }
        pending += object["layers"] as? [[String: Any]] ?? []
      }
    }
    var deleted: [String] = []
    for info in try store.list() where !referenced.contains(info.digest.description) {
      try store.delete(info.digest)
      deleted.append(info.digest.description)
    }
    return deleted
  }
}
