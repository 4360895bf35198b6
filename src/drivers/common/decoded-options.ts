/**
 * A driver's `-o` options, decoded once per network. The network's options stay on the model as
 * Docker keeps them (string to string, shown verbatim by inspect); a driver decodes them when the
 * network is validated at create time, or first met after a restart (restore), and every later
 * step (join, firewall intent, delete...) reuses the typed result.
 *
 * Entries hang off the Network object itself (a WeakMap), so a network that is removed, or whose
 * create failed, takes its entry with it, and networks loaded from an older store need nothing
 * new. Each entry remembers what it was decoded from (the options record and any other field the
 * decoder reads): code that replaces them (the overlay driver writing the chosen VNI, start-up
 * updating the predefined bridge) gets a fresh decode, never a stale one. Replace those fields,
 * never edit them in place.
 */
export class DecodedOptions<N extends object, T> {
  private readonly entries = new WeakMap<N, { sources: readonly unknown[]; decoded: T }>();

  /**
   * `decode` throws (EngineError) on bad options; `sourcesOf` lists the fields it reads that can
   * be replaced on a network object (compared by identity).
   */
  constructor(
    private readonly decode: (network: N) => T,
    private readonly sourcesOf: (network: N) => readonly unknown[],
  ) {}

  /** The network's decoded options: kept from an earlier call while its sources are the same. */
  of(network: N): T {
    const sources = this.sourcesOf(network);
    const kept = this.entries.get(network);
    if (kept && kept.sources.length === sources.length && kept.sources.every((source, index) => source === sources[index])) return kept.decoded;
    const decoded = this.decode(network);
    this.entries.set(network, { sources, decoded });
    return decoded;
  }
}
