// Totals of DeH lists and tag queries, kept per (project, query) with the project's
// host_list_generations value they were counted at (migration 0009). A hit needs the current
// generation, read from the database on every request, so every process (PostgreSQL runs
// several) sees another's change at once: nothing here can be stale, only unused.
// The generation is read BEFORE counting, so a total stored under g reflects at least the
// state of g; a later change moves the generation and the entry is never used again.

export class CountCache {
  private readonly entries = new Map<string, { generation: number; total: number }>();

  constructor(private readonly max = 4096) {}

  get(key: string, generation: number): number | undefined {
    const e = this.entries.get(key);
    return e !== undefined && e.generation === generation ? e.total : undefined;
  }

  set(key: string, generation: number, total: number): void {
    // Bounded: past `max` distinct queries it starts over (the next request of each recounts).
    if (this.entries.size >= this.max && !this.entries.has(key)) this.entries.clear();
    this.entries.set(key, { generation, total });
  }
}
