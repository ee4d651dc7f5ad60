import { freeMemory, freeVcpus, type Inventory } from './capacity.js';
import type { HostState } from './host.js';
import type { FlavorSpec } from './host-type-catalog.js';

// "How much still fits": for each flavor a DeH type accepts, how many more ECSs of that
// flavor the DeH takes now. The bound is the scarcer resource: ⌊free vCPUs / flavor vCPUs⌋
// and ⌊free memory / flavor memory⌋, the smaller of the two (capacity.ts's `fits` holds for
// exactly that many claims in a row). A DeH that is not available takes none.

export interface FitCount { readonly flavor: string; readonly count: number }

export function fitCount(inv: Inventory, f: Pick<FlavorSpec, 'vcpus' | 'ramMb'>): number {
  return Math.max(0, Math.min(Math.floor(freeVcpus(inv) / f.vcpus), Math.floor(freeMemory(inv) / f.ramMb)));
}

export function fitCounts(inv: Inventory, state: HostState, flavors: readonly FlavorSpec[]): FitCount[] {
  return flavors.map((f) => ({ flavor: f.name, count: state === 'available' ? fitCount(inv, f) : 0 }));
}
