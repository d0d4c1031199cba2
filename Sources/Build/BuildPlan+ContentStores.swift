import BuildKit
import Foundation
import KilnCore

/// An OCI layout whose `index.json` gets an entry after the build.
public struct LayoutIndexUpdate: Sendable, Equatable {
  /// The layout's directory.
  public var path: String
  /// `--cache-to type=local`: the cache manifest under this tag. An export
  /// (nil) gets the image under its names, or `latest`.
  public var cacheTag: String?
  /// `reset=true` on a local cache export: blobs no manifest reaches are deleted afterwards.
  public var reset: Bool

  public init(path: String, cacheTag: String?, reset: Bool = false) {
    self.path = path
    self.cacheTag = cacheTag
    self.reset = reset
  }
}

/// The session content stores, as BuildKit's client (`client/solve.go`) and
/// buildx (`build/opt.go`) set them up: `local:DIR` for `type=local` cache
/// (DIR as given in `dest`/`src`), `oci:ID` for an `oci-layout://` context,
/// `export` for an `oci`/`docker` output with `tar=false`.
extension BuildPlan {
  /// `type=local` cache: exports get their directory created and a store;
  /// imports have their `digest` resolved from `index.json` (by `tag`,
  /// default `latest`), and are skipped with a warning when that fails.
  mutating func addLocalCaches(currentDirectory: String) throws {
    for entry in cacheExports where entry.type == "local" {
      guard let dest = entry.attrs["dest"], !dest.isEmpty else { throw KilnError(.invalidArgument, "local cache exporter requires dest") }
      let path = Self.absolute(dest, from: currentDirectory)
      do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      } catch {
        throw KilnError(.io, "cannot create the cache directory \(dest)", underlying: error)
      }
      var reset = false
      if let text = entry.attrs["reset"] {
        guard let value = Self.parseBool(text) else { throw KilnError(.invalidArgument, "failed to parse reset attribute: invalid syntax") }
        reset = value
      }
      contentStores["local:" + dest] = path
      layoutUpdates.append(LayoutIndexUpdate(path: path, cacheTag: entry.attrs["tag"] ?? "latest", reset: reset))
    }
    var imports: [CacheEntry] = []
    for var entry in cacheImports {
      defer { imports.append(entry) }
      guard entry.type == "local" else { continue }
      guard let src = entry.attrs["src"], !src.isEmpty else { throw KilnError(.invalidArgument, "local cache importer requires src") }
      let path = Self.absolute(src, from: currentDirectory)
      if (entry.attrs["digest"] ?? "").isEmpty {
        let tag = entry.attrs["tag"] ?? "latest"
        guard !tag.isEmpty else {
          throw KilnError(.invalidArgument, "local cache importer requires either explicit digest, \"latest\" tag or custom tag on index.json")
        }
        let found: String?
        do {
          found = try OCILayoutIndex.digest(in: path, tag: tag)
        } catch {
          warnings.append("local cache import at \(src) skipped due to err: \(error)")
          entry.type = ""
          continue
        }
        guard let found else {
          warnings.append("local cache import at \(src) skipped: no digest found for tag \(tag)")
          entry.type = ""
          continue
        }
        entry.attrs["digest"] = found
      }
      let digest = entry.attrs["digest"] ?? ""
      do {
        _ = try OCILayoutStore(root: path).info(BlobDigest(digest))
      } catch {
        warnings.append("local cache import at \(src) skipped: digest \(digest) unavailable: \(error)")
        entry.type = ""
        continue
      }
      contentStores["local:" + src] = path
    }
    cacheImports = imports.filter { !$0.type.isEmpty }
  }

  /// `--build-context name=oci-layout://DIR[:TAG][@DIGEST]` (buildx's
  /// `util/ocilayout`): without a digest it is looked up in `index.json` by
  /// tag (default `latest`), else the only manifest. The frontend gets the
  /// store's random name in place of the directory.
  mutating func addLayoutContext(name: String, value: String, currentDirectory: String) throws {
    var rest = String(value.dropFirst("oci-layout://".count))
    var digest: String?
    var tag: String?
    if let at = rest.lastIndex(of: "@"), rest[rest.index(after: at)...].contains(":") {
      let text = String(rest[rest.index(after: at)...])
      guard (try? BlobDigest(text)) != nil else { throw KilnError(.invalidArgument, "invalid checksum digest format") }
      digest = text
      rest = String(rest[..<at])
    }
    if let colon = rest.lastIndex(of: ":") {
      let after = rest[rest.index(after: colon)...]
      if after.unicodeScalars.contains(where: { CharacterSet.alphanumerics.contains($0) || $0 == "_" }) {
        tag = String(after)
        rest = String(rest[..<colon])
      }
    }
    if tag == nil, digest == nil { tag = "latest" }
    let path = Self.absolute(rest, from: currentDirectory)
    if digest == nil {
      do {
        digest = try OCILayoutIndex.digest(in: path, tag: tag ?? "") ?? OCILayoutIndex.singleDigest(in: path)
      } catch {
        throw KilnError(.invalidArgument, "oci-layout reference \"\(value)\" could not be resolved", underlying: error)
      }
      guard let found = digest, (try? BlobDigest(found)) != nil else {
        throw KilnError(.invalidArgument, "oci-layout reference \"\(value)\" could not be resolved: failed to resolve digest")
      }
    }
    let store = BuildSession.randomID()
    contentStores["oci:" + store] = path
    frontendAttrs["context:" + name] = "oci-layout://" + store + (tag.map { ":" + $0 } ?? "") + "@" + (digest ?? "")
  }

  /// `-o type=oci|docker,dest=DIR,tar=false`: BuildKit writes the image's
  /// blobs into the session store named `export`; its index goes into
  /// `index.json` after the build.
  static func layoutExport(_ entry: OutputEntry, currentDirectory: String) throws -> ExportSpec {
    guard let dest = entry.destination, !dest.isEmpty else { throw KilnError(.invalidArgument, "dest is required for \(entry.type) exporter") }
    guard dest != "-" else { throw KilnError(.invalidArgument, "dest cannot be stdout for \(entry.type) exporter") }
    let path = absolute(dest, from: currentDirectory)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
      throw KilnError(.invalidArgument, "destination directory \(dest) is a file")
    }
    var spec = ExportSpec(type: entry.type, attrs: entry.attrs)
    spec.layoutDirectory = path
    return spec
  }

  /// The exports' layout directories as stores (called once the exporters are known).
  mutating func addExportLayouts() throws {
    for path in exports.compactMap(\.layoutDirectory) {
      do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      } catch {
        throw KilnError(.io, "cannot create the output directory \(path)", underlying: error)
      }
      // BuildKit's client has one such store (its TODO: one per exporter).
      guard contentStores["export"] == nil else { throw KilnError(.invalidArgument, "oci store key \"export\" already exists") }
      contentStores["export"] = path
      layoutUpdates.append(LayoutIndexUpdate(path: path, cacheTag: nil))
    }
  }

  /// After the solve: the cache manifest (`cache.manifest`, a JSON
  /// descriptor) into each local cache's `index.json` under its tag, and the
  /// image (`containerimage.descriptor`, base64 JSON) into each exported
  /// layout under the names in `image.name`, else `latest`. Then local
  /// caches with `reset=true` lose unreferenced blobs; a failure there is
  /// only a warning (returned), as in BuildKit's client.
  public func updateLayoutIndexes(response: [String: String]) throws -> [String] {
    for update in layoutUpdates {
      if let tag = update.cacheTag {
        guard let text = response["cache.manifest"], !text.isEmpty else { continue }
        try OCILayoutIndex.put(descriptor: Data(text.utf8), in: update.path, names: [.tag(tag)])
      } else {
        guard let text = response["containerimage.descriptor"], !text.isEmpty else { continue }
        guard let descriptor = Data(base64Encoded: text) else { throw KilnError(.daemon, "containerimage.descriptor is not base64") }
        var names: [OCILayoutIndex.Name] = [.tag("latest")]
        if let list = response["image.name"] { names = list.split(separator: ",", omittingEmptySubsequences: false).map { .image(String($0)) } }
        try OCILayoutIndex.put(descriptor: descriptor, in: update.path, names: names)
      }
      OCILayoutStore(root: update.path).removeEmptyIngest()
    }
    var warnings: [String] = []
    for update in layoutUpdates where update.reset {
      do {
        try OCILayoutIndex.removeUnreferencedBlobs(in: update.path)
      } catch {
        warnings.append("failed to reset cache store: \(error)")
      }
    }
    return warnings
  }
}
