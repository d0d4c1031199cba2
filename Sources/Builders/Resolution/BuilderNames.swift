/// Random builder names in the Docker style (`adjective_surname`), for
/// `create` without `--name`.
public enum BuilderNames {
  static let adjectives = [
    "admiring", "brave", "busy", "clever", "eager", "elegant", "focused", "gallant", "happy", "keen",
    "loving", "modest", "nifty", "peaceful", "quirky", "relaxed", "serene", "sharp", "trusting", "vibrant",
  ]
  static let surnames = [
    "babbage", "curie", "dijkstra", "euclid", "feynman", "hopper", "kepler", "knuth", "lamport", "lovelace",
    "meitner", "noether", "pascal", "ritchie", "shannon", "thompson", "turing", "wozniak", "yalow", "zhukovsky",
  ]

  /// A name; from the second attempt on, a digit is appended, as Docker's generator does.
  public static func random(attempt: Int) -> String {
    let name = "\(adjectives.randomElement() ?? "busy")_\(surnames.randomElement() ?? "turing")"
    return attempt > 0 ? name + String(Int.random(in: 0..<10)) : name
  }
}
