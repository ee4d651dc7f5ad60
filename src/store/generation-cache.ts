// Answers derived from a project's DeHs — list and tag-query totals, tag-query pages — kept per
// (project, query) with the project's host_list_generations value they were computed at
// (migration 0009). The generation moves in the transaction of every change to the project's
// host set, names, states or tags (host-repo.ts), and a hit needs the current generation,
// read from the database on every request, so every process (PostgreSQL runs several) sees
// another's change at once: nothing here can be stale, only unused.
// The generation is read BEFORE computing, so an answer stored under g reflects at least the
// state of g; a later change moves the generation and the entry is never used again.

export class GenerationCache<V> {
  // A Map iterates in insertion order; a hit re-inserts its entry, so the first is the least
  // recently used and goes first when the cache is over its weight.
  private readonly entries = new Map<string, { generation: number; value: V; weight: number }>();
  private weight = 0;

  /**
   * @param maxWeight bound on the summed weight of the entries kept
   * @param weigh an entry's weight, given its key and value (a key holds the whole query, up
   *   to ~100 KB of conditions a client chose, so a bound on memory weighs the key too)
   */
  constructor(private readonly maxWeight: number, private readonly weigh: (key: string, v: V) => number) {}

  get(key: string, generation: number): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined || e.generation !== generation) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, generation: number, value: V): void {
    const weight = Math.max(1, this.weigh(key, value));
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.weight -= old.weight;
    }
    if (weight > this.maxWeight) return;
    this.entries.set(key, { generation, value, weight });
    this.weight += weight;
    for (const [k, e] of this.entries) {
      if (this.weight <= this.maxWeight) break;
      this.entries.delete(k);
      this.weight -= e.weight;
    }
  }

  /** Entries and their summed weight, for tests and metrics. */
  size(): { entries: number; weight: number } {
    return { entries: this.entries.size, weight: this.weight };
  }
}
