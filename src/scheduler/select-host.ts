import type { Host } from '../domain/host.js';
import { firstRejection, type PlacementRequest, type Rejection } from './filters.js';
import { weigh, type Weigher } from './weighers.js';

// filter → weigh → pick: the host with the highest weight among those every filter passes;
// ties go to the lowest id, so the choice is deterministic on every engine and process.

export type Selection =
  | { readonly host: Host; readonly weight: number }
  | { readonly host: null; readonly rejections: readonly Rejection[] };

export function selectHost(hosts: readonly Host[], req: PlacementRequest, weighers: readonly Weigher[]): Selection {
  const passed: Host[] = [];
  const rejections: Rejection[] = [];
  for (const h of hosts) {
    const r = firstRejection(h, req);
    if (r) rejections.push(r);
    else passed.push(h);
  }
  if (passed.length === 0) return { host: null, rejections };
  const weights = weigh(passed, weighers);
  let best = 0;
  for (let i = 1; i < passed.length; i++) {
    if (weights[i] > weights[best] || (weights[i] === weights[best] && passed[i].id < passed[best].id)) best = i;
  }
  return { host: passed[best], weight: weights[best] };
}
