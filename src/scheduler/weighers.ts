import { freeMemory } from '../domain/capacity.js';
import type { Host } from '../domain/host.js';

// Weighers in the nova style (nova RAMWeigher, weights.normalize): each gives a raw value per
// host, normalised over the candidates to 0..1 and multiplied by its multiplier; the host
// with the highest total wins. A positive RAM multiplier spreads (most free memory first,
// the user manual's rule: configuring_auto_placement_for_dehs.rst), a negative one packs.

export interface Weigher {
  readonly name: string;
  readonly multiplier: number;
  readonly raw: (host: Host) => number;
}

export type PlacementStrategy = 'spread' | 'pack';

export function ramWeigher(multiplier: number): Weigher {
  return { name: 'RAMWeigher', multiplier, raw: freeMemory };
}

/** spread: RAM × 1.0; pack: RAM × −1.0. */
export function weighersFor(strategy: PlacementStrategy): Weigher[] {
  return [ramWeigher(strategy === 'spread' ? 1 : -1)];
}

/** Min-max normalisation to 0..1; all equal → all 0 (nova weights.normalize). */
export function normalize(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max === min) return values.map(() => 0);
  return values.map((v) => (v - min) / (max - min));
}

/** Total weight of each host, in the order given. */
export function weigh(hosts: readonly Host[], weighers: readonly Weigher[]): number[] {
  const totals = hosts.map(() => 0);
  for (const w of weighers) {
    normalize(hosts.map(w.raw)).forEach((n, i) => { totals[i] += n * w.multiplier; });
  }
  return totals;
}
